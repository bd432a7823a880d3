"""The brief's content (nkhr.report.brief): numbers from the tables, article text kept as text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pypandoc
import pytest

from nkhr import __version__, schemas
from nkhr.report import brief
from nkhr.tables import Tables

EVIL_TITLE = '<script>alert(1)</script> {{< include /etc/passwd >}} #read("/etc/passwd") $x$'
EVIL_NAME = "Kim <img src=x onerror=alert(1)>"
KO = "북한 주민의 인권 증진을 위해 노력한 분들에게 경의를 표한다."


def _tables() -> Tables:
    """Three sources, four quotes, three speakers, themes and frames: small and hostile."""
    sources = schemas.frame("sources", {
        "source_id": ["s1", "s2", "s3"],
        "outlet": ["Outlet **A** <b>", "Outlet B", "Outlet C"],
        "published": [dt.date(2024, 7, 11), None, None],
        "title": [EVIL_TITLE, None, "선언"],
        "url": ["javascript:alert(1)", "https://example.org/b?x=1&y=(2)", None],
        "author": [None] * 3, "language": ["en", "en", "ko"], "n_chars": [100, 100, 100],
        "sha256": ["a" * 64, "b" * 64, "c" * 64], "path": ["s1.txt", "s2.txt", "s3.txt"],
        "encoding": ["utf-8"] * 3, "text": ["x", "y", "z"],
    })
    sent = {"source_id": ["s1", "s1", "s2", "s3", "s3"], "sent_id": ["s0001", "s0002", "s0001", "s0001", "s0002"],
            "para_id": ["p0001"] * 5, "start": [0, 50, 0, 0, 40], "end": [49, 99, 99, 39, 99],
            "text": ["A sentence.", "Another.", "B sentence.", "짧다.", KO],
            "language": ["en", "en", "en", "ko", "ko"], "kind": ["body"] * 5, "is_caption": [False] * 5}
    quotes = {"quote_id": ["q0001", "q0002", "q0001", "q0002"], "source_id": ["s1", "s1", "s2", "s2"],
              "para_id": ["p0001"] * 4, "sent_id": ["s0001", "s0002", "s0001", "s0001"],
              "start": [1, 51, 1, 20], "end": [10, 60, 10, 30],
              "text": ["<script>alert(1)</script>", "two", "three", "four"],
              "kind": ["full"] * 4, "speaker_id": ["sp0001", "sp0001", "sp0002", None],
              "speaker": [EVIL_NAME, EVIL_NAME, "Jane Doe", None], "cue": ["said"] * 4,
              "method": ["name", "name", "name", "none"], "confidence": [0.9, 0.9, 0.9, 0.0]}
    speakers = {"speaker_id": ["sp0001", "sp0002", "sp0003"], "name": [EVIL_NAME, "Jane Doe", "Park"],
                "role_category": ["defector", "un", "government"],
                "role": ["activist [click](javascript:alert(1))", "UN special rapporteur", None],
                "affiliation": [None, None, None], "aliases": [EVIL_NAME, "Jane Doe", "Park"],
                "n_quotes": [2, 1, 0], "n_sources": [1, 1, 1]}
    themes = {"source_id": ["s1", "s2", "s3", "s3"], "sent_id": ["s0001", "s0001", "s0002", "s0002"],
              "start": [0, 0, 40, 50], "end": [5, 5, 45, 55],
              "theme": ["rights", "rights", "rights", "freedom"], "term": ["rights", "rights", "인권", "자유"],
              "matched": ["rights", "rights", "인권", "자유"], "speaker": ["NARRATOR"] * 4}
    frames = {"source_id": ["s1", "s2", "s1"], "sent_id": ["s0001", "s0001", "s0002"],
              "start": [0, 0, 50], "end": [49, 99, 99],
              "sentence": ["Rights and nuclear weapons are two sides of the same coin, the reporter wrote.",
                           "Jane Doe said \"peace and human rights are inseparable\" at the council.",
                           "Forced labor abroad <b>funds</b> the missile program, says the report."],
              "frame": ["nexus", "nexus", "funding"], "speaker": ["NARRATOR", "Jane Doe", "NARRATOR"],
              "evidence": ["two sides of the same coin", "inseparable; peace; human rights", "funds"]}
    t = Tables({"sources": sources, "sentences": schemas.frame("sentences", sent),
                "quotes": schemas.frame("quotes", quotes), "speakers": schemas.frame("speakers", speakers),
                "themes": schemas.frame("themes", themes), "frames": schemas.frame("frames", frames)})
    t.meta = {"corpus": "/somewhere/data/raw", "codebooks": {"themes": "d" * 64, "frames": "e" * 64},
              "codebook_versions": {"themes": 3, "frames": 2}}
    return t


@pytest.fixture(scope="module")
def t() -> Tables:
    return _tables()


def _ast_kinds(markdown: str) -> tuple[set[str], list[str]]:
    """Element types in Pandoc's AST of `markdown`, and every link/image target."""
    doc = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))
    kinds, targets = set(), []

    def walk(node):
        if isinstance(node, dict):
            if "t" in node:
                kinds.add(node["t"])
                if node["t"] in ("Link", "Image"):
                    targets.append(node["c"][2][0])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc["blocks"])
    return kinds, targets


