"""The ``nkhr`` command line: news articles to tables, notebooks and a brief."""

# Parses arguments and calls the public API; no logic lives here. Every command and option
# has a help line a researcher understands and an example (`nkhr COMMAND --help`).

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from .errors import NkhrError

DESCRIPTION = ("Find who is quoted on North Korean human rights, on which themes, and how they "
               "link rights to weapons programs: news articles in, tables, notebooks and an "
               "HTML/PDF brief out.")
EXAMPLES = """examples:
  nkhr run                                     analyze the bundled articles and make the brief
  nkhr run --corpus my/articles --out out      the same for your own articles, into out/
  nkhr analyze data/raw --out data/processed   only the tables (quotes, speakers, themes, frames)
  nkhr evaluate --gold tests/gold/seeds --pred data/processed
  nkhr batch reports/batch.yml --workers 2     run notebooks with parameters (docs/batch.md)
  nkhr render                                  render the last run's brief again

`nkhr COMMAND --help` explains a command and its options."""


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
    # the cyclic garbage collector is paused for the whole command, as it is for the analysis
    # itself (see pipeline._gc_paused): its passes over the objects that the imports, the
    # codebooks and the summary make find next to no cycles, and cost about 2% of a run
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze_paused(a)
    finally:
        if enabled:
            gc.enable()


