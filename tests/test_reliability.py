"""Hostile inputs and faults: every run is bounded, nothing it reads can run code, and it ends
in the right tables or one clear error, never a silently wrong table.

The fixtures in tests/fixtures/reliability/ are the repros of a probe of 58 bad inputs and 51
injected faults (README.md there lists them). What could hang or eat memory if it regressed
runs in a child process with a time limit and an address-space limit.
"""

from __future__ import annotations

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
from nkhr.errors import CodebookError

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
