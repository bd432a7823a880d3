"""The brief's content (nkhr.report.brief): numbers from the tables, article text kept as text."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
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
        "author": [None] * 3, "dateline": [None] * 3, "language": ["en", "en", "ko"], "n_chars": [100, 100, 100],
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


def test_scope_says_what_was_analysed_in_words(t):
    text = _plain(brief.scope(t, None, "data/raw", "2024-07-11"))
    assert text.startswith("This brief analyses 3 news articles from 3 outlets (Outlet **A** <b>, Outlet B")
    assert "; 1 article published on 2024-07-11, 2 articles undated." in text
    assert "The articles come from the corpus **data/raw**: every article in it is included." in text
    assert "Built on 2024-07-11." in text
    assert "Parameters" not in text and "top_n" not in text


def test_scope_says_the_selection_in_words_and_the_appendix_lists_the_parameters(t, tmp_path):
    from nkhr.params import validate

    p = validate({"corpus": str(tmp_path), "date_from": "2024-01-01", "outlets": ["Outlet B"],
                  "language": "ko", "top_n": 12, "gold": ""}, name="brief", top_n=int, gold=str)
    text = _plain(brief.scope(t, p, "data/raw"))
    assert ("The articles come from the corpus **data/raw**: only articles published from "
            "2024-01-01 onwards; from Outlet B; text in Korean.") in text
    appendix = _plain(brief.provenance(t, p, "2024-07-11"))
    assert "dates 2024-01-01 to any; outlets Outlet B; speakers all; language ko; speakers in the table 12" in appendix


def test_corpus_label_prefers_the_given_name_then_the_recorded_folder(t):
    assert brief.corpus_label(t) == "data/raw"
    assert brief.corpus_label(t, name="My corpus") == "My corpus"


def test_key_findings_have_the_numbers(t):
    text = _plain(brief.key_findings(t))
    assert "The 3 articles report 4 quotes; 3 (75%) are attributed to 2 named speakers." in text
    assert "Defectors are quoted most: 2 quotes (67% of attributed quotes) from 1 speaker" in text
    assert "3 sentences in 2 of the 3 articles link human rights" in text
    assert "the most common frame is “Rights and security inseparable” (2 sentences)" in text
    assert "The most frequent theme is **Rights**: 3 matches in 3 articles." in text
    assert "2 sentences in 1 article are in Korean" in text
    assert "nexus" not in text and "_" not in text


def _with_quotes(t, rows):
    """`t` with its quotes replaced by `rows` (kind, speaker_id, speaker) and speakers recounted."""
    q = schemas.frame("quotes", {
        "quote_id": [f"q{i:04d}" for i in range(len(rows))], "source_id": ["s1"] * len(rows),
        "para_id": ["p0001"] * len(rows), "sent_id": ["s0001"] * len(rows),
        "start": list(range(len(rows))), "end": [i + 1 for i in range(len(rows))],
        "text": ["x"] * len(rows), "kind": [r[0] for r in rows], "speaker_id": [r[1] for r in rows],
        "speaker": [r[2] for r in rows], "cue": ["said"] * len(rows),
        "method": ["name"] * len(rows), "confidence": [0.9] * len(rows)})
    sp = t.speakers.copy()
    counts = q.groupby("speaker_id").size()
    sp["n_quotes"] = sp["speaker_id"].map(counts).fillna(0).astype("int64")
    out = Tables(dict(t.items()) | {"quotes": q, "speakers": sp})
    out.meta = t.meta
    return out


def test_quotes_count_speech_not_quoted_terms(t):
    """A partial quote nobody is said to say (a title, a scare-quoted term) is not speech."""
    t2 = _with_quotes(t, [("full", "sp0001", EVIL_NAME), ("partial", "sp0001", EVIL_NAME),
                          ("partial", None, None), ("partial", None, None), ("full", None, None)])
    assert len(brief.speech(t2)) == 3
    text = _plain(brief.key_findings(t2))
    assert ("The 3 articles report 3 quotes: 2 full quotes and 1 partial quote woven into the "
            "reporter's sentences; 2 (67%) are attributed to 1 named speaker.") in text
    assert "2 quoted phrases that nobody is reported as saying (a title, a term, a scare quote) are not counted." in text


def test_a_tie_is_said_to_be_a_tie(t):
    t2 = _with_quotes(t, [("full", "sp0001", EVIL_NAME), ("full", "sp0002", "Jane Doe")])
    text = _plain(brief.key_findings(t2))
    assert "The most quoted speaker" not in text
    assert "**Jane Doe** and **Kim <img src=x onerror=alert(1)>** are tied as the most quoted speakers, with 1 quote each." in text
    assert "Defectors and UN officials are tied as the most quoted groups, with 1 quote each (50% of attributed quotes)." in text
    assert "the most common frame is “Rights and security inseparable”" in text  # 2 against 1: no tie


def test_who_speaks_lists_quoted_speakers_most_quoted_first(t):
    rows = brief.who_speaks_rows(t)
    assert list(rows["name"]) == [EVIL_NAME, "Jane Doe"]          # Park has no quote
    text = brief.who_speaks(t)
    assert "All 2 quoted speakers; quotes are full quotes and partial quotes attributed to them." in text
    assert "| UN officials |" in text and "| Defectors |" in text


def test_representative_sentences_prefer_named_speakers(t):
    rows = brief.representative_rows(t, per_frame=2)
    assert list(rows["frame"]) == ["nexus", "nexus", "funding"]
    assert rows.iloc[0]["speaker"] == "Jane Doe" and rows.iloc[0]["n_cues"] == 3
    text = brief.frame_quotes(t)
    assert "**Jane Doe**, UN special rapporteur; Outlet B, [article](<https://example.org/b?x=1&y=%282%29>) (source s2)" in text
    assert "address not linked: javascript\\:alert\\(1\\)" in text   # shown, never linked
    assert "### Rights and security inseparable (2 sentences in 2 articles)" in text
    assert "undated" not in text and "no link" not in text    # said once, in the sources list


def test_sources_list_says_undated_and_links_titles(t):
    text = brief.sources_table(t)
    assert text.count("undated") == 2 and "| 2024\\-07\\-11 |" in text


def test_korean_passages_show_sentences_that_carry_themes(t):
    rows = brief.korean_rows(t, n=1)
    assert list(rows["text"]) == [KO] and rows.iloc[0]["themes"] == "freedom; rights"
    text = _plain(brief.korean_passages(t))
    assert KO in text
    assert f"> {KO}\n>\n> --- the reporter; themes: Freedom (Freedom); Rights (Rights); Outlet C, “선언” (source s3)" in text


@pytest.mark.parametrize("text, whole", [
    ("북한 주민의 인권 증진을 위해 노력한 분들에게 경의를 표한다.", True),
    ("소명을 용기로, 용기를 희망으로, 희망을 행동으로.", True),
    ("1. 각자의 전문 분야와 북한 인권운동을 일상에서 전개할", False),
    ("이러한 고발은 지속 가능한 운동으로 발전해야 한다", True),
    ("He said “it must stop.”", True),
    ("The forum, held on", False),
])
def test_a_passage_is_a_whole_sentence(text, whole):
    assert brief.ends_sentence(text) is whole


def test_korean_passages_prefer_whole_sentences_and_name_the_speaker(t):
    se = t.sentences.copy()
    se.loc[se.text == KO, "text"] = "북한 주민의 인권 증진을 위해 노력한"   # cut mid-phrase
    t2 = Tables(dict(t.items()) | {"sentences": se})
    assert list(brief.korean_rows(t2, n=1)["text"]) == ["짧다."]
    quotes = schemas.frame("quotes", {
        "quote_id": ["q0001"], "source_id": ["s3"], "para_id": ["p0001"], "sent_id": ["s0002"],
        "start": [42], "end": [60], "text": ["인권"], "kind": ["full"], "speaker_id": ["sp0002"],
        "speaker": ["Jane Doe"], "cue": ["말했다"], "method": ["name"], "confidence": [0.9]})
    t3 = Tables(dict(t.items()) | {"quotes": quotes})
    assert "--- **Jane Doe**, UN special rapporteur; themes:" in brief.korean_passages(t3, n=1)


def test_speaker_frame_table_shows_only_frames_that_occur(t):
    text = _plain(brief.speaker_frame_table(t))
    assert text.splitlines()[0] == "| Speaker | Rights and security inseparable | Abuses fund weapons | Total |"
    assert "| Reporter | 1 | 1 | 2 |" in text and "| Jane Doe | 1 | · | 1 |" in text


def test_notes_under_the_charts_name_the_leaders(t):
    assert "Leading themes: Rights (3 in 3 articles), Freedom (1 in 1 article)" in _plain(
        brief.themes_note(t))
    assert ("The reporter's own sentences account for 67% of frame labels, most often "
            "“Rights and security inseparable”") in _plain(brief.frames_note(t))


SCORES = {"quotes": {"precision": 0.8, "recall": 0.5, "f1": 0.63, "tp": 4, "fp": 1, "fn": 4},
          "attribution_accuracy": 0.75, "errors": {"missed": ["x"]}}


def test_methods_without_gold_say_accuracy_was_not_measured(t):
    text = _plain(brief.methods(t, None))
    assert "**Accuracy was not measured on this corpus.**" in text
    assert "run **nkhr run --gold YOUR_FOLDER** (or nkhr evaluate --gold YOUR_FOLDER --pred OUT/tables)" in text


def test_methods_label_development_scores_as_such(t):
    gold = Path(__file__).parent / "gold" / "seeds"
    text = _plain(brief.methods(t, SCORES, gold))
    assert "**Accuracy on the development set.** These scores compare the tables with the hand " \
           "annotations in tests/gold/seeds (5 articles): the articles nkhr's rules were developed on" in text
    assert "| Quotes found | 0.80 | 0.50 | 0.63 | 8 |" in text
    assert "| Found quotes with the right speaker |   |   | 0.75 |   |" in text
    assert "missed" not in text and "attribution_accuracy" not in text


def test_methods_with_the_users_own_gold_show_its_scores(t, tmp_path):
    gold = tmp_path / "my_gold"
    shutil.copytree(Path(__file__).parent / "gold" / "seeds", gold)
    assert brief.gold_kind(gold) == "independent" and brief.gold_kind("") == ""
    text = _plain(brief.methods(t, SCORES, gold))
    assert "**Accuracy on this corpus.** These scores compare the tables with the hand annotations in my_gold (5 articles)" in text
    assert "development" not in text


def test_provenance_is_a_short_table_with_abbreviated_hashes(t, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720656000")
    text = _plain(brief.provenance(t))
    assert text.startswith("| Record | Value |")
    assert f"| Built | 2024-07-11 with nkhr {__version__}, Python" in text
    assert f"combined SHA-256 {brief.input_hash(t)[:16]}…" in text and brief.input_hash(t) not in text
    assert "frames 2 (eeeeeeee) · themes 3 (dddddddd)" in text
    assert "aaaa" not in text and "s1" not in text       # per-file hashes live in meta.json
    assert len(text.splitlines()) <= 10


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
    n_q = len(brief.speech(bundled))
    assert f"The {len(bundled.sources)} articles report {n_q:,} quotes" in text
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
    text = _plain(brief.methods(bundled, scores, gold))
    assert "Accuracy on the development set" in text
    assert f"| Quotes found | {scores['quotes']['precision']:.2f} |" in text
    assert brief.gold_scores("", bundled) is None


def test_no_section_shows_a_codebook_id_or_a_parameter(bundled):
    """Readers see names: no snake_case theme or frame id, no role id, no parameter dump."""
    from nkhr.codebooks import load_frames, load_themes

    ids = [i for i in [*load_themes().themes, *load_frames().frames] if "_" in i]
    gold = Path(__file__).parent / "gold" / "seeds"
    sections = {**_sections(bundled, brief.gold_scores(gold, bundled)),
                "methods": brief.methods(bundled, brief.gold_scores(gold, bundled), gold)}
    sections.pop("provenance")  # the appendix records ids and parameters on purpose
    for name, text in sections.items():
        plain = _plain(text)
        assert not [i for i in ids if i in plain], name
        assert not re.search(r"\b(dprk|ngo|top_n|korean_n|quotes_per_frame)\b|gold given", plain), name
