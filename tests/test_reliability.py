"""Hostile inputs and faults: every run is bounded, nothing it reads can run code, and it ends
in the right tables or one clear error, never a silently wrong table.

The fixtures in tests/fixtures/reliability/ are the repros of a probe of 58 bad inputs and 51
injected faults (README.md there lists them). What could hang or eat memory if it regressed
runs in a child process with a time limit and an address-space limit.
"""

from __future__ import annotations

import os
import random
import re
import resource
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import nkhr
from nkhr import codebooks as cb
from nkhr.errors import CodebookError, NkhrError

from .conftest import FIXTURES, RAW, ROOT

REL = FIXTURES / "reliability"
MEMORY = 3 << 30  # bytes of address space a child run may take


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def nkhr_cli(*args, cwd=None, timeout: float = 120, env=None) -> subprocess.CompletedProcess:
    """`nkhr ARGS` in a child process, bounded in time (timeout) and memory (MEMORY)."""
    return subprocess.run([sys.executable, "-m", "nkhr.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=_limits)


def _corpus(tmp_path, *extra) -> Path:
    """The bundled articles plus `extra` files, in a folder of their own."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    for f in extra:
        shutil.copy(f, raw)
    return raw


# --------------------------------------------------------------------------- the cache runs no code

def _plant(path: Path, marker: Path) -> None:
    """A pickle that creates `marker` when unpickled, with a valid CRC-32 trailer."""
    import pickle

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    data = pickle.dumps(Payload())
    path.write_bytes(data + zlib.crc32(data).to_bytes(4, "little"))


@pytest.mark.parametrize("name", ["index.msgpack", "persons.msgpack", "index.pkl", "persons.pkl"])
def test_a_pickle_planted_in_the_cache_never_runs(tmp_path, name):
    raw, out = _corpus(tmp_path), tmp_path / "out"
    assert nkhr_cli("analyze", raw, "--out", out).returncode == 0
    marker = tmp_path / "PWNED"
    _plant(out / ".cache" / "map" / "0" / name, marker)
    again = nkhr_cli("analyze", raw, "--out", out)
    assert again.returncode == 0 and not marker.exists()
    fresh = nkhr.analyze(raw)
    got = nkhr.load(out)
    for table in fresh:
        assert got[table].equals(fresh[table]), table


def test_no_module_of_nkhr_unpickles():
    """Nothing under --out or --cache is ever unpickled: the package does not import pickle."""
    src = ROOT / "src" / "nkhr"
    users = [p.relative_to(src) for p in src.rglob("*.py")
             if re.search(r"^\s*(import|from)\s+(pickle|cPickle|dill|joblib|shelve)\b", p.read_text(), re.M)]
    assert users == []


# --------------------------------------------------------------------------- no pattern hangs a run

def test_a_catastrophic_regex_in_a_codebook_runs_in_linear_time(tmp_path):
    raw = _corpus(tmp_path, REL / "redos_article.txt")
    long_a = "Kim said \"human rights matter.\" " + "a" * 50_000 + "!\n"  # (a+)+$ in `re`: years
    (raw / "redos_long.txt").write_text(long_a, encoding="utf-8")
    for book in ("redos_themes.yml", "redos_themes_re.yml"):
        r = nkhr_cli("analyze", raw, "--out", tmp_path / book, "--themes", REL / book, timeout=120)
        assert r.returncode == 0, r.stderr
    t = nkhr.load(tmp_path / "redos_themes.yml")
    assert set(t.themes.theme) == {"normal"}  # (a+)+$ does not match before the "!"


def test_a_glob_with_many_stars_against_a_long_word_is_linear():
    term = cb.compile_term("a*a*a*a*a*b", "g", "test", 1)  # in `re`: days on a 10,000-letter word
    matcher = cb.TermMatcher([term], ["g"])
    text = "x " + "a" * 100_000 + " aaaaab y " + "a" * 100_000 + "c"
    assert [text[s:e] for s, e, _ in matcher.find(text)] == ["aaaaab"]


@pytest.mark.parametrize("entry, problem", [
    ("/(?<!not )peace/", "look-arounds"), ("/peace(?=ful)/", "look-arounds"),
    ("/(?>atomic)/", "atomic groups"), ("/x{1,5000}/", "invalid repetition size"),
])
def test_a_regex_only_backtracking_can_run_is_refused_with_file_and_line(entry, problem):
    with pytest.raises(CodebookError, match=rf"file\.yml, line 3: .*{problem}"):
        cb.compile_term(entry, "t", "file.yml", 3)


def _python(term: str, kind: str) -> re.Pattern:
    """What a term means in Python's `re` (the meaning RE2 must keep)."""
    if kind == "regex":
        return re.compile(term[1:-1], re.I)
    pieces = term.lower().split()
    if kind == "korean":
        return re.compile(r"\s*".join(cb._glob_piece(p) for p in pieces))
    return re.compile(r"(?<!\w)" + r"\s+".join(cb._glob_piece(p) for p in pieces) + r"(?!\w)")


@pytest.mark.parametrize("term", [
    "/\\bnot\\s+(?:only|just)\\b/", "/\\bno peace\\b[^.;!?]{0,5}?\\bwithout\\b/", "/x\\w*y/",
    "/[]a-]+\\W/", "/\\d+\\s?\\S/", "/(?:a|ab)(?:c|bcd)/", "/a+\\Z/",
    "*ism", "a*b*c", "co-*", "#tag*", "u.s.*", "wom?n*", "a*.b*", "caf*", "x*y z*", "북*인권", "북한*",
])
def test_re2_terms_match_exactly_where_pythons_re_does(term):
    t = cb.compile_term(term, "t", "test", 1)
    py = _python(term, t.kind)
    alphabet = ["a", "b", "c", "d", "y", "x", "-", ".", "#", " ", "\n", "é", "북", "한", "인권", "ism",
                "not only ", "no peace ", "without", "1", "u.s.", "\u00a0", "co-", "caf", "wom"]
    if "\\b" in term:  # RE2's \b is a boundary of ASCII words (the codebooks' header says so)
        alphabet = [a for a in alphabet if a.isascii()]
    rng = random.Random(term)
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        want = [(m.start(), m.end()) for m in py.finditer(text) if m.end() > m.start()]
        assert [(m.start(), m.end()) for m in t.pattern.finditer(text)] == want, text
        for pos in range(len(text) + 1):
            m, g = py.match(text, pos), t.pattern.match(text, pos)
            assert (m.end() if m else None) == (g.end() if g else None), (text, pos)


# --------------------------------------------------------------------------- YAML alias bombs

@pytest.mark.parametrize("book, line", [("bomb_quanteda.yml", 9), ("bomb_themes_terms.yml", 12),
                                        ("bomb_themes_terms2.yml", 12)])
def test_a_yaml_alias_bomb_codebook_is_refused_with_file_and_line(tmp_path, book, line):
    r = nkhr_cli("analyze", RAW, "--out", tmp_path / "out", "--themes", REL / book, timeout=60)
    assert r.returncode == 2
    assert f"{REL / book}, line {line}: aliases (*name) repeat more than 10,000 items" in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_yaml_alias_bomb_in_batch_parameters_is_refused_with_file_and_line(tmp_path):
    spec = tmp_path / "batch_bomb.yml"
    shutil.copy(REL / "batch_bomb.yml", spec)
    r = nkhr_cli("batch", spec, cwd=tmp_path, timeout=60)
    assert r.returncode == 2 and f"{spec}, line 11: aliases (*name) repeat" in r.stderr


def test_aliases_within_the_bound_still_load(tmp_path):
    book = tmp_path / "themes.yml"
    book.write_text("version: 1\nname: shared terms\nthemes:\n"
                    "  a: {description: x, terms: &t [forced labor, labour camp*]}\n"
                    "  b: {description: y, terms: *t}\n", encoding="utf-8")
    assert cb.load_themes(book).terms_of("b") == ["forced labor", "labour camp*"]


# --------------------------------------------------------------------------- never a mixed table set

def _generated(tmp_path, n: int = 300) -> Path:
    """A corpus that takes a few seconds to analyze: time to stop a run in the middle."""
    from benchmarks.corpus import generate

    generate(tmp_path / "big", n)
    return tmp_path / "big"


def _consistent(folder) -> int:
    """The quotes of the folder's tables, each checked against its source's text."""
    t = nkhr.load(folder)
    text = t.sources.set_index("source_id").text
    assert all(text[q.source_id][q.start:q.end] == q.text for q in t.quotes.itertuples())
    assert set(t.sources.source_id) == set(t.meta["inputs"])
    return len(t.quotes)


def _start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nkhr.cli", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_limits)


def _wait_for(check, proc: subprocess.Popen, timeout: float = 120):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if found := check():
            return found
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.005)
    raise AssertionError("timed out")


def test_a_run_killed_while_writing_leaves_the_previous_tables(tmp_path):
    out = tmp_path / "out"
    assert nkhr_cli("analyze", RAW, "--out", out).returncode == 0
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()}
    (out / "notes.txt").write_text("a researcher's notes", encoding="utf-8")
    (out / ".quotes.csv.x1y2").write_text("half a table", encoding="utf-8")  # an older nkhr's temp file
    run = _start("analyze", _generated(tmp_path), "--out", out, "--no-cache")
    _wait_for(lambda: list(tmp_path.glob(".out.new-*/quotes.csv")), run)
    os.killpg(run.pid, 9)
    run.wait()
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.is_file() and f.name in before} == before
    assert _consistent(out) and (out / "notes.txt").exists()
    assert nkhr_cli("analyze", RAW, "--out", out).returncode == 0  # cleans up after the killed run
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "big", "out"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "a researcher's notes"
    assert not (out / ".quotes.csv.x1y2").exists()


