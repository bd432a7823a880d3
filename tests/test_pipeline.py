"""The whole analysis: same tables whatever the execution, incremental re-runs, provenance."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import nkhr
from nkhr import ingest, pipeline, store
from nkhr.cli import main

from .conftest import FIXTURES, RAW


def _files(folder):
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file()}


def _aged_copy(tmp_path):
    """The bundled corpus, its files written an hour before (trusted by the cache, as a real corpus)."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    return _age(raw)


def _age(raw):
    for f in raw.iterdir():
        f.chmod(0o644)
        os.utime(f, ns=(f.stat().st_mtime_ns - 3_600_000_000_000,) * 2)
    return raw


def _edit(*paths):
    """Append a line to each article, as an editor's update would."""
    for path in paths:
        path.chmod(0o644)
        path.write_text(path.read_text(encoding="utf-8") + "\nEditor's note: updated.\n", encoding="utf-8")


def _same_as_fresh(got, raw, **kwargs):
    fresh = nkhr.analyze(raw, **kwargs)
    for name in fresh:
        assert got[name].equals(fresh[name]), name


def test_workers_and_cache_give_byte_identical_tables(tmp_path):
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "serial"), "--no-cache"]) == 0
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "two"), "--workers", "2"]) == 0
    assert main(["analyze", str(RAW), "--out", str(tmp_path / "two")]) == 0  # from the cache
    assert _files(tmp_path / "serial") == _files(tmp_path / "two")


def test_a_rerun_with_worker_processes_takes_the_rest_from_the_cache(tmp_path):
    raw = _aged_copy(tmp_path)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    _edit(*sorted(raw.glob("*.txt"))[:2])  # two articles: two chunks, so workers start
    again = nkhr.analyze(raw, cache_dir=cache, workers=2)
    assert again.run["from_cache"] == 3
    _same_as_fresh(again, raw)


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
    _edit(raw / "004_1ece434d463d2cfa.txt")
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


def test_unchanged_files_are_not_read_again_but_redone_when_codebooks_change(tmp_path, monkeypatch):
    raw = _aged_copy(tmp_path)
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


def test_file_readings_are_not_trusted_across_a_code_change(tmp_path, monkeypatch):
    # a cached reading holds the source id and the file's problems, which the code decides:
    # here an older version that kept a decomposed (NFD) file name as the source id
    import unicodedata

    from nkhr.ingest import read as read_mod

    raw = tmp_path / "raw"
    raw.mkdir()
    name = "북한인권"
    (raw / f"{unicodedata.normalize('NFD', name)}.txt").write_text("Kim said it was busy.", encoding="utf-8")
    (raw / "catalog.csv").write_text(f"source_id,outlet,published,title,url\n{name},Daily NK,,,\n",
                                     encoding="utf-8")
    _age(raw)
    cache = tmp_path / "cache"
    with monkeypatch.context() as m:
        m.setattr(read_mod, "source_id", lambda stem: stem)
        m.setattr(pipeline, "_code_hash", lambda: "an older version")
        assert nkhr.analyze(raw, cache_dir=cache).sources.outlet.isna().all()
    t = nkhr.analyze(raw, cache_dir=cache)
    assert t.sources.source_id.tolist() == [name] and t.sources.outlet.tolist() == ["Daily NK"]
    assert t.ingest_report.problem.tolist() == []


