"""The people (and institutions) of one article, and every mention of them.

A light coreference layer, all rules and lexicons (no statistical model is
available offline). It knows three kinds of speaker:

- **persons named** in full (``Park Min-seok``, ``Secretary of State Jane Q.
  Doe``: :mod:`nkhr.extract.names` finds the names) or only by a single name
  (``Doe said``, ``Mr. Roe``); a family name, a titled family name
  (``Minister Park``) or, for Korean names, the given name alone (``Min-seok``)
  refers to the person of that name most recently mentioned (as a clause's
  subject first), preferring one whose title matches, unless an apposition
  introduces someone new (``said Kim, a 45-year-old farmer`` when the
  article's other Kim is no farmer);
- **institutions** quoted as such (``Amnesty International``, ``KCNA``, ``Dorland's
  UN mission``, ``Pyongyang``);
- **unnamed people** by their description (``a defense ministry spokesman``);
  a definite description (``the rapporteur``, ``the newspaper``) refers back
  to the person or institution it describes when the article has one.

``he``/``she`` refer to the nearest person before them who agrees in gender
(from given names, ``Mr``/``Ms`` and nouns such as ``spokeswoman``),
preferring the subject of the nearest sentence that names one.

The noun phrase of a speaker is read around a speech verb by
:meth:`People.np_before` and :meth:`People.np_after`: word shapes and the
``cues`` codebook's ``person_nouns`` and ``institution_nouns``, no parser.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..doc import Doc
from .names import (
    _INITIAL,
    Lexicon,
    Mention,
    _run_names,
    apposition,
    clean_token,
    find_mentions,
    fold_given,
    name_key,
    role_before,
    single_mentions,
    surname_of,
    title_word,
)


@dataclass
class Person:
    key: tuple
    mentions: list
    surname: str
    titles: set
    roles: list          # (short role, evidence) pairs
    names: list          # surface forms of full names
    kind: str = "person"  # person | org (an institution, a state, a document)
    gender: str = ""     # m | f | "" (unknown)


@dataclass
class NP:
    """A noun phrase that may name a speaker: text[start:end], and the apposition after it."""
    start: int
    end: int
    role: str = ""


_TOKEN = re.compile(
    # most tokens are words that do not start with a capital A-Z: only the word branch below
    # can match those, and trying it first spares `re` the other branches at each of them
    r"[^\W_A-Z][\w’'&.-]*[^\W_](?:[’'](?=\s))?|[^\W_A-Z]|"
    r"\([^()\n]{0,40}\)"                                            # a bracket: (D-Wis.), (Nov 19)
    r"|(?:Mr|Mrs|Ms|Dr|Rep|Reps|Sen|Sens|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|Amb|Jr|Sr|St)\.(?=\s)"
    r"|[A-Z]{1,2}-(?:[A-Z]\.){1,2}|[A-Z]{1,2}-[A-Z][a-z]+\.(?=,)"     # a party tag: R-Calif., D-N.Y.
    r"|(?:[A-Z]\.){2,}|[A-Z]\.(?=\s+[A-Z])"                          # U.N., G.K., F.
    r"|[^\W_][\w’'&.-]*[^\W_](?:[’'](?=\s))?|[^\W_]"                 # a word (Abductees')
    r"|[^\s\w]")                                                    # punctuation
_DETERMINERS = frozenset([
    "the", "a", "an", "one", "two", "three", "four", "five", "several", "some", "many", "his",
    "her", "its", "their", "our", "another", "this", "that", "these", "those", "each", "both"])
_JOINS = frozenset(["of", "for", "to"])
# "Ha-seul", "Min-ho": a hyphenated Korean given name after a family name the codebook does not list
# ("said the group's leader, Kyeon Ha-seul.": a rare family name is still a person's)
_KOREAN_GIVEN = re.compile(r"[A-Z][a-z]{1,5}-[a-z]{2,5}")
# "said the ministry's ambassador-at-large for refugees, Jane Doe.": a role, then the name
_ROLE_THEN_NAME = re.compile(r"(?:\s+(?:for|of|on|at|in|to)\s+[^,.;:\"“”]{1,60}?)?,\s+"
                             r"([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3})(?=\s*(?:[.,;]|$))")
_BOUNDS = frozenset([",", ";", ":", ".", "!", "?", "\"", "“", "”", "(", ")", "—", "–", "―"])
_DEFINITE = frozenset(["the", "this", "that", "these", "those", "his", "her", "its", "their", "our"])
_PRONOUNS = {"he": "m", "she": "f"}
_FUNCTION = frozenset([
    "of", "for", "in", "on", "at", "to", "from", "with", "by", "about", "as", "after", "before",
    "during", "since", "until", "while", "when", "where", "whether", "if", "why", "how", "and",
    "or", "but", "nor", "so", "yet", "than", "then", "that", "which", "who", "whom", "whose",
    "what", "because", "although", "though", "unless", "is", "are", "was", "were", "be", "been",
    "being", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can",
    "could", "may", "might", "must", "said", "says", "told", "say", "tell", "not", "no", "also",
    "just", "only", "even", "still", "into", "onto", "over", "under", "against", "between", "among",
    "through", "across", "around", "without", "within", "upon", "via", "per", "like", "amid",
    "despite", "there", "here", "it", "it's", "we", "i", "you", "they", "them", "us", "me", "him",
    "her"])
_TEMPORAL = frozenset([
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "today", "yesterday", "tonight", "tomorrow", "earlier", "later", "last", "next",
    "this", "week", "month", "year", "morning", "afternoon", "evening", "night", "weekend", "time",
    "days", "weeks", "months", "years"])
_SKIP = frozenset([
    "only", "just", "even", "also", "further", "then", "later", "once", "again", "still",
    "previously", "earlier", "recently", "repeatedly", "reportedly", "publicly", "privately",
    "separately", "similarly", "simply", "flatly", "bluntly", "firmly", "angrily", "openly",
    "quickly", "sadly", "bitterly", "proudly", "calmly", "quietly", "loudly", "emphatically", "has",
    "had", "have", "would", "will", "was", "were", "is", "are", "did", "does", "do", "could", "can",
    "may", "might", "must", "should", "been", "be", "not", "never", "first", "last", "today",
    "yesterday", "tonight", "ago", "this", "week", "month", "year", "on", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday"])
_NOT_ADVERBS = frozenset([
    "family", "assembly", "ally", "rally", "italy", "july", "supply", "reply", "daily", "anomaly",
    "monopoly", "bully", "fly", "lily", "belly", "jelly", "only", "early", "holy", "ugly",
    "elderly", "friendly", "weekly", "monthly", "yearly"])
_CAP = re.compile(r"[A-Z\u00C0-\u00DE]")
_PARTY_BARE = re.compile(r"[A-Z]{1,2}-[A-Z][\w.]*\.?")
_PARTY = re.compile(r"\([A-Z]{1,2}-[A-Z][\w.]*\)|\([A-Z]\.?[a-z]?\.?\)")
_NEXT_LOWER = re.compile(r"\s+([a-z]+)\b")
_OF_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+(?:of|for)\s+(?:the\s+)?$")
_OF_HEAD = re.compile(r"^(?:[A-Z][\w’'.-]*\s+)*([A-Z][a-z]+)\s+(?:of|for)\s")  # "Association of ..."
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_NUMBER_MODIFIER = re.compile(r"\d+(?:-[a-z]+)+|\d+/\d+")  # "30-year-old fisher X", "9/11 widow X"
_ASIDES = frozenset(["however", "meanwhile", "too", "though", "instead", "nonetheless", "nevertheless",
                     "moreover", "furthermore", "also", "now", "then", "again", "still", "later", "today"])
_PP_OPEN = frozenset(["in", "during", "at", "after", "before", "over", "throughout", "from"])
_OPENING = frozenset([
    "in", "at", "on", "during", "after", "before", "following", "with", "from", "for", "since",
    "over", "under", "by", "amid", "speaking", "addressing", "asked", "writing"])
_DOCUMENTS = frozenset(["report", "statement", "resolution", "letter", "study", "survey", "document",
                        "editorial", "commentary", "declaration", "speech", "message", "post", "tweet"])
# What an abbreviated title says the person is, for a later definite description ("the lawmaker")
_TITLE_NOUNS = {"rep": "lawmaker legislator representative congressman congresswoman",
                "sen": "lawmaker legislator senator", "prof": "professor", "gov": "governor",
                "gen": "general", "amb": "ambassador", "assemblyman": "lawmaker legislator",
                "assemblywoman": "lawmaker legislator", "congressman": "lawmaker legislator",
                "congresswoman": "lawmaker legislator", "senator": "lawmaker legislator"}
_TITLE_ABBREV = re.compile(r"\b(?:(rep|sen|prof|gov|gen|amb)\.|((?:assembly|congress)(?:man|woman)|senator)\b)")
# "of the Seoul-based Citizens' Alliance for ..." after a name that follows its speech verb: where from
_OF_AFFILIATION = re.compile(r"((?:of|from)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,2}[A-Z][^,.;:()“”\"]{1,100}?)"
                             r"(?=\s*(?:[,.;:(]|$))")
_AGE = re.compile(r"(\d{1,3})-year-old")  # "the 27-year-old said"
_AGE_AFTER = re.compile(r",\s*(\d{1,3})\b")  # "Gil Su-hyang, 27,"
_BY_AUTHOR = frozenset(["from", "by"])  # "a statement from the ministry", "a report by the group"
_MIDCAP = re.compile(r"\b[A-Z][a-z][\w’'-]*")
_RELATIVE_ROLE = re.compile(r"(?:who|which|whose|whom|that)\b", re.I)
_NOT_SPEAKERS = frozenset(["what", "what's", "who", "this", "that", "these", "those", "there", "here",
                          "it", "we", "i", "you", "they", "everyone", "everybody", "nobody", "none"])
_HONORIFICS = frozenset(["mr", "mrs", "ms", "miss", "mx"])  # always before a family name
# a pronoun that stands alone for unnamed people who speak ("Another tweeted", "Several said")
_INDEFINITE = frozenset(["another", "others", "several", "some", "many"])
_INTRODUCES = re.compile(r"(?:a|an)\s|\d+(?:[,\s]|-year-old)", re.I)  # an apposition that introduces someone
_CONJ = (r"\b(?:and|but|then|that|while|when|as|so|where|because|after|before|if|though|although|since|"
         r"who|whom|which|what)\b")  # "the miners who the rapporteur said have ...", "what X called"
_CLAUSE_BOUNDARY = re.compile(r"(?:[,;:—―–(]|\s--?\s|%s)\s*" % _CONJ, re.I)
_GENDER_TITLES = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "madam": "f", "sir": "m",
                  "lady": "f", "lord": "m", "king": "m", "queen": "f"}


def _low(tok: str) -> str:
    return tok.lower().rstrip(".")


def _plural(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


class People:
    """The persons and institutions of one article (:class:`Person`, indexed by
    cluster id) and their resolved mentions (:class:`Mention`, in order)."""

    def __init__(self, doc: Doc, lex: Lexicon, quote_ranges: list[tuple[int, int]]):
        self.doc, self.text, self.lex = doc, doc.text, lex
        self.persons: list[Person] = []
        self.by_key: dict = {}
        self.mentions: list[Mention] = []
        self._starts: list[int] = []
        self.quote_ranges = quote_ranges
        self._midcaps: set | None = None  # capitalized words not at a sentence's start
        self._tokens: dict = {}  # sentence -> (its tokens, their starts)
        self._subjects: dict = {}  # (sentence start, pos) -> is_subject (asked again per verb, per quote)
        self._full: dict = {}  # family name (or ("given", folded)) -> persons named in full
        self._opens = [a for a, _ in quote_ranges]
        self._caption = {i for i, k in enumerate(doc.para_kind) if k == "caption"}
        self.reported: dict[int, int] = {}  # sentence -> whose speech it reports (attribution)
        self.author = None  # a weak reference to (pos, document noun) -> who wrote "the report" at pos
        self._build()

    # ------------------------------------------------------------ names found in the text

    def _build(self) -> None:
        doc, text, lex = self.doc, self.text, self.lex
        found, singles = [], []
        for i, kind in enumerate(doc.para_kind):
            if kind in ("body", "caption"):
                ms, lone = find_mentions(text, doc.para_start[i], doc.para_end[i], lex)
                found += ms
                singles += lone
        self._describe(found)
        self._full_names(found)
        for m in found:
            if m.cluster >= 0:
                self._add(m)
        lone = single_mentions(text, singles, {p.surname for p in self.persons}, lex,
                               {p.key[2] for p in self.persons if p.key[0] == "ko"})
        self._describe(lone)
        found += lone
        found.sort(key=lambda m: m.start)
        self._resolve_singles(found)

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self._opens, pos) - 1
        return k >= 0 and pos < self.quote_ranges[k][1] and pos > self._opens[k]

    def _describe(self, mentions: list[Mention]) -> None:
        """Where each mention stands (quote, caption, modifier) and what the text says of it."""
        doc, text, lex = self.doc, self.text, self.lex
        for m in mentions:
            para = doc.paragraph_at(m.start)
            m.in_quote = self.in_quote(m.start)
            m.in_caption = para in self._caption
            nxt = _NEXT_LOWER.match(text, m.end)  # "Doe spokesman Tom Roe", "the Doe campaign"
            m.modifier = bool(_MODIFIED.match(text, m.end)) or bool(nxt and self._noun(nxt.group(1)))
            role, evidence = apposition(text, m.end, doc.para_end[para], lex)
            if not role and not m.pre_title:
                role = evidence = role_before(text, doc.para_start[para], m.start, lex)
            m.role_text = evidence
            m.short_role = role
            if not m.strong:
                m.strong = bool(m.korean or m.pre_title or len(m.tokens) > 1 and (
                    role or m.tokens[0].lower() in lex.given or _INITIAL.fullmatch(m.tokens[1])
                    or lex.verb_re.match(text, _skip_lead(text, m.end))
                    or _SAID_BEFORE.search(text, max(0, m.start - 12), m.start)))

    def _full_names(self, mentions: list[Mention]) -> None:
        """Full names with evidence of being a person, grouped by name key."""
        lex = self.lex
        full = [m for m in mentions if len(m.tokens) > 1 and not self._members_of(m)]
        strong = {name_key(m, lex) for m in full if m.strong}
        for m in full:
            key = name_key(m, lex)
            if key in strong:
                self._join(m, key)

    def _members_of(self, m: Mention) -> bool:
        """Does name-like `m` end an institution's name ("the Association of Harbor
        Pilots"), with no given name, initial or Korean name to make it a person?"""
        of = _OF_BEFORE.search(self.text, max(0, m.start - 40), m.start)
        if of is None or m.korean or m.tokens[0].lower() in self.lex.given \
                or any(_INITIAL.fullmatch(t) for t in m.tokens):
            return False
        head = of.group(1).lower()
        return head in self.lex.org_heads or head in self.lex.institution_nouns

    def _join(self, m: Mention, key: tuple) -> int:
        """Add full-name mention `m` to the person of `key` (made if new); returns the cluster."""
        lex = self.lex
        idx = self.by_key.get(key)
        if idx is None:
            idx = self._new(key, surname_of(m), "person")
            p = self.persons[idx]
            first = m.tokens[0].lower() if not m.korean else ""
            p.gender = lex.given.get(first, "")
        p = self.persons[idx]
        m.cluster = idx
        m.kind = "name"
        p.names.append(" ".join(m.tokens))
        self._roles(p, m.pre_title, m.short_role, m.role_text)
        return idx

    def _roles(self, p: Person, pre_title: str, short: str, evidence: str) -> None:
        if pre_title:
            words = {title_word(w) for w in pre_title.split()}
            p.titles.update(words)
            p.roles.append((pre_title, pre_title))
            if not p.gender:
                p.gender = next((_GENDER_TITLES[w] for w in words if w in _GENDER_TITLES), "")
        if evidence:  # a relative clause ("who arrived later") is evidence, not a role to show
            p.roles.append(("" if _RELATIVE_ROLE.match(short or "") else short or "", evidence))
        if not p.gender and (pre_title or short):
            p.gender = next((g for w in re.findall(r"[a-z]+", f"{pre_title} {short}".lower())
                             if (g := self.lex.person_nouns.get(w))), "")

    def _new(self, key: tuple, surname: str, kind: str) -> int:
        idx = len(self.persons)
        self.by_key[key] = idx
        self.persons.append(Person(key, [], surname, set(), [], [], kind))
        if kind == "person" and len(key) > 2:  # persons named in full, by family and given name
            self._full.setdefault(surname, []).append(idx)
            if key[0] == "ko":
                self._full.setdefault(("given", key[2]), []).append(idx)
        return idx

    def _resolve_singles(self, mentions: list[Mention]) -> None:
        """Attach family names and titled family names to the person meant, in order."""
        for m in mentions:
            if m.cluster >= 0 or len(m.tokens) != 1:
                continue
            chosen = self.same_name(m.tokens[0], m.start, m.pre_title)
            role = m.short_role or m.role_text
            if chosen is not None and _INTRODUCES.match(m.role_text or role) \
                    and not self._fits(self.persons[chosen], role):
                self._single(m, role)  # "said Kim, a 45-year-old farmer": someone new
            elif chosen is not None:
                m.cluster = chosen
                m.kind = "title" if m.pre_title else "surname"
                self._add(m)

    def same_name(self, word: str, pos: int, pre_title: str = "") -> int | None:
        """The person a single name (a family name, a Korean given name) refers to at `pos`:
        of the article's persons with that name (with a matching title, if one is given),
        the one most recently mentioned as a clause's subject, else the one most recently
        mentioned ("Kim said" after "a speech by President Kim Min-ho" is still the farmer
        the paragraph is about)."""
        lex = self.lex
        tok = clean_token(word).lower()
        surname = lex.surnames.get(tok, tok).lower()
        cands = [i for i in self._full.get(surname, ())]
        if "-" in tok:  # a Korean given name alone ("Min-seok")
            folded = fold_given(tok, lex)
            cands += [i for i in self._full.get(("given", folded), ()) if i not in cands]
        if len(cands) > 1 and pre_title:
            words = {title_word(w) for w in pre_title.split()} & lex.titles
            titled = [i for i in cands if self.persons[i].titles & words
                      or any(t in r[1].lower() for r in self.persons[i].roles for t in words)]
            cands = titled or cands
        if len(cands) < 2:
            return cands[0] if cands else None
        subject, recent = {}, {}
        for m in self.mentions[:bisect.bisect_left(self._starts, pos)]:
            if m.cluster in cands and not (m.in_quote or m.in_caption or m.modifier):
                recent[m.cluster] = m.start
                if self.mention_is_subject(m):
                    subject[m.cluster] = m.start
        best = subject or recent
        return max(best, key=best.get) if best else cands[0]

    def mention_is_subject(self, m: Mention) -> bool:
        if m.subject is None:
            s = self.doc.sentence_at(m.start)
            m.subject = self.is_subject(self.doc.sent_start[s] if s >= 0 else 0,
                                        m.start - len(m.pre_title) - 1 if m.pre_title else m.start)
        return m.subject

    def insert(self, m: Mention) -> None:
        """Put mention `m`, resolved elsewhere (the Korean rules), in its place in the list."""
        k = bisect.bisect_right(self._starts, m.start)
        self._starts.insert(k, m.start)
        self.mentions.insert(k, m)

    def _add(self, m: Mention) -> Mention:
        k = bisect.bisect_right(self._starts, m.start)
        self._starts.insert(k, m.start)
        self.mentions.insert(k, m)
        self.persons[m.cluster].mentions.append(m)
        return m

    # ------------------------------------------------------------ noun phrases at a verb

    def tokens(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The tokens within text[lo:hi]. A sentence's tokens are made once (the noun-phrase
        scans look at the same sentence around each of its verbs)."""
        s = self.doc.sentence_at(lo)
        if s < 0 or hi > self.doc.sent_end[s]:
            return [(t.start(), t.end(), t.group()) for t in _TOKEN.finditer(self.text, lo, hi)]
        cached = self._tokens.get(s)
        if cached is None:
            ss, se = self.doc.sent_start[s], self.doc.sent_end[s]
            toks = [(t.start(), t.end(), t.group()) for t in _TOKEN.finditer(self.text, ss, se)]
            cached = self._tokens[s] = (toks, [t[0] for t in toks])
        toks, starts = cached
        a, b = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
        if b > a and toks[b - 1][1] > hi or a > 0 and toks[a - 1][1] > lo:
            # a token cut by lo or hi ("Horvath" of "Horvath's"): the text's own tokens there
            return [(t.start(), t.end(), t.group()) for t in _TOKEN.finditer(self.text, lo, hi)]
        return toks[a:b]

    def np_before(self, end: int, floor: int) -> NP | None:
        """The speaker's noun phrase ending right before `end` (a speech verb), with what
        may stand between them skipped ("X, a former diplomat, said", "X on Monday said")."""
        toks = self.tokens(max(floor, end - 250), end)
        i = len(toks) - 1
        while i >= 0 and self._skippable(toks[i][2]):
            i -= 1
        i = self._before_phrase(toks, i)
        if i >= 1 and toks[i][2] == "," and _PARTY.fullmatch(toks[i - 1][2]):
            i -= 1  # "Gov. Jane Doe (R-Ore.), said": a comma after the party, none before it
        roles, named = [], None
        for _ in range(3):  # "X, a senior researcher at the group, told"; "X, at a briefing, said"
            if i < 0 or toks[i][2] != ",":
                break
            j = next((k for k in range(i - 1, max(-1, i - 30), -1) if toks[k][2] in ",;:.\"“”()—–"), -1)
            if j < 0 or toks[j][2] != ",":
                return None
            group = toks[j + 1:i]
            if not group:
                return None
            words = [t[2] for t in group]
            if _PARTY_BARE.fullmatch(self.text, group[0][0], group[-1][1]) or all(w.isdigit() for w in words):
                pass  # "Rep. Jane Doe, R-Calif., said", "Roe, 69, told"
            elif self._apposition(group):
                roles.append(self.text[toks[j][1]:toks[i][0]].strip())
            elif len(words) <= 2 and all(self._capword(w) for w in words) and j > 0 \
                    and self._capword(toks[j - 1][2]) and not self._names_at(group[0][0]):
                pass  # "a pastor in Elizabeth, Colorado, slammed", "from Dorton, South Arland,": a place's state
            elif len(words) == 1 and (words[0].lower() in _ASIDES or self._skippable(words[0])):
                pass  # "Doe, however, interjected"
            elif words[0][:1].islower() and words[0].endswith("ing"):
                pass  # "Sen. X, citing the size of the hall, said"
            elif named is None and len(words) > 1 and all(self._cap(w) or w.lower() in self.lex.particles
                                                          for w in words):
                named = (group[0][0], group[-1][1])  # "His former partner at the firm, Jane Q. Doe, called"
            elif words[0].lower() not in _FUNCTION:  # not "X, at a briefing, said"
                return None
            i = j - 1
            if i >= 1 and toks[i][2].isdigit() and toks[i - 1][2] == ",":
                i -= 2  # "Roe, 69, of Dorton, told": the age before the second apposition
            while i >= 0 and self._skippable(toks[i][2]):
                i -= 1
        role = "; ".join(reversed(roles))
        if named is not None:  # the noun phrase before the name's commas is its role
            k = i
            while k >= 0 and toks[k][2] not in _BOUNDS:
                k -= 1
            before = self.text[toks[k + 1][0]:toks[i][1]].strip() if i > k else ""
            return NP(named[0], named[1], "; ".join(filter(None, [role, before])))
        while i >= 0 and _PARTY.fullmatch(toks[i][2]):
            i -= 1
        if i < 0:
            return None
        low = toks[i][2].lower()
        if low in _PRONOUNS:
            return NP(toks[i][0], toks[i][1], role)
        if not (self._cap(toks[i][2]) or self._noun(low) or _AGE.fullmatch(low)):
            return None  # (an age is a noun phrase: '"...," the 27-year-old said')
        k = i  # "Sen. Jane Doe of Ohio said": the person, "of Ohio" is where from
        while k > 0 and self._capword(toks[k - 1][2]) and i - k < 4:
            k -= 1
        of = k >= 2 and i - k < 4 and toks[k - 1][2] in ("of", "from") and self._capword(toks[k - 2][2])
        named = self._of_the(toks, k - 2) if of else None  # "Jane Doe of the Marovian Chapel of Dorton said"
        if named is None and of and not self._headword(_low(toks[k - 2][2])):
            named = k - 2  # "Doe of Ohio" (not "Envoy of", "Federation of": a head word with its phrase)
        elif named is None and i - k < 4 and (org := self._after_the(toks, k)) >= 3 \
                and toks[org - 2][2] in ("of", "from"):
            named = self._of_the(toks, i)  # "Jane Doe of the Center for X said": Doe, not the center
        if named is not None:  # the name ends at toks[named]; what follows it up to the verb is its role
            role = "; ".join(filter(None, [self.text[toks[named + 1][0]:toks[i][1]], role]))
            i = named
        k, joined = i, None
        while k > 0:
            t = toks[k - 1][2]
            tl = t.lower()
            right = toks[k][2]
            if tl == "that" and self._cap(right):
                break  # "... so heated that Gov. X said": the conjunction
            if tl in _DETERMINERS:
                k -= 1
                if k >= 2 and toks[k - 1][2].lower() in _JOINS and self._headword(_low(toks[k - 2][2])):
                    # "the head of the Fishermen's Family Union", "Ambassador to the UN Park Min-ho": on to
                    # the head word itself (a lowercase one would stop the walk at "of": "the foreign
                    # ministry of the DPRK said" named nobody; see `joined` below)
                    if joined is None and toks[k - 1][2].lower() == "of" and not self._cap(toks[k - 2][2]):
                        joined = k - 1
                    k -= 2
                    continue
                if k >= 2 and toks[k - 1][2].lower() in _BY_AUTHOR and _plural(_low(toks[k - 2][2])) in _DOCUMENTS:
                    k -= 2  # "A statement from the Unification Ministry said": the ministry's (see resolve)
                    continue
                break
            if self._capword(t) or self._names_at(toks[k - 1][0]):
                k -= 1
                continue
            if tl == "and" and k >= 2 and self._title_word(toks[k - 2][2]) and self._cap(right):
                k -= 1  # "Former prosecutor and City Mayor Jane Doe": one person
                continue
            if tl in _JOINS and k >= 2 and self._headword(_low(toks[k - 2][2])) and self._cap(right):
                if joined is None and tl == "of" and not self._cap(toks[k - 2][2]):
                    joined = k - 1
                k -= 2  # on to the head word ("the foreign ministry of North Korea said")
                continue
            if tl in self.lex.particles and k >= 2 and self._cap(right) and self._cap(toks[k - 2][2]):
                k -= 1  # "Jan de Vries"
                continue
            if _NUMBER_MODIFIER.fullmatch(t) and right[:1].islower():
                k -= 1  # "30-year-old fisher Jane Doe said"
                continue
            if t[:1].islower() and tl not in _FUNCTION and tl not in _TEMPORAL and (
                    self._noun(tl) and not right[:1].islower() or right[:1].islower() and right != "of"
                    or self._cap(right) and k >= 2 and self._capword(toks[k - 2][2])  # "Times columnist Jane"
                    or right.isupper() and len(right) > 1 and k >= 2 and toks[k - 2][2].lower() in _DETERMINERS
                    and i + 1 - k <= 3 and self._noun(_low(toks[i][2]))):  # "an unnamed UN envoy"
                k -= 1
                continue
            break
        if joined is not None and k > 1 and toks[k - 1][2] == "," and self._cap(toks[k - 2][2]):
            k = joined  # an apposition ("Jane Doe, executive director of the PAC, said"): its name stands
            # before the comma, found by the caller when this phrase names nobody (not "In a statement,");
            # the walk stopped at "of" before (past "for", "to" it went on: "director for the Party")
        if i - k > 10:
            return None
        return NP(toks[k][0], toks[i][1], role)

    def _of_the(self, toks, j: int) -> int | None:
        """For an institution's capitalized name ending at toks[j] after "the" ("... of the
        Marovian Chapel", then perhaps "of Dorton"), the last word of the person's name before
        "of the" ("Canon Jane Doe of the Marovian Chapel"), when one stands there; else None."""
        k = j
        while k > 0 and self._capword(toks[k - 1][2]) and j - k < 4:
            k -= 1
        k = self._after_the(toks, k)
        if k < 3 or toks[k - 1][2] != "the" or toks[k - 2][2] not in ("of", "from"):
            return None
        n = k - 3
        if not self._capword(toks[n][2]) or self._headword(_low(toks[n][2])):
            return None
        m = n
        while m > 0 and self._capword(toks[m - 1][2]) and n - m < 4:
            m -= 1
        words = [_low(t[2]) for t in toks[m:n + 1]]
        if m > 0 and toks[m - 1][2].lower() in _DETERMINERS or not any(
                w in self.lex.given or w in self.lex.titles for w in words) and (
                n == m or self._headword(words[-1]) or words[-1] in self.lex.org_heads):
            return None  # "the Republic of the ...", "Foreign Ministry of the ...": no person's name
        return n

    def _after_the(self, toks, k: int) -> int:
        """Where the institution's name that starts at toks[k] starts with one or two lowercase
        modifiers between it and "the" ("of the ruling People Power Party", "of the main
        opposition Democratic Party", "of the Seoul-based ..."): the first modifier's index when
        "the" stands before them, else k."""
        for m in (1, 2):
            if k - m < 1 or not toks[k - m][2][:1].islower() or toks[k - m][2] in _FUNCTION:
                return k
            if toks[k - m - 1][2] == "the":
                return k - m
        return k

    def _before_phrase(self, toks, i: int) -> int:
        """Skip a prepositional phrase between a name and its verb ("X in his first
        speech called", "X during a rally thanked"): the index of the word before it."""
        for j in range(i, max(0, i - 6), -1):
            t = toks[j][2]
            if not t[:1].isalnum():
                break
            if t in _PP_OPEN and j > 0 and (self._capword(toks[j - 1][2]) or toks[j - 1][2].lower() in _PRONOUNS):
                return j - 1
            if t in ("in", "at") and j > 1 and _plural(_low(toks[j - 1][2])) in self.lex.person_nouns:
                d = j - 2
                while d > 0 and j - d < 5 and self._capword(toks[d][2]):
                    d -= 1  # "a Daily NK source in ..."
                if toks[d][2].lower() in ("a", "an"):
                    return j - 1  # an unnamed speaker placed where they are ("A source in Hyesan said",
                    # "an official at the ministry said"): the source
        return i

    def np_after(self, pos: int, hi: int) -> NP | None:
        """The speaker's noun phrase starting at `pos` (after a speech verb: "said Kim, a ...")."""
        toks = self.tokens(pos, min(hi, pos + 250))
        if not toks:
            return None
        t0 = toks[0][2].lower()
        if t0 in _PRONOUNS:
            return NP(toks[0][0], toks[0][1])
        i, end_i, last = 0, -1, ""
        if t0 in _DETERMINERS:
            i = 1
        while i < len(toks) and i < 14:
            t = toks[i][2]
            tl = t.lower()
            if _PARTY.fullmatch(t) or _ORDINAL.fullmatch(t) and last == "cap":
                i += 1  # "(D-Pa.)", "Air Force 1st Lt. X"
                continue
            if end_i < 0 and last in ("", "modifier") and _NUMBER_MODIFIER.fullmatch(t):
                last = "modifier"  # "said 30-year-old fisher Jane Doe"
                if _AGE.fullmatch(t) and (i + 1 == len(toks) or not toks[i + 1][2][:1].isalpha()):
                    end_i, last = i, "age"  # "said the 27-year-old.": the age is the noun phrase
                i += 1
                continue
            if self._capword(t) or self._names_at(toks[i][0]):
                if t.endswith(("’s", "'s")):
                    last = "possessive"  # "Doe’s top foreign policy aide Jo Roe"
                else:
                    end_i, last = i, "cap"
            elif tl in self.lex.particles and last == "cap" and i + 1 < len(toks) and self._cap(toks[i + 1][2]):
                pass  # "Jan de Vries"
            elif (tl in _JOINS and self._headword(_low(toks[i - 1][2])) or tl in _BY_AUTHOR
                  and _plural(_low(toks[i - 1][2])) in _DOCUMENTS) and end_i == i - 1:
                last = "join"  # "a spokesman for the ministry", "Ambassador to the UN Park Min-ho",
                # "a statement from the Unification Ministry" (see resolve: the ministry's words)
            elif tl in _DETERMINERS and last == "join":
                pass
            elif tl == "and" and end_i == i - 1 and self._title_word(toks[i - 1][2]) \
                    and any(self._capword(x[2]) for x in toks[i + 1:i + 5]):
                last = "modifier"  # "former Ohio Gov. and party Chairman X": one person
            elif t[:1].islower() and tl not in _FUNCTION and tl not in _TEMPORAL and re.match(r"\w", t):
                if self._noun(tl):
                    end_i, last = i, "noun"
                elif end_i >= 0 and last != "possessive" and (
                        tl.endswith("ed") or tl in self.lex.speech_verbs or not self._name_ahead(toks, i + 1)):
                    break  # "Doe stressed", "Doe hammered Roe": a verb after the head
                else:
                    last = "modifier"  # "Democratic presidential candidate Jane Doe"
            else:
                break
            i += 1
        if end_i < 0:
            return None
        np_ = NP(toks[0][0], toks[end_i][1])
        rest = toks[end_i + 1:]
        if last == "noun" and len(rest) > 2 and rest[0][2] in ("named", "called", "known"):
            k = 1 + (rest[1][2] == "as")  # "the station chief known as Rolf", "an academic named X"
            j = k
            while j < len(rest) and (self._cap(rest[j][2]) or j > k and rest[j][2] in self.lex.particles):
                j += 1
            if j > k:
                return NP(rest[k][0], rest[j - 1][1], self.text[np_.start:np_.end])
        named = _ROLE_THEN_NAME.match(self.text, np_.end, min(hi, np_.end + 160))
        if named and toks[end_i][2][:1].islower():
            a, b = named.span(1)
            b -= named.group(1).endswith(".")
            if self._ends_in_person(a, b):  # "..., NAME"
                return NP(a, b, role=self.text[np_.start:a].rstrip(" ,"))
        rest = toks[end_i + 1:]
        if rest and _PARTY.fullmatch(rest[0][2]):
            rest = rest[1:]
        if rest and rest[0][2] == ",":
            stop = next((k for k in range(1, min(len(rest), 30)) if rest[k][2] in ",.;:\"“”()—–"), None)
            group = rest[1:stop] if stop is not None else []
            if last == "noun" and group and self._names_at(group[0][0]) \
                    and all(self._cap(t[2]) or t[2] in self.lex.particles for t in group):
                # "the moderator, Jo Farrow,": the person named, described by the noun phrase
                return NP(group[0][0], group[-1][1], self.text[np_.start:np_.end])
            if group and self._apposition(group):
                np_.role = self.text[rest[0][1]:rest[stop][0]].strip()
        elif last == "cap" and rest and rest[0][2] in ("of", "from") and not np_.role:
            of = _OF_AFFILIATION.match(self.text, rest[0][0], min(hi, rest[0][0] + 120))
            if of is not None:  # 'said Kang Ji-woo of the Transitional Justice Working Group': her role
                np_.role = of.group(1)
        return np_

    def _names_at(self, pos: int) -> bool:
        """Does a person's name start at `pos` ("Will Dorner", though "Will" is also a verb)?"""
        k = bisect.bisect_left(self._starts, pos)
        return k < len(self._starts) and self._starts[k] == pos and self.mentions[k].kind == "name"

    def _capword(self, t: str) -> bool:
        """A capitalized word that can stand in a name or title (not "In", "But"; "US" can)."""
        return self._cap(t) and (t.lower() not in _FUNCTION or t.isupper() and len(t) > 1) \
            and _low(t) not in _TEMPORAL

    def _name_ahead(self, toks, i: int) -> bool:
        """Do lower-case modifiers at toks[i:] lead to a capitalized name within three words
        ("Doe constituent Jo Roe")?"""
        for t in toks[i:i + 3]:
            if self._capword(t[2]):
                return True
            if not t[2][:1].islower() or t[2].lower() in _FUNCTION:
                return False
        return False

    def _apposition(self, toks) -> bool:
        """Do these tokens read as an apposition or a relative clause ("a senior researcher at
        the group", "who fled in 2015", "South Korea's former foreign minister")?"""
        if not toks or len(toks) > 25:
            return False
        first = toks[0][2].lower()
        if first in ("who", "which", "who's", "who’s", "whose"):
            return True
        if toks[0][2][:1].isupper() and toks[0][2].endswith(("'s", "’s")) and len(toks) > 1:
            return True  # "Marovia, Dorland's only ally, said"
        if first in self.lex.speech_verbs or first in _FUNCTION and first not in ("the", "a", "an"):
            return False
        words = [part for t in toks if t[2][:1].isalpha() for part in t[2].lower().split("-")]
        return any(self._noun(w) or w in self.lex.titles for w in words) or first in _DETERMINERS

    def _skippable(self, tok: str) -> bool:
        low = tok.lower()
        if tok[:1].isupper() and low not in _TEMPORAL:
            return False  # "Dorly said", "May said": a name, not an adverb or "may"
        return (low in _SKIP or low.endswith("ly") and len(low) > 4 and low not in _NOT_ADVERBS
                or tok[:1] == "(" and not _PARTY.fullmatch(tok) or low.isdigit()
                or tok == "*")  # a footnote's mark: "UN experts* today urged" (UN press releases)

    def _cap(self, tok: str) -> bool:
        return bool(_CAP.match(tok)) and tok.lower() not in _PRONOUNS

    def _title_word(self, tok: str) -> bool:
        """A title or a noun for a person ("Gov.", "prosecutor"), which another can follow
        with "and" before a name."""
        low = _low(tok)
        return low in self.lex.titles or low in self.lex.person_nouns

    def _headword(self, low: str) -> bool:
        """A noun, title or institution's head word that a phrase with of/for/to can follow
        ("head of", "envoy to", "Federation of")."""
        return self._noun(low) or low in self.lex.titles or low in self.lex.org_heads

    def _noun(self, low: str) -> bool:
        lex = self.lex
        if "-" in low:  # "ambassador-at-large", "spokesman-designate"
            low = low.split("-", 1)[0]
        return (low in lex.person_nouns or low in lex.institution_nouns
                or _plural(low) in lex.person_nouns or _plural(low) in lex.institution_nouns)

    # ------------------------------------------------------------ who a noun phrase is

    def resolve(self, np_: NP) -> Mention | None:
        """The mention (linked to a person or institution, made if new) that noun phrase
        `np_` names; None when it names nobody who can speak."""
        toks = self.tokens(np_.start, np_.end)
        while toks and _PARTY.fullmatch(toks[-1][2]):
            toks = toks[:-1]
        if len(toks) > 2 and toks[-1][2] in ("Jr.", "Sr."):  # "Jane Doe Jr. (D-Ore.)": the name as
            toks[-1] = (toks[-1][0], toks[-1][1] - 1, toks[-1][2][:-1])  # in "Jane Doe Jr, a ..."
        if not toks:
            return None
        words = [t[2] for t in toks]
        low0 = words[0].lower()
        known = self._at(toks[0][0], toks[-1][1])
        if known is not None:
            return self._described_again(known, toks[0][0], np_.role)
        if len(words) == 1 and low0 in _PRONOUNS:
            return self.pronoun(toks[0][0], toks[0][1], _PRONOUNS[low0])
        if (low0 in _FUNCTION or low0 in _NOT_SPEAKERS) and not (
                len(words) > 1 and len(words[0]) > 1 and words[0].isupper() and words[1][:1].islower()):
            return None  # "We", "What's", "It" (not the acronym of "UN envoy", "IT workers")
        if len(words) == 1 and low0 in _INDEFINITE:  # "Another said", "Others shouted": unnamed people
            return self._described(toks[0][0], toks[0][1], "person", False, np_.role)
        definite = low0 in _DEFINITE or any(w.endswith(("’s", "'s")) for w in words[:-1])
        if low0 in _DETERMINERS:
            toks, words = toks[1:], words[1:]
        if not toks:
            return None
        start, end = toks[0][0], toks[-1][1]
        head = words[-1]
        age = _AGE.fullmatch(head) if len(words) == 1 else None
        if age is not None:  # '"...," the 27-year-old said': the person given that age before, else unnamed
            back = self._aged(start, age.group(1)) if definite else None
            if back is not None:
                m = Mention(start, end, self.text[start:end], (head,), "description")
                m.cluster = back
                return self._add(m)
            return self._described(start, end, "person", False, np_.role)
        if len(words) == 1 and self._noun(head.lower()) and head.lower() not in self.lex.given:
            return self._described(start, end, head.lower(), definite, np_.role)  # "Participants said"
        authored = next((k for k in range(1, len(words) - 1) if words[k].lower() in _BY_AUTHOR
                         and _plural(words[k - 1].lower()) in _DOCUMENTS), None)
        if authored is not None:
            # "a statement from the Unification Ministry", "a report by Human Rights Watch", "the
            # statement from the ministry": the document speaks for whoever issued it
            who = self.resolve(NP(toks[authored + 1][0], end, np_.role))
            if who is not None and who.kind in ("org", "name", "surname", "title", "description"):
                return who
        if self._cap(head):
            known = self._at(start, end)
            if known is not None:
                return self._described_again(known, start, np_.role)
            joined = next((k for k in range(1, len(words) - 1) if words[k] in _JOINS
                           and self._noun(words[k - 1].lower()) and words[k - 1][:1].islower()), None)
            if joined is not None and not self._ends_in_person(toks[joined + 1][0], end):
                # "Dorland's mission to the United Nations": the mission speaks
                return self._described(start, end, words[joined - 1].lower(), definite, np_.role)
            return self._named(start, end, np_.role)
        if self._noun(head.lower()):
            owner = next((k for k, w in enumerate(words[:-1]) if w.endswith(("’s", "'s"))), None)
            if owner is not None and _plural(head.lower()) in _DOCUMENTS:  # "Park Min-ho's open letter"
                who = self.resolve(NP(toks[0][0], toks[owner][1] - 2))
                if who is not None:
                    return who
            if owner is None and _plural(head.lower()) in _DOCUMENTS and len(words) > 1 and self._cap(words[-2]):
                who = self.resolve(NP(toks[0][0], toks[-2][1]))  # "the Harbor Review Board report"
                if who is not None and who.kind in ("org", "name", "surname", "title"):
                    return who
            return self._described(start, end, head.lower(), definite, np_.role)
        return None

    def _described_again(self, m: Mention, start: int, role: str) -> Mention:
        """A mention found before, met again as a speaker's noun phrase: what the phrase says
        of the person ("U.N. special investigator Jane Doe", ", a defector,") is
        theirs too."""
        p = self.persons[m.cluster]
        if p.kind == "person" and m.kind in ("name", "title", "surname"):
            pre = self.text[start:m.start].strip()
            if pre and pre.lower() not in _DETERMINERS:
                self._roles(p, re.sub(r"^(?:the|a|an)\s+", "", pre, flags=re.I), "", "")
            if role:
                self._roles(p, "", role, role)
        return m

    def deeds(self, speakers) -> None:
        """What the article says each of its `speakers` (cluster ids) did, as evidence for
        their role category only ("Park ... defected in 2009"): the clause after the
        person's name where it stands as a subject (three at most, each prefixed "deed: ")."""
        seen: dict[int, int] = {}
        for m in self.mentions:
            p = self.persons[m.cluster]
            if m.cluster not in speakers or p.kind != "person" or m.in_quote or m.in_caption \
                    or seen.get(m.cluster, 0) >= 3:
                continue
            if m.kind in ("name", "surname", "title", "pronoun") and self.mention_is_subject(m):
                s = self.doc.sentence_at(m.start)
                end = min(self.doc.sent_end[s], m.end + 100) if s >= 0 else m.end + 100
                p.roles.append(("", "deed: " + self.text[m.end:end]))
                seen[m.cluster] = seen.get(m.cluster, 0) + 1

    def _ends_in_person(self, start: int, end: int) -> bool:
        """Does text[start:end] end in a person's full name ("... to the UN Park Min-ho")?"""
        run = None
        for r in self.lex.run_re.finditer(self.text, start, end):
            run = r
        if run is None or run.end() != end:
            return False
        names = _run_names(run.group(), self.lex)
        if not names or names[-1][1] + run.start() != end:
            return False
        tokens, korean = names[-1][2], names[-1][3]
        return len(tokens) > 1 and bool(korean or tokens[0].lower() in self.lex.given
                                        or any(_INITIAL.fullmatch(t) for t in tokens)
                                        or len(tokens) == 2 and _KOREAN_GIVEN.fullmatch(tokens[1]))

    def _named(self, start: int, end: int, role: str) -> Mention | None:
        """A capitalized noun phrase: a person's name (a title may precede it), a place that
        speaks for its state, or an institution."""
        text, lex = self.text, self.lex
        run = None
        for r in lex.run_re.finditer(text, start, end):
            run = r
        if run is None or run.end() != end:
            return None
        phrase = text[start:end]
        bare = re.sub(r"^(?:the|The)\s+", "", phrase)
        place = re.sub(r"[’']s?$", "", bare).lower()
        if place.rstrip(".") in lex.places or place in lex.places:
            return self._institution(start, end, re.sub(r"[’']s?$", "", bare), role, "state")
        names = _run_names(run.group(), lex)
        of = _OF_HEAD.search(bare)
        if of and (of.group(1).lower() in lex.org_heads or of.group(1).lower() in lex.institution_nouns) \
                and not (names and self._ends_in_person(run.start() + names[-1][0], end)):
            return self._institution(start, end, bare, role)  # "the Association of Harbor Pilots"
        if names and names[-1][1] + run.start() == end:
            s, e, tokens, korean = names[-1]
            s, e = run.start() + s, run.start() + e
            pre = text[start:s].strip()
            before = pre.split()[-1].lower() if pre else ""
            if len(tokens) > 1 and not (korean or tokens[0].lower() in lex.given or
                                        any(_INITIAL.fullmatch(t) for t in tokens)) \
                    and before in lex.institution_nouns and before not in lex.person_nouns:
                return self._institution(s, e, text[s:e], role)  # "the newspaper Minju Choson"
            m = Mention(s, e, text[s:e], tokens, "name", pre)
            m.korean = korean
            if len(tokens) > 1:
                m.role_text = m.short_role = role
                self._join(m, name_key(m, lex))
                return self._add(m)
            return self._single(m, role)
        words = run.group().split()
        word = clean_token(words[-1])
        if re.search(r"\s(?:of|for)\s", bare):  # "UN Panel of Experts", "Ministry of Fisheries"
            return self._institution(start, end, bare, role)
        # one word, after titles at most: a single name, unless it is an institution's
        honored = len(words) > 1 and words[-2].lower().rstrip(".") in _HONORIFICS  # "Mr. King", "Ms. Young"
        if (len(words) == 1 or all(w.lower().rstrip(".") in lex.titles for w in words[:-1])) \
                and not (word.isupper() and len(word) > 1) \
                and (word.lower() not in lex.not_name or honored or self.same_name(word, start) is not None) \
                and word.lower() not in lex.org_heads and word.lower() not in lex.speech_verbs \
                and not (word.endswith(("ing", "ed")) and word.lower() not in lex.given and not honored):
            s = end - len(words[-1])
            m = Mention(s, s + len(word), word, (word,), "surname", text[start:s].strip())
            return self._single(m, role)
        last = re.sub(r"[’']s?$", "", words[-1]).lower()
        if last in lex.org_heads or self._noun(last) or word.isupper() and len(word) > 1 \
                or phrase[:4] in ("The ", "the ") and last not in lex.not_name:
            return self._institution(start, end, bare, role)
        return None  # capitalized words that name nobody who speaks: "Hope", "South Korean"

    def _at(self, start: int, end: int) -> Mention | None:
        """The mention already resolved at text[start:end] (or ending there), if any."""
        k = bisect.bisect_left(self._starts, start)
        while k < len(self.mentions) and self.mentions[k].start < end:
            if self.mentions[k].end == end:
                return self.mentions[k]
            k += 1
        return None

    def _single(self, m: Mention, role: str, sure: bool = False) -> Mention | None:
        """A person named by one name: the person of that name in the article, or a new one
        (when the word reads as a name, or the caller is `sure` it is one)."""
        known = self.same_name(m.tokens[0], m.start, m.pre_title)
        if known is not None and _INTRODUCES.match(role) and not self._fits(self.persons[known], role):
            known = None  # "said Kim, a 45-year-old farmer": someone new
        if known is None:
            key = ("w", m.tokens[0].lower())
            known = self.by_key.get(key)
            if known is None and not (sure or m.pre_title or self._name_like(m.tokens[0], m.start)
                                      or _INTRODUCES.match(role) or _RELATIVE_ROLE.match(role)
                                      or m.tokens[0].lower() in self.lex.surnames):
                # "Hours later, ...", "Specifically, ...": a capitalized word, no name; but a word
                # with an apposition or relative clause ("Doe, a former soldier, said", "Kim, who asked
                # that only her surname be used, said") or a Korean family name ("Park said the ...")
                # is a person's name even where it opens the sentence
                return None
            if known is None:
                known = self._new(key, m.tokens[0].lower(), "person")
                p = self.persons[known]
                p.names.append(m.tokens[0])
                p.gender = self.lex.given.get(m.tokens[0].lower(), "")
        m.cluster = known
        m.kind = "title" if m.pre_title else "surname"
        self._roles(self.persons[known], m.pre_title, role, role)
        return self._add(m)

    def _name_like(self, word: str, pos: int) -> bool:
        """Is a single capitalized word at `pos` a name: a given name, or a word the article
        capitalizes where a sentence does not start (unlike "Hours", "Specifically"), or a
        word not at a sentence's start?"""
        if word.lower() in self.lex.given:
            return True
        if not self._sentence_initial(pos):
            return True
        if self._midcaps is None:
            self._midcaps = {m.group() for m in _MIDCAP.finditer(self.text)
                             if not self._sentence_initial(m.start())}
        return word in self._midcaps

    def _sentence_initial(self, pos: int) -> bool:
        s = self.doc.sentence_at(pos)
        lead = self.text[self.doc.sent_start[s]:pos] if s >= 0 else ""
        return not lead.strip(" “\"‘'([—―–-")

    def _fits(self, p: Person, role: str) -> bool:
        """Can the apposition `role` describe `p`: does it share a role noun or title with what
        the article said of p ("soldier" and "leader" do not)? A person the article says
        nothing of fits nothing."""
        said = " ".join(e for _, e in p.roles).lower()
        return any(re.search(r"\b%s" % w, said) for w in self._role_nouns(role))

    def _role_nouns(self, text: str) -> set[str]:
        lex = self.lex
        return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in ("former", "one", "member")
                and (w in lex.person_nouns or _plural(w) in lex.person_nouns or w in lex.titles)}

    def _institution(self, start: int, end: int, name: str, role: str, kind: str = "org") -> Mention:
        """An institution (or, kind "state", a place speaking for its state) named by `name`."""
        key = ("org", re.sub(r"\W+", " ", name.lower()).strip())
        idx = self.by_key.get(key)
        if idx is None:
            idx = self._new(key, "", kind)
            self.persons[idx].roles.append((name, name))
            self.persons[idx].names.append(name)
        m = Mention(start, end, self.text[start:end], tuple(name.split()), "org")
        m.cluster = idx
        if role:
            self.persons[idx].roles.append((role, role))
        return self._add(m)

    def _described(self, start: int, end: int, head: str, definite: bool, role: str) -> Mention | None:
        """An unnamed speaker: "a defense ministry spokesman", "the rapporteur", "the newspaper"."""
        lex = self.lex
        noun = head if head in lex.person_nouns or head in lex.institution_nouns else _plural(head)
        kind = "person" if noun in lex.person_nouns else "org"
        text = self.text[start:end]
        if definite:
            author = self.author() if self.author is not None else None
            back = author(start, noun) if noun in _DOCUMENTS and author is not None else None
            if back is None:
                back = self._described_before(start, noun, kind, text.lower().split()[:-1])
            if back is not None:
                m = Mention(start, end, text, (noun,), "description")
                m.cluster = back
                return self._add(m)
        key = ("desc", self.doc.source_id, re.sub(r"\W+", " ", text.lower()).strip())
        idx = self.by_key.get(key)
        if idx is None:
            idx = self._new(key, "", kind)
            p = self.persons[idx]
            p.names.append(text)
            p.roles.append((text, text))
            p.gender = lex.person_nouns.get(noun, "")
            s = self.doc.sentence_at(start)  # an unnamed speaker is known by the sentence that
            if s >= 0:                       # introduces it ("... by the North's official KCNA")
                p.roles.append(("", "context: " + self.text[self.doc.sent_start[s]:self.doc.sent_end[s]]))
        if role:
            self.persons[idx].roles.append((role, role))
        m = Mention(start, end, text, (noun,), "description")
        m.cluster = idx
        return self._add(m)

    def _aged(self, pos: int, years: str) -> int | None:
        """The person "the 27-year-old" at `pos` refers to: the latest one before it (within a few
        paragraphs) named with that age ("Gil Su-hyang, 27,") or described by it."""
        floor = self.doc.para_start[max(0, self.doc.paragraph_at(pos) - 4)]
        for m in reversed(self.mentions[:bisect.bisect_left(self._starts, pos)]):
            if m.start < floor:
                break
            p = self.persons[m.cluster]
            if m.in_quote or p.kind != "person" or m.kind not in ("name", "surname", "title"):
                continue
            after = _AGE_AFTER.match(self.text, m.end)
            if after is not None and after.group(1) == years \
                    or any(f"{years}-year-old" in e for _, e in p.roles):
                return m.cluster
        return None

    def _described_before(self, pos: int, noun: str, kind: str, modifiers=()) -> int | None:
        """The person or institution a definite description ("the rapporteur") refers to: the
        latest one before `pos` whose name or roles contain the noun. For an institution, a
        named one first: whose name or roles contain the noun, else whose name has a word of
        the description's `modifiers` ("the rights group": a human rights organization named
        before); then an unnamed one with the noun; else, for a bare description ("the
        newspaper", not "the North's state media"), the latest one named."""
        before = [m for m in self.mentions[:bisect.bisect_left(self._starts, pos)]
                  if not m.in_quote and self.persons[m.cluster].kind == kind]
        noun_re = re.compile(r"\b%s" % re.escape(noun))

        def says(p) -> str:
            said = " ".join([*p.names, *(e for _, e in p.roles)]).lower()
            # a title's abbreviation names the office ("said Rep. Seo Min-gyu. '...,' the lawmaker added")
            return said + "".join(" " + _TITLE_NOUNS[a] for a in dict.fromkeys(
                m.group(1) or m.group(2) for m in _TITLE_ABBREV.finditer(said)))

        named = [m for m in before if self.persons[m.cluster].key[0] != "desc"] if kind == "org" else before
        for m in reversed(named):
            if noun_re.search(says(self.persons[m.cluster])):
                return m.cluster
        modifiers = {w for w in modifiers if len(w) > 3 and w not in _FUNCTION}
        if kind == "org":
            for m in reversed(named):
                if modifiers & set(" ".join(self.persons[m.cluster].names).lower().split()):
                    return m.cluster
            for m in reversed(before):
                if noun_re.search(says(self.persons[m.cluster])):
                    return m.cluster
            para = self.doc.paragraph_at(pos)  # "the newspaper": the latest institution named
            for m in reversed(named if not modifiers else ()):  # (not "the North's state media")
                if self.doc.paragraph_at(m.start) < para - 3:
                    break
                if m.kind == "org":
                    return m.cluster
        return None

    def pronoun(self, start: int, end: int, gender: str) -> Mention | None:
        """`he`/`she` at start: linked to the person meant (see antecedent)."""
        who = self.antecedent(start, gender)
        if who < 0:
            return None
        m = Mention(start, end, self.text[start:end], (self.text[start:end],), "pronoun")
        m.cluster = who
        m.in_quote = self.in_quote(start)
        return self._add(m)  # a later pronoun may refer back through it

    def antecedent(self, pos: int, gender: str = "") -> int:
        """The person a pronoun at `pos` refers to: in the nearest sentence (this one, then
        earlier ones, up to four paragraphs back) that mentions a person of that gender, its
        subject if it has one there, else the last such person; -1 when none."""
        doc = self.doc
        s = doc.sentence_at(pos)
        if s < 0:
            return -1
        para = doc.sent_para[s]
        k = bisect.bisect_left(self._starts, pos)
        cands_by_sent: dict[int, list] = {}
        for m in reversed(self.mentions[:k]):
            ms = doc.sentence_at(m.start)
            if doc.sent_para[ms] < para - 4:
                break
            p = self.persons[m.cluster]
            if m.in_quote or m.in_caption or m.modifier or p.kind != "person":
                continue
            if gender and p.gender and p.gender != gender:
                continue
            cands_by_sent.setdefault(ms, []).append(m)
        if not cands_by_sent:
            return -1
        nearest = max(cands_by_sent)
        cands = sorted(cands_by_sent[nearest], key=lambda m: m.start)
        subj = [m for m in cands if self.mention_is_subject(m)]
        return (subj[0] if subj else cands[-1]).cluster

    def is_subject(self, sent_start: int, pos: int) -> bool:
        """Does a noun phrase at `pos` stand where a clause's subject stands: at the sentence's
        start or after an opening phrase ("In a radio interview Doe declared"), after a
        comma or a conjunction ("and", "that"), with at most a capitalized adverb
        ("Meanwhile") or a determiner before it?"""
        known = self._subjects.get((sent_start, pos))
        if known is None:
            known = self._subjects[(sent_start, pos)] = self._is_subject(sent_start, pos)
        return known

    def _is_subject(self, sent_start: int, pos: int) -> bool:
        lead = self.text[max(sent_start, pos - 120):pos]
        b = None
        for b in _CLAUSE_BOUNDARY.finditer(lead):  # noqa: B007 -- the last one is wanted
            pass
        if b is None and pos - 120 > sent_start:
            return False
        rest = [w for w in (lead[b.end():] if b else lead).split() if w.strip("“”\"‘’'") and not _AGE.fullmatch(w)]
        rest = [w for w in rest if w not in self.lex.particles]  # "van Doorn"
        if b is None and rest and rest[0][:1].isupper() and rest[0].lower() in _FUNCTION:
            rest = rest[1:]  # "Even Marovia said", "Still, ..."
        if len(rest) <= 2 and all(self._capword(w) or w.lower() in _DETERMINERS for w in rest):
            return True
        if all(self._capword(w) or w.lower() in _DETERMINERS or w.lower() in _JOINS or w.lower() in ("on", "and")
               for w in rest):
            return True  # "The Council on Fair Fisheries National Executive Director ..."
        return b is None and len(rest) <= 10 and (rest[0].lower() in _OPENING or _low(rest[0]) in _TEMPORAL)


def _skip_lead(text: str, pos: int) -> int:
    m = _LEAD.match(text, pos)
    pos = m.end()
    return _ADVERBS.match(text, pos).end()


_LEAD = re.compile(r"[\s,.;:!?—–-]*")
_ADVERBS = re.compile(r"(?:(?:also|further|then|later|once|again|has|had|have|would|will|previously|earlier|"
                      r"repeatedly|recently)\s+)*")  # lower case: "Will" is a name
_SAID_BEFORE = re.compile(r"\b(?:said|says|told|wrote|added)\s*$")
_MODIFIED = re.compile(r"\s*(?:['’]s\s+)?(?:regime|government|administration|dynasty|family|era|rule|doctrine|"
                       r"statue|portrait|badge|square|street|university|stadium|memorial|prize|award|bridge|"
                       r"airport|station|hospital|school|foundation|institute|center|centre|park)\b", re.I)

