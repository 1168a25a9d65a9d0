"""allauth's account pages whose forms people fill in, answering a form with errors as every
other form of the site does: 422 with the errors in place, what was typed kept and the first
field in error focused (allauth answers 200 and leaves the focus at the top of the page). Their
rules stay allauth's; their words are Crux's (templates/account/)."""

from allauth.account import views as allauth
from django.urls import path, re_path

from accounts.forms import focus_first_error


class _UnprocessableWhenInvalid:
    def form_invalid(self, form):
        focus_first_error(form)
        response = super().form_invalid(form)
        response.status_code = 422
        return response


def _strict(view):
    return type(view.__name__, (_UnprocessableWhenInvalid, view), {}).as_view()


# Included under accounts/ before allauth.urls, with allauth's own paths and names.
urlpatterns = [
    path("login/", _strict(allauth.LoginView), name="account_login"),
    path("signup/", _strict(allauth.SignupView), name="account_signup"),
    path("reauthenticate/", _strict(allauth.ReauthenticateView), name="account_reauthenticate"),
    # Only its "change to" form can be invalid; its other actions (re-send, cancel the change,
    # make primary) act on an address already there and redirect with a message, as allauth's.
    path("email/", _strict(allauth.EmailView), name="account_email"),
    path("password/change/", _strict(allauth.PasswordChangeView), name="account_change_password"),
    path("password/set/", _strict(allauth.PasswordSetView), name="account_set_password"),
    path("password/reset/", _strict(allauth.PasswordResetView), name="account_reset_password"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        _strict(allauth.PasswordResetFromKeyView),
        name="account_reset_password_from_key",
    ),
]
