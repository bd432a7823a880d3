"""Frames: dev-set scores, unseen sentences, the context rule, captions, evidence."""

from __future__ import annotations

import ast
import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import nkhr
from nkhr import schemas
from nkhr.codebooks import FRAME_LABELS, load_frames
from nkhr.doc import Doc
from nkhr.errors import CodebookError
from nkhr.extract.frames import find_frames
from nkhr.scoring.frames import score_frames

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "seeds"
FIX = ROOT / "tests" / "fixtures" / "codebooks"


@pytest.fixture(scope="module")
def tables():
    return nkhr.analyze(ROOT / "data" / "raw")


@pytest.fixture(scope="module")
def scores(tables):
    return score_frames(pd.read_csv(GOLD / "frames.csv"), tables, pd.read_csv(GOLD / "speakers.csv"))


def test_dev_set_frame_scores_stay_above_the_bars(scores):
    # issue 5 bars: sentence F1 >= 0.80, label micro-F1 >= 0.70, speaker accuracy >= 0.85;
    # the codebook reaches 1.0 / 1.0 on the dev set; these leave room for segmentation changes.
    assert scores["frame_sentence"]["f1"] >= 0.95, scores["errors"]
    assert scores["frame_label_micro_f1"] >= 0.95, scores["errors"]
    assert scores["frame_speaker_accuracy"] >= 0.85, scores["errors"]


def test_nkhr_evaluate_reports_the_frame_metrics(tables):
    from nkhr.scoring import evaluate

    s = evaluate(GOLD, tables)
    assert {"frame_sentence", "frame_label_micro_f1", "frame_speaker_accuracy"} <= set(s)


def test_frames_table_schema_body_only_and_evidence(tables):
    fr = schemas.check(tables.frames, "frames")
    assert set(fr.frame) <= set(FRAME_LABELS) and len(set(fr.frame)) == 6
    kinds = tables.sentences.set_index(["source_id", "sent_id"]).kind
    assert {kinds[(r.source_id, r.sent_id)] for r in fr.itertuples()} == {"body"}
    texts = dict(zip(tables.sources.source_id, tables.sources.text, strict=True))
    cue_sets = set(load_frames().cue_sets)
    for r in fr.itertuples():
        assert texts[r.source_id][r.start:r.end] == r.sentence
        for item in r.evidence.split("; "):
            cue_set, cue = item.removeprefix("prev:").split("=", 1)
            assert cue_set in cue_sets and cue


def test_mentioning_rights_and_nuclear_is_not_a_frame(tables):
    fr = tables.frames
    # "demands for North Korean denuclearization and human rights improvement": no link
    assert not fr.sentence.str.contains("consistent demands for North Korean denuclearization").any()
    assert not fr.sentence.str.contains("overshadowed by its nuclear threats").any()


def _doc(sentences: list[str], kinds=None, paras=None) -> Doc:
    text, starts, ends, pos = [], [], [], 0
    for s in sentences:
        text.append(s)
        starts.append(pos)
        ends.append(pos + len(s))
        pos += len(s) + 2
    n = len(sentences)
    paras = paras or list(range(n))
    n_par = max(paras) + 1
    p_start = [starts[paras.index(p)] for p in range(n_par)]
    p_end = [ends[len(paras) - 1 - paras[::-1].index(p)] for p in range(n_par)]
    return Doc("t", "\n\n".join(text), {}, p_start, p_end, kinds or ["body"] * n_par, p_start, p_end,
               starts, ends, paras, ["en"] * n)


def test_unseen_sentences_written_from_domain_knowledge():
    """Sentences phrased as UN, think-tank and press writing does, not taken from the seeds."""
    with open(FIX / "frame_sentences.csv", encoding="utf-8") as f:
        cases = list(csv.DictReader(f))
    doc = _doc([c["sentence"] for c in cases])
    got = find_frames(doc, load_frames())
    labels: dict[int, set] = {}
    for sid, frame in zip(got["sent_id"], got["frame"], strict=True):
        labels.setdefault(int(sid[1:]) - 1, set()).add(frame)
    wrong = [(c["sentence"], sorted(labels.get(i, ())), c["frames"]) for i, c in enumerate(cases)
             if labels.get(i, set()) != {x for x in c["frames"].split("|") if x}]
    assert not wrong


