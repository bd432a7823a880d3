"""Benchmark of rendering the brief with the embedded engine (Pandoc + typst wheel).

    .venv/bin/python benchmarks/render_bench.py [--repeat N] [--corpus DIR]

Analyzes the corpus (default: the bundled data/raw), executes
notebooks/brief.ipynb once with papermill (not timed), then times
``nkhr.render(executed, engine="embedded")`` (HTML + PDF together, as
``nkhr render`` does) `--repeat` times, plus HTML alone and PDF alone.
Target: HTML + PDF < 1.5 s. Prints the timings and writes them to
benchmarks/out/render_bench.json. Wall-clock numbers: run it on an otherwise
idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.5


def executed_brief(corpus: Path, work: Path) -> Path:
    """Analyze `corpus` into WORK/tables and execute the brief notebook on it (not timed)."""
    import papermill as pm

    import nkhr

    tables = work / "tables"
    nkhr.analyze(corpus).write(tables)
    out = work / "brief.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "brief.ipynb"), str(out), kernel_name="python3",
                        parameters={"corpus": str(tables), "output_dir": str(work / "run"),
                                    "corpus_name": "benchmark"},
                        cwd=str(ROOT / "notebooks"), progress_bar=False)
    return out


def time_render(source: Path, out: Path, formats, repeat: int) -> list[float]:
    from nkhr.report.render import render

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        render(source, out_dir=out, engine="embedded", formats=formats)
        times.append(time.perf_counter() - t)
    return times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "raw")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    a = ap.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1720742400")
    work = a.out / "render_bench"
    work.mkdir(parents=True, exist_ok=True)
    source = executed_brief(a.corpus, work)
    time_render(source, work / "warmup", ("html", "pdf"), 1)  # first font/cmap loads, disk cache
    res = {"corpus": str(a.corpus), "repeat": a.repeat, "target_s": TARGET_S,
           "python": platform.python_version(), "cpus": os.cpu_count()}
    for name, formats in (("html_pdf", ("html", "pdf")), ("html", ("html",)), ("pdf", ("pdf",))):
        times = time_render(source, work / name, formats, a.repeat)
        res[name] = {"median_s": round(statistics.median(times), 3),
                     "min_s": round(min(times), 3), "max_s": round(max(times), 3)}
    out = work / "html_pdf"
    res["html_bytes"] = (out / "brief.html").stat().st_size
    res["pdf_bytes"] = (out / "brief.pdf").stat().st_size
    res["meets_target"] = res["html_pdf"]["median_s"] < TARGET_S
    (a.out / "render_bench.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"render, embedded engine, {a.repeat} runs (median / min / max, seconds):")
    for name in ("html_pdf", "html", "pdf"):
        r = res[name]
        print(f"  {name:<9} {r['median_s']:.3f} / {r['min_s']:.3f} / {r['max_s']:.3f}")
    print(f"  target: HTML + PDF < {TARGET_S} s -> {'met' if res['meets_target'] else 'NOT met'}")
    print(f"  sizes: brief.html {res['html_bytes']:,} B, brief.pdf {res['pdf_bytes']:,} B")
    return 0 if res["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
