"""Frame scores: predicted framed sentences against gold ``frames.csv``.

Gold rows are ``source_id, sentence_start, frames, speaker`` (labels
``|``-separated; see ``tests/gold/GUIDELINES.md``). A predicted framed
sentence (the distinct sentences of the ``frames`` table) matches a gold row
of the same source when its text contains the first five words of
``sentence_start`` (:func:`nkhr.scoring.match.contains_start`), one to one.

- ``frame_sentence``: precision, recall and F1 of finding framed sentences;
- ``frame_label_micro_f1``: labels compared over matched sentences, micro-averaged
  (a label predicted and gold is a hit, predicted only a false positive, gold
  only a miss); ``frame_label`` holds its precision and recall, ``frame_labels``
  the same per label; ``frame_label_e2e`` (``_f1``) counts every gold and
  predicted label, of matched sentences or not (a missed sentence's labels are
  misses, a spurious one's false positives);
- ``frame_speaker_accuracy``: matched sentences whose speaker is the gold one
  (names compared by :func:`nkhr.scoring.match.names_match`, with the gold
  speakers' aliases; ``NARRATOR`` only matches ``NARRATOR``);
- ``errors``: the rows behind the misses, for reading.
"""

from __future__ import annotations

import pandas as pd

from ..schemas import NARRATOR
from .match import names_match

LABELS = ("nexus", "funding", "diversion", "root_cause", "military_abuse", "counter_frame")


def _labels(value) -> set[str]:
    return {x.strip() for x in str(value or "").split("|") if x.strip()}


def predicted_sentences(frames: pd.DataFrame) -> pd.DataFrame:
    """One row per framed sentence: source_id, sent_id, sentence, labels (set), speaker."""
    if frames.empty:
        return pd.DataFrame(columns=["source_id", "sent_id", "start", "sentence", "labels", "speaker"])
    rows = []
    for (sid, sent), g in frames.groupby(["source_id", "sent_id"], sort=True):
        rows.append({"source_id": sid, "sent_id": sent, "start": int(g["start"].iloc[0]),
                     "sentence": str(g["sentence"].iloc[0]), "labels": set(g["frame"]),
                     "speaker": str(g["speaker"].iloc[0]) if "speaker" in g and pd.notna(g["speaker"].iloc[0])
                     else NARRATOR})
    return pd.DataFrame(rows)


def frame_pairs(gold_frames: pd.DataFrame, pred, sources=None
                ) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple[int, int | None]]]:
    """(gold rows, predicted framed sentences of the scored sources, their pairs).

    A pair is (gold row, matched predicted sentence or None), by the quotes' rule: the
    sentence contains the first five words of ``sentence_start``, one to one within a source.
    `sources`: as for :func:`score_frames`.
    """
    from . import match_quotes

    gold = gold_frames.fillna("").reset_index(drop=True)
    if sources is None:
        sources = set(pred["sources"].source_id) if "sources" in pred else set()
    sources = set(sources) | set(gold.source_id)
    ps = predicted_sentences(pred["frames"])
    if not ps.empty:
        ps = ps[ps.source_id.isin(sources)].reset_index(drop=True)
    matched = ps.rename(columns={"sentence": "text"})
    if "sentences" in pred and len(ps):  # a gold start may include the lead's dateline, which
        s = pred["sentences"]             # nkhr keeps as a sentence of its own
        dl = s[s.kind == "dateline"]
        follows = {(r.source_id, f"s{int(r.sent_id[1:]) + 1:04d}"): r.text for r in dl.itertuples()}
        matched = matched.assign(text=[f"{follows[k]} {t}" if (k := (sid, sent)) in follows else t
                                       for sid, sent, t in zip(matched.source_id, matched.sent_id, matched.text,
                                                               strict=True)])
    pairs = match_quotes(gold.rename(columns={"sentence_start": "quote_start"}), matched)
    return gold, ps, pairs


