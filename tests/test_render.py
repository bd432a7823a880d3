"""nkhr render: the embedded engine on small executed notebooks (tests/fixtures/render/,
committed without outputs; `executed` puts them back)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from nkhr.errors import RenderError
from nkhr.report import render as r

from .htmlfonts import faces, font_stack, tofu, visible_text

FIX = Path(__file__).parent / "fixtures" / "render"
EPOCH = "1720656000"  # 2024-07-11


def _md(text: str) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/markdown": text, "text/plain": "<IPython.core.display.Markdown object>"}}


# What each fixture's code cells showed when "run" (the fixtures are committed without
# outputs): cell index -> outputs. The markers must never reach a brief.
OUTPUTS = {
    "executed": {
        2: [_md("Korean text: 존엄은 중요하다. **Bold** from our own Markdown.")],
        3: [{"output_type": "stream", "name": "stdout", "text": "STREAM_STDOUT_TEXT\n"},
            {"output_type": "stream", "name": "stderr", "text": "STREAM_STDERR_TEXT\n"}],
        4: [{"output_type": "display_data", "metadata": {},
             "data": {"text/html": "<script>document.title='HTML_OUTPUT_RAN'</script><b>HTML_OUTPUT_TEXT</b>",
                      "text/plain": "PLAIN_REPR_TEXT"}}],
        5: [{"output_type": "execute_result", "execution_count": 5, "metadata": {},
             "data": {"text/plain": "EXECUTE_RESULT_REPR"}}],
        6: [{"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode((FIX / "figure.png").read_bytes()).decode(),
                      "text/plain": "<Figure>"}}],
        7: [_md("| A | B |\n|:--|--:|\n| a | 1 |\n\n: A small table.")],
    },
    "error_output": {
        1: [_md("fine")],
        2: [{"output_type": "error", "ename": "ParameterError",
             "evalue": "date_from: 'x' is not an ISO date", "traceback": []}],
    },
    "missing_glyph": {1: [_md("A quote in Thai: สวัสดี")]},
    # a Hangul name alone in the first table cell, letters NanumGothic lacks
    "glyphs": {1: [_md("| Speaker | Outlet |\n|:--|:--|\n| 이영희 | Åbo Underrättelser |\n"
                       "| 이영희 씨 | Dnevnik Šibenik č ✓ |\n| **영희** | Daily \\$\\\\undefined\\$ News |")]},
    "smuggling": {1: [_md(
        "Raw: <script>document.title='RAW_HTML_RAN'</script> and `#read(\"/etc/passwd\")`{=typst}\n\n"
        "```{=typst}\n#read(\"/etc/hostname\")\n```\n\n"
        "```{=html}\n<img src=x onerror=\"document.title='RAW_BLOCK_RAN'\">\n```\n\n"
        "![local file](/etc/hostname) and [click](javascript:alert(1)) and [ok](https://example.org/)")]},
    "unexecuted": {},
}


def executed(name: str, folder: Path) -> Path:
    """Fixture `name` as papermill leaves it (its outputs and execution counts put back),
    written to `folder` under its own name."""
    nb = json.loads((FIX / f"{name}.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and OUTPUTS[name]:
            cell["execution_count"] = i
            cell["outputs"] = OUTPUTS[name].get(i, [])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _pdftotext(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """executed.ipynb rendered once with the embedded engine."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path_factory.mktemp("render")
    paths = r.render(executed("executed", tmp_path_factory.mktemp("nb")), out_dir=out, engine="embedded")
    mp.undo()
    return paths


def test_render_writes_html_and_pdf_named_after_the_notebook(rendered):
    assert set(rendered) == {"html", "pdf"}
    assert rendered["html"].name == "executed.html" and rendered["pdf"].name == "executed.pdf"
    assert rendered["pdf"].read_bytes().startswith(b"%PDF-")
    # nothing but the two files is left in the output folder (the build folder is gone)
    assert sorted(p.name for p in rendered["html"].parent.iterdir()) == ["executed.html",
                                                                          "executed.pdf"]


def test_html_is_self_contained_and_shows_only_the_brief(rendered):
    page = rendered["html"].read_text(encoding="utf-8")
    assert "<h1 class=\"title\">Fixture brief</h1>" in page
    assert "존엄은 중요하다." in page
    assert "<strong>Bold</strong>" in page                      # our own Markdown is Markdown
    assert "src=\"data:image/png;base64," in page               # the figure is embedded
    assert "<caption>A small table.</caption>" in page
    assert "<script" not in page                                # no script of any origin
    for hidden in ("SECRET_CODE_SOURCE", "STREAM_STDOUT_TEXT", "STREAM_STDERR_TEXT",
                   "HTML_OUTPUT", "PLAIN_REPR_TEXT", "EXECUTE_RESULT_REPR", "papermill",
                   "2024-01-01T00:00:00"):
        assert hidden not in page, hidden
    assert "nkhr Brief" in page and "data:font/woff;base64," in page   # the embedded fonts


