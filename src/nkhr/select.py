"""Select part of an analyzed corpus: by date, outlet, language and speaker.

:func:`select` filters every table of a :class:`~nkhr.tables.Tables`
consistently and returns a new one:

- ``date_from``/``date_to`` and ``outlets`` choose *sources*; every table
  keyed by ``source_id`` keeps the rows of those sources only.
- ``language`` chooses *sentences*: the sources with text in that language
  (a whole article, or its Korean paragraphs inside an English one), and in
  them the paragraphs and sentences in that language and the quotes,
  mentions, themes and frames of those sentences.
  A source whose publication date is unknown is left out as soon as a date
  bound is given (nobody can say it falls inside).
- ``speakers`` chooses *people*: quotes and mentions keep that person's rows,
  themes and frames keep the rows spoken by that person, and the speakers
  table keeps those people. Sources, paragraphs and sentences stay, so a
  sentence behind a count can still be shown in context.
- The speakers table always ends up holding only people quoted or mentioned
  in the selection, with ``n_quotes`` and ``n_sources`` counted within it.

Names are matched forgivingly. Outlets: case does not matter, a leading
"The" is ignored, and a name also matches a catalog outlet containing it as
whole words ("Korea Herald" matches "The Korea Herald", "JoongAng Daily"
matches "Korea JoongAng Daily"). Speakers: case and spacing do not matter
and any alias in the speakers table counts (``NARRATOR`` selects the
reporter's own sentences in themes and frames).

A name that matches nothing in the corpus, or a selection left empty, raises
:class:`~nkhr.errors.ParameterError` naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import types
from collections.abc import Iterable

import pandas as pd

from .errors import ParameterError
from .schemas import NARRATOR
from .tables import Tables

_BY_SOURCE = ("sources", "paragraphs", "sentences", "quotes", "mentions", "themes", "frames")


def normalize_outlet(name: str) -> str:
    """Lower case, punctuation to spaces, single spaces, no leading 'the'."""
    text = re.sub(r"[^\w]+", " ", str(name).casefold()).strip()
    return re.sub(r"^the\s+", "", text)


def outlet_matches(wanted: str, outlet: str) -> bool:
    """True if outlet name `wanted` designates catalog outlet `outlet` (see module doc)."""
    w, o = normalize_outlet(wanted), normalize_outlet(outlet)
    if not w or not o:
        return False
    return w == o or re.search(rf"(?<!\w){re.escape(w)}(?!\w)", o) is not None


def _norm_name(name: str) -> str:
    return " ".join(str(name).casefold().split())


def _as_date(name: str, value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    from .params import parse_date

    return parse_date(name, value)


def _names(name: str, value) -> tuple[str, ...]:
    from .params import parse_list

    return parse_list(name, list(value) if isinstance(value, Iterable) and not isinstance(value, str)
                      else value)


def _keep_sources(tables: Tables, ids: set[str]) -> dict[str, pd.DataFrame]:
    out = dict(tables)
    for name in _BY_SOURCE:
        if name in out:
            df = out[name]
            out[name] = df[df["source_id"].isin(ids)].reset_index(drop=True)
    return out


def _choose_sources(sources: pd.DataFrame, date_from, date_to, outlets, language,
                    sentences: pd.DataFrame | None = None) -> pd.Series:
    keep = pd.Series(True, index=sources.index)
    if language != "all":
        keep &= (sources["language"] == language).fillna(False).astype(bool)
        if sentences is not None and "language" in sentences:
            keep |= sources["source_id"].isin(set(sentences.loc[sentences["language"] == language, "source_id"]))
        if not keep.any():
            have = sorted(set(sources["language"].dropna()))
            raise ParameterError(f"language: no source is in {language!r}; the corpus has {have}")
    if date_from or date_to:
        published = sources["published"]
        in_range = published.notna()
        if date_from:
            in_range &= (published >= date_from).fillna(False).astype(bool)
        if date_to:
            in_range &= (published <= date_to).fillna(False).astype(bool)
        keep &= in_range.astype(bool)
        if not keep.any():
            which = "date_from" if date_from else "date_to"
            known = published.dropna()
            span = (f"known dates run from {known.min()} to {known.max()}" if len(known)
                    else "no source has a known publication date")
            raise ParameterError(f"{which}: no source published between {date_from or '…'} "
                                 f"and {date_to or '…'} ({span})")
    if outlets:
        catalog = sorted(set(sources["outlet"].dropna()))
        for wanted in outlets:
            if not any(outlet_matches(wanted, o) for o in catalog):
                raise ParameterError(f"outlets: {wanted!r} matches no outlet in the corpus; "
                                     f"outlets are {catalog}")
        hits = sources["outlet"].map(
            lambda o: isinstance(o, str) and any(outlet_matches(w, o) for w in outlets))
        keep &= hits.astype(bool)
        if not keep.any():
            raise ParameterError(f"outlets: no source from {list(outlets)} is left after the "
                                 "date and language filters")
    return keep


def _keep_language(out: dict, language: str) -> None:
    """Keep the paragraphs and sentences in `language`, and the rows of those sentences."""
    sentences = out.get("sentences")
    if sentences is None or "language" not in sentences:
        return
    kept = sentences[sentences["language"] == language]
    out["sentences"] = kept.reset_index(drop=True)
    paragraphs = out.get("paragraphs")
    if paragraphs is not None and "language" in paragraphs:
        out["paragraphs"] = paragraphs[paragraphs["language"] == language].reset_index(drop=True)
    wanted = pd.MultiIndex.from_frame(kept[["source_id", "sent_id"]].astype(str))
    for name in ("quotes", "mentions", "themes", "frames"):
        df = out.get(name)
        if df is not None and "sent_id" in df:
            at = pd.MultiIndex.from_frame(df[["source_id", "sent_id"]].astype(str))
            out[name] = df[at.isin(wanted)].reset_index(drop=True)


def _speaker_ids(speakers: pd.DataFrame, wanted: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Ids and canonical names of the speakers named in `wanted` (NARRATOR allowed)."""
    index: dict[str, tuple[str, str]] = {}
    for sid, name, aliases in zip(speakers["speaker_id"], speakers["name"],
                                  speakers["aliases"], strict=True):
        for form in [name, *str(aliases or "").split("|")]:
            if form and form.strip():
                index.setdefault(_norm_name(form), (sid, name))
    ids, names = set(), set()
    for w in wanted:
        if _norm_name(w) == _norm_name(NARRATOR):
            names.add(NARRATOR)
            continue
        hit = index.get(_norm_name(w))
        if hit is None:
            known = sorted(speakers["name"].dropna())
            shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
            raise ParameterError(f"speakers: {w!r} names nobody in the speakers table "
                                 f"(known: {shown})")
        ids.add(hit[0])
        names.add(hit[1])
    return ids, names


