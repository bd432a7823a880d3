"""Cleaning page furniture off a copied web page and cutting it into paragraphs.

Input is the decoded raw text; output is a list of :class:`Para` (text, kind,
and where its lines stood in the raw text) and the metadata the text states
(title, author, published date, outlet). The rules come from the furniture
codebook (``furniture.yml``): lines dropped wherever they stand (rules, share
bars, breadcrumbs, e-mail lines), lines that end the article (comment boxes,
copyright), bylines, Published/Updated lines and labelled addresses ("Canonical
URL: https://...") kept as metadata, a bare address or a bare date line above the
article's first sentence kept as its url and date, and photo credits, which
mark a line as a caption. On top of those, a few structural
rules that hold for any outlet:

- a photo credit glued onto a sentence with no space marks a caption and is cut off;
- an image's alt text (a line that the next caption line starts with) is dropped;
- a line that repeats the title, a heading or a caption, or the line just before it, is dropped;
- the first line is the title when it reads as a headline; later short
  lines without closing punctuation are headings;
- a hard-wrapped line (no closing punctuation, the next line starting in
  lower case or Hangul) is joined with the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from ..codebooks import load_yaml, locate
from ..errors import CodebookError
from .segment import _HANGUL

_SPACES = " \t\u00a0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000"
_WS = re.compile(f"[{_SPACES}]+")  # a run of these becomes one space
_TERMINAL = re.compile(r"[.!?…。！？:;]$")
_CLOSERS = "\"'”’)]」』»"
_CLOSERS_TUPLE = tuple(_CLOSERS)
_WORD = re.compile(r"\S+")
_STARTS_LOWER = re.compile(r"^[a-z\uac00-\ud7a3]")
_KOREAN_ENDINGS = ("다", "요", "죠", "니다", "까")
_BULLET = re.compile(r"^[◆■▲▶●○◇□▷►•※#*>-]\s*")


_SHORT_LINE = 240   # page furniture (bylines, share bars, footers) is never longer
_CREDIT_TAIL = 160  # a photo credit sits in the last characters of its line


@dataclass
class Para:
    text: str
    kind: str  # title | heading | body | caption
    raw_start: int
    raw_end: int
    blank_before: bool = False


@dataclass(frozen=True)
class Furniture:
    drop_lines: _Joined
    share_words: frozenset
    end_markers: _Joined
    bylines: tuple[re.Pattern, ...]
    dates: tuple[re.Pattern, ...]
    outlets: tuple[re.Pattern, ...]
    urls: tuple[re.Pattern, ...]
    head_urls: tuple[re.Pattern, ...]     # only above the first sentence of the body
    head_dates: tuple[re.Pattern, ...]
    caption_credits: _Joined
    glued_credits: _Joined
    credit_hint: _Joined
    sha256: str
    path: str


def _compile_list(path, data, key, join=True, default=()):
    items = data.get(key) or list(default)
    if isinstance(items, str):
        items = [items]
    lines = getattr(items, "item_lines", [None] * len(items))
    compiled = []
    for pattern, line in zip(items, lines, strict=False):
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as e:
            raise CodebookError(path, f"{key}: invalid regex {pattern!r}: {e}", line) from None
    if join:
        return _Joined(compiled)
    return tuple(compiled)


class _Joined:
    """Many line patterns as two regexes: the '^'-anchored ones tried once at the line
    start (``match``), the others searched; much faster than one alternation searched."""

    def __init__(self, patterns: list[re.Pattern]):
        anchored = [p.pattern[1:] for p in patterns if p.pattern.startswith("^")]
        free = [p.pattern for p in patterns if not p.pattern.startswith("^")]
        self.anchored = re.compile("|".join(f"(?:{p})" for p in anchored), re.I) if anchored else None
        self.free = re.compile("|".join(f"(?:{p})" for p in free), re.I) if free else None

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        m = self.anchored.match(text, pos) if self.anchored is not None and pos == 0 else None
        return m or (self.free.search(text, pos) if self.free is not None else None)


@cache
def load_furniture(path: str | None = None) -> Furniture:
    p = locate("furniture", path)
    data, digest = load_yaml(p)
    if not isinstance(data, dict):
        raise CodebookError(str(p), "expected a mapping of rule lists")
    return Furniture(
        drop_lines=_compile_list(str(p), data, "drop_lines"),
        share_words=frozenset(str(w).lower() for w in data.get("share_words") or []),
        end_markers=_compile_list(str(p), data, "end_markers"),
        bylines=_compile_list(str(p), data, "bylines", join=False),
        dates=_compile_list(str(p), data, "dates", join=False),
        outlets=_compile_list(str(p), data, "outlets", join=False),
        urls=_compile_list(str(p), data, "urls", join=False),
        head_urls=_compile_list(str(p), data, "head_urls", join=False),
        head_dates=_compile_list(str(p), data, "head_dates", join=False),
        caption_credits=_compile_list(str(p), data, "caption_credits"),
        glued_credits=_compile_list(str(p), data, "glued_credits"),
        credit_hint=_compile_list(str(p), data, "credit_hint", default=["."]),  # absent: always look
        sha256=digest, path=str(p),
    )


_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})[-./년]\s*(?P<m>\d{1,2})[-./월]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"),
    re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})"),
)


def parse_date(text: str) -> date | None:
    """A date stated in `text` (ISO, 2024.07.11, July 11, 2024, 15 Dec. 2025, 2024년 7월 11일)."""
    for form in _DATE_FORMS:
        m = form.search(text)
        if not m:
            continue
        parts = m.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTHS.get((parts.get("mon") or "")[:3].lower())
        try:
            return date(int(parts["y"]), month, int(parts["d"])) if month else None
        except ValueError:
            continue
    return None


def _is_headline(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    if not stripped or _is_terminal(stripped) or stripped.endswith(","):
        return False
    # words as _WORD finds them (str.split breaks at the same white space), counted
    # no further than 31: a body paragraph is long, and over 30 words never a headline
    n_words = len(text.split(None, 30))
    if n_words <= 10:
        return True
    hangul = len(_HANGUL.findall(text[:200]))
    if hangul > len(text) / 3:
        # a Korean body sentence ends in a verb ending (…다, …요) even when its period is
        # missing; a deck of quoted fragments does not ("…음식과 의약품 태부족” “…교묘해져”)
        return n_words <= 30 and not stripped.endswith(_KOREAN_ENDINGS)
    return n_words <= 20


def _is_terminal(text: str) -> bool:
    # _TERMINAL is anchored at the end ('$' also matches before a final newline), so
    # the last two characters decide; searching a whole paragraph would scan all of it
    return _TERMINAL.search(text[-2:]) is not None


def _ends_sentence(text: str) -> bool:
    return _is_terminal(text.rstrip(_CLOSERS)) or text.rstrip().endswith(_CLOSERS_TUPLE)


def clean(text: str, furniture: Furniture | None = None) -> tuple[list[Para], dict]:
    """Decoded raw text -> (paragraphs, metadata stated in the text)."""
    fur = furniture or load_furniture()
    meta: dict = {}
    paras: list[Para] = []
    pos = 0
    blank = True
    head = True  # above the body's first sentence: a bare date or address is the article's
    raw_lines = text.split("\n")
    # _WS never matches "\n", so one pass over the whole text gives the lines' spaces;
    # it is skipped when there is nothing for it to change (most texts: single
    # spaces only), which str's `in` finds out several times faster than the regex
    spaced = "  " in text or any(c in text for c in _SPACES[1:])
    lines = _WS.sub(" ", text).split("\n") if spaced else raw_lines
    for raw_line, line in zip(raw_lines, lines, strict=True):
        start, end = pos, pos + len(raw_line)
        pos = end + 1
        line = line.strip()
        if not line:
            blank = True
            continue
        short = len(line) <= _SHORT_LINE
        if short:  # furniture lines are short: long lines skip these checks
            low = line.lower()
            if paras and fur.end_markers.search(low):
                break
            if _take_metadata(line, fur, meta, head):
                continue
            if fur.drop_lines.search(line) or _only_share_words(low, fur.share_words):
                continue
        kind = "body"
        # credits stand at the end of a line: search its tail only, and only when it
        # has a character every credit pattern needs
        tail = max(0, len(line) - _CREDIT_TAIL)
        if fur.credit_hint.search(line, tail):
            glued = fur.glued_credits.search(line, tail)
            credit = glued or fur.caption_credits.search(line, tail)
            if credit and credit.start() > 0:
                line, kind = line[: credit.start()].rstrip(), "caption"
        paras.append(Para(line, kind, start, end, blank))
        blank = False
        head = head and not (kind == "body" and _ends_sentence(line))
    paras = _structure(paras)
    if paras and paras[0].kind == "title":
        meta.setdefault("title", paras[0].text)
    return paras, meta


def _only_share_words(low: str, words: frozenset) -> bool:
    tokens = low.replace("|", " ").split(None, 12)  # 13 pieces: too many words already
    return bool(tokens) and len(tokens) <= 12 and all(t in words for t in tokens)


def _take_metadata(line: str, fur: Furniture, meta: dict, head: bool = False) -> bool:
    """If `line` is a byline, a date line, an address or an outlet line, record it and return True.

    `head`: the line stands above the body's first sentence, where a line that is
    only a date or only an address is the article's own.
    """
    if len(line) > 160:
        return False
    for pattern in (*fur.urls, *(fur.head_urls if head else ())):
        m = pattern.match(line)
        if m:
            meta.setdefault("url", m.group("url"))
            return True
    if head:
        for pattern in fur.head_dates:
            m = pattern.match(line)
            parsed = parse_date(m.group("date")) if m else None
            if parsed:
                meta.setdefault("published", parsed)
                return True
    taken = False
    for pattern in fur.bylines:
        m = pattern.match(line)  # a byline starts the line
        if m:
            meta.setdefault("author", m.group("author").strip())
            taken = True
            break
    for pattern in fur.dates:
        # a date line starts with its date; after a byline the date may stand anywhere
        m = pattern.search(line) if taken else pattern.match(line)
        if m:
            parsed = parse_date(m.group("date"))
            if parsed:
                meta.setdefault("published", parsed)
                taken = True
                break
    for pattern in fur.outlets:
        m = pattern.search(line)
        if m:
            meta.setdefault("outlet", m.group("outlet").strip())
            return True
    return taken


def _key(text: str) -> str:
    return text.rstrip(".").casefold()


def _is_alt_text(line: str, caption: str) -> bool:
    """Is `line` the image's alt text, repeated (perhaps shortened) by the `caption` after it?"""
    if _key(caption).startswith(_key(line)):
        return True
    words = set(_WORD.findall(line.casefold()))
    if len(words) > 15 or _ends_sentence(line):
        return False
    return len(words & set(_WORD.findall(caption.casefold().rstrip(".")))) >= 0.6 * len(words)


