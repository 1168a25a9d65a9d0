"""Where pages listen: `/live/motions/<id>/` for a motion, `/live/home/` for every motion, and
`/live/members/<token>/` for one member's own events (their notifications' count, their own votes),
streamed only to that member's own session.

A signed-in member's debate page adds `?member=<token>` to its own path, so one stream carries
both the debate and the member's own events: browsers allow few connections per host over
HTTP/1.1 (six in Chrome), and two streams a page would stall the fourth tab.
"""

from urllib.parse import parse_qs

from django.core import signing

from config.converters import is_id
from debates.live.fanout import HOME, member_channel

PATH_PREFIX = "/live/"
# A member's path names her channel by her id signed, not bare, so nobody can forge a path to
# another's channel. The token names the channel; the session proves who asks: the stream
# (debates.live.endpoint) gives her events only to a request carrying her own live session, so a
# token that leaks (a saved page, a proxy's log: it is in the address) tells nobody else, nor
# any stream opened after she signed out. It is good for a day from the page that gave it; a
# page open longer keeps its debate's events and gets a new token on reload.
_MEMBER_SIGNER = signing.TimestampSigner(salt="crux.live.member")
MEMBER_TOKEN_MAX_AGE = 24 * 60 * 60
EXPIRED = object()
# Set in the render context by a page that opens its own stream (debate_tags.live_path): the
# member's own events then ride on it rather than on a second one.
PAGE_STREAM = "crux.live.page_stream"


def channel_path(motion_id=None, member_id=None) -> str:
    path = f"{PATH_PREFIX}motions/{motion_id}/" if motion_id else f"{PATH_PREFIX}home/"
    return f"{path}?member={_MEMBER_SIGNER.sign(str(member_id))}" if member_id else path


def member_channel_path(member_id: int) -> str:
    return f"{PATH_PREFIX}members/{_MEMBER_SIGNER.sign(str(member_id))}/"


def _member_channel_for(token: str):
    """The member channel a token names; EXPIRED for an old one, None for anything forged."""
    try:
        member_id = _MEMBER_SIGNER.unsign(token, max_age=MEMBER_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return None
    return member_channel(int(member_id)) if is_id(member_id) else None


def channel_for(path: str):
    """The channel a live path names, or None for anything else."""
    if path == channel_path():
        return HOME
    token, slash, tail = path.removeprefix(f"{PATH_PREFIX}members/").partition("/")
    if path.startswith(f"{PATH_PREFIX}members/") and slash and tail == "":
        member = _member_channel_for(token)
        return None if member is EXPIRED else member
    head, _, tail = path.removeprefix(f"{PATH_PREFIX}motions/").partition("/")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if path.startswith(f"{PATH_PREFIX}motions/") and is_id(head) and tail == "":
        return int(head)
    return None


def channels_for(path: str, query: str = "") -> tuple | None:
    """The channels a live path and query name (the page's, then its member's), or None if
    any is unknown or forged."""
    channel = channel_for(path)
    params = parse_qs(query, keep_blank_values=True)
    if channel is None or "member" not in params:
        return None if channel is None else (channel,)
    tokens = params["member"]
    member = _member_channel_for(tokens[0]) if len(tokens) == 1 else None
    if member is None or isinstance(channel, tuple):
        return None
    return (channel,) if member is EXPIRED else (channel, member)