def _recount_speakers(out: dict) -> None:
    sp = out["speakers"]
    mentioned = set()
    for name in ("quotes", "mentions"):
        if name in out:
            mentioned |= set(out[name]["speaker_id"].dropna())
    sp = sp[sp["speaker_id"].isin(mentioned)].reset_index(drop=True).copy()
    quotes = out.get("quotes")
    n_quotes = (quotes["speaker_id"].value_counts() if quotes is not None
                else pd.Series(dtype="int64"))
    pairs = [out[n][["speaker_id", "source_id"]] for n in ("quotes", "mentions") if n in out]
    n_sources = (pd.concat(pairs).dropna().drop_duplicates()["speaker_id"].value_counts()
                 if pairs else pd.Series(dtype="int64"))
    sp["n_quotes"] = sp["speaker_id"].map(n_quotes).fillna(0).astype("int64")
    sp["n_sources"] = sp["speaker_id"].map(n_sources).fillna(0).astype("int64")
    out["speakers"] = sp


def select(tables: Tables, *, date_from=None, date_to=None, outlets=(), speakers=(),
           language: str = "all") -> Tables:
    """Filter every table of `tables` to a date range, outlets, speakers and a language.

    `date_from`/`date_to` are dates or ISO strings (inclusive; None or "" for
    no bound); `outlets` and `speakers` are lists of names (empty for all);
    `language` is "en", "ko" or "all". Returns a new :class:`Tables` whose
    ``meta["selection"]`` records the arguments. Raises
    :class:`ParameterError` naming the parameter when a name matches nothing
    or the selection is empty.
    """
    date_from, date_to = _as_date("date_from", date_from), _as_date("date_to", date_to)
    outlets, speakers = _names("outlets", outlets), _names("speakers", speakers)
    language = language or "all"
    if language not in ("en", "ko", "all"):
        raise ParameterError(f"language: {language!r} is not one of en, ko, all")
    if "sources" not in tables:
        raise ParameterError("corpus: the tables hold no 'sources' table to select from")

    sources = tables["sources"]
    keep = _choose_sources(sources, date_from, date_to, outlets, language, tables.get("sentences"))
    out = _keep_sources(tables, set(sources.loc[keep, "source_id"]))
    if language != "all":
        _keep_language(out, language)

    if speakers:
        if "speakers" not in out:
            raise ParameterError("speakers: these tables have no speakers table (not analyzed?)")
        ids, names = _speaker_ids(tables["speakers"], speakers)
        for name, col, allowed in (("quotes", "speaker_id", ids), ("mentions", "speaker_id", ids),
                                   ("themes", "speaker", names), ("frames", "speaker", names)):
            if name in out:
                df = out[name]
                out[name] = df[df[col].isin(allowed)].reset_index(drop=True)
        if not any(len(out[n]) for n in ("quotes", "mentions", "themes", "frames") if n in out):
            raise ParameterError(f"speakers: none of {list(speakers)} is quoted, mentioned or "
                                 "framing in the selected sources")
    if "speakers" in out:
        _recount_speakers(out)

    meta = dict(tables.meta)
    meta["selection"] = {"date_from": date_from.isoformat() if date_from else None,
                         "date_to": date_to.isoformat() if date_to else None,
                         "outlets": list(outlets), "speakers": list(speakers),
                         "language": language}
    return Tables(out, meta=meta)


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`select`.

    ``nkhr.select`` is both this module (Python sets the package attribute
    when the module is imported) and the function the package exports; making
    the module callable keeps ``nkhr.select(tables, ...)`` working either way.
    """

    def __call__(self, *args, **kwargs) -> Tables:
        return select(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
