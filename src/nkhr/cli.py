"""The ``nkhr`` command. Parses arguments and calls the public API; no logic lives here."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import NkhrError


def _ingest(a) -> int:
    from .ingest import load_corpus, outside_corpus, summarize_report
    from .tables import TableSet

    outside_corpus(a.raw_dir, a.out)
    with TableSet(a.out) as out:  # can be written: checked before the work
        tables = load_corpus(a.raw_dir, catalog=a.catalog, max_mb=a.max_mb, follow_links=a.follow_links)
        tables.write(out)
    print(summarize_report(tables))
    print(f"wrote {len(tables.sources)} sources to {a.out}")
    return _exit_code(tables, a.strict)


def _exit_code(tables, strict: bool) -> int:
    if tables.sources.empty:
        return 1
    if strict and (tables.ingest_report.severity != "info").any():
        return 1
    return 0


def _analyze(a) -> int:
    from .ingest import summarize_report
    from .pipeline import analyze

    tables = analyze(a.raw_dir, catalog=a.catalog, themes=a.themes, frames=a.frames,
                     speakers=a.speakers, workers=a.workers, executor=a.executor,
                     scheduler=a.scheduler, max_mb=a.max_mb, follow_links=a.follow_links,
                     cache_dir=None if a.no_cache else (a.cache or a.out / ".cache"), out=a.out)
    print(summarize_report(tables))
    counts = ", ".join(f"{len(df)} {name}" for name, df in tables.items() if name != "ingest_report")
    run = tables.run
    print(f"analyzed {run['articles'] - run['from_cache']} article(s); {run['from_cache']} unchanged, from the cache")
    print(f"wrote {counts} to {a.out}")
    return _exit_code(tables, a.strict)


def _evaluate(a) -> int:
    from .scoring import evaluate, format_scores

    scores = evaluate(a.gold, a.pred)
    if a.json:
        import json

        print(json.dumps(scores, indent=2, sort_keys=True))
    else:
        print(format_scores(scores))
    return 0


def _batch(a) -> int:
    from .batch import run_batch

    result = run_batch(a.spec, workers=a.workers, force=a.force, dry_run=a.dry_run,
                       executor=a.executor, scheduler=a.scheduler, timeout=a.timeout,
                       output_root=a.output_root)
    print(result.summary())
    return 0 if result.ok else 1


def _render(a) -> int:
    from .report.render import render

    outputs = render(a.source, out_dir=a.out, engine=a.engine, formats=tuple(a.formats.split(",")))
    for fmt, path in outputs.items():
        print(f"{fmt}: {path}")
    return 0


def _run(a) -> int:
    from .report.run import run

    outputs = run(corpus=a.corpus, out=a.out, gold=a.gold, engine=a.engine, workers=a.workers)
    for fmt, path in outputs.items():
        print(f"{fmt}: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nkhr", description=__doc__.splitlines()[0] if __doc__ else None)
    from . import __version__

    p.add_argument("--version", action="version", version=f"nkhr {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def corpus_args(s):
        s.add_argument("raw_dir", type=Path, help="folder of raw articles (*.txt, *.html)")
        s.add_argument("--out", type=Path, required=True, help="folder for the tables")
        s.add_argument("--catalog", type=Path, default=None,
                       help="catalog CSV (default: catalog.csv in RAW_DIR or its parent, if any)")
        s.add_argument("--strict", action="store_true",
                       help="exit non-zero on any problem, not only when nothing was ingested")
        s.add_argument("--max-mb", type=float, default=10.0,
                       help="skip raw files larger than this (default 10 MB)")
        s.add_argument("--follow-links", action="store_true",
                       help="read files linked from RAW_DIR to outside it (default: reported, skipped)")

    s = sub.add_parser("ingest", help="raw articles -> sources, paragraphs, sentences")
    corpus_args(s)
    s.set_defaults(func=_ingest)

    s = sub.add_parser("analyze", help="raw articles -> every table")
    corpus_args(s)
    s.add_argument("--themes", type=Path, help="theme codebook (ours or quanteda YAML)")
    s.add_argument("--frames", type=Path, help="frame codebook")
    s.add_argument("--speakers", type=Path, help="speaker registry")
    s.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    s.add_argument("--executor", choices=["local", "dask"], default="local")
    s.add_argument("--scheduler", help="dask scheduler address (default: a local cluster)")
    s.add_argument("--cache", type=Path, default=None,
                   help="per-article cache folder for incremental runs (default OUT/.cache)")
    s.add_argument("--no-cache", action="store_true", help="redo every article")
    s.set_defaults(func=_analyze)

    s = sub.add_parser("evaluate", help="score analyzed tables against gold annotations")
    s.add_argument("--gold", type=Path, required=True)
    s.add_argument("--pred", type=Path, required=True)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_evaluate)

    s = sub.add_parser("batch", help="run a batch of parameterized notebooks")
    s.add_argument("spec", type=Path)
    s.add_argument("--workers", type=int, default=None)
    s.add_argument("--force", action="store_true", help="rerun runs whose inputs are unchanged")
    s.add_argument("--dry-run", action="store_true", help="validate and list the runs, run nothing")
    s.add_argument("--executor", choices=["local", "dask"], default="local")
    s.add_argument("--scheduler", help="dask scheduler address (default: a local cluster)")
    s.add_argument("--timeout", type=float, default=None, help="per-run timeout in seconds")
    s.add_argument("--output-root", type=Path, default=None,
                   help="a folder outside the project that the spec's output may lie in")
    s.set_defaults(func=_batch)

    s = sub.add_parser("render", help="render the brief to HTML and PDF")
    s.add_argument("source", nargs="?", type=Path, default=None,
                   help="executed brief notebook (default: reports/brief.ipynb)")
    s.add_argument("--out", type=Path, default=None, help="output folder (default reports/_build)")
    s.add_argument("--engine", choices=["auto", "quarto", "embedded"], default="auto")
    s.add_argument("--formats", default="html,pdf")
    s.set_defaults(func=_render)

    s = sub.add_parser("run", help="analyze, run the default batch, render the brief")
    s.add_argument("--corpus", type=Path, default=None, help="raw folder (default: bundled corpus)")
    s.add_argument("--out", type=Path, default=None, help="output folder (default reports/_build)")
    s.add_argument("--gold", type=Path, default=None, help="gold folder: adds scores to the brief")
    s.add_argument("--engine", choices=["auto", "quarto", "embedded"], default="auto")
    s.add_argument("--workers", type=int, default=None)
    s.set_defaults(func=_run)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except NkhrError as e:
        print(f"nkhr {args.command}: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a full disk, a file that vanished: one line, not a traceback
        where = f"{e.filename}: " if e.filename else ""
        print(f"nkhr {args.command}: error: {where}{e.strerror or e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
