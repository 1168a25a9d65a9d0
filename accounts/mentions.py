"""`@display name` mentions in what people write: who is named, and where.

A display name may hold spaces ("@Anna Lee agrees"), so each "@" is read with the one to five
words after it and the longest run that is someone's name (or a look-alike of it, by the key of
accounts.names) wins. One query finds everyone a text may mention.
"""

import re
import unicodedata
from dataclasses import dataclass

from accounts.models import User
from accounts.names import DISPLAY_NAME_MAX_LENGTH, fold_display_name

# An "@" that starts a word: not inside an email address or a handle like "a@b".
_AT = re.compile(r"(?<![\w@])@(?=\w)")
_WORD = re.compile(r"\S+")
MAX_WORDS = 5


def _less_trailing_punctuation(run: str) -> str:
    """`run` without the punctuation that may follow a name, of any script (an Arabic comma,
    an Armenian full stop, closing quotes), or a backtick."""
    end = len(run)
    while end and (unicodedata.category(run[end - 1]).startswith("P") or run[end - 1] == "`"):
        end -= 1
    return run[:end]


@dataclass(frozen=True)
class Mention:
    start: int  # of the "@"
    end: int
    person: User


def _candidates(text: str, at: int):
    """(end, key) of each name the "@" at `at` could start, longest first."""
    found = []
    window = text[at + 1 : at + 1 + DISPLAY_NAME_MAX_LENGTH + MAX_WORDS]
    for count, word in enumerate(_WORD.finditer(window), start=1):
        if count > MAX_WORDS:
            break
        run = window[: word.end()]
        stripped = _less_trailing_punctuation(run)
        for name in dict.fromkeys((run, stripped)):
            if name:
                found.append((at + 1 + len(name), fold_display_name(name)))
    return sorted(found, key=lambda candidate: -candidate[0])


def people_named(text: str) -> dict:
    """Everyone an "@" in `text` may name, by name key (one query, none without an "@")."""
    keys = {key for at in _ats(text) for _, key in _candidates(text, at)}
    if not keys:
        return {}
    people = User.objects.filter(display_name_key__in=keys, is_active=True)
    return {person.display_name_key: person for person in people}


def _ats(text: str) -> list[int]:
    return [match.start() for match in _AT.finditer(text or "")]


def mentions_in(text: str, people: dict) -> list[Mention]:
    """The mentions in `text` of `people` (from people_named), in order; no query."""
    mentions, reached = [], 0
    for at in _ats(text):
        if at < reached:
            continue
        for end, key in _candidates(text, at):
            if key in people:
                mentions.append(Mention(at, end, people[key]))
                reached = end
                break
    return mentions


def people_mentioned(text: str) -> list[User]:
    """Each member `text` mentions, once."""
    mentions = mentions_in(text, people_named(text))
    return list({m.person.pk: m.person for m in mentions}.values())
