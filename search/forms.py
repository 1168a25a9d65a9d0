from django import forms

from accounts.models import User
from debates import policy, queries
from debates.errors import over_the_limit
from debates.models import Argument, Motion, Stance
from debates.text import one_line

QUERY_MAX_LENGTH = 200


class MotionChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        # A slug of printable text, or no motion: PostgreSQL cannot even compare a NUL.
        if value and one_line(value) != value:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj):
        return queries.motion_label(obj)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages=over_the_limit("search"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "dir": "auto"}),
        help_text='"A phrase" in quotes, "or" between alternatives, -word to leave a word out.',
    )
    motion = MotionChoiceField(
        queryset=Motion.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All motions",
        help_text="Sources and their texts belong to no motion: choosing one leaves them out.",
        error_messages={"invalid_choice": "There is no such motion to search in."},
    )
    stance = forms.ChoiceField(
        choices=[("", "Any stance"), *Stance.choices],
        required=False,
        help_text="Only arguments take a stance: choosing one leaves motions and sources out.",
        error_messages={"invalid_choice": "Choose pro, con or any stance."},
    )
    author = forms.CharField(
        label="Author",
        required=False,
        max_length=Argument._meta.get_field("attribution").max_length,
        error_messages=over_the_limit("name"),
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text="A member, or whoever a claim or source is attributed to (a source's text too).",
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Only motions whose title the viewer may read are offered (and accepted).
        self.fields["motion"].queryset = queries.telling_titles_apart(
            Motion.objects.filter(policy.texts_shown_to(viewer, Motion))
            .only("slug", "title")
            .order_by("title")
        )

    def clean_q(self):
        return one_line(self.cleaned_data["q"])

    def clean_author(self):
        """(the name, the member of that name or None): a name no member has may still be
        what claims are attributed to."""
        name = one_line(self.cleaned_data["author"])
        if not name:
            return None
        return name, User.objects.with_display_name(name).first()
