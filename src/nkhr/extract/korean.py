"""Quotes and speakers in Korean-language text (Hangul paragraphs).

The same design as the English rules in :mod:`nkhr.extract.quotes`: a layer
of mentions (people, unnamed speakers, institutions, pronouns), then a
deterministic sieve that gives each quote the speaker of the most precise
rule that applies. The word lists are data: the ``korean`` codebook.

**Spans** (:func:`spans`). A paragraph's curly double marks are told apart by
where they stand, not by their shape: one after a space (or at the start, or
after a bracket) opens, any other closes; so KBS's reversed ``”…“`` pairs
read like ``“…”``. A mark opened and never closed ends at the quotative that
follows (``…’라고 비난했다``), or, in the article's last paragraph (a cut-off
text), at the paragraph's end. Single marks (``‘…’``) enclose speech only
when a quotative and a speech verb follow them (``‘…’라고 지적했다``); otherwise
they mark titles and terms.

**Mentions.** Each Hangul paragraph's text outside quotes is cut into words
by the morphological analyzer ``kiwipiepy`` (loaded once per process, on the
first Hangul text). A run of nouns followed by its particle is a phrase:

- a name (a proper noun, or a Korean name: a family name and one or two
  syllables) followed, in the same phrase, by a title (``박민호 주유엔대사``,
  ``브라운 특별보고관``, ``통일부 장관``) or an honorific (``최일씨``, ``송 씨``) is a
  person; the words from the name to the title are the role, an honorific
  is no role; the clause that describes the person just before the name
  (``…어부였다고 자신을 소개한 최일씨``) and the ``X의`` before it are
  kept as evidence of the role;
- a family name or a foreign family name alone with a title (``박 시장``,
  ``브라운 특사``) is the person of that name the article named, else a person
  named by it;
- a phrase ending in an unnamed speaker's head (``국방성 대변인``, ``한 소식통``,
  ``탈북민 A씨``) is an unnamed speaker named by the phrase as written; a bare
  head (``대변인은``, ``이 관계자는``) is the last one with that head, and a
  qualified one (``유엔 북한인권특별보고관은``) the named person with that role;
- an institution (``유엔``, ``통일부``, ``BBC``, ``그린피스``) or a country;
- ``그는``, ``그녀가``: the person last named as a subject.

**Attribution**, for each quote in a Korean paragraph, first rule that
applies (a sentence here never ends inside a quote):

1. *cue after*: ``"…"라고 박민호 주유엔대사가 밝혔다``: a subject between the
   quotative and the speech verb;
   Then, in this order: a speaker given as a label (``"…"(도한결 통일부 장관)``,
   ``도한결 통일부 장관: "…"``); the source an outlet cites (``RFA는 함경북도 소식통을
   인용해 "…"``); the one whose words the sentence says it was (``"…"는 것이 통일부의
   입장이다``; in the next sentence: ``"…" 한 주민의 말이다``).
2. *back reference*: when the quote's sentence has no speaker of its own (or
   only a country: ``북한이 "…"라고 비난했다``), the subject of the next sentence
   that says ``이같이 말했다``;
3. *subject*: the sentence's topic (``은/는``) before the quote; when the
   speech verb is adnominal (``‘…’라고 지적한 보고서``) the nearest ``이/가``
   subject instead;
4. *next sentence*: a quote standing alone as a sentence takes the subject of
   the next sentence when that one has a speech verb and no quote of its own;
5. *carried*: a sentence with no subject (``그러면서 "…"``, ``이어 "…"``,
   ``또 "…"라고 했다``) continues the last speaker's words.

A short span in double marks with a case particle after it, no speaker and no speech
verb in its sentence (``"탈북민의 날"로 정했다``) is a term, not a quote.

Each sentence of a Korean paragraph also gets its speaker (for frames and
themes): its quotes' speaker, else its subject when it has a speech verb,
else the last speaker when it has no subject and a speech verb.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..codebooks import load_yaml, locate
from ..errors import CodebookError
from .names import Mention

HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SYLLABLES = re.compile(r"^[\uac00-\ud7a3]+$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")


# ---------------------------------------------------------------- the codebook

@dataclass(frozen=True)
class KoreanLexicon:
    family_names: dict         # Hangul family name -> romanization (as names.yml spells it)
    titles: tuple              # longest first
    honorifics: frozenset
    unnamed_heads: tuple       # longest first
    institution_suffixes: tuple
    institutions: frozenset
    countries: frozenset
    pronouns: frozenset
    quotative_re: re.Pattern   # a quotative right after a closing mark
    verb_re: re.Pattern        # a speech verb (the whole word it stands in)
    people_re: re.Pattern      # a title, honorific or unnamed speaker's head: someone is named here
    back_reference_re: re.Pattern
    variants: dict             # RR spelling -> other spellings of it in given names
    variant_re: re.Pattern     # the RR spellings that have variants, longest first
    sha256: str


def _words(data, key, path) -> list[str]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list) or not value:
        raise CodebookError(str(path), f"'{key}' must be a non-empty list",
                            getattr(data, "key_lines", {}).get(key))
    return [str(v) for v in value]


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))


@cache
def load_korean(path: str | None = None) -> KoreanLexicon:
    p = locate("korean", path)
    data, digest = load_yaml(p)
    families = data.get("family_names") if isinstance(data, dict) else None
    if not isinstance(families, dict) or not families:
        raise CodebookError(str(p), "'family_names' must be a mapping of Hangul family names to romanizations")
    nouns, verbs = _words(data, "speech_nouns", p), _words(data, "speech_verbs", p)
    # a speech noun + 하다 in any form ("강조했다", "주장한", "말하며"), or a verb form listed;
    # the rest of the word comes along, so that its ending can be read
    verb_re = re.compile(r"(?<![\uac00-\ud7a3])(?:(?:%s)\s?(?:했|한|하|합|해|하였)|%s)[\uac00-\ud7a3]*"
                         % (_alternation(nouns), _alternation(verbs)))
    quotatives = _words(data, "quotatives", p)
    raw = data.get("romanization_variants") or {}
    if not isinstance(raw, dict):
        raise CodebookError(str(p), "'romanization_variants' must map RR spellings to lists of spellings")
    variants = {str(k): [str(x) for x in (v or [])] for k, v in raw.items()}
    return KoreanLexicon(
        family_names={str(k): str(v) for k, v in families.items()},
        titles=tuple(sorted(set(_words(data, "titles", p)), key=len, reverse=True)),
        honorifics=frozenset(_words(data, "honorifics", p)),
        unnamed_heads=tuple(sorted(set(_words(data, "unnamed_heads", p)), key=len, reverse=True)),
        institution_suffixes=tuple(sorted(set(_words(data, "institution_suffixes", p)), key=len, reverse=True)),
        institutions=frozenset(_words(data, "institutions", p)),
        countries=frozenset(_words(data, "countries", p)),
        pronouns=frozenset(_words(data, "pronouns", p)),
        quotative_re=re.compile(r"(?:%s)(?![\uac00-\ud7a3])|(?:%s)(?=\s|[,.]|$)" % (
            "|".join(map(re.escape, sorted((q for q in quotatives if len(q) > 1), key=len, reverse=True))),
            "|".join(map(re.escape, (q for q in quotatives if len(q) == 1))))),
        verb_re=verb_re,
        people_re=re.compile(_alternation([*_words(data, "titles", p), *_words(data, "honorifics", p),
                                           *_words(data, "unnamed_heads", p)]) or "(?!)"),
        back_reference_re=re.compile(r"(?:%s)\s*" % _alternation(_words(data, "back_reference", p))),
        variants=variants,
        variant_re=re.compile(_alternation(variants) or "(?!)"),
        sha256=digest,
    )


# ---------------------------------------------------------------- the analyzer

_KIWI = None


def analyzer():
    """kiwipiepy's analyzer, loaded on first use (once per process: ~1 s, ~300 MB).
    Its model ships in the ``kiwipiepy-model`` wheel: nothing is downloaded."""
    global _KIWI
    if _KIWI is None:
        from kiwipiepy import Kiwi

        # the typo and multi-word dictionaries are not needed for news text, and cost memory
        _KIWI = Kiwi(num_workers=1, load_typo_dict=False, load_multi_dict=False)
    return _KIWI


@lru_cache(maxsize=4096)
def analyze(text: str) -> tuple:
    """The analyzer's tokens of `text`. Remembered for the last 4,096 texts of the process:
    wire copy reaches a corpus through many outlets, word for word, and the analyzer is
    the Korean rules' cost (a text is analyzed the same way wherever it stands)."""
    return tuple(analyzer().tokenize(text))


