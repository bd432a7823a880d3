"""Korean-language quotes and speakers (extract/korean.py) on sentences written for these
tests, one construction each, then the Korean development set's floors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import nkhr
from nkhr.extract import korean
from nkhr.extract import quotes as quotes_mod
from nkhr.extract.names import load_lexicon
from nkhr.extract.speakers import key_of_name
from nkhr.ingest import RawText, clean, ingest_text, load_furniture

ROOT = Path(__file__).resolve().parents[1]

MINISTER = """\
김철수 통일부 장관은 12일 "북한 주민의 인권은 미룰 수 없는 과제"라고 말했다.

김 장관은 이날 서울에서 열린 회의에서 "국제사회와 협력하겠다"며 "탈북민 보호를 강화할 것"이라고 강조했다.

그러면서 "정부는 모든 노력을 다할 것"이라고 덧붙였다.

"인권 문제는 안보와 분리할 수 없다"고 박영희 주유엔대사가 13일 밝혔다.

북한 외무성 대변인은 이날 담화에서 "미국의 인권 소동은 내정 간섭"이라고 주장했다.

대변인은 "우리는 강력히 대응할 것"이라고 말했다.

한 소식통은 "국경 경비가 강화됐다"고 전했다.

탈북민 A씨는 "수용소에서 굶주렸다"고 증언했다.

제임스 브라운 유엔 특별보고관은 보고서에서 ‘식량 사정이 매우 심각한 상태’라고 지적했다.

브라운 특별보고관은 "책임 규명이 필요하다"고 말했다.

이어 "국제사회가 행동해야 한다"고 말했다.
"""

AGENCY = """\
북한이 미국 국무부를 향해 ”적대 정책을 철회하라“고 요구했습니다.

조선중앙통신은 이날 논평에서 이같이 주장했습니다.

가난했던 1990년대 북한을 떠나 중국에서 일했다고 자신을 소개한 최민준씨는 ”매일 감시를 받았다“고 말했습니다.

그는 ”다시는 돌아가고 싶지 않다“며 ”가족이 그립다“고 덧붙였습니다.

