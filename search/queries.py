"""Reading the search index (search.schema): ranked hits, highlighted, and similar claims.

One rule, two engines: PostgreSQL's full-text search (to_tsquery, ts_rank_cd, ts_headline,
pg_trgm), by Crux's own configuration (search.schema.CONFIGURATION), and SQLite's FTS5 (bm25,
highlight, snippet), its index folded as that configuration folds accents. The words people type
are read once, here, the way websearch_to_tsquery reads them ("a phrase", `or`, `-word`), and
handed to each engine in its own syntax (read_terms); tests/test_search.py runs the same
expectations on both, and checks this reading against websearch_to_tsquery's own. Beyond what
websearch_to_tsquery reads, a word is read as NFKC reads it too, one joined by hyphens as one
word too, and the last word typed (or one a star follows) by its start too, as one types it.
Who finds what is debates.policy.texts_found_by: the rule the pages read by, and retracted
arguments for moderators. A source's text is found by paragraph (search.models.Passage) by who
may read the source (debates.policy.sources_shown_to, as its reader asks). With no words typed
but a filter set, the search lists whatever the filters admit, newest first, in the same SQL on
both engines (no index is read); passages are never listed so, only found by their words.
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramDistance
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from debates import policy
from debates.models import Argument, Motion, Source
from search.models import Passage
from search.schema import (
    CODES,
    CONFIGURATION,
    KINDS,
    SQLITE_FTS,
    STRIDE,
    parts,
    sqlite_folded,
    sqlite_rowid,
    title_of,
)

MODELS = {"argument": Argument, "motion": Motion, "source": Source, "passage": Passage}
# When each kind was written, for listing by filters alone; a seeded source has no date. A
# passage is found by the words in it, never listed: filters alone would list whole texts.
WRITTEN = {"argument": "created_at", "motion": "created_at", "source": "added_at"}
# Claim, what it cites, details: a match in the claim counts most (bm25's column weights).
_BM25_WEIGHTS = "10.0, 4.0, 1.0"
# Highlight markers the database puts around matched words; stored text never holds controls
# (debates.text), so they cannot be forged, and the text between them is escaped.
START, STOP = "\x02", "\x03"
_HEADLINE = f"StartSel={START}, StopSel={STOP}"
# Between two parts of one excerpt (ts_headline's fragments), as SQLite's snippet() marks a cut.
_FRAGMENTS = " … "
# A text of up to this many characters is shown whole in an excerpt, as SQLite's snippet() of 24
# tokens shows it; a longer one in fragments.
_WHOLE_UP_TO = 160
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
SIMILARITY = 0.4  # pg_trgm's similarity, as the duplicate warning asks
SIMILAR_LIMIT = 3
SIMILAR_MIN_LENGTH = 12  # characters typed before similar claims are looked for
MAX_PAGE = 10_000  # beyond any real result list; keeps the offset a plain number

# --- What was typed ----------------------------------------------------------------------------

_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDS = re.compile(r"\w+")
# The operators as a full-width keyboard types them, read as NFKC reads them.
_OPERATORS = str.maketrans(
    {
        "\N{FULLWIDTH QUOTATION MARK}": '"',
        "\N{FULLWIDTH HYPHEN-MINUS}": "-",
        "\N{SMALL HYPHEN-MINUS}": "-",
        "\N{FULLWIDTH ASTERISK}": "*",
        "\N{SMALL ASTERISK}": "*",
    }
)
# Words joined by hyphens alone, perhaps in brackets or before a comma: "peace-keeping" is also
# looked for as "peacekeeping", the way the same texts write it.
_HYPHENATED = re.compile(r"\W*\w+(?:[-\N{HYPHEN}]\w+)+\W*")
# Letters of a word typed before it is looked for by its start too: fewer would ask for most
# of the index.
PREFIX_MIN_LENGTH = 3
# PostgreSQL's English stop words (its tsearch_data/english.stop): the 'english' configuration
# (and so CONFIGURATION) leaves them out of the index and out of a query, so "uniform's" (an
# apostrophe parts words) asks for "uniform" alone, and "à" too (unaccent reads it "a" before the
# stemmer). FTS5 indexes every word; its query leaves them out here.
STOP_WORDS = frozenset({
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
    "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its",
    "itself", "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom",
    "this", "that", "these", "those", "am", "is", "are", "was", "were", "be", "been", "being",
    "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but",
    "if", "or", "because", "as", "until", "while", "of", "at", "by", "for", "with", "about",
    "against", "between", "into", "through", "during", "before", "after", "above", "below", "to",
    "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "then",
    "once", "here", "there", "when", "where", "why", "how", "all", "any", "both", "each", "few",
    "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so",
    "than", "too", "very", "s", "t", "can", "will", "just", "don", "should", "now",
})  # fmt: skip


@dataclass(frozen=True)
class Spelling:
    """One way a word or phrase may be written: its words, in order; `prefix`: the last may be
    the start of a longer word ("Pashin" of "Pashinyan"), found ranked below whole words."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def _asked(self) -> list[str]:
        """The words less the stop words at its ends, which websearch_to_tsquery drops. One
        between two other words stays as typed: PostgreSQL keeps its place ("peace of mind" is
        peace, a word, mind), and an FTS5 phrase can only ask for the word itself. A word looked
        for by its start is never one (_may_start)."""
        words = list(self.words)
        while words and _unaccented(words[0]) in STOP_WORDS:
            del words[0]
        while words and _unaccented(words[-1]) in STOP_WORDS:
            del words[-1]
        return words

    def fts5(self, *, whole: bool = False) -> str:
        """As an FTS5 phrase ("" when it asks only for stop words); `whole`: its words whole."""
        words = self._asked
        star = "*" if self.prefix and not whole else ""
        return f'"{" ".join(words)}"{star}' if words else ""

    def tsquery(self, *, whole: bool = False) -> str:
        """As to_tsquery reads it: each word quoted (none is an operator, and a word of _WORDS
        holds no quote or backslash to escape) and followed by the next, PostgreSQL keeping a
        stop word's place as websearch_to_tsquery does."""
        words = [f"'{word}'" for word in self._asked]
        if self.prefix and not whole:
            words[-1] += ":*"
        return words[0] if len(words) == 1 else f"({' <-> '.join(words)})"


