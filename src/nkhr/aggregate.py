"""Counts, matrices and keyword-in-context views over analyzed tables.

Pure functions over a :class:`~nkhr.tables.Tables` (or any mapping of table
name -> DataFrame): they never change their input and always return rows in
the same order for the same tables.

Every count can be grouped by these keys (the ``by`` argument):

- ``source_id``, ``speaker`` (canonical name, or ``NARRATOR`` for the
  reporter's own sentences), ``theme`` / ``frame``: columns of the row;
- ``outlet``: the source's outlet (``sources``), ``"unknown"`` when missing;
- ``month``: the source's publication month, ``YYYY-MM`` (``"undated"`` when
  the date is unknown); months sort chronologically, ``undated`` last;
- ``role_category``: the speaker's category in ``speakers`` (joined by name);
  the reporter is :data:`NARRATOR_ROLE`, a name missing from ``speakers`` is
  ``"other"``.

Long tables have one row per group and count columns (``n_matches``,
``n_sentences``, ``n_sources``, ``n_quotes``); matrices have the groups as
rows and themes, frames or sources as columns, zeros included. Frame matrices
always have the six frame columns in the guidelines' order.

:func:`kwic` shows a theme's matches, or any term (same syntax as the
codebooks: word, phrase, glob, Korean, ``/regex/``), with their context.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codebooks import FRAME_LABELS, TermMatcher, compile_term
from .errors import CodebookError, ParameterError
from .schemas import NARRATOR

NARRATOR_ROLE = "reporter"
UNKNOWN_OUTLET = "unknown"
UNDATED = "undated"
KEYS = ("source_id", "outlet", "month", "speaker", "role_category")


# --------------------------------------------------------------------------- joins

def _table(tables, name: str) -> pd.DataFrame:
    try:
        return tables[name]
    except KeyError:
        raise ParameterError(f"these tables have no {name!r} table (have: {sorted(tables)}); "
                             f"run nkhr.analyze first") from None


def _source_keys(tables) -> pd.DataFrame:
    """source_id -> outlet, published, month (plain object columns)."""
    src = _table(tables, "sources")
    out = pd.DataFrame({"source_id": src["source_id"].astype(object)})
    out["outlet"] = src["outlet"].astype(object).where(src["outlet"].notna(), UNKNOWN_OUTLET)
    published = pd.to_datetime(src["published"].astype(object), errors="coerce")
    out["published"] = published.dt.date.astype(object).where(published.notna(), None)
    out["month"] = published.dt.strftime("%Y-%m").astype(object).where(published.notna(), UNDATED)
    return out


def role_of(tables) -> dict[str, str]:
    """Speaker name -> role category (the reporter, NARRATOR, is :data:`NARRATOR_ROLE`)."""
    roles = {NARRATOR: NARRATOR_ROLE}
    if "speakers" in tables:
        sp = tables["speakers"]
        roles.update(zip(sp["name"].astype(object), sp["role_category"].astype(object), strict=True))
    return roles


def with_keys(tables, name: str) -> pd.DataFrame:
    """Table `name` with the grouping keys added: outlet, published, month, role_category."""
    df = _table(tables, name)
    out = df.copy()
    for col in df.columns:
        if isinstance(df[col].dtype, pd.StringDtype):
            out[col] = df[col].astype(object).where(df[col].notna(), None)
    out = out.merge(_source_keys(tables), on="source_id", how="left", sort=False)
    out["outlet"] = out["outlet"].fillna(UNKNOWN_OUTLET)
    out["month"] = out["month"].fillna(UNDATED)
    if "speaker" in out.columns:
        roles = role_of(tables)
        out["role_category"] = [roles.get(s, "other") if s else "other" for s in out["speaker"]]
    return out


def _order_keys(values, by: str) -> list:
    """Deterministic order of group keys: months chronologically (undated last), else by name."""
    vals = sorted({str(v) for v in values})
    if by == "month" and UNDATED in vals:
        vals = [v for v in vals if v != UNDATED] + [UNDATED]
    return vals


def _check_by(by: str, allowed) -> None:
    if by not in allowed:
        raise ParameterError(f"by={by!r}: group by one of {', '.join(allowed)}")


def _counts(df: pd.DataFrame, by: str, what: str, aggs: dict) -> pd.DataFrame:
    """Long counts of `df` per (`by`, `what`); `aggs`: column name -> (source column, function)."""
    if df.empty:
        return pd.DataFrame({by: pd.Series(dtype=object), what: pd.Series(dtype=object),
                             **{c: pd.Series(dtype="int64") for c in aggs}})
    df = df.assign(_sentence=df["source_id"].astype(str) + "/" + df["sent_id"].astype(str))
    out = df.groupby([by, what], sort=False, dropna=False).agg(**aggs).reset_index()
    out[by] = pd.Categorical(out[by].astype(str), categories=_order_keys(out[by], by), ordered=True)
    out = out.sort_values([by, what], kind="stable", ignore_index=True)
    out[by] = out[by].astype(object)
    return out.astype({c: "int64" for c in aggs})


def _matrix(long: pd.DataFrame, by: str, what: str, value: str, columns=None) -> pd.DataFrame:
    if long.empty:
        m = pd.DataFrame(0, index=pd.Index([], name=by, dtype=object),
                         columns=list(columns or []), dtype="int64")
    else:
        m = long.pivot_table(index=by, columns=what, values=value, aggfunc="sum", fill_value=0)
        m = m.reindex(_order_keys(m.index, by))
        if columns is None:
            totals = m.sum(axis=0)
            columns = sorted(m.columns, key=lambda c: (-int(totals[c]), str(c)))
        m = m.reindex(columns=list(columns), fill_value=0).astype("int64")
    m.index.name, m.columns.name = by, what
    return m


# --------------------------------------------------------------------------- themes

_THEME_UNITS = {"n_matches": ("start", "size"), "n_sentences": ("_sentence", "nunique"),
                "n_sources": ("source_id", "nunique")}


def theme_counts(tables, by: str = "source_id") -> pd.DataFrame:
    """Theme matches per group: columns ``BY, theme, n_matches, n_sentences, n_sources``.

    `by`: source_id, outlet, month, speaker or role_category. Rows sorted by
    group (months chronologically), then theme.
    """
    _check_by(by, KEYS)
    return _counts(with_keys(tables, "themes"), by, "theme", _THEME_UNITS)


def theme_matrix(tables, by: str = "outlet", value: str = "n_matches") -> pd.DataFrame:
    """Groups (rows) × themes (columns) of `value` (n_matches, n_sentences or n_sources);
    themes ordered by total, then name."""
    return _matrix(theme_counts(tables, by), by, "theme", value)


# --------------------------------------------------------------------------- frames

_FRAME_UNITS = {"n_sentences": ("_sentence", "nunique"), "n_sources": ("source_id", "nunique")}


def frame_counts(tables, by: str = "speaker") -> pd.DataFrame:
    """Framed sentences per group and frame: columns ``BY, frame, n_sentences, n_sources``.

    `by`: speaker, role_category, outlet, month or source_id. A sentence with
    two frames counts once for each.
    """
    _check_by(by, KEYS)
    return _counts(with_keys(tables, "frames"), by, "frame", _FRAME_UNITS)


def frame_matrix(tables, by: str = "role_category", value: str = "n_sentences") -> pd.DataFrame:
    """Groups (rows) × the six frames (columns, guidelines' order), zeros included."""
    return _matrix(frame_counts(tables, by), by, "frame", value, columns=FRAME_LABELS)


def speaker_frame_matrix(tables, include_narrator: bool = True, top: int | None = None) -> pd.DataFrame:
    """Speakers (rows) × frames (columns): framed sentences. Rows ordered by total (most
    first), then name; `top` keeps the first rows; the reporter is the ``NARRATOR`` row."""
    m = frame_matrix(tables, by="speaker")
    if not include_narrator:
        m = m.drop(index=[NARRATOR], errors="ignore")
    totals = m.sum(axis=1)
    order = sorted(m.index, key=lambda s: (-int(totals[s]), str(s)))
    m = m.loc[order[:top] if top else order]
    m.index.name = "speaker"
    return m


def frame_sentences(tables, speaker: str | None = None, frame: str | None = None,
                    role_category: str | None = None, outlet: str | None = None,
                    month: str | None = None) -> pd.DataFrame:
    """The frame rows behind a cell of the counts above, with their keys, in text order.

    Columns: source_id, sent_id, start, end, outlet, published, month, speaker,
    role_category, frame, sentence, evidence. Each filter that is given must
    hold (speaker compared case-insensitively; ``NARRATOR`` for the reporter).
    """
    if frame is not None and frame not in FRAME_LABELS:
        raise ParameterError(f"frame={frame!r}: one of {', '.join(FRAME_LABELS)}")
    df = with_keys(tables, "frames")
    if speaker is not None:
        df = df[df["speaker"].astype(str).str.casefold() == str(speaker).casefold()]
    for col, want in (("frame", frame), ("role_category", role_category), ("outlet", outlet),
                      ("month", month)):
        if want is not None:
            df = df[df[col] == want]
    cols = ["source_id", "sent_id", "start", "end", "outlet", "published", "month", "speaker",
            "role_category", "frame", "sentence", "evidence"]
    return df.sort_values(["source_id", "start", "frame"], kind="stable", ignore_index=True)[cols]


# --------------------------------------------------------------------------- quotes

def _quotes(tables, include_unattributed: bool) -> pd.DataFrame:
    q = with_keys(tables, "quotes")
    if include_unattributed:
        q["speaker"] = q["speaker"].fillna("(unattributed)")
        q.loc[q["speaker"] == "(unattributed)", "role_category"] = "unattributed"
    else:
        q = q[q["speaker"].notna()]
    return q


def quotes_per_speaker(tables, include_unattributed: bool = False) -> pd.DataFrame:
    """One row per speaker: ``speaker, role_category, n_quotes, n_sources``, most quoted first."""
    q = _quotes(tables, include_unattributed)
    if q.empty:
        return pd.DataFrame({"speaker": [], "role_category": [], "n_quotes": [], "n_sources": []})
    g = q.groupby(["speaker", "role_category"], sort=False)
    out = pd.DataFrame({"n_quotes": g.size(), "n_sources": g["source_id"].nunique()}).reset_index()
    return out.sort_values(["n_quotes", "speaker"], ascending=[False, True], kind="stable",
                           ignore_index=True)


def quotes_per_role(tables, include_unattributed: bool = False) -> pd.DataFrame:
    """One row per role category: ``role_category, n_quotes, n_speakers, n_sources``."""
    q = _quotes(tables, include_unattributed)
    if q.empty:
        return pd.DataFrame({"role_category": [], "n_quotes": [], "n_speakers": [], "n_sources": []})
    g = q.groupby("role_category", sort=False)
    out = pd.DataFrame({"n_quotes": g.size(), "n_speakers": g["speaker"].nunique(),
                        "n_sources": g["source_id"].nunique()}).reset_index()
    return out.sort_values(["n_quotes", "role_category"], ascending=[False, True], kind="stable",
                           ignore_index=True)


def speaker_source_matrix(tables, by: str = "source_id", top: int | None = None) -> pd.DataFrame:
    """Speakers (rows, most quoted first) × sources (columns; or outlets or months with `by`):
    attributed quotes."""
    _check_by(by, ("source_id", "outlet", "month"))
    q = _quotes(tables, False)
    long = (q.groupby(["speaker", by], sort=False).size().rename("n_quotes").reset_index()
            if len(q) else pd.DataFrame({"speaker": [], by: [], "n_quotes": []}))
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="speaker"), dtype="int64")
    m = long.pivot_table(index="speaker", columns=by, values="n_quotes", aggfunc="sum", fill_value=0)
    m = m.reindex(columns=_order_keys(m.columns, by), fill_value=0).astype("int64")
    totals = m.sum(axis=1)
    order = sorted(m.index, key=lambda s: (-int(totals[s]), str(s)))
    m = m.loc[order[:top] if top else order]
    m.index.name, m.columns.name = "speaker", by
    return m


