"""Forms parse and re-display input; the rules themselves live in debates.services."""

import uuid

from django import forms

from debates.models import CLAIM_MAX_LENGTH, DETAILS_MAX_LENGTH, Stance
from debates.services import QUOTE_MAX_LENGTH, DebateRuleError


class RuleErrorsMixin:
    def add_rule_error(self, error: DebateRuleError):
        self.add_error(error.field if error.field in self.fields else None, error.message)


class ArgumentForm(RuleErrorsMixin, forms.Form):
    stance = forms.ChoiceField(
        choices=Stance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you argue pro or con."},
    )
    claim = forms.CharField(
        max_length=CLAIM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the claim you want to make."},
        help_text=f"One clear statement, up to {CLAIM_MAX_LENGTH} characters.",
    )
    details = forms.CharField(
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Markdown: *emphasis*, **strong**, [links](https://…), lists.",
    )
    source_url = forms.CharField(
        required=False,
        label="Source (web address)",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    quote = forms.CharField(
        required=False,
        max_length=QUOTE_MAX_LENGTH,
        label="Quote from the source",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class EditArgumentForm(RuleErrorsMixin, forms.Form):
    claim = ArgumentForm.base_fields["claim"]
    details = ArgumentForm.base_fields["details"]


class MotionForm(RuleErrorsMixin, forms.Form):
    title = forms.CharField(max_length=120, help_text="A short name for the debate.")
    claim = forms.CharField(
        max_length=CLAIM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The claim up for debate: one statement people can argue for or against.",
    )
    context = forms.CharField(
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional background, in Markdown.",
    )
    source_url = ArgumentForm.base_fields["source_url"]
    quote = ArgumentForm.base_fields["quote"]
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
