"""The search index, kept in step with the debate by the database itself (issue 21).

Nothing in Python writes to the index: triggers on the debates tables do, whatever path a write
takes (pages, API, imports, the seed, bulk inserts, the admin). Each claim is indexed in three
weighted parts, best first: its claim (a motion's title with it), what it cites (quote,
attribution, the source's title), and its details (a motion's context). A source a moderator
hid lends its title to nothing while it is hidden: the pages show its citations without it, and
an excerpt must not show it either (the source itself is found only by who may read it).
The texts Crux holds are found by paragraph: a trigger on debates_sourcetext cuts each into
search_passage (search.models.Passage), indexed as details are.

- PostgreSQL: a `search_vector` tsvector column on debates_argument, debates_motion,
  debates_source and search_passage, set by a BEFORE trigger (weights A/B/C) and indexed with
  GIN; words are read by Crux's own text search configuration (CONFIGURATION: English stemming
  of words with their accents taken off). pg_trgm's GiST index on arguments' claims serves the
  duplicate warning.
- SQLite: one FTS5 table (Porter stemming, accents taken off), filled by AFTER triggers through
  the table of what it indexes (SQLITE_TEXT).

Researchers type names without their accents: "Erdogan" finds "Erdoğan" and "Erdogan" alike on
both engines, and a hit is highlighted on the word as written. What each engine folds is pinned
in tests/test_search_accents.py (where they still differ: SQLITE_FOLDING).

A kind whose table is not there yet (an earlier migration running install) is left out.
"""

import unicodedata

from django.db import connections

KINDS = {
    "argument": "debates_argument",
    "motion": "debates_motion",
    "source": "debates_source",
    "passage": "search_passage",
}
CITING = ("argument", "motion")  # the kinds that index the title of the source they cite
# What changes a row's indexed text; other updates (vote counts, activity) leave it alone.
_INDEXED = {
    "argument": "claim, quote, attribution, source_id, details",
    "motion": "title, claim, quote, attribution, source_id, context",
    "source": "title, author, publisher",
    "passage": "text",
}
# What of a source changes the indexed text of the claims citing it: its title, and whether a
# moderator hides it.
_CITED = "title, visibility"
# Between the pieces of one part (a quote, who said it, the source's title): excerpts show
# them, and run together with spaces they read as one sentence.
SEPARATOR = " · "

# PostgreSQL's text search configuration the index, the queries and the excerpts read words by:
# 'english' (its stemmer and stop words) with unaccent before the stemmer, for the words that
# may hold letters beyond ASCII, as SQLite's tokenizer takes accents off (remove_diacritics 2).
CONFIGURATION = "crux_english"
# Those word types (of PostgreSQL's parser) and the dictionary each goes on to after unaccent,
# as 'english' reads them.
_UNACCENTED = {
    "english_stem": "word, hword, hword_part",
    "simple": "numword, numhword, hword_numpart",
}
# The letters PostgreSQL's unaccent folds and SQLite's tokenizer keeps, folded for SQLite too:
# remove_diacritics takes off only marks a Latin letter decomposes into, so "ø", "ł" or a dotless
# i (whose stroke or missing dot is no mark), a ligature, Greek's tonos and Cyrillic's "ё" stay.
# Here are those of Latin-1 and Latin Extended-A (today's European alphabets), each as unaccent
# has it ("ß" is "ss", "þ" "th"), and modern Greek's and Cyrillic's, less their marks. The
# engines still differ on the rest unaccent folds (polytonic Greek, Latin Extended-B and
# Additional letters with a hook or a stroke, IPA, small capitals, presentation ligatures):
# PostgreSQL finds "Ἀθῆναι" by its letters without the breathing and accents, SQLite does not.
# "ŉ" is left out too: its "'n" would cut the word in two on SQLite alone.
SQLITE_FOLDING = {
    "Æ": "AE", "æ": "ae", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o", "Þ": "TH", "þ": "th",
    "ß": "ss", "ẞ": "SS", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "Ĳ": "IJ", "ĳ": "ij",
    "\N{LATIN SMALL LETTER DOTLESS I}": "i", "ĸ": "q", "Ŀ": "L", "ŀ": "l", "Ł": "L", "ł": "l",
    "Ŋ": "N", "ŋ": "n", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t",
    **{letter: unicodedata.normalize("NFD", letter)[0] for letter in "ΆΈΉΊΌΎΏΪΫάέήίόύώϊϋΐΰЁё"},
}  # fmt: skip
_SQLITE_FOLDS = str.maketrans(SQLITE_FOLDING)


