"""benchmarks/RESULTS.md records repo-relative paths, never the folders of the machine it ran on."""

from __future__ import annotations

import re
from pathlib import Path

import benchmarks.__main__ as bench

ROOT = Path(__file__).resolve().parents[1]


def test_recorded_commands_and_paths_are_relative_to_the_repository(monkeypatch, tmp_path):
    snap = tmp_path / "nkhr-bench-abc"   # a --rev snapshot: the benchmarks run there
    monkeypatch.setattr(bench, "ROOT", snap)
    monkeypatch.setattr(bench, "REPO", ROOT)
    res = {"machine": {"cpus": 2, "python": "3.11", "platform": "Linux"}, "seed": 0,
           "code": {"rev": "abc"},
           "command": f"python -m benchmarks --all --out {ROOT}/benchmarks/out --record-to {ROOT}/benchmarks/RESULTS.md",
           "external": {"render_bench": {"result": {"corpus": f"{snap}/data/raw"}}}}
    md = bench.to_markdown(res)
    assert "Command: `python -m benchmarks --all --out benchmarks/out --record-to benchmarks/RESULTS.md`" in md
    assert '"corpus": "data/raw"' in md
    assert str(ROOT) not in md and str(tmp_path) not in md


def test_the_committed_results_hold_no_absolute_path():
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    assert not re.findall(r"(?<![\w.])/(?:work|tmp|home|root|Users)/\S+", text)