def test_a_second_run_into_the_same_out_stops_at_once(tmp_path):
    out = tmp_path / "out"
    first = _start("analyze", _generated(tmp_path), "--out", out, "--no-cache")
    _wait_for(lambda: list(tmp_path.glob(".out.new-*/sources.parquet")), first)
    os.kill(first.pid, 19)  # SIGSTOP: the first run is paused in the middle of writing its tables
    try:
        second = nkhr_cli("analyze", RAW, "--out", out, "--no-cache")
    finally:
        os.kill(first.pid, 18)  # SIGCONT
    assert second.returncode == 2
    assert f"another nkhr run (process {first.pid}) is writing tables here" in second.stderr
    assert first.wait(timeout=120) == 0
    assert _consistent(out) > 100


def test_load_refuses_a_folder_that_mixes_two_runs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert nkhr_cli("analyze", RAW, "--out", a).returncode == 0
    assert nkhr_cli("analyze", _generated(tmp_path, 20), "--out", b).returncode == 0
    shutil.copy(b / "quotes.parquet", a / "quotes.parquet")
    with pytest.raises(NkhrError, match=r"quotes\.parquet is not the file meta\.json lists"):
        nkhr.load(a)
    (a / "quotes.parquet").unlink()
    with pytest.raises(NkhrError, match=r"quotes\.parquet missing"):
        nkhr.load(a)