def speaker_ok(pred: str, gold: str, aliases) -> bool:
    """Does predicted frame speaker `pred` name gold speaker `gold` (``NARRATOR`` only itself)?"""
    pred, gold = (pred or NARRATOR).strip(), (gold or NARRATOR).strip()
    if NARRATOR in (pred, gold):
        return pred == gold
    return names_match(pred, gold, aliases)


def score_frames(gold_frames: pd.DataFrame, pred, gold_speakers: pd.DataFrame | None = None,
                 sources=None) -> dict:
    """Frame scores of `pred` (a Tables with ``frames``) against gold rows `gold_frames`.

    `gold_speakers`: the gold ``speakers.csv`` (for aliases); `sources`: the
    source ids the gold annotates (default: every source in ``pred.sources``,
    i.e. the gold covers the whole corpus); predictions in other sources are
    not counted.
    """
    from . import _prf, gold_aliases

    aliases = gold_aliases(gold_speakers)
    gold, ps, pairs = frame_pairs(gold_frames, pred, sources)
    used = {pi for _, pi in pairs if pi is not None}
    matched = [(gi, pi) for gi, pi in pairs if pi is not None]
    tp = len(matched)
    out = {"frame_sentence": _prf(tp, len(ps) - tp, len(gold) - tp)}
    l_tp = l_fp = l_fn = 0
    per = {lab: [0, 0, 0] for lab in LABELS}
    label_errors, speaker_errors = [], []
    right_speaker = 0
    for gi, pi in matched:
        g_l, p_l = _labels(gold.at[gi, "frames"]), ps.at[pi, "labels"]
        for lab in g_l | p_l:
            slot = per.setdefault(lab, [0, 0, 0])
            slot[0 if lab in g_l and lab in p_l else 1 if lab in p_l else 2] += 1
        l_tp += len(g_l & p_l)
        l_fp += len(p_l - g_l)
        l_fn += len(g_l - p_l)
        if g_l != p_l:
            label_errors.append(f"{gold.at[gi, 'source_id']}: {gold.at[gi, 'sentence_start']} -> "
                                f"{'|'.join(sorted(p_l))} (gold {'|'.join(sorted(g_l))})")
        if speaker_ok(ps.at[pi, "speaker"], gold.at[gi, "speaker"], aliases):
            right_speaker += 1
        else:
            speaker_errors.append(f"{gold.at[gi, 'source_id']}: {gold.at[gi, 'sentence_start']} -> "
                                  f"{ps.at[pi, 'speaker']} (gold {gold.at[gi, 'speaker']})")
    out["frame_label"] = _prf(l_tp, l_fp, l_fn)
    out["frame_label_micro_f1"] = out["frame_label"]["f1"]
    spurious_labels = sum(len(ps.at[pi, "labels"]) for pi in range(len(ps)) if pi not in used)
    missed_labels = sum(len(_labels(gold.at[gi, "frames"])) for gi, pi in pairs if pi is None)
    out["frame_label_e2e"] = _prf(l_tp, l_fp + spurious_labels, l_fn + missed_labels)
    out["frame_label_e2e_f1"] = out["frame_label_e2e"]["f1"]
    out["frame_labels"] = {lab: _prf(*v) for lab, v in per.items()}
    out["frame_speaker_accuracy"] = round(right_speaker / tp, 4) if tp else 0.0
    spurious = ps.drop(index=sorted(used)) if len(ps) else ps
    out["errors"] = {
        "missed_frame_sentences": [f"{gold.at[gi, 'source_id']}: {gold.at[gi, 'sentence_start']} "
                                   f"({gold.at[gi, 'frames']})" for gi, pi in pairs if pi is None],
        "spurious_frame_sentences": [f"{r.source_id} {r.sent_id}: {r.sentence[:70]} "
                                     f"({'|'.join(sorted(r.labels))})" for r in spurious.itertuples()],
        "wrong_frame_labels": label_errors,
        "wrong_frame_speaker": speaker_errors,
    }
    return out
