"""The brief as a reader gets it: `nkhr run` end to end on the bundled articles plus a hostile one
and the reliability probe's repros (tests/fixtures/reliability: `$` in outlet and speaker names,
an outlet NanumGothic cannot spell), then the HTML in headless Chromium and the PDF through poppler.

Chromium is Debian's `chromium` (CI installs it with poppler-utils); without it the browser
tests skip and say why. The end-to-end run is shared by every test of this module.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from nkhr.report import render as r

from .htmlfonts import font_stack, tofu, visible_text

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
RELIABILITY = Path(__file__).parent / "fixtures" / "reliability"
EPOCH = "1720742400"  # 2024-07-12
# What the hostile article's title and outlet carry: each must be shown as text.
PAYLOADS = ["<script>alert(1)</script>", "{{< include /etc/passwd >}}", '#read("/etc/passwd")',
            "$x$", "[link](javascript:alert(1))", "<img src=x onerror=alert(1)>", "<b>Times</b>"]

pytestmark = pytest.mark.slow


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium); "
                "CI installs it")


def _poppler(tool: str) -> str:
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed (Debian: apt-get install poppler-utils); CI installs it")
    return tool


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    """`nkhr run` on data/raw (catalogued with an outlet named Åbo Underrättelser), the hostile
    article and the mathtext repro (outlets and a registry speaker with `$` in their names),
    with SOURCE_DATE_EPOCH set. Its stdout is kept beside the output folder."""
    base = tmp_path_factory.mktemp("e2e")
    corpus = base / "corpus"
    corpus.mkdir()
    mathtext = RELIABILITY / "mathtext"
    for f in [*sorted((ROOT / "data" / "raw").glob("*.txt")), *sorted((HOSTILE / "raw").glob("*.txt")),
              *sorted((mathtext / "raw").glob("*.txt"))]:
        shutil.copy(f, corpus / f.name)
    rows = []
    for cat in (RELIABILITY / "glyph" / "catalog.csv", HOSTILE / "catalog.csv", mathtext / "raw" / "catalog.csv"):
        with open(cat, newline="", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    with open(corpus / "catalog.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    out = base / "out"
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NKHR_CODEBOOKS=str(mathtext / "codebooks"))
    proc = subprocess.run([sys.executable, "-m", "nkhr.cli", "run", "--corpus", str(corpus),
                           "--out", str(out), "--engine", "embedded", "--workers", "2"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"html: {out / 'brief.html'}" in proc.stdout and f"pdf: {out / 'brief.pdf'}" in proc.stdout
    (base / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def korean_sentences(run_out) -> list[str]:
    s = pd.read_parquet(run_out / "tables" / "sentences.parquet")
    ned = s[(s.language == "ko") & (s.kind == "body") & s.source_id.str.startswith("002_")]
    assert len(ned)
    return list(ned.text)


@pytest.fixture(scope="module")
def dom(run_out, tmp_path_factory) -> str:
    chromium = _chromium()
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", "--dump-dom", (run_out / "brief.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "<body" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_run_writes_tables_runs_and_both_files(run_out):
    for name in ("brief.html", "brief.pdf", "tables/quotes.parquet", "runs/brief/brief.ipynb"):
        assert (run_out / name).is_file(), name
    assert not list(run_out.glob(".render-*"))


@pytest.mark.browser
def test_no_script_ran_and_no_element_was_injected(dom):
    p = _Elements()
    p.feed(dom)
    tags = [t for t, _ in p.elements]
    assert "script" not in tags and "pwned" not in tags and "iframe" not in tags
    for tag, attrs in p.elements:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for a in ("href", "src"):
            assert not (attrs.get(a) or "").strip().lower().startswith("javascript:"), (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/"), attrs
    assert "<title>North Korean human rights in the news</title>" in dom


@pytest.mark.browser
def test_dom_shows_every_payload_as_text(dom):
    p = _Elements()
    p.feed(dom)
    text = _flat("".join(p.text))
    for payload in PAYLOADS:
        assert payload in text, payload


@pytest.mark.browser
def test_dom_has_the_korean_sentence_of_the_ned_declaration(dom, korean_sentences):
    flat = _flat(dom)  # Pandoc wraps long lines at spaces
    assert any(_flat(s) in flat for s in korean_sentences)


@pytest.mark.browser
def test_screenshot(run_out, tmp_path):
    chromium = _chromium()
    shot = tmp_path / "brief.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,2400", "--hide-scrollbars",
         f"--screenshot={shot}", (run_out / "brief.html").as_uri()],
        capture_output=True, timeout=120, check=True)
    from PIL import Image, ImageStat

    with Image.open(shot) as im:
        assert im.size == (1100, 2400)
        stat = ImageStat.Stat(im.convert("L"))
        assert stat.stddev[0] > 20  # text and figures, not a blank page


def test_pdf_text_has_the_payloads_and_the_korean_sentence(run_out, korean_sentences):
    text = subprocess.run([_poppler("pdftotext"), str(run_out / "brief.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    # Typst may break a line inside a payload (after "/"): compare without white space.
    dense = "".join(text.split())
    for payload in PAYLOADS:
        assert "".join(payload.split()) in dense, payload
    assert "root:x:0" not in dense                   # /etc/passwd was never read
    assert any("".join(s.split()) in dense for s in korean_sentences)


def test_pdf_embeds_every_font(run_out):
    lines = subprocess.run([_poppler("pdffonts"), str(run_out / "brief.pdf")], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        emb = line.split()[-5]
        assert emb == "yes", line


def test_pdf_pages_rasterize(run_out, tmp_path):
    info = subprocess.run([_poppler("pdfinfo"), str(run_out / "brief.pdf")], capture_output=True,
                          text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 12
    subprocess.run([_poppler("pdftoppm"), "-r", "40", "-png", str(run_out / "brief.pdf"),
                    str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == pages and all(p.stat().st_size > 1000 for p in pngs)


def test_rendering_again_with_the_same_epoch_gives_identical_files(run_out, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = r.render(run_out / "runs" / "brief" / "brief.ipynb", out_dir=tmp_path, engine="embedded")
    assert again["html"].read_bytes() == (run_out / "brief.html").read_bytes()
    assert again["pdf"].read_bytes() == (run_out / "brief.pdf").read_bytes()


# --------------------------------------------------------------------------- issue 18 and 19

def _pdf_text(run_out) -> str:
    return subprocess.run([_poppler("pdftotext"), str(run_out / "brief.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout


def _before_appendix(text: str) -> str:
    i = text.find("Appendix: provenance")
    assert i > 0, "no provenance appendix"
    return text[:i]


def test_run_says_what_it_read_which_renderer_and_where_everything_is(run_out):
    out = (run_out.parent / "stdout.txt").read_text(encoding="utf-8")
    assert "read 9 article(s) from " in out
    assert f"tables: {run_out / 'tables'} (Parquet and CSV" in out
    assert f"notebooks: {run_out / 'runs'} (5 executed; manifest.json)" in out
    assert "renderer: embedded: Pandoc and Typst" in out


def test_names_with_dollars_and_letters_nanumgothic_lacks_reach_both_files(run_out, dom):
    shown = _flat(visible_text(dom))
    pdf = _pdf_text(run_out)
    for name in ("Åbo Underrättelser", "Daily $\\undefinedmacro$ News", "Costs $5 and $10 Weekly"):
        assert name in shown and name in " ".join(pdf.split()), name
    assert "Jang $\\foo{$ Se-yul" in shown                 # the registry's name, in the tables


@pytest.mark.browser
def test_every_character_chromium_shows_has_an_embedded_glyph(run_out, dom):
    """The tofu check without a screenshot: the text of Chromium's DOM, every character, against
    the cmaps of the fonts embedded in the page, with the embedded family first in the stack."""
    page = (run_out / "brief.html").read_text(encoding="utf-8")
    assert font_stack(page)[0] == "nkhr Brief"
    # the case that showed as boxes: a short Hangul name alone in an element (a cell, a speaker)
    assert re.search(r"<(td|strong)[^>]*>[\uac00-\ud7a3]+</\1>", dom), "no lone Hangul name in an element"
    assert tofu(page, visible_text(dom)) == {}


def _ids() -> list[str]:
    from nkhr.codebooks import load_frames, load_themes

    return [i for i in [*load_themes().themes, *load_frames().frames] if "_" in i]


@pytest.mark.browser
def test_brief_shows_names_not_ids_and_no_parameter_dump(run_out, dom):
    for text in (_before_appendix(visible_text(dom)), _before_appendix(_pdf_text(run_out))):
        flat = " ".join(text.split())
        assert not [i for i in _ids() if i in flat]
        assert not re.search(r"\b(dprk|ngo|top_n|korean_n|quotes_per_frame|gold given)\b", flat)
        assert "Defectors and refugees" in flat and "North Korean officials" in flat
        assert "no link recorded" not in flat
        quotes = flat[flat.index("Representative quotes by frame"):flat.index("Sources")]
        assert "undated" not in quotes                         # said in the sources list only


def test_provenance_is_compact(run_out):
    appendix = " ".join(_pdf_text(run_out).split())
    appendix = appendix[appendix.index("Appendix: provenance"):]
    assert not re.search(r"[0-9a-f]{20,}", appendix)          # hashes abbreviated
    assert "000_29de344ddb13f9c4" not in appendix              # per-file hashes are in meta.json
    meta = (run_out / "tables" / "meta.json").read_text(encoding="utf-8")
    assert "000_29de344ddb13f9c4" in meta


def test_render_again_finds_the_runs_brief_from_the_cli(run_out, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(run_out / "runs" / "brief", out / "runs" / "brief")
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.run([sys.executable, "-m", "nkhr.cli", "render", "--out", str(out),
                           "--engine", "embedded"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "brief.pdf").read_bytes() == (run_out / "brief.pdf").read_bytes()