def sqlite_folded(text: str) -> str:
    """`text` with SQLITE_FOLDING's letters folded, as SQLite's index holds them (for a query
    to it)."""
    return text.translate(_SQLITE_FOLDS)


def _joined(*pieces: str) -> str:
    """SQL for the pieces that are neither NULL nor empty, SEPARATOR between them: each is
    prefixed with it, and the first one's cut off (same SQL on both engines, which SQLite's
    lack of concat_ws before 3.44 asks for)."""
    each = [f"coalesce('{SEPARATOR}' || nullif({piece}, ''), '')" for piece in pieces]
    prefixed = " || ".join(each)
    return f"substr({prefixed}, {len(SEPARATOR) + 1})"


def parts(kind: str, row: str, source_title: str) -> tuple[str, str, str]:
    """SQL for a row's three indexed parts, read from the row alias `row`; a source's are its
    title, and who wrote and published it; a passage's, its text (as details)."""
    if kind == "source":
        return f"{row}.title", _joined(f"{row}.author", f"{row}.publisher"), "''"
    if kind == "passage":
        return "''", "''", f"{row}.text"
    claim = f"{row}.claim" if kind == "argument" else f"{row}.title || ' ' || {row}.claim"
    cited = _joined(f"{row}.quote", f"{row}.attribution", source_title)
    details = f"{row}.details" if kind == "argument" else f"{row}.context"
    return claim, cited, details


def _shown_title(source: str) -> str:
    """SQL for the title of the source row `source` as what cites it is indexed: none while a
    moderator hides it."""
    return f"CASE WHEN {source}.visibility = 'visible' THEN {source}.title END"


def title_of(row: str) -> str:
    return f"(SELECT {_shown_title('s')} FROM debates_source AS s WHERE s.id = {row}.source_id)"


# --- A text's paragraphs -----------------------------------------------------------------------
# A text as debates stores it (debates.sources.clean_text) has exactly one blank line between
# paragraphs, and none before the first or after the last: its paragraphs are what lies between
# two line breaks in a row, numbered from 1 as the reader numbers them
# (debates.source_queries.paragraph_spans); a blank one, which only a text written past that
# cleaning could hold, is skipped and not counted, as there.


def _paragraphs(vendor: str, text: str) -> tuple[str, str, str, str]:
    """FROM, a paragraph's text and its position among the pieces, and the condition that it is
    not blank, in SQL, for the text `text`."""
    if vendor == "postgresql":
        return (
            rf"unnest(string_to_array({text}, E'\n\n')) WITH ORDINALITY AS paragraph(text, n)",
            "paragraph.text",
            "paragraph.n",
            r"btrim(paragraph.text, E' \t\n') <> ''",
        )
    # SQLite has no split: the text as one JSON string, each break made the end of one string
    # and the start of the next, read back by json_each. The breaks become char(1) and the
    # backslashes char(2) first (a stored text holds no controls), so that in the JSON every
    # backslash starts an escape and `\u0001` can only be a break.
    marked = rf"replace(replace({text}, '\', char(2)), char(10) || char(10), char(1))"
    array = rf"""'[' || replace(json_quote({marked}), '\u0001', '","') || ']'"""
    return (
        f"json_each({array}) AS paragraph",
        r"replace(paragraph.value, char(2), '\')",
        "paragraph.key",
        "trim(paragraph.value, ' ' || char(9) || char(10)) <> ''",
    )


def _insert_passages(vendor: str, new: str) -> str:
    """SQL inserting the passages of the debates_sourcetext row `new`."""
    source, value, position, kept = _paragraphs(vendor, f"{new}.text")
    return (
        "INSERT INTO search_passage (source_id, number, text) "
        f"SELECT {new}.source_id, row_number() OVER (ORDER BY {position}), {value} "
        f"FROM {source} WHERE {kept}"
    )


def _insert_all_passages(vendor: str) -> str:
    """SQL inserting the passages of every text that has none."""
    source, value, position, kept = _paragraphs(vendor, "t.text")
    return (
        "INSERT INTO search_passage (source_id, number, text) SELECT t.source_id, "
        f"row_number() OVER (PARTITION BY t.source_id ORDER BY {position}), {value} "
        f"FROM debates_sourcetext AS t, {source} WHERE {kept} AND NOT EXISTS "
        "(SELECT 1 FROM search_passage AS p WHERE p.source_id = t.source_id)"
    )