def test_context_rule_previous_sentence_of_the_same_paragraph_only(tmp_path):
    shutil.copy(FIX / "frame_context.txt", tmp_path)
    t = nkhr.analyze(tmp_path)
    fr = t.frames
    by_text = {r.sentence: r for r in fr.itertuples()}
    # same paragraph: "indivisible" in the previous sentence completes the link
    second = by_text["Lasting peace is impossible where human rights are denied."]
    assert second.frame == "nexus" and "prev:link=indivisible" in second.evidence
    # the same sentence opening its own paragraph has no link: no frame
    assert not fr.sentence.str.startswith("Lasting peace is impossible where human rights are denied,").any()
    # a caption is never read; two sentences that only share a paragraph but no link: none
    assert not fr.sentence.str.contains("interlinked").any()
    assert not fr.sentence.str.contains("missile launches").any()


def test_titles_and_headings_are_never_framed():
    doc = _doc(["Human rights and nuclear weapons are inseparable", "A plain sentence."],
               kinds=["title", "body"])
    assert find_frames(doc, load_frames())["frame"] == []
    doc = _doc(["Human rights and nuclear weapons are inseparable.", "A plain sentence."])
    assert find_frames(doc, load_frames())["frame"] == ["nexus"]


def _code_strings(path: Path) -> str:
    """Every string literal and name in a module except docstrings: what rules could use."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr)}
    return "\n".join(n.value if isinstance(n, ast.Constant) else n.id for n in ast.walk(tree)
                     if (isinstance(n, ast.Constant) and isinstance(n.value, str)
                         and id(n) not in docs) or isinstance(n, ast.Name))


def test_no_rule_in_code_names_a_person_outlet_or_seed_phrase():
    code = "\n".join(_code_strings(ROOT / "src" / "nkhr" / p) for p in
                     ("extract/frames.py", "extract/themes.py", "codebooks.py", "aggregate.py"))
    names = pd.read_csv(GOLD / "speakers.csv").aliases.str.split("|").explode()
    outlets = pd.read_csv(ROOT / "data" / "catalog.csv").outlet
    phrases = ["two sides of the same coin", "at the expense of", "inseparable", "root cause",
               "cannon fodder", "weaponize"]
    for word in [n for n in names if " " in n or "-" in n] + list(outlets) + phrases:
        assert not re.search(re.escape(word), code, re.IGNORECASE), word


def test_another_frame_codebook_changes_the_frames(tmp_path):
    book = tmp_path / "frames.yml"
    book.write_text("version: test\ncues:\n  rights: [human rights]\n  link: [inseparable]\n"
                    "  security: [peace]\nframes:\n  nexus:\n    definition: d\n    rules:\n"
                    "      - all: [link, rights, security]\n", encoding="utf-8")
    t = nkhr.analyze(ROOT / "data" / "raw", frames=book)
    assert set(t.frames.frame) == {"nexus"}
    assert t.frames.sentence.str.contains("Peace and human rights are inseparable").any()
    assert t.meta["codebook_versions"]["frames"] == "test"


_NEAR_BOOK = """version: test
cues:
  rights: [human rights]
  agenda: [on the agenda, sidelined]
  weapons: [nuclear]
frames:
  nexus:
    definition: d
    rules:
      - all: [{near: [rights, agenda], within: %d, order: %s}, weapons]
