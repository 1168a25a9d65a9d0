"""The error every debate rule raises; debates.services re-exports it."""


class DebateRuleError(Exception):
    """A write the rules refuse. `status` is the HTTP status a view should answer with; `also`,
    the write's other refusals (FieldChecks), each of its own field, so a form shows them all."""

    def __init__(self, message, *, status=400, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.also = ()


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
