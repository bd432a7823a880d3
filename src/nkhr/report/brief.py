"""The brief's content: pure functions from analyzed :class:`~nkhr.tables.Tables` to Markdown.

Each function returns one section's Pandoc Markdown (or, for the ``*_rows``
helpers, the DataFrame behind it). Every piece of text that comes from an
article (quotes, titles, names, roles, outlets, URLs) goes through
:mod:`nkhr.report.markdown`, so it reaches the HTML and the PDF as literal
text. Numbers are computed here from the tables, never typed by hand, and
rows are ordered deterministically, so the same tables always give the same
Markdown. Themes, frames and role categories are named as readers name them
(:mod:`nkhr.report.labels`); codebook ids stay in the tables.

Counting speech: a *quote* is a full quote (a sentence or more of speech) or a
partial quote attributed to a speaker; a quoted phrase nobody is reported as
saying (a title, a term, a scare quote) is not speech and is not counted.
When two leaders have the same count, the brief says they are tied.

Sections, in the order the brief shows them:

- :func:`scope` what the brief covers, in a sentence;
- :func:`key_findings` the headline numbers, as sentences;
- :func:`who_speaks` speakers with role and quote counts;
- :func:`speaker_frame_table` the speaker x frame matrix;
- :func:`frame_quotes` for each frame, its most representative sentences, cited;
- :func:`korean_passages` Korean-language sentences that carry themes, with speaker, cited;
- :func:`sources_table` the articles;
- :func:`methods` how the tables were made and how accurate they are known to be;
- :func:`provenance` (appendix) versions, hashes, codebooks and parameters, abbreviated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .. import __version__, aggregate, schemas
from .. import provenance as prov
from ..codebooks import FRAME_LABELS
from ..tables import Tables
from . import labels as _labels
from . import markdown as md

#: What the brief's notebook parameters mean, for the provenance appendix.
SETTINGS = {"top_n": "speakers in the table", "quotes_per_frame": "sentences per frame",
            "korean_n": "Korean passages"}
#: `nkhr evaluate` measures as the methods table names them, in the order it shows them.
MEASURES = {
    "quotes": "Quotes found",
    "quotes_e2e": "Quotes found with the right speaker",
    "attribution_accuracy": "Found quotes with the right speaker",
    "speaker_clustering": "Quotes of one person joined (pairs)",
    "role_category_accuracy": "Speakers in the right role category",
    "frame_sentence": "Framing sentences found",
    "frame_label": "Frame labels of found sentences",
    "frame_label_e2e": "Frame labels, all sentences",
    "frame_speaker_accuracy": "Framing sentences with the right speaker",
}
#: Measures that repeat another's F1 (shown once, with the other).
_REPEATS = {"frame_label_micro_f1": "frame_label", "frame_label_e2e_f1": "frame_label_e2e"}
# The command that adds accuracy to a brief, as literal text ("--" stays two hyphens).
RUN_WITH_GOLD = md.strong("nkhr run --gold YOUR_FOLDER")
# How a Korean (or any) sentence may end: closing punctuation, or a Korean final ending.
_SENTENCE_END = re.compile(r"(?:[.!?。？！…]|[다요까죠])[\"'”’」』)\]]*\s*$")


# --------------------------------------------------------------------------- helpers

def _n(count: int, one: str, many: str | None = None) -> str:
    """'1 quote', '3 quotes'."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _and(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _table(tables: Mapping, name: str) -> pd.DataFrame:
    df = tables.get(name)
    return df if df is not None else schemas.empty(name)


def _labels_of(tables, labels) -> _labels.Labels:
    return labels if labels is not None else _labels.of(tables)