@dataclass(frozen=True)
class Term:
    """A word or phrase typed, any of whose spellings may match: first as read (NFKC: a word
    in full-width letters as in plain ones, "CO₂" as "CO2"), then, for words joined by hyphens,
    as one word, then as typed where that reads otherwise (so a text holding "CO₂" is still found
    by it). A term whose reading asks only for stop words asks for nothing, however else it is
    written."""

    spellings: tuple[Spelling, ...]

    @property
    def _asking(self) -> list[Spelling]:
        if not self.spellings[0].fts5():
            return []
        return [spelling for spelling in self.spellings if spelling.fts5()]

    def fts5(self, *, whole: bool = False) -> str:
        each = [spelling.fts5(whole=whole) for spelling in self._asking]
        return f"({' OR '.join(each)})" if len(each) > 1 else "".join(each)

    def tsquery(self, *, whole: bool = False) -> str:
        each = [spelling.tsquery(whole=whole) for spelling in self._asking]
        return f"({' | '.join(each)})" if len(each) > 1 else "".join(each)


@dataclass(frozen=True)
class Clause:
    """Words and phrases that must all appear, and those that must not."""

    required: tuple[Term, ...]
    excluded: tuple[Term, ...] = ()

    def fts5(self, *, whole: bool = False) -> str:
        """The clause in FTS5's syntax; empty when it asks only for stop words, which find
        nothing on PostgreSQL."""
        required = [term for term in (t.fts5(whole=whole) for t in self.required) if term]
        if not required:
            return ""
        expression = f"({' AND '.join(required)})"
        for term in filter(None, (t.fts5(whole=whole) for t in self.excluded)):
            expression = f"({expression} NOT {term})"
        return expression

    def tsquery(self, *, whole: bool = False) -> str:
        required = [term.tsquery(whole=whole) for term in self.required]
        excluded = [f"!{term}" for term in (t.tsquery(whole=whole) for t in self.excluded) if term]
        return " & ".join(filter(None, required + excluded))


