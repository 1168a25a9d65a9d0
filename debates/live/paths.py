"""Where pages listen: `/live/motions/<id>/` for a motion, `/live/home/` for every motion, and
`/live/members/<token>/` for one member's own events (their notifications' count)."""

from django.core import signing

from debates.live.fanout import HOME, member_channel

PATH_PREFIX = "/live/"
# A member's path carries their id signed, not bare: the stream reads no session, and nobody
# else can guess the path that tells when that member has something new.
_MEMBER_SIGNER = signing.Signer(salt="crux.live.member")


def channel_path(motion_id=None) -> str:
    return f"{PATH_PREFIX}motions/{motion_id}/" if motion_id else f"{PATH_PREFIX}home/"


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def member_channel_path(member_id: int) -> str:
    return f"{PATH_PREFIX}members/{_MEMBER_SIGNER.sign(str(member_id))}/"


def _member_channel_for(token: str):
    try:
        member_id = _MEMBER_SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return member_channel(int(member_id)) if is_id(member_id) else None


def channel_for(path: str):
    """The channel a live path names, or None for anything else."""
    if path == channel_path():
        return HOME
    token, slash, tail = path.removeprefix(f"{PATH_PREFIX}members/").partition("/")
    if path.startswith(f"{PATH_PREFIX}members/") and slash and tail == "":
        return _member_channel_for(token)
    head, _, tail = path.removeprefix(f"{PATH_PREFIX}motions/").partition("/")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if path.startswith(f"{PATH_PREFIX}motions/") and is_id(head) and tail == "":
        return int(head)
    return None
