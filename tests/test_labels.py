"""Names for readers: codebook labels (English and Korean), role names, and words for bare ids."""

from __future__ import annotations

import pytest

from nkhr import codebooks as cb
from nkhr import schemas
from nkhr.errors import CodebookError
from nkhr.report import labels
from nkhr.tables import Tables


@pytest.mark.parametrize("book", [cb.load_themes, cb.load_frames])
def test_every_shipped_theme_and_frame_has_an_english_and_a_korean_label(book):
    b = book()
    ids = b.themes if hasattr(b, "themes") else list(b.frames)
    assert set(b.labels) == set(ids) and set(b.labels_ko) == set(ids)
    assert len(set(b.labels.values())) == len(ids)             # two ids never share a name
    for key in ids:
        assert "_" not in b.labels[key] and b.labels[key][0].isupper()
        assert any("\uac00" <= ch <= "\ud7a3" for ch in b.labels_ko[key])


def test_labels_come_from_the_codebook_and_ids_without_one_read_as_words(tmp_path):
    themes = tmp_path / "themes.yml"
    themes.write_text("version: 1\nthemes:\n  forced_labor:\n    description: x\n"
                      "    label: Forced labour abroad\n    label_ko: 강제노동\n    terms: [forced labor]\n"
                      "  prison_camps_and_more: [prison camp*]\n", encoding="utf-8")
    t = Tables({"sources": schemas.empty("sources")})
    t.meta = {"parameters": {"themes": str(themes), "frames": None}}
    lab = labels.of(t)
    assert lab.theme("forced_labor") == "Forced labour abroad"
    assert lab.in_language("ko").theme("forced_labor") == "강제노동"
    assert lab.theme("prison_camps_and_more") == "Prison camps and more"
    assert lab.frame("counter_frame") == "Rights as a political weapon"   # the located default
    assert labels.words("rights/women_girls") == "Rights: women girls"


def test_a_label_that_is_not_words_is_refused_with_its_line(tmp_path):
    themes = tmp_path / "themes.yml"
    themes.write_text("version: 1\nthemes:\n  a:\n    label: [x]\n    terms: [y]\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"themes.yml, line 4: theme 'a': `label` must be a name"):
        cb.load_themes(themes)


def test_roles_have_one_vocabulary_and_the_narrator_is_the_reporter():
    lab = labels.of()
    assert [lab.role(r) for r in ("dprk", "un", "ngo", "reporter")] == [
        "North Korean officials", "UN officials", "Civil society", "Reporter"]
    assert lab.speaker(schemas.NARRATOR) == "Reporter" and lab.speaker("Jane Doe") == "Jane Doe"
    assert lab.in_language("ko").role("dprk") == "북한 당국자"
    assert lab.role("new_category") == "New category"
