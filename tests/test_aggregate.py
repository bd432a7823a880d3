"""Aggregates and kwic on the analyzed bundled corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import nkhr
from nkhr import aggregate as ag
from nkhr.errors import ParameterError
from nkhr.schemas import NARRATOR

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def t():
    return nkhr.analyze(ROOT / "data" / "raw")


@pytest.mark.parametrize("by", ag.KEYS)
def test_theme_counts_add_up_for_every_grouping(t, by):
    c = ag.theme_counts(t, by)
    assert list(c.columns) == [by, "theme", "n_matches", "n_sentences", "n_sources"]
    assert c.n_matches.sum() == len(t.themes)
    assert (c.n_sentences <= c.n_matches).all() and (c.n_sources <= c.n_sentences).all()
    m = ag.theme_matrix(t, by)
    assert m.values.sum() == len(t.themes) and m.index.name == by


def test_months_sort_chronologically_with_undated_last(t):
    m = ag.theme_matrix(t, "month")
    assert list(m.index) == ["2024-07", "undated"]


@pytest.mark.parametrize("by", ag.KEYS)
def test_frame_counts_and_matrix(t, by):
    c = ag.frame_counts(t, by)
    assert c.n_sentences.sum() == len(t.frames)
    m = ag.frame_matrix(t, by)
    assert list(m.columns) == ["nexus", "funding", "diversion", "root_cause", "military_abuse",
                               "counter_frame"]
    assert m.values.sum() == len(t.frames)


def test_role_categories_join_through_speakers(t):
    m = ag.frame_matrix(t, "role_category")
    assert m.loc["dprk", "counter_frame"] == 2          # the North's ambassador
    assert m.loc["defector", "military_abuse"] >= 4
    assert m.loc[ag.NARRATOR_ROLE].sum() >= 1           # the reporter's own framing


def test_speaker_frame_matrix_and_the_sentences_behind_a_cell(t):
    m = ag.speaker_frame_matrix(t)
    assert NARRATOR in m.index and list(m.sum(axis=1)) == sorted(m.sum(axis=1), reverse=True)
    assert NARRATOR not in ag.speaker_frame_matrix(t, include_narrator=False).index
    top = m.index[0]
    cell = ag.frame_sentences(t, speaker=top, frame=m.loc[top].idxmax())
    assert len(cell) == m.loc[top].max()
    assert set(cell.speaker) == {top} and cell.sentence.str.len().gt(0).all()
    by_role = ag.frame_sentences(t, role_category="dprk")
    assert set(by_role.frame) == {"counter_frame"}
    with pytest.raises(ParameterError, match="frame='peace'"):
        ag.frame_sentences(t, frame="peace")


def test_quote_aggregates(t):
    per = ag.quotes_per_speaker(t)
    assert per.n_quotes.sum() == t.quotes.speaker.notna().sum()
    assert list(per.n_quotes) == sorted(per.n_quotes, reverse=True)
    roles = ag.quotes_per_role(t)
    assert roles.n_quotes.sum() == per.n_quotes.sum()
    assert set(roles.role_category) <= {"defector", "government", "un", "ngo", "diplomat", "dprk",
                                        "expert", "other"}
    m = ag.speaker_source_matrix(t)
    assert m.values.sum() == per.n_quotes.sum()
    assert list(m.columns) == sorted(m.columns)
    unattributed = ag.quotes_per_speaker(t, include_unattributed=True)
    assert unattributed.n_quotes.sum() == len(t.quotes)


def test_kwic_by_theme_by_term_and_in_korean(t):
    k = ag.kwic(t, "forced_repatriation", window=30)
    assert len(k) == (t.themes.theme == "forced_repatriation").sum()
    assert list(k.columns) == ["source_id", "sent_id", "start", "end", "left", "match", "right",
                               "theme", "term", "speaker", "outlet", "published"]
    assert all(len(x) <= 30 for x in k.left) and "\n" not in "".join(k.right)
    g = nkhr.kwic(t, "repatriat*", window=20)
    assert set(g.match.str.lower()) == {"repatriation", "repatriated"}
    ko = ag.kwic(t, "인권", window=5)
    assert len(ko) >= 10 and set(ko.match) == {"인권"}
    assert "Jang Se-yul" in set(ag.kwic(t, "nuclear weapons").speaker)


def test_kwic_refuses_bad_input(t):
    with pytest.raises(ParameterError, match="invalid regex"):
        ag.kwic(t, "/(unclosed/")
    with pytest.raises(ParameterError):
        ag.kwic(t, "   ")


def test_aggregates_are_deterministic_and_do_not_touch_their_input(t):
    before = {k: v.copy() for k, v in t.items()}
    a = (ag.theme_counts(t, "speaker"), ag.frame_matrix(t, "outlet"), ag.kwic(t, "events"))
    b = (ag.theme_counts(t, "speaker"), ag.frame_matrix(t, "outlet"), ag.kwic(t, "events"))
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)
    for k, v in t.items():
        pd.testing.assert_frame_equal(v, before[k])


def test_empty_selection_gives_empty_tables(t):
    empty = nkhr.Tables({k: v.iloc[0:0] for k, v in t.items()})
    assert ag.theme_counts(empty, "outlet").empty
    assert ag.frame_matrix(empty).shape == (0, 6)
    assert ag.quotes_per_speaker(empty).empty and ag.kwic(empty, "nuclear").empty