@dataclass(frozen=True)
class Terms:
    """The query as websearch_to_tsquery reads it: clauses, any of which may match (`or`
    binds loosest: "a or b c" is a, or b and c). Every word is quoted, so none is an operator."""

    clauses: tuple[Clause, ...]

    @property
    def _asking(self) -> list[Clause]:
        # A clause of stop words and words to leave out would, on PostgreSQL, find everything
        # else (its stop words dropped, only the NOT is left): it asks for nothing, as one of
        # words to leave out alone does (read_terms).
        return [clause for clause in self.clauses if clause.fts5()]

    def fts5(self, *, whole: bool = False) -> str:
        """The query in FTS5's syntax, folded as its index is (search.schema.SQLITE_FOLDING);
        `whole`: every word whole, none by its start."""
        # An empty phrase finds nothing, as a query of stop words alone does on PostgreSQL.
        asking = [clause.fts5(whole=whole) for clause in self._asking]
        return sqlite_folded(" OR ".join(asking) or '""')

    def tsquery(self, *, whole: bool = False) -> str:
        """The query in to_tsquery's syntax: what FTS5 is asked, word for word (PostgreSQL
        drops the stop words in a phrase itself, keeping their places)."""
        return " | ".join(f"({clause.tsquery(whole=whole)})" for clause in self._asking)

    @property
    def prefixed(self) -> bool:
        """Whether a word is looked for by its start too (then whole words rank first)."""
        return self.fts5() != self.fts5(whole=True)


def read_terms(text: str) -> Terms | None:
    """The words to look for in `text`, or None when it asks for nothing. A clause of only
    words to leave out asks for nothing and is dropped (rather than finding everything else).
    A word is read as NFKC reads it (full-width letters, ligatures, sub- and superscripts as
    their plain letters and digits) and as typed, if that differs. The last word typed, when
    not a phrase (exact) nor a word to leave out, may be unfinished: it is looked for by its
    start too, as any word a star follows ("Tur*") is."""
    clauses, required, excluded = [], [], []
    tokens = [match.groups() for match in _TOKENS.finditer(text.translate(_OPERATORS))]
    after_operand = False
    for index, (negated, phrase, word) in enumerate(tokens):
        last = index + 1 == len(tokens)
        # `or` between two operands is the operator; first, last or doubled, it is a word.
        if word is not None and _nfkc(word).lower() == "or" and after_operand and not last:
            clauses.append((required, excluded))
            required, excluded, after_operand = [], [], False
            continue
        after_operand = True
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        if phrase is not None:
            term = _term(phrase, bare=False, prefix=False)
        else:
            term = _term(word, bare=True, prefix=word.endswith("*") or (last and not negated))
        if term is not None:
            (excluded if negated else required).append(term)
    clauses.append((required, excluded))
    kept = tuple(Clause(tuple(r), tuple(e)) for r, e in clauses if r)
    return Terms(kept) if kept else None


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _term(typed: str, *, bare: bool, prefix: bool) -> Term | None:
    """The spellings of a word or phrase typed (Term), or None when it holds no word; `bare`:
    not in quotes; `prefix`: its last word is looked for by its start too."""
    read = _nfkc(typed)
    words = tuple(_WORDS.findall(read))
    if not words:
        return None
    spellings = [Spelling(words, prefix and _may_start(words[-1]))]
    if bare and _HYPHENATED.fullmatch(read):
        joined = "".join(words)
        spellings.append(Spelling((joined,), prefix and _may_start(joined)))
    as_typed = tuple(_WORDS.findall(typed))
    if as_typed != words:
        spellings.append(Spelling(as_typed))
    return Term(tuple(spellings))


def _may_start(word: str) -> bool:
    """Whether `word` may be looked for by its start: long enough to narrow the search down,
    one word to both engines (an underscore parts words), and the start of no stop word:
    PostgreSQL indexes none, FTS5 all, so "wher" would find "where" on SQLite alone."""
    plain = _unaccented(word)
    return (
        len(plain) >= PREFIX_MIN_LENGTH
        and word.isalnum()
        and not any(stop.startswith(plain) for stop in STOP_WORDS)
    )


# --- Hits --------------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str  # "motion", "argument", "source" or "passage" (a paragraph of a source's text)
    claim: Motion | Argument | Source | Passage
    title_html: SafeString  # a motion's or a source's title (a passage's source's); or empty
    claim_html: SafeString
    excerpt_html: SafeString  # where else it matched (quote, source, details, text), if anywhere


