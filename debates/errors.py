"""The error every debate rule raises; debates.services re-exports it."""


class DebateRuleError(Exception):
    """A write the rules refuse. `status` is the HTTP status a view should answer with."""

    def __init__(self, message, *, status=400, field=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
