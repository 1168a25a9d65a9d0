import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages

logger = logging.getLogger(__name__)

MAIL_NOT_SENT = (
    "The email could not be sent just now. Ask for it again in a few minutes (your email "
    "settings have a button to send the link again)."
)


class CruxAccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The display name must be in place before the first save: the table refuses a blank one.
        # accounts.forms.SignupForm has already normalised and checked it.
        display_name = form.cleaned_data.get("display_name")
        if display_name:
            user.display_name = display_name
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """allauth's mail (the verification link, a password reset) goes out while the person
        waits: a mail server that is down or refuses must not turn what they just did into an
        error page. What they did stands; they are told, and can ask for the mail again."""
        try:
            super().send_mail(template_prefix, email, context)
        except OSError:  # smtplib's errors are OSErrors, as are refused or timed-out connections
            logger.exception("Could not send %s", template_prefix)
            request = allauth_context.request
            if request is not None:
                messages.error(request, MAIL_NOT_SENT)