# --- SQLite ------------------------------------------------------------------------------------
# One FTS5 table for every kind, so that bm25's word statistics, and so the ranks, are those of
# one corpus: rowid = id * STRIDE + the kind's code. Its content is external: the triggers write
# each row's parts, as they read, to SQLITE_TEXT, whose own triggers index them folded
# (SQLITE_FOLDING). A highlight or a snippet reads the text from SQLITE_TEXT and finds the words
# by their place among the words, which folding keeps (a letter folds into letters), so the
# word marked is the word as written. Rows there are only inserted and deleted: FTS5 is told
# what to take out of the index by the same folding of the same text it indexed. ('rebuild'
# would index the text unfolded.)

SQLITE_FTS = "search_fts"
SQLITE_TEXT = "search_indexed"
_COLUMNS = ("claim", "cited", "details")
CODES = {"argument": 0, "motion": 1, "source": 2, "passage": 3}
STRIDE = len(CODES)
# The triggers on debates_sourcetext that keep search_passage (then its own keep the index).
_TEXT_EVENTS = ("text_insert", "text_update", "text_delete")
_INDEXING = {f"{SQLITE_TEXT}_insert", f"{SQLITE_TEXT}_delete"}


def sqlite_rowid(kind: str, pk: str) -> str:
    return f"({pk}) * {STRIDE} + {CODES[kind]}"


def _sqlite_folded(row: str) -> str:
    """A SELECT of the rowid and the parts of the SQLITE_TEXT row `row`, folded as
    sqlite_folded folds them: each letter of SQLITE_FOLDING the row holds replaced at a step of
    a recursive CTE (fifty replace() calls nested would overflow SQLite's parser; most rows
    hold none, and take no step). No letter folds into another that is folded, so their order
    does not matter."""
    letters = ", ".join(f"('{letter}', '{plain}')" for letter, plain in SQLITE_FOLDING.items())
    held = " OR ".join(f"instr({row}.{column}, column1)" for column in _COLUMNS)
    columns = ", ".join(_COLUMNS)
    given = ", ".join(f"{row}.{column}" for column in _COLUMNS)
    replaced = ", ".join(f"replace({column}, letter, plain)" for column in _COLUMNS)
    return (
        f"SELECT {row}.rowid, {columns} FROM (WITH RECURSIVE letters (n, letter, plain) AS "
        f"(SELECT row_number() OVER (), column1, column2 FROM (VALUES {letters}) WHERE {held}), "
        f"folded (n, {columns}) AS (SELECT 0, {given} UNION ALL "
        f"SELECT folded.n + 1, {replaced} FROM folded JOIN letters ON letters.n = folded.n + 1) "
        f"SELECT {columns} FROM folded ORDER BY n DESC LIMIT 1)"
    )


def _sqlite_indexing() -> list[str]:
    """The triggers on SQLITE_TEXT that keep the index."""
    columns = ", ".join(_COLUMNS)
    fts, text = SQLITE_FTS, SQLITE_TEXT
    return [
        f"CREATE TRIGGER IF NOT EXISTS {text}_insert AFTER INSERT ON {text} BEGIN "
        f"INSERT INTO {fts} (rowid, {columns}) {_sqlite_folded('NEW')}; END",
        f"CREATE TRIGGER IF NOT EXISTS {text}_delete AFTER DELETE ON {text} BEGIN "
        f"INSERT INTO {fts} ({fts}, rowid, {columns}) "
        f"SELECT 'delete', folded.* FROM ({_sqlite_folded('OLD')}) AS folded; END",
    ]


