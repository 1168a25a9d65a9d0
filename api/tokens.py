"""Personal API tokens: made, revoked and checked here (the settings page and api.auth call it).

A token is 256 random bits, so a plain SHA-256 of it is enough to keep it secret at rest: there
is nothing to guess, and lookup stays one indexed query.
"""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from debates.errors import DebateRuleError, within_limit
from debates.text import one_line

PREFIX = "crux_"
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
MAX_ACTIVE_TOKENS = 20
User = get_user_model()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, scope: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it and the key, which is never shown again."""
    name = one_line(name)
    if not name:
        raise DebateRuleError("Name the token, e.g. after the script that uses it.", field="name")
    within_limit(name, limit=NAME_MAX_LENGTH, field="name")
    if scope not in ApiToken.Scope.values:
        raise DebateRuleError(
            "Choose what the token may do: Read (read) or Read and write (write).", field="scope"
        )
    # The member's row is the lock: locking their active tokens held nothing while they had
    # none, so simultaneous requests could each count below the limit and all create one.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
        raise DebateRuleError(
            f"You have {MAX_ACTIVE_TOKENS} tokens already: revoke one first.", status=409
        )
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=key[: len(PREFIX) + 6], key_hash=_digest(key)
    )
    return token, key


@transaction.atomic
def revoke_token(*, user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s tokens (again: nothing changes)."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise DebateRuleError("No such token of yours.", status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_key(key: str):
    """The token for `key` with its user if it is live and its user active, else None; notes when
    it was used."""
    if not key.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is not None:
        token.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