def test_html_embeds_a_glyph_for_every_character_it_shows(rendered):
    page = rendered["html"].read_text(encoding="utf-8")
    assert font_stack(page)[0] == "nkhr Brief"
    assert tofu(page) == {}
    assert "존엄은" in visible_text(page)


def test_pdf_has_the_text_and_embeds_its_fonts(rendered):
    text = _pdftotext(rendered["pdf"])
    assert "Fixture brief" in text and "존엄은 중요하다." in text and "A small table." in text
    assert "SECRET_CODE_SOURCE" not in text and "STREAM_STDOUT_TEXT" not in text
    fonts = subprocess.run(["pdffonts", str(rendered["pdf"])], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("NanumGothic" in line or "DejaVu" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)     # the "emb" column


def test_two_renders_with_the_same_epoch_are_identical(rendered, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = r.render(executed("executed", tmp_path / "nb"), out_dir=tmp_path, engine="embedded")
    assert again["html"].read_bytes() == rendered["html"].read_bytes()
    assert again["pdf"].read_bytes() == rendered["pdf"].read_bytes()


def test_markdown_outputs_cannot_smuggle_markup(tmp_path):
    """A notebook that forgot to escape: raw HTML/Typst, local images, javascript: links are text."""
    out = r.render(executed("smuggling", tmp_path / "nb"), out_dir=tmp_path, engine="embedded")
    page = out["html"].read_text(encoding="utf-8")
    body = page[page.index("<body>"):]
    assert "<script" not in page and "<img" not in body and "javascript:" not in body
    assert "&lt;script&gt;" in body and "onerror" in body      # shown, as text
    assert '<a href="https://example.org/">ok</a>' in body
    text = _pdftotext(out["pdf"])
    assert '#read("/etc/passwd")' in text and '#read("/etc/hostname")' in text
    hostname = Path("/etc/hostname")
    if hostname.is_file() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in text.replace('#read("/etc/hostname")', "")


@pytest.mark.parametrize("fixture, step, words", [
    ("error_output", "stage", "cell 3 failed when the notebook ran"),
    ("unexecuted", "stage", "has no outputs"),
    ("missing_glyph", "stage", "U+0E2A 'ส', U+0E27 'ว', U+0E31 'ั', U+0E14 'ด', U+0E35 'ี' in \"A quote in Thai: สวัสดี\""),
])
def test_a_failure_names_its_step_and_leaves_the_old_brief_alone(tmp_path, fixture, step, words):
    notebook = executed(fixture, tmp_path.parent / f"{tmp_path.name}-nb")
    (tmp_path / f"{fixture}.html").write_text("old brief")
    with pytest.raises(RenderError) as err:
        r.render(notebook, out_dir=tmp_path, engine="embedded")
    assert str(err.value).startswith(f"{step}:") and words in str(err.value)
    assert (tmp_path / f"{fixture}.html").read_text() == "old brief"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{fixture}.html"]


def test_typst_warnings_are_errors(tmp_path):
    (tmp_path / "w.typ").write_text('#set text(font: "No Such Font")\nHello\n', encoding="utf-8")
    with pytest.raises(RenderError, match=r"(?s)^typst: warnings are errors.*unknown font family"):
        r.compile_pdf(tmp_path / "w.typ", tmp_path / "w.pdf", tmp_path)
    assert not (tmp_path / "w.pdf").exists()


def test_typst_cannot_read_outside_the_build_folder(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    (tmp_path / "secret.txt").write_text("SECRET")
    (build / "r.typ").write_text('#read("../secret.txt")\n', encoding="utf-8")
    with pytest.raises(RenderError, match="^typst:"):
        r.compile_pdf(build / "r.typ", build / "r.pdf", build)


def test_clean_notebook_keeps_only_display_outputs(tmp_path):
    nb = json.loads(executed("executed", tmp_path).read_text(encoding="utf-8"))
    clean = r.clean_notebook(nb)
    kinds = [c["cell_type"] for c in clean["cells"]]
    assert kinds[0] == "raw" and "markdown" in kinds
    for cell in clean["cells"]:
        assert cell["metadata"] == {}
        if cell["cell_type"] == "code":
            assert cell["source"] == "" and cell["execution_count"] is None
            for out in cell["outputs"]:
                assert out["output_type"] == "display_data"
                assert list(out["data"]) in (["text/markdown"], ["image/png"])
    assert "papermill" not in json.dumps(clean)
    assert r.front_matter(nb) == {"title": "Fixture brief", "subtitle": "Rendering tests", "lang": "en"}


def test_engine_and_format_arguments_are_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto on PATH
    assert r.choose_engine("auto") == "embedded"
    with pytest.raises(RenderError, match="^engine: quarto was requested but is not on PATH"):
        r.render(executed("executed", tmp_path / "nb"), out_dir=tmp_path, engine="quarto")
    with pytest.raises(RenderError, match="^engine:"):
        r.choose_engine("latex")
    with pytest.raises(RenderError, match="^formats:"):
        r.render(executed("executed", tmp_path / "nb"), out_dir=tmp_path, formats=("docx",))
    with pytest.raises(RenderError, match="^stage: .*no such notebook"):
        r.render(tmp_path / "nope.ipynb", out_dir=tmp_path, engine="embedded")


def test_html_only(tmp_path):
    out = r.render(executed("executed", tmp_path / "nb"), out_dir=tmp_path, engine="embedded", formats=["html"])
    assert list(out) == ["html"] and not (tmp_path / "executed.pdf").exists()


def test_quarto_engine_gets_the_same_staged_project(tmp_path, monkeypatch):
    """Quarto is not installable here: a stand-in `quarto` records what it is given."""
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        "ls > \"$NKHR_TEST_LOG.$4\"; echo \"$@\" >> \"$NKHR_TEST_LOG.$4\"\n"
        "mkdir -p _out; ext=html; [ \"$4\" = typst ] && ext=pdf\n"
        "echo fake > _out/brief.$ext\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setenv("NKHR_TEST_LOG", str(tmp_path / "log"))
    out = r.render(executed("executed", tmp_path / "nb"), out_dir=tmp_path / "out")  # auto -> quarto
    assert out["html"].read_text() == "fake\n" and out["pdf"].name == "executed.pdf"
    for to in ("html", "typst"):
        log = (tmp_path / f"log.{to}").read_text()
        for staged in ("_quarto.yml", "brief.ipynb", "filters", "styles", "typst"):
            assert staged in log
        assert f"render brief.ipynb --to {to} --no-execute" in log


def test_a_hangul_name_alone_and_european_letters_have_glyphs(tmp_path):
    """The tofu of issue 18 (이영희 alone in a table cell) and 19 (Å, č, Š): checked on the page's
    own fonts and CSS, and on the PDF's text and fonts, with no screenshot."""
    out = r.render(executed("glyphs", tmp_path / "nb"), out_dir=tmp_path, engine="embedded")
    page = out["html"].read_text(encoding="utf-8")
    assert font_stack(page)[0] == "nkhr Brief"
    shown = visible_text(page)
    for word in ("이영희", "Åbo", "Underrättelser", "Šibenik", "č", "✓", "$\\undefined$"):
        assert word in shown
    assert tofu(page) == {}
    assert {f["family"] for f in faces(page)} == {"nkhr Brief"}
    # NanumGothic draws "\\" as a won sign: the backslash comes from DejaVu Sans
    nanum, dejavu = [f for f in faces(page) if f["weight"] == "400"]
    assert not any(a <= 0x5C <= b for a, b in nanum["ranges"])
    assert any(a <= 0x5C <= b for a, b in dejavu["ranges"]) and 0x5C in dejavu["cmap"]
    text = _pdftotext(out["pdf"])
    assert "이영희" in text and "Åbo Underrättelser" in text and "Šibenik" in text
    assert "Daily $\\undefined$ News" in text
    fonts = subprocess.run(["pdffonts", str(out["pdf"])], capture_output=True, text=True,
                           check=True).stdout
    assert "NanumGothic" in fonts and "DejaVuSans" in fonts


def test_tofu_check_sees_a_character_the_embedded_fonts_lack(rendered):
    page = rendered["html"].read_text(encoding="utf-8")
    assert tofu(page, "존엄은 중요하다. Bold") == {}
    assert tofu(page, "สวัสดี") == {"400": ["สวัสดี"], "700": ["สวัสดี"]}
    assert tofu(page, "희귀") != {}   # a syllable this brief does not use is not embedded


def test_font_css_puts_each_character_in_the_first_font_that_has_it():
    css = r.font_css("이영희 Åbo")
    assert css.count("@font-face") == 4                      # NanumGothic and DejaVu Sans, 2 weights
    assert "unicode-range: U+C601, U+C774, U+D76C" not in css  # Hangul shares a range with ASCII
    nanum, dejavu = css.split("@font-face")[1], css.split("@font-face")[2]
    assert "U+C774" in nanum and "U+C5" in dejavu and "U+C5" not in nanum
    assert r.unicode_range("abcz") == "U+61-63, U+7A"
