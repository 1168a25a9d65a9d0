import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context
from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import User
from accounts.queries import email_held_by_another
from accounts.services import carry_over_suspension
from accounts.suspension import suspended_refusal
from debates.errors import DebateRuleError, within_limit

logger = logging.getLogger(__name__)

# What to do when a mail could not go out, by allauth's mail: a new account's link and the mail
# to an address already registered read the same, as do a reset and the mail to an unknown
# address, so that the notice never tells who has an account.
SIGN_IN_FOR_A_NEW_LINK = (
    "The email could not be sent just now. In a few minutes, sign in with your email and "
    "password to have the link sent again."
)
ASK_FOR_THE_RESET_AGAIN = (
    "The email could not be sent just now. Ask for the password reset again in a few minutes."
)
SEND_FROM_EMAIL_SETTINGS = (
    "The email could not be sent just now. Send the link again from your email settings in a "
    "few minutes."
)
TRY_AGAIN = "The email could not be sent just now. Please try again in a few minutes."
# A note that something changed on an account (ACCOUNT_EMAIL_NOTIFICATIONS) asks nothing of her.
CHANGE_MADE_NOT_TOLD = "The change is made, but the email telling you so could not be sent."
# Crux's own mail, to the owner of an address another member asked to change to.
EMAIL_TAKEN = "account/email/email_taken"
NOT_SENT = {
    "account/email/email_confirmation_signup": SIGN_IN_FOR_A_NEW_LINK,
    "account/email/account_already_exists": SIGN_IN_FOR_A_NEW_LINK,
    "account/email/password_reset_key": ASK_FOR_THE_RESET_AGAIN,
    "account/email/unknown_account": ASK_FOR_THE_RESET_AGAIN,
    "account/email/password_reset_code": ASK_FOR_THE_RESET_AGAIN,
    "account/email/email_confirmation": SEND_FROM_EMAIL_SETTINGS,
    EMAIL_TAKEN: SEND_FROM_EMAIL_SETTINGS,
    "account/email/password_changed": CHANGE_MADE_NOT_TOLD,
    "account/email/password_set": CHANGE_MADE_NOT_TOLD,
    "account/email/password_reset": CHANGE_MADE_NOT_TOLD,
    "account/email/email_changed": CHANGE_MADE_NOT_TOLD,
    "account/email/email_deleted": CHANGE_MADE_NOT_TOLD,
}
_FAILED = "crux_mail_not_sent"
# Set while allauth verifies an address: its message waits for the suspension carried over.
_CONFIRMING = "crux_confirming_email"
CONFIRMED = "account/messages/email_confirmed.txt"
# Django's form field takes addresses up to 320 characters, the tables 254: allauth cuts a longer
# one short on sign-up (an account at an address nobody owns) and PostgreSQL refuses it as an
# added address (a 500).
EMAIL_MAX_LENGTH = min(
    User._meta.get_field("email").max_length, EmailAddress._meta.get_field("email").max_length
)


def _what_to_do(request, template_prefix):
    # The link to verify an address goes out on signing in too, before anyone is signed in:
    # the email settings, where a signed-in member sends it again, are not theirs to open yet.
    if template_prefix == "account/email/email_confirmation" and not request.user.is_authenticated:
        return SIGN_IN_FOR_A_NEW_LINK
    return NOT_SENT.get(template_prefix, TRY_AGAIN)


class CruxAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        """Every address a person chooses (signing up, changing it) fits where it is kept."""
        email = super().clean_email(email)
        try:
            return within_limit(email, limit=EMAIL_MAX_LENGTH, field="email", noun="address")
        except DebateRuleError as refusal:
            raise ValidationError(refusal.message, code="max_length") from None

    def save_user(self, request, user, form, commit=True):
        # The display name must be in place before the first save: the table refuses a blank one.
        # accounts.forms.SignupForm has already normalised and checked it.
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            user.display_name = display_name
        return super().save_user(request, user, form, commit=commit)

    def confirm_email(self, request, email_address):
        """An address verified (signing up, or adding one) brings along the suspension of an
        account closed while suspended that held it."""
        setattr(request, _CONFIRMING, True)
        try:
            verified = super().confirm_email(request, email_address)
        finally:
            delattr(request, _CONFIRMING)
        if verified:
            carry_over_suspension(user=email_address.user, email=email_address.email)
            # allauth's message, once the account is as it will stay: a verified address does
            # not lift a suspension, and a suspended member must not be told she may post.
            member = User.objects.get(pk=email_address.user_id)
            suspended = suspended_refusal(member, "post, vote or flag")
            context = {"email": email_address.email, "suspended": suspended}
            self.add_message(request, messages.SUCCESS, CONFIRMED, context)
        return verified

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The link in the mail carries where she was going when she signed up (or signed in and
        was sent a new link): opened in another browser, where her session is not, it still leads
        there once she has verified (the confirm page's redirect field takes it on)."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going = get_next_redirect_url(request) if request is not None else None
        return f"{url}?{urlencode({'next': going})}" if going else url

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        """A member may ask to change her address to one another account holds: allauth takes
        the request as for any address, so that the answer never tells who is registered
        (ACCOUNT_PREVENT_ENUMERATION). The link it would send could never be followed
        (ACCOUNT_UNIQUE_EMAIL) and would name her to the address's owner. The owner is told
        instead that someone tried to use the address, naming nobody, as a sign-up with it
        tells her (account_already_exists); sign-up sends no link to a held address at all."""
        address = emailconfirmation.email_address
        if signup or not email_held_by_another(address.email, user=address.user):
            super().send_confirmation_mail(request, emailconfirmation, signup)
            return
        sign_in_url = build_absolute_uri(request, reverse("account_login"))
        self.send_mail(EMAIL_TAKEN, address.email, {"sign_in_url": sign_in_url})

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # Every note of a change says how to take the account back if it was not her.
        reset_url = build_absolute_uri(self.request, reverse("account_reset_password"))
        context = {"password_reset_url": reset_url} | (context or {})
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def send_mail(self, template_prefix, email, context):
        """allauth's mail (the verification link, a password reset) goes out while the person
        waits: a mail server that is down or refuses must not turn what they just did into an
        error page. What they did stands; they are told how to ask for the mail again."""
        try:
            super().send_mail(template_prefix, email, context)
        except OSError:  # smtplib's errors are OSErrors, as are refused or timed-out connections
            logger.exception("Could not send %s", template_prefix)
            request = allauth_context.request
            if request is not None:
                setattr(request, _FAILED, True)
                messages.error(request, _what_to_do(request, template_prefix))

    def add_message(self, request, level, message_template=None, message_context=None, **kwargs):
        # allauth says "sent" once it has asked for the mail; not when it could not go out.
        if getattr(request, _FAILED, False) and (message_template or "").endswith("_sent.txt"):
            return
        if message_template == CONFIRMED and getattr(request, _CONFIRMING, False):
            return  # said by confirm_email, once the suspension is carried over
        # The page a reset leads to says the password is changed, and to sign in with it: the
        # message would say it again above it.
        if (
            message_template == "account/messages/password_changed.txt"
            and getattr(request.resolver_match, "url_name", None)
            == "account_reset_password_from_key"
        ):
            return
        super().add_message(request, level, message_template, message_context, **kwargs)
