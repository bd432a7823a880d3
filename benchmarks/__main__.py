"""``python -m benchmarks``: run the benchmarks, write benchmarks/out/results.{json,md}.

    .venv/bin/python -m benchmarks                 # throughput, stages, profile, 10k scale
    .venv/bin/python -m benchmarks --quick         # small sizes only (a minute or two)
    .venv/bin/python -m benchmarks --all           # also batch_bench.py and render_bench.py
    .venv/bin/python -m benchmarks --record        # also copy results.md to benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks --rev HEAD      # measure a commit's src/ and data/, not the work tree

``--rev`` exports that commit's ``src``, ``data``, ``notebooks`` and ``reports``
(``git archive``; the work tree and index are not touched) to a temporary folder
and runs these benchmarks there, so edits in progress cannot change the code
between two runs.

Corpora are generated once per (size, seed) under benchmarks/corpus/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import analysis
from .corpus import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# --rev runs these benchmarks in a snapshot of the commit; the repository they belong to is
# passed on, so paths into it (and into the snapshot) are recorded relative to it.
REPO = Path(os.environ.get("NKHR_BENCH_REPO") or ROOT)


def repo_relative(text: str) -> str:
    """`text` with absolute paths into the repository (or a --rev snapshot of it) made relative
    to it: results then say `benchmarks/out`, not the folders of the machine they ran on."""
    for root in sorted({str(REPO), str(ROOT)}, key=len, reverse=True):
        text = text.replace(root + os.sep, "").replace(root, ".")
    return text

TARGETS = {  # name: (what, target, compare)
    "throughput_serial": ("nkhr.analyze chars/s ÷ spaCy blank tokenizer chars/s, serial", 1.0, ">="),
    "throughput_workers_2": ("the same, --workers 2 (spaCy n_process=2)", 1.0, ">="),
    "wall_10k": ("10k articles, nkhr analyze --workers 2, wall s", 60.0, "<"),
    "rss_10k": ("10k articles, peak RSS MB (process tree, --workers 2)", 2048.0, "<"),
    "speedup": ("--workers 2 vs 1 speed-up on 10k", 1.7, ">="),
    "identical": ("dask and --workers 2 tables byte-identical to serial", True, "=="),
    "incremental": ("re-run after 1 of 10k changed ÷ full serial run (no cache)", 0.10, "<"),
}


def corpus_for(n: int, seed: int, base: Path) -> Path:
    """benchmarks/corpus/n<N>_s<SEED>, generated unless its stamp says it is already there."""
    import hashlib

    from . import corpus as gen

    folder = base / f"n{n}_s{seed}"
    stamp = folder / ".generated"
    # the generator's code and the seed articles: a change to either makes a new corpus
    version = hashlib.sha256(Path(gen.__file__).read_bytes() + b"".join(
        f.read_bytes() for f in sorted(gen.SEEDS.glob("*.txt")))).hexdigest()[:16]
    if not stamp.exists() or json.loads(stamp.read_text()).get("generator") != version:
        g = generate(folder, n, seed=seed)
        stamp.write_text(json.dumps({"n": n, "seed": seed, "sha256": g.sha256, "bytes": g.bytes,
                                     "generator": version}))
    return folder


def check_targets(res: dict) -> list[dict]:
    got: dict = {}
    tp = res.get("throughput", {}).get("runs", {})
    if "workers_1" in tp:
        got["throughput_serial"] = tp["workers_1"]["ratio_vs_spacy_same_workers"]
    if "workers_2" in tp:
        got["throughput_workers_2"] = tp["workers_2"]["ratio_vs_spacy_same_workers"]
    sc = res.get("scale", {})
    if sc.get("runs"):
        best = sc["runs"].get("workers_2") or sc["runs"]["workers_1"]
        got["wall_10k"] = best["wall_s"]
        got["rss_10k"] = best["peak_tree_rss_mb"]
        got["speedup"] = sc.get("speedup_workers_2")
        got["identical"] = all(v["identical"] for v in sc.get("identical_to_serial", {}).values())
    if "incremental" in sc:  # against the uncached serial run: the cached one pays for writing the cache
        inc = sc["incremental"]
        got["incremental"] = inc.get("ratio_vs_no_cache_serial", inc["ratio_vs_full"])
    rows = []
    for key, (what, target, cmp) in TARGETS.items():
        if key not in got or got[key] is None:
            continue
        v = got[key]
        ok = v >= target if cmp == ">=" else v < target if cmp == "<" else v == target
        rows.append({"target": key, "what": what, "value": v, "goal": f"{cmp} {target}", "met": ok})
    return rows


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:,.2f}"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}"
    return str(x)


def to_markdown(res: dict) -> str:
    m = res["machine"]
    lines = ["# nkhr benchmark results", "",
             f"Machine: {m['cpus']} CPUs (a pure-Python loop runs {m.get('parallel_speedup_2_procs')}× "
             f"faster in 2 processes than in 1), Python {m['python']}, {m['platform']}. "
             f"Command: `{repo_relative(res['command'])}`. Seed {res['seed']}. Code: {res['code']['rev']}.", ""]
    if res.get("targets"):
        lines += ["## Targets", "", "| target | value | goal | met |", "|---|---:|---|---|"]
        for t in res["targets"]:
            lines.append(f"| {t['what']} | {_fmt(t['value'])} | {t['goal']} | {'yes' if t['met'] else '**no**'} |")
        lines.append("")
    tp = res.get("throughput")
    if tp:
        lines += [f"## Throughput ({tp['articles']:,} articles, {tp['chars'] / 1e6:.1f} M chars, in-process)", "",
                  "| run | nkhr s | nkhr chars/s | spaCy s | spaCy chars/s | nkhr ÷ spaCy (same workers) | nkhr ÷ spaCy serial |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, r in tp["runs"].items():
            lines.append(f"| {name} | {r['nkhr_s']} | {r['nkhr_chars_per_s']:,} | {r['spacy_s']} | "
                         f"{r['spacy_chars_per_s']:,} | {r['ratio_vs_spacy_same_workers']} | {r['ratio_vs_spacy_serial']} |")
        lines += ["", "spaCy: `spacy.blank('en')`, `nlp.tokenizer.pipe` serial; `nlp.pipe(n_process=2)` for 2.", ""]
    st = res.get("stages")
    if st:
        lines += [f"## Per-stage time ({st['articles']:,} articles, serial, slowest first)", "",
                  "| stage | s | share |", "|---|---:|---:|"]
        for k, v in st["seconds"].items():
            lines.append(f"| {k} | {v:.2f} | {st['share'][k]:.0%} |")
        lines += ["", f"Total {st['total_s']} s; a worker's results pickle to {st['pickled_mb']} MB.", ""]
    fl = res.get("floor")
    if fl:
        lines += [f"## What the serial bar leaves ({fl['articles']:,} articles, fastest of 3 each)", "",
                  f"spaCy's blank tokenizer takes {fl['spacy_s']:.2f} s on these articles. Pieces of "
                  "`nkhr analyze` that run (almost) all in C (`re`, Arrow), timed alone:", "",
                  "| piece | s | share of spaCy's time |", "|---|---:|---:|"]
        lines += [f"| {k} | {v:.2f} | {fl['share_of_spacy'][k]:.0%} |" for k, v in fl["seconds"].items()]
        lines += ["", f"Together {fl['total_share_of_spacy']:.0%} of the tokenizer's time. The rest of a serial "
                  f"run ({fl['nkhr_s']:.2f} s in all: cleaning, segmenting, quotes, speakers, the Python per "
                  f"match) takes {fl['rest_share_of_spacy']:.0%} of it, where the bar leaves "
                  f"{max(0.0, 1 - fl['total_share_of_spacy']):.0%}.", ""]
    ph = res.get("phases")
    if ph:
        f = ph["serial_share"]
        lines += ["## Phases of one real run (in-process, --workers 1, wall)", "",
                  "| phase | s |", "|---|---:|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in ph["seconds"].items()]
        lines += ["", f"Everything but *map* runs in the main process whatever the workers: "
                  f"{f:.0%} of this run, so 2 workers can give at most {1 / (f + (1 - f) / 2):.2f}× "
                  "(Amdahl), before the cost of sending results back.", ""]
    sc = res.get("scale")
    if sc and sc.get("runs"):
        lines += [f"## Scale: `nkhr analyze` on {sc['articles']:,} articles ({sc['mb']} MB)", "",
                  "| run | wall s | peak RSS MB (largest process) | peak RSS MB (process tree) | tables identical to serial |",
                  "|---|---:|---:|---:|---|"]
        ident = sc.get("identical_to_serial", {})
        for name, r in sc["runs"].items():
            same = "(reference)" if name == "workers_1" else (
                "yes" if ident[name]["identical"] else "**no**: " + ", ".join(ident[name]["differing"]))
            lines.append(f"| `{repo_relative(r['command'])}` | {r['wall_s']} | {r['peak_rss_mb']} | "
                         f"{r['peak_tree_rss_mb']} | {same} |")
        samples = "; ".join(f"{k}: {', '.join(map(str, r.get('samples', [r['wall_s']])))} s"
                            for k, r in sc["runs"].items())
        lines += ["", f"Speed-up of --workers 2 over 1: {sc['speedup_workers_2']}× (fastest of each; "
                  f"all samples: {samples}).", ""]
        inc = sc.get("incremental")
        if inc:
            lines += ["### Incremental re-run (same `--cache`)", "", "| run | wall s | peak RSS MB |", "|---|---:|---:|"]
            for k in ("full_with_cache", "rerun_one_changed", "rerun_nothing_changed"):
                lines.append(f"| {k.replace('_', ' ')} | {inc[k]['wall_s']} | {inc[k]['peak_rss_mb']} |")
            lines += ["", f"The full run is `nkhr analyze` as a user runs it (cache on, cold). "
                      f"One changed of {sc['articles']:,}: {inc['ratio_vs_full']:.1%} of that run, "
                      f"{inc['ratio_vs_no_cache_serial']:.1%} of the serial run without cache. "
                      f"Re-runs (one article changed before each; the median is shown): "
                      f"{', '.join(map(str, inc['rerun_one_changed'].get('samples', [])))} s. "
                      f"Articles redone: {inc['rerun_one_changed'].get('articles_redone')}. "
                      f"Tables that changed: {', '.join(inc['tables_changed']) or 'none'}. "
                      f"Cached full run identical to the uncached serial run: "
                      f"{'yes' if inc['full_identical_to_no_cache_serial'] else '**no**'}; "
                      f"unchanged re-run identical: {'yes' if inc['rerun_nothing_changed_identical'] else '**no**'}.", ""]
    for name, extra in res.get("external", {}).items():
        lines += [f"## {name}", "", "```json", repo_relative(json.dumps(extra, indent=2)[:4000]), "```", ""]
    prof = res.get("profile")
    if prof:
        lines += ["## Profile (serial, cProfile, top by own time)", "", "```",
                  repo_relative(_trim_profile(prof["tottime"])), "```", ""]
    return "\n".join(lines)


def _trim_profile(text: str) -> str:
    keep, started = [], False
    for ln in text.splitlines():
        if ln.strip().startswith("ncalls"):
            started = True
        if started and ln.strip():
            keep.append(ln.rstrip())
    return "\n".join(keep)


def run_external(name: str, out: Path, log) -> dict | None:
    script = HERE / f"{name}.py"
    if not script.exists():
        return None
    log(f"{name}: running {script.relative_to(ROOT)} ...")
    t0 = time.perf_counter()
    j = out / f"{name}.json"
    j.unlink(missing_ok=True)  # never report a previous run's figures
    p = subprocess.run([sys.executable, str(script), "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True)
    res = {"exit": p.returncode, "wall_s": round(time.perf_counter() - t0, 1)}
    if j.exists():
        res["result"] = json.loads(j.read_text())
    if p.returncode:
        res["stderr_tail"] = p.stderr[-1500:]
    return res


def _at_rev(rev: str, argv: list[str]) -> int:
    """Re-run ``python -m benchmarks ARGV`` on `rev`'s src/ and data/ (with these benchmarks)."""
    import tempfile

    sha = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    snap = Path(tempfile.mkdtemp(prefix=f"nkhr-bench-{sha[:10]}-"))
    tar = subprocess.run(["git", "archive", sha, "src", "data", "notebooks", "reports",
                          "pyproject.toml"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(snap)], input=tar, check=True)
    shutil.copytree(HERE, snap / "benchmarks", ignore=shutil.ignore_patterns("out", "corpus", "__pycache__"))
    env = dict(os.environ, PYTHONPATH=f"{snap / 'src'}{os.pathsep}{snap}", NKHR_BENCH_REV=sha,
               NKHR_BENCH_REPO=str(ROOT), NKHR_BENCH_COMMAND="python -m benchmarks " + " ".join(argv))
    env.pop("NKHR_CODEBOOKS", None)
    rest, skip = [], False
    for x in argv:  # drop --rev REV / --rev=REV
        if skip or x.startswith("--rev="):
            skip = False
            continue
        if x == "--rev":
            skip = True
            continue
        rest.append(x)
    if "--out" not in rest:
        rest += ["--out", str(HERE / "out")]
    rest += ["--corpus-dir", str(HERE / "corpus")]
    if "--record" in rest:
        rest.remove("--record")
        rest += ["--record-to", str(HERE / "RESULTS.md")]
    print(f"benchmarking {rev} ({sha[:10]}) from {snap}", flush=True)
    code = subprocess.run([sys.executable, "-m", "benchmarks", *rest], cwd=snap, env=env).returncode
    shutil.rmtree(snap, ignore_errors=True)
    return code


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--throughput-n", type=int, default=1000, help="articles for throughput (default 1000)")
    ap.add_argument("--stages-n", type=int, default=1000, help="articles for stages and profile (default 1000)")
    ap.add_argument("--scale-n", type=int, default=10000, help="articles for the scale runs (default 10000)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of --workers 1 and 2 each, alternately, on the scale corpus; the fastest "
                         "of each is kept: on a shared machine one run can be 25%% slower (default 3)")
    ap.add_argument("--quick", action="store_true", help="small sizes: 200 / 200 / 1000 articles")
    ap.add_argument("--skip", default="", help="comma list of: throughput,stages,floor,phases,profile,scale,dask,incremental")
    ap.add_argument("--all", action="store_true", help="also run batch_bench.py and render_bench.py if present")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--record", action="store_true", help="copy results.md to benchmarks/RESULTS.md")
    ap.add_argument("--record-to", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--rev", default=None, help="benchmark this commit's src/ and data/ (git archive)")
    ap.add_argument("--corpus-dir", type=Path, default=HERE / "corpus",
                    help="where generated corpora are kept (default benchmarks/corpus)")
    argv = list(sys.argv[1:] if argv is None else argv)
    a = ap.parse_args(argv)
    if a.rev:
        return _at_rev(a.rev, argv)
    a.out = a.out.resolve()
    if a.quick:
        a.throughput_n, a.stages_n, a.scale_n = 200, 200, 1000
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    a.out.mkdir(parents=True, exist_ok=True)
    base = a.corpus_dir

    def log(msg):
        print(msg, flush=True)

    import nkhr

    rev = os.environ.get("NKHR_BENCH_REV")
    command = os.environ.get("NKHR_BENCH_COMMAND") or "python -m benchmarks " + " ".join(argv)
    res: dict = {"command": command, "seed": a.seed,
                 "code": {"rev": rev or "work tree (uncommitted edits included)",
                          "nkhr": str(Path(nkhr.__file__).parent)},
                 "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "platform": platform.platform()}}
    res["machine"]["parallel_speedup_2_procs"] = analysis.machine_parallel()
    if "throughput" not in skip:
        c = corpus_for(a.throughput_n, a.seed, base)
        log(f"throughput on {c} ...")
        res["throughput"] = analysis.throughput(c)
        log(json.dumps(res["throughput"]["runs"], indent=1))
    if "stages" not in skip:
        c = corpus_for(a.stages_n, a.seed, base)
        log(f"stages on {c} ...")
        res["stages"] = analysis.stages(c)
        log(json.dumps(res["stages"]["seconds"], indent=1))
    if "floor" not in skip:
        c = corpus_for(a.throughput_n, a.seed, base)
        log(f"floor on {c} ...")
        res["floor"] = analysis.floor(c)
        log(json.dumps(res["floor"], indent=1))
    if "phases" not in skip:
        c = corpus_for(a.stages_n, a.seed, base)
        log(f"phases on {c} ...")
        res["phases"] = analysis.phases(c, workers=1)
        log(json.dumps(res["phases"]))
    if "profile" not in skip:
        c = corpus_for(a.stages_n, a.seed, base)
        log(f"profile on {c} ...")
        res["profile"] = analysis.profile(c)
        (a.out / "profile.txt").write_text(res["profile"]["cumulative"] + "\n" + res["profile"]["tottime"])
    if "scale" not in skip:
        c = corpus_for(a.scale_n, a.seed, base)
        log(f"scale on {c} ...")
        res["scale"] = analysis.scale(c, a.out / "scale", dask="dask" not in skip,
                                      incremental="incremental" not in skip, repeat=a.repeat, log=log)
    if a.all:
        res["external"] = {}
        for name in ("batch_bench", "render_bench"):
            got = run_external(name, a.out, log)
            if got is not None:
                res["external"][name] = got
    res["targets"] = check_targets(res)
    (a.out / "results.json").write_text(json.dumps(res, indent=2, sort_keys=True, default=str) + "\n")
    md = to_markdown(res)
    (a.out / "results.md").write_text(md + "\n")
    if a.record or a.record_to:
        shutil.copy(a.out / "results.md", a.record_to or HERE / "RESULTS.md")
    log(f"wrote {a.out / 'results.json'} and {a.out / 'results.md'}")
    for t in res["targets"]:
        log(f"  {'OK ' if t['met'] else 'MISS'} {t['what']}: {_fmt(t['value'])} (goal {t['goal']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
