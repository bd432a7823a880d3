"""``nkhr run``: from raw articles to ``brief.html`` and ``brief.pdf`` in one command.

Steps, each named in the error it raises:

1. **analyze** the corpus once (:func:`nkhr.analyze`) and write the tables to
   ``OUT/tables`` (Parquet + CSV + meta.json);
2. **batch**: run the default batch ``reports/batch.yml`` with
   :func:`nkhr.run_batch` into ``OUT/runs``, every notebook reading the
   analyzed tables (``corpus=OUT/tables``); the ``brief`` run also gets
   ``gold`` and ``corpus_name``;
3. **render** the executed ``OUT/runs/brief/brief.ipynb`` with
   :func:`nkhr.report.render.render` into ``OUT/brief.html`` and ``OUT/brief.pdf``.

With no arguments it uses the bundled corpus (``data/raw`` of the project) and
writes to ``reports/_build``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RenderError
from .render import choose_engine, executed_brief, render, reports_dir

BRIEF_RUN = "brief"
#: How ``nkhr run`` names each renderer for the researcher.
RENDERERS = {"quarto": "Quarto (found on PATH)",
             "embedded": "embedded: Pandoc and Typst from the installed Python packages"}


@dataclass
class RunResult:
    """What :func:`run` did: articles read, where each output is, which renderer made the brief."""

    corpus: Path
    articles: int
    problems: str                      # the ingest report's summary (what was skipped, and why)
    tables: Path
    runs: Path
    notebooks: int
    engine: str                        # "quarto" or "embedded"
    outputs: dict[str, Path] = field(default_factory=dict)

    def __getitem__(self, fmt: str) -> Path:
        return self.outputs[fmt]

    def summary(self) -> str:
        """Lines for the terminal: what was read, what was written where, by what."""
        lines = [f"read {self.articles} article(s) from {self.corpus}"]
        lines += [f"  {line}" for line in self.problems.splitlines()[1:]]
        lines += [f"tables: {self.tables} (Parquet and CSV; meta.json records inputs and codebooks)",
                  f"notebooks: {self.runs} ({self.notebooks} executed; manifest.json)",
                  f"renderer: {RENDERERS.get(self.engine, self.engine)}"]
        lines += [f"{fmt}: {path}" for fmt, path in self.outputs.items()]
        return "\n".join(lines)


def corpus_name(corpus: Path) -> str:
    """How the brief names `corpus`: its path inside the project (``data/raw``), else its folder name."""
    from ..params import project_root

    root = project_root()
    try:
        if root:
            return corpus.resolve().relative_to(root).as_posix()
    except ValueError:
        pass
    return corpus.name or str(corpus)


def run(corpus=None, out=None, gold=None, engine: str = "auto", workers: int | None = None,
        progress: bool = True, spec=None) -> RunResult:
    """Analyze `corpus`, run the default batch, render the brief; return a :class:`RunResult`
    (``result["html"]``, ``result["pdf"]`` are the brief's files).

    corpus: a folder of raw articles (default: the project's bundled ``data/raw``).
    out: the output folder (default ``reports/_build``): ``tables/``, ``runs/``,
        ``brief.html``, ``brief.pdf``.
    gold: a gold folder; its ``nkhr evaluate`` scores go into the brief's Methods.
    engine: "auto", "quarto" or "embedded" (see :func:`nkhr.render`).
    workers: notebooks run at a time (default: the batch spec's, else one per CPU).
    progress: show the batch's progress bar on stderr.
    spec: the batch spec (default ``reports/batch.yml``); it must have a run named "brief".

    Raises :class:`RenderError` naming the failed step (for the batch, with the
    summary of the failed runs); errors of analysis (bad codebook) and of the
    batch spec keep their own types.
    """
    from ..batch import run_batch
    from ..ingest import outside_corpus, summarize_report
    from ..params import default_corpus
    from ..pipeline import analyze

    corpus = Path(corpus).expanduser().resolve() if corpus else default_corpus()
    if not corpus.is_dir():
        raise RenderError(f"analyze: corpus {corpus} is not a folder; give a folder of articles "
                          "(*.txt, *.html): `nkhr run --corpus FOLDER`")
    out = Path(out).expanduser().resolve() if out else reports_dir() / "_build"
    outside_corpus(corpus, out)
    if gold:
        gold = Path(gold).expanduser().resolve()
        if not gold.is_dir():
            raise RenderError(f"gold: {gold} is not a folder; give a folder of hand annotations "
                              "(sources.csv, speakers.csv, quotes.csv, frames.csv; see "
                              "tests/gold/GUIDELINES.md), e.g. `--gold tests/gold/seeds`")
    chosen = choose_engine(engine)  # before the work: a missing Quarto fails at once

    tables_dir = out / "tables"
    tables = analyze(corpus, out=tables_dir)  # (`out` is checked writable before the work)
    if tables["sources"].empty:
        raise RenderError(f"analyze: no article could be read from {corpus}; see why with "
                          f"`nkhr ingest {corpus} --out FOLDER` (it lists every file it skipped)")

    spec = Path(spec) if spec else reports_dir() / "batch.yml"
    parameters = {"corpus": str(tables_dir), "gold": str(gold) if gold else "",
                  "corpus_name": corpus_name(corpus)}
    result = run_batch(spec, output=out / "runs", parameters=parameters, workers=workers,
                       progress=progress)
    if not result.ok:
        raise RenderError(f"batch: some notebooks failed, so no brief was rendered\n"
                          f"{result.summary()}")
    executed = executed_brief(out)
    if not executed.is_file():
        raise RenderError(f"batch: {spec} has no run named {BRIEF_RUN!r} writing {executed}")
    outputs = render(executed, out_dir=out, engine=chosen)
    return RunResult(corpus, len(tables["sources"]), summarize_report(tables), tables_dir,
                     out / "runs", len(result.runs), chosen, outputs)
