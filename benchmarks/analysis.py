"""Benchmarks of ``nkhr analyze``: throughput, scale, stages, workers, identity, incremental.

Each function measures one thing and returns a plain dict (JSON-ready):

- :func:`throughput` chars/s of :func:`nkhr.analyze` (in-process, serial and
  ``workers=2``) against spaCy's blank English tokenizer on the same decoded
  text in the same run (serial ``nlp.tokenizer.pipe``; ``nlp.pipe(n_process=2)``);
- :func:`stages` per-stage seconds (read+decode, clean, segment, quotes+speakers,
  themes, frames, article rows, a chunk's Arrow tables and their transfer, reduce,
  writing tables),
  by calling each stage function on the same articles;
- :func:`floor` pieces of a run that run (almost) all in C, against the tokenizer's time;
- :func:`profile` the top of ``cProfile`` (cumulative and own time) for one serial run;
- :func:`scale` the ``nkhr analyze`` command on a big corpus in a subprocess:
  wall time and peak RSS (largest single process, from ``os.wait4``, and the
  whole process tree, sampled) for ``--workers 1``, ``--workers 2`` and
  ``--executor dask``; sha256 of every Parquet/CSV file of each, compared with
  the serial run; and an incremental re-run with ``--cache`` after one article changed.

Wall-clock numbers: run on an otherwise idle machine.
"""

from __future__ import annotations

import contextlib
import cProfile
import hashlib
import io
import json
import os
import pickle
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers

def _clock(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def _cpu(fn, *args, **kwargs):
    t0 = time.process_time()
    out = fn(*args, **kwargs)
    return time.process_time() - t0, out


def raw_texts(corpus) -> tuple[list[str], int]:
    """The decoded texts nkhr reads (after line-end normalization), and their total chars."""
    from nkhr.ingest import read_corpus

    texts, _, _ = read_corpus(corpus)
    out = [t.text for t in texts]
    return out, sum(len(t) for t in out)


def table_hashes(folder) -> dict[str, str]:
    """sha256 of every Parquet and CSV file in an output folder (meta.json aside)."""
    folder = Path(folder)
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.iterdir()) if f.suffix in (".parquet", ".csv")}


def _tree_rss(pid: int, pss: bool = False) -> int:
    """The process tree's resident memory: RSS summed (pages shared between the forked
    workers counted once per process), or `pss` (each shared page divided among the
    processes that share it: the memory the tree really holds; slower to read)."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        with contextlib.suppress(psutil.Error):
            total += q.memory_full_info().pss if pss else q.memory_info().rss
    return total


def run_cli(args: list[str], *, env: dict | None = None, log: Path | None = None) -> dict:
    """Run ``python -m nkhr.cli ARGS`` and measure it.

    Returns wall seconds, the peak RSS of the largest single process (``ru_maxrss``
    from ``os.wait4``, which covers the command and every child it reaped) and
    the peak RSS summed over the process tree (sampled every 50 ms).
    """
    cmd = [sys.executable, "-m", "nkhr.cli", *map(str, args)]
    e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="0", **(env or {}))
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    load0 = os.getloadavg()[0]  # other work on the machine skews wall times: recorded
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                         env=e, cwd=ROOT)
    peak_tree = peak_pss = 0
    done = threading.Event()

    def sample():
        nonlocal peak_tree, peak_pss
        n = 0
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(p.pid))
            if n % 4 == 0:  # every 200 ms: reading a process's page map costs more
                peak_pss = max(peak_pss, _tree_rss(p.pid, pss=True))
            n += 1
            done.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    if p.returncode != 0:
        tail = Path(log).read_text()[-2000:] if log else ""
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}\n{tail}")
    largest = ru.ru_maxrss * 1024
    return {"command": "nkhr " + " ".join(str(a) for a in args), "wall_s": round(wall, 2),
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 1),
            "peak_rss_mb": round(largest / 2**20, 1),
            "peak_tree_rss_mb": round(max(peak_tree, largest) / 2**20, 1),
            "peak_tree_pss_mb": round(peak_pss / 2**20, 1),
            "load_before": round(load0, 2), "load_after": round(os.getloadavg()[0], 2)}


def _spin(_=None) -> float:
    t0 = time.perf_counter()
    s = 0
    for i in range(4_000_000):
        s += i % 7
    return time.perf_counter() - t0


def machine_parallel() -> float:
    """How much faster 2 processes do 2 units of pure-Python work than 1 process: the
    ceiling for any --workers 2 speed-up on this machine, as loaded as it is now."""
    import multiprocessing as mp

    t0 = time.perf_counter()
    _spin()
    _spin()
    serial = time.perf_counter() - t0
    with mp.get_context("fork").Pool(2) as pool:
        t0 = time.perf_counter()
        pool.map(_spin, [0, 1])
        par = time.perf_counter() - t0
    return round(serial / par, 2)


# --------------------------------------------------------------------------- throughput

def spacy_tokenizer(texts: list[str], n_process: int = 1) -> tuple[float, float]:
    """(wall, CPU) seconds for spaCy's blank English pipeline to tokenize `texts` (tokenizer
    only; CPU of this process, so meaningful for ``n_process=1`` only)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = max(nlp.max_length, max(map(len, texts)) + 1)
    nlp.tokenizer("warm up the tokenizer's caches. Kim said so.")
    t0, c0 = time.perf_counter(), time.process_time()
    if n_process == 1:
        for _ in nlp.tokenizer.pipe(texts, batch_size=256):
            pass
    else:
        for _ in nlp.pipe(texts, n_process=n_process, batch_size=256):
            pass
    return time.perf_counter() - t0, time.process_time() - c0