def test_the_cache_adds_a_layer_per_small_change_and_compacts_on_a_big_one(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    files = sorted(raw.glob("*.txt"))

    def edit(*paths):
        _edit(*paths)
        _same_as_fresh(nkhr.analyze(raw, cache_dir=cache), raw)
        return sorted(d.name for d in (cache / "map").iterdir() if d.name.isdigit())

    assert edit(files[0]) == ["0", "1"]
    assert edit(files[1]) == ["0", "1", "2"]
    assert edit(files[2], files[3]) == ["0"]


def test_a_killed_runs_half_written_layer_is_removed_by_a_later_run(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    stale, busy = cache / "map" / ".layer-killed", cache / "map" / ".layer-busy"  # busy: another run's
    for d in (stale, busy):
        d.mkdir()
        (d / "quotes.arrow").write_bytes(b"half")
    os.utime(stale, (0, 0))
    _edit(sorted(raw.glob("*.txt"))[0])
    nkhr.analyze(raw, cache_dir=cache)
    assert not stale.exists() and busy.exists()


def test_the_cache_tables_are_compressed(tmp_path):
    import pyarrow as pa

    from benchmarks.corpus import generate

    generate(tmp_path / "raw", 100)
    cache = tmp_path / "cache"
    nkhr.analyze(tmp_path / "raw", cache_dir=cache)
    files = sorted((cache / "map" / "0").glob("*.arrow"))
    on_disk = sum(f.stat().st_size for f in files)
    assert on_disk * 2 < sum(pa.ipc.open_file(f).read_all().nbytes for f in files)  # 10k articles: 317 -> 23 MB


def test_an_edit_that_keeps_the_size_and_modification_time_is_seen(tmp_path):
    raw = _aged_copy(tmp_path)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    path = raw / "004_1ece434d463d2cfa.txt"
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"said", b"SAID", 1))  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as cp -p, tar, rsync -t, editors may
    again = nkhr.analyze(raw, cache_dir=cache)
    assert again.run["from_cache"] == 4
    _same_as_fresh(again, raw)


def test_max_mb_applies_to_articles_trusted_from_the_cache(tmp_path):
    raw = _aged_copy(tmp_path)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    again = nkhr.analyze(raw, cache_dir=cache, max_mb=0.006)
    assert set(again.ingest_report.problem) == {"too_large"} and len(again.sources) == 2
    _same_as_fresh(again, raw, max_mb=0.006)


@pytest.mark.parametrize("new_name", ["sub/005_x.txt", "005_x.htm"])
def test_an_article_moved_or_renamed_to_the_same_source_id_is_redone(tmp_path, new_name):
    raw = _aged_copy(tmp_path)
    (raw / "005_x.txt").write_text("<html><body><p>Kim said:</p><p>&quot;We were hungry,&quot; she said "
                                   "in Seoul on Monday.</p></body></html>", encoding="utf-8")
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    (raw / "sub").mkdir()
    (raw / "005_x.txt").rename(raw / new_name)
    again = nkhr.analyze(raw, cache_dir=cache)
    assert again.sources.set_index("source_id").at["005_x", "path"] == new_name
    _same_as_fresh(again, raw)


@pytest.mark.parametrize("name", ["index.msgpack", "persons.msgpack", "sources.arrow", "quotes.arrow"])
@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_cache_file_truncated_or_overwritten_in_place_is_a_miss(tmp_path, name, damage):
    raw = _aged_copy(tmp_path)
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    path = cache / "map" / "0" / name
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[:len(data) // 2]
    else:  # same size, some bytes changed
        data[len(data) // 3:len(data) // 3 + 64] = bytes(b ^ 0xFF for b in data[len(data) // 3:len(data) // 3 + 64])
    path.write_bytes(bytes(data))
    again = nkhr.analyze(raw, cache_dir=cache)
    assert again.run["from_cache"] == 0
    _same_as_fresh(again, raw)


def test_another_run_replacing_the_cache_meanwhile_changes_nothing(tmp_path, monkeypatch):
    """Two analyses sharing a cache: one that replaces its layers while the other is at work
    neither stops it nor gives it the other corpus's people."""
    raw = _aged_copy(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(raw, other)
    path = other / "000_29de344ddb13f9c4.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Jang Se-yul", "Park Min-ho"), encoding="utf-8")
    cache = tmp_path / "cache"
    nkhr.analyze(raw, cache_dir=cache)
    real = store.Layer.persons

    def meanwhile(layer):  # the other run redoes every article and rewrites the cache
        monkeypatch.setattr(store.Layer, "persons", real)
        nkhr.analyze(other, cache_dir=cache, themes=FIXTURES / "codebooks" / "quanteda_dictionary.yml")
        return real(layer)

    monkeypatch.setattr(store.Layer, "persons", meanwhile)
    again = nkhr.analyze(raw, cache_dir=cache)
    assert again.run["from_cache"] == 5
    _same_as_fresh(again, raw)


def test_an_unusable_cache_or_output_folder(tmp_path):
    raw = _aged_copy(tmp_path)
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    assert main(["analyze", str(raw), "--out", str(a_file)]) == 2
    assert main(["analyze", str(raw), "--out", str(tmp_path / "o"), "--cache", str(a_file)]) == 2
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "map").write_text("x", encoding="utf-8")  # the cache cannot be written: the run goes on
    with pytest.warns(UserWarning, match="cache was not updated"):
        assert main(["analyze", str(raw), "--out", str(tmp_path / "o"), "--cache", str(cache)]) == 0
    assert main(["analyze", str(raw), "--out", str(tmp_path / "fresh"), "--no-cache"]) == 0
    assert _files(tmp_path / "o") == _files(tmp_path / "fresh")


