"""The whole analysis: same tables whatever the execution, incremental re-runs, provenance."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import nkhr
from nkhr import ingest, pipeline
from nkhr.cli import main

from .conftest import FIXTURES, RAW


def _files(folder):
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file()}


def test_workers_and_cache_give_byte_identical_tables(tmp_path):
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "serial"), "--no-cache"]) == 0
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "two"), "--workers", "2"]) == 0
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "two")]) == 0  # from the cache
    assert _files(tmp_path / "serial") == _files(tmp_path / "two")


def test_dask_executor_gives_the_same_tables(tmp_path):
    pytest.importorskip("distributed")
    serial = nkhr.analyze(RAW)
    distributed = nkhr.analyze(RAW, executor="dask", workers=1)
    for name in serial:
        assert serial[name].equals(distributed[name]), name


def test_dask_scheduler_address_gives_byte_identical_files(tmp_path):
    """`--executor dask --scheduler ADDRESS`: an existing cluster (here one started for the
    test, in its own processes) runs the per-article step; the files are the serial run's."""
    distributed = pytest.importorskip("distributed")
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "serial"), "--no-cache"]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        assert main(["analyze", str(RAW), "--out", str(tmp_path / "dask"), "--no-cache",
                     "--executor", "dask", "--scheduler", cluster.scheduler_address]) == 0
    assert _files(tmp_path / "serial") == _files(tmp_path / "dask")


def test_changing_one_article_redoes_only_that_article(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    done = []
    real = pipeline._map_one
    monkeypatch.setattr(pipeline, "_map_one", lambda job: done.append(job[0].source_id) or real(job))
    path = raw / "004_1ece434d463d2cfa.txt"
    path.chmod(0o644)
    path.write_text(path.read_text(encoding="utf-8") + "\nEditor's note: updated.\n", encoding="utf-8")
    again = nkhr.analyze(raw, cache_dir=cache)
    assert done == ["004_1ece434d463d2cfa"]
    assert len(again.sources) == 5 and again.speakers.equals(nkhr.analyze(raw).speakers)


def test_meta_records_what_produced_the_tables(analyzed_dir):
    meta = json.loads((analyzed_dir / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["inputs"]) == {p.stem for p in RAW.glob("*.txt")}
    assert set(meta["codebooks"]) >= {"themes", "frames", "speakers", "cues", "names", "roles", "furniture"}
    assert meta["codebook_versions"]["frames"] is not None
    assert meta["versions"]["nkhr"] and meta["versions"]["pandas"]


def test_a_bad_codebook_stops_before_any_work(tmp_path):
    bad = tmp_path / "themes.yml"
    bad.write_text("version: 1\nthemes:\n  camps: [\n", encoding="utf-8")
    with pytest.raises(nkhr.errors.CodebookError, match="themes.yml"):
        nkhr.analyze(tmp_path / "no-such-folder", themes=bad)


def test_load_reads_analyzed_tables_or_analyzes_raw(analyzed_dir):
    from_tables = nkhr.load(analyzed_dir)
    from_raw = nkhr.load(RAW)
    assert from_tables.quotes.equals(from_raw.quotes)


def test_a_damaged_cache_is_a_miss_not_an_error(tmp_path):
    cache = tmp_path / "cache"
    fresh = nkhr.analyze(RAW, cache_dir=cache)
    stored = sorted((cache / "map" / "0").iterdir())
    assert {f.name for f in stored} >= {"index.pkl", "quotes.arrow", "sentences.arrow"}
    (cache / "map" / "0" / "quotes.arrow").write_bytes(b"not arrow")
    again = nkhr.analyze(RAW, cache_dir=cache)
    for name in fresh:
        assert fresh[name].equals(again[name]), name


def test_unchanged_files_are_not_read_again_but_redone_when_codebooks_change(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    for f in raw.iterdir():  # written long before the cache, as a real corpus is
        os.utime(f, ns=(f.stat().st_mtime_ns - 3_600_000_000_000,) * 2)
    cache = tmp_path / "cache"
    first = nkhr.analyze(raw, cache_dir=cache)
    themes = FIXTURES / "codebooks" / "quanteda_dictionary.yml"
    expected = nkhr.analyze(raw, themes=themes).themes
    read = []
    real = ingest.read_raw
    for module in (ingest, pipeline):
        monkeypatch.setattr(module, "read_raw", lambda root, rel, *a: read.append(rel) or real(root, rel, *a))
    assert nkhr.analyze(raw, cache_dir=cache).quotes.equals(first.quotes)
    assert read == []
    again = nkhr.analyze(raw, cache_dir=cache, themes=themes)  # every result is stale
    assert again.themes.equals(expected)
    assert sorted(read) == sorted(f.name for f in raw.glob("*.txt"))


def test_the_cache_adds_a_layer_per_small_change_and_compacts_on_a_big_one(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    files = sorted(raw.glob("*.txt"))

    def edit(*paths):
        for path in paths:
            path.chmod(0o644)
            path.write_text(path.read_text(encoding="utf-8") + "\nEditor's note: updated.\n", encoding="utf-8")
        got, fresh = nkhr.analyze(raw, cache_dir=cache), nkhr.analyze(raw)
        for name in fresh:
            assert got[name].equals(fresh[name]), name
        return sorted(d.name for d in (cache / "map").iterdir() if d.name.isdigit())

    assert edit(files[0]) == ["0", "1"]
    assert edit(files[1]) == ["0", "1", "2"]
    assert edit(files[2], files[3]) == ["0"]