def throughput(corpus, workers=(1, 2)) -> dict:
    """chars/s of nkhr.analyze and of spaCy's blank tokenizer on the same articles."""
    import nkhr

    texts, chars = raw_texts(corpus)
    nkhr.analyze(ROOT / "data" / "raw")  # imports and regex compilation out of the timing
    res = {"corpus": str(corpus), "articles": len(texts), "chars": chars, "runs": {}}
    for w in workers:
        c0 = time.process_time()
        secs, tables = _clock(nkhr.analyze, corpus, workers=w)
        cpu = time.process_time() - c0
        sp, sp_cpu = spacy_tokenizer(texts, n_process=w)
        res["runs"][f"workers_{w}"] = {
            "nkhr_s": round(secs, 2), "nkhr_chars_per_s": round(chars / secs),
            "spacy_s": round(sp, 2), "spacy_chars_per_s": round(chars / sp),
            "ratio_vs_spacy_same_workers": round(sp / secs, 2),
            "rows": {k: len(v) for k, v in tables.items()},
        }
        if w == 1:  # one process: CPU seconds are comparable even on a busy machine
            res["runs"]["workers_1"].update(
                nkhr_cpu_s=round(cpu, 2), spacy_cpu_s=round(sp_cpu, 2),
                ratio_vs_spacy_cpu=round(sp_cpu / cpu, 3))
    serial_spacy = res["runs"]["workers_1"]["spacy_s"]
    for r in res["runs"].values():
        r["ratio_vs_spacy_serial"] = round(serial_spacy / r["nkhr_s"], 2)
    return res


# --------------------------------------------------------------------------- floor

