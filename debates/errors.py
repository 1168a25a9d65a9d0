"""The error every debate rule raises; debates.services re-exports it."""

from debates.text import MARKS_ON_ONE_MAX, most_marks_on_one


class DebateRuleError(Exception):
    """A write the rules refuse. `status` is the HTTP status a view should answer with; `also`,
    the write's other refusals (FieldChecks), each of its own field, so a form shows them all."""

    def __init__(self, message, *, status=400, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.also = ()


def within_limit(value: str, *, limit: int, field: str, noun: str = "", they: bool = False):
    """`value`, if it has at most `limit` characters and no character carries more marks than
    any script stacks; else the one refusal every form gives ("Keep the <noun> to <limit>
    characters (it has <n>)."), of `field` (also the noun unless `noun` names it; `they` for a
    plural noun such as "details")."""
    if len(value) > limit:
        has = "they have" if they else "it has"
        raise DebateRuleError(
            f"Keep the {noun or field} to {limit:,} characters ({has} {len(value):,}).",
            status=422,
            field=field,
        )
    piled = piled_marks(value, noun or field)
    if piled:
        raise DebateRuleError(piled, status=422, field=field)
    return value


def over_the_limit(noun: str) -> dict:
    """within_limit's words as a Django form field's error_messages, for a field whose length
    Django checks (a search's words), worded as every form words it."""
    return {"max_length": f"Keep the {noun} to %(limit_value)d characters (it has %(show_value)d)."}


def piled_marks(text: str, noun: str) -> str:
    """What is wrong with `text` (the `noun`) when a character carries more marks than any script
    stacks, as every form and an import say it; "" when none does."""
    piled = most_marks_on_one(text)
    if piled <= MARKS_ON_ONE_MAX:
        return ""
    return (
        f"A character in the {noun} carries {piled} accents or marks, which would spill over "
        f"the lines around it: keep to {MARKS_ON_ONE_MAX} on one."
    )


class FieldChecks:
    """Checks of a write's fields that go on past a refusal: `check(make)` runs one and gives
    what it made (None when refused), and `done()` raises the first refusal with the others in
    its `also`."""

    def __init__(self):
        self.refusals = []

    def check(self, make):
        try:
            return make()
        except DebateRuleError as refusal:
            self.refusals.append(refusal)
            return None

    def done(self):
        if self.refusals:
            first, *others = self.refusals
            first.also = tuple(others)
            raise first