def _plain(markdown: str) -> str:
    """Escaped Markdown with its backslashes removed (for reading assertions)."""
    return markdown.replace("\\", "")


def _sections(t, scores=None):
    return {
        "scope": brief.scope(t, None, brief.corpus_label(t), "2024-07-11"),
        "findings": brief.key_findings(t),
        "who": brief.who_speaks(t),
        "matrix": brief.speaker_frame_table(t),
        "quotes": brief.frame_quotes(t),
        "korean": brief.korean_passages(t),
        "themes": brief.themes_note(t),
        "frames": brief.frames_note(t),
        "sources": brief.sources_table(t),
        "methods": brief.methods(t, scores),
        "provenance": brief.provenance(t, None, "2024-07-11"),
    }


def test_no_section_carries_raw_markup_images_or_unsafe_links(t):
    for name, text in _sections(t, {"quotes": {"precision": 1.0, "recall": 0.5, "f1": 0.67,
                                               "tp": 1, "fp": 0, "fn": 1}}).items():
        kinds, targets = _ast_kinds(text)
        assert not kinds & {"RawInline", "RawBlock", "Image", "Math", "Cite", "Note"}, (name, kinds)
        assert all(x.startswith(("https://", "http://")) for x in targets), (name, targets)


def test_article_text_reaches_html_literally(t):
    page = pypandoc.convert_text("\n\n".join(_sections(t).values()), "html", format="markdown",
                                 extra_args=["--wrap=none"])
    assert "<script" not in page and "<img" not in page and "javascript:alert(1)\"" not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt; {{&lt; include /etc/passwd &gt;}} #read("/etc/passwd") $x$' in page
    assert "Kim &lt;img src=x onerror=alert(1)&gt;" in page
    assert '<a href="https://example.org/b?x=1&amp;y=%282%29">article</a>' in page
    assert KO in page


def test_scope_counts_articles_outlets_and_dates(t):
    text = _plain(brief.scope(t, None, "data/raw", "2024-07-11"))
    assert text.startswith("This brief covers 3 articles from 3 outlets (Outlet **A** <b>, Outlet B")
    assert "Corpus: **data/raw**. Parameters: all articles" in text
    assert "published on 2024-07-11; 2 articles carry no date" in text
    assert "Built on 2024-07-11." in text


def test_corpus_label_prefers_the_given_name_then_the_recorded_folder(t):
    assert brief.corpus_label(t) == "data/raw"
    assert brief.corpus_label(t, name="My corpus") == "My corpus"


def test_key_findings_have_the_numbers(t):
    text = _plain(brief.key_findings(t))
    assert "The 3 articles carry 4 quotes; 3 of them (75%) are attributed to 2 named speakers." in text
    assert "Defectors are quoted most: 2 quotes (67% of attributed quotes) from 1 speaker" in text
    assert "3 sentences in 2 of the 3 articles link human rights" in text
    assert "most common frame is *nexus*" in text
    assert "2 sentences in 1 article are in Korean" in text


def test_who_speaks_lists_quoted_speakers_most_quoted_first(t):
    rows = brief.who_speaks_rows(t)
    assert list(rows["name"]) == [EVIL_NAME, "Jane Doe"]          # Park has no quote
    assert "All 2 quoted speakers." in brief.who_speaks(t)