def has_hangul(text: str, start: int = 0, end: int | None = None) -> bool:
    return HANGUL.search(text, start, len(text) if end is None else end) is not None


def hangul_outside(text: str, ps: int, pe: int, ranges) -> bool:
    """Is there Hangul in text[ps:pe] outside the quote `ranges` ((open, close) pairs)?"""
    pos = ps
    for a, b in sorted(ranges):
        if has_hangul(text, pos, a):
            return True
        pos = max(pos, b)
    return has_hangul(text, pos, pe)


# ---------------------------------------------------------------- spans

_DOUBLE = re.compile(r"[“”\"]")
_OPEN_BEFORE = set(" \t\n([{<'‘:=·…—–-")
_SINGLE = re.compile(r"[‘']")


def spans(text: str, ps: int, pe: int, lex: KoreanLexicon, last: bool) -> list[tuple[int, int, bool]]:
    """The quote spans of a Hangul paragraph text[ps:pe], as (opening mark, closing mark or
    end, single) triples. `last`: the paragraph ends the article (a cut-off text)."""
    out = []
    open_at = -1
    for m in _DOUBLE.finditer(text, ps, pe):
        pos = m.start()
        opener = pos == ps or text[pos - 1] in _OPEN_BEFORE
        if m.group() == '"':  # a straight mark: by the side it has a space on
            opener = open_at < 0 and (pos + 1 < pe and not text[pos + 1].isspace() or pos == ps)
        if open_at < 0:
            if opener:
                open_at = pos
        elif not opener or m.group() == '"':
            out.append((open_at, pos, False))
            open_at = -1
        else:  # a second opening mark: the first one was never closed
            end = _unclosed_end(text, open_at, pos, lex)
            if end is not None:
                out.append((open_at, end, False))
            open_at = pos
    if open_at >= 0:
        end = _unclosed_end(text, open_at, pe, lex)
        if end is None and last:
            end = pe
        if end is not None:
            out.append((open_at, end, False))
    taken = list(out)
    for m in _SINGLE.finditer(text, ps, pe):
        pos = m.start()
        if not (pos == ps or text[pos - 1] in _OPEN_BEFORE) or any(a <= pos < b for a, b, _ in taken):
            continue
        close = text.find("’" if m.group() == "‘" else "'", pos + 2, min(pe, pos + 400))
        if close < 0 or any(a <= close < b for a, b, _ in taken):
            continue
        if _cue_after(text, close + 1, pe, lex):  # speech, not a title or a term
            out.append((pos, close, True))
            taken.append((pos, close, True))
    out.sort()
    return out


def _unclosed_end(text: str, open_at: int, limit: int, lex: KoreanLexicon) -> int | None:
    """Where a quote opened and never closed ends: before the quotative of a speech verb."""
    for m in lex.quotative_re.finditer(text, open_at + 2, limit):
        if lex.verb_re.match(text, _skip_space(text, m.end(), limit), limit):
            end = m.start()
            return end - 1 if text[end - 1] in "‘’'“”\"" else end
    return None


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _cue_after(text: str, pos: int, end: int, lex: KoreanLexicon) -> bool:
    """Does a quotative and a speech verb follow `pos` ("라고 지적한", "고 말했다")?"""
    q = lex.quotative_re.match(text, pos, end)
    return bool(q) and lex.verb_re.match(text, _skip_space(text, q.end(), end), end) is not None


# ---------------------------------------------------------------- phrases

# A university as the press abbreviates it ("고려대", "이화여대", "북한대학원대"), between a
# name and a title ("엄태윤 고려대 교수"): an affiliation, never the family name of a
# transliterated name ("주디스 모란")
_UNIVERSITY = re.compile(r"^[\uac00-\ud7a3]{2,}(?:대|대학교|대학원|대학)$")

# '"…" 함경북도의 한 주민의 말이다': the sentence after a quote says whose words it was
# ('"…"는 것이 통일부의 입장이다': the same, in the quote's own sentence)
_SAID_BY = re.compile(r"의\s*(?:말|설명|지적|주장|얘기|이야기|증언|전언|분석|평가|진단|전망|귀띔|하소연|답변|입장|견해)"
                      r"(?:이다|이었다|입니다|이었습니다|였다)")

# 'RFA는 함경북도 소식통을 인용해 "…"라고 보도했다': the outlet passes on the words of the
# one it cites, who is the quote's speaker
_CITING = re.compile(r"[을를]\s*인용(?:해|하여|해서|하며|하면서|한)")

_NOMINAL = {"NNG", "NNP", "NNB", "NR", "SL", "SH", "SN", "XSN", "XPN"}
_DETERMINERS = {"전", "한", "이", "그", "해당", "前", "현", "두", "세", "몇몇", "일부"}
_SUBJECT = {"은", "는", "이", "가", "도", "께서", "께서는"}
_TOPIC = {"은", "는", "께서는"}


@dataclass
class _Word:
    start: int
    end: int
    tokens: list      # (form, tag, start, end)
    paren: tuple | None = None  # (start, end) of a parenthesis right after the word
    relative: bool = False      # an adnominal ending comes right before it

    @property
    def text_tokens(self) -> str:
        return "".join(t[0] for t in self.tokens)


@dataclass
class _Phrase:
    words: list
    particle: str
    end: int            # where the phrase ends (before its particle)
    before: int         # where the clause describing it may start (the sentence or clause start)
    genitive: int = -1  # where an "X의" right before it starts ("일본의 인권 전문가들")
    relative: bool = False  # a relative clause ends right before it ("…자신을 소개한 최일씨")


