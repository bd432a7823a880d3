"""The brief's content: pure functions from analyzed :class:`~nkhr.tables.Tables` to Markdown.

Each function returns one section's Pandoc Markdown (or, for the ``*_rows``
helpers, the DataFrame behind it). Every piece of text that comes from an
article (quotes, titles, names, roles, outlets, URLs) goes through
:mod:`nkhr.report.markdown`, so it reaches the HTML and the PDF as literal
text. Numbers are computed here from the tables, never typed by hand, and
rows are ordered deterministically, so the same tables always give the same
Markdown.

Sections, in the order the brief shows them:

- :func:`scope` what the brief covers: corpus, dates, outlets, parameters;
- :func:`key_findings` the headline numbers, as sentences;
- :func:`who_speaks` speakers with role and quote counts;
- :func:`speaker_frame_table` the speaker x frame matrix;
- :func:`frame_quotes` for each frame, its most representative sentences, cited;
- :func:`korean_passages` Korean-language sentences that carry themes, cited;
- :func:`methods` how the tables were made, codebook versions, gold scores;
- :func:`provenance` nkhr version, input hashes, build date.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .. import __version__, aggregate, schemas
from .. import provenance as prov
from ..tables import Tables
from . import markdown as md

#: Frame labels in the order the brief presents them, with a reader's gloss.
FRAMES = {
    "nexus": "Rights and security are inseparable",
    "funding": "Abuses fund the weapons programs",
    "diversion": "Weapons come at the expense of the people",
    "root_cause": "Repression drives the threat",
    "military_abuse": "The military turned against people",
    "counter_frame": "Human rights as a political weapon",
}
#: Role categories, as a reader would name them.
ROLES = {
    "defector": "Defectors", "government": "Government officials", "un": "UN officials",
    "ngo": "Civil society", "diplomat": "Diplomats", "dprk": "North Korean officials",
    "expert": "Experts", "other": "Others",
}
NARRATOR_LABEL = "Reporter (narration)"


# --------------------------------------------------------------------------- helpers

def _n(count: int, one: str, many: str | None = None) -> str:
    """'1 quote', '3 quotes'."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _table(tables: Mapping, name: str) -> pd.DataFrame:
    df = tables.get(name)
    return df if df is not None else schemas.empty(name)


