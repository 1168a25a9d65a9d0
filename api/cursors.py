"""Opaque cursors for the argument tree: where a listing stands (which motion, which level, in
which order, how far along), signed so a client can only hand back what the API gave it.

Signed rather than encrypted: nothing in one is secret, but a client that builds or edits one
would depend on its inside, which may change; a forged or garbled one is a 400, never a guess.
The motion is named by its id, not its slug (up to 80 characters): every part is then a number
but the order, and a cursor stays within LENGTH_MAX whatever it holds (tests prove the bound).
"""

from django.core import signing

SALT = "api.tree-cursor"
# What the API takes back as a cursor (api.schemas.Cursor), and so the most `make` may give.
LENGTH_MAX = 200


class BadCursor(ValueError):
    """A cursor the API did not give, or gave for another listing; `field` names the parameter
    at fault (the cursor, or a `parent` or `order` sent with it that it contradicts)."""

    def __init__(self, message: str, *, field: str = "cursor"):
        super().__init__(message)
        self.field = field


def make(*, motion: int, parent: int | None, order: str, offset: int) -> str:
    return signing.dumps([motion, parent, order, offset], salt=SALT)


def read(
    cursor: str, *, motion: int, parent: int | None = None, order: str | None = None
) -> tuple[int | None, str, int]:
    """The level, order and offset `cursor` stands for, if it is one of `motion`'s (by id).
    A `parent` or `order` sent with it must be the cursor's own: the cursor keeps them, and
    one that says otherwise is refused rather than silently overruled."""
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise BadCursor("This cursor is not one the API gave: start again without it.") from None
    if not isinstance(data, list) or len(data) != 4:
        # Signed by the API, but in a shape it no longer gives (an older version's).
        raise BadCursor("This cursor is not one the API gives now: start again without it.")
    if data[0] != motion:
        raise BadCursor("This cursor belongs to another motion's arguments.")
    kept_parent, kept_order, offset = data[1:]
    if parent is not None and parent != kept_parent:
        level = f"argument {kept_parent}'s replies" if kept_parent else "the motion's arguments"
        raise BadCursor(
            f"This cursor continues {level}, not argument {parent}'s replies: send the cursor "
            "without `parent`, or `parent` without the cursor.",
            field="parent",
        )
    if order is not None and order != kept_order:
        raise BadCursor(
            f"This cursor continues the order {kept_order!r}, not {order!r}: send the cursor "
            "without `order`, or `order` without the cursor.",
            field="order",
        )
    return kept_parent, kept_order, offset