def _full_disk(folder: Path, size: str = "1m") -> bool:
    """Mount a small tmpfs on `folder` (root only); False when that is not allowed here."""
    folder.mkdir()
    return os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                                capture_output=True).returncode == 0


def test_a_full_disk_is_one_line_and_leaves_the_previous_tables(tmp_path):
    small = tmp_path / "small"
    if not _full_disk(small):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        out = small / "out"
        assert nkhr_cli("analyze", RAW, "--out", out, "--no-cache").returncode == 0
        n = _consistent(out)
        r = nkhr_cli("analyze", _generated(tmp_path), "--out", out, "--no-cache")
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr.count("\n") == 1 and "No space left on device" in r.stderr
        assert "the previous tables, if any, are unchanged" in r.stderr
        assert _consistent(out) == n and sorted(p.name for p in small.iterdir()) == [".out.lock", "out"]
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_a_read_only_out_is_refused_before_any_work(tmp_path):
    out = tmp_path / "ro"
    if os.geteuid() == 0:
        if not _full_disk(out):
            pytest.skip("needs root to mount a read-only tmpfs")
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
    else:
        out.mkdir()
        out.chmod(0o555)
    try:
        r = nkhr_cli("analyze", RAW, "--out", out)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(out)], check=True)
    assert r.returncode == 2 and r.stdout == ""  # nothing was analyzed
    assert f"{out}: cannot write the tables here: Read-only file system" in r.stderr or "Permission" in r.stderr


def test_worker_processes_end_with_their_parent(tmp_path):
    import time

    psutil = pytest.importorskip("psutil")
    run = _start("analyze", _generated(tmp_path), "--out", tmp_path / "out", "--workers", "2", "--no-cache")
    workers = _wait_for(lambda: len(kids := psutil.Process(run.pid).children()) == 2 and kids, run)
    os.kill(run.pid, 9)
    run.wait()
    end = time.monotonic() + 30
    while any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


