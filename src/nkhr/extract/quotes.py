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
2. **Not speech.** A span in Title Case (``"Resistance Not to Forget"``) or
   right after a title marker (``themed``, ``titled``, ``dubbed``...: the
   ``cues`` codebook) names something; it is not a quote.
3. **Kind.** ``full`` when the span opens a paragraph or follows a colon or
   comma and starts in upper case; otherwise ``partial`` (woven into the
   reporter's sentence).
4. **Attribution**, first rule that applies: a name or pronoun and a speech
   verb right after the closing mark (``," Oh said`` / ``," said Oh``); a
   speaker and a speech verb (or a colon, or ``according to``) right before
   the opening mark; a name or pronoun with a speech verb later in the same
   sentence; the sentence's subject (the first person named before the
   quote); for a multi-paragraph quote, the attribution of the paragraph
   that closes it; else the previous quote's speaker (``carried``).
   Pronouns resolve to the person most recently named in the body (not in
   quotes or captions); surnames and titled surnames (``Minister Kim``) to
   the person of that family name most recently named, preferring one whose
   title matches.
5. A span repeated verbatim later in the article is one quote: the first
   occurrence is kept with the best attribution of all occurrences.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from ..doc import Doc
from . import korean
from .names import (
    Lexicon,
    Mention,
    apposition,
    find_mentions,
    first_verb,
    name_key,
    org_at,
    role_before,
    single_mentions,
    surname_of,
)

_MARKS = re.compile(r"[“”\"«»„「」『』]")
_OPENERS = "“«„「『"
_CLOSERS = "”»」』"
# a single quote mark at the start of the text or after a space, bracket or dash (written
# mark first, then looking back at what precedes it: `re` then only stops at quote marks)
_SINGLE = re.compile(r"[‘'](?:(?<=^[‘'])|(?<=[\s(\[—–-][‘']))(?=\w)(.{2,300}?)(?<=[\w.,!?])[’'](?![\w’'])")
_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
_LEAD = re.compile(r"[\s,.;:!?—–-]*")
_ADVERBS = re.compile(r"(?:(?:also|further|then|later|once|again|has|had|have|would|will|had|previously|earlier|repeatedly|recently)\s+)*", re.I)
_ACCORDING = re.compile(r"according to\s*$", re.I)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_PRONOUN = re.compile(r"\b(he|she)\b", re.I)
_SUBJECT_PRONOUN = re.compile(r"(?:[A-Z][\w ,’'-]{0,40},\s*)?(he|she)\b", re.I)
_MODIFIED = re.compile(r"\s*(?:['’]s\s+)?(?:regime|government|administration|dynasty|family|era|rule|doctrine|statue|portrait|badge|square|street|university|stadium|memorial|prize|award|bridge|airport|station|hospital|school|foundation|institute|center|centre|park)\b", re.I)

_UNNAMED_START = re.compile(r"(?:an?|the|its|his|her|their|one|two|three|several|many|some|other)\s", re.I)
_SAID_BEFORE = re.compile(r"\b(?:said|says|told|wrote|added)\s*$")
_TITLE_WORDS = re.compile(r"(?:the\s+|(?:[A-Z][\w.’'-]*|of|to|the|for|on)\s+){1,8}")

CONFIDENCE = {"name": 0.95, "apposition": 0.9, "title": 0.9, "surname": 0.85, "organization": 0.9,
              "pronoun": 0.8, "subject": 0.7, "chain": 0.8, "carried": 0.6,
              "repeat": 0.75, "none": 0.0}


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
    pronoun: Mention | None = None
    chain_next: bool = False  # a multi-paragraph quote continues in the next paragraph
    other: bool = False       # attributed to someone unnamed ("a ministry spokesperson said")
    korean: bool = False      # in a Korean paragraph: attributed by extract/korean.py


@dataclass
class Person:
    key: tuple
    mentions: list
    surname: str
    titles: set
    roles: list          # (short role, evidence) pairs
    names: list          # surface forms of full names


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
                                             for m in p.mentions)),
                          list(dict.fromkeys(p.roles))) for p in persons]