def _date(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _source_index(tables: Mapping) -> dict[str, dict]:
    src = _table(tables, "sources")
    cols = ["source_id", "outlet", "published", "title", "url"]
    return {r["source_id"]: r for r in src[cols].to_dict("records")}


def _leaders(counts: pd.Series) -> list:
    """The keys of `counts` with its largest value (all of them when tied), in its order."""
    top = counts.max()
    return [k for k, v in counts.items() if v == top]


def cite(source: Mapping) -> str:
    """Markdown citing one source row: outlet, title (linked to the article), date, source id.

    Every part is escaped; the title links only to an http(s) URL (see
    :func:`nkhr.report.markdown.link`); another address is shown, never
    linked. A part the catalog does not know is left out here: the sources
    list says once which articles are undated.
    """
    outlet = md.escape(source.get("outlet")) or "Unknown outlet"
    title, url = source.get("title"), source.get("url")
    parts = [outlet]
    if isinstance(title, str) and title.strip():
        parts.append(f"“{md.link(title, url) if md.safe_url(url) else md.escape(title)}”")
    elif md.safe_url(url):
        parts.append(md.link("article", url))
    date = _date(source.get("published"))
    if date:
        parts.append(md.escape(date))
    if url is not None and not pd.isna(url) and str(url).strip() and not md.safe_url(url):
        parts.append(f"address not linked: {md.escape(url)}")
    return ", ".join(parts) + f" (source {md.escape(source.get('source_id'))})"


def sources_table(tables: Mapping, limit: int = 40) -> str:
    """The articles behind the brief: outlet, date (or "undated"), title (linked when the URL is
    http(s)), source id."""
    src = _table(tables, "sources")
    if src.empty:
        return "No article."
    rows = []
    for r in src.sort_values(["outlet", "published", "source_id"], na_position="last").head(limit).itertuples():
        title = r.title if isinstance(r.title, str) and r.title.strip() else "(no title recorded)"
        shown = md.link(title, r.url) if md.safe_url(r.url) else title
        rows.append((r.outlet if isinstance(r.outlet, str) else "", _date(r.published) or "undated",
                     shown, r.source_id))
    note = f" (the first {limit} of {len(src):,})" if len(src) > limit else ""
    return md.table(["Outlet", "Published", "Title", "Source id"], rows, widths=[22, 15, 38, 25],
                    caption=f"Articles analyzed{note}; titles link to the article when its address is recorded.")


# --------------------------------------------------------------------------- scope

def scope(tables: Mapping, params=None, corpus_name: str | None = None,
          build_date: str | None = None) -> str:
    """What the brief covers, in words: articles, outlets, dates, the selection, the build date.

    `params` is a :class:`nkhr.params.Params` (or None); `corpus_name` names the
    corpus for readers (default: the corpus folder's name). The notebook's
    parameters are listed in the provenance appendix, not here.
    """
    src = _table(tables, "sources")
    dates = src["published"].dropna()
    outlets = sorted(src["outlet"].dropna().unique())
    name = corpus_name or (params.corpus.name if params is not None else None) or "corpus"
    text = f"This brief analyses {_n(len(src), 'news article')} from {_n(len(outlets), 'outlet')}"
    if outlets:
        text += " (" + ", ".join(md.escape(o) for o in outlets) + ")"
    undated = len(src) - len(dates)
    if len(dates):
        span = (f"published between {_date(dates.min())} and {_date(dates.max())}"
                if dates.min() != dates.max() else f"published on {_date(dates.min())}")
        if undated:
            span = f"{_n(len(dates), 'article')} {span}, {_n(undated, 'article')} undated"
        text += f"; {span}"
    elif len(src):
        text += "; none of them states a publication date"
    lines = [text + ".", "", f"The articles come from the corpus {md.strong(name)}: "
             + (selection_words(params) or "every article in it is included") + "."]
    if build_date:
        lines += ["", f"Built on {md.escape(build_date)}."]
    return "\n".join(lines)


def selection_words(params=None) -> str:
    """The selection `params` made, in words ("only articles published from ... in Korean"),
    or "" when everything is included."""
    if params is None:
        return ""
    parts = []
    if params.date_from or params.date_to:
        parts.append("published " + (f"from {_date(params.date_from)} " if params.date_from else "")
                     + (f"to {_date(params.date_to)}" if params.date_to else "onwards").strip())
    if params.outlets:
        parts.append("from " + _and([md.escape(o) for o in params.outlets]))
    if params.speakers:
        parts.append("quotes and framing by " + _and([md.escape(s) for s in params.speakers]))
    if params.language != "all":
        parts.append("text in " + {"en": "English", "ko": "Korean"}.get(params.language, params.language))
    return ("only articles " + "; ".join(parts)) if parts else ""


def corpus_label(tables: Mapping, params=None, name: str | None = None) -> str:
    """How the brief names its corpus: `name`, else the ``corpus_name`` parameter, else the
    folder the tables were analyzed from (``meta["corpus"]``), else the corpus parameter's folder."""
    extra = getattr(params, "extra", {}) or {}
    for candidate in (name, extra.get("corpus_name")):
        if candidate:
            return str(candidate)
    meta = getattr(tables, "meta", {}) or {}
    recorded = meta.get("corpus")
    if recorded:
        parts = [x for x in str(recorded).replace("\\", "/").split("/") if x and x != "."]
        return "/".join(parts[-2:]) if parts else "corpus"
    return params.corpus.name if params is not None else "corpus"


def gold_scores(gold, tables: Mapping) -> dict | None:
    """`nkhr evaluate` scores of `tables` against gold folder `gold`, or None when `gold` is empty."""
    if not gold:
        return None
    from ..scoring import evaluate

    return evaluate(gold, tables)


# --------------------------------------------------------------------------- findings

def speech(tables: Mapping) -> pd.DataFrame:
    """The quotes that count as speech: full quotes, and partial quotes attributed to a speaker."""
    q = _table(tables, "quotes")
    return q[(q["kind"] == "full") | q["speaker_id"].notna()]


def key_findings(tables: Mapping, labels=None) -> str:
    """Four to six sentences with the brief's headline numbers, as a bullet list."""
    lab = _labels_of(tables, labels)
    src, q, sp = _table(tables, "sources"), _table(tables, "quotes"), _table(tables, "speakers")
    th, fr, se = _table(tables, "themes"), _table(tables, "frames"), _table(tables, "sentences")
    said = speech(tables)
    out = []
    full = int((said["kind"] == "full").sum())
    attributed = int(said["speaker_id"].notna().sum())
    n_speakers = int(said["speaker_id"].dropna().nunique())
    s = f"The {_n(len(src), 'article')} report {_n(len(said), 'quote')}"
    if full and len(said) - full:
        s += (f": {_n(full, 'full quote')} and {_n(len(said) - full, 'partial quote')} woven "
              "into the reporter's sentences")
    s += (f"; {attributed:,} ({_pct(attributed, len(said))}) are attributed to "
          f"{_n(n_speakers, 'named speaker')}.")
    terms = len(q) - len(said)
    if terms:
        s += (f" {_n(terms, 'quoted phrase')} that nobody is reported as saying (a title, a term, "
              "a scare quote) " + ("is" if terms == 1 else "are") + " not counted.")
    out.append(s)
    roles = aggregate.quotes_per_role(tables)
    if len(roles):
        counts = roles.set_index("role_category")["n_quotes"]
        top = _leaders(counts)
        n = int(counts[top[0]])
        if len(top) == 1:
            row = roles.iloc[0]
            s = (f"{md.escape(lab.role(top[0]))} are quoted most: {_n(n, 'quote')} "
                 f"({_pct(n, attributed)} of attributed quotes) from {_n(int(row.n_speakers), 'speaker')}")
            rest = roles[roles["role_category"] != top[0]]
            if len(rest):
                nxt = rest.iloc[0]
                s += (f"; {md.escape(lab.role(nxt.role_category)).lower()} follow with "
                      f"{_n(int(nxt.n_quotes), 'quote')} ({_pct(int(nxt.n_quotes), attributed)})")
        else:
            s = (f"{_and([md.escape(lab.role(r)) for r in top])} are tied as the most quoted "
                 f"groups, with {_n(n, 'quote')} each ({_pct(n, attributed)} of attributed quotes)")
        out.append(s + ".")
    quoted = sp[sp["n_quotes"] > 0].sort_values(["n_quotes", "n_sources", "name"],
                                               ascending=[False, False, True])
    if len(quoted):
        top = quoted[quoted["n_quotes"] == quoted["n_quotes"].max()]
        n = int(top["n_quotes"].iloc[0])
        if len(top) == 1:
            r = top.iloc[0]
            role = f" ({md.escape(r.role)})" if isinstance(r.role, str) and r.role else ""
            out.append(f"The most quoted speaker is {md.strong(r['name'])}{role}, with "
                       f"{_n(n, 'quote')} in {_n(int(r.n_sources), 'article')}.")
        else:
            out.append(f"{_and([md.strong(x) for x in top['name']])} are tied as the most quoted "
                       f"speakers, with {_n(n, 'quote')} each.")
    if len(fr):
        n_sent = fr[["source_id", "sent_id"]].drop_duplicates().shape[0]
        counts = fr.groupby("frame", observed=True).size().reindex(
            [f for f in FRAME_LABELS if f in set(fr["frame"])] + sorted(set(fr["frame"]) - set(FRAME_LABELS)))
        top = _leaders(counts)
        n = int(counts[top[0]])
        names = [f"“{md.escape(lab.frame(f))}”" for f in top]
        common = (f"the most common frame is {names[0]} ({_n(n, 'sentence')})" if len(top) == 1 else
                  f"the most common frames are {_and(names)} (tied, {_n(n, 'sentence')} each)")
        voiced = fr[fr["speaker"] != schemas.NARRATOR]
        out.append(f"{_n(n_sent, 'sentence')} in {fr['source_id'].nunique():,} of the "
                   f"{_n(len(src), 'article')} link human rights to weapons programs or security; "
                   f"{common}, and {_pct(len(voiced), len(fr))} of frame labels are on sentences "
                   "voiced by a named speaker rather than the reporter.")
    else:
        out.append("No sentence in these articles links human rights to weapons programs "
                   "or security, by the frame codebook.")
    if len(th):
        c = (th.groupby("theme", observed=True).agg(n=("term", "size"), n_src=("source_id", "nunique"))
               .sort_values("n", ascending=False, kind="stable"))
        top = _leaders(c["n"])
        if len(top) == 1:
            out.append(f"The most frequent theme is {md.strong(lab.theme(top[0]))}: "
                       f"{_n(int(c.loc[top[0], 'n']), 'match', 'matches')} in "
                       f"{_n(int(c.loc[top[0], 'n_src']), 'article')}.")
        else:
            out.append(f"The most frequent themes are {_and([md.strong(lab.theme(t)) for t in top])} "
                       f"(tied, {_n(int(c.loc[top[0], 'n']), 'match', 'matches')} each).")
    ko = se[se["language"] == "ko"]
    if len(ko):
        out.append(f"{_n(len(ko), 'sentence')} in {_n(ko['source_id'].nunique(), 'article')} "
                   "are in Korean; they are analyzed alongside the English text.")
    return md.bullets(out)


# --------------------------------------------------------------------------- who speaks

def who_speaks_rows(tables: Mapping, top: int = 12) -> pd.DataFrame:
    """Speakers with at least one quote, most quoted first (ties by articles, then name)."""
    sp = _table(tables, "speakers")
    sp = sp[sp["n_quotes"] > 0]
    return sp.sort_values(["n_quotes", "n_sources", "name"], ascending=[False, False, True],
                          ignore_index=True).head(top)


def _short(text, limit: int = 60) -> str:
    if text is None or pd.isna(text):
        return ""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def who_speaks(tables: Mapping, top: int = 12, labels=None) -> str:
    """A table of the most quoted speakers: name, role, category, quotes, articles."""
    lab = _labels_of(tables, labels)
    rows = who_speaks_rows(tables, top)
    total = int((_table(tables, "speakers")["n_quotes"] > 0).sum())
    if rows.empty:
        return "No quote in these articles could be attributed to a named speaker."
    body = md.table(
        ["Speaker", "Role", "Category", "Quotes", "Articles"],
        [(r["name"], _short(r["role"]) or _short(r["affiliation"]), lab.role(r["role_category"]),
          int(r["n_quotes"]), int(r["n_sources"]))
         for _, r in rows.iterrows()],
        align=["l", "l", "l", "r", "r"])
    note = (f"The {_n(len(rows), 'most quoted speaker')} of {total:,} quoted"
            if total > len(rows) else f"All {_n(total, 'quoted speaker')}")
    return body + "\n\n: " + note + "; quotes are full quotes and partial quotes attributed to them."


# --------------------------------------------------------------------------- themes

def themes_note(tables: Mapping, top: int = 5, labels=None) -> str:
    """A sentence under the themes chart: the leading themes with their counts."""
    lab = _labels_of(tables, labels)
    th = _table(tables, "themes")
    if th.empty:
        return "No theme of the codebook matched in these articles."
    c = (th.groupby("theme", observed=True).agg(n=("term", "size"), n_src=("source_id", "nunique"))
           .reset_index().sort_values(["n", "theme"], ascending=[False, True]).head(top))
    items = ", ".join(f"{md.escape(lab.theme(r.theme))} ({r.n:,} in {_n(int(r.n_src), 'article')})"
                      for r in c.itertuples())
    return (f"Theme matches per outlet ({_n(len(th), 'match', 'matches')} of "
            f"{_n(th['theme'].nunique(), 'theme')}). Leading themes: {items}.")


def frames_note(tables: Mapping, labels=None) -> str:
    """A sentence under the framing chart: who frames most, and how."""
    lab = _labels_of(tables, labels)
    fr = _table(tables, "frames")
    if fr.empty:
        return "No sentence links human rights to weapons programs or security in these articles."
    m = aggregate.frame_matrix(tables, by="role_category")
    totals = m.sum(axis=1)
    top = _leaders(totals.loc[sorted(m.index, key=lambda r: (-int(totals[r]), str(r)))])
    share = _pct(int(totals[top[0]]), int(totals.sum()))
    who = _and([md.escape("The reporter's own sentences" if r == aggregate.NARRATOR_ROLE
                          else lab.role(r)) for r in top])
    tie = " each (tied)" if len(top) > 1 else ""
    frame = m.loc[top[0]].idxmax()
    return (f"Framing sentences by who voices them. {who} account for {share} of frame "
            f"labels{tie}, most often “{md.escape(lab.frame(frame))}”. The table counts, for each "
            "speaker, the sentences carrying each frame.")


# --------------------------------------------------------------------------- frames

def speaker_frame_table(tables: Mapping, top: int = 10, labels=None) -> str:
    """The speaker x frame matrix (:func:`nkhr.aggregate.speaker_frame_matrix`) as a table:
    framing sentences per speaker (the `top` speakers; the reporter is one row) and frame."""
    lab = _labels_of(tables, labels)
    m = aggregate.speaker_frame_matrix(tables, top=top)
    m = m.loc[:, m.sum(axis=0) > 0]  # only the frames that occur
    if m.empty:
        return "No framing sentence to tabulate."
    header = ["Speaker"] + [lab.frame(c) for c in m.columns] + ["Total"]
    rows = [[lab.speaker(name)] + [int(v) if v else "·" for v in m.loc[name]]
            + [int(m.loc[name].sum())] for name in m.index]
    # names on one line; the frames' names wrap in their narrower columns
    return md.table(header, rows, align=["l"] + ["r"] * (len(header) - 1),
                    widths=[18] + [12] * len(m.columns) + [7],
                    caption="Sentences per speaker and frame (a sentence can carry several frames).")


def representative_rows(tables: Mapping, per_frame: int = 2) -> pd.DataFrame:
    """For each frame, its most representative sentences.

    A sentence represents a frame better when a named speaker says it (not the
    reporter), when more of the frame's cues fired in it, and when it reads on
    its own (40 to 400 characters). At most one sentence per source and
    frame, so one article cannot fill a frame. Returns the rows of
    :func:`nkhr.aggregate.frame_sentences` (plus ``n_cues``) in the codebook's
    frame order (:data:`nkhr.codebooks.FRAME_LABELS`).
    """
    if _table(tables, "frames").empty:
        return aggregate.frame_sentences(tables).assign(n_cues=pd.Series(dtype="int64"))
    df = aggregate.frame_sentences(tables)
    df["n_cues"] = df["evidence"].fillna("").map(lambda e: len([c for c in e.split(";") if c.strip()]))
    df["_voiced"] = (df["speaker"] != schemas.NARRATOR).astype(int)
    length = df["sentence"].str.len()
    df["_readable"] = ((length >= 40) & (length <= 400)).astype(int)
    df["_rank_frame"] = df["frame"].map({f: i for i, f in enumerate(FRAME_LABELS)}).fillna(len(FRAME_LABELS))
    df = df.sort_values(["_rank_frame", "frame", "_voiced", "_readable", "n_cues", "source_id", "start"],
                        ascending=[True, True, False, False, False, True, True], kind="stable")
    df = df.drop_duplicates(["frame", "source_id"])
    df = df.groupby("frame", sort=False, observed=True).head(per_frame)
    return df.drop(columns=["_voiced", "_readable", "_rank_frame"]).reset_index(drop=True)


_OPEN_CLOSE = (("\u201c", "\u201d"), ("\u2018", "\u2019"))


def balance_quotes(text: str) -> str:
    """`text` with a quotation mark opened at the start when the sentence closes one it never opened.

    A sentence that starts inside a quotation ends with ``..."`` and has no
    opening mark (the mark stands just before the sentence in the article);
    shown alone it reads as a stray mark. Only the display changes.
    """
    if not text:
        return text
    if text.count('"') % 2 == 1 and text.rstrip().endswith(('"', '."', ',"', '?"', '!"')) \
            and not text.lstrip().startswith('"'):
        return '"' + text
    for opening, closing in _OPEN_CLOSE[:1]:
        first_close, first_open = text.find(closing), text.find(opening)
        if first_close != -1 and (first_open == -1 or first_close < first_open):
            return opening + text
    return text


def _speaker_label(tables: Mapping, name) -> str:
    """'**Name**, role' for a speaker; 'the reporter' for the article's own text."""
    if name == schemas.NARRATOR or name is None or pd.isna(name):
        return "the reporter"
    sp = _table(tables, "speakers")
    hit = sp[sp["name"] == name]
    if len(hit):
        role = hit.iloc[0]["role"]
        if isinstance(role, str) and role.strip():
            return f"{md.strong(name)}, {md.escape(_short(role, 80))}"
    return md.strong(name)


def frame_quotes(tables: Mapping, per_frame: int = 2, labels=None) -> str:
    """For each frame that occurs: a subsection with its count and representative sentences.

    Each sentence is a block quote cited to its speaker, outlet, title, date and source id.
    """
    lab = _labels_of(tables, labels)
    rows = representative_rows(tables, per_frame)
    if rows.empty:
        return "No sentence links human rights to weapons programs or security in these articles."
    fr = _table(tables, "frames")
    counts = fr.groupby("frame", observed=True).agg(n=("sent_id", "size"),
                                                     n_src=("source_id", "nunique"))
    sources = _source_index(tables)
    parts = ["For each frame, the sentences that carry it best: those voiced by a named speaker "
             "first, then those where more of the frame's cues fired; at most one per article."]
    for frame, group in rows.groupby("frame", sort=False, observed=True):
        c = counts.loc[frame]
        parts.append(f"### {md.escape(lab.frame(frame))} "
                     f"({_n(int(c.n), 'sentence')} in {_n(int(c.n_src), 'article')})")
        for _, r in group.iterrows():
            attribution = (f"{_speaker_label(tables, r['speaker'])}; "
                           f"{cite(sources.get(r['source_id'], {'source_id': r['source_id']}))}")
            parts.append(md.blockquote(balance_quotes(r["sentence"]), attribution))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- Korean

def ends_sentence(text: str) -> bool:
    """Does `text` end where a sentence ends (closing punctuation, or a Korean final ending)?"""
    return bool(_SENTENCE_END.search(text or ""))


def sentence_speakers(tables: Mapping, rows: pd.DataFrame) -> list:
    """Who says each sentence of `rows` (sentences rows): the speaker of a quote inside it,
    else the speaker its theme matches were given, else ``NARRATOR`` (the reporter)."""
    q, th = _table(tables, "quotes"), _table(tables, "themes")
    q = q[q["speaker"].notna()]
    out = []
    for r in rows.itertuples():
        inside = q[(q["source_id"] == r.source_id) & (q["start"] < r.end) & (q["end"] > r.start)]
        voiced = th[(th["source_id"] == r.source_id) & (th["sent_id"] == r.sent_id)
                    & (th["speaker"] != schemas.NARRATOR)]
        out.append(inside["speaker"].iloc[0] if len(inside)
                   else voiced["speaker"].iloc[0] if len(voiced) else schemas.NARRATOR)
    return out


def korean_rows(tables: Mapping, n: int = 4) -> pd.DataFrame:
    """Korean body sentences, those carrying the most theme matches first.

    Only whole sentences (:func:`ends_sentence`) are taken while there are
    enough of them, so no passage stops mid-phrase. Returns sentences rows
    plus ``themes`` (the themes matched in the sentence, '; '-joined),
    ``n_matches`` and ``speaker`` (:func:`sentence_speakers`); ties keep
    document order.
    """
    se, th = _table(tables, "sentences"), _table(tables, "themes")
    ko = se[(se["language"] == "ko") & (se["kind"] == "body") & ~se["is_caption"]].copy()
    if ko.empty:
        return ko.assign(themes=pd.Series(dtype=str), n_matches=pd.Series(dtype="int64"),
                         speaker=pd.Series(dtype=str))
    hits = (th.groupby(["source_id", "sent_id"], observed=True)
              .agg(themes=("theme", lambda s: "; ".join(sorted(set(s)))), n_matches=("term", "size"))
              .reset_index())
    ko = ko.merge(hits, on=["source_id", "sent_id"], how="left")
    ko["n_matches"] = ko["n_matches"].fillna(0).astype("int64")
    ko["themes"] = ko["themes"].fillna("")
    ko["_whole"] = ko["text"].map(ends_sentence).astype(int)
    ko["_len_ok"] = (ko["text"].str.len() >= 15).astype(int)
    ko = ko.sort_values(["_whole", "n_matches", "_len_ok", "source_id", "start"],
                        ascending=[False, False, False, True, True], kind="stable")
    ko = ko.drop(columns=["_whole", "_len_ok"]).head(n).reset_index(drop=True)
    return ko.assign(speaker=sentence_speakers(tables, ko))


def korean_passages(tables: Mapping, n: int = 4, labels=None) -> str:
    """Korean-language sentences in the corpus that carry themes, with who says them, cited."""
    lab = _labels_of(tables, labels)
    se = _table(tables, "sentences")
    ko_all = se[se["language"] == "ko"]
    rows = korean_rows(tables, n)
    if rows.empty:
        return "No article in this selection has Korean-language body text."
    sources = _source_index(tables)
    intro = (f"{_n(len(ko_all), 'sentence')} in {_n(ko_all['source_id'].nunique(), 'article')} "
             "are in Korean. These carry the most theme matches (theme names in English and Korean):")
    parts = [intro]
    ko_lab = lab.in_language("ko")
    for _, r in rows.iterrows():
        themes = ("themes: " + "; ".join(f"{md.escape(lab.theme(t))} ({md.escape(ko_lab.theme(t))})"
                                         for t in r["themes"].split("; ")) if r["themes"]
                  else "no theme matched")
        parts.append(md.blockquote(r["text"], f"{_speaker_label(tables, r['speaker'])}; {themes}; "
                                   f"{cite(sources.get(r['source_id'], {'source_id': r['source_id']}))}"))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- methods

def _codebook_rows(meta: Mapping) -> list[tuple[str, str, str]]:
    """(codebook, version, sha256) for every codebook recorded in a Tables' meta.

    Reads ``meta["codebooks"]`` (name -> sha256, or name -> {version, sha256})
    and ``meta["codebook_versions"]`` (name -> version).
    """
    books = meta.get("codebooks") or {}
    known = meta.get("codebook_versions") or {}
    rows = []
    for name in sorted(books):
        info = books[name]
        if isinstance(info, Mapping):
            version, sha = info.get("version"), info.get("sha256")
        else:
            version, sha = known.get(name), info
        rows.append((str(name), "" if version is None else str(version), str(sha or "")))
    return rows


def scores_table(scores: Mapping) -> str:
    """`nkhr evaluate` scores as a table: precision, recall and F1 per task, then accuracies.

    `scores` is the dict :func:`nkhr.evaluate` returns: a task maps to a dict
    with ``precision``/``recall``/``f1`` (``tp``/``fp``/``fn`` give the gold
    count), a measure maps to a number; error lists are left out. Measures are
    named in words (:data:`MEASURES`).
    """
    rows = []
    order = {k: i for i, k in enumerate(MEASURES)}
    for key in sorted(scores, key=lambda k: (order.get(k, len(order)), k)):
        val = scores[key]
        name = MEASURES.get(key, _labels.words(key))
        if isinstance(val, Mapping) and "f1" in val:
            n_gold = val.get("tp", 0) + val.get("fn", 0) if "tp" in val else ""
            rows.append((name, f"{val.get('precision', 0):.2f}", f"{val.get('recall', 0):.2f}",
                         f"{val['f1']:.2f}", n_gold))
        elif (isinstance(val, int | float) and not isinstance(val, bool)
              and _REPEATS.get(key) not in scores):
            rows.append((name, "", "", f"{val:.2f}", ""))
    return md.table(["Measure", "Precision", "Recall", "F1 / accuracy", "Gold items"], rows,
                    align=["l", "r", "r", "r", "r"])


def gold_kind(gold) -> str:
    """"development" for a gold folder of this project's ``tests/gold`` (the articles the rules
    were developed on), "independent" for any other, "" for none."""
    if not gold:
        return ""
    path = Path(gold).expanduser().resolve()
    return ("development" if any(path.is_relative_to(r / "tests" / "gold") for r in _roots())
            else "independent")


def methods(tables: Mapping, scores: Mapping | None = None, gold=None) -> str:
    """How the numbers were made, and what is known of their accuracy.

    With `scores` from a development gold set (:func:`gold_kind`) the table is
    labelled as such; with a researcher's own gold it is the accuracy on that
    annotation; with none the brief says accuracy was not measured and how to
    measure it.
    """
    text = [
        "Articles are decoded, cleaned of page furniture and split into paragraphs and sentences. "
        "Quotes are the spans inside quotation marks; each is attributed to a speaker by its cue "
        "(a speech verb, a colon, *according to*) and the nearest name, title or pronoun, and "
        "names are resolved across articles into one speaker with a role category. A quote is "
        "counted as speech when it is a full quote, or a partial quote attributed to a speaker. "
        "Themes are matched with a dictionary codebook; frames, the ways a sentence links human "
        "rights to weapons programs or security, with a frame codebook of cue patterns. Every "
        "count in this brief can be traced to the sentence that produced it through its source "
        "id and character offsets in the tables. Codebook versions and hashes are listed in the "
        "provenance appendix.",
    ]
    kind = gold_kind(gold)
    where = f" in {md.escape(_gold_name(gold))}{_gold_articles(gold)}" if gold else ""
    if scores and kind == "development":
        text.append(f"**Accuracy on the development set.** These scores compare the tables with "
                    f"the hand annotations{where}: the articles nkhr's rules were developed on, so "
                    "they overstate the accuracy to expect on new articles. Accuracy was not "
                    "measured on this corpus; to measure it, annotate a few of its articles "
                    f"(tests/gold/GUIDELINES.md) and run {RUN_WITH_GOLD}.")
        text.append(scores_table(scores))
    elif scores:
        text.append(f"**Accuracy on this corpus.** These scores compare the tables with the hand "
                    f"annotations{where}, from nkhr evaluate:")
        text.append(scores_table(scores))
    else:
        text.append("**Accuracy was not measured on this corpus.** To measure it, annotate a few "
                    "of its articles as tests/gold/GUIDELINES.md describes and run "
                    f"{RUN_WITH_GOLD} (or {md.escape('nkhr evaluate --gold YOUR_FOLDER --pred OUT/tables')}); "
                    "the scores then appear here.")
    return "\n\n".join(text)


def _roots() -> list[Path]:
    """The project around the cwd, and the one this package was installed from (editable)."""
    from ..params import project_root

    return [r for r in (project_root(), Path(__file__).resolve().parents[3]) if r]


def _gold_name(gold) -> str:
    """The gold folder as the project names it (``tests/gold/seeds``), else its folder name."""
    path = Path(gold).expanduser().resolve()
    for root in _roots():
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


def _gold_articles(gold) -> str:
    try:
        n = pd.read_csv(Path(gold) / "sources.csv")["source_id"].nunique()
    except (OSError, KeyError, ValueError):
        return ""
    return f" ({_n(int(n), 'article')})"


# --------------------------------------------------------------------------- provenance

def input_hash(tables: Mapping) -> str:
    """One hash over the raw files' SHA-256 (order-independent)."""
    src = _table(tables, "sources")
    return prov.combine(src["sha256"].dropna().astype(str))


def parameters_line(params=None) -> str:
    """The selection and settings a brief was made with, as escaped Markdown (for the appendix)."""
    if params is None:
        return "all articles, all outlets, all speakers, all languages"
    p = params
    items = [f"dates {md.escape(_date(p.date_from) or 'any')} to {md.escape(_date(p.date_to) or 'any')}",
             "outlets " + (", ".join(md.escape(o) for o in p.outlets) if p.outlets else "all"),
             "speakers " + (", ".join(md.escape(s) for s in p.speakers) if p.speakers else "all"),
             f"language {md.escape(p.language)}"]
    for k, v in sorted(getattr(p, "extra", {}).items()):
        if k in ("corpus_name", "gold"):
            continue
        items.append(f"{md.escape(SETTINGS.get(k, k))} {md.escape(v if v not in ('', None) else 'none')}")
    return "; ".join(items)


def provenance(tables: Mapping, params=None, build_date: str | None = None) -> str:
    """The provenance appendix, compact: versions, input and codebook hashes (abbreviated), the
    parameters; the full record (every file's SHA-256) is in the tables' ``meta.json``.

    `build_date` defaults to :func:`nkhr.provenance.build_date` (SOURCE_DATE_EPOCH when set).
    """
    src = _table(tables, "sources")
    versions = prov.versions(("pandas", "pyarrow", "pypandoc-binary", "typst"))
    date = build_date or prov.build_date()
    meta = getattr(tables, "meta", {}) or {}
    books = " · ".join(f"{n} {v or '–'} ({h[:8]})" for n, v, h in _codebook_rows(meta))
    gold = (getattr(params, "extra", {}) or {}).get("gold") if params is not None else None
    rows = [("Built", f"{date} with nkhr {__version__}, Python {versions.get('python')}, pandas "
                      f"{versions.get('pandas')}, pyarrow {versions.get('pyarrow')}"),
            ("Input", f"{_n(len(src), 'raw file')}, combined SHA-256 {input_hash(tables)[:16]}…")]
    if books:
        rows.append(("Codebooks", books))
    rows.append(("Parameters", md.Markup(parameters_line(params))))
    rows.append(("Gold", _gold_name(gold) if gold else "none"))
    return md.table(["Record", "Value"], rows, caption=(
        "Provenance, abbreviated. The full record is in the output folder: every raw file's "
        "SHA-256 and the codebooks' full hashes in tables/meta.json, the notebooks' parameters "
        "in runs/manifest.json."))


def as_tables(obj) -> Tables:
    """Accept a Tables or a plain dict of DataFrames."""
    return obj if isinstance(obj, Tables) else Tables(obj)
