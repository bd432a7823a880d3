"""Ingest on the bundled articles and on hostile files, one fixture per behaviour."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import nkhr
from nkhr import schemas
from nkhr.cli import main
from nkhr.ingest import segment
from nkhr.ingest.clean import parse_date

from .conftest import FIXTURES, GOLD, RAW


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def test_tables_follow_their_schemas(corpus):
    for name in ("sources", "paragraphs", "sentences", "ingest_report"):
        schemas.check(corpus[name], name)
    assert corpus.sources.text.dtype == schemas.STR
    assert list(corpus.sources.source_id) == sorted(p.stem for p in RAW.glob("*.txt"))


def test_offsets_are_exact_on_every_row(corpus):
    text = dict(zip(corpus.sources.source_id, corpus.sources.text, strict=True))
    for name in ("paragraphs", "sentences"):
        df = corpus[name]
        assert all(text[s][a:b] == t for s, a, b, t in zip(df.source_id, df.start, df.end, df.text, strict=True))
    sents, paras = corpus.sentences, corpus.paragraphs.set_index(["source_id", "para_id"])
    for r in sents.itertuples():
        p = paras.loc[(r.source_id, r.para_id)]
        assert p.start <= r.start < r.end <= p.end  # a sentence never crosses a paragraph


def test_metadata_from_catalog_and_from_the_text(corpus, tmp_path):
    src = corpus.sources.set_index("source_id")
    assert src.at["004_1ece434d463d2cfa", "outlet"] == "The Korea Herald"
    assert str(src.at["004_1ece434d463d2cfa", "published"]) == "2024-07-11"
    # without a catalog: what the text states, and nothing guessed
    bare = tmp_path / "raw"
    bare.mkdir()
    for p in RAW.glob("*.txt"):
        shutil.copy(p, bare / p.name)
    t = nkhr.load_corpus(bare).sources.set_index("source_id")
    assert str(t.at["004_1ece434d463d2cfa", "published"]) == "2024-07-11"
    assert t.at["004_1ece434d463d2cfa", "author"] == "Ji Da-gyum"
    assert t.at["001_0eb2353e931d2e9e", "author"] == "CDI Staff"
    assert t.at["003_cbdecfae3fb7fe4c", "title"].startswith("Defectors, activists, supporters")
    assert pd.isna(t.at["000_29de344ddb13f9c4", "published"])
    assert pd.isna(t.at["002_f6eff297e78b40c2", "title"])


def test_page_furniture_is_removed(corpus):
    text = "\n".join(corpus.sources.text)
    for furniture in ("Photo courtesy of", "Log in to Twitter", "print dictionary print",
                      "Home > National", "Was this article helpful", "Related Article",
                      "Published :", "By CDI Staff", "lock icon", "Standards Board Policy"):
        assert furniture not in text, furniture
    paras = corpus.paragraphs
    caption = paras[paras.is_caption]
    assert caption.text.str.contains("video messages.", regex=False).any()  # credit cut off, caption kept
    # captions never mix into body sentences, and are not repeated
    assert not corpus.sentences[~corpus.sentences.is_caption].text.str.contains(r"\[YONHAP\]").any()
    assert (paras.groupby("source_id").text.apply(lambda s: s.duplicated().sum()) == 0).all()


def test_every_gold_sentence_start_begins_a_sentence(corpus):
    gold = pd.read_csv(GOLD / "frames.csv")
    sents = corpus.sentences
    for g in gold.itertuples():
        starts = sents[sents.source_id == g.source_id].text
        assert starts.str.startswith(g.sentence_start).any(), g.sentence_start


@pytest.mark.parametrize("text, expected", [
    ("The U.S. and South Korea met. Then they left.", ["The U.S. and South Korea met.", "Then they left."]),
    ("Mr. Kim arrived on Dec. 15 at No. 1 Street. He spoke.", ["Mr. Kim arrived on Dec. 15 at No. 1 Street.", "He spoke."]),
    ("George W. Bush met N. Korean envoys. It was brief.", ["George W. Bush met N. Korean envoys.", "It was brief."]),
    ('"We will not forget. We will act," she said. "Never again."',
     ['We will not forget.', 'We will act," she said.', 'Never again."']),
    ('"Is it over?" he asked. Nobody knew.', ['Is it over?" he asked.', "Nobody knew."]),
    ("It was in the U.S. The talks ended.", ["It was in the U.S.", "The talks ended."]),
    ("존엄은 중요하다. 희망은 중요하다.자유는 중요하다.", ["존엄은 중요하다.", "희망은 중요하다.", "자유는 중요하다."]),
    ("They sent video messages.Photo courtesy of X.", ["They sent video messages.", "Photo courtesy of X."]),
    ("The price rose 3.5 percent in 2024. Analysts, e.g. Lee, agreed.", ["The price rose 3.5 percent in 2024.", "Analysts, e.g. Lee, agreed."]),
    ("1. We will work together.", ["1. We will work together."]),
])
def test_segmentation_rules(text, expected):
    assert [text[a:b] for a, b in segment.split(text)] == expected


def test_sentence_ids_are_stable_when_text_is_unchanged(tmp_path):
    a = nkhr.load_corpus(RAW).sentences
    b = nkhr.load_corpus(RAW).sentences
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("text, iso", [
    ("Published : July 11, 2024 - 18:07", "2024-07-11"), ("Published: 15 Dec. 2025", "2025-12-15"),
    ("Updated 2024.07.11", "2024-07-11"), ("입력 2024년 7월 11일", "2024-07-11"), ("no date here", None)])
def test_parse_date(text, iso):
    d = parse_date(text)
    assert (d.isoformat() if d else None) == iso


def _hostile_corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in (FIXTURES / "ingest").iterdir():
        shutil.copy(f, raw / f.name)
    shutil.copy(RAW / "004_1ece434d463d2cfa.txt", raw)
    (raw / "huge.txt").write_bytes(b"word " * (50 * 1024 * 1024 // 5 + 1))  # a 50 MB file
    (raw / "catalog.csv").write_text(
        "source_id,outlet,published,title,url\n004_1ece434d463d2cfa,The Korea Herald,2024-07-11,,\n"
        "ghost,Nowhere Daily,,,\n", encoding="utf-8")
    return raw


def test_bad_inputs_are_reported_and_the_rest_goes_through(tmp_path, capsys):
    raw = _hostile_corpus(tmp_path)
    before = _tree_hash(raw)
    out = tmp_path / "out"
    code = main(["ingest", str(raw), "--out", str(out)])
    assert code == 0
    assert _tree_hash(raw) == before  # nothing under the input folder is written or changed
    report = pd.read_csv(out / "ingest_report.csv")
    problems = report.groupby("path").problem.apply(set).to_dict()
    assert problems["empty.txt"] == {"empty"}
    assert problems["binary.txt"] == {"binary"}
    assert problems["huge.txt"] == {"too_large"}
    assert "encoding" in problems["cp949.txt"] and "encoding" in problems["latin1.txt"]
    assert "bom" in problems["bom.txt"] and "line_ends" in problems["crlf.txt"]
    assert report.message.str.contains("huge.txt|over the 10 MB limit").any()
    assert set(report[report.path == "copy_of_004.txt"].problem) == {"duplicate"}
    assert "missing_file" in set(report.problem) and "not_in_catalog" in set(report.problem)
    sources = pd.read_parquet(out / "sources.parquet").set_index("source_id")
    assert "북한 인권" in sources.at["cp949", "text"]
    assert "café in Zürich" in sources.at["latin1", "text"]
    assert sources.at["bom", "text"].startswith("A forum")
    assert "\r" not in sources.at["crlf", "text"]
    assert "copy_of_004" not in sources.index and "004_1ece434d463d2cfa" in sources.index
    printed = capsys.readouterr().out
    assert "huge.txt" in printed and "skipped" in printed
    assert main(["ingest", str(raw), "--out", str(tmp_path / "strict"), "--strict"]) == 1


def test_a_file_gone_or_unreadable_is_reported_and_the_rest_goes_through(tmp_path, monkeypatch):
    import nkhr.ingest as ingest

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    listed = ingest.discover
    monkeypatch.setattr(ingest, "discover", lambda folder: [*listed(folder), "zz_gone.txt"])  # deleted meanwhile
    t = nkhr.load_corpus(raw)
    gone = t.ingest_report[t.ingest_report.path == "zz_gone.txt"]
    assert gone.problem.tolist() == ["unreadable"] and "skipped" in gone.message.iloc[0]
    assert len(t.sources) == len(listed(raw))


def test_nothing_ingested_is_a_failure(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    assert main(["ingest", str(raw), "--out", str(tmp_path / "o")]) == 1


def test_ingest_twice_gives_byte_identical_files(tmp_path):
    for run in ("a", "b"):
        assert main(["ingest", str(RAW), "--out", str(tmp_path / run)]) == 0
    for f in sorted((tmp_path / "a").iterdir()):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_discovery_walks_subfolders_skips_hidden_and_reports_what_is_not_a_file(tmp_path):
    from nkhr.ingest.read import discover

    raw = tmp_path / "raw"
    (raw / "2024" / "may").mkdir(parents=True)
    (raw / ".git").mkdir()
    (raw / "elsewhere").mkdir()
    for rel in ("b.txt", "a.HTML", "2024/may/c.txt", "2024/x.htm", ".hidden.txt", ".git/d.txt",
                "notes.md", "elsewhere/e.txt"):
        (raw / rel).write_text("The forum opened on Monday.", encoding="utf-8")
    (raw / "link.txt").symlink_to(raw / "b.txt")              # a link to a file is read
    (raw / "loop").symlink_to(raw, target_is_directory=True)  # a link to a folder is not walked
    (raw / "dangling.txt").symlink_to(raw / "gone.txt")       # a link to nothing is reported,
    os.mkfifo(raw / "pipe.txt")                               # and a pipe (without waiting on it)
    assert discover(raw) == ["2024/may/c.txt", "2024/x.htm", "a.HTML", "b.txt", "dangling.txt",
                             "elsewhere/e.txt", "link.txt", "pipe.txt"]
    report = nkhr.load_corpus(raw).ingest_report.set_index("path").problem
    assert report["dangling.txt"] == "unreadable" and report["pipe.txt"] == "not_a_file"


def test_html_input(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.html").write_text(
        "<html><head><script>var x = 1;</script><title>Forum in Seoul</title></head><body>"
        "<nav>Home | World</nav><p>The forum opened on Monday.</p><p>&ldquo;We must act,&rdquo; "
        "Mayor Oh Se-hoon said.</p></body></html>", encoding="utf-8")
    t = nkhr.load_corpus(raw)
    assert "var x" not in t.sources.text[0] and "“We must act,” Mayor Oh Se-hoon said." in t.sources.text[0]


def test_every_pysbd_boundary_is_ours_too(corpus):
    """pysbd (the maintained rule-based segmenter) as a reference: every sentence start it
    finds on the bundled articles we find too; we add the splits inside multi-sentence
    quotations that annotators expect (pysbd keeps a quotation whole)."""
    pysbd = pytest.importorskip("pysbd")
    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    text = dict(zip(corpus.sources.source_id, corpus.sources.text, strict=True))
    ours = set(zip(corpus.sentences.source_id, corpus.sentences.start, strict=True))
    missing = []
    for p in corpus.paragraphs[corpus.paragraphs.kind == "body"].itertuples():
        if segment.language(p.text) != "en":
            continue
        for span in seg.segment(p.text):
            off = p.start + span.start
            while off < p.end and text[p.source_id][off] in " \"“‘'":
                off += 1
            if (p.source_id, off) not in ours:
                missing.append(text[p.source_id][off:off + 40])
    assert missing == []


def test_a_bad_catalog_row_or_malformed_catalog_is_reported_and_the_rest_goes_through(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    head = "source_id,outlet,published,title,url\n"
    (raw / "catalog.csv").write_text(
        head + "004_1ece434d463d2cfa,The Korea Herald,11 July 2024,,\n000_29de344ddb13f9c4,Freedom Chosun,,,\n",
        encoding="utf-8")
    t = nkhr.analyze(raw)
    bad = t.ingest_report[t.ingest_report.path == "catalog.csv:2"]
    assert bad.problem.tolist() == ["catalog_row"] and "11 July 2024" in bad.message.iloc[0]
    assert len(t.sources) == 5 and (t.sources.outlet == "The Korea Herald").sum() == 1
    for rows in ('000_29de344ddb13f9c4,"Freedom Chosun,,,\n004_1ece434d463d2cfa,X,,,\n',  # a quote left open
                 '000_29de344ddb13f9c4,"' + "x" * 200_000 + '",,,\n'):                   # a field too long
        (raw / "catalog.csv").write_text(head + "001_0eb2353e931d2e9e,Y,,,\n" + rows, encoding="utf-8")
        t = nkhr.load_corpus(raw)
        bad = t.ingest_report[t.ingest_report.problem == "catalog"]
        assert bad.path.tolist() == ["catalog.csv:3"] and "malformed CSV" in bad.message.iloc[0]
        assert len(t.sources) == 5 and "Freedom Chosun" not in set(t.sources.outlet)


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_goes_through(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    with open(os.path.join(os.fsencode(raw), b"bad\xffname.txt"), "wb") as f:
        f.write(b"Kim said the market was busy.")
    t = nkhr.analyze(raw)
    bad = t.ingest_report[t.ingest_report.problem == "bad_name"]
    assert bad.path.tolist() == ["bad\\xffname.txt"] and len(t.sources) == 5


def test_a_korean_file_name_decomposed_by_the_file_system_matches_the_catalog(tmp_path):
    # macOS writes file names in NFD; a catalog typed by hand holds NFC
    import unicodedata

    raw = tmp_path / "raw"
    raw.mkdir()
    name = "북한인권_보고서"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    (raw / f"{nfd}.txt").write_text("Kim said the market was busy. It was.", encoding="utf-8")
    (raw / "catalog.csv").write_text(f"source_id,outlet,published,title,url\n{name},Daily NK,2024-01-02,,\n",
                                     encoding="utf-8")
    t = nkhr.analyze(raw)
    assert t.sources.source_id.tolist() == [name] and t.sources.outlet.tolist() == ["Daily NK"]
    assert t.sources.path.tolist() == [f"{nfd}.txt"]  # the file is still named as it is
    assert t.ingest_report.problem.tolist() == []
    # the same name in both forms: one id, a clear error for the second file
    (raw / f"{name}.txt").write_text("Lee said the border was closed.", encoding="utf-8")
    t = nkhr.analyze(raw)
    assert len(t.sources) == 1
    bad = t.ingest_report[t.ingest_report.problem == "duplicate_id"]
    assert len(bad) == 1 and name in bad.message.iloc[0]


@pytest.mark.parametrize("head, url, published", [
    ("Canonical URL: https://news.example.org/2024/07/forum?id=7", "https://news.example.org/2024/07/forum?id=7", None),
    ("원문 보기: https://news.example.kr/view/123", "https://news.example.kr/view/123", None),
    ("https://news.example.org/a/b", "https://news.example.org/a/b", None),
    ("Updated: Jan. 5, 2024", None, "2024-01-05"),
    ("2024-07-11", None, "2024-07-11"),
    ("July 11, 2024", None, "2024-07-11"),
    ("Thursday, July 11, 2024 - 18:07 KST", None, "2024-07-11"),
    ("2024년 7월 11일", None, "2024-07-11"),
    ("Posted on July 11, 2024 by Jane Roe", None, "2024-07-11"),
])
def test_the_page_states_its_address_and_date(tmp_path, head, url, published):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(f"Forum on rights opens in Seoul\n{head}\n"
                               "The forum opened on Thursday. Speakers called for action.\n",
                               encoding="utf-8")
    src = nkhr.load_corpus(raw).sources.iloc[0]
    assert (src.url if pd.notna(src.url) else None) == url
    assert (src.published.isoformat() if pd.notna(src.published) else None) == published
    assert head not in src.text and src.text.endswith("Speakers called for action.")


def test_a_bare_date_or_address_inside_the_article_is_its_text(tmp_path):
    """Below the first sentence a date line is the text's own (a declaration signed on a day)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Declaration of the forum\nWe call for action. We will not forget.\n"
                               "July 22, 2024\nhttps://example.org/cited-report\n", encoding="utf-8")
    src = nkhr.load_corpus(raw).sources.iloc[0]
    assert pd.isna(src.published) and pd.isna(src.url)
    assert "July 22, 2024" in src.text and "https://example.org/cited-report" in src.text


def test_the_bundled_catalog_states_only_what_the_articles_state():
    """data/catalog.csv: each title, date and URL in it can be read in the article itself."""
    import csv

    with open(RAW.parent / "catalog.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        text = " ".join((RAW / f"{row['source_id']}.txt").read_text(encoding="utf-8").split())
        if row["title"]:
            assert row["title"] in text, row["source_id"]
        if row["url"]:
            assert row["url"] in text, row["source_id"]
        if row["published"]:
            assert parse_date(text[text.index("Published"):]).isoformat() == row["published"]
