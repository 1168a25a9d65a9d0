"""Forms of the source pages (issue 20): adding a source with its text, arguing from a passage.
They parse and re-display input; the rules live in debates.sources and debates.services."""

import uuid

from django import forms

from debates import queries
from debates.forms import ArgumentForm, CountedCharField, RuleErrorsMixin
from debates.models import QUOTE_MAX_LENGTH, SOURCE_TEXT_MAX_LENGTH, Source


class SourceForm(RuleErrorsMixin, forms.Form):
    # Not required here: the service says what is missing together with what else is wrong.
    # aria-required marks the title and the text required all the same (debates/_field.html).
    # Counted, not cut: a browser's maxlength would cut a pasted web address short unseen, and
    # one sent too long is told by how much, as the live counter says it (debates.forms).
    title = CountedCharField(
        required=False,
        max_length=Source._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"aria-required": "true"}),
    )
    author = CountedCharField(
        required=False, max_length=Source._meta.get_field("author").max_length
    )
    publisher = CountedCharField(
        required=False, max_length=Source._meta.get_field("publisher").max_length
    )
    published_on = forms.DateField(
        required=False,
        label="Published on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )
    url = CountedCharField(
        required=False,
        label="Web address",
        max_length=Source._meta.get_field("url").max_length,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    # Counted, not cut, as above, to the limit the help and the service say: a line break is one
    # character, CRLF or not, as the live counter counts it, so Windows line breaks need no
    # margin. The service counts again after cleaning, which only ever shortens the text.
    text = CountedCharField(
        required=False,
        label="The text",
        max_length=SOURCE_TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "aria-required": "true"}),
        help_text=(
            f"Plain text, up to {SOURCE_TEXT_MAX_LENGTH:,} characters; a blank line between "
            "paragraphs. Only text you may publish here."
        ),
    )


class PassageArgumentForm(RuleErrorsMixin, forms.Form):
    """A new argument on a chosen motion, quoting a passage of the source."""

    motion = forms.ChoiceField(
        label="Argue on the motion",
        error_messages={"required": "Choose the motion you argue on."},
    )
    stance = ArgumentForm.base_fields["stance"]
    claim = ArgumentForm.base_fields["claim"]
    details = ArgumentForm.base_fields["details"]
    # Counted, not cut: a selection longer than the limit arrives whole, and the page says by how
    # much it is over, as the live counter does.
    quote = CountedCharField(
        max_length=QUOTE_MAX_LENGTH,
        label="The passage you quote",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Quote the passage you argue from."},
        help_text=(
            f"Trim it to the words you argue from (up to {QUOTE_MAX_LENGTH:,} characters): "
            "it must stand in the source as written."
        ),
    )
    quote_start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    quote_end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, motions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.motions = {motion.slug: motion for motion in motions}
        self.fields["motion"].choices = [("", "Choose a motion…")] + [
            (motion.slug, queries.motion_label(motion)) for motion in motions
        ]
