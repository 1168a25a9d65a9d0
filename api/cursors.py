"""Opaque cursors for the argument tree: where a listing stands (which motion, which level, in
which order, how far along), signed so a client can only hand back what the API gave it.

Signed rather than encrypted: nothing in one is secret, but a client that builds or edits one
would depend on its inside, which may change; a forged or garbled one is a 400, never a guess.
"""

from django.core import signing

SALT = "api.tree-cursor"


class BadCursor(ValueError):
    """A cursor the API did not give, or gave for another listing."""


def make(*, motion: str, parent: int | None, order: str, offset: int) -> str:
    return signing.dumps({"m": motion, "p": parent, "o": order, "n": offset}, salt=SALT)


def read(cursor: str, *, motion: str) -> tuple[int | None, str, int]:
    """The level, order and offset `cursor` stands for, if it is one of `motion`'s."""
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise BadCursor("This cursor is not one the API gave: start again without it.") from None
    if not isinstance(data, dict) or data.get("m") != motion:
        raise BadCursor("This cursor belongs to another motion's arguments.")
    return data["p"], data["o"], data["n"]