def marked(text: str) -> SafeString:
    """`text` escaped, with the database's highlight markers as <mark> elements."""
    html = _MARKED.sub(r"<mark>\1</mark>", str(escape(text or "")))
    return mark_safe(html.replace(START, "").replace(STOP, ""))


def _split_title(highlighted: str, title: str) -> tuple[str, str]:
    """A motion's indexed claim is its title, a space and its claim: cut the highlighted text
    where the title ends, counting only the text's own characters."""
    seen = index = 0
    while seen < len(title) and index < len(highlighted):
        seen += highlighted[index] not in (START, STOP)
        index += 1
    while highlighted[index : index + 1] == STOP:  # the title's last word was a match
        index += 1
    head, rest = highlighted[:index], highlighted[index + 1 :]  # less the space between
    if _open(head):
        return head + STOP, START + rest
    return head, rest


def _open(text: str) -> bool:
    return text.rfind(START) > text.rfind(STOP)


@dataclass
class Filters:
    """`author_id`: what a member wrote; `held_by`: names (from names_like, perhaps none: then
    nothing is), for what is attributed to them (a seeded claim's "Simon Saradzhyan") or, for a
    source, what names them as its author. None: no filter on who holds it."""

    motion: Motion | None = None
    stance: str = ""
    author_id: int | None = None
    held_by: tuple[str, ...] | None = None

    @property
    def on_whom(self) -> bool:
        return self.author_id is not None or self.held_by is not None

    @property
    def narrowing(self) -> bool:
        """Whether any filter is set: then they alone, without words, list what they admit."""
        return self.motion is not None or bool(self.stance) or self.on_whom

    def by_whom(self, *, attributed: str) -> Q | None:
        """The filter on who holds a claim (`attributed`: the field naming them), or None."""
        if not self.on_whom:
            return None
        named = Q(**{f"{attributed}__in": self.held_by or ()})
        return named | Q(author_id=self.author_id) if self.author_id is not None else named


def names_like(name: str) -> tuple[str, ...]:
    """The attributions and source authors stored that have every word of `name` among their
    own, but for case and accents: "trenin" is "Dmitri Trenin" and "Zoe" is "Zoë", as a
    researcher names an author. Compared as Python folds them: SQLite's LIKE folds only ASCII
    letters, PostgreSQL's UPPER all of them and neither an accent, and the filter must find the
    same on both. A query for each kind, only when filtering."""
    wanted = set(_name_words(name))
    stored = set()
    for model, field in ((Argument, "attribution"), (Motion, "attribution"), (Source, "author")):
        names = model.objects.exclude(**{field: ""}).order_by().values_list(field, flat=True)
        stored.update(names.distinct())
    return tuple(sorted(held for held in stored if wanted and wanted <= set(_name_words(held))))


# Letters whose mark is part of the letter, so decomposing does not take it off.
_UNMARKED = str.maketrans("øłđħ\N{LATIN SMALL LETTER DOTLESS I}", "oldhi")
# Alphabets whose marks are accents a researcher leaves off ("Zoe" for "Zoë", "Еременко" for
# "Ерёменко"); in an abugida such as Devanagari a mark is a vowel and tells names apart.
_ACCENTED = ("LATIN ", "GREEK ", "CYRILLIC ")


def _unaccented(word: str) -> str:
    """`word` in lower case without its accents, as unaccent reads it before the stemmer looks
    for a stop word: near enough for the words STOP_WORDS holds."""
    return " ".join(_name_words(word))


def _name_words(name: str) -> list[str]:
    folded, base = [], ""
    for char in unicodedata.normalize("NFKD", name.casefold()):
        if not unicodedata.combining(char):
            base = unicodedata.name(char, "")
        elif base.startswith(_ACCENTED):
            continue
        folded.append(char)
    return _WORDS.findall(unicodedata.normalize("NFC", "".join(folded)).translate(_UNMARKED))