@dataclass
class Cand:
    """A speaker candidate in the text: a person, an unnamed speaker, an institution, a
    country or a pronoun, with the particle that follows it."""
    mention: Mention
    kind: str           # person | surname | unnamed | org | country | pronoun
    particle: str       # the particle after it when it ends its phrase, else ""
    role: str = ""      # the title (short role)
    evidence: str = ""  # all the text says of the person
    head: str = ""      # an unnamed speaker's head word
    untitled: bool = False  # a name with no title: a person only when known or speaking


def _phrases(text: str, seg_start: int, seg_end: int, tokens) -> list[_Phrase]:
    """Runs of nouns (with their parentheses) and the particle after each, in one segment."""
    out: list[_Phrase] = []
    words: list[_Word] = []
    depth, paren_start = 0, -1
    clause = seg_start
    prev_tag = ""

    def close(particle: str, end: int):
        nonlocal words
        if words:
            ph = _Phrase(words, particle, end, clause, relative=words[0].relative)
            prev = out[-1] if out else None
            if (prev is not None and prev.particle == "의" and not text[prev.end + 1:words[0].start].strip()
                    and all(t[1] in ("NNP", "SL") for w in prev.words for t in w.tokens)):
                ph.genitive = prev.words[0].start  # "일본의 인권 전문가들", not "다양한 배경의 …"
            out.append(ph)
        words = []

    for tok in tokens:
        form, tag, s = tok.form, tok.tag, seg_start + tok.start
        e = s + tok.len
        if not depth and tag not in _NOMINAL and tag != "NP" and not (tag == "MM" and form in _DETERMINERS):
            prev_tag = tag
        if depth:
            if tag == "SSC" or form == ")":
                depth -= 1
                if not depth and words:
                    words[-1].paren = (paren_start, e)
            continue
        if tag == "SSO" and form == "(" and words:
            depth, paren_start = 1, s
            continue
        nominal = tag in _NOMINAL or (tag == "MM" and form in _DETERMINERS) or tag == "NP"
        if nominal:
            # "김 모 씨", "박모(45)씨": the 모 that hides a name stays in the family name's phrase
            anonymous = tag == "NP" and form == "모" and words and words[-1].tokens[-1][1] == "NNP" \
                and len(words[-1].tokens[-1][0]) <= 2
            if words and not words[-1].paren and words[-1].end == s and tag != "NP":
                words[-1].tokens.append((form, tag, s, e))
                words[-1].end = e
            else:
                if words and tag == "NP" and not anonymous:
                    close("", words[-1].end)
                words.append(_Word(s, e, [(form, tag, s, e)], relative=prev_tag == "ETM" and not words))
            prev_tag = tag
            continue
        if tag.startswith("J"):
            if out and not words and out[-1].particle and text[out[-1].end:s].strip() == out[-1].particle:
                out[-1].particle += form  # "에서는", "과의"
                continue
            close(form, words[-1].end if words else s)
            if form in _TOPIC:
                clause = e  # a clause describing a later name starts after a topic
            continue
        close("", words[-1].end if words else s)
        if tag in ("SF", "EF"):
            clause = e
    close("", words[-1].end if words else seg_end)
    return out


# ---------------------------------------------------------------- the article's people

@dataclass
class KoreanPeople:
    """What the Korean rules found in one article (kept for the sentences' speakers)."""
    cands: list = field(default_factory=list)        # Cand, in text order
    sentences: list = field(default_factory=list)    # (start, end, para) of Korean sentences
    owner: dict = field(default_factory=dict)        # sentence start -> local person id


