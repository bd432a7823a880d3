"""Escaping article text for Pandoc Markdown: hostile strings stay literal text in HTML and Typst."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pypandoc
import pytest

from nkhr.report import markdown as md

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">link</a>",
    "<https://evil.example/>",
    "**bold** _under_ *star* `code` ~~strike~~ ^sup^ ~sub~",
    "# not a heading",
    "- not a list",
    "1. not a list",
    "> not a quote",
    "<div onclick=\"alert(1)\">raw html</div>",
    "<!-- a comment -->",
    "```{=html}\n<b>raw block</b>\n```",
    "`<b>x</b>`{=html}",
    "[span]{.class onclick=alert(1)}",
    "::: {.callout-note}",
    "#read(\"/etc/passwd\")",
    "#{ 1 + 1 } #set page(width: 1cm) = Heading",
    "\\#escaped \\ backslash \\",
    "{{< include /etc/passwd >}}",
    "{{{< var secret >}}}",
    "$x$",
    "$$\\int x$$",
    "\\(x\\) \\[y\\]",
    "@citation [@key; @other]",
    "[^note] and ^[inline note]",
    "&amp; &lt; &#60; &#x3C;",
    "a | b | c",
    "line one\nline two\r\nline three\tend",
    "'single' \"double\" -- --- ...",
    "존엄은 중요하다. 희망은 중요하다.",
    "![image](/etc/hostname)",
    "<?php echo 1; ?> <![CDATA[x]]>",
    "\x00nul\x1besc\u202ebidi",
]


def _expected(text: str) -> str:
    """What a reader should see: the text with whitespace folded and control chars dropped."""
    return md._clean(text)


def _inlines(node) -> set[str]:
    """Every Pandoc AST element type below `node` (pandoc -t json)."""
    kinds = set()
    if isinstance(node, dict):
        if "t" in node:
            kinds.add(node["t"])
        for v in node.values():
            kinds |= _inlines(v)
    elif isinstance(node, list):
        for v in node:
            kinds |= _inlines(v)
    return kinds


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_parses_to_plain_strings_only(text):
    ast = json.loads(pypandoc.convert_text(md.escape(text), "json", format="markdown", extra_args=["--wrap=none"]))
    kinds = _inlines(ast["blocks"])
    # one paragraph of words and spaces: no link, image, raw, math, code, note, emphasis...
    assert kinds <= {"Para", "Str", "Space"}, kinds


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_is_literal_in_html(text):
    out = pypandoc.convert_text(md.escape(text), "html", format="markdown", extra_args=["--wrap=none"])
    parser = _Text()
    parser.feed(out)
    assert parser.tags == ["p"]
    assert " ".join("".join(parser.text).split()) == _expected(text)
    assert html.unescape(out).count("<") == _expected(text).count("<") + 2  # <p> and </p>


def test_escaped_text_is_literal_in_typst_pdf(tmp_path):
    """All hostile strings in one Typst document: it compiles and the PDF shows them verbatim."""
    import typst

    from nkhr.report.fonts import font_dir

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    body = "\n\n".join(md.escape(f"[{i}] {t}") for i, t in enumerate(HOSTILE))
    literal = Path(__file__).resolve().parents[1] / "reports" / "filters" / "literal.lua"
    typ = pypandoc.convert_text(body, "typst", format="markdown", filters=[str(literal)],
                                extra_args=["--wrap=none"])
    (tmp_path / "t.typ").write_text("#set page(width: 40cm, height: auto)\n"
                                    "#set text(font: \"NanumGothic\")\n" + typ, encoding="utf-8")
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                        font_paths=[str(font_dir())])
    pdf, warnings = typst.compile_with_warnings(str(tmp_path / "t.typ"), root=str(tmp_path),
                                                font_paths=fonts, format="pdf")
    assert warnings == []
    (tmp_path / "t.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "t.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for i, t in enumerate(HOSTILE):
        assert " ".join(f"[{i}] {_expected(t)}".split()) in flat, t


def test_escape_handles_missing_values_and_numbers():
    import pandas as pd

    assert md.escape(None) == ""
    assert md.escape(pd.NA) == ""
    assert md.escape(float("nan")) == ""
    assert md.escape(12) == "12"
    assert md.escape(0.5) == "0\\.5"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x",
                                 "data:text/html,<script>", "file:///etc/passwd", "/relative/path",
                                 "//evil.example/x", "vbscript:msgbox", "http://", ""])
def test_unsafe_urls_are_not_linked(url):
    assert md.safe_url(url) is None
    out = pypandoc.convert_text(md.link("the article", url), "html", format="markdown", extra_args=["--wrap=none"])
    assert "<a " not in out and "the article" in out


def test_safe_url_is_encoded_so_it_cannot_end_the_destination():
    url = "https://example.org/a b(c)<d>\"e'`{f}|g?q=1&r=2#frag"
    target = md.safe_url(url)
    assert target.startswith("https://example.org/")
    for ch in " ()<>\"'`{}|\\":
        assert ch not in target
    out = pypandoc.convert_text(md.link("t", url), "html", format="markdown", extra_args=["--wrap=none"])
    assert out.count("<a ") == 1 and 'href="https://example.org/a%20b%28c%29' in out


def test_table_cells_are_escaped_and_pipes_stay_in_their_cell():
    table = md.table(["Name", "Count"], [["a | b <i>x</i>", 3], [None, 4]], align=["l", "r"],
                     caption="Cap $x$")
    out = pypandoc.convert_text(table, "html", format="markdown", extra_args=["--wrap=none"])
    assert "<td style=\"text-align: left;\">a | b &lt;i&gt;x&lt;/i&gt;</td>" in out
    assert "<caption>Cap $x$</caption>" in out
    assert out.count("<tr>") == 3


def test_markup_passes_through_escape_once():
    link = md.link("x*y", "https://example.org/")
    assert md.escape(link) == link
    assert md.strong("a*b") == "**a\\*b**"
    out = pypandoc.convert_text(md.table(["T"], [[link]]), "html", format="markdown", extra_args=["--wrap=none"])
    assert '<a href="https://example.org/">x*y</a>' in out
