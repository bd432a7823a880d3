"""Scoring: analyzed tables against a gold folder (``nkhr evaluate``; see tests/gold/GUIDELINES.md).

A gold folder holds ``sources.csv``, ``speakers.csv``, ``quotes.csv`` and
``frames.csv``. Matching rules are in :mod:`nkhr.scoring.match`: a predicted
quote matches a gold row when its text contains the first five words of
``quote_start`` (one to one within a source); speakers match by name key or
alias. Scores:

- ``quotes``: precision, recall and F1 of quote finding;
- ``quotes_e2e``: the same counting only quotes with the right speaker;
- ``attribution_accuracy``: right speaker among matched quotes;
- ``speaker_clustering``: pairwise precision/recall/F1 over matched quotes
  (two quotes by one gold person should share one speaker_id, and only then);
- ``role_category_accuracy``: gold speakers found with the right category;
- frame metrics from :mod:`nkhr.scoring.frames`.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd

from ..errors import NkhrError
from ..tables import Tables, read_tables
from .match import contains_start, names_match


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "tp": tp, "fp": fp, "fn": fn}


def read_gold(folder) -> dict[str, pd.DataFrame]:
    folder = Path(folder)
    gold = {}
    for name in ("sources", "speakers", "quotes", "frames"):
        f = folder / f"{name}.csv"
        if f.exists():
            gold[name] = pd.read_csv(f, dtype=str, keep_default_na=False)
    if "quotes" not in gold and "frames" not in gold:
        raise NkhrError(f"{folder}: no gold quotes.csv or frames.csv here")
    return gold


def gold_aliases(speakers: pd.DataFrame | None) -> dict[str, set[str]]:
    if speakers is None:
        return {}
    return {r.speaker: {a for a in str(r.aliases).split("|") if a} for r in speakers.itertuples()}


def match_quotes(gold_q: pd.DataFrame, pred_q: pd.DataFrame) -> list[tuple[int, int | None]]:
    """(gold row, matched pred row or None), one to one within a source."""
    pairs = []
    by_source = {sid: g for sid, g in pred_q.groupby("source_id", sort=False)}
    used: set[int] = set()
    for gi, g in gold_q.iterrows():
        match = None
        cands = by_source.get(g.source_id)
        if cands is not None:
            for pi, text in zip(cands.index, cands.text, strict=True):
                if pi not in used and contains_start(text, g.quote_start):
                    match = pi
                    used.add(pi)
                    break
        pairs.append((gi, match))
    return pairs


def quote_pairs(gold: dict, pred: Tables) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple[int, int | None]]]:
    """(gold quotes, predicted quotes of the gold's sources, their pairs by :func:`match_quotes`)."""
    gq, pq = gold["quotes"], pred["quotes"]
    pq = pq[pq.source_id.isin(set(gq.source_id) | set(gold.get("sources", gq).source_id))]
    return gq, pq, match_quotes(gq, pq)


def score_quotes(gold: dict, pred: Tables) -> dict:
    gq, pq, pairs = quote_pairs(gold, pred)
    aliases = gold_aliases(gold.get("speakers"))
    tp = sum(m is not None for _, m in pairs)
    right = [(gi, m) for gi, m in pairs if m is not None
             and names_match(pq.at[m, "speaker"], gq.at[gi, "speaker"], aliases)]
    out = {
        "quotes": _prf(tp, len(pq) - tp, len(gq) - tp),
        "quotes_e2e": _prf(len(right), len(pq) - len(right), len(gq) - len(right)),
        "attribution_accuracy": round(len(right) / tp, 4) if tp else 0.0,
    }
    matched = [(gq.at[gi, "speaker"], pq.at[m, "speaker_id"] if pd.notna(pq.at[m, "speaker_id"]) else f"none{m}")
               for gi, m in pairs if m is not None]
    s_tp = s_fp = s_fn = 0
    for (ga, pa), (gb, pb) in combinations(matched, 2):
        same_gold, same_pred = ga == gb, pa == pb
        s_tp += same_gold and same_pred
        s_fp += same_pred and not same_gold
        s_fn += same_gold and not same_pred
    out["speaker_clustering"] = _prf(s_tp, s_fp, s_fn)
    out["errors"] = {
        "missed": [f"{gq.at[gi, 'source_id']}: {gq.at[gi, 'quote_start']}" for gi, m in pairs if m is None],
        "wrong_speaker": [f"{gq.at[gi, 'source_id']}: {gq.at[gi, 'quote_start']} -> {pq.at[m, 'speaker']!s} "
                          f"(gold {gq.at[gi, 'speaker']})" for gi, m in pairs
                          if m is not None and (gi, m) not in right],
        "spurious": [f"{r.source_id}: {r.text[:60]}" for r in pq.drop([m for _, m in pairs if m is not None]).itertuples()],
    }
    return out


def role_pairs(gold: dict, pred: Tables) -> list[tuple]:
    """(gold speaker row, the predicted speaker row it is found as, or None), for each gold speaker."""
    gs = gold.get("speakers")
    if gs is None or gs.empty:
        return []
    aliases = gold_aliases(gs)
    sp = list(pred["speakers"].itertuples())
    out = []
    for g in gs.itertuples():
        # by canonical name first, then by a full-name alias (a bare surname is never enough)
        found = next((p for p in sp if names_match(p.name, g.speaker, aliases)), None)
        if found is None:
            found = next((p for p in sp if any(names_match(a, g.speaker, aliases)
                                               for a in str(p.aliases).split("|") if " " in a)), None)
        out.append((g, found))
    return out


def score_roles(gold: dict, pred: Tables) -> dict:
    pairs = role_pairs(gold, pred)
    if not pairs:
        return {}
    missing = [g.speaker for g, p in pairs if p is None]
    wrong = [f"{g.speaker}: {p.role_category} (gold {g.role_category})" for g, p in pairs
             if p is not None and p.role_category != g.role_category]
    right = len(pairs) - len(missing) - len(wrong)
    return {"role_category_accuracy": round(right / len(pairs), 4),
            "role_errors": {"not_found": missing, "wrong_category": wrong}}


def evaluate(gold, pred) -> dict:
    """Scores of `pred` (a Tables or a folder of analyzed tables) against gold folder `gold`."""
    g = read_gold(gold)
    p = pred if isinstance(pred, Tables) else read_tables(pred)
    scores: dict = {}
    if "quotes" in g:
        scores.update(score_quotes(g, p))
        scores.update(score_roles(g, p))
    if "frames" in g and "frames" in p:
        from .frames import score_frames

        frame_scores = score_frames(g["frames"], p, gold_speakers=g.get("speakers"),
                                    sources=g["sources"].source_id if "sources" in g else None)
        scores["frame_errors"] = frame_scores.pop("errors", {})
        scores.update(frame_scores)
    return scores


def format_scores(scores: dict) -> str:
    """A readable table of the headline scores (``nkhr evaluate --errors`` lists the errors:
    :mod:`nkhr.scoring.errors`)."""
    lines = [f"{'metric':<32}{'precision':>10}{'recall':>10}{'f1':>10}"]
    for key in ("quotes", "quotes_e2e", "speaker_clustering", "frame_sentence"):
        if key in scores:
            s = scores[key]
            lines.append(f"{key:<32}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}")
    for key in ("attribution_accuracy", "role_category_accuracy", "frame_label_micro_f1",
                "frame_label_e2e_f1", "frame_speaker_accuracy"):
        if key in scores:
            lines.append(f"{key:<32}{scores[key]:>30.3f}")
    return "\n".join(lines)