class _Article:
    def __init__(self, doc, quotes, mentions, persons, lex: KoreanLexicon, paras=None):
        self.doc, self.text, self.lex = doc, doc.text, lex
        self.paras = paras
        self.quotes, self.mentions, self.persons = quotes, mentions, persons
        self.ranges = sorted((q.open, q.close) for q in quotes)
        self.sentences = _sentences(doc, self.ranges, paras)
        self.sent_starts = [x[0] for x in self.sentences]
        self.by_key: dict = {}
        self.cands: list[Cand] = []

    # ------------------------------------------------------------ people

    def person(self, key: tuple, surname: str = "") -> int:
        from .people import Person

        if key not in self.by_key:
            self.by_key[key] = len(self.persons)
            self.persons.append(Person(key, [], surname, set(), [], []))
        return self.by_key[key]

    def attach(self, cand: Cand, cluster: int, name: str | None) -> None:
        m = cand.mention
        m.cluster = cluster
        p = self.persons[cluster]
        p.mentions.append(m)
        if name:
            p.names.append(name)
        if cand.role or cand.evidence:
            p.roles.append((cand.role, cand.evidence or cand.role))
        self.mentions.append(m)

    # ------------------------------------------------------------ mentions

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self.ranges, (pos, float("inf"))) - 1
        return k >= 0 and self.ranges[k][0] <= pos < self.ranges[k][1]

    def segments(self, ps: int, pe: int):
        """The parts of paragraph text[ps:pe] outside quotes (a quotative after a closing mark
        left out: the analyzer reads "라고 말했다" badly without what it follows)."""
        pos = ps
        for a, b in self.ranges:
            if b <= ps or a >= pe:
                continue
            if a > pos:
                yield pos, a
            pos = max(pos, b)
            q = self.lex.quotative_re.match(self.text, pos, pe)
            if q:
                pos = q.end()
        if pos < pe:
            yield pos, pe

    def find(self) -> None:
        doc = self.doc
        found: list[tuple[Cand, _Phrase]] = []
        for i, kind in enumerate(doc.para_kind):
            ps, pe = doc.para_start[i], doc.para_end[i]
            if kind not in ("body", "caption") or not has_hangul(self.text, ps, pe) \
                    or self.paras is not None and i not in self.paras:
                continue
            for seg_a, seg_b in self.segments(ps, pe):
                for a, b in self._worth_reading(seg_a, seg_b):
                    for ph in _phrases(self.text, a, b, analyze(self.text[a:b])):
                        found += [(c, ph) for c in self._cands(ph, kind == "caption")]
        found.sort(key=lambda x: x[0].mention.start)
        self._resolve(found)

    def _worth_reading(self, a: int, b: int):
        """The runs of text[a:b] (outside quotes) that the analyzer reads: the sentences with a
        quote, a speech verb, or a title, honorific or unnamed speaker's head (someone named
        or described). The others can name no speaker, and the analyzer is the cost."""
        doc, text, lex = self.doc, self.text, self.lex
        run = None
        for s in range(max(doc.sentence_at(a), 0), len(doc.sent_start)):
            ss, se = doc.sent_start[s], doc.sent_end[s]
            if ss >= b:
                break
            lo, hi = max(a, ss), min(b, se)
            if hi <= lo or not has_hangul(text, lo, hi):
                continue
            keep = (any(x < se and y > ss for x, y in self.ranges) or lex.verb_re.search(text, ss, se)
                    or lex.people_re.search(text, lo, hi))
            if keep and run is not None and lo - run[1] <= 2:
                run = (run[0], hi)
            elif keep:
                if run is not None:
                    yield run
                run = (lo, hi)
        if run is not None:
            yield run

    # a word's part in a name ---------------------------------------------------

    def _not_name(self, text: str) -> bool:
        lex = self.lex
        return (text in lex.countries or text in lex.institutions or self._title_of(text) is not None
                or text.endswith(lex.institution_suffixes)
                and any(text.endswith(s) and len(text) > len(s) for s in lex.institution_suffixes)
                or text in lex.honorifics)

    def _korean_name(self, text: str) -> bool:
        """A family name and one or two syllables ("박민호", "최일", "남궁민수")?"""
        if not (2 <= len(text) <= 4 and _SYLLABLES.match(text)) or self._not_name(text):
            return False
        return any(text[:n] in self.lex.family_names and 1 <= len(text) - n <= 2 for n in (2, 1))

    def _proper(self, word: _Word) -> bool:
        """One proper noun in Hangul, not a place or an institution."""
        return (len(word.tokens) == 1 and word.tokens[0][1] == "NNP" and bool(_SYLLABLES.match(word.tokens[0][0]))
                and not self._not_name(word.tokens[0][0]))

    def _name_part(self, word: _Word) -> bool:
        """A proper noun that can go on a transliterated name: not a university ("고려대"
        between a name and a title is the person's affiliation)."""
        return self._proper(word) and not _UNIVERSITY.search(word.text_tokens)

    def _title_of(self, text: str) -> str | None:
        if not text.endswith(self.lex.titles):  # one C call for the usual answer, no
            return None
        return next(t for t in self.lex.titles if text.endswith(t))

    def _titled(self, word: _Word) -> bool:
        """Does the word end in a title or is it an honorific ("장관", "주유엔대사", "씨")?"""
        return bool(self._title_of(word.text_tokens) or word.text_tokens in self.lex.honorifics)

    def _honorific(self, word: _Word) -> str | None:
        """The name glued to an honorific ("최일씨" -> "최일", "한씨" -> "한")."""
        toks = word.tokens
        if len(toks) >= 2 and toks[-1][0] in self.lex.honorifics:
            name = "".join(t[0] for t in toks[:-1])
            if self._korean_name(name) or name in self.lex.family_names:
                return name
        return None

    def _name_at(self, words: list, i: int) -> tuple[int, bool] | None:
        """(end, is a full name) when a name starts at words[i]: a transliterated name (up
        to four proper nouns, "메리 브라운"), a Korean name ("박민호"; one the analyzer
        did not call a proper noun only right before a title), or a family name or a
        single proper noun right before a title ("박 대사", "브라운 특별보고관")."""
        n, w = len(words), words[i]
        text = w.text_tokens
        nxt_titled = i + 1 < n and self._titled(words[i + 1])
        if self._proper(w) and not w.paren and i + 1 < n and self._name_part(words[i + 1]):
            j = i + 1
            while j < n and j - i < 4 and not words[j - 1].paren and self._name_part(words[j]):
                j += 1
            return j, True
        if self._korean_name(text) and (self._proper(w) or (nxt_titled and len(text) >= 3)
                                        or len(text) >= 3 and self._titled_after_affiliation(words, i)):
            return i + 1, True
        if text in self.lex.family_names and w.tokens[0][1] != "MM" and len(w.tokens) == 1 and nxt_titled:
            return i + 1, False
        if self._proper(w) and len(text) >= 2:
            return i + 1, False
        return None

    def _anonymous(self, words: list, i: int) -> tuple[int, str] | None:
        """(index of the last word, title or "") of a family name + 모 + an honorific or a
        title ("김 모 씨", "박 모(45) 씨", "김모씨", "이 모 교수"): the press's way of
        hiding a name. The person is the description as written (age left out), never
        the named person of that family name."""
        for k in range(i, min(len(words), i + 3)):
            joined = "".join(x.text_tokens for x in words[i:k + 1])
            at = joined.find("모", 1)
            if at < 0 or joined[:at] not in self.lex.family_names:
                continue
            after = joined[at + 1:]
            if after in self.lex.honorifics:
                return k, ""
            if after and self._title_of(after) == after:
                return k, after
        return None

    def _titled_after_affiliation(self, words: list, i: int) -> bool:
        """A Korean name the analyzer cut into common nouns ("설민재" as 설/민/재, "박세웅" as
        박/세/웅), then one or two affiliations and a title ("설민재 북한인권시민연대 대표",
        "박세웅 서울대 교수"): the press's usual order, name + affiliation + title. Not a
        dictionary word ("고위급"): one common noun is no name."""
        w = words[i]
        if len(w.tokens) == 1 and w.tokens[0][1] == "NNG" or w.paren:
            return False
        for k in range(i + 1, min(len(words), i + 4)):
            x = words[k]
            if self._titled(x):
                return k > i + 1
            t = x.text_tokens
            if x.paren or not (_UNIVERSITY.search(t) or self._not_name(t)
                               or all(tok[1] in ("NNP", "SL") for tok in x.tokens)):
                return False
        return False

    # the phrase's speaker candidates ---------------------------------------------

    def _cands(self, ph: _Phrase, caption: bool) -> list[Cand]:
        words, text, lex = ph.words, self.text, self.lex
        n = len(words)

        def cand(s, e, kind, mention_kind, last_word):
            m = Mention(s, e, text[s:e], tuple(text[s:e].split()), mention_kind)
            m.in_caption = caption
            return Cand(m, kind, ph.particle if last_word == n - 1 else "")

        if n == 1 and words[0].tokens[0][1] == "NP":
            if words[0].text_tokens in lex.pronouns:
                return [cand(words[0].start, words[0].end, "pronoun", "pronoun", 0)]
            return []
        out: list[Cand] = []
        role_before = None  # a title before the name: "북한인권특사 메리 브라운은"
        i = p = 0  # p: the first word after the last person found in the phrase

        def described(i):
            """What the phrase says of the person before the name: the clause before the
            phrase, and the words before the name that are no name ("탈북민 마선영씨",
            "탈북민 출신 지성민 의원")."""
            return " ".join(x for x in (self._clause(ph) if p == 0 else "",
                                        text[words[p].start:words[i].start].strip() if i > p else "") if x)

        while i < n:
            hidden = self._anonymous(words, i)
            if hidden is not None:  # "김 모 씨", "이모 교수": a person the article does not name
                k, title = hidden
                c = cand(words[i].start, words[k].end, "unnamed", "unnamed", k)
                c.mention.text = re.sub(r"\s*\([^)]*\)\s*", " ", text[words[i].start:words[k].end]).strip()
                c.mention.tokens = tuple(c.mention.text.split())
                c.head, c.role = (title or "씨"), (title or "")
                c.evidence = " ".join(x for x in (described(i), title or "") if x)
                out.append(c)
                i = p = k + 1
                continue
            glued = self._honorific(words[i])
            if glued is not None:  # "최일씨", "한씨": a name and its honorific in one word
                full = glued not in lex.family_names
                w = words[i]
                c = cand(w.start, w.start + len(glued) if full else w.end, "person" if full else "surname",
                         "hangul", i)
                c.evidence = described(i)
                out.append(c)
                i = p = i + 1
                continue
            found = self._name_at(words, i)
            if found is None:
                if self._title_of(words[i].text_tokens):
                    role_before = (words[0].start, words[i].end)
                i += 1
                continue
            j, full = found
            k = j  # role words up to a title (or an honorific)
            while k < n and not self._titled(words[k]):
                k += 1
            titled = k < n
            while titled and k + 1 < n and self._title_of(words[k + 1].text_tokens):
                k += 1  # "옥세진 통일연구원 선임연구위원": the institution ends in a title too; the last is the title
            if not titled and j < n:
                i = j  # a name used as a modifier ("김정은 정권")
                continue
            role = ""
            if titled:
                honorific = self._title_of(words[k].text_tokens) is None
                role_end = words[k - 1].end if honorific else words[k].end
                role = text[words[j].start:role_end] if k > j or not honorific else ""
            elif role_before:
                role = text[role_before[0]:role_before[1]]
            last = k if titled else j - 1
            end = words[last].end if titled and not full else words[j - 1].end
            c = cand(words[i].start, end, "person" if full else "surname", "hangul", last)
            c.role = role.strip()
            c.untitled = not titled and not role_before
            parens = " ".join(text[x.paren[0]:x.paren[1]] for x in words[i:last + 1] if x.paren)
            c.evidence = " ".join(x for x in (described(i), c.role, parens) if x)
            c.head = (self._title_of(words[k].text_tokens) or "") if titled else ""
            out.append(c)
            role_before = None
            i = p = last + 1
        return out or self._unnamed_or_institution(ph, cand)

    def _unnamed_or_institution(self, ph: _Phrase, cand) -> list[Cand]:
        """A phrase with no name: an unnamed speaker ("국방성 대변인", "한 소식통",
        "이 관계자"), an institution ("통일부", "BBC", "그린피스") or a country."""
        words, text, lex = ph.words, self.text, self.lex
        n = len(words)
        first = words[0]
        anaphoric = n > 1 and len(first.tokens) == 1 and first.tokens[0][1] == "MM" \
            and first.text_tokens in ("이", "그", "해당")  # "이 관계자": the one just named
        start = words[1].start if anaphoric else (ph.genitive if ph.genitive >= 0 else first.start)
        whole = text[first.start:ph.end]
        last = words[-1].text_tokens
        head = next((h for h in lex.unnamed_heads if whole.endswith(h)), None) if whole.endswith(lex.unnamed_heads) \
            else None
        # "탈북민 B(30)씨": a letter that stands for a name, its age, then 씨 on its own
        coded = n >= 2 and words[-2].paren is not None and len(words[-2].tokens) == 1 \
            and words[-2].tokens[0][1] == "SL" and len(words[-2].text_tokens) <= 2
        if head and not (head in lex.honorifics and last == head and not coded):
            bare = whole == head and ph.genitive < 0
            c = cand(start, ph.end, "unnamed_ref" if anaphoric or bare else "unnamed", "unnamed", n - 1)
            if coded:  # named as the description without the age: "탈북민 B씨"
                c.mention.text = re.sub(r"\s*\([^)]*\)\s*", "", text[start:ph.end])
                c.mention.tokens = tuple(c.mention.text.split())
            c.head = head
            c.role = c.mention.text
            relative = text[ph.before:first.start].strip() if ph.relative else ""
            c.evidence = " ".join(x for x in (relative, c.role) if x)
            return [c]
        if n == 1 and last in lex.countries:
            return [cand(first.start, ph.end, "country", "org", 0)]
        acronym = n == 1 and len(first.tokens) == 1 and first.tokens[0][1] == "SL" and _ACRONYM.match(last)
        suffix = last.endswith(lex.institution_suffixes) and any(
            last.endswith(x) and (len(last) >= max(3, len(x) + 1) or n >= 2) for x in lex.institution_suffixes)
        if acronym or suffix or last in lex.institutions or whole in lex.institutions:
            c = cand(first.start, ph.end, "org", "org", n - 1)
            c.role = c.evidence = whole
            return [c]
        return []

    def _clause(self, ph: _Phrase) -> str:
        """The clause before a phrase that describes its person ("…자신을 소개한 최일씨")."""
        gen = self._genitive(ph)
        seg = self.text[ph.before:ph.words[0].start].strip() if ph.relative else ""
        return " ".join(x for x in (seg if len(seg) < 200 else "", gen) if x)

    def _genitive(self, ph: _Phrase) -> str:
        return self.text[ph.genitive:ph.words[0].start].strip() if ph.genitive >= 0 else ""

    def speaks(self, c: Cand) -> bool:
        """Is the candidate a subject with a speech verb after it in its sentence, or the
        one whose words the sentence says the quote before was ("…의 말이다")?"""
        if c.particle == "의":
            return _SAID_BY.match(self.text, c.mention.end) is not None
        if c.particle in ("을", "를"):  # "함경북도 소식통을 인용해"
            return _CITING.match(self.text, c.mention.end) is not None
        if c.particle not in _SUBJECT:
            return False
        k = bisect.bisect_right(self.sent_starts, c.mention.start) - 1
        end = self.sentences[k][1] if k >= 0 else len(self.text)
        v = _verb_outside(self.text, c.mention.end, end, self, self.lex)
        return v is not None and not _is_adnominal(v)  # not "발언하는 사례가"

    def _family(self, name: str) -> str:
        """The family name a person is referred to by: a Korean name's first syllable(s),
        a transliterated name's last word."""
        if " " not in name:
            for n in (2, 1):
                if name[:n] in self.lex.family_names and len(name) > n:
                    return name[:n]
        return name.split()[-1]

    def _resolve(self, found) -> None:
        """Give every candidate its person, creating the article's people: a name with a
        title, or one that speaks; a family name with a title that names nobody else; an
        unnamed speaker that speaks. Institutions become people when they speak."""
        sid = self.doc.source_id
        last_words = {c.mention.text.split()[-1] for c, _ in found if c.kind == "person" and " " in c.mention.text}
        named: list[tuple[int, str, str]] = []  # (cluster, family name, role) of named people
        for c, _ in found:
            if c.kind == "person" and c.mention.text in last_words:
                c.kind = "surname"  # "브라운 연구원" after "메리 브라운"
            if c.kind == "person" and (not c.untitled or self.speaks(c)):
                name = c.mention.text
                cl = self.person(("hangul", name), self._family(name))
                named.append((cl, self._family(name), c.role))
        last_subject = -1
        recent: list[tuple[int, str]] = []  # (person, role or name) as they are mentioned
        for c, _ in found:
            m = c.mention
            cl, name = -1, None
            if c.kind == "person":
                cl = self.by_key.get(("hangul", m.text), -1)
                name = m.text
            elif c.kind == "surname":
                cl = self._by_family(c, named, recent)
                if cl < 0 and not c.untitled:  # "박 시장은" with no 박민호 in the article
                    cl, name = self.person(("unnamed", sid, m.text), m.text), m.text
            elif c.kind == "pronoun":
                if m.in_caption or self.in_quote(m.start):
                    continue
                people = [r for r in recent if self.persons[r[0]].key[0] in ("hangul", "unnamed")]
                cl = last_subject if last_subject >= 0 else (people[-1][0] if people else -1)
            elif c.kind in ("unnamed", "unnamed_ref"):
                if c.kind == "unnamed_ref":
                    same = [r[0] for r in recent if r[1].endswith(c.head)][-1:]
                else:  # "유엔 북한인권특별보고관은": the person named with that role
                    same = [x[0] for x in named if x[2] and (x[2] == c.role or c.role.endswith(x[2])
                                                             and len(x[2]) > len(c.head))][:1]
                if same:
                    cl = same[0]
                elif self.speaks(c):
                    cl, name = self.person(("unnamed", sid, m.text), m.text), m.text
            if c.kind in ("org", "country"):
                self.cands.append(c)  # an institution becomes a person when it speaks (org_person)
                continue
            if cl < 0:
                continue
            if c.kind == "pronoun":
                m.cluster = cl
            else:
                self.attach(c, cl, name)
            self.cands.append(c)
            if not (m.in_caption or self.in_quote(m.start)):
                role = c.role or next((r for r, _ in reversed(self.persons[cl].roles) if r), "")
                recent.append((cl, role or m.text))
                if c.particle in _SUBJECT and c.kind != "pronoun":
                    last_subject = cl

    def _by_family(self, c: Cand, named: list, recent: list) -> int:
        """The named person a family name with a title stands for ("박 대사", "브라운 특별보고관"):
        of those with that family name, one with that title, the last mentioned first."""
        word = c.mention.text.split()[0]
        if word not in {x[1] for x in named}:
            word = self._family(word)
        same = [x for x in named if x[1] == word]
        if not same:
            return -1
        titled = [x for x in same if c.head and c.head in x[2]] or same
        mentioned = [r[0] for r in recent]
        before = [x for x in titled if x[0] in mentioned]
        return (max(before, key=lambda x: len(mentioned) - mentioned[::-1].index(x[0])) if before else titled[0])[0]

    def org_person(self, c: Cand) -> int:
        """The person an institution or country that speaks becomes. Its key is its name
        less a country before it and a medium's kind after an acronym ("영국 BBC방송" and
        "BBC" are one speaker, and meet an English article's "BBC")."""
        if c.mention.cluster < 0:
            name = c.mention.text
            words = name.split()
            while len(words) > 1 and words[0] in self.lex.countries:
                words = words[1:]
            core = re.sub(r"^([A-Z][A-Za-z0-9&]+)(?:방송|통신|신문|TV)$", r"\1", " ".join(words))
            cl = self.person(("org", core.lower()))
            c.mention.kind = "org"
            self.attach(c, cl, name)
        return c.mention.cluster


