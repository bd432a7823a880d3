"""Quotes and who said them, within one article.

What counts as a quote follows ``tests/gold/GUIDELINES.md``: a span inside
double quotation marks (straight, curly, guillemets, corner brackets), or
single ones when they enclose attributed speech, that reports what a person
said or wrote. How it is found, in one pass over each body paragraph:

1. **Spans.** Quotation marks are paired left to right (straight marks by
   context). A paragraph that opens a quote and does not close it is a
   multi-paragraph quote when the paragraph starts with the mark or the next
   one reopens it (the news convention); otherwise the mark is unbalanced and
   the span is skipped. Single quotes inside double ones are part of the
   outer quote. Titles, headings and captions are never searched.
2. **Not speech.** A span in Title Case (``"Songs Of The Free"``) or right
   after a title marker (``themed``, ``titled``, ``dubbed``...: the ``cues``
   codebook) names something, and a short span that is the subject of
   ``is``, ``means`` or ``has become`` is a term talked about: neither is a
   quote.
3. **Kind.** ``full`` when the span opens a paragraph or follows a colon or
   comma and starts in upper case; otherwise ``partial`` (woven into the
   reporter's sentence).
4. **Attribution**: the sieve of :mod:`nkhr.extract.attribution` over the
   people of :mod:`nkhr.extract.people` (names, single names, pronouns,
   institutions and unnamed speakers' descriptions).
5. A span repeated verbatim later in the article is one quote: the first
   occurrence is kept with the best attribution of all occurrences.

Paragraphs written in Korean are read by :mod:`nkhr.extract.korean` (its
quotation marks, quotatives and speakers); an English paragraph that names
someone in Hangul stays with these rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from ..doc import Doc
from ..ingest.segment import language
from . import korean
from .attribution import _MARK, CONFIDENCE, attribute, quote_owners
from .attribution import sentence_speakers as _sentence_speakers
from .names import Lexicon
from .people import People, Person

_OPENERS = "“«„「『"
_CLOSERS = "”»」』"
# a single quote mark at the start of the text or after a space, bracket or dash (written
# mark first, then looking back at what precedes it: `re` then only stops at quote marks)
# (or closed by a double mark by mistake: "dismissed it as 'a tissue of rumours" before")
_SINGLE = re.compile(r"[‘'](?:(?<=^[‘'])|(?<=[\s(\[—–-][‘']))(?=\w)(.{2,300}?)(?<=[\w.,!?])[’'\"”](?![\w’'])")
_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
# a short quoted span that is the subject of "is/has become/means ..." names a term
_TERM_IS = re.compile(r"[,\s]*(?:is|was|has become|had become|became|means|meant|refers to|stands for)\b")
_CLAUSE_OPENS = re.compile(r"(?:^|[.;:,]|\b(?:where|that|when|while|because|the|as))\s*$", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")  # "It is over. It is over,": speech, not a title


@dataclass
class Quote:
    para: int
    open: int            # position of the opening mark
    start: int           # content start
    end: int             # content end
    close: int           # position after the closing mark (== end when unclosed)
    closed: bool
    single: bool
    kind: str = "full"
    cluster: int = -1
    cue: str | None = None
    method: str = "none"
    chain_next: bool = False  # a multi-paragraph quote continues in the next paragraph
    korean: bool = False      # in a Korean paragraph: attributed by extract/korean.py


class PersonSummary(NamedTuple):
    """What the corpus-wide step needs of an article's person: plain data, cheap to send
    (and sent or cached as a plain tuple). Each list is in order of first use, without repeats."""
    key: tuple
    names: list      # (full-name surface form, how many mentions use it)
    aliases: list    # every surface form ("Mayor Oh" for a titled surname)
    roles: list      # (short role, evidence) pairs


def summarize(persons: list[Person]) -> list[PersonSummary]:
    return [PersonSummary(p.key, list(Counter(p.names).items()),
                          list(dict.fromkeys(m.text if m.kind != "title" else f"{m.pre_title.split()[-1]} {m.text}"
                                             for m in p.mentions if m.kind != "pronoun")),
                          list(dict.fromkeys(p.roles))) for p in persons]


@dataclass
class DocPeople:
    quotes: list
    people: People | None  # the article's persons, institutions and their mentions
    korean: korean.KoreanPeople | None = None  # what the Korean rules found (Hangul paragraphs)

    @property
    def persons(self) -> list:
        return self.people.persons if self.people is not None else []

    @property
    def mentions(self) -> list:
        """Resolved mentions (names, single names, pronouns, institutions, descriptions), in order."""
        return self.people.mentions if self.people is not None else []


def extract(doc: Doc, lex: Lexicon, klex: korean.KoreanLexicon | None = None) -> DocPeople:
    """Quotes, person mentions and the article's people, for one Doc. `klex`: the Korean
    codebook (default: the project's), read for paragraphs in Hangul."""
    text = doc.text
    body = [i for i, k in enumerate(doc.para_kind) if k == "body"]
    # paragraphs written in Korean (more Hangul than Latin letters, or a Korean clause: six
    # syllables or more) go to the Korean rules; an English paragraph that names someone in
    # Hangul ("이영희 (Lee Young-hee)") stays with the English ones
    ko = {i for i, k in enumerate(doc.para_kind) if k in ("body", "caption")
          and korean.has_hangul(text, doc.para_start[i], doc.para_end[i])
          and (len(korean.HANGUL.findall(text, doc.para_start[i], doc.para_end[i])) >= 6
               or language(text[doc.para_start[i]:doc.para_end[i]]) == "ko")}
    klex = klex or (korean.load_korean() if ko else None)
    quotes: list[Quote] = []
    for i in body:
        if i in ko:
            quotes += _korean_spans(text, i, doc.para_start[i], doc.para_end[i], klex, i == body[-1])
        else:
            quotes += _spans(text, i, doc.para_start[i], doc.para_end[i])
    _mark_chains(doc, quotes, lex)
    people = People(doc, lex, [(q.open, q.close) for q in quotes])
    quotes = [q for q in quotes if q.korean or _is_speech(text, q, doc, lex)]
    for q in quotes:
        q.kind = _kind(text, q, doc)
    english = [q for q in quotes if not q.korean]
    attribute(doc, people, lex, english)
    kpeople = None
    if ko:  # Korean paragraphs: their quotes, people and sentences' speakers (extract/korean.py)
        kquotes, kmentions = [q for q in quotes if q.korean], []
        kpeople = korean.attribute(doc, kquotes, kmentions, people.persons, klex, ko)
        for m in kmentions:
            people.insert(m)
        english = sorted(english + kquotes, key=lambda q: q.open)
        _carry_across(doc, english)
    people.deeds({q.cluster for q in english})
    return DocPeople(_merge_repeats(text, english), people, kpeople)


_LABEL = re.compile(r"\s*(?:\[[^\]\n]{1,40}\]\s*)?")


def _carry_across(doc: Doc, quotes: list) -> None:
    """In an article in two languages, a quote that opens its paragraph (after a bracketed
    label at most: "[HRW statement] "...") with no speaker continues the speaker of the
    quote before it, whichever language's rules attributed that one."""
    for prev, q in zip(quotes, quotes[1:], strict=False):
        if q.cluster < 0 <= prev.cluster and q.para - prev.para <= 2 and \
                _LABEL.fullmatch(doc.text, doc.para_start[q.para], q.open):
            q.cluster, q.method = prev.cluster, "carried"


def sentence_speakers(doc: Doc, people: DocPeople, lex: Lexicon, wanted=None) -> list[int]:
    """For each sentence, the local person whose speech it is or reports (-1: the narrator):
    Korean sentences by :func:`nkhr.extract.korean.sentence_owners`, the others by
    :func:`nkhr.extract.attribution.sentence_speakers`. `wanted`: the sentences whose
    speaker is needed (default all); the others outside quotes are left -1."""
    if people.people is None:
        return [-1] * len(doc.sent_start)
    owner = quote_owners(doc, people.quotes)
    decided = korean.sentence_owners(doc, people.korean, owner) if people.korean else ()
    return _sentence_speakers(doc, people.people, lex, people.quotes, owner, decided, wanted)


# ---------------------------------------------------------------- spans

def _spans(text: str, para: int, ps: int, pe: int) -> list[Quote]:
    out: list[Quote] = []
    open_at = -1
    for m in _MARK.finditer(text, ps, pe):
        ch, pos = m.group(), m.start()
        if open_at < 0:
            if ch in _CLOSERS:
                continue  # a stray closing mark
            if ch == '"' and pos + 1 < pe and text[pos + 1].isspace() and pos > ps:
                continue  # a straight mark followed by a space cannot open
            open_at = pos
        elif ch in _CLOSERS or ch == '"':
            out.append(_make(text, para, open_at, pos, closed=True))
            open_at = -1
    if open_at >= 0:
        q = _make(text, para, open_at, pe, closed=False)
        out.append(q)
    # single quotes outside double ones: candidates, kept only with explicit attribution
    taken = [(q.open, q.close) for q in out]
    for m in _SINGLE.finditer(text, ps, pe):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in taken) or len(_WORDS.findall(m.group(1))) < 2:
            continue
        q = _make(text, para, m.start(), m.end() - 1, closed=True)
        q.single = True
        out.append(q)
    out.sort(key=lambda q: q.open)
    return [q for q in out if q.end > q.start]


