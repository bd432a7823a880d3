"""Themes on the bundled articles and on a hostile mixed-language article."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import nkhr
from nkhr import schemas
from nkhr.cli import main
from nkhr.codebooks import load_themes
from nkhr.extract.themes import find_themes

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
FIX = ROOT / "tests" / "fixtures" / "codebooks"
QUANTEDA = FIX / "quanteda_dictionary.yml"
# What a researcher would type to search the cleaned text for each term of that dictionary.
PLAIN = {
    "rights/general": r"(?i)(?<!\w)human\s+rights(?!\w)",
    "rights/korean": r"인권",
    "displacement": r"(?i)(?<!\w)repatriat\w*(?!\w)|(?i:(?<!\w)forcibly\s+returned(?!\w))",
}


@pytest.fixture(scope="module")
def quanteda_tables():
    return nkhr.analyze(RAW, themes=QUANTEDA)


def plain_search(tables, kinds) -> set[tuple[str, int, int, str]]:
    sentences = tables.sentences
    out = set()
    for src in tables.sources.itertuples():
        s = sentences[sentences.source_id == src.source_id]
        for theme, pattern in PLAIN.items():
            for m in re.finditer(pattern, src.text):
                inside = s[(s.start <= m.start()) & (m.end() <= s.end)]
                if len(inside) and inside.kind.iat[0] in kinds:
                    out.add((src.source_id, m.start(), m.end(), theme))
    return out


def test_quanteda_dictionary_gives_exactly_a_plain_regex_search(quanteda_tables):
    th = quanteda_tables.themes
    got = {(r.source_id, r.start, r.end, r.theme) for r in th.itertuples()}
    assert got == plain_search(quanteda_tables, {"title", "heading", "body"})
    assert len(got) == len(th)  # no duplicates
    assert {"rights/general", "rights/korean", "displacement"} == set(th.theme)
    assert (th.matched.str.contains("인권")).sum() >= 10  # the Korean declaration


def test_with_captions_every_match_of_the_plain_search_is_found(quanteda_tables):
    t = quanteda_tables
    from nkhr.ingest import ingest_text, load_furniture, read_corpus  # noqa: F401 (the lead's API)

    book = load_themes(QUANTEDA)
    texts, rows, _ = read_corpus(RAW, None, 10.0)
    got = set()
    for raw in texts:
        doc = ingest_text(raw, rows.get(raw.source_id), load_furniture())
        r = find_themes(doc, book, kinds=("title", "heading", "body", "caption"))
        got |= set(zip(r["source_id"], r["start"], r["end"], r["theme"], strict=True))
    assert got == plain_search(t, {"title", "heading", "body", "caption"})


def test_themes_table_follows_the_schema_and_points_into_the_text(quanteda_tables):
    th = schemas.check(quanteda_tables.themes, "themes")
    texts = dict(zip(quanteda_tables.sources.source_id, quanteda_tables.sources.text, strict=True))
    assert all(texts[r.source_id][r.start:r.end] == r.matched for r in th.itertuples())
    assert set(th.speaker) >= {schemas.NARRATOR}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copy(FIX / "mixed_article.txt", folder)
    return nkhr.analyze(folder)


def test_hostile_article_korean_particles_whitespace_exclusions_and_captions(mixed):
    th = mixed.themes
    rows = set(zip(th.sent_id, th.theme, th.matched, strict=True))
    # title: upper case and a run of spaces; Korean term inside 북한인권을
    assert ("s0001", "forced_repatriation", "FORCED REPATRIATION") in rows
    # "repatriation of remains" is an exception of the theme; the glob still finds repatriated
    matched = list(th[th.sent_id == "s0002"].matched)
    assert "repatriated" in matched and "repatriation" not in matched
    # Korean: 강제북송을 (particle attached) counts once, as the longest term
    ko = th[(th.sent_id == "s0003") & (th.theme == "forced_repatriation")]
    assert list(ko.matched) == ["강제북송"]
    # a caption is never counted
    assert "s0006" not in set(th.sent_id)


def test_default_codebook_on_the_bundled_corpus():
    t = nkhr.analyze(RAW)
    counts = t.themes.groupby("theme").size()
    assert counts["defectors_refugees"] > 30 and counts["nuclear_missile"] >= 8
    assert counts["forced_repatriation"] >= 4
    weaponize = t.themes[t.themes.matched.str.lower().str.startswith("weaponiz")]
    assert weaponize.empty  # "weaponize human rights" is not a weapons program
    assert t.meta["codebooks"]["themes"] == load_themes().sha256


def test_cli_analyze_with_another_theme_codebook(tmp_path, capsys):
    corpus = tmp_path / "raw"
    corpus.mkdir()
    shutil.copy(RAW / "004_1ece434d463d2cfa.txt", corpus)
    assert main(["analyze", str(corpus), "--out", str(tmp_path / "out"), "--themes", str(QUANTEDA)]) == 0
    out = nkhr.read_tables(tmp_path / "out")
    assert set(out.themes.theme) <= set(PLAIN)
    assert "repatriated" in set(out.themes.matched)
