"""nkhr.select: consistent filtering, forgiving outlet names, errors that name the parameter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nkhr import schemas
from nkhr.errors import ParameterError
from nkhr.select import outlet_matches, select
from nkhr.tables import Tables

OUTLETS = ["Freedom Chosun", "Christian Daily Korea", "National Endowment for Democracy",
           "Korea JoongAng Daily", "The Korea Herald"]


def _tables() -> Tables:
    """Five sources like the bundled catalog, two speakers, a few quotes/themes/frames."""
    ids = [f"00{i}_x" for i in range(5)]
    sources = schemas.frame("sources", {
        "source_id": ids, "outlet": OUTLETS,
        "published": [dt.date(2023, 5, 1), None, dt.date(2024, 1, 2), dt.date(2024, 3, 3),
                      dt.date(2024, 7, 11)],
        "title": ["t"] * 5, "url": [None] * 5, "author": [None] * 5, "dateline": [None] * 5,
        "language": ["en", "en", "en", "ko", "en"], "n_chars": [10] * 5,
        "sha256": ["h"] * 5, "path": [f"{i}.txt" for i in ids], "encoding": ["utf-8"] * 5,
        "text": ["Some text."] * 5,
    })
    sentences = schemas.frame("sentences", {
        "source_id": ids, "sent_id": ["s0001"] * 5, "para_id": ["p0001"] * 5,
        "start": [0] * 5, "end": [10] * 5, "text": ["Some text."] * 5,
        "language": ["en"] * 5, "kind": ["body"] * 5, "is_caption": [False] * 5,
    })
    speakers = schemas.frame("speakers", {
        "speaker_id": ["sp0001", "sp0002"], "name": ["Jang Se-yul", "Elizabeth Salmón"],
        "role_category": ["defector", "un"], "role": [None, "UN special rapporteur"],
        "affiliation": [None, "UN"], "aliases": ["Jang Se-yul|Jang", "Elizabeth Salmón|Salmón"],
        "n_quotes": [2, 1], "n_sources": [2, 1],
    })
    quotes = schemas.frame("quotes", {
        "quote_id": ["q0001", "q0001", "q0001"], "source_id": [ids[0], ids[3], ids[4]],
        "para_id": ["p0001"] * 3, "sent_id": ["s0001"] * 3, "start": [0] * 3, "end": [5] * 3,
        "text": ["a", "b", "c"], "kind": ["full"] * 3,
        "speaker_id": ["sp0001", "sp0001", "sp0002"],
        "speaker": ["Jang Se-yul", "Jang Se-yul", "Elizabeth Salmón"],
        "cue": ["said"] * 3, "method": ["name"] * 3, "confidence": [1.0] * 3,
    })
    frames = schemas.frame("frames", {
        "source_id": [ids[3], ids[4]], "sent_id": ["s0001"] * 2, "start": [0] * 2,
        "end": [10] * 2, "sentence": ["x", "y"], "frame": ["nexus", "nexus"],
        "speaker": ["Jang Se-yul", schemas.NARRATOR], "evidence": ["cue"] * 2,
    })
    return Tables({"sources": sources, "sentences": sentences, "speakers": speakers,
                   "quotes": quotes, "frames": frames}, meta={"corpus": "hand-made"})


@pytest.mark.parametrize("wanted,outlet,hit", [
    ("Korea Herald", "The Korea Herald", True),
    ("the korea herald", "The Korea Herald", True),
    ("JoongAng Daily", "Korea JoongAng Daily", True),
    ("Korea", "Korea JoongAng Daily", True),
    ("Herald", "Korea JoongAng Daily", False),
    ("Joong", "Korea JoongAng Daily", False),
])
def test_outlet_matching_is_forgiving_but_whole_words(wanted, outlet, hit):
    assert outlet_matches(wanted, outlet) is hit


def test_outlets_filter_every_table_by_source():
    t = select(_tables(), outlets=["Korea Herald", "JoongAng Daily"])
    assert list(t.sources.outlet) == ["Korea JoongAng Daily", "The Korea Herald"]
    for name in ("sentences", "quotes", "frames"):
        assert set(t[name].source_id) <= set(t.sources.source_id)
    assert len(t.quotes) == 2
    assert t.meta["selection"]["outlets"] == ["Korea Herald", "JoongAng Daily"]
    assert t.meta["corpus"] == "hand-made"
    for name, df in t.items():
        if name in schemas.SCHEMAS:
            schemas.check(df, name)


def test_dates_are_inclusive_and_unknown_dates_are_left_out():
    t = select(_tables(), date_from="2024-01-02", date_to=dt.date(2024, 3, 3))
    assert list(t.sources.source_id) == ["002_x", "003_x"]
    # speakers are recounted within the selection
    assert dict(zip(t.speakers.name, t.speakers.n_quotes, strict=True)) == {"Jang Se-yul": 1}


def test_language_filter():
    assert list(select(_tables(), language="ko").sources.source_id) == ["003_x"]


def test_speakers_filter_quotes_and_frames_by_alias():
    t = select(_tables(), speakers=["jang"])
    assert set(t.quotes.speaker) == {"Jang Se-yul"}
    assert list(t.frames.speaker) == ["Jang Se-yul"]
    assert list(t.speakers.name) == ["Jang Se-yul"]
    assert len(t.sources) == 5  # sources stay, so sentences can be shown in context
    n = select(_tables(), speakers=["NARRATOR"])
    assert list(n.frames.speaker) == [schemas.NARRATOR] and n.quotes.empty


@pytest.mark.parametrize("kwargs,param", [
    ({"outlets": ["Pyongyang Times"]}, "outlets"),
    ({"outlets": ["Freedom Chosun"], "date_from": "2024-01-01"}, "outlets"),
    ({"date_from": "2030-01-01"}, "date_from"),
    ({"date_to": "2000-01-01"}, "date_to"),
    ({"date_from": "not-a-date"}, "date_from"),
    ({"speakers": ["Nobody Here"]}, "speakers"),
    ({"speakers": ["Elizabeth Salmón"], "outlets": ["JoongAng Daily"]}, "speakers"),
    ({"language": "fr"}, "language"),
])
def test_empty_or_unknown_selection_names_the_parameter(kwargs, param):
    with pytest.raises(ParameterError, match=rf"^{param}: "):
        select(_tables(), **kwargs)


def test_nkhr_select_stays_callable_after_the_module_is_imported():
    import nkhr
    import nkhr.select  # noqa: F401 - Python now binds the module to nkhr.select

    assert list(nkhr.select(_tables(), language="ko").sources.source_id) == ["003_x"]


def test_bundled_corpus_by_outlet():
    import nkhr

    t = nkhr.analyze(Path(__file__).resolve().parents[1] / "data" / "raw")
    herald = select(t, outlets=["Korea Herald"])
    assert list(herald.sources.outlet) == ["The Korea Herald"]
    assert len(herald.quotes) and set(herald.quotes.source_id) == set(herald.sources.source_id)
    assert set(herald.speakers.speaker_id) <= set(herald.quotes.speaker_id) | set(herald.mentions.speaker_id)
    both = select(t, outlets=["Korea Herald", "JoongAng Daily"])
    assert sorted(both.sources.outlet) == ["Korea JoongAng Daily", "The Korea Herald"]