최씨는 ”자유를 찾았다“고 말했습니다.
"""


def _doc(text: str, source_id: str = "ko_test"):
    raw = RawText(source_id, f"{source_id}.txt", hashlib.sha256(text.encode()).hexdigest(), "utf-8", text)
    return ingest_text(raw, None, load_furniture())


def _said(text: str) -> list[tuple[str, str | None, str]]:
    """(quote, speaker's name as the article writes it, method) for every quote."""
    doc = _doc(text)
    people = quotes_mod.extract(doc, load_lexicon(), korean.load_korean())
    out = []
    for q in people.quotes:
        who = people.persons[q.cluster].names[0] if q.cluster >= 0 and people.persons[q.cluster].names else None
        out.append((doc.text[q.start:q.end], who, q.method))
    return out


def test_each_construction_finds_its_speaker():
    said = {q: who for q, who, _ in _said(MINISTER)}
    assert said == {
        "북한 주민의 인권은 미룰 수 없는 과제": "김철수",             # the sentence's topic, name + title
        "국제사회와 협력하겠다": "김철수",                           # family name + title
        "탈북민 보호를 강화할 것": "김철수",                         # "…"며 "…"라고 강조했다
        "정부는 모든 노력을 다할 것": "김철수",                      # 그러면서: carried
        "인권 문제는 안보와 분리할 수 없다": "박영희",               # the subject after the quote
        "미국의 인권 소동은 내정 간섭": "북한 외무성 대변인",        # an unnamed speaker as written
        "우리는 강력히 대응할 것": "북한 외무성 대변인",             # a bare head: the last one
        "국경 경비가 강화됐다": "한 소식통",
        "수용소에서 굶주렸다": "탈북민 A씨",
        "식량 사정이 매우 심각한 상태": "제임스 브라운",             # single marks with 라고 지적했다
        "책임 규명이 필요하다": "제임스 브라운",                     # a foreign family name + title
        "국제사회가 행동해야 한다": "제임스 브라운",                 # 이어: carried
    }


def test_reversed_marks_pronouns_back_reference_and_glued_honorifics():
    said = _said(AGENCY)
    assert [(q, who) for q, who, _ in said] == [
        ("적대 정책을 철회하라", "조선중앙통신"),   # a country's quote, told by "…이같이 주장했다"
        ("매일 감시를 받았다", "최민준"),
        ("다시는 돌아가고 싶지 않다", "최민준"),     # 그는
        ("가족이 그립다", "최민준"),
        ("자유를 찾았다", "최민준"),                 # 최씨
    ]
    assert [m for _, _, m in said][2] == "pronoun"


def test_two_people_of_one_family_name_stay_apart():
    said = _said('김영호 교수는 "첫째"라고 말했다.\n\n김영수 의원은 "둘째"라고 말했다.\n\n'
                 '김 교수는 "셋째"라고 말했다.\n\n김 의원은 "넷째"라고 말했다.\n')
    assert [who for _, who, _ in said] == ["김영호", "김영수", "김영호", "김영수"]


def test_spans_read_marks_by_where_they_stand():
    lex = korean.load_korean()

    def spans(text):
        return [(text[a + 1:b], single) for a, b, single in korean.spans(text, 0, len(text), lex, False)]

    assert spans("대변인은 ”첫째“라며 ”둘째“라고 말했다.") == [("첫째", False), ("둘째", False)]
    # opened and never closed: it ends at its quotative
    assert spans("북한은 그를 “전쟁 광신자‘라고 비난했다.") == [("전쟁 광신자", False)]
    # single marks: speech before a quotative and a speech verb, a title otherwise
    assert spans("그는 ‘인권 주간’ 행사에서 ‘상황이 나쁘다’라고 말했다.") == [("상황이 나쁘다", True)]


def test_a_name_without_a_title_is_a_person_only_when_it_speaks():
    doc = _doc('지난달 말 회의에서 김정은 정권의 책임이 거론됐다.\n\n홍길동은 "우리는 기억한다"고 말했다.\n')
    people = quotes_mod.extract(doc, load_lexicon(), korean.load_korean())
    assert [p.names[0] for p in people.persons if p.names] == ["홍길동"]


def test_roles_come_from_titles_and_the_clause_before_a_name(tmp_path):
    (tmp_path / "a.txt").write_text(MINISTER, encoding="utf-8")
    (tmp_path / "b.txt").write_text(AGENCY, encoding="utf-8")
    t = nkhr.analyze(tmp_path, catalog=_no_catalog(tmp_path))
    roles = dict(zip(t.speakers.name, t.speakers.role_category, strict=True))
    assert {k: roles[k] for k in ("김철수", "박영희", "북한 외무성 대변인", "탈북민 A씨", "제임스 브라운",
                                  "조선중앙통신", "최민준")} == {
        "김철수": "government", "박영희": "diplomat", "북한 외무성 대변인": "dprk", "탈북민 A씨": "defector",
        "제임스 브라운": "un", "조선중앙통신": "dprk", "최민준": "defector"}
    assert set(t.quotes.speaker.dropna()) >= {"김철수", "최민준"}
    assert (t.mentions.kind == "hangul").any() and (t.mentions.kind == "unnamed").any()


def _no_catalog(folder: Path) -> Path:
    empty = folder.parent / "empty-catalog.csv"
    empty.write_text("source_id,outlet,published,title,url\n", encoding="utf-8")
    return empty


def test_a_hangul_name_meets_its_english_spelling_and_two_kims_stay_apart():
    lex, klex = load_lexicon(), korean.load_korean()
    names = {key_of_name(n, lex): n for n in ["Thae Min-su", "Hwang Joon-ki", "Judith Morán",
                                              "Dorothy Cho", "Tomás Ruiz Marín", "Kim Young-soo"]}
    names |= {("hangul", n): n for n in ["태민수", "황준기", "주디스 모란", "도로시 조", "토마스 루이스 마린",
                                         "김영호"]}
    pairs = dict(korean.cross_script_pairs(names, lex, klex))
    assert {h[1]: names[e] for h, e in pairs.items()} == {
        "태민수": "Thae Min-su", "황준기": "Hwang Joon-ki", "주디스 모란": "Judith Morán",
        "도로시 조": "Dorothy Cho", "토마스 루이스 마린": "Tomás Ruiz Marín"}
    # 김영호 is not Kim Young-soo, 김영수 is; an English name two Hangul names meet goes to neither
    names[("hangul", "김영수")] = "김영수"
    names[("hangul", "도로시 초이")] = "도로시 초이"  # Choi and Cho sound alike, consonant by consonant
    pairs = dict(korean.cross_script_pairs(names, lex, klex))
    assert pairs[("hangul", "김영수")] == key_of_name("Kim Young-soo", lex)
    assert ("hangul", "김영호") not in pairs
    assert ("hangul", "도로시 조") not in pairs and ("hangul", "도로시 초이") not in pairs


def test_one_person_quoted_in_both_languages_is_one_speaker(tmp_path):
    (tmp_path / "en.txt").write_text(
        "UN envoy speaks\n\n\"Accountability cannot wait,\" said Mary Brown, the UN special rapporteur "
        "on North Korean human rights.\n\n\"The abuses continue,\" Thae Min-su, a former North Korean "
        "diplomat, told reporters.\n", encoding="utf-8")
    (tmp_path / "ko.txt").write_text(
        "메리 브라운 유엔 북한인권특별보고관은 \"책임 규명은 미룰 수 없다\"고 말했다.\n\n"
        "태민수 의원은 \"인권 침해가 계속되고 있다\"고 강조했다.\n", encoding="utf-8")
    t = nkhr.analyze(tmp_path, catalog=_no_catalog(tmp_path))
    by = t.quotes.groupby("speaker_id").source_id.nunique()
    assert sorted(by.values.tolist()) == [2, 2]
    brown = t.speakers[t.speakers.aliases.str.contains("브라운")].iloc[0]
    assert "Mary Brown" in brown.aliases and brown.role_category == "un"


def test_menu_text_is_not_the_title_and_a_korean_deck_is_a_heading():
    paras, meta = clean("컨텐츠 바로가기\n\n북한 인권 보고서 발표\n\n"
                        "탈북민 증언 “북한군, 식량 태부족” “병사들, 가족도 몰라” “국경 감시는 더욱 삼엄해져”\n\n"
                        "통일부는 12일 보고서를 발표했다.\n", load_furniture())
    assert meta["title"] == "북한 인권 보고서 발표"
    assert [p.kind for p in paras] == ["title", "heading", "body"]


def test_the_analyzer_is_loaded_only_for_hangul(monkeypatch):
    monkeypatch.setattr(korean, "_KIWI", None)
    korean.analyze.cache_clear()  # (texts analyzed before are remembered)
    quotes_mod.extract(_doc('"We will act," the minister said.\n', "en_only"), load_lexicon())
    assert korean._KIWI is None
    quotes_mod.extract(_doc('그는 "행동하겠다"고 말했다.\n', "ko_only"), load_lexicon())
    assert korean._KIWI is not None


@pytest.fixture(scope="module")
def korean_scores():
    from benchmarks.accuracy import score_set

    return score_set("korean")


def test_korean_dev_set_floors(korean_scores):
    """The Korean development set (tests/gold/korean): the rules were written looking at
    it, so these floors only keep it from falling."""
    s = korean_scores
    assert s["quotes"]["f1"] >= 0.95
    assert s["attribution_accuracy"] >= 0.9
    assert s["role_category_accuracy"] >= 0.85
    assert s["speakers_listed"] == "17/17"


def test_language_selects_the_korean_text_inside_a_mixed_article(tmp_path):
    (tmp_path / "mixed.txt").write_text(
        "Seoul hosts a rights forum\n\n\"We will not look away,\" the minister said at the forum.\n\n"
        "김철수 통일부 장관은 \"북한 인권을 외면하지 않겠다\"고 말했다.\n", encoding="utf-8")
    t = nkhr.analyze(tmp_path, catalog=_no_catalog(tmp_path))
    assert t.paragraphs.language.tolist() == ["en", "en", "ko"]
    ko = nkhr.select(t, language="ko")
    assert set(ko.sentences.language) == {"ko"} and set(ko.paragraphs.language) == {"ko"}
    assert ko.quotes.text.tolist() == ["북한 인권을 외면하지 않겠다"]
    en = nkhr.select(t, language="en")
    assert en.quotes.text.tolist() == ["We will not look away,"]
