"""The path converter for database ids, registered once for every URL pattern that takes one."""

from django.urls import register_converter

# The largest bigint (Django's BigAutoField primary keys, on PostgreSQL and on SQLite alike).
ID_MAX = 2**63 - 1


def is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "²", which int() refuses."""
    return text.isascii() and text.isdigit()


def is_id(text: str) -> bool:
    """Whether `text`, from a query string or header, names an id without reaching int()'s or
    the database's limits (18 digits stay below ID_MAX)."""
    return is_digits(text) and len(text) <= 18


class IdConverter:
    """Digits naming a row that could exist. A larger number matches no pattern, so it is a 404:
    passed on, it reached the database, which refuses it (OverflowError on SQLite,
    NumericValueOutOfRange on PostgreSQL) and made a 500."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError("past the database's integer range")
        return number

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
