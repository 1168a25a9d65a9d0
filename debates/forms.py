"""Forms parse and re-display input; the rules themselves live in debates.services."""

import uuid

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError

from debates.errors import DebateRuleError
from debates.models import (
    CLAIM_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Motion,
    Source,
    Stance,
)
from debates.text import caseless, composed, one_line


class CountedCharField(forms.CharField):
    """A text field whose limit the page shows as a count rather than enforces by cutting:
    `maxlength` would silently truncate a pasted claim without JavaScript, where the server's
    refusal says how far over it is and keeps the text; crux.js counts as one types or pastes,
    in the same words."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            _OverTheLimit(max_length) if isinstance(v, validators.MaxLengthValidator) else v
            for v in self.validators
        ]

    def to_python(self, value):
        # Browsers send a text box's line breaks as CRLF, and a pasted "ü" may come as "u" and a
        # combining diaeresis: the services count each as the one character they store (text
        # composed, NFC), and so must the limit.
        value = super().to_python(value)
        return composed(value.replace("\r\n", "\n")) if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["data-limit"] = attrs.pop("maxlength")
        if getattr(widget, "input_type", "text") not in ("url", "email"):
            attrs["dir"] = "auto"  # an Arabic or Hebrew text starts at its own edge as typed
        return attrs


class _OverTheLimit(validators.MaxLengthValidator):
    def __call__(self, value):
        over = len(value) - self.limit_value
        if over > 0:
            raise ValidationError(
                f"{over:,} character{'' if over == 1 else 's'} over the limit of "
                f"{self.limit_value:,}.",
                code="max_length",
            )


STALE_FORM = (
    "This form is out of date or incomplete: copy what you wrote, reload the page and post it "
    "from the fresh form."
)


class RuleErrorsMixin:
    def full_clean(self):
        super().full_clean()
        # A hidden field's error shows nowhere (only a forged or very old page leaves one out):
        # its sender is told what to do, not met with a refusal that says nothing.
        if any(self[name].is_hidden for name in self._errors if name in self.fields):
            self.add_error(None, STALE_FORM)

    def add_rule_error(self, error: DebateRuleError):
        for refusal in (error, *getattr(error, "also", ())):
            # A refusal of a field the page does not show (the submission key) is the form's.
            field = refusal.field
            shown = field in self.fields and not self[field].is_hidden
            self.add_error(field if shown else None, refusal.message)


class ArgumentForm(RuleErrorsMixin, forms.Form):
    # Stance and claim are not required here: the service says what is missing together with
    # whatever else is wrong. aria-required marks them required all the same, for assistive
    # technology and for the label (debates/_field.html never calls them optional).
    stance = forms.ChoiceField(
        required=False,
        # Said with their object: a bare "Pro / Con" leaves a reply's author to guess what of.
        choices=[(Stance.PRO, "Pro: supports it"), (Stance.CON, "Con: objects to it")],
        widget=forms.RadioSelect(attrs={"aria-required": "true"}),
    )
    claim = CountedCharField(
        required=False,
        max_length=CLAIM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text=f"One clear statement, up to {CLAIM_MAX_LENGTH} characters.",
    )
    details = CountedCharField(
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Markdown: *emphasis*, **strong**, [links](https://…), lists.",
    )
    # Counted, not cut, as the add-source form's address is (debates.source_forms).
    source_url = CountedCharField(
        required=False,
        label="Source (web address)",
        max_length=Source._meta.get_field("url").max_length,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    quote = CountedCharField(
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
    # Title and claim are not required here: the service says what is missing together with
    # whatever else is wrong. aria-required marks them required all the same, for assistive
    # technology and for the label (debates/_field.html never calls them optional).
    title = CountedCharField(
        required=False,
        max_length=Motion._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"aria-required": "true"}),
        help_text="A short name for the debate.",
    )
    claim = CountedCharField(
        required=False,
        max_length=CLAIM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text="The claim up for debate: one statement people can argue for or against.",
    )
    context = CountedCharField(
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional background, in Markdown.",
    )
    source_url = ArgumentForm.base_fields["source_url"]
    quote = ArgumentForm.base_fields["quote"]
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # The title the page last named motions of the same title for (debates.views_posting): sent
    # back with it, the proposal goes ahead; a title changed since is looked up anew.
    same_title_seen = forms.CharField(
        required=False,
        max_length=Motion._meta.get_field("title").max_length,
        widget=forms.HiddenInput,
    )

    def same_title_was_seen(self) -> bool:
        seen = self.cleaned_data["same_title_seen"]
        return bool(seen) and _title_key(seen) == _title_key(self.cleaned_data["title"])

    def mark_same_title_seen(self):
        """The page sent back carries the title it names motions for, to propose it anyway."""
        self.data = self.data.copy()
        self.data[self.add_prefix("same_title_seen")] = one_line(self.cleaned_data["title"])


def _title_key(title: str) -> str:
    return caseless(one_line(title))