def _structure(paras: list[Para]) -> list[Para]:
    # 1. drop alt text: a line that the following caption starts with
    kept: list[Para] = []
    for p in paras:
        if p.kind == "caption" and kept and kept[-1].kind != "caption" and _is_alt_text(kept[-1].text, p.text):
            kept.pop()
        kept.append(p)
    # 2. join hard-wrapped lines
    joined: list[Para] = []
    for p in kept:
        prev = joined[-1] if joined else None
        if (prev and not p.blank_before and prev.kind == "body" and p.kind == "body"
                and len(prev.text) >= 40 and not _ends_sentence(prev.text)
                and _STARTS_LOWER.match(p.text) and not _BULLET.match(p.text)):
            prev.text = f"{prev.text} {p.text}"
            prev.raw_end = p.raw_end
            continue
        joined.append(p)
    # 3. title, headings, repeats
    out: list[Para] = []
    seen_furniture: set[str] = set()
    last_key = None  # _key of out[-1].text
    for i, p in enumerate(joined):
        key = _key(p.text)
        if key in seen_furniture or key == last_key:
            continue
        last_key = key
        if p.kind == "body" and _is_headline(p.text):
            p.kind = "title" if i == 0 else "heading"
        if p.kind != "body":
            seen_furniture.add(key)
        out.append(p)
    return out
