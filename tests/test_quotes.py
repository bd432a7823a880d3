"""Quotes, mentions and speakers: the dev-set bars, name variants and hostile articles."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import nkhr
from nkhr import schemas
from nkhr.cli import main
from nkhr.extract.names import load_lexicon
from nkhr.extract.speakers import key_of_name
from nkhr.scoring.match import names_match

from .conftest import FIXTURES, GOLD


def test_tables_follow_their_schemas(analyzed):
    for name in ("quotes", "mentions", "speakers"):
        schemas.check(analyzed[name], name)


def test_quote_offsets_point_at_the_quoted_text(analyzed):
    text = dict(zip(analyzed.sources.source_id, analyzed.sources.text, strict=True))
    for df in (analyzed.quotes, analyzed.mentions):
        assert all(text[s][a:b] == t for s, a, b, t in zip(df.source_id, df.start, df.end, df.text, strict=True))


def test_evaluate_on_the_dev_set_meets_the_bars(analyzed_dir, capsys):
    assert main(["evaluate", "--gold", str(GOLD), "--pred", str(analyzed_dir), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["quotes"]["f1"] >= 0.92
    assert scores["attribution_accuracy"] >= 0.90
    assert scores["quotes_e2e"]["f1"] >= 0.85
    assert scores["speaker_clustering"]["f1"] >= 0.95
    assert scores["role_category_accuracy"] >= 0.85
    main(["evaluate", "--gold", str(GOLD), "--pred", str(analyzed_dir)])
    assert "attribution_accuracy" in capsys.readouterr().out


def test_name_variants_are_one_person_across_sources(analyzed):
    sp = analyzed.speakers.set_index("name")
    oh = sp.loc["Se-hoon Oh"]
    assert {"Oh Se-hoon", "Se-hoon Oh", "Mayor Oh"} <= set(oh.aliases.split("|")) and oh.n_sources == 2
    assert "Kim Yung-ho" in sp.loc["Young-ho Kim"].aliases
    assert {"Kim Il-hyuk", "Kim Il-hyeok"} <= set(sp.loc["Kim Il-hyuk"].aliases.split("|"))
    # a shared surname never merges different people
    kims = sp[sp.index.str.startswith("Kim ") | sp.index.str.endswith(" Kim")]
    assert {"Kim Song", "Kim Eun-joo", "Young-ho Kim"} <= set(kims.index)


@pytest.mark.parametrize("a, b, same", [
    ("Oh Se-hoon", "Se-hoon Oh", True), ("Kim Son Gyong", "Kim Son-gyong", True),
    ("Kim Il-hyuk", "Kim Il-hyeok", True), ("Young-ho Kim", "Kim Yung-ho", True),
    ("Choe Son-hui", "Choi Son-hui", True), ("Kim Song", "Kim Eun-joo", False),
    ("Julie Turner", "Turner Julie", True), ("Kim Jong-un", "Kim Yo-jong", False)])
def test_name_keys(a, b, same):
    lex = load_lexicon()
    assert (key_of_name(a, lex) == key_of_name(b, lex)) is same


def test_roles_and_quote_counts(analyzed):
    sp = analyzed.speakers.set_index("name")
    assert sp.at["Kim Song", "role_category"] == "dprk"
    assert sp.at["Hwang Joon-kook", "role_category"] == "diplomat"
    assert sp.at["Elizabeth Salmon", "role_category"] == "un"
    assert sp.at["Kim Eun-joo", "role_category"] == "defector"
    q = analyzed.quotes
    assert (sp.n_quotes.sum()) == q.speaker_id.notna().sum()


def test_split_partial_and_carried_quotes(analyzed):
    q = analyzed.quotes
    heenan = q[q.speaker == "James Heenan"]
    assert {"partial", "full"} <= set(heenan.kind)
    # a quote split by its attribution is two rows; a repeated span is one
    salmon = q[(q.source_id == "003_cbdecfae3fb7fe4c") & (q.speaker == "Elizabeth Salmon")]
    assert len(salmon) == 3
    assert (q.text.str.startswith("Silence is complicity")).sum() == 1
    # titles and terms in quotes that nobody said are not quotes
    assert not q.text.str.fullmatch(r"(Resistance Not to Forget|North Korean Defectors Day|Escapees’ Diaspora Forum),?").any()
    assert set(q.method) <= {"name", "apposition", "title", "surname", "pronoun", "organization",
                             "subject", "chain", "carried", "repeat", "none"}


def test_mentions_include_titled_surnames_and_pronouns(analyzed):
    m = analyzed.mentions
    assert {"name", "surname", "title", "pronoun"} <= set(m.kind)
    assert m[m.kind == "title"].text.isin(["Oh", "Kim"]).all()
    assert m.speaker_id.notna().all()


def test_registry_corrects_a_speaker(tmp_path):
    reg = tmp_path / "speakers.yml"
    reg.write_text("version: 1\nspeakers:\n  - name: Oh Se-hoon\n    aliases: [Se-hoon Oh, Mayor Oh]\n"
                   "    role: Mayor of Seoul\n    role_category: government\n", encoding="utf-8")
    t = nkhr.analyze(FIXTURES.parent.parent / "data" / "raw", speakers=reg)
    row = t.speakers[t.speakers.name == "Oh Se-hoon"].iloc[0]
    assert row.role == "Mayor of Seoul" and row.n_sources == 2


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for f in (FIXTURES / "quotes").iterdir():
        shutil.copy(f, raw / f.name)
    base = (FIXTURES.parent.parent / "data" / "raw" / "003_cbdecfae3fb7fe4c.txt").read_text(encoding="utf-8")
    words = " ".join(line.strip() for line in base.splitlines() if len(line) > 80).split()
    (raw / "one_paragraph.txt").write_text(" ".join((words * (40000 // len(words) + 1))[:40000]), encoding="utf-8")
    return nkhr.analyze(raw)


def test_hostile_articles_give_sensible_results(hostile):
    q, src = hostile.quotes, hostile.sources.set_index("source_id")
    assert set(src.index) == {"korean", "no_quotes", "odd_quotes", "one_paragraph"}
    assert q[q.source_id == "no_quotes"].empty
    odd = q[q.source_id == "odd_quotes"]
    assert len(odd) <= 2 and not odd.text.str.contains("\n").any()
    ko = q[q.source_id == "korean"]
    assert ko.text.str.contains("북한 인권 문제는").any()
    assert ko.speaker.tolist() == ["김영호"]  # '김영호 통일부 장관은 "..."고 말했다'
    assert hostile.speakers.set_index("name").at["김영호", "role_category"] == "government"
    assert src.at["korean", "language"] == "ko"
    big = q[q.source_id == "one_paragraph"]
    assert len(big) >= 20 and big.speaker.notna().mean() > 0.8  # repeats of one span are one quote


def test_names_match_rules():
    aliases = {"Se-hoon Oh": {"Mayor Oh", "Oh Se-hoon"}}
    assert names_match("Oh Se-hoon", "Se-hoon Oh")
    assert names_match("Mayor Oh", "Se-hoon Oh", aliases)
    assert not names_match("Kim Song", "Kim Eun-joo")
    assert not names_match(pd.NA, "Kim Song")


@pytest.fixture(scope="module")
def styles():
    """Articles in other house styles (wire, Yonhap, British single quotes, organizations)."""
    return nkhr.analyze(FIXTURES / "styles")


@pytest.mark.parametrize("source, start, speaker", [
    ("ap", "The regime treats its own citizens", "Park Jin"),          # ", said NAME, role"
    ("ap", "Every dollar they earn", "Park Jin"),                       # second quote, same paragraph
    ("ap", "We cannot look away", "Young Kim"),                         # "NAME said in a statement: "
    ("ap", "It's modern slavery", "Lina Yoon"),                         # ", NAME, role, told"
    ("ap", "the international community has tools", "Lina Yoon"),      # "She added that"
    ("ap", "a smear campaign", "North's state media"),                  # said by an institution
    ("ap", "We are deeply concerned", "Volker Türk"),                   # surname after the full name
    ("british", "Those returned face torture", "Elizabeth Salmon"),     # 'single quotes', "Ms Salmon told"
    ("british", "Resources are poured into missiles", "Elizabeth Salmon"),  # "she replied: "
    ("yonhap", "The North diverts resources", "Kim Yung-ho"),
    ("yonhap", "people are starving while", "Choi Sun-hee"),
    ("yonhap", "The so-called human rights issue", "ministry spokesperson"),  # an unnamed speaker
    ("orgs", "Conditions in the camps", "Human Rights Watch"),          # '," ORG said'
    ("orgs", "We will continue to document", "Unification Ministry"),  # 'The ORG said: "'
    ("orgs", "We urge Beijing", "Amnesty International"),              # '," said ORG'
])
def test_attribution_in_other_house_styles(styles, source, start, speaker):
    q = styles.quotes
    row = q[(q.source_id == source) & q.text.str.startswith(start)]
    assert len(row) == 1
    got = row.speaker.iloc[0]
    assert (None if pd.isna(got) else got) == speaker


def test_roles_in_other_house_styles(styles):
    sp = styles.speakers.set_index("name")
    assert sp.at["Elizabeth Salmon", "role_category"] == "un"       # "The UN's special rapporteur ..., NAME,"
    assert sp.at["Young Kim", "role_category"] == "government"      # "Rep. NAME"
    assert sp.at["Choi Sun-hee", "role_category"] == "defector"
    assert sp.at["Lina Yoon", "role_category"] == "expert"
    assert sp.at["Korean Central News Agency", "role_category"] == "dprk"
    assert sp.at["Human Rights Watch", "role_category"] == "ngo"


def test_roles_from_titles_appositions_and_deeds(tmp_path):
    """Each sentence of the fixture was written for one construction (no gold article's text)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "roles" / "invented.txt", raw / "invented.txt")
    t = nkhr.analyze(raw)
    cat = dict(zip(t.speakers.name, t.speakers.role_category, strict=True))
    assert cat["Ri Chol-min"] == "dprk"           # "North Korea's U.N. Ambassador NAME"
    assert cat["Jane Okafor"] == "un"             # "U.N. special investigator NAME"
    assert cat["Park Ji-hoon"] == "defector"      # "NAME fled the North": what they did
    assert cat["Choi Soo-bin"] == "government"    # an ambassador-at-large is a government's envoy
    assert cat["Daniel Moreau"] == "government"   # "President NAME"
    assert cat["Laura Bennett"] == "ngo"          # "..., HRW's deputy Asia director"
    assert t.sources.dateline.tolist() == ["BERLIN, March 3 (dpa)"]
    s = t.sentences
    assert s[s.kind == "dateline"].text.tolist() == ["BERLIN, March 3 (dpa) --"]
    assert s.text.str.startswith("North Korea's U.N. Ambassador").any()


@pytest.mark.parametrize("lead, dateline", [
    ("WASHINGTON, Oct. 2 (Yonhap) -- The envoy said", "WASHINGTON, Oct. 2 (Yonhap) --"),
    ("SEOUL, South Korea (AP) — The envoy said", "SEOUL, South Korea (AP) —"),
    ("UNITED NATIONS: The envoy said", "UNITED NATIONS:"),
    ("GENEVA (12 February 2025) – UN experts today said", "GENEVA (12 February 2025) –"),  # UN press release
    ("[도쿄=연합뉴스] 홍길동 특파원 = 일본 정부는 말했다", "[도쿄=연합뉴스] 홍길동 특파원 ="),
    ("(서울=뉴스1) 홍길동 기자 = 정부는 말했다", "(서울=뉴스1) 홍길동 기자 ="),
    ("FILE - A photo of the envoy", ""),
    ("The envoy said UN: no", ""),
])
def test_datelines_are_split_off_the_lead(lead, dateline):
    from nkhr.ingest import segment

    assert lead[:segment.dateline(lead)].strip() == dateline


def test_a_quoted_term_talked_about_is_not_speech(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(
        "Title\n\nThe activist warned that \"border security\" has become a code word. "
        "\"We are watched everywhere,\" she said.\n", encoding="utf-8")
    q = nkhr.analyze(raw).quotes
    assert q.text.tolist() == ["We are watched everywhere,"]


def test_an_unnamed_official_speaks_for_the_state_whose_media_carry_the_words(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(
        "Envoy rejects the report\n\n"
        "The report was \u201ca fabrication from start to end,\u201d a ministry spokesman told KCNA on Sunday.\n\n"
        "\u201cWe will not accept it,\u201d a defense ministry official said in a statement carried by the "
        "state-run Korean Central News Agency.\n\n"
        "\u201cThe claims are false,\u201d a foreign ministry spokeswoman told reporters in Seoul, calling the "
        "KCNA report propaganda.\n", encoding="utf-8")
    t = nkhr.analyze(raw)
    cat = dict(zip(t.speakers.name, t.speakers.role_category, strict=True))
    assert cat["ministry spokesman"] == "dprk"           # "told KCNA": the North's state media carry it
    assert cat["defense ministry official"] == "dprk"    # "in a statement carried by ... KCNA"
    assert cat["foreign ministry spokeswoman"] == "government"  # KCNA named, but not as the channel
