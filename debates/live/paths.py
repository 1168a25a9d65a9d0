"""Where pages listen: `/live/motions/<id>/` for a motion, `/live/home/` for every motion."""

from debates.live.fanout import HOME

PATH_PREFIX = "/live/"


def channel_path(motion_id=None) -> str:
    return f"{PATH_PREFIX}motions/{motion_id}/" if motion_id else f"{PATH_PREFIX}home/"


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def channel_for(path: str):
    """The channel a live path names, or None for anything else."""
    if path == channel_path():
        return HOME
    head, _, tail = path.removeprefix(f"{PATH_PREFIX}motions/").partition("/")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if path.startswith(f"{PATH_PREFIX}motions/") and is_id(head) and tail == "":
        return int(head)
    return None