def _korean_spans(text: str, para: int, ps: int, pe: int, klex, last: bool) -> list[Quote]:
    """The quotes of a paragraph in Hangul (marks read the Korean way: extract/korean.py).
    Those of a paragraph with Hangul outside its quotes are attributed by the Korean rules."""
    out = []
    for open_at, close_at, single in korean.spans(text, ps, pe, klex, last):
        q = _make(text, para, open_at, close_at, closed=True)
        if close_at >= pe or text[close_at] not in "\"“”’'":  # ended at its quotative or the text's end
            q.close = close_at
        q.single = single
        out.append(q)
    out = [q for q in out if q.end > q.start]
    ranges = [(q.open, q.close) for q in out]
    # a paragraph of quotes only is Korean too when its quotes are ('"강제북송을 멈춰야 한다."' and
    # then '설민재 대표는 이같이 말했다'): the Korean rules read the next sentence's 이같이
    if korean.hangul_outside(text, ps, pe, ranges) or any(
            len(korean.HANGUL.findall(text, q.start, q.end)) >= 6 for q in out):
        for q in out:
            q.korean = True
    return out


def _make(text, para, open_at, close_at, closed) -> Quote:
    start, end = open_at + 1, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Quote(para, open_at, start, end, close_at + 1 if closed else close_at, closed, False)