@dataclass
class DocPeople:
    quotes: list
    mentions: list       # resolved Mention objects (cluster >= 0), incl. attribution pronouns
    persons: list        # Person, indexed by cluster id
    korean: korean.KoreanPeople | None = None  # what the Korean rules found (Hangul paragraphs)


def extract(doc: Doc, lex: Lexicon, klex: korean.KoreanLexicon | None = None) -> DocPeople:
    """Quotes, person mentions and the article's people, for one Doc. `klex`: the Korean
    codebook (default: the project's), read for paragraphs in Hangul."""
    text = doc.text
    body = [i for i, k in enumerate(doc.para_kind) if k == "body"]
    hangul = korean.has_hangul(text)
    klex = klex or (korean.load_korean() if hangul else None)
    quotes: list[Quote] = []
    for i in body:
        if hangul and korean.has_hangul(text, doc.para_start[i], doc.para_end[i]):
            quotes += _korean_spans(text, i, doc.para_start[i], doc.para_end[i], klex, i == body[-1])
        else:
            quotes += _spans(text, i, doc.para_start[i], doc.para_end[i])
    _mark_chains(doc, quotes)
    quote_ranges = [(q.open, q.close) for q in quotes]
    mentions, singles = [], []
    for i, kind in enumerate(doc.para_kind):
        if kind in ("body", "caption"):
            found, lone = find_mentions(text, doc.para_start[i], doc.para_end[i], lex)
            mentions += found
            singles += lone
    persons = _cluster(doc, text, mentions, singles, quote_ranges, lex)
    quotes = [q for q in quotes if q.korean or _is_speech(text, q, doc, lex)]
    for q in quotes:
        q.kind = _kind(text, q, doc)
    english = [q for q in quotes if not q.korean]
    _attribute(doc, text, english, mentions, persons, lex)
    # >>> Korean paragraphs: their quotes, people and sentences' speakers (extract/korean.py)
    kpeople = None
    if hangul:
        kquotes = [q for q in quotes if q.korean]
        kpeople = korean.attribute(doc, kquotes, mentions, persons, klex)
        quotes = sorted(english + kquotes, key=lambda q: q.open)
    else:
        quotes = english
    # <<<
    quotes = _merge_repeats(text, quotes)
    used = [m for m in mentions if m.cluster >= 0]
    used += [q.pronoun for q in quotes if q.pronoun is not None]
    used.sort(key=lambda m: m.start)
    return DocPeople(quotes, used, persons, kpeople)


# ---------------------------------------------------------------- spans

def _spans(text: str, para: int, ps: int, pe: int) -> list[Quote]:
    out: list[Quote] = []
    open_at = -1
    for m in _MARKS.finditer(text, ps, pe):
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
        if any(a <= m.start() < b for a, b in taken) or len(_WORDS.findall(m.group(1))) < 2:
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
    if korean.hangul_outside(text, ps, pe, ranges):
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


def _mark_chains(doc: Doc, quotes: list[Quote]) -> None:
    """Keep an unclosed span only when it is a multi-paragraph quote."""
    starts_with_mark = {i for i in range(len(doc.para_start))
                        if doc.text[doc.para_start[i]:doc.para_start[i] + 1] in _OPENERS + '"'}
    keep = []
    for q in quotes:
        if not q.closed:
            nxt = q.para + 1
            q.chain_next = nxt in starts_with_mark and doc.para_kind[nxt] == "body" if nxt < len(doc.para_kind) else False
            if not (q.chain_next or q.open == doc.para_start[q.para]):
                continue  # unbalanced mark: skip the span
        keep.append(q)
    quotes[:] = keep


# ---------------------------------------------------------------- speech or not

def _is_speech(text: str, q: Quote, doc: Doc, lex: Lexicon) -> bool:
    content = text[q.start:q.end]
    words = _WORDS.findall(content)
    if not words:
        return False
    if len(words) <= 14 and words[0][0].isupper() and content.rstrip("”’\"'").rstrip()[-1:] not in ".!?":
        long_words = [w for w in words if len(w) >= 4] or words
        if sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words):
            return False  # a title or name in Title Case
    before = text[max(doc.para_start[q.para], q.open - 40):q.open].lower().rstrip(" ,:")
    return not before.endswith(lex.title_markers)


