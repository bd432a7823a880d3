"""Every table nkhr produces: its columns, their dtypes and what they mean.

This module is the single place where a table's shape is written down. Each
stage builds its rows as plain Python columns and hands them to
:func:`frame`, which makes a DataFrame with exactly these columns in this
order and these dtypes; :func:`check` verifies a DataFrame that arrives from
elsewhere (a Parquet file, a user) before a stage uses it.

Offsets (`start`, `end`) are always character offsets into the `text` of the
row's source in the `sources` table (the cleaned article), so
``sources.text[start:end]`` is exactly what the row refers to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import SchemaError

STR = pd.StringDtype("pyarrow")
INT = "int64"
BOOL = "bool"
FLOAT = "float64"
DATE = pd.ArrowDtype(pa.date32())


@dataclass(frozen=True)
class Column:
    name: str
    dtype: object
    meaning: str
    nullable: bool = False


@dataclass(frozen=True)
class Schema:
    name: str
    meaning: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that identify a row, in sort order

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, dtype, meaning, nullable=False):
    return Column(name, dtype, meaning, nullable)


SOURCE_ID = _c("source_id", STR, "the raw file's name without extension")
PARA_ID = _c("para_id", STR, "paragraph id within the source: p0001, p0002, ...")
SENT_ID = _c("sent_id", STR, "sentence id within the source: s0001, s0002, ...")
START = _c("start", INT, "first character, offset into the source's cleaned text")
END = _c("end", INT, "one past the last character, offset into the source's cleaned text")

SCHEMAS: dict[str, Schema] = {}


def _register(schema: Schema) -> Schema:
    SCHEMAS[schema.name] = schema
    return schema


SOURCES = _register(Schema(
    "sources", "one row per ingested article",
    (
        SOURCE_ID,
        _c("outlet", STR, "publishing outlet (catalog, else stated in the text)", True),
        _c("published", DATE, "publication date (catalog, else a Published/Updated line)", True),
        _c("title", STR, "headline (catalog, else the article's first line when it reads as one)", True),
        _c("url", STR, "address of the article, when known", True),
        _c("author", STR, "byline author, when stated", True),
        _c("dateline", STR, "the lead's dateline (place, date, agency: 'GENEVA, May 3 (Kyodo)'), when it has one", True),
        _c("language", STR, "'en', 'ko' or 'und': the language of most of the body text"),
        _c("n_chars", INT, "length of the cleaned text in characters"),
        _c("sha256", STR, "SHA-256 of the raw file's bytes"),
        _c("path", STR, "the raw file, relative to the corpus folder"),
        _c("encoding", STR, "how the raw bytes were decoded (utf-8, utf-8-sig, cp949, cp1252)"),
        _c("text", STR, "the cleaned article: its paragraphs joined by blank lines"),
    ),
    ("source_id",),
))

PARAGRAPHS = _register(Schema(
    "paragraphs", "one row per paragraph of the cleaned text (page furniture removed)",
    (
        SOURCE_ID, PARA_ID, START, END,
        _c("text", STR, "the paragraph"),
        _c("language", STR, "'en', 'ko' or 'und': the paragraph's own language (an article may mix them)"),
        _c("kind", STR, "title, heading, body or caption"),
        _c("is_caption", BOOL, "a photo caption (kept, but never part of body sentences)"),
        _c("raw_start", INT, "first character of the paragraph's lines in the decoded raw file"),
        _c("raw_end", INT, "end of the paragraph's lines in the decoded raw file"),
    ),
    ("source_id", "para_id"),
))

SENTENCES = _register(Schema(
    "sentences", "one row per sentence; a sentence never crosses a paragraph",
    (
        SOURCE_ID, SENT_ID, PARA_ID, START, END,
        _c("text", STR, "the sentence"),
        _c("language", STR, "'en', 'ko' or 'und'"),
        _c("kind", STR, "the paragraph's kind: title, heading, body or caption; dateline for a lead's dateline (its own sentence)"),
        _c("is_caption", BOOL, "the sentence is part of a photo caption"),
    ),
    ("source_id", "sent_id"),
))

INGEST_REPORT = _register(Schema(
    "ingest_report", "one row per problem met while reading the corpus",
    (
        _c("path", STR, "the file (or catalog row) concerned, relative to the corpus folder"),
        _c("severity", STR, "'error' (file skipped), 'warning' (ingested, but check it) or 'info'"),
        _c("problem", STR, "a short code: empty, binary, too_large, unreadable, duplicate, ..."),
        _c("message", STR, "what happened and what to do"),
        _c("source_id", STR, "the article concerned, when it has an id", True),
        _c("stage", STR, "where it happened: read (the file), ingest, quotes, themes or frames", True),
    ),
    ("path", "problem"),
))

QUOTES = _register(Schema(
    "quotes", "one row per span of reported speech inside quotation marks",
    (
        _c("quote_id", STR, "q0001, ... within the source"),
        SOURCE_ID, PARA_ID,
        _c("sent_id", STR, "the sentence where the quote opens"),
        START, END,
        _c("text", STR, "the span inside the quotation marks"),
        _c("kind", STR, "'full' (a sentence or more of speech) or 'partial' (a fragment woven into the reporter's sentence)"),
        _c("speaker_id", STR, "id in the speakers table; empty when nobody can be named", True),
        _c("speaker", STR, "canonical name of the speaker; empty when nobody can be named", True),
        _c("cue", STR, "what attributes the quote: the verb, ':', '—' (a name after a dash), 'according to'", True),
        _c("method", STR, "how the speaker was found: transcript, name, apposition, title, surname, pronoun, "
                          "organization, description, subject, chain, carried, repeat, none"),
        _c("confidence", FLOAT, "0..1, how sure the attribution is"),
    ),
    ("source_id", "quote_id"),
))

MENTIONS = _register(Schema(
    "mentions", "one row per mention of a speaker: a person, an institution or an unnamed speaker",
    (
        _c("mention_id", STR, "m0001, ... within the source"),
        SOURCE_ID, PARA_ID, SENT_ID, START, END,
        _c("text", STR, "the mention as written"),
        _c("kind", STR, "name, surname, title (title + surname), pronoun, org (an institution, or a place "
                        "speaking for its state), description (an unnamed speaker: 'a ministry spokesman'), "
                        "hangul (a Korean-script name, with or without a title) or unnamed (a Korean unnamed "
                        "speaker: '한 소식통')"),
        _c("speaker_id", STR, "the person mentioned", True),
    ),
    ("source_id", "mention_id"),
))

SPEAKERS = _register(Schema(
    "speakers", "one row per speaker across the whole corpus: a real person, an institution, or an "
                "unnamed speaker as one article describes them",
    (
        _c("speaker_id", STR, "sp_ and ten hex digits of the speaker's name key: stable across runs"),
        _c("name", STR, "canonical name: the full form the sources use most"),
        _c("role_category", STR, "defector, government, un, ngo, diplomat, dprk, expert or other"),
        _c("role", STR, "the role as the sources state it", True),
        _c("affiliation", STR, "organization or state, if stated", True),
        _c("aliases", STR, "every surface form that names the person, '|'-separated"),
        _c("n_quotes", INT, "quotes attributed to the person"),
        _c("n_sources", INT, "sources that mention the person"),
    ),
    ("speaker_id",),
))

THEMES = _register(Schema(
    "themes", "one row per codebook term matched in a sentence",
    (
        SOURCE_ID, SENT_ID, START, END,
        _c("theme", STR, "theme (category path joined by '/')"),
        _c("term", STR, "the codebook term that matched"),
        _c("matched", STR, "the text matched"),
        _c("speaker", STR, "who says it: canonical name, or NARRATOR"),
    ),
    ("source_id", "start", "theme", "term"),
))

FRAMES = _register(Schema(
    "frames", "one row per sentence and frame label",
    (
        SOURCE_ID, SENT_ID, START, END,
        _c("sentence", STR, "the sentence"),
        _c("frame", STR, "nexus, funding, diversion, root_cause, military_abuse or counter_frame"),
        _c("speaker", STR, "canonical name when the sentence is or reports that person's speech, else NARRATOR"),
        _c("evidence", STR, "the cues that fired, '; '-separated"),
    ),
    ("source_id", "sent_id", "frame"),
))

NARRATOR = "NARRATOR"


def empty(name: str) -> pd.DataFrame:
    """An empty table with the right columns and dtypes."""
    return frame(name, {c.name: [] for c in SCHEMAS[name].columns})


def frame(name: str, columns: dict[str, list], sort: bool = True) -> pd.DataFrame:
    """Build table `name` from plain Python columns, typed and in stable row order."""
    schema = SCHEMAS[name]
    missing = [c for c in schema.names if c not in columns]
    if missing:
        raise SchemaError(f"table {name!r}: the stage produced no column(s) {missing}")
    df = pd.DataFrame({c.name: pd.array(columns[c.name], dtype=c.dtype) for c in schema.columns})
    if sort and len(df):
        df = df.sort_values(list(schema.key), kind="stable", ignore_index=True)
    return df


_ARROW_TYPES = {"string": pa.large_string(), "int64": pa.int64(), "bool": pa.bool_(),
                "float64": pa.float64(), "date32[day][pyarrow]": pa.date32()}
_PANDAS_TYPES = {pa.large_string(): STR, pa.date32(): DATE}


def arrow_schema(name: str, columns) -> pa.Schema:
    """The Arrow types of `columns` of table `name` (``_who``, a local person id, is int64)."""
    types = {c.name: _ARROW_TYPES[str(c.dtype)] for c in SCHEMAS[name].columns}
    return pa.schema([(c, types.get(c, pa.int64())) for c in columns])


def sort_arrow(name: str, table: pa.Table) -> pa.Table:
    """`table` (any columns, including table `name`'s key) in the row order of :func:`frame`."""
    order = pc.sort_indices(table, sort_keys=[(k, "ascending") for k in SCHEMAS[name].key])  # stable
    if np.array_equal(order.to_numpy(), np.arange(len(table))):
        return table
    return table.take(order)


def from_arrow(name: str, table: pa.Table, sort: bool = True) -> pd.DataFrame:
    """Table `name` from an Arrow table holding (at least) its columns: typed like
    :func:`frame`, in the same stable row order (sort=False: it is already, by
    :func:`sort_arrow`), and so written to the same bytes."""
    table = table.select(SCHEMAS[name].names)
    if sort:
        table = sort_arrow(name, table)
    return table.combine_chunks().to_pandas(types_mapper=_PANDAS_TYPES.get)


def check(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Verify that `df` has the columns, dtypes and nulls of table `name`; return it.

    Extra columns are allowed after the schema's own (a user may add some);
    a missing column, a wrong dtype or a null where none is allowed raises
    :class:`SchemaError` naming the table and the column.
    """
    schema = SCHEMAS[name]
    have = list(df.columns)
    if have[: len(schema.names)] != schema.names:
        missing = [c for c in schema.names if c not in have]
        what = f"missing {missing}" if missing else f"columns out of order: {have[:len(schema.names)]}"
        raise SchemaError(f"table {name!r}: {what}; expected {schema.names}")
    for col in schema.columns:
        got = df[col.name].dtype
        if str(got) != str(pd.Series([], dtype=col.dtype).dtype):
            raise SchemaError(f"table {name!r}, column {col.name!r}: dtype {got}, expected {col.dtype}")
        if not col.nullable and len(df) and df[col.name].isna().any():
            row = int(df[col.name].isna().to_numpy().nonzero()[0][0])
            raise SchemaError(f"table {name!r}, column {col.name!r}: empty value in row {row}")
    return df


def coerce(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Cast a table read from CSV (or built by hand) to the schema's dtypes, then check it."""
    schema = SCHEMAS[name]
    out = df.copy()
    for col in schema.columns:
        if col.name in out.columns:
            out[col.name] = out[col.name].astype(col.dtype)
    return check(out[schema.names + [c for c in out.columns if c not in schema.names]], name)


def describe() -> pd.DataFrame:
    """All schemas as one table (table, column, dtype, nullable, meaning): the data dictionary."""
    rows = [
        (s.name, c.name, str(pd.Series([], dtype=c.dtype).dtype), c.nullable, c.meaning)
        for s in SCHEMAS.values() for c in s.columns
    ]
    return pd.DataFrame(rows, columns=["table", "column", "dtype", "nullable", "meaning"])
