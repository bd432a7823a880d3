"""Accuracy on every development set: ``python -m benchmarks.accuracy [--record]``.

Analyzes each gold set's raw articles with the current code (no cache, no
catalog: as a researcher's own folder would be) and scores the tables with
``nkhr evaluate``'s scorer. ``--record`` writes the table to
``benchmarks/ACCURACY.md``. PolNeAR's train and dev splits are scored too when a
local copy is given (``--polnear DIR`` or ``$NKHR_POLNEAR``; see
:mod:`benchmarks.polnear`): its texts are never committed, only the scores.

These are development sets: every rule was written while looking at them, so
they overstate what unseen articles get. The floors in
``tests/test_accuracy.py`` keep them from falling.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

import nkhr
from nkhr.scoring import evaluate

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SETS = {  # name: (raw articles, gold folder)
    "seeds": (ROOT / "data" / "raw", GOLD / "seeds"),
    "extra": (GOLD / "extra" / "raw", GOLD / "extra"),
    "korean": (GOLD / "korean" / "raw", GOLD / "korean"),
}
COLUMNS = [  # (header, how to read it from the scores)
    ("quote P", lambda s: s["quotes"]["precision"]),
    ("quote R", lambda s: s["quotes"]["recall"]),
    ("quote F1", lambda s: s["quotes"]["f1"]),
    ("attribution on found", lambda s: s["attribution_accuracy"]),
    ("end-to-end F1", lambda s: s["quotes_e2e"]["f1"]),
    ("speaker clustering F1", lambda s: s["speaker_clustering"]["f1"]),
    ("role accuracy", lambda s: s.get("role_category_accuracy")),
    ("gold speakers listed", lambda s: s.get("speakers_listed")),
    ("frame P", lambda s: s["frame_sentence"]["precision"]),
    ("frame R", lambda s: s["frame_sentence"]["recall"]),
    ("frame F1", lambda s: s["frame_sentence"]["f1"]),
    ("frame label F1 (all sentences)", lambda s: s["frame_label_e2e_f1"]),
    ("frame label F1 (found sentences)", lambda s: s["frame_label_micro_f1"]),
    ("frame speaker on found", lambda s: s["frame_speaker_accuracy"]),
]


def score_set(name: str) -> dict:
    raw, gold = SETS[name]
    scores = evaluate(gold, nkhr.analyze(raw, catalog=_no_catalog(raw)))
    missing = len(scores.get("role_errors", {}).get("not_found", []))
    total = len(pd.read_csv(gold / "speakers.csv", dtype=str))
    scores["speakers_listed"] = f"{total - missing}/{total}"
    return scores


def _no_catalog(raw: Path):
    """The gold sets are scored without their catalog (data/catalog.csv for the seeds): a
    catalog gives titles and dates that real folders often lack."""
    empty = Path(os.environ.get("TMPDIR", "/tmp")) / "nkhr-no-catalog.csv"
    empty.write_text("source_id,outlet,published,title,url\n", encoding="utf-8")
    return empty


def table(results: dict[str, dict], polnear: dict[str, dict]) -> str:
    def fmt(v):
        return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    lines = ["| set | " + " | ".join(h for h, _ in COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    for name, s in results.items():
        lines.append(f"| {name} | " + " | ".join(fmt(get(s)) for _, get in COLUMNS) + " |")
    out = "\n".join(lines)
    if polnear:
        out += ("\n\n| PolNeAR split | articles | gold quotes | quote recall | named-source quotes found "
                "| named-source attribution on found | with any speaker | failed articles |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|\n")
        out += "\n".join(f"| {split} | {p['articles']} | {p['gold_quotes']} | {p['recall']:.3f} | "
                         f"{p['named_found']}/{p['named']} | {p['named_attribution_on_found']:.3f} | "
                         f"{p['named_with_a_speaker']:.3f} | {p['failed']} |" for split, p in polnear.items())
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.split("\n\n")[0])
    ap.add_argument("--polnear", type=Path, default=os.environ.get("NKHR_POLNEAR"),
                    help="a local PolNeAR copy (default $NKHR_POLNEAR); its train and dev splits are scored")
    ap.add_argument("--sets", default=",".join(SETS), help="gold sets to score (default: all)")
    ap.add_argument("--record", action="store_true", help="write benchmarks/ACCURACY.md")
    a = ap.parse_args(argv)
    results = {name: score_set(name) for name in a.sets.split(",") if name}
    polnear = {}
    if a.polnear:
        from . import polnear as pn

        polnear = {split: pn.run(Path(a.polnear), split) for split in ("train", "dev")}
    text = table(results, polnear)
    print(text)
    if a.record:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        (ROOT / "benchmarks" / "ACCURACY.md").write_text(
            "# Accuracy on the development sets\n\n"
            f"Measured on {rev}{' (with uncommitted changes to src/)' if dirty else ''} by "
            "`python -m benchmarks.accuracy --record` (PolNeAR: `--polnear DIR`). These sets were used "
            "to develop the rules, so they overstate accuracy on unseen articles; see "
            "`tests/test_accuracy.py` for the floors the test suite holds them to.\n\n"
            + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