# ---------------------------------------------------------------- attribution

def attribute(doc, quotes: list, mentions: list, persons: list, lex: KoreanLexicon,
              paras=None) -> KoreanPeople:
    """Speakers for the quotes of Korean paragraphs (`quotes`, in order; `paras`: the
    indexes of the paragraphs written in Korean, default every one with Hangul), adding the
    article's Korean people to `persons` and their mentions to `mentions`. Sets each
    quote's cluster, method and cue, and returns what the sentences' speakers need."""
    art = _Article(doc, quotes, mentions, persons, lex, paras)
    art.find()
    text = doc.text
    for q in quotes:
        q.kind = _kind(text, q, doc, lex)
    sentences = art.sentences
    out = KoreanPeople(art.cands, sentences)
    starts = [c.mention.start for c in art.cands]
    q_start = [q.start for q in quotes]
    last = (-1, -1)  # (speaker, paragraph) of the last sentence with a speaker
    pending: list = []  # quotes waiting for the next sentence (rules 2 and 4)
    for si, (ss, se, para) in enumerate(sentences):
        own = quotes[bisect.bisect_left(q_start, ss):bisect.bisect_left(q_start, se)]
        cands = [c for c in art.cands[bisect.bisect_left(starts, ss):bisect.bisect_left(starts, se)]
                 if not art.in_quote(c.mention.start) and not c.mention.in_caption]
        verb = _verb_outside(text, ss, se, art, lex)
        subject = _subject(cands, se, None)
        back = lex.back_reference_re.search(text, ss, se)
        # the quotes left waiting by the sentence before
        if pending:
            who = None
            if subject is not None and verb is not None and not own:
                who = subject
            if back is not None and subject is not None and verb is not None:
                who = subject
            if who is None and not own:
                who = _said_by(cands, ss, text)
            for q, method in pending:
                if who is not None and (method == "back" and back is not None or method == "next" and not own):
                    _set(q, art.org_person(who) if who.kind in ("org", "country") else who.mention.cluster,
                         verb.group() if verb else None, "subject")
                elif q.cluster < 0 and last[0] >= 0 and para - last[1] <= 2:
                    _set(q, last[0], None, "carried")
            pending = []
        for q in own:
            found = _cue_subject(q, cands, se, art, lex, text)
            if found is not None:
                _set(q, _cluster(found, art), _verb_after(q, se, art, lex, text), _method(found))
                continue
            found = _labelled(q, cands, text)  # '"…"(도한결 통일부 장관)', '도한결 통일부 장관: "…"'
            if found is not None:
                _set(q, _cluster(found, art), None, _method(found))
                continue
            found = next((c for c in cands if c.mention.start < q.open and c.particle in ("을", "를")
                          and (c.mention.cluster >= 0 or c.kind == "org") and _CITING.match(text, c.mention.end)),
                         None)  # 'RFA는 함경북도 소식통을 인용해 "…"라고 보도했다'
            if found is not None and not art.in_quote(found.mention.start):
                _set(q, _cluster(found, art), _verb_after(q, se, art, lex, text), _method(found))
                continue
            found = _said_by(cands, q.close, text)  # '"…"는 것이 통일부의 입장이다'
            if found is not None and lex.quotative_re.match(text, q.close, se):
                _set(q, _cluster(found, art), None, _method(found))
                continue
            v = _verb_after(q, se, art, lex, text)
            adnominal = v is not None and _is_adnominal(v)
            subj = _subject([c for c in cands if c.mention.start < q.open], q.open, adnominal)
            strong = subj is not None and subj.kind != "country"
            if not strong and si + 1 < len(sentences) and _next_back(sentences[si + 1], text, lex):
                pending.append((q, "back"))
                if subj is not None:
                    _set(q, _cluster(subj, art), v, "organization")
                continue
            if subj is not None and (v is not None or lex.quotative_re.match(text, q.close, se)
                                     or text[q.close:se].strip(" .") == ""):
                _set(q, _cluster(subj, art), v, _method(subj))
                continue
            if not cands and text[q.close:se].strip(" .\"”'’") == "" and v is None:
                pending.append((q, "next"))  # rule 4 (else carried, when the next sentence says nothing)
                continue
            if last[0] >= 0 and para - last[1] <= 2 and not any(c.kind in ("person", "surname") and c.particle
                                                                in _SUBJECT for c in cands):
                _set(q, last[0], v, "carried")
        # the sentence's own speaker
        who = next((q.cluster for q in own if q.cluster >= 0), -1)
        if who < 0 and subject is not None and verb is not None:
            who = _cluster(subject, art) if subject.kind != "country" else -1
        if who < 0 and verb is not None and (subject is None) and last[0] >= 0 and para - last[1] <= 1 \
                and not any(c.particle in _SUBJECT for c in cands):
            who = last[0]
        if who >= 0:
            out.owner[ss] = who
            last = (who, para)
        elif subject is not None and subject.kind in ("person", "surname", "unnamed", "unnamed_ref", "pronoun"):
            last = (subject.mention.cluster, para) if subject.mention.cluster >= 0 else last
    for q, _ in pending:
        if q.cluster < 0 and last[0] >= 0:
            _set(q, last[0], None, "carried")
    quotes[:] = [q for q in quotes if not (q.single or _term(q, text, sentences, art, lex)) or q.cluster >= 0]
    return out