# --------------------------------------------------------------------------- kwic

def _context(text: str) -> str:
    return " ".join(text.split())


def _is_theme(themes: pd.DataFrame | None, name: str) -> pd.Series | None:
    if themes is None or themes.empty:
        return None
    theme = themes["theme"].astype(str)
    mask = (theme == name) | theme.str.startswith(name.rstrip("/") + "/")
    return mask if mask.any() else None


def _pattern_hits(tables, pattern: str, kinds) -> pd.DataFrame:
    try:
        term = compile_term(pattern, "kwic", "kwic pattern", None)
    except CodebookError as e:
        raise ParameterError(f"kwic: {str(e).split(': ', 1)[-1]}") from None
    matcher = TermMatcher([term], ["kwic"])
    sentences = _table(tables, "sentences")
    rows = []
    for src in _table(tables, "sources").itertuples():
        hits = matcher.find(src.text)
        if not hits:
            continue
        s = sentences[sentences["source_id"] == src.source_id]
        starts = s["start"].to_numpy()
        idx = np.searchsorted(starts, [h[0] for h in hits], side="right") - 1
        for (start, end, _), i in zip(hits, idx, strict=True):
            if i < 0 or end > s["end"].iat[i] or s["kind"].iat[i] not in kinds:
                continue
            rows.append((src.source_id, s["sent_id"].iat[i], start, end, None, term.text))
    return pd.DataFrame(rows, columns=["source_id", "sent_id", "start", "end", "theme", "term"])


