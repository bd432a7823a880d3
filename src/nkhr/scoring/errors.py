"""The errors behind the scores (``nkhr evaluate --errors``): what a researcher reads to see
why their own sample scores as it does.

One row per problem, matched as the scores match (:mod:`nkhr.scoring`):

- quotes: a gold quote no prediction matches (``missed``), a matched quote given another
  speaker (``wrong_speaker``: gold and predicted speaker, with the cue and method that
  chose it), a predicted quote no gold row has (``spurious``);
- frames: a gold frame sentence not predicted (``missed``: its gold labels and speaker,
  and the frame cues the codebook finds in it and in the sentence before it, so a reader
  sees which side of the link was not recognized), a predicted frame sentence the gold
  does not have (``spurious``: its labels, speaker and evidence), and a matched sentence
  with other labels or another speaker (``wrong_labels``, ``wrong_speaker``);
- speakers: a gold speaker the speakers table does not list (``not_listed``), or lists in
  another role category (``wrong_role``: gold and predicted category, and the role text the
  articles gave). Filed under the first source that quotes the speaker in the gold.

Every row carries the sentence it sits in (for a quote, the sentence where it opens; for a
speaker, the sentence of the first gold quote).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..tables import Tables, read_tables
from .frames import frame_pairs, speaker_ok
from .match import contains_start, names_match

COLUMNS = ("source_id", "start", "item", "error", "text", "gold_labels", "predicted_labels",
           "gold_speaker", "predicted_speaker", "sentence", "why")


class _Sentences:
    """The predicted tables' sentences of each source, to find the one a gold row sits in."""

    def __init__(self, sentences: pd.DataFrame | None):
        self.by_source: dict[str, list] = {}
        self.by_id: dict[tuple[str, str], tuple] = {}
        if sentences is None:
            return
        for r in sentences.itertuples():
            row = (r.sent_id, int(r.start), str(r.para_id), str(r.text))
            self.by_source.setdefault(r.source_id, []).append(row)
            self.by_id[(r.source_id, r.sent_id)] = row

    def containing(self, source_id: str, start_words: str) -> tuple | None:
        """The first sentence of `source_id` that contains the first words of `start_words`."""
        return next((r for r in self.by_source.get(source_id, ())
                     if contains_start(r[3], start_words)), None)

    def before(self, source_id: str, row: tuple) -> tuple | None:
        """The sentence before `row` when it is in the same paragraph."""
        rows = self.by_source.get(source_id, [])
        i = rows.index(row)
        return rows[i - 1] if i > 0 and rows[i - 1][2] == row[2] else None


def _row(source_id, start, item, error, text, sentence="", why="", gold_labels="", predicted_labels="",
         gold_speaker="", predicted_speaker="") -> dict:
    return {"source_id": source_id, "start": start, "item": item, "error": error, "text": text,
            "gold_labels": gold_labels, "predicted_labels": predicted_labels,
            "gold_speaker": gold_speaker, "predicted_speaker": predicted_speaker,
            "sentence": sentence, "why": why}


def _quote_rows(gold: dict, pred: Tables, sentences: _Sentences) -> list[dict]:
    from . import gold_aliases, quote_pairs

    gq, pq, pairs = quote_pairs(gold, pred)
    aliases = gold_aliases(gold.get("speakers"))
    rows = []
    for gi, pi in pairs:
        g = gq.loc[gi]
        if pi is None:
            sent = sentences.containing(g.source_id, g.quote_start)
            rows.append(_row(g.source_id, sent[1] if sent else -1, "quote", "missed", g.quote_start,
                             sent[3] if sent else "", gold_speaker=g.speaker))
            continue
        p = pq.loc[pi]
        if not names_match(p.speaker, g.speaker, aliases):
            sent = sentences.by_id.get((p.source_id, p.sent_id))
            rows.append(_row(g.source_id, int(p.start), "quote", "wrong_speaker", p.text,
                             sent[3] if sent else "", f"cue {_name(p.cue) or '-'}, method {_name(p.method) or '-'}",
                             gold_speaker=g.speaker, predicted_speaker=_name(p.speaker)))
    matched = {pi for _, pi in pairs if pi is not None}
    for pi, p in pq.iterrows():
        if pi not in matched:
            sent = sentences.by_id.get((p.source_id, p.sent_id))
            rows.append(_row(p.source_id, int(p.start), "quote", "spurious", p.text,
                             sent[3] if sent else "", f"cue {_name(p.cue) or '-'}, method {_name(p.method) or '-'}",
                             predicted_speaker=_name(p.speaker)))
    return rows


def _speaker_rows(gold: dict, pred: Tables, sentences: _Sentences) -> list[dict]:
    from . import role_pairs

    first = {}
    if "quotes" in gold:
        for q in gold["quotes"].itertuples():
            first.setdefault(q.speaker, (q.source_id, q.quote_start))
    rows = []
    for g, p in role_pairs(gold, pred):
        if p is not None and p.role_category == g.role_category:
            continue
        source_id, quote_start = first.get(g.speaker, ("", ""))
        sent = sentences.containing(source_id, quote_start) if source_id else None
        start, sentence = (sent[1], sent[3]) if sent else (-1, "")
        if p is None:
            rows.append(_row(source_id, start, "speaker", "not_listed", g.speaker, sentence,
                             gold_labels=g.role_category, gold_speaker=g.speaker))
        else:
            rows.append(_row(source_id, start, "speaker", "wrong_role", g.speaker, sentence,
                             f"role: {_name(p.role) or '-'}", g.role_category, p.role_category, g.speaker, p.name))
    return rows