class _Backend:
    """The engine-specific SQL: which rows match, how well, and their highlighted text."""

    def __init__(self, terms: Terms):
        self.terms = terms
        self.postgresql = connection.vendor == "postgresql"

    def matches(self, kind: str) -> tuple[str, str, list, str, list]:
        """FROM and WHERE (matching only) and their parameters, and the rank's SQL and its
        parameters. When a word is looked for by its start too, a hit on whole words ranks above
        one on the start of a word alone: the rank is cut below 1 (x / (1 + x): the order kept)
        and 1 added for whole words."""
        table = KINDS[kind]
        if self.postgresql:
            vector = f"{table}.search_vector"
            source = f"{table}, to_tsquery('{CONFIGURATION}', %s) AS query"
            match, params = f"{vector} @@ query", [self.terms.tsquery()]
            rank = f"ts_rank_cd({vector}, query)"
            # Normalization 32 is rank / (rank + 1).
            tiered = (
                f"({vector} @@ to_tsquery('{CONFIGURATION}', %s))::int "
                f"+ ts_rank_cd({vector}, query, 32)"
            )
            whole = self.terms.tsquery(whole=True)
        else:
            fts = SQLITE_FTS
            source = f"{fts} JOIN {table} ON {table}.id = {fts}.rowid / {STRIDE}"
            match = f"{fts} MATCH %s AND {fts}.rowid %% {STRIDE} = {CODES[kind]}"
            params = [self.terms.fts5()]
            rank = f"-bm25({fts}, {_BM25_WEIGHTS})"
            # bm25 is never above 0: 1 - 1 / (1 - bm25) is x / (1 + x) of the rank x.
            tiered = (
                f"({fts}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)) "
                f"+ 1 - 1.0 / (1 - bm25({fts}, {_BM25_WEIGHTS}))"
            )
            whole = self.terms.fts5(whole=True)
        if self.terms.prefixed:
            return source, match, params, tiered, [whole]
        return source, match, params, rank, []

    def highlights(self, kind: str, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        if self.postgresql:
            table = KINDS[kind]
            claim, cited, details = parts(kind, "c", title_of("c"))
            whole = f"HighlightAll=true, {_HEADLINE}"
            excerpt = (
                f"MaxWords=30, MinWords=12, MaxFragments=2, "
                f'FragmentDelimiter="{_FRAGMENTS}", {_HEADLINE}'
            )

            def headline(part):
                # Fragments of a text short enough to show whole would drop its edges.
                return (
                    f"CASE WHEN char_length({part}) <= {_WHOLE_UP_TO} "
                    f"THEN ts_headline('{CONFIGURATION}', {part}, query, %s) "
                    f"ELSE ts_headline('{CONFIGURATION}', {part}, query, %s) END"
                )

            sql = (
                f"SELECT c.id, ts_headline('{CONFIGURATION}', {claim}, query, %s), "
                f"{headline(cited)}, {headline(details)}, {cited}, {details} "
                f"FROM {table} AS c, to_tsquery('{CONFIGURATION}', %s) AS query "
                f"WHERE c.id IN ({marks})"
            )
            params = [whole, whole, excerpt, whole, excerpt, self.terms.tsquery(), *ids]
        else:
            fts = SQLITE_FTS
            sql = (
                f"SELECT rowid / {STRIDE}, highlight({fts}, 0, char(2), char(3)), "
                f"snippet({fts}, 1, char(2), char(3), '…', 24), "
                f"snippet({fts}, 2, char(2), char(3), '…', 24) "
                f"FROM {fts} WHERE {fts} MATCH %s AND rowid IN ({marks})"
            )
            params = [self.terms.fts5(), *(pk * STRIDE + CODES[kind] for pk in ids)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not self.postgresql:
            return {row[0]: row[1:] for row in rows}
        return {
            pk: (claim, _cut_marked(cited, whole_cited), _cut_marked(details, whole_details))
            for pk, claim, cited, details, whole_cited, whole_details in rows
        }


def _cut_marked(excerpt: str | None, whole: str | None) -> str | None:
    """A PostgreSQL excerpt (ts_headline) of `whole`, with an ellipsis where it starts after the
    text's start or ends before its end, as SQLite's snippet() has them: an excerpt that begins
    mid-sentence must not read as the text's own beginning."""
    if not excerpt or not whole or START not in excerpt:
        return excerpt
    fragments = _MARKED.sub(r"\1", excerpt).split(_FRAGMENTS)
    whole = whole.strip()
    if not whole.startswith(fragments[0].strip()):
        excerpt = f"…{excerpt}"
    if not whole.endswith(fragments[-1].strip()):
        excerpt = f"{excerpt}…"
    return excerpt


def _where(model, condition: Q) -> tuple[str, list]:
    """`condition` as SQL on the model's own table (its columns only, no joins)."""
    query = model.objects.filter(condition).query
    try:
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    except FullResultSet:
        return "1 = 1", []
    except EmptyResultSet:
        return "1 = 0", []
    return sql, list(params)


class Search:
    """Hits for `text` as `viewer` may see them, best first, a page at a time; with no text but
    a filter, everything the filters admit (`listing`), newest first."""

    def __init__(self, *, text: str, viewer, filters: Filters):
        self.terms = read_terms(text)
        self.backend = _Backend(self.terms) if self.terms else None
        # Words that ask for nothing ("-") still find nothing, filters or not.
        self.listing = not text.strip() and filters.narrowing
        self.viewer, self.filters = viewer, filters

    def _conditions(self, kind: str) -> Q | None:
        """Who may find what, and the filters; None when the filters rule the kind out."""
        model, filters = MODELS[kind], self.filters
        if kind in ("source", "passage"):
            # A source belongs to no motion and has no stance: those filters leave it out, and
            # its text with it. Its author is a name it gives, never a member. Its text is read
            # by who may read the source (its reader asks the same of debates.policy).
            if filters.motion is not None or filters.stance:
                return None
            if kind == "passage" and self.backend is None:
                return None
            condition = policy.sources_shown_to(self.viewer)
            if filters.on_whom:
                condition &= Q(author__in=filters.held_by or ())
            if kind == "passage":
                return Q(source__in=Source.objects.filter(condition).values("pk"))
            return condition
        condition = policy.texts_found_by(self.viewer, model)
        if (held := filters.by_whom(attributed="attribution")) is not None:
            condition &= held
        if kind == "argument":
            condition &= policy.arguments_listed_to(self.viewer)
            if filters.motion is not None:
                condition &= Q(motion_id=filters.motion.pk)
            if filters.stance:
                condition &= Q(stance=filters.stance)
        else:
            if filters.stance:
                return None  # motions have no stance
            if filters.motion is not None:
                condition &= Q(pk=filters.motion.pk)
        return condition

    def _union(self) -> tuple[str, list]:
        selects, params = [], []
        for kind, model in MODELS.items():
            condition = self._conditions(kind)
            if condition is None:
                continue
            table = KINDS[kind]
            if self.backend is None:  # filters alone: ordered by when it was written
                source, match, match_params = table, "1 = 1", []
                order, order_params = f"{table}.{WRITTEN[kind]}", []
            else:
                source, match, match_params, order, order_params = self.backend.matches(kind)
            where, where_params = _where(model, condition)
            selects.append(
                f"SELECT '{kind}' AS kind, {table}.id AS id, {order} AS ordering "
                f"FROM {source} WHERE {match} AND ({where})"
            )
            params += [*order_params, *match_params, *where_params]
        return " UNION ALL ".join(selects), params

    @property
    def finds(self) -> bool:
        """Whether anything can be found: words to look for, or filters to list by."""
        return self.backend is not None or self.listing

    def count(self) -> int:
        if not self.finds:
            return 0
        union, params = self._union()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({union}) AS hits", params)
            return cursor.fetchone()[0]

    def _rows(self, limit: int, offset: int) -> tuple[list, int]:
        """One page of (kind, id), best (or newest) first, and how many hits there are in all."""
        union, params = self._union()
        with connection.cursor() as cursor:
            # NULLS LAST: SQLite's default for DESC, not PostgreSQL's (an undated source).
            cursor.execute(
                f"SELECT kind, id, count(*) OVER () FROM ({union}) AS hits "
                "ORDER BY ordering DESC NULLS LAST, kind, id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
        return [row[:2] for row in rows], rows[0][2] if rows else 0

    def page(self, number, per_page: int) -> Page:
        """Page `number` (1 if it is no number, the last if past the end): its hits counted
        in the same query as they are ranked."""
        try:
            number = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        rows, total = [], 0
        if not self.finds:  # nothing searchable was typed, and no filter: one empty page
            number = 1
        else:
            rows, total = self._rows(per_page, (number - 1) * per_page)
            if not rows and number > 1:
                number = max(1, math.ceil(self.count() / per_page))
                rows, total = self._rows(per_page, (number - 1) * per_page)
        paginator = Paginator((), per_page)
        paginator.count = total
        return Page(self._hits(rows), number, paginator)

    def _hits(self, rows) -> list[Hit]:
        if not rows:
            return []
        ids = {kind: [pk for k, pk in rows if k == kind] for kind in MODELS}
        shown = ("id", "claim", "visibility", "attribution", "created_at", "author__display_name")
        arguments = Argument.objects.select_related("motion", "author").only(
            # The motion's author too: whether a hidden motion's title shows asks who wrote it.
            *shown,
            "stance",
            "motion__slug",
            "motion__title",
            "motion__visibility",
            "motion__author",
        )
        motions = Motion.objects.select_related("author").only(*shown, "slug", "title")
        sources = Source.objects.only(
            "id", "title", "author", "publisher", "visibility", "added_by_id"
        )
        passages = Passage.objects.select_related("source").only(
            "id",
            "number",
            "source",
            "source__title",
            "source__author",
            "source__published_on",
            "source__visibility",
        )
        found = {"argument": arguments, "motion": motions, "source": sources, "passage": passages}
        claims = {kind: found[kind].in_bulk(ids[kind]) if ids[kind] else {} for kind in MODELS}
        if self.backend is None:
            marks = {
                kind: {pk: _unmarked(kind, c) for pk, c in claims[kind].items()} for kind in MODELS
            }
        else:
            marks = {kind: self.backend.highlights(kind, ids[kind]) for kind in MODELS}
        hits = []
        for kind, pk in rows:
            claim = claims[kind][pk]
            highlighted, cited, details = marks[kind][pk]
            title = ""
            if kind == "motion":
                title, highlighted = _split_title(highlighted, claim.title)
            elif kind == "source":
                title, highlighted = highlighted, ""
            elif kind == "passage":  # its source's title, as it stands; the text's excerpt
                title = claim.source.title
            excerpt = next((text for text in (cited, details) if START in (text or "")), "")
            hits.append(Hit(kind, claim, marked(title), marked(highlighted), marked(excerpt)))
        return hits


def _unmarked(kind: str, claim) -> tuple[str, str, str]:
    """A hit's claim, cited and details as highlights() gives them, when no word was looked for:
    the claim as it stands (a motion's title with it, a source's title), nothing marked, and no
    excerpt."""
    if kind == "motion":
        return f"{claim.title} {claim.claim}", "", ""
    return (claim.title if kind == "source" else claim.claim), "", ""


def similar_claims(*, motion: Motion, text: str, viewer, limit: int = SIMILAR_LIMIT):
    """Up to `limit` arguments of `motion` that `viewer` may read and that look like `text`:
    pg_trgm similarity of the claims at least SIMILARITY on PostgreSQL; on SQLite the search's
    own ranking, over the words typed, keeping claims that share most of them."""
    text = " ".join(text.split())
    words = _WORDS.findall(text.lower())
    if len(text) < SIMILAR_MIN_LENGTH or not words:
        return []
    shown = Argument.objects.filter(
        policy.texts_shown_to(viewer, Argument), motion=motion
    ).select_related("motion")
    if connection.vendor == "postgresql":
        # The nearest claims first (the GiST index walks them in order), then the threshold.
        nearest = shown.annotate(distance=TrigramDistance("claim", text)).order_by("distance")
        return [claim for claim in nearest[:limit] if claim.distance <= 1 - SIMILARITY]
    fts = SQLITE_FTS
    anything = sqlite_folded(" OR ".join(f'"{word}"' for word in dict.fromkeys(words)))
    candidates = shown.extra(
        tables=[fts],
        where=[
            f"{fts}.rowid = {sqlite_rowid('argument', 'debates_argument.id')}",
            f"{fts}.claim MATCH %s",
        ],
        params=[anything],
        select={"likeness": f"bm25({fts})"},
    ).order_by("likeness", "-id")[: limit * 4]
    typed = _stems(words)
    return [
        argument
        for argument in candidates
        if len(typed & _stems(_WORDS.findall(argument.claim.lower()))) >= SIMILARITY * len(typed)
    ][:limit]


def _stems(words) -> set[str]:
    """Words cut to five letters: near enough a stem to count "negotiate" and "negotiations"
    as one word when comparing claims."""
    return {word[:5] for word in words}
