"""A screenshot-free tofu check for a rendered brief's HTML.

A character shows as an empty box when the font the browser picks for it has
no glyph. The brief's CSS names its embedded family ("nkhr Brief") first, and
that family's faces carry a ``unicode-range``; so every visible character must
be (1) inside the unicode-range of a face of that family, for each weight, and
(2) in the cmap of that face's embedded font. (1) and (2) are read from the
page itself: the @font-face rules, their base64 WOFF data decoded with
fontTools. The family must also come first in the body's font stack: an
embedded font listed after an installed one is loaded only when a character
the installed one lacks appears, and Chromium keeps the boxes it drew for that
first text (a Hangul name alone in a table cell showed as tofu).
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from html.parser import HTMLParser

FACE = re.compile(r"@font-face\s*\{(.*?)\}", re.S)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script", "head")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script", "head")

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def visible_text(page: str) -> str:
    """The text a reader sees in `page` (the body, without style or script), and the title block."""
    p = _Text()
    p.feed(page[page.find("<body"):] if "<body" in page else page)
    return "".join(p.text)


def _ranges(value: str) -> list[tuple[int, int]]:
    out = []
    for part in value.split(","):
        a, _, b = part.strip().removeprefix("U+").partition("-")
        out.append((int(a, 16), int(b or a, 16)))
    return out


def faces(page: str) -> list[dict]:
    """Every @font-face of `page`: family, weight, unicode ranges, and the code points its font has."""
    from fontTools.ttLib import TTFont

    out = []
    for body in FACE.findall(page):
        decl = dict((k.strip(), v.strip()) for k, _, v in
                    (d.partition(":") for d in re.split(r";\s*(?![^()]*\))", body)) if v.strip())
        data = re.search(r"base64,([A-Za-z0-9+/=]+)", decl["src"]).group(1)
        with TTFont(io.BytesIO(base64.b64decode(data))) as font:
            cmap = frozenset(font.getBestCmap())
        out.append({"family": decl["font-family"].strip("\"'"), "weight": decl.get("font-weight", "400"),
                    "ranges": _ranges(decl.get("unicode-range", "U+0-10FFFF")), "cmap": cmap})
    return out


def font_stack(page: str) -> list[str]:
    """The families of the page's ``--font`` custom property (the body's font stack), in order."""
    m = re.search(r"--font:\s*([^;]+);", page)
    assert m, "no --font in the page's CSS"
    return [f.strip().strip("\"'") for f in m.group(1).split(",")]


def tofu(page: str, text: str | None = None, family: str = "nkhr Brief") -> dict[str, list[str]]:
    """Characters of `text` (default: the page's visible text) the embedded family cannot draw,
    per weight -> the strings (whitespace-separated words) they stand in."""
    text = visible_text(page) if text is None else text
    mine = [f for f in faces(page) if f["family"] == family]
    bad: dict[str, list[str]] = {}
    for weight in sorted({f["weight"] for f in mine}) or ["400"]:
        wf = [f for f in mine if f["weight"] == weight]
        for word in set(text.split()):
            for ch in word:
                if unicodedata.category(ch) in ("Cc", "Cf"):
                    continue
                face = next((f for f in wf if any(a <= ord(ch) <= b for a, b in f["ranges"])), None)
                if face is None or ord(ch) not in face["cmap"]:
                    bad.setdefault(weight, []).append(word)
                    break
    return bad