_TERM_AFTER = re.compile(r"(?:으로|로|을|를|와|과|에|에서|의|이란|란)(?![\uac00-\ud7a3])|(?:이라는|라는)\s")


def _term(q, text: str, sentences: list, art, lex: KoreanLexicon) -> bool:
    """A term in double marks that no one is reported saying ('7월 14일을 "탈북민의 날"로
    정했다', '이른바 "북한 인권 외교"를'): a short span with no speaker, a case particle
    after it and no speech verb in its sentence."""
    if len(text[q.start:q.end].split()) > 4 or not _TERM_AFTER.match(text, q.close):
        return False
    k = bisect.bisect_right([x[0] for x in sentences], q.open) - 1
    se = sentences[k][1] if k >= 0 else len(text)
    return _verb_outside(text, sentences[k][0] if k >= 0 else 0, se, art, lex) is None


_LABEL_BEFORE = re.compile(r"[\w·\s]{0,40}:\s*$")


def _labelled(q, cands: list, text: str):
    """A speaker given as a label: in a parenthesis right after the quote ('"…"(도한결 통일부
    장관)는 발언'), or before a colon right before it ('도한결 통일부 장관: "…"', as in
    transcripts). A person, an unnamed speaker or an institution, never a byline's reporter."""
    def speaker(c):
        return c.kind in ("person", "surname", "unnamed", "org") and c.head not in ("기자", "특파원") \
            and (c.mention.cluster >= 0 or c.kind == "org")

    if text.startswith("(", q.close):
        close = text.find(")", q.close, q.close + 60)
        inside = [c for c in cands if q.close < c.mention.start < close]
        if close > 0 and inside and speaker(inside[0]):
            return inside[0]
    before = [c for c in cands if c.mention.end <= q.open]
    if before and speaker(before[-1]) and _LABEL_BEFORE.fullmatch(text, before[-1].mention.end, q.open):
        return before[-1]
    return None