def _quote_speaker(tables, hits: pd.DataFrame) -> list[str]:
    """The speaker of the quote each hit sits in, else NARRATOR."""
    quotes = tables.get("quotes")
    out = []
    by_source = ({sid: g for sid, g in quotes.groupby("source_id", sort=False)}
                 if quotes is not None and len(quotes) else {})
    for sid, start in zip(hits["source_id"], hits["start"], strict=True):
        g = by_source.get(sid)
        inside = None if g is None else g[(g["start"] <= start) & (start < g["end"])
                                          & g["speaker"].notna()]
        out.append(str(inside["speaker"].iat[0]) if inside is not None and len(inside) else NARRATOR)
    return out


def kwic(tables, pattern_or_theme: str, window: int = 60, *, source_id: str | None = None,
         speaker: str | None = None, kinds=("title", "heading", "body")) -> pd.DataFrame:
    """Keyword in context: every match with `window` characters on each side.

    `pattern_or_theme`: a theme of the ``themes`` table (its name, or a
    category path prefix of a quanteda dictionary) shows that theme's
    matches; anything else is read as a term in the codebooks' syntax (a
    word, a phrase, a glob ``repatriat*``, a Korean term matched inside
    words, or ``/regex/``) and searched in every source's sentences of
    `kinds`. `source_id` and `speaker` filter the rows.

    Columns: source_id, sent_id, start, end, left, match, right, theme, term,
    speaker, outlet, published. For a theme, ``speaker`` is the themes
    table's; for a term, the speaker of the quote the match sits in, else
    ``NARRATOR``. Whitespace in the context is collapsed to single spaces.
    """
    if not isinstance(pattern_or_theme, str) or not pattern_or_theme.strip():
        raise ParameterError("kwic: give a theme name or a term to search for")
    if window < 0:
        raise ParameterError(f"kwic: window={window} must be 0 or more characters")
    themes = tables.get("themes")
    mask = _is_theme(themes, pattern_or_theme)
    if mask is not None:
        hits = themes[mask][["source_id", "sent_id", "start", "end", "theme", "term", "speaker"]]
        hits = hits.astype({c: object for c in ("source_id", "sent_id", "theme", "term", "speaker")})
    else:
        hits = _pattern_hits(tables, pattern_or_theme, set(kinds))
        hits["speaker"] = _quote_speaker(tables, hits)
    if source_id is not None:
        hits = hits[hits["source_id"] == source_id]
    if speaker is not None:
        hits = hits[hits["speaker"].astype(str).str.casefold() == str(speaker).casefold()]
    texts = dict(zip(_table(tables, "sources")["source_id"], _table(tables, "sources")["text"],
                     strict=True))
    left, match, right = [], [], []
    for sid, start, end in zip(hits["source_id"], hits["start"], hits["end"], strict=True):
        text = texts[sid]
        left.append(_context(text[max(0, start - window):start]))
        match.append(_context(text[start:end]))
        right.append(_context(text[end:end + window]))
    out = hits.assign(left=left, match=match, right=right)
    out = out.merge(_source_keys(tables)[["source_id", "outlet", "published"]], on="source_id",
                    how="left", sort=False)
    cols = ["source_id", "sent_id", "start", "end", "left", "match", "right", "theme", "term",
            "speaker", "outlet", "published"]
    return out.sort_values(["source_id", "start", "end", "term"], kind="stable",
                           ignore_index=True)[cols]