def _analyze_paused(a) -> int:
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
    from .tables import read_tables

    pred = read_tables(a.pred)
    scores = evaluate(a.gold, pred)
    errors = None
    if a.errors:
        from .scoring.errors import error_rows, format_errors

        errors = error_rows(a.gold, pred)
    if a.json:
        import json

        if errors is not None:
            scores["error_rows"] = errors.to_dict(orient="records")
        print(json.dumps(scores, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(format_scores(scores))
        if errors is not None:
            print("\n" + format_errors(errors))
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

    print(run(corpus=a.corpus, out=a.out, gold=a.gold, engine=a.engine, workers=a.workers).summary())
    return 0


ENGINE_HELP = ("who renders: quarto (Quarto, if installed), embedded (Pandoc and Typst from the "
               "Python packages), auto (default: Quarto when it is on PATH, else embedded)")
EXECUTOR_HELP = ("where the work runs: local (processes on this machine, the default) or dask "
                 "(a dask cluster)")
SCHEDULER_HELP = ("with --executor dask: the address of a running dask scheduler, e.g. "
                  "tcp://10.0.0.5:8786 (default: start a cluster on this machine)")


def _command(sub, name: str, summary: str, examples: str, func):
    """A subcommand with a one-line summary (in `nkhr --help`) and examples (in its own help)."""
    s = sub.add_parser(name, help=summary, description=summary[:1].upper() + summary[1:] + ".",
                       epilog="examples:\n" + examples,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    s.set_defaults(func=func)
    return s


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nkhr", description=DESCRIPTION, epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    from . import __version__

    p.add_argument("--version", action="version", version=f"nkhr {__version__}")
    sub = p.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")

    def engine_arg(s):
        s.add_argument("--engine", choices=["auto", "quarto", "embedded"], default="auto",
                       help=ENGINE_HELP)

    def executor_args(s):
        s.add_argument("--executor", choices=["local", "dask"], default="local", help=EXECUTOR_HELP)
        s.add_argument("--scheduler", help=SCHEDULER_HELP)

    def corpus_args(s):
        s.add_argument("raw_dir", type=Path, metavar="RAW_DIR",
                       help="folder of articles: one .txt or .html file per article")
        s.add_argument("--out", type=Path, required=True,
                       help="folder to write the tables to (Parquet and CSV, with meta.json)")
        s.add_argument("--catalog", type=Path, default=None,
                       help="CSV of outlet, date, title and URL per article (source_id, outlet, "
                            "published, title, url; default: catalog.csv in RAW_DIR or its parent)")
        s.add_argument("--strict", action="store_true",
                       help="fail (exit 1) on any problem, not only when no article could be read")
        s.add_argument("--max-mb", type=float, default=10.0,
                       help="skip files larger than this many megabytes (default 10)")
        s.add_argument("--follow-links", action="store_true",
                       help="read files linked from RAW_DIR to outside it (default: reported, skipped)")

    s = _command(sub, "ingest", "read articles into tables of sources, paragraphs and sentences",
                 "  nkhr ingest data/raw --out data/processed", _ingest)
    corpus_args(s)

    s = _command(sub, "analyze", "find quotes, speakers, themes and frames in articles",
                 "  nkhr analyze data/raw --out data/processed\n"
                 "  nkhr analyze my/articles --out out --themes my_themes.yml --workers 2", _analyze)
    corpus_args(s)
    s.add_argument("--themes", type=Path,
                   help="your theme codebook (YAML, ours or a quanteda dictionary; default: "
                        "data/codebooks/themes.yml)")
    s.add_argument("--frames", type=Path,
                   help="your frame codebook (YAML; default: data/codebooks/frames.yml)")
    s.add_argument("--speakers", type=Path,
                   help="your speaker registry: names, aliases and roles to correct (YAML)")
    s.add_argument("--workers", type=int, default=1,
                   help="articles are split across this many processes (default 1)")
    executor_args(s)
    s.add_argument("--cache", type=Path, default=None,
                   help="folder keeping each article's results, so a re-run redoes only changed "
                        "articles (default OUT/.cache)")
    s.add_argument("--no-cache", action="store_true",
                   help="redo every article, ignoring and not writing the cache")

    s = _command(sub, "evaluate", "score analyzed tables against hand annotations (a gold folder)",
                 "  nkhr evaluate --gold tests/gold/seeds --pred data/processed", _evaluate)
    s.add_argument("--gold", type=Path, required=True,
                   help="folder of hand annotations: sources.csv, speakers.csv, quotes.csv, "
                        "frames.csv (how to annotate: tests/gold/GUIDELINES.md)")
    s.add_argument("--pred", type=Path, required=True,
                   help="folder of analyzed tables: the --out of `nkhr analyze`, or OUT/tables "
                        "of `nkhr run`")
    s.add_argument("--json", action="store_true", help="print the scores as JSON (for scripts)")
    s.add_argument("--errors", action="store_true",
                   help="also list each missed, misattributed and spurious quote and frame sentence, "
                        "with the sentence and why, and each speaker not listed or in another role")

    s = _command(sub, "batch", "run notebooks with parameters from a batch spec (YAML)",
                 "  nkhr batch reports/batch.yml --workers 2\n"
                 "  nkhr batch my_batch.yml --dry-run     (check the spec, list the runs)", _batch)
    s.add_argument("spec", type=Path, metavar="SPEC",
                   help="the batch spec: which notebooks, with which parameters, where (format "
                        "and a complete example: docs/batch.md)")
    s.add_argument("--workers", type=int, default=None,
                   help="notebooks run at a time (default: the spec's workers, else one per CPU)")
    s.add_argument("--force", action="store_true",
                   help="rerun every notebook, also those whose inputs did not change")
    s.add_argument("--dry-run", action="store_true",
                   help="check the spec and list the runs, without running any")
    executor_args(s)
    s.add_argument("--timeout", type=float, default=None,
                   help="stop a notebook that runs longer than this many seconds (default: the "
                        "spec's timeout, else none)")
    s.add_argument("--output-root", type=Path, default=None,
                   help="a folder outside the project that the spec's outputs may be written to")

    s = _command(sub, "render", "render an executed brief notebook to HTML and PDF again",
                 "  nkhr render                           (the brief of the last `nkhr run`)\n"
                 "  nkhr render --out out                 (the last `nkhr run --out out`)\n"
                 "  nkhr render out/runs/brief/brief.ipynb --out out --formats html", _render)
    s.add_argument("source", nargs="?", type=Path, default=None, metavar="NOTEBOOK",
                   help="the executed brief notebook (default: OUT/runs/brief/brief.ipynb, "
                        "which `nkhr run --out OUT` leaves)")
    s.add_argument("--out", type=Path, default=None,
                   help="folder for brief.html and brief.pdf (default reports/_build)")
    engine_arg(s)
    s.add_argument("--formats", default="html,pdf",
                   help="which files to make: html, pdf, or html,pdf (the default)")

    s = _command(sub, "run", "analyze articles, run the notebooks, make the HTML and PDF brief",
                 "  nkhr run\n"
                 "  nkhr run --corpus my/articles --out out --gold my/gold", _run)
    s.add_argument("--corpus", type=Path, default=None,
                   help="folder of articles (.txt or .html; default: the bundled data/raw)")
    s.add_argument("--out", type=Path, default=None,
                   help="folder for tables/, runs/ (the executed notebooks), brief.html and "
                        "brief.pdf (default reports/_build)")
    s.add_argument("--gold", type=Path, default=None,
                   help="folder of your hand annotations of some of these articles: their "
                        "accuracy scores go into the brief (tests/gold/GUIDELINES.md)")
    engine_arg(s)
    s.add_argument("--workers", type=int, default=None,
                   help="notebooks run at a time (default: one per CPU)")
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
