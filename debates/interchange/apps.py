from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Debates in and out of other formats (Argdown, Kialo); it keeps the tallies a file brings."""

    name = "debates.interchange"
    label = "interchange"