# --------------------------------------------------------------------------- the input folder is never written

def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("command", ["analyze", "ingest", "run"])
def test_an_out_inside_the_corpus_is_refused(tmp_path, command):
    raw = _corpus(tmp_path)
    shutil.copy(ROOT / "data" / "catalog.csv", raw)
    before = _snapshot(raw)
    args = ("run", "--corpus", raw, "--out", raw / "build") if command == "run" else (command, raw, "--out", raw / "build")
    r = nkhr_cli(*args, cwd=ROOT)
    assert r.returncode == 2 and "is inside the corpus folder" in r.stderr
    assert _snapshot(raw) == before
    r = nkhr_cli("analyze", raw, "--out", tmp_path / "out", "--cache", raw / ".cache")
    assert r.returncode == 2 and "the cache folder is inside the corpus folder" in r.stderr
    assert _snapshot(raw) == before


def test_a_link_out_of_the_corpus_is_reported_and_skipped(tmp_path):
    raw = _corpus(tmp_path)
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("Kim said \"this file is not part of the corpus.\"\n", encoding="utf-8")
    (raw / "zz_link.txt").symlink_to(secret)
    (raw / "zz_inside.txt").symlink_to(raw / "000_29de344ddb13f9c4.txt")  # inside: read (a duplicate)
    t = nkhr.analyze(raw)
    row = t.ingest_report[t.ingest_report.path == "zz_link.txt"]
    assert row.problem.tolist() == ["link_outside"] and str(secret) in row.message.iloc[0]
    assert "zz_link" not in set(t.sources.source_id)
    assert "zz_inside.txt" in set(t.ingest_report[t.ingest_report.problem == "duplicate"].path)
    assert "zz_link" in set(nkhr.analyze(raw, follow_links=True).sources.source_id)


def test_an_unreachable_scheduler_is_named(tmp_path):
    r = nkhr_cli("analyze", RAW, "--out", tmp_path / "out", "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:9", timeout=60)
    assert r.returncode == 2 and "dask scheduler tcp://127.0.0.1:9: cannot connect" in r.stderr
    assert not (tmp_path / "out").exists()
    spec = _spec(tmp_path / "project", "runs")
    r = nkhr_cli("batch", spec, "--executor", "dask", "--scheduler", "127.0.0.1:9", timeout=60)
    assert r.returncode == 2 and "dask scheduler 127.0.0.1:9: cannot connect" in r.stderr


def test_a_scheduler_address_where_something_else_answers_is_named(tmp_path):
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer():  # what a web proxy might say: not dask's handshake
        for _ in range(4):
            conn, _ = server.accept()
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 8)
            conn.close()

    threading.Thread(target=answer, daemon=True).start()
    r = nkhr_cli("analyze", RAW, "--out", tmp_path / "out", "--executor", "dask",
                 "--scheduler", f"tcp://127.0.0.1:{port}", timeout=120)
    server.close()
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"dask scheduler tcp://127.0.0.1:{port}: something answers there, but not a dask scheduler" in r.stderr


# --------------------------------------------------------------------------- unusual but valid input

def test_utf8_with_one_stray_byte_keeps_its_korean_and_names_the_byte(tmp_path):
    raw = _corpus(tmp_path, REL / "kor_one_bad_byte.txt")
    t = nkhr.analyze(raw)
    text = t.sources.set_index("source_id").at["kor_one_bad_byte", "text"]
    assert "강제북송을\ufffd 중단하라" in text  # not Latin-1 mojibake
    row = t.ingest_report[t.ingest_report.path == "kor_one_bad_byte.txt"]
    assert row.problem.tolist() == ["bad_utf8"] and "byte offset(s) 40" in row.message.iloc[0]
    assert "forced_repatriation" in set(t.themes[t.themes.source_id == "kor_one_bad_byte"].theme)


def test_utf16_with_a_bom_is_read(tmp_path):
    raw = _corpus(tmp_path, REL / "utf16_bom.txt")
    t = nkhr.analyze(raw)
    assert t.sources.set_index("source_id").at["utf16_bom", "text"].startswith("Park Min-ho said")
    assert t.ingest_report[t.ingest_report.path == "utf16_bom.txt"].problem.tolist() == ["bom"]
    assert "Park Min-ho" in set(t.quotes.speaker)