"""


@pytest.mark.parametrize("within, order, frames", [(30, "any", ["nexus", "nexus"]),
                                                   (30, "text", ["nexus"]),
                                                   (5, "any", [])])
def test_near_condition_wants_its_terms_close_and_in_order(tmp_path, within, order, frames):
    book = tmp_path / "frames.yml"
    book.write_text(_NEAR_BOOK % (within, order), encoding="utf-8")
    doc = _doc(["Human rights must be on the agenda of the nuclear talks.",
                "The nuclear talks sidelined, as critics put it, human rights.",
                "Human rights were discussed; the nuclear deal was put on the agenda later."])
    got = find_frames(doc, load_frames(book))
    # within 30 characters: the first sentence in text order, the second only in any order;
    # the third is too far apart either way
    assert got["frame"] == frames
    if frames:
        assert got["evidence"][0] == "rights=Human rights; agenda=on the agenda; weapons=nuclear"


@pytest.mark.parametrize("condition, problem", [
    ("{near: [rights], within: 10}", "two or more steps"),
    ("{near: [rights, agenda]}", "needs `within: N`"),
    ("{near: [rights, agenda], within: 10, order: backwards}", "`order:` is text"),
    ("{near: [rights, nope], within: 10}", "unknown cue set 'nope'"),
])
def test_malformed_near_condition_is_refused(tmp_path, condition, problem):
    book = tmp_path / "frames.yml"
    book.write_text((_NEAR_BOOK % (1, "any")).replace(
        "{near: [rights, agenda], within: 1, order: any}", condition), encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape(problem)):
        load_frames(book)


def test_context_fills_in_only_the_labels_a_sentence_leans_on_its_neighbour_for():
    # the second sentence earns diversion by itself and nexus only with the first one's link
    doc = _doc(["Human rights and security are inseparable.",
                "The regime diverts food to its missile program while abusing human rights."],
               paras=[0, 0])
    got = find_frames(doc, load_frames())
    second = {f: e for s, f, e in zip(got["sent_id"], got["frame"], got["evidence"], strict=True)
              if s == "s0002"}
    assert set(second) == {"diversion", "nexus"}
    assert "prev:" not in second["diversion"] and "prev:link=inseparable" in second["nexus"]


LEDE = ("Labour exports in focus\n\n"
        "Pyongyang's forced labour abroad pays for its missile program, {who} told reporters.\n\n"
        "\"{quote},\" said {named}.\n")


@pytest.mark.parametrize("who, quote, named, voice", [
    # a description of a person sums up the statement its named author makes next
    ("a Foreign Ministry official", "Every dollar these workers earn is taken by the state to build weapons",
     "Jane Doerr, a deputy foreign minister", "Jane Doerr"),
    # the person quoted next speaks for another side: the description keeps the sentence
    ("a UN official", "That is a lie made up by hostile forces",
     "Pak Myong-chol, a North Korean diplomat", "UN official"),
])
def test_a_statement_summed_up_under_a_description_is_its_named_authors(tmp_path, who, quote, named, voice):
    (tmp_path / "a.txt").write_text(LEDE.format(who=who, quote=quote, named=named), encoding="utf-8")
    fr = nkhr.analyze(tmp_path).frames
    lede = fr[fr.sentence.str.startswith("Pyongyang's forced labour")]
    assert list(lede.frame) == ["funding"] and list(lede.speaker) == [voice]


@pytest.mark.parametrize("first, second", [
    ("Human rights abuses in the North are widespread.",
     "Investigators studied the connection between the embassy staff and a nerve agent attack."),
    ("북한의 인권 유린은 심각하다.", "조사관들은 대사관 직원들과 미사일 부품 밀수 사이의 연관성을 조사했다."),
])
def test_a_link_between_two_named_things_borrows_no_side_from_the_previous_sentence(first, second):
    # "the link between A and B" names both sides; when neither is rights, no nexus
    got = find_frames(_doc([first, second], paras=[0, 0]), load_frames())
    assert "nexus" not in got["frame"]
    for one in ("Experts stressed the link between the prison camps and the missile program.",
                "전문가들은 정치범수용소와 핵 개발 사이의 연관성을 강조했다."):
        assert find_frames(_doc([one]), load_frames())["frame"] == ["nexus"]