def _date(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _source_index(tables: Mapping) -> dict[str, dict]:
    src = _table(tables, "sources")
    cols = ["source_id", "outlet", "published", "title", "url"]
    return {r["source_id"]: r for r in src[cols].to_dict("records")}


def cite(source: Mapping) -> str:
    """Markdown citing one source row: outlet, title, date, a link to the article, its source id.

    Every part is escaped; the link is made only for an http(s) URL (see
    :func:`nkhr.report.markdown.link`). Missing parts are said, not hidden:
    "undated", "no link recorded".
    """
    outlet = md.escape(source.get("outlet")) or "Unknown outlet"
    title = md.escape(source.get("title"))
    date = md.escape(_date(source.get("published"))) or "undated"
    url = source.get("url")
    if md.safe_url(url):
        where = md.link("article", url)
    elif url is not None and not pd.isna(url) and str(url).strip():
        where = f"address not linked: {md.escape(url)}"
    else:
        where = "no link recorded"
    sid = md.escape(source.get("source_id"))
    titled = f"{outlet}, “{title}”" if title else outlet
    return f"{titled}, {date}, {where} (source {sid})"


def sources_table(tables: Mapping, limit: int = 40) -> str:
    """The articles behind the brief: outlet, date, title (linked when the URL is http(s)), id."""
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
    return md.table(["Outlet", "Published", "Title", "Source id"], rows,
                    caption=f"Articles analyzed{note}; titles link to the article when its address is recorded.")


# --------------------------------------------------------------------------- scope

def scope(tables: Mapping, params=None, corpus_name: str | None = None,
          build_date: str | None = None) -> str:
    """The scope paragraph: corpus, sources, outlets, date range, parameters, build date.

    `params` is a :class:`nkhr.params.Params` (or None); `corpus_name` names the
    corpus for readers (default: the corpus folder's name).
    """
    src = _table(tables, "sources")
    dates = src["published"].dropna()
    outlets = sorted(src["outlet"].dropna().unique())
    name = corpus_name or (params.corpus.name if params is not None else None) or "corpus"
    parts = [f"This brief covers {_n(len(src), 'article')} from {_n(len(outlets), 'outlet')}"]
    if outlets:
        parts[0] += " (" + ", ".join(md.escape(o) for o in outlets) + ")"
    if len(dates):
        span = (f"published between {_date(dates.min())} and {_date(dates.max())}"
                if dates.min() != dates.max() else f"published on {_date(dates.min())}")
        undated = len(src) - len(dates)
        parts.append(span + (f"; {_n(undated, 'article')} carry no date" if undated else ""))
    elif len(src):
        parts.append("none of them carries a publication date")
    text = "; ".join(parts) + "."
    lines = [text, "", f"Corpus: {md.strong(name)}. Parameters: {parameters_line(params)}."]
    if build_date:
        lines += ["", f"Built on {md.escape(build_date)}."]
    return "\n".join(lines)


def parameters_line(params=None) -> str:
    """The parameters a brief was made with, as escaped Markdown."""
    if params is None:
        return "all articles, all outlets, all speakers, all languages"
    p = params
    items = [f"dates {md.escape(_date(p.date_from) or 'any')} to {md.escape(_date(p.date_to) or 'any')}",
             "outlets " + (", ".join(md.escape(o) for o in p.outlets) if p.outlets else "all"),
             "speakers " + (", ".join(md.escape(s) for s in p.speakers) if p.speakers else "all"),
             f"language {md.escape(p.language)}"]
    for k, v in sorted(getattr(p, "extra", {}).items()):
        if k == "corpus_name":
            continue
        if k == "gold":
            v = "given" if v else "none"
        items.append(f"{md.escape(k)} {md.escape(v if v not in ('', None) else 'none')}")
    return "; ".join(items)


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

def key_findings(tables: Mapping) -> str:
    """Four to six sentences with the brief's headline numbers, as a bullet list."""
    src, q, sp = _table(tables, "sources"), _table(tables, "quotes"), _table(tables, "speakers")
    th, fr, se = _table(tables, "themes"), _table(tables, "frames"), _table(tables, "sentences")
    out = []
    attributed = int(q["speaker_id"].notna().sum())
    n_speakers = int(q["speaker_id"].dropna().nunique())
    out.append(f"The {_n(len(src), 'article')} carry {_n(len(q), 'quote')}; "
               f"{attributed:,} of them ({_pct(attributed, len(q))}) are attributed to "
               f"{_n(n_speakers, 'named speaker')}.")
    roles = aggregate.quotes_per_role(tables)
    if len(roles):
        top = roles.iloc[0]
        s = (f"{md.escape(ROLES.get(top.role_category, top.role_category))} are quoted most: "
             f"{_n(int(top.n_quotes), 'quote')} ({_pct(int(top.n_quotes), attributed)} of attributed "
             f"quotes) from {_n(int(top.n_speakers), 'speaker')}")
        if len(roles) > 1:
            nxt = roles.iloc[1]
            s += (f"; {md.escape(ROLES.get(nxt.role_category, nxt.role_category)).lower()} follow "
                  f"with {_n(int(nxt.n_quotes), 'quote')} ({_pct(int(nxt.n_quotes), attributed)})")
        out.append(s + ".")
    if len(sp) and int(sp["n_quotes"].max()) > 0:
        top = sp.sort_values(["n_quotes", "n_sources", "name"], ascending=[False, False, True]).iloc[0]
        role = f" ({md.escape(top.role)})" if isinstance(top.role, str) and top.role else ""
        out.append(f"The most quoted speaker is {md.strong(top['name'])}{role}, with "
                   f"{_n(int(top.n_quotes), 'quote')} in {_n(int(top.n_sources), 'article')}.")
    if len(fr):
        n_sent = fr[["source_id", "sent_id"]].drop_duplicates().shape[0]
        n_src = fr["source_id"].nunique()
        counts = (fr.groupby("frame", observed=True).size().sort_index()
                    .sort_values(ascending=False, kind="stable"))
        frame, n = counts.index[0], int(counts.iloc[0])
        voiced = fr[fr["speaker"] != schemas.NARRATOR]
        out.append(f"{_n(n_sent, 'sentence')} in {n_src:,} of the {_n(len(src), 'article')} link "
                   f"human rights to weapons programs or security; the most common frame is "
                   f"{md.emphasis(frame)} ({md.escape(FRAMES.get(frame, frame)).lower()}, "
                   f"{_n(n, 'sentence')}), and {_pct(len(voiced), len(fr))} of framing sentences "
                   "are voiced by a named speaker rather than the reporter.")
    else:
        out.append("No sentence in these articles links human rights to weapons programs "
                   "or security, by the frame codebook.")
    if len(th):
        top_theme = (th.groupby("theme", observed=True)
                       .agg(n=("term", "size"), n_src=("source_id", "nunique"))
                       .reset_index().sort_values(["n", "theme"], ascending=[False, True]).iloc[0])
        out.append(f"The most frequent theme is {md.emphasis(top_theme.theme)}: "
                   f"{_n(int(top_theme.n), 'match', 'matches')} in "
                   f"{_n(int(top_theme.n_src), 'article')}.")
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


def who_speaks(tables: Mapping, top: int = 12) -> str:
    """A table of the most quoted speakers: name, role, category, quotes, articles."""
    rows = who_speaks_rows(tables, top)
    total = int((_table(tables, "speakers")["n_quotes"] > 0).sum())
    if rows.empty:
        return "No quote in these articles could be attributed to a named speaker."
    body = md.table(
        ["Speaker", "Role", "Category", "Quotes", "Articles"],
        [(r["name"], _short(r["role"]) or _short(r["affiliation"]),
          ROLES.get(r["role_category"], r["role_category"]), int(r["n_quotes"]), int(r["n_sources"]))
         for _, r in rows.iterrows()],
        align=["l", "l", "l", "r", "r"])
    note = (f"The {_n(len(rows), 'most quoted speaker')} of {total:,} quoted."
            if total > len(rows) else f"All {_n(total, 'quoted speaker')}.")
    return body + "\n\n: " + note


# --------------------------------------------------------------------------- themes

def themes_note(tables: Mapping, top: int = 5) -> str:
    """A sentence under the themes chart: the leading themes with their counts."""
    th = _table(tables, "themes")
    if th.empty:
        return "No theme of the codebook matched in these articles."
    c = (th.groupby("theme", observed=True).agg(n=("term", "size"), n_src=("source_id", "nunique"))
           .reset_index().sort_values(["n", "theme"], ascending=[False, True]).head(top))
    items = ", ".join(f"{md.emphasis(r.theme)} ({r.n:,} in {_n(int(r.n_src), 'article')})"
                      for r in c.itertuples())
    return (f"Theme matches per outlet ({_n(len(th), 'match', 'matches')} of "
            f"{_n(th['theme'].nunique(), 'theme')}). Leading themes: {items}.")


def frames_note(tables: Mapping) -> str:
    """A sentence under the framing chart: who frames most, and how."""
    fr = _table(tables, "frames")
    if fr.empty:
        return "No sentence links human rights to weapons programs or security in these articles."
    m = aggregate.frame_matrix(tables, by="role_category")
    totals = m.sum(axis=1)
    top = sorted(m.index, key=lambda r: (-int(totals[r]), str(r)))[0]
    label = ("The reporters' own narration" if top == aggregate.NARRATOR_ROLE
             else ROLES.get(top, top))
    share = _pct(int(totals[top]), int(totals.sum()))
    frame = m.loc[top].idxmax()
    return (f"Framing sentences by who voices them. {md.escape(label)} account for {share} of "
            f"frame labels, most often {md.emphasis(frame)}. The table counts, for each speaker, "
            "the sentences carrying each frame.")


# --------------------------------------------------------------------------- frames

def speaker_frame_table(tables: Mapping, top: int = 10) -> str:
    """The speaker x frame matrix (:func:`nkhr.aggregate.speaker_frame_matrix`) as a table:
    framing sentences per speaker (the `top` speakers; the reporter is one row) and frame."""
    m = aggregate.speaker_frame_matrix(tables, top=top)
    m = m.loc[:, m.sum(axis=0) > 0]  # only the frames that occur
    if m.empty:
        return "No framing sentence to tabulate."
    header = ["Speaker"] + [c.replace("_", " ") for c in m.columns] + ["Total"]
    rows = [[NARRATOR_LABEL if name == schemas.NARRATOR else name]
            + [int(v) if v else "·" for v in m.loc[name]] + [int(m.loc[name].sum())]
            for name in m.index]
    return md.table(header, rows, align=["l"] + ["r"] * (len(header) - 1),
                    caption="Sentences per speaker and frame (a sentence can carry several frames).")


def representative_rows(tables: Mapping, per_frame: int = 2) -> pd.DataFrame:
    """For each frame, its most representative sentences.

    A sentence represents a frame better when a named speaker says it (not the
    reporter), when more of the frame's cues fired in it, and when it reads on
    its own (40 to 400 characters). At most one sentence per source and
    frame, so one article cannot fill a frame. Returns the rows of
    :func:`nkhr.aggregate.frame_sentences` (plus ``n_cues``) in :data:`FRAMES` order.
    """
    if _table(tables, "frames").empty:
        return aggregate.frame_sentences(tables).assign(n_cues=pd.Series(dtype="int64"))
    df = aggregate.frame_sentences(tables)
    df["n_cues"] = df["evidence"].fillna("").map(lambda e: len([c for c in e.split(";") if c.strip()]))
    df["_voiced"] = (df["speaker"] != schemas.NARRATOR).astype(int)
    length = df["sentence"].str.len()
    df["_readable"] = ((length >= 40) & (length <= 400)).astype(int)
    df["_rank_frame"] = df["frame"].map({f: i for i, f in enumerate(FRAMES)}).fillna(len(FRAMES))
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
    if name == schemas.NARRATOR or name is None or pd.isna(name):
        return "the reporter"
    sp = _table(tables, "speakers")
    hit = sp[sp["name"] == name]
    if len(hit):
        role = hit.iloc[0]["role"]
        if isinstance(role, str) and role.strip():
            return f"{md.strong(name)}, {md.escape(_short(role, 80))}"
    return md.strong(name)


def frame_quotes(tables: Mapping, per_frame: int = 2) -> str:
    """For each frame that occurs: a subsection with its count and representative sentences.

    Each sentence is a block quote cited to its speaker, outlet, date, link and source id.
    """
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
        parts.append(f"### {md.escape(FRAMES.get(frame, frame))} ({md.emphasis(frame)}: "
                     f"{_n(int(c.n), 'sentence')} in {_n(int(c.n_src), 'article')})")
        for _, r in group.iterrows():
            attribution = (f"{_speaker_label(tables, r['speaker'])}; "
                           f"{cite(sources.get(r['source_id'], {'source_id': r['source_id']}))}")
            parts.append(md.blockquote(balance_quotes(r["sentence"]), attribution))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- Korean

def korean_rows(tables: Mapping, n: int = 4) -> pd.DataFrame:
    """Korean body sentences, those carrying the most theme matches first.

    Returns sentences rows plus ``themes`` (the themes matched in the
    sentence, '; '-joined) and ``n_matches``; ties keep document order.
    """
    se, th = _table(tables, "sentences"), _table(tables, "themes")
    ko = se[(se["language"] == "ko") & (se["kind"] == "body") & ~se["is_caption"]].copy()
    if ko.empty:
        return ko.assign(themes=pd.Series(dtype=str), n_matches=pd.Series(dtype="int64"))
    hits = (th.groupby(["source_id", "sent_id"], observed=True)
              .agg(themes=("theme", lambda s: "; ".join(sorted(set(s)))), n_matches=("term", "size"))
              .reset_index())
    ko = ko.merge(hits, on=["source_id", "sent_id"], how="left")
    ko["n_matches"] = ko["n_matches"].fillna(0).astype("int64")
    ko["themes"] = ko["themes"].fillna("")
    ko["_len_ok"] = (ko["text"].str.len() >= 15).astype(int)
    ko = ko.sort_values(["n_matches", "_len_ok", "source_id", "start"],
                        ascending=[False, False, True, True], kind="stable")
    return ko.drop(columns="_len_ok").head(n).reset_index(drop=True)


def korean_passages(tables: Mapping, n: int = 4) -> str:
    """Korean-language sentences in the corpus that carry themes, quoted and cited."""
    se = _table(tables, "sentences")
    ko_all = se[se["language"] == "ko"]
    rows = korean_rows(tables, n)
    if rows.empty:
        return "No article in this selection has Korean-language body text."
    sources = _source_index(tables)
    intro = (f"{_n(len(ko_all), 'sentence')} in {_n(ko_all['source_id'].nunique(), 'article')} "
             "are in Korean. These carry the most theme matches:")
    parts = [intro]
    for _, r in rows.iterrows():
        themes = f"themes: {md.escape(r['themes'])}" if r["themes"] else "no theme matched"
        parts.append(md.blockquote(r["text"], f"{themes}; "
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
    count), a measure maps to a number; error lists are left out.
    """
    rows = []
    for key in sorted(scores):
        val = scores[key]
        if isinstance(val, Mapping) and "f1" in val:
            n_gold = val.get("tp", 0) + val.get("fn", 0) if "tp" in val else ""
            rows.append((key.replace("_", " "), f"{val.get('precision', 0):.2f}",
                         f"{val.get('recall', 0):.2f}", f"{val['f1']:.2f}", n_gold))
    for key in sorted(scores):
        val = scores[key]
        if isinstance(val, int | float) and not isinstance(val, bool):
            rows.append((key.replace("_", " "), "", "", f"{val:.2f}", ""))
    return md.table(["Measure", "Precision", "Recall", "F1 / accuracy", "Gold items"], rows,
                    align=["l", "r", "r", "r", "r"])


def methods(tables: Mapping, scores: Mapping | None = None, gold_name: str | None = None) -> str:
    """How the numbers were made: extraction steps, codebook versions and hashes, gold scores."""
    meta = getattr(tables, "meta", {}) or {}
    text = [
        "Articles are decoded, cleaned of page furniture and split into paragraphs and sentences. "
        "Quotes are the spans inside quotation marks; each is attributed to a speaker by its cue "
        "(a speech verb, a colon, *according to*) and the nearest name, title or pronoun, and "
        "names are resolved across articles into one speaker with a role category. Themes are "
        "matched with a dictionary codebook; frames, the ways a sentence links human rights to "
        "weapons programs or security, with a frame codebook of cue patterns. Every count in "
        "this brief can be traced to the sentence that produced it through its source id and "
        "character offsets in the tables.",
    ]
    books = _codebook_rows(meta)
    if books:
        text.append(md.table(["Codebook", "Version", "SHA-256 (first 16)"],
                             [(n, v or "–", h[:16]) for n, v, h in books],
                             caption="Codebooks used."))
    if scores:
        what = f" ({md.escape(gold_name)})" if gold_name else ""
        text.append(f"Scores of these tables against the hand-annotated gold set{what}, "
                    "from `nkhr evaluate`:")
        text.append(scores_table(scores))
    else:
        text.append("No gold folder was given, so this brief reports no accuracy scores; "
                    "run it with a gold folder to add them.")
    return "\n\n".join(text)


# --------------------------------------------------------------------------- provenance

def input_hash(tables: Mapping) -> str:
    """One hash over the raw files' SHA-256 (order-independent)."""
    src = _table(tables, "sources")
    return prov.combine(src["sha256"].dropna().astype(str))


def provenance(tables: Mapping, params=None, build_date: str | None = None) -> str:
    """The provenance footer: nkhr and tool versions, input hashes, build date.

    `build_date` defaults to :func:`nkhr.provenance.build_date` (SOURCE_DATE_EPOCH when set).
    """
    src = _table(tables, "sources")
    versions = prov.versions(("pandas", "pyarrow", "pypandoc-binary", "typst"))
    date = build_date or prov.build_date()
    lines = [
        f"Built {md.escape(date)} with nkhr {md.escape(__version__)} "
        f"(Python {md.escape(versions.get('python'))}, pandas {md.escape(versions.get('pandas'))}, "
        f"pyarrow {md.escape(versions.get('pyarrow'))}).",
        f"Input: {_n(len(src), 'raw file')}, combined SHA-256 `{input_hash(tables)}`.",
    ]
    rows = [(r.source_id, r.outlet, r.sha256[:16]) for r in src.itertuples()]
    if 0 < len(rows) <= 30:
        lines.append(md.table(["Source", "Outlet", "SHA-256 (first 16)"], rows))
    return "\n\n".join(lines)


def as_tables(obj) -> Tables:
    """Accept a Tables or a plain dict of DataFrames."""
    return obj if isinstance(obj, Tables) else Tables(obj)