def _said_by(cands: list, lo: int, text: str):
    """The candidate after `lo` whose words the sentence says a quote was ("…의 말이다",
    "…의 입장이다"): a person, an unnamed speaker, or an institution."""
    return next((c for c in cands if c.mention.start >= lo and c.particle == "의"
                 and (c.mention.cluster >= 0 or c.kind in ("org", "country"))
                 and _SAID_BY.match(text, c.mention.end)), None)


def _set(q, cluster: int, verb, method: str) -> None:
    q.cluster, q.method = cluster, method
    q.cue = verb.group() if hasattr(verb, "group") else verb


def _cluster(c: Cand, art: _Article) -> int:
    if c.kind in ("org", "country"):
        return art.org_person(c)
    return c.mention.cluster


def _method(c: Cand) -> str:
    return {"person": "name", "surname": "title", "pronoun": "pronoun"}.get(c.kind, "organization")


def _sentences(doc, ranges, paras=None) -> list[tuple[int, int, int]]:
    """The Korean paragraphs' sentences (of `paras`, if given), joined where a sentence
    ends inside a quote."""
    out = []
    for i, kind in enumerate(doc.para_kind):
        ps, pe = doc.para_start[i], doc.para_end[i]
        if kind != "body" or not has_hangul(doc.text, ps, pe) or paras is not None and i not in paras:
            continue
        first = bisect.bisect_left(doc.sent_start, ps)
        cur = None
        for s in range(first, len(doc.sent_start)):
            if doc.sent_start[s] >= pe:
                break
            a, b = doc.sent_start[s], doc.sent_end[s]
            cur = (cur[0], b) if cur is not None else (a, b)
            k = bisect.bisect_right(ranges, (b, float("inf"))) - 1
            inside = k >= 0 and ranges[k][0] < b < ranges[k][1]
            if not inside:
                out.append((cur[0], cur[1], i))
                cur = None
        if cur is not None:
            out.append((cur[0], cur[1], i))
    return out


def _verb_outside(text: str, ss: int, se: int, art: _Article, lex: KoreanLexicon):
    for v in lex.verb_re.finditer(text, ss, se):
        if art.in_quote(v.start()):
            continue
        if v.group().startswith("했") and not _after_quotative(text, v.start(), ss):
            continue
        return v
    return None


def _after_quotative(text: str, pos: int, floor: int) -> bool:
    before = text[max(floor, pos - 8):pos].rstrip()
    return bool(re.search(r"(?:라고|고|다고|라며|며)$", before))


def _verb_after(q, se: int, art: _Article, lex: KoreanLexicon, text: str):
    """The speech verb this quote's sentence reports it with (after it, outside quotes)."""
    return _verb_outside(text, q.close, max(se, q.close), art, lex)


def _is_adnominal(v) -> bool:
    word = v.group()
    return word[-1:] in ("한", "힌", "인", "은", "던", "는", "된") and not word.endswith(("하는데",))


def _subject(cands: list[Cand], hi: int, adnominal) -> Cand | None:
    """The subject among `cands` (before `hi`): the first topic (은/는), or with an adnominal
    verb the nearest 이/가 subject."""
    speakers = [c for c in cands if c.mention.start < hi and c.particle in _SUBJECT]
    if not speakers:
        return None
    if adnominal:
        near = [c for c in speakers if c.particle in ("이", "가")]
        if near:
            return near[-1]
    topics = [c for c in speakers if c.particle in _TOPIC or c.particle == "도"]
    if topics:
        strong = [c for c in topics if c.kind != "country"]
        return (strong or topics)[0]
    return speakers[-1]


def _cue_subject(q, cands: list[Cand], se: int, art: _Article, lex: KoreanLexicon, text: str) -> Cand | None:
    """Rule 1: '"…"라고 박민호 주유엔대사가 밝혔다': a subject between the quotative and the verb."""
    qt = lex.quotative_re.match(text, q.close, se)
    if not qt:
        return None
    v = _verb_outside(text, qt.end(), se, art, lex)
    if v is None:
        return None
    between = [c for c in cands if qt.end() <= c.mention.start < v.start() and c.particle in _SUBJECT
               and not art.in_quote(c.mention.start)]
    return between[0] if between else None


def _next_back(sentence, text: str, lex: KoreanLexicon) -> bool:
    ss, se, _ = sentence
    back = lex.back_reference_re.search(text, ss, se)
    return back is not None and lex.verb_re.match(text, back.end(), se) is not None


