"""Sentence segmentation for news English and Korean, in one regex pass.

Why our own: pysbd, the maintained rule-based segmenter that runs offline,
measured 0.44 M chars/s on 7.5 MB of news text on this project's reference
machine (19x slower than spaCy's tokenizer, the speed the whole analysis is
held to), and it keeps a multi-sentence quotation as one sentence, where
annotators expect one row per sentence. The rules below are the ones that
matter for news text; ``tests/test_ingest.py`` checks that every boundary
pysbd finds on the bundled articles is found here too.

A candidate boundary is a run of ``. ! ? …`` (with closing quotes or brackets)
followed by white space, or glued to the next sentence with no space when a
lower-case letter or Hangul syllable is followed by an upper-case word or
Hangul (``messages.Photo``, ``중요하다.희망은``). A candidate is a boundary
only when the next sentence starts like one (an upper-case letter, a digit,
an opening quote or bracket, Hangul) and the period does not end:

- a title or abbreviation (``Mr.``, ``Dr.``, ``Gen.``, ``No. 1``, ``Dec. 15``, ``e.g.``);
- an initial (``George W. Bush``, ``N. Korea``);
- a dotted acronym (``U.S.``, ``U.N.``) unless a typical sentence opener follows.

Paragraph ends are always boundaries (the caller segments paragraph by paragraph).
A sentence's span starts at its first word: an opening quotation mark in front
of it is left outside (``"Silence is complicity," she said.`` starts at ``Silence``).
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(["mr", "mrs", "ms", "messrs", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt", "gov", "sen", "rep", "amb", "rev", "hon", "pres", "supt", "insp", "dept", "univ", "assn", "bros", "inc", "corp", "ltd", "co", "vs", "etc", "al", "e.g", "i.e", "cf", "approx", "est", "no", "nos", "vol", "vols", "pp", "p", "fig", "figs", "art", "sec", "ch", "op", "ed", "eds", "trans", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"])
# abbreviations that do end sentences when the next word could start one
END_OK = frozenset(["etc", "inc", "corp", "ltd", "co", "al"])
OPENERS = frozenset(["the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "there", "his", "her", "its", "their", "our", "my", "but", "and", "yet", "so", "in", "on", "at", "for", "as", "if", "when", "while", "after", "before", "since", "during", "according", "meanwhile", "however", "moreover", "still", "also", "mr", "mrs", "ms", "dr", "north", "south", "kim"])

# Read as ``(?:[.!?]+|…)`` then closers. Written to start with one character class
# (the lookbehind lets only ``.!?`` repeat) because ``re`` then skips ahead to the
# next ``.!?…`` in C instead of trying the pattern at every position: 4x faster.
_CANDIDATE = re.compile(
    r"""[.!?…](?:(?<=[.!?])[.!?]*)?["'”’)\]」』»]*(?=\s+|[A-Z\uac00-\ud7a3"“‘(\[])""")
_NEXT_START = re.compile(r"""\s*[\"“‘'(\[«「]*[A-Z0-9\uac00-\ud7a3\u3131-\u318e]""")
_NEXT_WORD = re.compile(r"\s*[\"“‘'(\[]*([\w'’.-]*)")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_OPENING_QUOTES = "\"“‘'«「『"
_LATIN = re.compile(r"[A-Za-z]")
_NOT_LATIN_BYTES = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))


# A dateline opens a wire story's lead: a place in capitals, maybe a region or a date, maybe
# the agency in brackets, then a dash or a colon ("GENEVA, May 3 (Kyodo) --",
# "SEOUL, South Korea (AP) —", "UNITED NATIONS:"); Korean wires bracket the place and the
# agency and may name the reporter ("[도쿄=통신사] 홍길동 특파원 =", "(부산=통신사) 홍길순 기자 =");
# a UN press release brackets its date ("GENEVA (12 February 2025) –", "NEW YORK (March 4, 2025) -").
_DATELINE = re.compile(
    r"(?!(?:FILE|PHOTO|VIDEO|UPDATE|UPDATED|WATCH|EXCLUSIVE|BREAKING|NOTE|EDITOR|CORRECTION|READ)\b)"
    r"(?:[A-Z][A-Z.'’-]{2,}(?:\s[A-Z][A-Z.'’-]+){0,3}"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s\d{1,2}|[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+)?))?"
    r"(?:\s*\((?:[A-Za-z][\w.&-]*(?:\s[A-Z][\w.&-]*){0,2}"
    r"|\d{1,2}\s[A-Z][a-z]+\s\d{4}|[A-Z][a-z]+\.?\s\d{1,2},\s\d{4})\))?\s*(?:--|—|–|―|-)"
    r"|[A-Z][A-Z.'’-]{4,}(?:\s[A-Z][A-Z.'’-]+){0,3}:"
    r"|(?:\[[^\]=\n]{1,20}=[^\]\n]{1,30}\]|\([^)=\n]{1,20}=[^)\n]{1,20}\))"
    r"(?:\s*[\uac00-\ud7a3]{2,4}\s*(?:기자|특파원)\s*=)?)\s+")