def test_representative_sentences_prefer_named_speakers(t):
    rows = brief.representative_rows(t, per_frame=2)
    assert list(rows["frame"]) == ["nexus", "nexus", "funding"]
    assert rows.iloc[0]["speaker"] == "Jane Doe" and rows.iloc[0]["n_cues"] == 3
    text = brief.frame_quotes(t)
    assert "**Jane Doe**, UN special rapporteur; Outlet B, undated, [article](<https://example.org/b?x=1&y=%282%29>) (source s2)" in text
    assert "address not linked: javascript\\:alert\\(1\\)" in text   # shown, never linked


def test_korean_passages_show_sentences_that_carry_themes(t):
    rows = brief.korean_rows(t, n=1)
    assert list(rows["text"]) == [KO] and rows.iloc[0]["themes"] == "freedom; rights"
    assert KO in _plain(brief.korean_passages(t))


def test_speaker_frame_table_shows_only_frames_that_occur(t):
    text = _plain(brief.speaker_frame_table(t))
    assert text.splitlines()[0] == "| Speaker | nexus | funding | Total |"
    assert "| Reporter (narration) | 1 | 1 | 2 |" in text and "| Jane Doe | 1 | · | 1 |" in text


def test_notes_under_the_charts_name_the_leaders(t):
    assert "Leading themes: *rights* (3 in 3 articles), *freedom* (1 in 1 article)" in _plain(
        brief.themes_note(t))
    assert "The reporters' own narration account for 67% of frame labels" in _plain(
        brief.frames_note(t))


def test_methods_list_codebooks_and_scores(t):
    text = brief.methods(t, None)
    assert "| frames | 2 | eeeeeeeeeeeeeeee |" in _plain(text)
    assert "No gold folder was given" in text
    scores = {"quotes": {"precision": 0.8, "recall": 0.5, "f1": 0.63, "tp": 4, "fp": 1, "fn": 4},
              "attribution_accuracy": 0.75, "errors": {"missed": ["x"]}}
    text = _plain(brief.methods(t, scores))
    assert "| quotes | 0.80 | 0.50 | 0.63 | 8 |" in text
    assert "| attribution accuracy |   |   | 0.75 |   |" in text
    assert "missed" not in text


def test_provenance_has_version_hashes_and_the_build_date(t, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720656000")
    text = _plain(brief.provenance(t))
    assert text.startswith(f"Built 2024-07-11 with nkhr {__version__}")
    assert brief.input_hash(t) in text and "aaaaaaaaaaaaaaaa" in text


def test_empty_tables_give_sentences_not_errors():
    t = Tables({n: schemas.empty(n) for n in ("sources", "sentences", "quotes", "speakers",
                                               "themes", "frames")})
    for text in _sections(t).values():
        assert isinstance(text, str) and text


# --- the real bundled articles ---------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    import nkhr

    return nkhr.analyze(Path(__file__).resolve().parents[1] / "data" / "raw")


def test_bundled_corpus_brief_has_the_korean_declaration(bundled):
    text = _plain(brief.korean_passages(bundled))
    korean = bundled.sentences[(bundled.sentences.language == "ko")
                               & (bundled.sentences.kind == "body")]
    assert any(s in text for s in korean.text)
    assert "National Endowment for Democracy" in text


def test_bundled_corpus_numbers_match_the_tables(bundled):
    text = _plain(brief.key_findings(bundled))
    n_q = len(bundled.quotes)
    assert f"The {len(bundled.sources)} articles carry {n_q:,} quotes" in text
    who = brief.who_speaks_rows(bundled)
    assert who["n_quotes"].is_monotonic_decreasing


@pytest.mark.parametrize("sentence, shown", [
    ('If abuses stop, the threat will stop too."', '"If abuses stop, the threat will stop too."'),
    ('He said "yes" twice.', 'He said "yes" twice.'),
    ("Peace matters,” she said.", "“Peace matters,” she said."),
    ("“Whole,” he said.", "“Whole,” he said."),
])
def test_a_sentence_that_starts_inside_a_quotation_is_shown_opened(sentence, shown):
    assert brief.balance_quotes(sentence) == shown


def test_bundled_corpus_methods_show_the_gold_scores(bundled):
    gold = Path(__file__).parent / "gold" / "seeds"
    scores = brief.gold_scores(gold, bundled)
    text = _plain(brief.methods(bundled, scores))
    assert "Scores of these tables against the hand-annotated gold set" in text
    assert f"| quotes | {scores['quotes']['precision']:.2f} |" in text
    assert brief.gold_scores("", bundled) is None
