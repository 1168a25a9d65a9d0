"""The search index, kept in step with the debate by the database itself (issue 21).

Nothing in Python writes to the index: triggers on the debates tables do, whatever path a write
takes (pages, API, imports, the seed, bulk inserts, the admin). Each claim is indexed in three
weighted parts, best first: its claim (a motion's title with it), what it cites (quote,
attribution, the source's title), and its details (a motion's context).

- PostgreSQL: a `search_vector` tsvector column on debates_argument and debates_motion, set by a
  BEFORE trigger (English stemming, weights A/B/C) and indexed with GIN; pg_trgm's GiST index on
  arguments' claims serves the duplicate warning.
- SQLite: an FTS5 table per kind (rowid = the claim's id, Porter stemming), filled by AFTER
  triggers.
"""

from django.db import connections

KINDS = {"argument": "debates_argument", "motion": "debates_motion"}
SQLITE_TABLES = {"argument": "search_argument_fts", "motion": "search_motion_fts"}
# What changes a claim's indexed text; other updates (vote counts, activity) leave it alone.
_INDEXED = {
    "argument": "claim, quote, attribution, source_id, details",
    "motion": "title, claim, quote, attribution, source_id, context",
}


def parts(kind: str, row: str, source_title: str) -> tuple[str, str, str]:
    """SQL for a claim's three indexed parts, read from the row alias `row`."""
    claim = f"{row}.claim" if kind == "argument" else f"{row}.title || ' ' || {row}.claim"
    cited = f"{row}.quote || ' ' || {row}.attribution || ' ' || coalesce({source_title}, '')"
    details = f"{row}.details" if kind == "argument" else f"{row}.context"
    return claim, cited, details


def title_of(row: str) -> str:
    return f"(SELECT title FROM debates_source WHERE id = {row}.source_id)"


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_statements(kind: str) -> list[str]:
    table, fts = KINDS[kind], SQLITE_TABLES[kind]
    new = ", ".join(parts(kind, "NEW", title_of("NEW")))
    retitled = ", ".join(parts(kind, "c", "NEW.title"))
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        "claim, cited, details, tokenize = 'porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts} (rowid, claim, cited, details) VALUES (NEW.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {_INDEXED[kind]} ON {table} "
        f"BEGIN DELETE FROM {fts} WHERE rowid = OLD.id; "
        f"INSERT INTO {fts} (rowid, claim, cited, details) VALUES (NEW.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = OLD.id; END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_source AFTER UPDATE OF title ON debates_source BEGIN "
        f"DELETE FROM {fts} WHERE rowid IN (SELECT id FROM {table} WHERE source_id = NEW.id); "
        f"INSERT INTO {fts} (rowid, claim, cited, details) "
        f"SELECT c.id, {retitled} FROM {table} AS c WHERE c.source_id = NEW.id; END",
    ]


def _sqlite_names() -> set[str]:
    names = set()
    for fts in SQLITE_TABLES.values():
        names |= {fts, *(f"{fts}_{event}" for event in ("insert", "update", "delete", "source"))}
    return names


def _sqlite_rebuild(cursor, kind: str) -> None:
    table, fts = KINDS[kind], SQLITE_TABLES[kind]
    indexed = ", ".join(parts(kind, "c", title_of("c")))
    cursor.execute(f"DELETE FROM {fts}")
    cursor.execute(
        f"INSERT INTO {fts} (rowid, claim, cited, details) SELECT c.id, {indexed} FROM {table} AS c"
    )


# --- PostgreSQL --------------------------------------------------------------------------------


def _postgresql_statements(kind: str) -> list[str]:
    table = KINDS[kind]
    claim, cited, details = parts(kind, "NEW", title_of("NEW"))
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"CREATE OR REPLACE FUNCTION search_{kind}_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.search_vector := "
        f"setweight(to_tsvector('english', {claim}), 'A') || "
        f"setweight(to_tsvector('english', {cited}), 'B') || "
        f"setweight(to_tsvector('english', {details}), 'C'); RETURN NEW; END $$",
        f"CREATE OR REPLACE TRIGGER search_{kind}_vector BEFORE INSERT OR UPDATE OF "
        f"{_INDEXED[kind]} ON {table} FOR EACH ROW EXECUTE FUNCTION search_{kind}_vector()",
        # Touching source_id re-runs the trigger above, which reads the new title.
        f"CREATE OR REPLACE FUNCTION search_{kind}_source() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {table} SET source_id = source_id WHERE source_id = NEW.id; "
        "RETURN NULL; END $$",
        f"CREATE OR REPLACE TRIGGER search_{kind}_source AFTER UPDATE OF title ON debates_source "
        "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) "
        f"EXECUTE FUNCTION search_{kind}_source()",
        f"UPDATE {table} SET claim = claim WHERE search_vector IS NULL",
        # Without fastupdate, writes go straight into the index: no pending list for every
        # search to read through until a vacuum flushes it.
        f"CREATE INDEX IF NOT EXISTS search_{kind}_vector_gin ON {table} "
        "USING gin (search_vector) WITH (fastupdate = off)",
    ]


# GiST, not GIN: the duplicate warning asks for the nearest claims (ORDER BY claim <-> text).
_POSTGRESQL_TRIGRAMS = (
    "CREATE INDEX IF NOT EXISTS search_argument_claim_gist ON debates_argument "
    "USING gist (claim gist_trgm_ops)"
)


def _postgresql_removal(kind: str) -> list[str]:
    table = KINDS[kind]
    return [
        f"DROP TRIGGER IF EXISTS search_{kind}_source ON debates_source",
        f"DROP FUNCTION IF EXISTS search_{kind}_source() CASCADE",
        f"DROP TRIGGER IF EXISTS search_{kind}_vector ON {table}",
        f"DROP FUNCTION IF EXISTS search_{kind}_vector() CASCADE",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
    ]


# --- Both --------------------------------------------------------------------------------------


def install(connection) -> None:
    """Create the index and its triggers where missing, and fill it; safe to repeat. On SQLite
    a missing trigger means writes may have gone unindexed, so the index is rebuilt."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for kind in KINDS:
                for statement in _postgresql_statements(kind):
                    cursor.execute(statement)
            cursor.execute(_POSTGRESQL_TRIGRAMS)
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search\\_%' ESCAPE '\\'")
        if _sqlite_names() <= {name for (name,) in cursor.fetchall()}:
            return
        for kind in KINDS:
            for statement in _sqlite_statements(kind):
                cursor.execute(statement)
            _sqlite_rebuild(cursor, kind)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS search_argument_claim_gist")
            for kind in KINDS:
                for statement in _postgresql_removal(kind):
                    cursor.execute(statement)
            return
        for fts in SQLITE_TABLES.values():
            for event in ("insert", "update", "delete", "source"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")


def _on_sqlite(using):
    connection = connections[using]
    tables = connection.introspection.table_names() if connection.vendor == "sqlite" else ()
    return connection if "debates_argument" in tables else None


def before_migrate(sender, using="default", **kwargs) -> None:
    if connection := _on_sqlite(using):
        with connection.cursor() as cursor:
            for name in sorted(_sqlite_names() - set(SQLITE_TABLES.values())):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def after_migrate(sender, using="default", **kwargs) -> None:
    if connection := _on_sqlite(using):
        install(connection)