def _sqlite_statements(kind: str) -> list[str]:
    table, text = KINDS[kind], SQLITE_TEXT
    new = ", ".join(parts(kind, "NEW", title_of("NEW")))
    retitled = ", ".join(parts(kind, "c", _shown_title("NEW")))
    insert = f"INSERT INTO {text} (rowid, {', '.join(_COLUMNS)})"
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS search_{kind}_insert AFTER INSERT ON {table} BEGIN "
        f"{insert} VALUES ({sqlite_rowid(kind, 'NEW.id')}, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS search_{kind}_update AFTER UPDATE OF {_INDEXED[kind]} "
        f"ON {table} BEGIN DELETE FROM {text} WHERE rowid = {sqlite_rowid(kind, 'OLD.id')}; "
        f"{insert} VALUES ({sqlite_rowid(kind, 'NEW.id')}, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS search_{kind}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {text} WHERE rowid = {sqlite_rowid(kind, 'OLD.id')}; END",
    ]
    if kind in CITING:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS search_{kind}_source AFTER UPDATE OF {_CITED} "
            f"ON debates_source BEGIN DELETE FROM {text} WHERE rowid IN "
            f"(SELECT {sqlite_rowid(kind, 'id')} FROM {table} WHERE source_id = NEW.id); "
            f"{insert} SELECT {sqlite_rowid(kind, 'c.id')}, {retitled} FROM {table} AS c "
            "WHERE c.source_id = NEW.id; END"
        )
    if kind == "passage":
        forget = "DELETE FROM search_passage WHERE source_id = OLD.source_id;"
        cut = _insert_passages("sqlite", "NEW") + ";"
        on = "ON debates_sourcetext BEGIN"
        create = "CREATE TRIGGER IF NOT EXISTS search_passage_text"
        statements += [
            f"{create}_insert AFTER INSERT {on} {cut} END",
            f"{create}_update AFTER UPDATE OF source_id, text {on} {forget} {cut} END",
            f"{create}_delete AFTER DELETE {on} {forget} END",
        ]
    return statements


def _sqlite_triggers(kinds) -> set[str]:
    return {
        f"search_{kind}_{event}"
        for kind in kinds
        for event in (
            "insert",
            "update",
            "delete",
            *(("source",) if kind in CITING else ()),
            *(_TEXT_EVENTS if kind == "passage" else ()),
        )
    }


def _sqlite_search_objects(cursor, kind: str) -> set[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = %s AND name LIKE 'search\\_%%' ESCAPE '\\'",
        [kind],
    )
    return {name for (name,) in cursor.fetchall()}


def _sqlite_install(cursor, kinds) -> None:
    tables = _sqlite_search_objects(cursor, "table")
    triggers = _sqlite_search_objects(cursor, "trigger")
    if {SQLITE_FTS, SQLITE_TEXT} <= tables and _sqlite_triggers(kinds) | _INDEXING <= triggers:
        return
    # Something was missing, so writes may have gone unindexed: rebuild it all.
    _sqlite_drop_triggers(cursor)
    for stale in sorted(name for name in tables if name.endswith("_fts")):
        cursor.execute(f"DROP TABLE IF EXISTS {stale}")
    cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TEXT}")
    columns = ", ".join(_COLUMNS)
    cursor.execute(f"CREATE TABLE {SQLITE_TEXT} (rowid INTEGER PRIMARY KEY, {columns})")
    cursor.execute(
        f"CREATE VIRTUAL TABLE {SQLITE_FTS} USING fts5({columns}, content = '{SQLITE_TEXT}', "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for statement in _sqlite_indexing():
        cursor.execute(statement)
    if "passage" in kinds:
        cursor.execute("DELETE FROM search_passage")
        cursor.execute(_insert_all_passages("sqlite"))
    for kind in kinds:
        indexed = ", ".join(parts(kind, "c", title_of("c")))
        cursor.execute(
            f"INSERT INTO {SQLITE_TEXT} (rowid, {columns}) "
            f"SELECT {sqlite_rowid(kind, 'c.id')}, {indexed} FROM {KINDS[kind]} AS c"
        )
        for statement in _sqlite_statements(kind):
            cursor.execute(statement)


def _sqlite_drop_triggers(cursor) -> None:
    """Every trigger of the index, by the names it has had too."""
    for name in sorted(_sqlite_search_objects(cursor, "trigger")):
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


# --- PostgreSQL --------------------------------------------------------------------------------


def _postgresql_configuration(cursor) -> None:
    """Create CONFIGURATION where missing (and unaccent), and map its words as it maps them. Not
    only its migration (0005) does: the earlier ones install the index too, with the triggers as
    they are now, which read words by it."""
    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    cursor.execute(
        "SELECT 1 FROM pg_ts_config WHERE cfgname = %s AND pg_ts_config_is_visible(oid)",
        [CONFIGURATION],
    )
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = english)")
    for dictionary, types in _UNACCENTED.items():
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION} ALTER MAPPING FOR {types} "
            f"WITH unaccent, {dictionary}"
        )