def floor(corpus, repeat: int = 3) -> dict:
    """What the serial throughput bar leaves for the stages' own logic.

    Pieces of a run that execute (almost) all in C (in ``re`` or Arrow), timed alone on
    the same articles as spaCy's blank tokenizer (fastest of `repeat` each), as a
    share of the tokenizer's time: the themes and frames codebooks' candidate scan
    (the regex engine only: no Python per match), building the Arrow tables from
    the finished rows, and the corpus-wide step with writing Parquet and CSV;
    and the rest of a serial :func:`nkhr.analyze` run (fastest of two), which the
    bar leaves 100 % minus their share for.
    """
    import nkhr
    from nkhr.codebooks import lower_text
    from nkhr.ingest import load_docs
    from nkhr.pipeline import Codebooks, MapResult, analyze_doc, reduce
    from nkhr.tables import TableSet

    books = Codebooks.load()
    texts, chars = raw_texts(corpus)
    docs, problems = load_docs(corpus, furniture=books.furniture)
    results = [analyze_doc(d, books) for d in docs]  # the scanner is built on the way
    scanner = books.themes.matcher.scanner
    lows = [lower_text(d.text) for d in docs]

    def scan():
        for low in lows:
            for rx, text in ((scanner.word_re, " " + low), (scanner.free_re, low)):
                if rx is not None:
                    for _ in rx.finditer(text):
                        pass

    def reduce_and_write():
        with tempfile.TemporaryDirectory(prefix="nkhr-floor-") as tmp, TableSet(Path(tmp) / "t") as out:
            reduce(MapResult.of(results), books, problems, out=out)

    def best(fn):
        return min(_clock(fn)[0] for _ in range(repeat))

    spacy_s = min(spacy_tokenizer(texts)[0] for _ in range(repeat))
    to_arrow = best(lambda: MapResult.of(results))
    pieces = {"themes+frames candidate scan (regex engine only)": best(scan),
              "Arrow tables from the finished rows": to_arrow,
              "corpus-wide step and writing Parquet+CSV": max(0.0, best(reduce_and_write) - to_arrow)}
    whole = min(_clock(nkhr.analyze, corpus)[0] for _ in range(2))
    return {"corpus": str(corpus), "articles": len(texts), "chars": chars,
            "spacy_s": round(spacy_s, 3), "nkhr_s": round(whole, 3),
            "seconds": {k: round(v, 3) for k, v in pieces.items()},
            "share_of_spacy": {k: round(v / spacy_s, 2) for k, v in pieces.items()},
            "total_share_of_spacy": round(sum(pieces.values()) / spacy_s, 2),
            "rest_share_of_spacy": round((whole - sum(pieces.values())) / spacy_s, 2)}


# --------------------------------------------------------------------------- stages

def stages(corpus, out_dir=None) -> dict:
    """CPU seconds per stage, calling each stage function on every article of `corpus`."""
    import nkhr
    from nkhr.extract import quotes as quotes_mod
    from nkhr.extract.frames import find_frames
    from nkhr.extract.themes import find_themes
    from nkhr.ingest import ingest_text, read_corpus
    from nkhr.ingest.clean import clean
    from nkhr.pipeline import Codebooks, MapResult, reduce, source_result

    nkhr.analyze(ROOT / "data" / "raw")  # warm up
    t = {}
    t["codebooks"], books = _cpu(Codebooks.load)
    t["read+decode"], (texts, rows, problems) = _cpu(read_corpus, corpus)
    t.update({k: 0.0 for k in ("clean", "segment", "quotes+speakers", "themes", "frames", "article rows")})
    results = []
    pc = time.process_time  # CPU seconds: other work on the machine does not inflate them
    for raw in texts:
        row = rows.get(raw.source_id)
        a = pc()
        clean(raw.text, books.furniture)
        b = pc()
        doc = ingest_text(raw, row, books.furniture)  # cleans again, then segments
        c = pc()
        people = quotes_mod.extract(doc, books.lexicon, books.korean)
        d = pc()
        th = find_themes(doc, books.themes)
        e = pc()
        fr = find_frames(doc, books.frames)
        f = pc()
        wanted = {int(s[1:]) - 1 for rows_ in (th, fr) for s in rows_["sent_id"]}
        owner = quotes_mod.sentence_speakers(doc, people, books.lexicon, wanted)  # as analyze_doc does
        f2 = pc()
        res = source_result(doc, people, owner, th, fr)
        g = pc()
        t["clean"] += b - a
        t["segment"] += max(0.0, (c - b) - (b - a))
        t["quotes+speakers"] += (d - c) + (f2 - f)
        t["themes"] += e - d
        t["frames"] += f - e
        t["article rows"] += g - f2
        results.append(res)

    def to_arrow_and_back():  # what a worker does with its articles' rows, and the transfer
        blob = pickle.dumps(MapResult.of(results), protocol=pickle.HIGHEST_PROTOCOL)
        return len(blob), pickle.loads(blob)

    t["to Arrow + transfer"], (pickled, merged) = _cpu(to_arrow_and_back)
    t["reduce"], tables = _cpu(reduce, merged, books, problems)
    tmp = Path(out_dir or tempfile.mkdtemp(prefix="nkhr-stages-"))
    t["write tables"], _ = _cpu(tables.write, tmp)
    if out_dir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(t.values())
    chars = sum(len(r.text) for r in texts)
    return {"corpus": str(corpus), "articles": len(texts), "chars": chars,
            "pickled_mb": round(pickled / 1e6, 1),
            "seconds": {k: round(v, 3) for k, v in sorted(t.items(), key=lambda kv: -kv[1])},
            "share": {k: round(v / total, 3) for k, v in sorted(t.items(), key=lambda kv: -kv[1])},
            "total_s": round(total, 2)}