_LABEL = re.compile(r"\[[^\]\n=]{1,30}\]\s+(?=[\"“‘A-Z\uac00-\ud7a3])")


def dateline(text: str) -> int:
    """The length of the dateline that opens paragraph `text` (0: none)."""
    m = _DATELINE.match(text)
    return m.end() if m and m.end() < len(text) else 0


def split(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of one paragraph, shifted by `offset`."""
    spans = []
    start = 0
    n = len(text)
    label = _LABEL.match(text)
    if label and label.end() < n:  # "[HRW statement] "Every single ..."": the label stands alone
        spans.append((0, len(label.group().rstrip())))
        start = label.end()
    for m in _CANDIDATE.finditer(text, start):
        end = m.end()
        if end >= n:
            break
        if not _is_boundary(text, m):
            continue
        # the next sentence starts after the white space
        nxt = end
        while nxt < n and text[nxt].isspace():
            nxt += 1
        if text[start:end].strip():
            spans.append((start, end))
        start = nxt
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    # a sentence row starts at its first word: an opening quotation mark stays
    # outside, as annotators write sentence starts ("Young North Korean ...")
    return [(s + offset + _lead_quotes(text, s, e), e + offset) for s, e in spans]


def _lead_quotes(text: str, s: int, e: int) -> int:
    k = 0
    while s + k < e - 1 and text[s + k] in _OPENING_QUOTES:
        k += 1
    return k


def _is_boundary(text: str, m: re.Match) -> bool:
    pos, end = m.start(), m.end()
    nxt = _NEXT_START.match(text, end)
    if not nxt:
        return False
    glued = not text[end].isspace()
    mark = text[pos]
    before = text[pos - 1] if pos else ""
    if glued:
        # "messages.Photo" / "중요하다.희망은": a lower-case letter or Hangul, then
        # an upper-case word or Hangul; never digits ("3.5") or dotted acronyms.
        after = text[end:end + 2]
        if not (before.islower() or _HANGUL.match(before)):
            return False
        return bool(_HANGUL.match(after[:1]) or (after[:1].isupper() and after[1:2].islower())
                    or after[:1] in "\"“‘([")
    if mark != "." or m.group().startswith("..") or m.group().startswith("…"):
        return True
    prev = _word_before(text, pos)
    if not prev:
        return True
    word_start, word = prev
    word = word.lstrip("\"“‘'([«「")
    if word.isdigit() and word_start < 64 and not text[:word_start].strip():
        return False  # a list number opening the paragraph: "1. We will ..."

    low = word.lower()
    next_word = _NEXT_WORD.match(text[end:end + 40]).group(1)
    if low in ABBREVIATIONS:
        if low in END_OK:
            return next_word.lower() in OPENERS
        if low in ("no", "nos", "p", "pp", "art", "sec", "ch", "vol", "fig") and next_word[:1].isdigit():
            return False
        return low == "no"  # "No." as a word ends a sentence unless a number follows
    if len(word) == 1 and word.isupper():
        return False  # an initial: "George W. Bush", "N. Korea"
    if "." in word and _DOTTED_ACRONYM.fullmatch(word):
        # dotted acronym: U.S., U.N., e.g. -- a boundary only before a sentence opener
        return next_word.lower() in OPENERS and next_word[:1].isupper()
    return True


def _word_before(text: str, pos: int) -> tuple[int, str] | None:
    """(start, word): the non-space characters that end at `pos`, at most 64 of them;
    None when a space comes first. What searching ``(\\S+)$`` in ``text[pos - 64:pos]``
    finds ('$' also matches before a final newline), without the regex trying every
    start position of the window (str.isspace and str.split agree with \\S)."""
    window = text[max(0, pos - 64):pos]
    end = len(window) - 1 if window.endswith("\n") else len(window)
    if not end or window[end - 1].isspace():
        return None
    word = window[:end].rsplit(None, 1)[-1]
    return pos - len(window) + end - len(word), word


def language(text: str) -> str:
    """'ko' when Hangul letters outnumber Latin ones, 'en' when Latin letters do, else 'und'."""
    hangul = len(_HANGUL.findall(text))
    if not hangul:
        return "en" if _LATIN.search(text) else "und"
    # Latin letters counted on the UTF-8 bytes (A-Z and a-z bytes only ever stand
    # for themselves there): bytes.translate deletes the rest in C, 10x faster than findall
    latin = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_LATIN_BYTES))
    if hangul > latin:
        return "ko"
    if latin:
        return "en"
    return "und"