def _name(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _cues(codebook, text: str, prefix: str = "") -> list[str]:
    """`SET=cue` for each frame cue the codebook finds in `text`, once each."""
    found = [f"{prefix}{codebook.terms[ti].category}={' '.join(text[s:e].split())}"
             for s, e, ti in codebook.matcher.find(text)]
    return list(dict.fromkeys(found))


def _frame_rows(gold: dict, pred: Tables, sentences: _Sentences, codebook) -> list[dict]:
    from . import gold_aliases

    aliases = gold_aliases(gold.get("speakers"))
    g_rows, ps, pairs = frame_pairs(gold["frames"], pred,
                                    gold["sources"].source_id if "sources" in gold else None)
    evidence = pred["frames"].groupby(["source_id", "sent_id"], sort=False).evidence.agg(" | ".join) \
        if len(pred["frames"]) else {}
    rows = []
    for gi, pi in pairs:
        g = g_rows.loc[gi]
        g_labels = "|".join(sorted(x.strip() for x in str(g.frames).split("|") if x.strip()))
        if pi is None:
            sent = sentences.containing(g.source_id, g.sentence_start)
            why = ""
            if sent is not None and codebook is not None:
                prev = sentences.before(g.source_id, sent)
                cues = _cues(codebook, sent[3]) + (_cues(codebook, prev[3], "prev:") if prev else [])
                why = "cues: " + ("; ".join(cues) or "none")
            rows.append(_row(g.source_id, sent[1] if sent else -1, "frame", "missed", g.sentence_start,
                             sent[3] if sent else "", why, gold_labels=g_labels, gold_speaker=g.speaker))
            continue
        p = ps.loc[pi]
        p_labels = "|".join(sorted(p.labels))
        problems = [e for e, bad in (("wrong_labels", p_labels != g_labels),
                                     ("wrong_speaker", not speaker_ok(p.speaker, g.speaker, aliases)))
                    if bad]
        if problems:
            rows.append(_row(g.source_id, int(p.start), "frame", ", ".join(problems), g.sentence_start,
                             p.sentence, evidence.get((p.source_id, p.sent_id), ""), g_labels,
                             p_labels, g.speaker, p.speaker))
    matched = {pi for _, pi in pairs if pi is not None}
    for pi, p in ps.iterrows():
        if pi not in matched:
            rows.append(_row(p.source_id, int(p.start), "frame", "spurious", p.sentence[:60], p.sentence,
                             evidence.get((p.source_id, p.sent_id), ""),
                             predicted_labels="|".join(sorted(p.labels)), predicted_speaker=p.speaker))
    return rows


def _frame_codebook(pred: Tables):
    """The frame codebook the tables were analyzed with (its file, else the one in use now)."""
    from ..codebooks import load_frames
    from ..errors import NkhrError

    path = (pred.meta.get("parameters") or {}).get("frames") if hasattr(pred, "meta") else None
    try:
        return load_frames(path if path and Path(path).is_file() else None)
    except NkhrError:
        return None


def error_rows(gold, pred) -> pd.DataFrame:
    """The errors of `pred` (a Tables or a folder of analyzed tables) against gold folder `gold`:
    one row per problem (see the module docstring), by source and position in the text."""
    from . import read_gold

    g = read_gold(gold)
    p = pred if isinstance(pred, Tables) else read_tables(pred)
    sentences = _Sentences(p.get("sentences"))
    rows = []
    if "quotes" in g and "quotes" in p:
        rows += _quote_rows(g, p, sentences)
    if "frames" in g and "frames" in p:
        rows += _frame_rows(g, p, sentences, _frame_codebook(p))
    if "speakers" in g and "speakers" in p:
        rows += _speaker_rows(g, p, sentences)
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.sort_values(["source_id", "start", "item"], kind="stable").reset_index(drop=True)


def format_errors(rows: pd.DataFrame) -> str:
    """The error rows as text, grouped by source."""
    if rows.empty:
        return "No errors: every gold quote, frame sentence and speaker was found as annotated."
    lines = []
    for source_id, group in rows.groupby("source_id", sort=False):
        lines.append(f"\n{source_id}")
        for r in group.itertuples():
            head = f"  {r.item} {r.error}"
            if r.item == "quote":
                who = (f"gold {r.gold_speaker or '-'}" if r.error == "missed" else
                       f"predicted {r.predicted_speaker or '-'}" if r.error == "spurious" else
                       f"gold {r.gold_speaker} / predicted {r.predicted_speaker or '-'}")
                lines.append(f"{head}: {who}")
                lines.append(f"      quote: {r.text}")
            elif r.item == "speaker":
                lines.append(f"{head}: {r.gold_speaker}, gold {r.gold_labels}"
                             + (f" / predicted {r.predicted_labels} [{r.predicted_speaker}]"
                                if r.error == "wrong_role" else ""))
            else:
                gold_part = f"gold {r.gold_labels} [{r.gold_speaker}]" if r.gold_labels else ""
                pred_part = (f"predicted {r.predicted_labels} [{r.predicted_speaker}]"
                             if r.predicted_labels else "")
                lines.append(f"{head}: {' / '.join(x for x in (gold_part, pred_part) if x)}")
            lines.append(f"      sentence: {r.sentence or '(not found in the analyzed text: ' + r.text + ')'}")
            if r.why:
                lines.append(f"      {r.why if r.why.startswith(('cue', 'role')) else 'evidence: ' + r.why}")
    return "\n".join(lines).lstrip("\n")