def _vector(kind: str, row: str, configuration: str) -> str:
    """SQL for the tsvector of the row `row`, its words read by `configuration`."""
    weighted = zip(parts(kind, row, title_of(row)), "ABC", strict=True)
    return " || ".join(
        f"setweight(to_tsvector('{configuration}', {part}), '{weight}')"
        for part, weight in weighted
    )


def _vector_function(kind: str, configuration: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION search_{kind}_vector() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN NEW.search_vector := {_vector(kind, 'NEW', configuration)}; RETURN NEW; END $$"
    )


def _postgresql_statements(kind: str) -> list[str]:
    table = KINDS[kind]
    first = _INDEXED[kind].split(",")[0]
    statements = [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        _vector_function(kind, CONFIGURATION),
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
    if kind == "passage":
        # A text's passages are cut again whenever it changes; their own trigger (above)
        # indexes them as they are inserted.
        statements += [
            "CREATE OR REPLACE FUNCTION search_passage_text() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'INSERT' THEN "
            "DELETE FROM search_passage WHERE source_id = OLD.source_id; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {_insert_passages('postgresql', 'NEW')}; END IF; "
            "RETURN NULL; END $$",
            "CREATE OR REPLACE TRIGGER search_passage_text AFTER INSERT OR DELETE OR UPDATE OF "
            "source_id, text ON debates_sourcetext FOR EACH ROW "
            "EXECUTE FUNCTION search_passage_text()",
            _insert_all_passages("postgresql"),
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
    cutting = [
        "DROP TRIGGER IF EXISTS search_passage_text ON debates_sourcetext",
        "DROP FUNCTION IF EXISTS search_passage_text() CASCADE",
    ]
    return [
        *(cutting if kind == "passage" else ()),
        f"DROP TRIGGER IF EXISTS search_{kind}_source ON debates_source",
        f"DROP FUNCTION IF EXISTS search_{kind}_source() CASCADE",
        f"DROP TRIGGER IF EXISTS search_{kind}_vector ON {table}",
        f"DROP FUNCTION IF EXISTS search_{kind}_vector() CASCADE",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
    ]


# --- Both --------------------------------------------------------------------------------------


def _present(connection, cursor, kinds) -> list[str]:
    """The kinds among `kinds` whose table exists (a migration before search_passage's runs
    install too)."""
    tables = set(connection.introspection.table_names(cursor))
    return [kind for kind in kinds if KINDS[kind] in tables]


def install(connection) -> None:
    """Create the index and its triggers where missing, and fill it; safe to repeat. On SQLite
    a missing trigger means writes may have gone unindexed, so the index is rebuilt."""
    with connection.cursor() as cursor:
        kinds = _present(connection, cursor, KINDS)
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            _postgresql_configuration(cursor)
            for kind in kinds:
                for statement in _postgresql_statements(kind):
                    cursor.execute(statement)
            cursor.execute(_POSTGRESQL_TRIGRAMS)
            return
        _sqlite_install(cursor, kinds)


def reindex(connection, configuration: str = CONFIGURATION) -> None:
    """PostgreSQL: make the triggers read words by `configuration`, and every row indexed read
    again by it (install indexes only the rows that are not)."""
    with connection.cursor() as cursor:
        for kind in _present(connection, cursor, KINDS):
            cursor.execute(_vector_function(kind, configuration))
            cursor.execute(
                f"UPDATE {KINDS[kind]} AS c SET search_vector = {_vector(kind, 'c', configuration)}"
            )


def uninstall(connection, kinds=tuple(KINDS)) -> None:
    with connection.cursor() as cursor:
        present = _present(connection, cursor, kinds)
        if connection.vendor == "postgresql":
            if "argument" in kinds:
                cursor.execute("DROP INDEX IF EXISTS search_argument_claim_gist")
            for kind in present:
                for statement in _postgresql_removal(kind):
                    cursor.execute(statement)
            return
        indexed = SQLITE_TEXT in _sqlite_search_objects(cursor, "table")
        for kind in kinds:
            for name in sorted(_sqlite_triggers([kind])):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            if indexed:  # its triggers take the rows out of the index too
                cursor.execute(f"DELETE FROM {SQLITE_TEXT} WHERE rowid % {STRIDE} = {CODES[kind]}")
        if set(kinds) == set(KINDS):
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_FTS}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TEXT}")


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
