from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.templatekit import get_entrance_context_data
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse

from accounts.models import User
from accounts.names import DISPLAY_NAME_MAX_LENGTH, DISPLAY_NAME_MIN_LENGTH, NAME_TAKEN
from accounts.services import BIO_MAX_LENGTH, display_name_taken, normalise_display_name

DISPLAY_NAME_HELP = (
    f"How others see you in debates: {DISPLAY_NAME_MIN_LENGTH} to {DISPLAY_NAME_MAX_LENGTH} "
    "characters, unique (names that look alike count as the same)."
)


def focus_first_error(form: forms.Form) -> None:
    """A form sent back with errors opens on its first field in error, JavaScript or not. An
    error of the whole form comes first: the template focuses its message instead
    (templates/allauth/elements/fields.html), so exactly one element asks for the focus."""
    if form.non_field_errors():
        return
    for field in form.visible_fields():
        if field.errors:
            field.field.widget.attrs["autofocus"] = True
            return


def display_name_field():
    return forms.CharField(
        label="Display name",
        help_text=DISPLAY_NAME_HELP,
        # accounts.services checks the length after trimming, with a clear message; the
        # browser's maxlength is only a hint.
        strip=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "nickname", "maxlength": DISPLAY_NAME_MAX_LENGTH, "dir": "auto"}
        ),
        # Left empty, it says what a name of spaces says (accounts.names), not Django's words.
        error_messages={"required": "Choose a display name."},
    )


def relabel(form: forms.Form, labels: dict[str, str]) -> None:
    """allauth's labels in the site's sentence case ("New Password" is "New password"), and the
    placeholders that repeat them."""
    for name, label in labels.items():
        field = form.fields[name]
        field.label = label
        field.widget.attrs["placeholder"] = label


NEW_PASSWORD_LABELS = {"password1": "New password", "password2": "New password (again)"}


class SignInForm(AllauthLoginForm):
    """allauth's sign-in form, its labels in the site's sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me"


class PasswordChangeForm(AllauthChangePasswordForm):
    """allauth's change-password form, which refuses a new password that is the current one:
    allauth takes it, and the member leaves believing she changed a password she did not."""

    SAME_PASSWORD = "The new password is the same as your current one."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(self, {"oldpassword": "Current password"} | NEW_PASSWORD_LABELS)

    def clean_password1(self):
        new = self.cleaned_data["password1"]
        # Only once the current password is proven (clean_oldpassword ran first and kept it):
        # compared with what was typed there, not the stored hash, the refusal cannot tell
        # whoever holds a signed-in session whether a guess is the password.
        if new == self.cleaned_data.get("oldpassword"):
            raise ValidationError(self.SAME_PASSWORD, code="same_password")
        return new


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    """allauth's form behind the emailed reset link, its labels in the site's sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(self, NEW_PASSWORD_LABELS)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form plus the public display name (ACCOUNT_FORMS["signup"])."""

    field_order = ["email", "display_name", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"] = display_name_field()
        self.order_fields(self.field_order)

    def clean_display_name(self):
        return normalise_display_name(self.cleaned_data["display_name"])

    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            # Two people raced for the same name: the database's unique key caught the second.
            if not display_name_taken(self.cleaned_data["display_name"]):
                raise
            self.add_error("display_name", NAME_TAKEN)
            focus_first_error(self)
            context = get_entrance_context_data(request) | {"form": self}
            raise ImmediateHttpResponse(
                TemplateResponse(request, "account/signup.html", context, status=409).render()
            ) from None


class ProfileForm(forms.Form):
    """Fields only: accounts.services.update_profile validates and saves (see add_errors)."""

    display_name = display_name_field()
    bio = forms.CharField(
        label="Short bio",
        required=False,
        strip=False,
        help_text=f"Plain text, up to {BIO_MAX_LENGTH} characters. Shown on your profile.",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX_LENGTH, "dir": "auto"}),
    )

    def add_errors(self, error: ValidationError):
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class DeleteAccountForm(forms.Form):
    """Closing an account: the person types DELETE (or their email address) to confirm."""

    confirmation = forms.CharField(
        label="Type DELETE or your email address to confirm",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip()
        if typed == "DELETE" or typed.casefold() == self.user.email.casefold():
            return typed
        raise ValidationError("Type DELETE in capitals, or your email address, to close it.")
