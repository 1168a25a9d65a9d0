"""The search index, kept in step with the debate by the database itself (issue 21).

Nothing in Python writes to the index: triggers on the debates tables do, whatever path a write
takes (pages, API, imports, the seed, bulk inserts, the admin). Each claim is indexed in three
weighted parts, best first: its claim (a motion's title with it), what it cites (quote,
attribution, the source's title), and its details (a motion's context). A source a moderator
hid lends its title to nothing while it is hidden: the pages show its citations without it, and
an excerpt must not show it either (the source itself is found only by who may read it).

- PostgreSQL: a `search_vector` tsvector column on debates_argument and debates_motion, set by a
  BEFORE trigger (English stemming, weights A/B/C) and indexed with GIN; pg_trgm's GiST index on
  arguments' claims serves the duplicate warning.
- SQLite: one FTS5 table (Porter stemming), filled by AFTER triggers.
"""

from django.db import connections

KINDS = {"argument": "debates_argument", "motion": "debates_motion", "source": "debates_source"}
CITING = ("argument", "motion")  # the kinds that index the title of the source they cite
# What changes a row's indexed text; other updates (vote counts, activity) leave it alone.
_INDEXED = {
    "argument": "claim, quote, attribution, source_id, details",
    "motion": "title, claim, quote, attribution, source_id, context",
    "source": "title, author, publisher",
}
# What of a source changes the indexed text of the claims citing it: its title, and whether a
# moderator hides it.
_CITED = "title, visibility"


def parts(kind: str, row: str, source_title: str) -> tuple[str, str, str]:
    """SQL for a row's three indexed parts, read from the row alias `row`; a source's are its
    title, and who wrote and published it."""
    if kind == "source":
        return f"{row}.title", f"{row}.author || ' ' || {row}.publisher", "''"
    claim = f"{row}.claim" if kind == "argument" else f"{row}.title || ' ' || {row}.claim"
    cited = f"{row}.quote || ' ' || {row}.attribution || ' ' || coalesce({source_title}, '')"
    details = f"{row}.details" if kind == "argument" else f"{row}.context"
    return claim, cited, details


def _shown_title(source: str) -> str:
    """SQL for the title of the source row `source` as what cites it is indexed: none while a
    moderator hides it."""
    return f"CASE WHEN {source}.visibility = 'visible' THEN {source}.title END"


def title_of(row: str) -> str:
    return f"(SELECT {_shown_title('s')} FROM debates_source AS s WHERE s.id = {row}.source_id)"


# --- SQLite ------------------------------------------------------------------------------------
# One FTS5 table for every kind, so that bm25's word statistics, and so the ranks, are those of
# one corpus: rowid = id * 3 + the kind's code.

SQLITE_FTS = "search_fts"
CODES = {"argument": 0, "motion": 1, "source": 2}


def sqlite_rowid(kind: str, pk: str) -> str:
    return f"({pk}) * 3 + {CODES[kind]}"


def _sqlite_statements(kind: str) -> list[str]:
    table, fts = KINDS[kind], SQLITE_FTS
    new = ", ".join(parts(kind, "NEW", title_of("NEW")))
    retitled = ", ".join(parts(kind, "c", _shown_title("NEW")))
    insert = f"INSERT INTO {fts} (rowid, claim, cited, details)"
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS search_{kind}_insert AFTER INSERT ON {table} BEGIN "
        f"{insert} VALUES ({sqlite_rowid(kind, 'NEW.id')}, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS search_{kind}_update AFTER UPDATE OF {_INDEXED[kind]} "
        f"ON {table} BEGIN DELETE FROM {fts} WHERE rowid = {sqlite_rowid(kind, 'OLD.id')}; "
        f"{insert} VALUES ({sqlite_rowid(kind, 'NEW.id')}, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS search_{kind}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = {sqlite_rowid(kind, 'OLD.id')}; END",
    ]
    if kind in CITING:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS search_{kind}_source AFTER UPDATE OF {_CITED} "
            f"ON debates_source BEGIN DELETE FROM {fts} WHERE rowid IN "
            f"(SELECT {sqlite_rowid(kind, 'id')} FROM {table} WHERE source_id = NEW.id); "
            f"{insert} SELECT {sqlite_rowid(kind, 'c.id')}, {retitled} FROM {table} AS c "
            "WHERE c.source_id = NEW.id; END"
        )
    return statements


def _sqlite_triggers() -> set[str]:
    return {
        f"search_{kind}_{event}"
        for kind in KINDS
        for event in ("insert", "update", "delete", *(("source",) if kind in CITING else ()))
    }


