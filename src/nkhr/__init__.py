"""nkhr: who speaks on North Korean human rights, on which themes, and how they
link human rights to the regime's weapons programs.

The public API (imported lazily, so ``import nkhr`` stays fast):

- :func:`load_corpus` raw articles -> sources, paragraphs, sentences (+ ingest_report)
- :func:`analyze` raw articles -> every table (quotes, mentions, speakers, themes, frames)
- :func:`load` a raw folder or a folder of analyzed tables -> Tables
- :func:`select` filter Tables by date, outlet, speaker and language
- :func:`evaluate` score analyzed tables against a gold folder
- :func:`kwic` keyword in context
- :func:`run_batch` run parameterized notebooks under papermill
- :func:`render` render the brief to HTML and PDF
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "load_corpus": "nkhr.ingest",
    "analyze": "nkhr.pipeline",
    "load": "nkhr.pipeline",
    "select": "nkhr.select",
    "evaluate": "nkhr.scoring",
    "kwic": "nkhr.aggregate",
    "run_batch": "nkhr.batch",
    "render": "nkhr.report.render",
    "read_tables": "nkhr.tables",
    "Tables": "nkhr.tables",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'nkhr' has no attribute {name!r}")
