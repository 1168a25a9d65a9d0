"""Authentication backends (AUTHENTICATION_BACKENDS): Django's and allauth's, each finding the
signed-in user of a request without a query of its own where it can.

Every signed-in request loads its user. The session engine reads the user row in the session's
own query (accounts.sessions); while Django's `get_user` checks that session
(accounts.middleware), `get_user` here takes that row if it is the user asked for. Otherwise
(a session engine without it, a user id from elsewhere) one raw query: Django's ModelBackend
builds that SELECT through the ORM, about 0.56 ms of Python on the benchmark machine, and
Manager.raw, which still converts each column as the ORM would, 0.32 ms. Signing in,
permissions and everything else stay theirs.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.db import connections

from accounts.middleware import session_being_checked


class _UserByRawQuery:
    def get_user(self, user_id):
        user = getattr(session_being_checked.get(), "named_user", None)
        if user is None or str(user.pk) != str(user_id):
            user = self._user_by_raw_query(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def _user_by_raw_query(self, user_id):
        users = get_user_model()._default_manager
        quote, meta = connections[users.db].ops.quote_name, users.model._meta
        sql = f"SELECT * FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
        return next(iter(users.raw(sql, [user_id])), None)


class ModelBackend(_UserByRawQuery, backends.ModelBackend):
    """Django's backend: the admin signs in with it."""


class AuthenticationBackend(_UserByRawQuery, auth_backends.AuthenticationBackend):
    """allauth's backend: members sign in with it (by email)."""