def _kind(text: str, q: Quote, doc: Doc) -> str:
    first = text[q.start:q.start + 1]
    if not (first.isupper() or first.isdigit()):
        return "partial"
    ps = doc.para_start[q.para]
    lead = text[ps:q.open].rstrip()
    if not lead or lead[-1] in ",:;.!?—–" or lead.endswith(("”", '"')):
        return "full"
    return "partial"


# ---------------------------------------------------------------- people in the article

def _cluster(doc: Doc, text: str, mentions: list[Mention], singles: list, quote_ranges,
             lex: Lexicon) -> list[Person]:
    caption = {i for i, k in enumerate(doc.para_kind) if k == "caption"}
    opens = [a for a, _ in quote_ranges]
    _describe(doc, text, mentions, caption, opens, quote_ranges, lex)
    persons = _persons(mentions, lex)
    lone = single_mentions(text, singles, {p.surname for p in persons}, lex)
    _describe(doc, text, lone, caption, opens, quote_ranges, lex)
    mentions += lone
    mentions.sort(key=lambda m: m.start)
    _resolve_surnames(mentions, persons, lex)
    return persons


def _describe(doc, text, mentions, caption, opens, quote_ranges, lex) -> None:
    """Where each mention stands (quote, caption, modifier) and what the text says of it."""
    for m in mentions:
        para = doc.paragraph_at(m.start)
        k = bisect.bisect_left(opens, m.start) - 1
        m.in_quote = k >= 0 and m.start < quote_ranges[k][1]
        m.in_caption = para in caption
        m.modifier = bool(_MODIFIED.match(text, m.end))
        role, evidence = apposition(text, m.end, doc.para_end[para], lex)
        if not role and not m.pre_title:
            role = evidence = role_before(text, doc.para_start[para], m.start, lex)
        m.role_text = evidence
        m.short_role = role
        if not m.strong:  # the verb checks run only when nothing before them decided
            m.strong = bool(m.korean or m.pre_title or len(m.tokens) > 1 and (
                role
                or lex.verb_re.match(_ADVERBS.sub("", _LEAD.sub("", text[m.end:m.end + 40], count=1), count=1))
                or _SAID_BEFORE.search(text, max(0, m.start - 12), m.start)))


def _persons(mentions: list[Mention], lex: Lexicon) -> list[Person]:
    """Full names with evidence of being a person, grouped by name key."""
    persons: list[Person] = []
    by_key: dict = {}
    full = [m for m in mentions if len(m.tokens) > 1]
    strong_keys = {name_key(m, lex) for m in full if m.strong}
    for m in full:
        key = name_key(m, lex)
        if key not in strong_keys:
            continue
        if key not in by_key:
            by_key[key] = len(persons)
            persons.append(Person(key, [], surname_of(m), set(), [], []))
        p = persons[by_key[key]]
        m.cluster = by_key[key]
        m.kind = "name"
        p.mentions.append(m)
        p.names.append(" ".join(m.tokens))
        if m.pre_title:
            p.titles.update(w.lower().strip(".’'s") for w in m.pre_title.split())
            p.roles.append((m.pre_title, m.pre_title))
        if m.role_text:
            p.roles.append((m.short_role or "", m.role_text))
    return persons


def _resolve_surnames(mentions: list[Mention], persons: list[Person], lex: Lexicon) -> None:
    """Attach family names and titled family names to the person meant."""
    last_by_surname: dict[str, int] = {}
    first_by_surname: dict[str, int] = {}
    for idx, p in enumerate(persons):
        first_by_surname.setdefault(p.surname, idx)
    for m in mentions:
        eligible = not (m.in_caption or m.in_quote or m.modifier)
        if m.cluster >= 0:
            if eligible:
                last_by_surname[persons[m.cluster].surname] = m.cluster
            continue
        if len(m.tokens) != 1:
            continue
        tok = m.tokens[0].lower()
        surname = lex.surnames.get(tok, tok).lower()
        candidates = [i for i, p in enumerate(persons) if p.surname == surname]
        if not candidates:
            continue
        chosen = None
        if m.pre_title:
            title_words = {w.lower().strip(".’'s") for w in m.pre_title.split()} & lex.titles
            titled = [i for i in candidates if persons[i].titles & title_words
                      or any(t in r[1].lower() for r in persons[i].roles for t in title_words)]
            if titled:
                chosen = max(titled, key=lambda i: (i == last_by_surname.get(surname), -i))
        if chosen is None:
            chosen = last_by_surname.get(surname, first_by_surname.get(surname))
        m.cluster = chosen
        m.kind = "title" if m.pre_title else "surname"
        persons[chosen].mentions.append(m)
        if eligible:
            last_by_surname[surname] = chosen


