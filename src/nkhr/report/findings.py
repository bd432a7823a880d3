"""The findings paragraph that opens each analysis notebook, as Markdown.

One function per notebook (``notebooks/01_overview.ipynb`` ... ``04_framing``):
the numbers come from :mod:`nkhr.aggregate`, themes, frames and role
categories are named as readers name them (:mod:`nkhr.report.labels`), and
every name from an article is escaped (:mod:`nkhr.report.markdown`), so a
``$`` or ``*`` in an outlet or speaker name is shown as it is. Quotes count as
in the brief (:func:`nkhr.report.brief.speech`).
"""

from __future__ import annotations

from .. import aggregate as agg
from . import labels as _labels
from . import markdown as md
from .brief import _and, _leaders, _n, _pct, speech


def _lab(tables, labels):
    return labels if labels is not None else _labels.of(tables)


def overview(tables, labels=None) -> str:
    """Articles, outlets and dates; quotes and speakers; the leading theme and frame."""
    lab = _lab(tables, labels)
    src = tables.sources
    said = speech(tables)
    named = said[said["speaker"].notna()]
    dated = src["published"].dropna()
    text = [f"The selection holds **{_n(len(src), 'article')}** from "
            f"**{_n(src['outlet'].nunique(), 'outlet')}** "
            + (f"(published {dated.min()} to {dated.max()}; {len(src) - len(dated)} undated). "
               if len(dated) else "(no publication date known). ")]
    text.append(f"They report **{_n(len(said), 'quote')}** (full quotes and attributed partial "
                f"quotes), {len(named):,} of them ({_pct(len(named), len(said))}) attributed to "
                f"**{_n(named['speaker'].nunique(), 'named speaker')}**")
    by_speaker = agg.quotes_per_speaker(tables)
    if len(by_speaker):
        top = _leaders(by_speaker.set_index("speaker")["n_quotes"])
        n = int(by_speaker["n_quotes"].iloc[0])
        who = _and([md.strong(s) for s in top])
        text.append(f"; the most quoted {'is' if len(top) == 1 else 'are, tied,'} {who} "
                    f"({_n(n, 'quote')}{'' if len(top) == 1 else ' each'}). ")
    else:
        text.append(". ")
    themes = agg.theme_matrix(tables, by="outlet").sum()
    frames = agg.frame_matrix(tables, by="role_category").sum()
    text.append(f"The theme codebook matched **{int(themes.sum()):,} times** across "
                f"{int((themes > 0).sum())} themes")
    text.append((f", most often {_and([md.emphasis(lab.theme(t)) for t in _leaders(themes)])} "
                 f"({int(themes.max())}). ") if themes.sum() else ". ")
    text.append(f"**{_n(int(frames.sum()), 'frame label')}** link human rights to weapons, the "
                "military or security")
    text.append((f", most often {_and([md.emphasis(lab.frame(f)) for f in _leaders(frames)])} "
                 f"({int(frames.max())}).") if frames.sum() else ".")
    return "".join(text)


def speakers(tables, labels=None) -> str:
    """How many speakers, the three most quoted, and quotes by role category."""
    lab = _lab(tables, labels)
    by_speaker, by_role = agg.quotes_per_speaker(tables), agg.quotes_per_role(tables)
    total = int(by_speaker["n_quotes"].sum())
    lead = by_speaker.head(3)
    text = f"**{_n(len(by_speaker), 'speaker')}** are quoted **{total:,} times**. "
    if len(lead):
        text += ("The most quoted are " + ", ".join(
            f"{md.strong(r.speaker)} ({md.escape(lab.role(r.role_category))}, {r.n_quotes})"
            for r in lead.itertuples())
            + f", together {_pct(int(lead['n_quotes'].sum()), total)} of attributed quotes. ")
    if len(by_role):
        text += "By role category: " + ", ".join(
            f"{md.escape(lab.role(r.role_category))} {r.n_quotes} ({_pct(int(r.n_quotes), total)})"
            for r in by_role.itertuples()) + "."
    return text


def themes(tables, labels=None) -> str:
    """Matches and themes, the three leading themes, and the theme most raised in quotes."""
    lab = _lab(tables, labels)
    totals = agg.theme_matrix(tables, by="outlet").sum().sort_values(ascending=False, kind="stable")
    if not totals.sum():
        return "The theme codebook matched nothing in this selection."
    by_role = agg.theme_matrix(tables, by="role_category")
    voices = by_role.loc[[r for r in by_role.index if r != agg.NARRATOR_ROLE]]
    text = (f"The codebook matched **{int(totals.sum()):,} times** across "
            f"**{_n(int((totals > 0).sum()), 'theme')}**. Leading themes: "
            + ", ".join(f"{md.emphasis(lab.theme(t))} ({int(n)})" for t, n in totals.head(3).items())
            + ". ")
    if len(voices) and voices.to_numpy().sum():
        said = voices.sum()
        text += (f"In quotes, the theme most often raised is "
                 f"{_and([md.emphasis(lab.theme(t)) for t in _leaders(said)])}")
        if agg.NARRATOR_ROLE in by_role.index:
            share = _pct(int(by_role.loc[agg.NARRATOR_ROLE].sum()), int(totals.sum()))
            text += f"; the reporter's own sentences carry {share} of all matches"
        text += "."
    return text


def framing(tables, frames=(), top: int = 15, labels=None) -> str:
    """Framing sentences, the most common frame, the role that frames most, the top speaker."""
    lab = _lab(tables, labels)
    shown = list(frames) or list(agg.FRAME_LABELS)
    behind = agg.frame_sentences(tables)
    behind = behind[behind["frame"].isin(shown)]
    n = behind[["source_id", "sent_id"]].drop_duplicates().shape[0]
    if not n:
        return "No framing sentence in this selection."
    by_role = agg.frame_matrix(tables, by="role_category")[shown]
    by_speaker = agg.speaker_frame_matrix(tables, top=top)[shown]
    by_speaker = by_speaker[by_speaker.sum(axis=1) > 0]
    totals = by_role.sum().sort_values(ascending=False, kind="stable")
    roles = by_role.sum(axis=1).sort_values(ascending=False, kind="stable")
    text = (f"**{_n(n, 'sentence')}** in {_n(behind['source_id'].nunique(), 'article')} link "
            f"human rights to weapons or security. The most common frame is "
            f"{_and([md.emphasis(lab.frame(f)) for f in _leaders(totals)])} ({int(totals.iloc[0])}); "
            f"{_and([md.strong(lab.role(r)) for r in _leaders(roles)])} frame most "
            f"({int(roles.iloc[0])} labels, {_pct(int(roles.iloc[0]), int(roles.sum()))}). "
            f"{_n(len(by_speaker), 'speaker')} use at least one frame")
    if len(by_speaker):
        most = _leaders(by_speaker.sum(axis=1))
        text += f"; {_and([md.strong(lab.speaker(s)) for s in most])} most often"
    return text + "."
