"""Display-name rules that need no database: what a name may be, and the key look-alikes share.

A leaf module: the user model (its key and admin validation) and accounts.services (sign-up and
profile edits, which also ask the database whether a name is taken) both import it.
"""

import unicodedata

import icu
from django.core.exceptions import ValidationError

DISPLAY_NAME_MIN_LENGTH = 3
DISPLAY_NAME_MAX_LENGTH = 40
# Accents and other marks one letter may carry: enough for Vietnamese or Devanagari, too few
# to pile marks into a smear over the text around a name ("zalgo").
MAX_MARKS_PER_CHARACTER = 2
FORMER_MEMBER = "Former member"
NAME_TAKEN = "That display name is taken (names that look alike count as the same)."

TATWEEL = "\u0640"
# The scripts whose marks are optional vowels and points, written or left out at will.
_POINTED = ("ARABIC ", "HEBREW ")
# ICU's implementation of Unicode TR39; getSkeleton is safe to call from several threads.
_spoof_checker = icu.SpoofChecker()


def fold_display_name(name):
    """The key two display names must not share: case, compatibility forms, spacing and
    look-alike characters from any script folded (Unicode TR39 skeletons).

    "Anna Lee", "anna  lee", a full-width "Anna" and an "Anna" spelt with a Cyrillic "A" all give
    one key; so do "Mara" and a "Mara" spelt with a Cyrillic capital Em, "ƏLİYEVA" and
    "Əliyeva", and an Arabic or Hebrew name with its vowel points and without. TR39 also reads
    "rn" as "m" and "0" as "O", so the key is not for display.
    """
    # A capital from another script that looks like a Latin capital is read as that capital
    # first: a Cyrillic capital Em lowercases to a letter no Latin one resembles, though the two
    # capitals look the same.
    name = "".join(map(_as_latin_capital, _without_optional_marks(name or "")))
    # A capital I with a dot lowercases to an i with a second dot, which nobody sees.
    folded = unicodedata.normalize("NFKC", name.casefold()).replace("i\u0307", "i")
    # The skeleton keeps case apart ("0" becomes "O"), so fold case again after it.
    skeleton = _spoof_checker.getSkeleton(0, folded)
    return " ".join(unicodedata.normalize("NFKC", skeleton.casefold()).split())


def _without_optional_marks(name):
    """`name` (composed, NFKC) without what a reader barely sees and its spelling does without:
    Arabic's short vowels and other harakat, Hebrew's points, and the tatweel that only
    stretches an Arabic letter. (A letter with its mark composed, such as alef with hamza above,
    is a letter of its own, and stays.)"""
    return "".join(
        char
        for char in unicodedata.normalize("NFKC", name)
        if char != TATWEEL
        and not (_is_mark(char) and unicodedata.name(char, "").startswith(_POINTED))
    )


def _as_latin_capital(char):
    if char.isascii() or not char.isupper():
        return char
    skeleton = _spoof_checker.getSkeleton(0, char)
    return skeleton if len(skeleton) == 1 and "A" <= skeleton <= "Z" else char


def is_former_member_name(name):
    """Names kept for closed accounts ("Former member 12"), or a look-alike of one."""
    return fold_display_name(name).startswith(fold_display_name(FORMER_MEMBER))


def invisible_or_control(char):
    # Cc control, Cf format (zero-width joiners, bidi overrides), Co private use, Cs, Cn unassigned:
    # none belongs in a name, and several let two names look identical.
    return unicodedata.category(char).startswith("C")


def _is_mark(char):
    return unicodedata.category(char).startswith("M")


def clean_display_name(raw, *, current=None):
    """The display name to store for `raw`, or ValidationError saying what is wrong with it.

    Trims, collapses inner whitespace and composes (NFC); refuses control and invisible
    characters, marks that sit on no letter or digit or pile up on one, fewer than 3 or more than
    40 characters, and a closed account's name unless it is `current` (the person's own).
    Whether someone else has the name is for the caller to ask the database.
    """
    name = unicodedata.normalize("NFC", " ".join(str(raw or "").split()))
    if not name:
        raise ValidationError("Choose a display name.", code="required")
    if any(invisible_or_control(char) for char in name):
        raise ValidationError(
            "Display names cannot contain control or invisible characters.", code="invalid"
        )
    if not any(char.isalnum() for char in name):
        raise ValidationError("Display names need at least one letter or digit.", code="invalid")
    _check_marks(name)
    if sum(not _is_mark(char) for char in name) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(
            f"Display names need at least {DISPLAY_NAME_MIN_LENGTH} characters.", code="min_length"
        )
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Display names can have at most {DISPLAY_NAME_MAX_LENGTH} characters "
            f"(this one has {len(name)}).",
            code="max_length",
        )
    if is_former_member_name(name) and name != current:
        raise ValidationError(
            f"Names starting “{FORMER_MEMBER}” are kept for closed accounts.", code="reserved"
        )
    return name


def _check_marks(name):
    marks, carrier = 0, ""
    # Decomposed, so that an accented letter counts its accent: "á" is "a" and a mark.
    for char in unicodedata.normalize("NFD", name):
        if not _is_mark(char):
            marks, carrier = 0, char
            continue
        marks += 1
        if not carrier.isalnum():
            raise ValidationError(
                "In a display name, accents and marks go on letters or digits.", code="invalid"
            )
        if marks > MAX_MARKS_PER_CHARACTER:
            raise ValidationError(
                f"Display names can have at most {MAX_MARKS_PER_CHARACTER} accents or marks "
                "on one character.",
                code="invalid",
            )
