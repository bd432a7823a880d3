"""The benchmark corpus generator: deterministic, prefix-stable, and every article ingests."""

from __future__ import annotations

import csv

import pytest

from benchmarks.corpus import generate, touch_one
from nkhr import load_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen") / "a", 40, seed=7)


def test_same_seed_same_bytes(corpus, tmp_path):
    again = generate(tmp_path / "b", 40, seed=7)
    assert again.sha256 == corpus.sha256
    assert again.ids == corpus.ids
    other = generate(tmp_path / "c", 40, seed=8)
    assert other.sha256 != corpus.sha256


def test_prefix_stable(corpus, tmp_path):
    """Article i does not depend on how many are generated."""
    small = generate(tmp_path / "d", 10, seed=7)
    assert small.ids == corpus.ids[:10]
    for sid in small.ids:
        assert (small.path / f"{sid}.txt").read_bytes() == (corpus.path / f"{sid}.txt").read_bytes()


def test_articles_are_valid_and_varied(corpus):
    files = sorted(corpus.path.glob("*.txt"))
    assert len(files) == 40 and len({f.read_bytes() for f in files}) == 40
    sizes = [f.stat().st_size for f in files]
    assert min(sizes) >= 1000 and max(sizes) <= 200_000
    with open(corpus.path / "catalog.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["source_id"] for r in rows} <= set(corpus.ids)
    assert len({r["outlet"] for r in rows}) >= 4
    assert len({r["published"] for r in rows}) >= 20

    t = load_corpus(corpus.path)
    assert len(t.sources) == 40  # nothing skipped: no duplicates, nothing empty
    assert (t.ingest_report.severity != "error").all()
    assert set(t.sources.language) >= {"en", "ko"}
    assert (t.sources.n_chars > 300).all()


def test_large_sizes_reach_the_range(tmp_path):
    g = generate(tmp_path / "big", 3, seed=1, mean_kb=150, min_kb=120, max_kb=200)
    sizes = [(g.path / f"{sid}.txt").stat().st_size for sid in g.ids]
    assert max(sizes) > 100_000 and max(sizes) <= 200_000


def test_touch_one_changes_one_file(corpus, tmp_path):
    g = generate(tmp_path / "e", 5, seed=7)
    before = {sid: (g.path / f"{sid}.txt").read_bytes() for sid in g.ids}
    touch_one(g.path, g.ids[2])
    changed = [sid for sid in g.ids if (g.path / f"{sid}.txt").read_bytes() != before[sid]]
    assert changed == [g.ids[2]]


def test_the_korean_corpus_is_korean_deterministic_and_has_new_names(tmp_path):
    from benchmarks import korean_corpus

    a = korean_corpus.generate(tmp_path / "ka", 12, seed=3)
    assert korean_corpus.generate(tmp_path / "kb", 12, seed=3).sha256 == a.sha256
    t = load_corpus(a.path)
    assert set(t.sources.language) == {"ko"} and len(t.sources) == 12
    rng = __import__("random").Random(0)
    assert korean_corpus.swap_names("권영세 통일부 장관은 말했다.", rng) != "권영세 통일부 장관은 말했다."