def _mark_chains(doc: Doc, quotes: list[Quote], lex: Lexicon) -> None:
    """Keep an unclosed span only when it is a multi-paragraph quote, or when it opens
    right after a speech verb (and its addressee) and runs to the paragraph's end: 'X told
    the panel "We have to ...' whose closing mark the paragraph never gets to."""
    starts_with_mark = {i for i in range(len(doc.para_start))
                        if doc.text[doc.para_start[i]:doc.para_start[i] + 1] in _OPENERS + '"'}
    keep = []
    for q in quotes:
        if not q.closed:
            nxt = q.para + 1
            q.chain_next = nxt < len(doc.para_kind) and nxt in starts_with_mark and doc.para_kind[nxt] == "body"
            if not (q.chain_next or q.open == doc.para_start[q.para] or _after_verb(doc, q, lex)):
                continue  # unbalanced mark: skip the span
        keep.append(q)
    quotes[:] = keep


_LEAD_WORDS = re.compile(r"[A-Za-z’'.-]+")
_LEAD_CUT = re.compile(r"[.!?;”\"]\s")  # a sentence's or a closed quote's end


def _after_verb(doc: Doc, q: Quote, lex: Lexicon) -> bool:
    """An unclosed mark that opens a quotation in upper case after a speech verb, at most two
    words (its addressee) before it, in the same sentence: "said", "told the panel", "wrote:"."""
    text = doc.text
    if not text[q.start:q.start + 1].isupper():
        return False
    lead = text[max(doc.para_start[q.para], q.open - 40):q.open]
    lead = _LEAD_CUT.split(lead)[-1].rstrip(" ,:")
    words = _LEAD_WORDS.findall(lead)[-3:]
    return any(w.lower() in lex.speech_verbs for w in words) and \
        not any(w.lower() in lex.title_markers for w in words)


# ---------------------------------------------------------------- speech or not

def _is_speech(text: str, q: Quote, doc: Doc, lex: Lexicon) -> bool:
    content = text[q.start:q.end]
    words = _WORDS.findall(content)
    if not words:
        return False
    if len(words) <= 14 and words[0][0].isupper() and content.rstrip("”’\"'").rstrip()[-1:] not in ".!?" \
            and not _SENTENCE_BREAK.search(content):
        long_words = [w for w in words if len(w) >= 4] or words
        if sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words) \
                and (len(long_words) > 1 or all(w[0].isupper() for w in words)):
            return False  # a title or name in Title Case (not '"This is not the end," she said': one
            # long word, the sentence's first)
    if len(words) <= 5 and q.closed and _TERM_IS.match(text, q.close) \
            and _CLAUSE_OPENS.search(text, max(doc.para_start[q.para], q.open - 12), q.open):
        return False  # a term talked about: 'where "North Korean human rights" has become ...'
    before = text[max(doc.para_start[q.para], q.open - 40):q.open].lower().rstrip(" ,:")
    # a whole word ("called"), not a word's end ('Doe recalled: "We ate tree bark."' is speech)
    marker = next((m for m in lex.title_markers
                   if before.endswith(m) and not before[-len(m) - 1:-len(m)].isalpha()), None)
    if marker is not None and marker.startswith("the ") and text[:q.open].rstrip().endswith((":", ",")):
        verb = _LEAD_WORDS.findall(before[:-len(marker)])[-1:]
        if verb and verb[0] in lex.speech_verbs:
            return True  # the people spoken to ('Doe told the panel: "My son is still there."'; not
            # 'Doe called the show "the news show of record"')
    return marker is None


def _kind(text: str, q: Quote, doc: Doc) -> str:
    first = text[q.start:q.start + 1]
    if not (first.isupper() or first.isdigit()):
        return "partial"
    ps = doc.para_start[q.para]
    lead = text[ps:q.open].rstrip()
    if not lead or lead[-1] in ",:;.!?—–" or lead.endswith(("”", '"')):
        return "full"
    return "partial"


def _merge_repeats(text: str, quotes: list[Quote]) -> list[Quote]:
    seen: dict[str, Quote] = {}
    out = []
    for q in quotes:
        key = " ".join(_WORDS.findall(text[q.start:q.end].lower()))
        first = seen.get(key)
        if first is None:
            seen[key] = q
            out.append(q)
            continue
        if CONFIDENCE[q.method] > CONFIDENCE[first.method]:
            first.cluster, first.cue = q.cluster, q.cue
            first.method = "repeat"
    return out
