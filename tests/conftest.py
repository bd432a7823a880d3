"""Shared fixtures: the bundled corpus, analyzed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def corpus():
    """Ingested bundled corpus (sources, paragraphs, sentences, ingest_report)."""
    import nkhr

    return nkhr.load_corpus(RAW)


@pytest.fixture(scope="session")
def analyzed():
    """Every table of the bundled corpus."""
    import nkhr

    return nkhr.analyze(RAW)


@pytest.fixture(scope="session")
def analyzed_dir(analyzed, tmp_path_factory):
    """The bundled corpus's tables written to a folder (as `nkhr analyze` does)."""
    out = tmp_path_factory.mktemp("analyzed")
    analyzed.write(out)
    return out
