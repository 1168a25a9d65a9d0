"""The session engine (SESSION_ENGINE): Django's database sessions, in a table that names each
session's user (accounts.models.Session), read with one plain query that brings the user too.

Every signed-in request starts by loading its session, then its user. Through the ORM the
session costs about 0.6 ms of CPU on the benchmark machine (building and compiling the query,
then a model instance) and the user as much again, in two round trips; this one SELECT, with
the user row joined, costs less than either (bench/README.md). Django still decides who is
signed in: the authentication backends take the user read here only while Django's own
`get_user` checks this session (accounts.middleware). Creating, saving, expiring and deleting
sessions stay Django's own.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    # The user row read with the session, or None: not yet checked against the session's hash.
    named_user = None

    @classmethod
    def get_model_class(cls):
        from accounts.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session

    def load(self):
        # As Django's load: an unknown or expired key gives an empty session and drops the key,
        # so a new one is issued if anything is stored; data that fails its signature decodes
        # to an empty session.
        self.named_user = None
        if self.session_key is None:
            return {}
        connection = connections[router.db_for_read(self.model)]
        quote = connection.ops.quote_name
        user_model = get_user_model()
        user_fields = user_model._meta.concrete_fields
        columns = ", ".join(f"u.{quote(field.column)}" for field in user_fields)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.session_data, {columns}"
                f" FROM {quote(self.model._meta.db_table)} s"
                f" LEFT JOIN {quote(user_model._meta.db_table)} u"
                f" ON u.{quote(user_model._meta.pk.column)} = s.user_id"
                " WHERE s.session_key = %s AND s.expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        session_data, *user_row = row
        if user_row[user_fields.index(user_model._meta.pk)] is not None:
            self.named_user = _instance(connection, user_model, user_fields, user_row)
        return self.decode(session_data)


def _user_id(value):
    """The user id stored in session data (a string, as django.contrib.auth.login writes it)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _instance(connection, model, fields, row):
    """A model instance from raw column values, converted as the ORM converts them (SQLite gives
    booleans as integers and dates as text, for one)."""
    compiler = model._default_manager.none().query.get_compiler(connection=connection)
    converters = compiler.get_converters([field.get_col(model._meta.db_table) for field in fields])
    if converters:
        row = next(compiler.apply_converters([row], converters))
    return model.from_db(connection.alias, [field.attname for field in fields], row)