def test_one_bad_article_never_stops_the_corpus(tmp_path, monkeypatch):
    """An exception in one article's stage is a problem row; every other table is written."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "zz_bad.txt").write_text("Trump said Russia “can’t stand” either Democrat. Trump promised to win.\n",
                                    encoding="utf-8")
    real = pipeline.quotes_mod.extract

    def flaky(doc, *books):
        if doc.source_id == "zz_bad":
            raise AttributeError("'NoneType' object has no attribute 'end'")
        return real(doc, *books)

    monkeypatch.setattr(pipeline.quotes_mod, "extract", flaky)
    out = tmp_path / "out"
    t = nkhr.analyze(raw, out=out)
    bad = t.ingest_report[t.ingest_report.problem == "stage_failed"]
    assert bad[["source_id", "stage", "path"]].values.tolist() == [["zz_bad", "quotes", "zz_bad.txt"]]
    assert "AttributeError" in bad.message.iloc[0]
    assert "zz_bad" in set(t.sources.source_id)  # its text is still there, its quotes are not
    assert "zz_bad" not in set(t.quotes.source_id)
    assert len(t.quotes) > 30 and (out / "quotes.parquet").exists()


def test_an_article_that_cannot_be_ingested_is_reported(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    real = pipeline.ingest_text

    def flaky(r, row, furniture):
        if r.source_id == "000_29de344ddb13f9c4":
            raise ValueError("boom")
        return real(r, row, furniture)

    monkeypatch.setattr(pipeline, "ingest_text", flaky)
    t = nkhr.analyze(raw)
    assert t.ingest_report[["source_id", "stage", "problem"]].values.tolist() == [
        ["000_29de344ddb13f9c4", "ingest", "stage_failed"]]
    assert len(t.sources) == 4


def test_the_sentence_that_crashed_attribution_is_analyzed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Trump said Russia “can’t stand” either Democrat. Trump promised to win.\n",
                               encoding="utf-8")
    t = nkhr.analyze(raw)
    assert t.ingest_report.empty
    assert t.quotes.text.tolist() == ["can’t stand"]


def test_analyzing_an_article_leaves_no_reference_cycle():
    """The analysis pauses Python's cyclic garbage collector (pipeline._gc_paused): an object
    cycle made per article would stay in memory until the run ends (a People and a Sieve
    referring to each other once held every article's mentions of a 10,000-article run)."""
    import gc

    from nkhr.ingest import ingest_text
    from nkhr.ingest.read import read_raw

    books = pipeline.Codebooks.load()
    files = sorted(RAW.glob("*.txt")) + sorted((FIXTURES / "roles").glob("*.txt"))

    def analyze_all():
        for f in files:
            pipeline.analyze_doc(ingest_text(read_raw(f.parent, f.name, 10**7), None, books.furniture), books)

    analyze_all()  # what is made once per process (compiled patterns, memos) is made now
    gc.collect()
    gc.disable()
    try:
        analyze_all()
        assert gc.collect() == 0
    finally:
        gc.enable()