# ---------------------------------------------------------------- attribution

def _antecedents(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.cluster >= 0 and not m.in_quote and not m.in_caption
            and not m.modifier]


def _attribute(doc: Doc, text: str, quotes: list[Quote], mentions: list[Mention], persons: list[Person],
               lex: Lexicon) -> None:
    ante = _antecedents(mentions)
    starts = [m.start for m in ante]

    def mention_at(pos: int, end: int) -> Mention | None:
        i = bisect.bisect_left(starts, pos)
        return ante[i] if i < len(ante) and ante[i].start < end else None

    def pronoun_at(pos: int, end: int) -> Mention | None:
        m = _PRONOUN.match(text, pos, end)
        if not m:
            return None
        i = bisect.bisect_left(starts, m.start()) - 1
        if i < 0:
            return None
        p = Mention(m.start(), m.end(), m.group(), (m.group(),), "pronoun")
        p.cluster = ante[i].cluster
        return p

    def who_at(pos: int, end: int):
        m = mention_at(pos, end)
        if m is not None and m.end <= end and (m.start == pos or _TITLE_WORDS.fullmatch(text, pos, m.start)):
            return m, m.end, m.kind
        p = pronoun_at(pos, end)
        if p is not None:
            return p, p.end, "pronoun"
        return None, pos, None

    def verb_at(pos: int, end: int):
        pos = _ADVERBS.match(text, pos, end).end()
        v = lex.verb_re.match(text, pos, end)
        return v

    orgs: dict[str, int] = {}

    def as_speaker(org: Mention) -> Mention:
        """An organization that speaks becomes one of the article's speakers."""
        key = ("org", org.text.lower())
        if key not in orgs:
            orgs[key] = len(persons)
            persons.append(Person(key, [], "", set(), [(org.text, org.text)], []))
        org.cluster = orgs[key]
        persons[org.cluster].mentions.append(org)
        persons[org.cluster].names.append(org.text)
        mentions.append(org)
        return org

    opens_in_para: dict[int, list[int]] = {}
    for q in quotes:
        opens_in_para.setdefault(q.para, []).append(q.open)
    prev_close: dict[int, int] = {}
    for q in quotes:
        ps, pe = doc.para_start[q.para], doc.para_end[q.para]
        s_idx = doc.sentence_at(q.open)
        s_start = max(doc.sent_start[s_idx], ps) if s_idx >= 0 else ps
        para_opens = opens_in_para[q.para]
        k = bisect.bisect_right(para_opens, q.open)
        next_open = para_opens[k] if k < len(para_opens) else pe
        found = None
        if q.closed:
            # A: '," Oh said' / '," the minister said' ;  B: '," said Oh'
            pos = _LEAD.match(text, q.close, next_open).end()
            who, after_who, method = who_at(pos, next_open)
            if who is not None:
                if getattr(who, "role_text", "") and text[after_who:after_who + 1] == ",":
                    skip = re.match(r",[^,]{0,160},", text[after_who:next_open])
                    after_who += skip.end() if skip else 0
                v = verb_at(_LEAD.match(text, after_who, next_open).end(), next_open)
                if v:
                    found = (who, v.group(), method)
            else:
                v = verb_at(pos, next_open)
                after_v = _LEAD.match(text, v.end(), next_open).end() if v else pos
                if v:
                    who, _, method = who_at(after_v, next_open)
                    if who is not None:
                        found = (who, v.group(), method)
                org = org_at(text, after_v if v else pos, next_open, lex)
                if found is None and org is not None:
                    v = v or verb_at(_LEAD.match(text, org.end, next_open).end(), next_open)
                    if v:  # '," the Unification Ministry said' / '," said Human Rights Watch'
                        found = (as_speaker(org), v.group(), "organization")
                if found is None:
                    q.other = _unnamed_speaker(text, pos, next_open, lex)
        if found is None:
            # C: 'Oh said, "' / 'Oh said: "' / 'according to Oh, "'
            lo = max(s_start, prev_close.get(q.para, ps))
            before = text[lo:q.open]
            tail = re.search(r"(\b[\w-]+\b)?\s*[,:]?\s*(?:that\s*)?$", before)
            verb = lex.verb_re.fullmatch(tail.group(1)) if tail and tail.group(1) else None
            colon = before.rstrip().endswith(":")
            according = _ACCORDING.search(before.rstrip(" ,"))
            if verb or colon or according:
                cands = ante[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, q.open)]
                prons = [p for p in (pronoun_at(x.start(), q.open) for x in _PRONOUN.finditer(text, lo, q.open)) if p]
                pool = sorted(cands + prons, key=lambda m: m.start)
                if according:
                    pool = [m for m in pool if m.start >= lo + according.start()] or pool
                if pool:
                    who = pool[-1] if (verb or according) else pool[0]
                    cue = verb.group() if verb else ("according to" if according else ":")
                    found = (who, cue, "pronoun" if who.kind == "pronoun" else who.kind)
                elif (org := _org_before(text, lo, q.open, verb, lex)) is not None:
                    cue = verb.group() if verb else ("according to" if according else ":")
                    found = (as_speaker(org), cue, "organization")
                elif lo == s_start:
                    q.other = True  # "The ministry said: ..." -- someone, but not a person we can name
        if found is None and q.closed and not q.other:
            # E: a name or pronoun with a speech verb later in the sentence
            s_end = doc.sent_end[s_idx] if s_idx >= 0 else pe
            seg_end = min(next_open, max(s_end, q.close))
            for x in re.finditer(r"\b", text[q.close:seg_end]):
                pos = q.close + x.start()
                who, after_who, method = who_at(pos, seg_end)
                if who is None:
                    continue
                v = verb_at(_LEAD.match(text, after_who, seg_end).end(), seg_end)
                if v:
                    found = (who, v.group(), method)
                    break
        if found is None and q.kind == "partial" and not q.other:
            # D: the sentence's subject
            subj = ante[bisect.bisect_left(starts, s_start):bisect.bisect_left(starts, q.open)]
            if subj:
                v = first_verb(text, subj[0].end, q.open, lex)
                found = (subj[0], v.group() if v else None, "subject")
            elif s_idx >= 0 and (who := reporting_subject(doc, s_idx, ante, lex, starts)) >= 0:
                v = first_verb(text, s_start, q.open, lex)
                found = (_Local(who), v.group() if v else None, "subject")
        if found is not None:
            who, cue, method = found
            q.cluster, q.cue = who.cluster, cue
            q.method = "apposition" if method == "name" and getattr(who, "role_text", "") and \
                text[who.end:who.end + 1] == "," else method
            if who.kind == "pronoun":
                q.pronoun = who
        prev_close[q.para] = q.close
    # multi-paragraph quotes take the attribution of the paragraph that closes them
    for i in range(len(quotes) - 2, -1, -1):
        q, nxt = quotes[i], quotes[i + 1]
        if q.chain_next and q.method == "none" and nxt.para == q.para + 1 and nxt.cluster >= 0 \
                and nxt.open == doc.para_start[nxt.para]:
            q.cluster, q.cue, q.method = nxt.cluster, nxt.cue, "chain"
    # a quote in a sentence that continues the previous sentence's reported speech
    for q in quotes:
        s_idx = doc.sentence_at(q.open)
        if q.method == "none" and not q.other and s_idx > 0 and doc.sent_para[s_idx - 1] == q.para:
            who = reporting_subject(doc, s_idx - 1, ante, lex, starts)
            if who >= 0:
                q.cluster, q.method = who, "carried"
    # carried over from the previous quote (same or neighbouring paragraph)
    # (only into the same paragraph, or into a quote that opens the next one)
    for i, q in enumerate(quotes):
        prev = quotes[i - 1] if i else None
        if q.method != "none" or q.other or prev is None or prev.cluster < 0:
            continue
        if q.para == prev.para or (q.open == doc.para_start[q.para] and q.para - prev.para <= 2):
            q.cluster, q.method = prev.cluster, "carried"
    # single-quoted spans count only with an explicit attribution
    quotes[:] = [q for q in quotes if not q.single or q.method in ("name", "apposition", "title", "surname", "pronoun")]


