"""Codebooks: the term syntax, the matcher's exactness, and refusing malformed codebooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nkhr
from nkhr import codebooks as cb
from nkhr.errors import CodebookError

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "codebooks"


def find(terms: list, text: str, categories=None) -> list[tuple[str, str, str]]:
    """(category, term, matched) for `terms` given as (category, entry) pairs."""
    compiled = [cb.compile_term(e, c, "test", None) for c, e in terms]
    cats = categories or list(dict.fromkeys(c for c, _ in terms))
    m = cb.TermMatcher(compiled, cats)
    return [(compiled[t].category, compiled[t].text, text[s:e]) for s, e, t in m.find(text)]


# --------------------------------------------------------------------------- defaults

def test_default_codebooks_load_with_version_and_hash():
    themes, frames = cb.load_themes(), cb.load_frames()
    assert themes.version and frames.version
    assert re.fullmatch(r"[0-9a-f]{64}", themes.sha256) and re.fullmatch(r"[0-9a-f]{64}", frames.sha256)
    assert {"forced_repatriation", "prison_camps", "sanctions", "nuclear_missile", "events",
            "religious_freedom", "unification", "women_children"} <= set(themes.themes)
    assert set(frames.frames) == set(cb.FRAME_LABELS)
    assert all(frames.definitions[label] for label in cb.FRAME_LABELS)


@pytest.mark.parametrize("name", ["themes", "frames"])
def test_project_copy_is_the_shipped_default(name):
    shipped = (cb.RESOURCES / f"{name}.yml").read_bytes()
    assert (ROOT / "data" / "codebooks" / f"{name}.yml").read_bytes() == shipped


# --------------------------------------------------------------------------- term syntax

def test_english_terms_match_whole_words_any_case_any_whitespace():
    text = "Forced\n  Repatriation; enforced repatriations; forced repatriation."
    assert find([("r", "forced repatriation")], text) == [
        ("r", "forced repatriation", "Forced\n  Repatriation"),
        ("r", "forced repatriation", "forced repatriation")]


def test_globs_match_within_a_word():
    text = "repatriated, repatriation and expatriates; women and woman"
    got = find([("r", "repatriat*"), ("w", "wom?n")], text)
    assert [g[2] for g in got] == ["repatriated", "repatriation", "women", "woman"]


def test_korean_terms_match_inside_words_and_across_optional_spaces():
    text = "북한인권을 말하고 해외노동자와 해외 노동자를 만났다"
    got = find([("k", "인권"), ("l", "해외 노동자")], text)
    assert [g[2] for g in got] == ["인권", "해외노동자", "해외 노동자"]


def test_words_starting_with_a_non_word_character_still_match_whole_words():
    text = "#metoo, #metoos and a#metoo"
    assert find([("m", "#metoo")], text) == [("m", "#metoo", "#metoo")]


def test_regex_terms_both_spellings():
    text = "at the expense of food, at the cost of lives"
    got = find([("d", "/at the (?:expense|cost) of/"), ("e", {"re": r"\bfood\b"})], text)
    assert [g[2] for g in got] == ["at the expense of", "food", "at the cost of"]


def test_leftmost_longest_within_a_category_and_categories_independent():
    text = "nuclear weapons programs"
    got = find([("w", "nuclear"), ("w", "nuclear weapons"), ("p", "weapons programs")], text)
    assert got == [("w", "nuclear weapons", "nuclear weapons"),
                   ("p", "weapons programs", "weapons programs")]


def test_exclude_terms_hide_what_they_overlap():
    terms = [cb.compile_term("security", "s", "t", None),
             cb.compile_term("security council", "s", "t", None, exclude=True)]
    text = "The Security Council debated security."
    hits = cb.TermMatcher(terms, ["s"]).find(text)
    assert [text[s:e] for s, e, _ in hits] == ["security"]


def test_matcher_gives_exactly_each_terms_own_regex_matches_on_the_bundled_texts():
    """The candidate passes never lose a match: compare with one finditer per term."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt"))]
    for book in (cb.load_themes(), cb.load_frames()):
        cats = book.matcher.categories
        for text in texts:
            low = cb.lower_text(text)
            expected = []
            for cat in cats:
                hits = sorted((m.start(), -m.end(), not t.exclude, ti) for ti, t in enumerate(book.terms)
                              if t.category == cat for m in t.pattern.finditer(low) if m.end() > m.start())
                last = -1
                for s, neg_e, _, ti in hits:
                    if s >= last:
                        last = -neg_e
                        if not book.terms[ti].exclude:
                            expected.append((s, -neg_e, ti))
            assert book.matcher.find(text) == sorted(expected)


def test_regex_beginnings_are_found_for_the_candidate_pass():
    assert cb._regex_heads(r"\bnot\s+(?:only|just)\b") == (("not just", True), ("not only", True))
    assert cb._regex_heads(r"at the (?:expense|cost) of") == (("at the cost of", False),
                                                               ("at the expense of", False))
    assert cb._regex_heads(r"\bsoldiers?\b") == (("soldier", True),)
    assert cb._regex_heads(r"(a|b)|c") == ()


# --------------------------------------------------------------------------- malformed codebooks

@pytest.mark.parametrize("fixture, loader, line, problem", [
    ("bad_yaml.yml", cb.load_themes, 4, "invalid YAML"),
    ("invalid_regex.yml", cb.load_themes, 5, "invalid regex /embargo(es|s/"),
    ("empty_theme.yml", cb.load_themes, 4, "'food' has no terms"),
    ("unknown_key.yml", cb.load_themes, 5, "unknown key 'term'"),
    ("unknown_label.yml", cb.load_frames, 10, "unknown frame label 'peace_dividend'"),
    ("unknown_cue_set.yml", cb.load_frames, 8, "unknown cue set 'weapon'"),
])
def test_malformed_codebook_is_refused_with_file_line_and_problem(fixture, loader, line, problem):
    with pytest.raises(CodebookError) as err:
        loader(FIX / fixture)
    assert err.value.line == line
    assert str(err.value).startswith(f"{FIX / fixture}, line {line}: ")
    assert problem in str(err.value)


@pytest.mark.parametrize("option, fixture", [("themes", "invalid_regex.yml"),
                                             ("frames", "unknown_label.yml")])
def test_analyze_refuses_a_bad_codebook_before_any_work(tmp_path, option, fixture):
    # the corpus folder does not even exist: the codebook error must come first
    with pytest.raises(CodebookError, match=fixture):
        nkhr.analyze(tmp_path / "no-such-corpus", **{option: FIX / fixture})


@pytest.mark.parametrize("entry, problem", [
    ("", "empty term"), ("**", "would match anything"), ("/(?P<x>a)/", "named groups"),
    (r"/(a)\1/", "back-references"), ("/a*/", "matches the empty text"),
    ({"regex": "a", "x": 1}, "a mapping term must be"),
])
def test_bad_terms_are_refused(entry, problem):
    with pytest.raises(CodebookError, match=re.escape(problem)):
        cb.compile_term(entry, "t", "file.yml", 3)


def test_quanteda_dictionary_reads_nested_categories():
    book = cb.load_themes(FIX / "quanteda_dictionary.yml")
    assert book.format == "quanteda"
    assert book.themes == ["rights/general", "rights/korean", "displacement"]
    assert book.terms_of("displacement") == ["repatriat*", "forcibly returned"]