def _kind(text: str, q, doc, lex: KoreanLexicon) -> str:
    """'full' unless the quote runs on into the reporter's words with no quotative
    ("…생존하는” 경우도"), or is a label ("“…”이라는")."""
    if q.open == doc.para_start[q.para]:
        return "full"
    after = text[q.close:q.close + 4]
    if lex.quotative_re.match(text, q.close, q.close + 4) and not after.startswith(("라는", "이라는", "는 ")):
        return "full"
    return "partial" if after[:1].isspace() or after.startswith(("라는", "이라는")) else "full"


def sentence_owners(doc, kp: KoreanPeople, owner: list[int]) -> set[int]:
    """Set the speaker of each sentence of a Korean paragraph in `owner` (indexed by the
    doc's sentences) unless a quote already gave it one; returns those sentences' indexes."""
    decided = set()
    for ss, se, _ in kp.sentences:
        who = kp.owner.get(ss, -1)
        for s in range(max(doc.sentence_at(ss), 0), len(doc.sent_start)):
            if doc.sent_start[s] >= se:
                break
            decided.add(s)
            if owner[s] < 0:
                owner[s] = who
    return decided


# ---------------------------------------------------------------- across languages

def cross_script_pairs(names: dict, names_lex, lex: KoreanLexicon) -> list[tuple[tuple, tuple]]:
    """Pairs (Hangul key, English key) of person keys that name one person. `names` maps
    each person key of the corpus to a name it is written with.

    A Korean name (``('hangul', '박민호')``) meets the English key of its romanization
    (``('ko', 'park', 'minho')``): the family name by the codebook's map, each given-name
    syllable romanized (``korean-romanizer``) in every spelling the press uses, folded as
    names.yml folds English given names. A transliterated name (``메리 브라운``) meets
    the English name whose first and last words sound the same, consonant by consonant
    (:func:`skeleton`; a middle name may be missing on one side); an institution
    (``그린피스``) the one whose every word does. A key met by two different names
    is joined to neither: two different Kims are never merged."""
    hangul = [k for k in names if k[0] in ("hangul", "org") and has_hangul(names[k])]
    if not hangul:
        return []
    korean_keys = {k for k in names if k[0] == "ko"}
    latin = [(k, [skeleton(w) for w in names[k].split()]) for k in names
             if k[0] in ("w", "org") and not has_hangul(names[k])]
    met: dict = {}
    for h in hangul:
        name = names[h]
        parts = _korean_parts(name, lex) if h[0] == "hangul" else None
        if parts is not None:
            found = {("ko", parts[0].lower(), g) for g in _given_keys(parts[1], names_lex, lex)} & korean_keys
        else:
            sounds = [_hangul_skeleton(w) for w in name.split()]
            kind = "org" if h[0] == "org" else "w"
            found = {k for k, latin_sounds in latin if k[0] == kind and _sounds_alike(sounds, latin_sounds, kind)}
        # one name, though perhaps in several keys ("Núñez" and "Nunez": accents aside)
        if len({_strip_accents(names[k]).lower() for k in found}) == 1:
            met[h] = sorted(found)
    uses: dict = {}
    for keys in met.values():
        for e in keys:
            uses[e] = uses.get(e, 0) + 1
    return sorted((h, e) for h, keys in met.items() for e in keys if uses[e] == 1)


def _korean_parts(name: str, lex: KoreanLexicon) -> tuple[str, str] | None:
    """(romanized family name, Hangul given name) of a Korean name written in Hangul."""
    if " " in name or not _SYLLABLES.match(name):
        return None
    for n in (2, 1):
        if name[:n] in lex.family_names and 1 <= len(name) - n <= 2:
            return lex.family_names[name[:n]], name[n:]
    return None


def _given_keys(given: str, names_lex, lex: KoreanLexicon) -> set[str]:
    from korean_romanizer.romanizer import Romanizer

    from .names import fold_given

    spellings = [""]
    for syllable in given:
        rr = Romanizer(syllable).romanize()
        spellings = [a + b for a in spellings for b in _spellings(rr, lex)]
    return {fold_given(s, names_lex) for s in spellings}


def _spellings(rr: str, lex: KoreanLexicon) -> list[str]:
    """Every spelling of one romanized syllable, by the codebook's variants."""
    out = [""]
    pos = 0
    for m in lex.variant_re.finditer(rr):
        out = [o + rr[pos:m.start()] for o in out]
        out = [o + alt for o in out for alt in [m.group(), *lex.variants[m.group()]]]
        pos = m.end()
    return sorted({o + rr[pos:] for o in out})


_DIGRAPHS = [("tch", "c"), ("ph", "f"), ("gh", ""), ("ck", "k"), ("qu", "kw"), ("sh", "s"), ("ch", "c"),
             ("x", "ks")]
_SOUND = str.maketrans({"p": "P", "b": "P", "f": "P", "v": "P", "t": "T", "d": "T", "k": "K", "g": "K",
                        "q": "K", "s": "S", "z": "S", "j": "S", "c": "S", "l": "L", "r": "L", "m": "M",
                        "n": "N"})
_VOWELS = set("aeiouyw")


def skeleton(word: str) -> str:
    """A Latin-script word's consonants as a Korean transliteration keeps them: similar
    consonants as one (p/b/f/v, t/d, k/g/c/q, s/z/j/ch/sh, l/r), vowels, h and w left out,
    an r before a consonant or at the end left out (Palmer → 파머), th read as t first
    (Theodore → 테오도르) and as s after (Smith → 스미스), a final ts as 츠."""
    w = _strip_accents(word.lower())
    w = re.sub(r"[^a-z]", "", w)
    w = re.sub(r"c(?=[eiy])", "s", w)
    w = re.sub(r"^th", "t", w).replace("th", "s")
    w = re.sub(r"t[sz]$", "c", w)
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    w = re.sub(r"r(?![aeiouy])", "", w)
    return _collapse(w)


def _hangul_skeleton(word: str) -> str:
    """A transliterated Hangul word's consonants, read like :func:`skeleton` reads Latin."""
    from korean_romanizer.romanizer import Romanizer

    rr = "".join(Romanizer(s).romanize() if HANGUL.match(s) else s.lower() for s in word)
    rr = rr.replace("reu", "")  # 르 stands for an r before a consonant (마르타: Marta)
    rr = rr.replace("ch", "c").replace("ng", "nk")
    return _collapse(rr)


def _collapse(w: str) -> str:
    out = []
    for ch in w:
        if ch in _VOWELS or ch == "h" or not ch.isalpha():
            continue
        code = ch.translate(_SOUND)
        if out and out[-1] == code:
            continue
        out.append(code)
    return "".join(out)


def _sounds_alike(a: list[str], b: list[str], kind: str) -> bool:
    """Do two names sound alike, word by word? A person's: the first and last words (two
    at least), one side may have a middle name more; an institution's: every word."""
    if kind == "org":
        return len(a) == len(b) >= 2 and all(x and x == y for x, y in zip(a, b, strict=True))
    return (min(len(a), len(b)) >= 2 and abs(len(a) - len(b)) <= 1 and bool(a[0]) and bool(a[-1])
            and a[0] == b[0] and a[-1] == b[-1])


def _strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