@dataclass
class _Local:
    """A person found without a mention object (a sentence's resolved subject)."""
    cluster: int
    kind: str = "subject"
    role_text: str = ""
    end: int = -1


def _org_before(text: str, lo: int, end: int, verb, lex: Lexicon) -> Mention | None:
    """'Human Rights Watch said: "': the organization right before the speech verb."""
    if verb is None:
        return None
    cut = text.rfind(verb.group(), lo, end)
    for m in re.finditer(r"(?:[Tt]he\s+)?[A-Z]", text[lo:cut]):
        org = org_at(text, lo + m.start(), cut, lex)
        if org is not None and not text[org.end:cut].strip(" ,"):
            return org
    return None


def _unnamed_speaker(text: str, pos: int, end: int, lex: Lexicon) -> bool:
    """Does the attribution after a quote name nobody ("," a ministry spokesperson said")?"""
    window = text[pos:min(end, pos + 80)]
    if not _UNNAMED_START.match(window):
        return False
    v = lex.verb_re.search(window)
    return bool(v) and not re.search(r"[,.;:\"“”]|\s[A-Z]", window[:v.start()])


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


def sentence_speakers(doc: Doc, people: DocPeople, lex: Lexicon) -> list[int]:
    """For each sentence, the local person whose speech it is or reports (-1: the narrator).

    A sentence that overlaps a quote belongs to the quote's speaker (the quote
    covering most of it). Otherwise a body sentence whose subject is a person
    (named or a pronoun, within its first words) and which has a speech verb
    or noun reports that person's speech ("Salmon stressed that ...",
    "He made a series of proposals ...").
    """
    n = len(doc.sent_start)
    owner = [-1] * n
    best = [0] * n
    for q in people.quotes:
        if q.cluster < 0:
            continue
        first, last = doc.sentence_at(q.start), doc.sentence_at(max(q.start, q.end - 1))
        for s in range(max(first, 0), last + 1):
            overlap = min(q.end, doc.sent_end[s]) - max(q.start, doc.sent_start[s])
            if overlap > best[s]:
                owner[s], best[s] = q.cluster, overlap
    ante = _antecedents(people.mentions)
    starts = [m.start for m in ante]
    decided = korean.sentence_owners(doc, people.korean, owner) if people.korean else ()  # Korean ones
    for s in range(n):
        if owner[s] < 0 and doc.para_kind[doc.sent_para[s]] == "body" and s not in decided:
            owner[s] = reporting_subject(doc, s, ante, lex, starts)
    return owner


def reporting_subject(doc: Doc, s: int, ante: list[Mention], lex: Lexicon, starts=None) -> int:
    """The person whose speech sentence `s` reports ("Salmon stressed that ...",
    "He made a series of proposals"): a person named (or a pronoun) among the
    sentence's first words, before any speech verb, with a speech verb or noun
    after it. -1 when there is none. `starts`: the antecedents' starts, when known."""
    starts = [m.start for m in ante] if starts is None else starts
    ss, se = doc.sent_start[s], doc.sent_end[s]
    head_end = min(se, ss + 80)
    i = bisect.bisect_left(starts, ss)
    subject = ante[i] if i < len(ante) and ante[i].start < head_end else None
    if subject is not None and first_verb(doc.text, ss, subject.start, lex):
        subject = None  # the name is an object, not the subject
    if subject is None:
        p = _SUBJECT_PRONOUN.match(doc.text, ss, head_end)
        if p:
            j = bisect.bisect_left(starts, p.start(1)) - 1
            subject = ante[j] if j >= 0 else None
    if subject is None:
        return -1
    rest = max(subject.end, ss)
    if first_verb(doc.text, rest, se, lex) or lex.noun_re.search(doc.text, rest, se):
        return subject.cluster
    return -1