def profile(corpus, top: int = 30) -> dict:
    """cProfile of one serial in-process nkhr.analyze: top functions by cumulative and own time."""
    import nkhr

    nkhr.analyze(ROOT / "data" / "raw")
    pr = cProfile.Profile(time.process_time)
    pr.enable()
    nkhr.analyze(corpus)
    pr.disable()
    out = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        st = pstats.Stats(pr, stream=buf).strip_dirs().sort_stats(key)
        st.print_stats(top)
        out[key] = buf.getvalue()
    return out


# --------------------------------------------------------------------------- scale

def scale(corpus, work, *, dask: bool = True, incremental: bool = True, repeat: int = 3,
          log=print) -> dict:
    """The ``nkhr analyze`` command on `corpus`: workers 1 vs 2, dask, identity, incremental."""
    work = Path(work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    res: dict = {"corpus": str(corpus), "articles": len(list(Path(corpus).glob("*.txt"))),
                 "mb": round(sum(f.stat().st_size for f in Path(corpus).glob("*.txt")) / 1e6, 1),
                 "runs": {}}
    # the pipeline itself, without the per-article cache (measured on its own below)
    nc = ["--no-cache"] if _has_option("analyze", "--no-cache") else []
    plan = [("workers_1", ["--workers", "1", *nc]), ("workers_2", ["--workers", "2", *nc])]
    if dask:
        plan.append(("dask_2", ["--executor", "dask", "--workers", "2", *nc]))
    hashes = {}
    # other work on a shared machine can stall one run: workers 1 and 2 run `repeat` times,
    # alternately, and the fastest of each is kept (every sample is in the results)
    order = [name for _ in range(repeat) for name in ("workers_1", "workers_2")]
    order += [name for name, _ in plan if name not in ("workers_1", "workers_2")]
    extras = dict(plan)
    for name in order:
        log(f"  scale: {name} ...")
        out = work / name
        shutil.rmtree(out, ignore_errors=True)
        r = run_cli(["analyze", corpus, "--out", out, *extras[name]], log=work / f"{name}.log")
        h = table_hashes(out)
        if name in hashes and h != hashes[name]:
            res.setdefault("not_repeatable", []).append(name)  # two runs, different tables
        hashes[name] = h
        r["files"] = len(h)
        prev = res["runs"].get(name)
        samples = (prev or {}).get("samples", []) + [r["wall_s"]]
        if prev is None or r["wall_s"] < prev["wall_s"]:
            res["runs"][name] = r
        res["runs"][name]["samples"] = samples
        log(f"    {r['wall_s']} s (CPU {r['cpu_s']} s, load {r['load_before']}->{r['load_after']}), "
            f"peak RSS {r['peak_rss_mb']} MB (tree {r['peak_tree_rss_mb']} MB)")
    base = hashes["workers_1"]
    # tables can only be compared if every run read the same codebooks and code version
    metas = {name: json.loads((work / name / "meta.json").read_text()) for name in hashes}
    res["same_codebooks_and_version"] = len({json.dumps([m.get("codebooks"), m.get("produced_by")],
                                                        sort_keys=True) for m in metas.values()}) == 1
    res["identical_to_serial"] = {
        name: {"identical": h == base,
               "differing": sorted(k for k in set(h) | set(base) if h.get(k) != base.get(k))}
        for name, h in hashes.items() if name != "workers_1"}
    res["speedup_workers_2"] = round(res["runs"]["workers_1"]["wall_s"] / res["runs"]["workers_2"]["wall_s"], 2)
    if incremental:
        res["incremental"] = inc = _incremental(corpus, work, log)
        inc["full_identical_to_no_cache_serial"] = table_hashes(work / "inc_full") == base
        inc["ratio_vs_no_cache_serial"] = round(inc["rerun_one_changed"]["wall_s"]
                                                / res["runs"]["workers_1"]["wall_s"], 3)
    return res


def _has_option(command: str, option: str) -> bool:
    p = subprocess.run([sys.executable, "-m", "nkhr.cli", command, "--help"], capture_output=True,
                       text=True, cwd=ROOT)
    return option in p.stdout


def _incremental(corpus, work: Path, log) -> dict:
    """Full run with --cache; then three times: change one article, re-run with the same cache."""
    from benchmarks.corpus import touch_one

    copy = work / "corpus_copy"
    shutil.copytree(corpus, copy)
    cache = work / "cache"
    log("  incremental: full run with --cache ...")
    full = run_cli(["analyze", copy, "--out", work / "inc_full", "--cache", cache],
                   log=work / "inc_full.log")
    names = sorted(f.stem for f in copy.glob("*.txt"))
    victims = [names[len(names) * k // 4] for k in (1, 2, 3)]
    runs = []
    for i, victim in enumerate(victims):  # three edits, three re-runs: the median is reported
        touch_one(copy, victim)
        log(f"  incremental: re-run after changing {victim} ...")
        r = run_cli(["analyze", copy, "--out", work / "inc_again", "--cache", cache],
                    log=work / f"inc_again_{i}.log")
        # articles the re-run redid, as it reports them ("analyzed N article(s); ...")
        said = re.search(r"analyzed (\d+) article", (work / f"inc_again_{i}.log").read_text())
        r["articles_redone"] = int(said.group(1)) if said else None
        runs.append(r)
    again = dict(sorted(runs, key=lambda r: r["wall_s"])[1], samples=[r["wall_s"] for r in runs])
    victim = ", ".join(victims)
    # what a run that redoes nothing costs: the floor of any incremental run
    noop = run_cli(["analyze", copy, "--out", work / "inc_noop", "--cache", cache],
                   log=work / "inc_noop.log")
    a, b = table_hashes(work / "inc_full"), table_hashes(work / "inc_again")
    noop_same = table_hashes(work / "inc_noop") == b
    shutil.rmtree(copy, ignore_errors=True)
    return {"changed": victim, "full_with_cache": full, "rerun_one_changed": again,
            "rerun_nothing_changed": noop,
            "ratio_vs_full": round(again["wall_s"] / full["wall_s"], 3),
            "rerun_nothing_changed_identical": noop_same,
            "tables_changed": sorted(k for k in a if a[k] != b.get(k))}


# --------------------------------------------------------------------------- phases

def phases(corpus, workers: int = 1, out_dir=None) -> dict:
    """Wall seconds of each phase of one real ``analyze`` + ``write`` (in-process), by
    wrapping the pipeline's own functions: codebooks, map (per-article work, in
    `workers` processes, including sending results back, and the reading of the
    files, which feeds the workers as they go), reduce, write. What is not
    in *map* runs in one process whatever `workers` is: it bounds the speed-up."""
    from nkhr import ingest, pipeline
    from nkhr.tables import Tables

    pipeline.analyze(ROOT / "data" / "raw")  # warm up
    spent: dict[str, float] = {}
    originals = {}

    def wrap(owner, name, label):
        fn = getattr(owner, name)
        originals[(owner, name)] = fn

        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t0

        setattr(owner, name, timed)

    wrap(pipeline.Codebooks, "load", "codebooks")
    wrap(ingest, "read_raw", "read (inside map)")
    wrap(pipeline, "_map", "map")
    wrap(pipeline, "reduce", "reduce")
    wrap(Tables, "write", "write")
    tmp = Path(out_dir or tempfile.mkdtemp(prefix="nkhr-phases-"))
    try:
        t0 = time.perf_counter()
        tables = pipeline.analyze(corpus, workers=workers)
        tables.write(tmp)
        total = time.perf_counter() - t0
    finally:
        for (owner, name), fn in originals.items():
            setattr(owner, name, fn)
        if out_dir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    spent["codebooks"] = spent.get("codebooks", 0.0)
    spent["other"] = total - sum(v for k, v in spent.items() if "inside" not in k)
    return {"workers": workers, "total_s": round(total, 2),
            "seconds": {k: round(v, 2) for k, v in spent.items()},
            "serial_share": round(1 - spent.get("map", 0.0) / total, 3)}
