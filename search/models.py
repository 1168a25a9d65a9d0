"""No models: the search index is the database's own (search.schema). This module makes search
an app with models to Django, which is what sends it the migrate signals (search.apps)."""