def test_a_duplicate_catalog_id_is_reported_with_both_lines(tmp_path):
    raw = _corpus(tmp_path)
    shutil.copy(REL / "catalog_dupids.csv", raw / "catalog.csv")
    t = nkhr.analyze(raw)
    row = t.ingest_report[t.ingest_report.problem == "catalog_duplicate"]
    assert row.path.tolist() == ["catalog.csv:7"] and "lines 6 and 7" in row.message.iloc[0]
    assert t.sources.set_index("source_id").at["004_1ece434d463d2cfa", "outlet"] == "The Korea Herald"


@pytest.mark.parametrize("encoding, sep, expect", [
    ("utf-16", ",", None), ("utf-8", ";", "separated by semicolons"), ("utf-8", "\t", "separated by tabs")])
def test_a_catalog_in_utf16_or_with_semicolons(tmp_path, encoding, sep, expect):
    raw = _corpus(tmp_path)
    text = (ROOT / "data" / "catalog.csv").read_text(encoding="utf-8")
    (raw / "catalog.csv").write_text(text.replace(",", sep) if sep != "," else text, encoding=encoding)
    t = nkhr.analyze(raw)
    bad = t.ingest_report[t.ingest_report.problem == "catalog"]
    if expect is None:
        assert bad.empty and t.sources.outlet.notna().all()
    else:
        assert "its first line (utf-8) reads 'source_id" in bad.message.iloc[0] and expect in bad.message.iloc[0]


# --------------------------------------------------------------------------- batch output stays in the project

def _spec(folder: Path, output: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    shutil.copy(REL / "nb_ok.ipynb", folder)
    spec = folder / "batch.yml"
    spec.write_text(f"output: {output}\nruns:\n  - name: a\n    notebook: nb_ok.ipynb\n", encoding="utf-8")
    return spec


@pytest.mark.parametrize("output", ["../../etc/x", "/tmp/nkhr-batch-escape"])
def test_a_batch_output_outside_the_project_is_refused(tmp_path, output):
    spec = _spec(tmp_path / "project", output)
    r = nkhr_cli("batch", spec, "--dry-run", cwd=tmp_path / "project", timeout=60)
    assert r.returncode == 2 and f"{spec}, line 1: 'output' {output!r} is" in r.stderr
    assert "outside" in r.stderr
    r = nkhr_cli("batch", spec, "--dry-run", "--output-root", tmp_path.parent if output.startswith("..")
                 else "/tmp", cwd=tmp_path / "project", timeout=60)
    assert r.returncode == 0, r.stderr


def test_a_batch_never_replaces_a_manifest_it_did_not_write(tmp_path):
    spec = _spec(tmp_path / "project", "victim")
    victim = tmp_path / "project" / "victim" / "manifest.json"
    victim.parent.mkdir()
    victim.write_text('{"mine": "a researcher\'s file"}', encoding="utf-8")
    r = nkhr_cli("batch", spec, cwd=tmp_path / "project", timeout=300)
    assert r.returncode == 2 and f"{victim} exists and was not written by nkhr batch" in r.stderr
    assert victim.read_text(encoding="utf-8") == '{"mine": "a researcher\'s file"}'


def test_a_set_killed_while_swapping_in_gives_back_what_it_took(tmp_path):
    from nkhr.tables import TableSet

    out = tmp_path / "out"
    nkhr.analyze(RAW, out=out)
    stage = tmp_path / ".out.new-killed"  # meta.json written, the notes moved in, then killed
    stage.mkdir()
    shutil.copy(out / "meta.json", stage)
    (stage / "notes.txt").write_text("mine", encoding="utf-8")
    with TableSet(out):
        pass
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine" and not stage.exists()
    assert _consistent(out)


def test_without_renameat2_the_set_is_swapped_in_two_renames(tmp_path, monkeypatch):
    from nkhr import tables

    monkeypatch.setattr(tables, "_RENAME_EXCHANGE", 1 << 30)  # an unknown flag: EINVAL, as without it
    out = tmp_path / "out"
    nkhr.analyze(RAW, out=out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    t = nkhr.analyze(RAW, out=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]
    assert (out / "notes.txt").exists() and nkhr.load(out).quotes.equals(t.quotes)