def _sqlite_search_objects(cursor, kind: str) -> set[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = %s AND name LIKE 'search\\_%%' ESCAPE '\\'",
        [kind],
    )
    return {name for (name,) in cursor.fetchall()}


def _sqlite_install(cursor) -> None:
    tables = _sqlite_search_objects(cursor, "table")
    if SQLITE_FTS in tables and _sqlite_triggers() <= _sqlite_search_objects(cursor, "trigger"):
        return
    # Something was missing, so writes may have gone unindexed: rebuild it all.
    _sqlite_drop_triggers(cursor)
    for stale in sorted(name for name in tables if name.endswith("_fts")):
        cursor.execute(f"DROP TABLE IF EXISTS {stale}")
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_FTS} USING fts5("
        "claim, cited, details, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    cursor.execute(f"DELETE FROM {SQLITE_FTS}")
    for kind, table in KINDS.items():
        indexed = ", ".join(parts(kind, "c", title_of("c")))
        cursor.execute(
            f"INSERT INTO {SQLITE_FTS} (rowid, claim, cited, details) "
            f"SELECT {sqlite_rowid(kind, 'c.id')}, {indexed} FROM {table} AS c"
        )
        for statement in _sqlite_statements(kind):
            cursor.execute(statement)


def _sqlite_drop_triggers(cursor) -> None:
    """Every trigger of the index, by the names it has had too."""
    for name in sorted(_sqlite_search_objects(cursor, "trigger")):
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


# --- PostgreSQL --------------------------------------------------------------------------------


def _postgresql_statements(kind: str) -> list[str]:
    table = KINDS[kind]
    claim, cited, details = parts(kind, "NEW", title_of("NEW"))
    first = _INDEXED[kind].split(",")[0]
    statements = [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"CREATE OR REPLACE FUNCTION search_{kind}_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.search_vector := "
        f"setweight(to_tsvector('english', {claim}), 'A') || "
        f"setweight(to_tsvector('english', {cited}), 'B') || "
        f"setweight(to_tsvector('english', {details}), 'C'); RETURN NEW; END $$",
        f"CREATE OR REPLACE TRIGGER search_{kind}_vector BEFORE INSERT OR UPDATE OF "
        f"{_INDEXED[kind]} ON {table} FOR EACH ROW EXECUTE FUNCTION search_{kind}_vector()",
        f"UPDATE {table} SET {first} = {first} WHERE search_vector IS NULL",
        # Without fastupdate, writes go straight into the index: no pending list for every
        # search to read through until a vacuum flushes it.
        f"CREATE INDEX IF NOT EXISTS search_{kind}_vector_gin ON {table} "
        "USING gin (search_vector) WITH (fastupdate = off)",
    ]
    if kind in CITING:
        # Touching source_id re-runs the trigger above, which reads the new title (or none).
        statements += [
            f"CREATE OR REPLACE FUNCTION search_{kind}_source() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {table} SET source_id = source_id "
            "WHERE source_id = NEW.id; RETURN NULL; END $$",
            f"CREATE OR REPLACE TRIGGER search_{kind}_source AFTER UPDATE OF {_CITED} "
            f"ON debates_source FOR EACH ROW WHEN ({_fields('OLD')} IS DISTINCT FROM "
            f"{_fields('NEW')}) EXECUTE FUNCTION search_{kind}_source()",
        ]
    return statements


def _fields(row: str) -> str:
    return f"({', '.join(f'{row}.{name}' for name in _CITED.split(', '))})"


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
        _sqlite_install(cursor)


def uninstall(connection, kinds=tuple(KINDS)) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if "argument" in kinds:
                cursor.execute("DROP INDEX IF EXISTS search_argument_claim_gist")
            for kind in kinds:
                for statement in _postgresql_removal(kind):
                    cursor.execute(statement)
            return
        for kind in kinds:
            for name in sorted(_sqlite_triggers()):
                if name.startswith(f"search_{kind}_"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DELETE FROM {SQLITE_FTS} WHERE rowid % 3 = {CODES[kind]}")
        if set(kinds) == set(KINDS):
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_FTS}")


def _on_sqlite(using):
    connection = connections[using]
    tables = connection.introspection.table_names() if connection.vendor == "sqlite" else ()
    return connection if "debates_argument" in tables else None


def before_migrate(sender, using="default", **kwargs) -> None:
    if connection := _on_sqlite(using):
        with connection.cursor() as cursor:
            _sqlite_drop_triggers(cursor)


def after_migrate(sender, using="default", **kwargs) -> None:
    if connection := _on_sqlite(using):
        install(connection)
