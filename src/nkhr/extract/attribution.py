"""Who said each quote: a deterministic sieve, the most precise rule first.

The shape of Muzny et al. (2017) and of the Gender Gap Tracker's quote
pipeline, over the mention layer of :mod:`nkhr.extract.people`. For each
quote, the first rule that finds a speaker wins (in :meth:`Sieve.run`):

1. **transcript**: a speaker's name and a colon open the span or its
   paragraph (``DOE: "..."``, ``- Jane Doe: "..."``);
2. **cue after the quote**: a speaker and a speech verb right after the
   closing mark, in either order (``," Kim said``, ``," said Rep. Jane Doe
   (D-Ohio), head of ...``, ``," a ministry spokesman was quoted as saying``,
   ``," according to the agency``), or a name after a dash; after a quote
   that ends its sentence, only a next sentence that is nothing but a cue
   (``"..." Kim said.``);
3. **signature**: a quote that fills its paragraph, signed in the next one
   (``- Jane Doe.``);
4. **possessive speech noun**: the quote is what ``X's assertion`` or ``X's
   dictum`` right before it says;
5. **cue before the quote**: a speech verb between the speaker and the
   opening mark, with at most a few words after it (``Kim said: "``, ``Kim
   told Congress "``, ``Kim wrote in a statement that "``, ``According to X,
   "``, ``Said X, "``), or the sentence's subject before a colon;
6. **cue that ends the sentence**: ``"A" and "B," she said``, ``"...," X,
   an analyst, said in an interview.``;
7. **the sentence's speech verb**: the last speech verb before the quote in
   its sentence and that verb's subject (``Doe called the plan "a farce"``;
   ``..., saying "..."``: the sentence's subject), or ``according to X``
   inside the sentence;
8. **a fragment's sentence subject** (``X ... likened Y to a referee who is
   "asleep at the whistle"``), then any possessive speech noun before it;
9. **carrying over** (:meth:`Sieve._carry`): a quote running over several
   paragraphs takes the attribution of any of its paragraphs; a quote in a
   paragraph where another quote has a speaker takes that speaker; a quote
   right after a sentence of its paragraph that reports someone's speech
   takes that speaker; a paragraph that opens with an unattributed quote
   continues the speaker of the quote before it, or of the speech the
   previous paragraph's last sentence reports.

Sentences without a quote that report speech (``Doe stressed that ...``,
``According to X, ...``) are read with the quotes, in the order of the text,
so a later pronoun or description (``the rights group``) refers through the
speakers named before it; :func:`sentence_speakers` gives every sentence the
speaker whose speech it is or reports.

A speaker found by rules 1-8 may be a full name, a single name, a title and
name, a pronoun (resolved to the person meant), an institution or an unnamed
person's description (GUIDELINES: both are speakers). Speech verbs are the
``cues`` codebook's; rules 1-8 run before any carrying over, so an explicit
cue always beats the previous speaker. Single-quoted spans count as quotes
only when a cue names their speaker (not a sentence's subject, nor carrying
over). Quotes in Korean paragraphs are attributed by :mod:`nkhr.extract.korean`.
"""

from __future__ import annotations

import bisect
import re
import weakref
from itertools import chain

from ..doc import Doc
from .names import Lexicon, Mention
from .people import _DETERMINERS, _DOCUMENTS, _FUNCTION, _TEMPORAL, NP, People, _low, _plural

CONFIDENCE = {"transcript": 0.9, "name": 0.95, "apposition": 0.9, "title": 0.9, "surname": 0.85,
              "organization": 0.9, "description": 0.85, "pronoun": 0.8, "subject": 0.7,
              "chain": 0.8, "carried": 0.6, "repeat": 0.75, "none": 0.0}
EXPLICIT = frozenset(["transcript", "name", "apposition", "title", "surname", "organization",
                      "description", "pronoun"])

_LEAD = re.compile(r"[\s,;:—―–-]*")
_MARK = re.compile(r"[“”\"«»„「」『』]")  # the marks a quote opens and closes with (paired in quotes.py)
_TRANSCRIPT = re.compile(r"((?:[A-Z][A-Za-z’'.-]+\s){0,3}[A-Z][A-Za-z’'.-]+)\s?:\s")
_ACCORDING = re.compile(r"according to\s+", re.I)
_NAME_COLON = re.compile(r"(?:^|(?<=[\n—–―-])\s*|(?<=\n))((?:[A-Z][A-Za-z’'.-]+\s){0,3}[A-Z][A-Za-z’'.-]+)\s?:\s*$")
_ACCORDING_START = re.compile(r"(?:[\w’'-]+,?\s+){0,3}?according to\s+", re.I)
_ACCORDING_LAST = re.compile(r",\s*according to\s+(?=[^,;:“”\"]{1,150}[.!?]?[”\"’']?\s*$)", re.I)
_CONTENT = re.compile(r"\s*(?:that\s+(?:[\w’'-]+\s+){0,4}|:\s*|(?:was|is),?\s+(?:that\s+)?)")
_ACCORDING_CLAUSE = re.compile(r"\baccording to\s+([^,;:“”\"]{1,120}?),", re.I)
_ACCORDING_END = re.compile(r"\baccording to\s+(.{1,120}?)\s*[,:]\s*$", re.I)  # (": "...": a colon too)
_INTRO_TAIL = re.compile(r"(?:\s+(?!(?:said|says|told)\b)[^\s“”\"]+){0,9}?\s*[,:]?\s*(?:that\s*)?,?\s*$")
_WORD = re.compile(r"\w*")
_RELATIVE = re.compile(r",?\s*\b(?:who|that|which)\s+(?:(?:also|has|had|have|reportedly|later|once|then|"
                       r"previously|recently)\s+)*$")
_SUBJECT_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
_COMMA = re.compile(r",\s+")
_REPORTS_BEFORE = 2  # paragraphs before a quote whose reporting sentences are read in order with it
_HE_SHE = re.compile(r"[\s“\"‘']*([Hh]e|[Ss]he)\b")
_SENTENCE_STOP = re.compile(r"[.!?](?=\s|$)")
_DASH_OPEN = re.compile(r"\s*[-—–―]+\s*")
_PLACE_PAIR = re.compile(r"\b[A-Z][\w.]*,\s*$")  # "Dorton, " before a state
_PLACE_END = re.compile(r"(?:\s+[A-Z][\w.]*)?\s*(?:[,.;]|$)")
# the last prepositional phrase of a text ("the report on the camps")
_PP_TAIL = re.compile(r"\s(?:on|about|of|into|over)\s(?!.*\s(?:on|about|of|into|over)\s)[^,;:“”\"]*$")
_INNER_CLAUSE = re.compile(r"\b(?:when|while|after|before|because|since|as|if|though|although|that|where)\s+")
_WORD_SPAN = re.compile(r"[A-Za-z]+")
_CLAUSE_MARK = re.compile(r"[,;:—–(]")
_ADVERB_GAP = re.compile(r"\s*(?:[a-z]+ly\s+)?")
_WORDS_AFTER = re.compile(r"[^\W\d_]{2,}")
_BY = re.compile(r"\s+by\s+(?![a-z]+ing\b)")
_PASSIVE = re.compile(r"(?:^|\b(?:was|were|is|are|been|being|be|get|got|when|once|if)(?:\s+[a-z]+ly)?)$", re.I)
_DASH = re.compile(r"[\s,]*[—―–]\s*")
_COORDINATED = re.compile(r"\s(?:and|but|then|before|after)$")
_SAID_FIRST = re.compile(r"(Said|Says|Added|Asked|Wrote)\s+")
_POSSESSIVE = re.compile(r"[’']s?$")
_SENTENCE_END = re.compile(r"[.!?][”\"’']?\s+[A-Z“\"]")
# "in the Doe ad ", "of the Center for Maritime Studies ": one or two prepositional phrases
_PP = re.compile(r"\s+(?:(?:in|at|for|from|of|with|on)\s+(?:[\w’'.-]+\s+){0,5}){1,2}")
_NAMED = re.compile(r"(?:[A-Z][\w’'.-]*\s+){0,5}[A-Z][\w’'.-]*")  # capitalized words only: a name
# ', the envoy who led the talks for a decade ': an apposition or relative clause after a name,
# its closing comma perhaps left out, before the name's verb (not a clause: ', and Roe said'; not
# another name, the verb's own subject: '"as a gift to" Roe, Quill wrote')
_APPOSED = re.compile(r",\s+(?=[a-z\d])(?!(?:and|but|or|nor|so|yet|while|as|though|although|because|if|when|after|before|"
                      r"since|then|adding|saying|he|she|they|it|we|i)\b)[^;:()“”\"]{3,160}?,?\s*(?:[a-z]+ly\s+)?")
# 'issued a statement, "', 'posted a short message, "': a verb, its speech noun and a comma
_ISSUED = re.compile(r"\b([a-z]+)\s+(?:a|an|the|this|his|her|its|their)\s+(?:[\w-]+\s+)?([a-z]+),\s*$")
_PAST = re.compile(r"\b[a-z]{3,}ed\b")
_ENDS_SENTENCE = re.compile(r"\.[”\"’']$")
_INTRODUCES_NEXT = re.compile(r"(?:\s+[\w’'-]+){0,3}\s*[,:]?\s*")
_METHOD = {"name": "name", "surname": "surname", "title": "title",
           "pronoun": "pronoun", "org": "organization", "description": "description"}


class Sieve:
    """The attribution rules over one article's quotes (see the module docstring)."""

    def __init__(self, doc: Doc, people: People, lex: Lexicon, quotes: list):
        self.doc, self.text, self.people, self.lex, self.quotes = doc, doc.text, people, lex, quotes
        self.opens = [q.open for q in quotes]
        people.author = weakref.WeakMethod(self._author)  # weak: no cycle between the two

    # -------------------------------------------------------------- helpers

    def _limit(self, pos: int, para: int) -> int:
        """Where an attribution after `pos` must end: the next quote mark or the paragraph's end."""
        m = _MARK.search(self.text, pos, self.doc.para_end[para])
        return m.start() if m else self.doc.para_end[para]

    def _verb_at(self, pos: int, hi: int):
        return self.lex.verb_re.match(self.text, _ADVERBS.match(self.text, pos, hi).end(), hi)

    def _speaker(self, np_: NP | None) -> Mention | None:
        return self.people.resolve(np_) if np_ is not None else None

    def _subject_of(self, verb_start: int, lo: int, strict: bool = True) -> Mention | None:
        """The subject of the speech verb at `verb_start`: the noun phrase before it or, for a
        participle after a comma ("..., saying") or a verb after "and" ("X spoke ... and
        said"), the sentence's subject. `strict`: the noun phrase must stand where a subject
        stands (a clause's start), not be an object ("calling on UN member states")."""
        before = self.text[lo:verb_start].rstrip()
        word = _WORD.match(self.text, verb_start).group().lower()
        by = _BY.match(self.text, verb_start + len(word))
        if by is not None and (word.endswith("ed") or word == "told") and _PASSIVE.search(before):
            # "X was asked by Y whether", "When asked by Y, ..."
            return self._speaker(self.people.np_after(by.end(), self.doc.sent_end[self.doc.sentence_at(by.end())]))
        if word.endswith("ing") and before.endswith((",", ",”", ',"')):  # "X said, adding that ..."
            return self._earlier_speaker(lo, verb_start) or self._sentence_subject(lo, verb_start)
        if before.endswith(" to"):
            return (self._controller(lo, lo + len(before) - 2) or self._doer(lo, lo + len(before) - 2)
                    or self._sentence_subject(lo, verb_start))
        if _COORDINATED.search(before):  # "X knocked Y on trade and called him": the clause's subject
            return self._clause_subject(lo, lo + _COORDINATED.search(before).start()) \
                or self._sentence_subject(lo, verb_start)
        if word.endswith("ing"):  # "footage of Doe asking", "Doe unleashed tweets saying"
            np_ = self.people.np_before(verb_start, lo)  # (an adverb between: "X reportedly yelling")
            who = self._speaker(np_) if np_ is not None and _ADVERB_GAP.fullmatch(self.text, np_.end, verb_start) \
                else None
            if who is not None and who.kind in ("name", "surname", "title", "pronoun", "org"):
                return who  # (and "with the Federation of Pilots calling her")
            return self._sentence_subject(lo, verb_start)
        rel = _RELATIVE.search(self.text, max(lo, verb_start - 40), verb_start)
        if rel is not None:  # "an unnamed aid worker who reportedly said": the relative's antecedent
            np_ = self.people.np_before(rel.start(), lo)
            who = self._speaker(np_) if np_ is not None else None
            pp = _PP_TAIL.search(self.text, max(lo, rel.start() - 80), rel.start()) if who is None else None
            if pp is not None:  # "the commission's report on the camps, which highlighted"
                np_ = self.people.np_before(pp.start(), lo)
                who = self._speaker(np_) if np_ is not None else None
            return who
        np_ = self.people.np_before(verb_start, lo)
        if np_ is None or strict and not self.people.is_subject(lo, np_.start):
            return self._parenthetical(verb_start)
        who = self._speaker(np_)
        if who is not None and who.kind == "description" and who.tokens[0] in _DOCUMENTS:
            return self._sentence_subject(lo, verb_start) or who  # "a resolution condemning ..."
        return who

    def _controller(self, lo: int, to: int) -> Mention | None:
        """Who speaks in "make someone say": the person named right before "to" when a verb
        that causes speech (the cues codebook's causative_verbs) stands a few words before
        ("leading advisers like X to counter that"); else None ("promised to say", "urged X
        to reject", "took to the radio to call": the sentence's subject speaks)."""
        np_ = self.people.np_before(to, lo)
        if np_ is None or np_.role:
            return None
        before = re.split(r"[,;:—–(]", self.text[max(lo, np_.start - 60):np_.start])[-1].lower().split()
        if not any(w in self.lex.causative_verbs for w in before[-6:]):
            return None
        who = self._speaker(np_)
        return who if who is not None and who.kind in ("name", "surname", "title", "org") else None

    def _clause_subject(self, lo: int, hi: int) -> Mention | None:
        """The subject of the clause that ends at `hi` (before "and said"), when it opens after a
        conjunction inside the sentence ("such as when X knocked Y and called him")."""
        b = next(reversed(list(_INNER_CLAUSE.finditer(self.text, lo, hi))), None)
        if b is None:
            return None
        np_ = self.people.np_after(b.end(), hi)
        if np_ is None or not self.people.is_subject(lo, np_.start):
            return None
        who = self._speaker(np_)
        return who if who is not None and who.kind in ("name", "surname", "title", "pronoun", "org") else None

    def _doer(self, lo: int, to: int) -> Mention | None:
        """Who does the participle an infinitive of speech depends on ("with X taking to
        the radio to call Y ..."): the person right before that participle, in the same clause."""
        words = list(_WORD_SPAN.finditer(self.text, max(lo, to - 80), to))
        for w in reversed(words[-8:]):
            if w.group().endswith("ing") and w.group()[:1].islower():
                if _CLAUSE_MARK.search(self.text, w.end(), to):
                    return None
                np_ = self.people.np_before(w.start(), lo)
                if np_ is None or not _ADVERB_GAP.fullmatch(self.text, np_.end, w.start()):
                    return None
                who = self._speaker(np_)
                return who if who is not None and who.kind in ("name", "surname", "title", "pronoun") else None
        return None

    def _parenthetical(self, verb_start: int) -> Mention | None:
        """The speaker of a cue set off by commas inside a sentence, the verb first ('The
        paradox, says X, a historian at Y, is that ...')."""
        text = self.text
        v = self.lex.verb_re.match(text, verb_start)
        word = v.group().lower() if v else ""
        if not word or word.endswith("ing") or word in self.lex.object_verbs \
                or not text[:verb_start].rstrip().endswith(","):
            return None
        hi = self.doc.sent_end[self.doc.sentence_at(verb_start)]
        np_ = self.people.np_after(_skip_ws(text, v.end(), hi), hi)
        if np_ is None or not text[_role_end(text, np_):hi].lstrip().startswith(","):
            return None
        return self._speaker(np_)

    def _earlier_speaker(self, lo: int, hi: int) -> Mention | None:
        """Who spoke earlier in the sentence, before a participle ('"...," Doe said, adding,
        "..."'): the speaker of a quote there, or the subject of a speech verb there."""
        for q in reversed(self.quotes):
            if lo <= q.open < hi and q.cluster >= 0:
                m = Mention(q.open, q.open, "", (), "name")
                m.cluster = q.cluster
                return m
        for v in reversed(list(self.lex.verb_re.finditer(self.text, lo, hi - 1))):
            if self.people.in_quote(v.start()):
                continue
            if v.group().lower().endswith("ing"):
                continue
            after = self.people.np_after(_skip_ws(self.text, v.end(), hi), hi)
            if after is not None and self.text[v.start() - 2:v.start()].strip() in (",”", ',"', "”", '"'):
                who = self._speaker(after)  # '"...," said Rep. Jane Doe, adding'
            else:
                who = self._subject_of(v.start(), lo, strict=False)
            if who is not None:
                return who
        return None

    def _sentence_subject(self, lo: int, hi: int) -> Mention | None:
        """The subject of the sentence's main clause: the first noun phrase before `hi` that
        stands at the sentence's start or after an opening phrase and its comma."""
        starts = [lo] + [m.end() for m in _COMMA.finditer(self.text, lo, hi)]
        starts = [s for s in starts if not self.people.in_quote(s)]
        for q in self.quotes:  # a sentence that opens with a quote: its subject comes after it
            if q.open == lo and q.closed and q.close < hi:
                starts = [_LEAD.match(self.text, q.close, hi).end()] + [s for s in starts if s > q.close]
        for s in starts[:4]:
            np_ = self.people.np_after(s, hi)
            if np_ is not None and s > lo and _PLACE_PAIR.search(self.text, lo, s) \
                    and _PLACE_END.match(self.text, np_.end):
                continue  # "in Dorton, Alabama, on Saturday": a place's state, no subject
            if np_ is not None and self.people.is_subject(lo, np_.start):
                who = self._speaker(np_)
                if who is not None:
                    return who
        return None

    def _bare(self, m: Mention) -> bool:
        """Is `m` a bare noun ("Participants", "Officials"), not "the spokesman" or "the report"?"""
        if m.kind != "description" or " " in m.text:
            return False
        before = self.text[max(0, m.start - 12):m.start].split()
        return not before or before[-1].lower() not in _DETERMINERS and not _POSSESSIVE.search(before[-1])

    def _author(self, pos: int, noun: str) -> int | None:
        """Who wrote the document a definite description at `pos` names ("the report", "the
        commentary"): whose speech the latest sentence that mentions that document reports
        ("In a commentary, the newspaper wrote ..."), else the institution that spoke last,
        within six paragraphs."""
        doc, people = self.doc, self.people
        s = doc.sentence_at(pos)
        word = re.compile(r"\b%ss?\b" % re.escape(noun), re.I)
        fallback = None
        for t in range(s - 1, -1, -1):
            if doc.sent_para[t] < doc.sent_para[s] - 6:
                break
            who = self._reported(t) if doc.para_kind[doc.sent_para[t]] == "body" else -1
            if who < 0:
                who = next((q.cluster for q in self.quotes if q.cluster >= 0
                            and doc.sent_start[t] <= q.start < doc.sent_end[t]), -1)
            p = people.persons[who] if who >= 0 else None
            if p is None or p.key[0] == "desc" and p.names[0].split()[-1] in _DOCUMENTS:
                continue
            if word.search(self.text, doc.sent_start[t], doc.sent_end[t]):
                return who
            if fallback is None and p.kind == "org":
                fallback = who
        return fallback

    # -------------------------------------------------------------- the rules

    def transcript(self, q) -> tuple | None:
        m = _TRANSCRIPT.match(self.text, q.start, q.end)
        if m is None:  # "DOE: "..."" at the paragraph's start, or "- Jane Doe: "...""
            lo = max(self.doc.para_start[q.para], q.open - 60)
            m = _NAME_COLON.search(self.text, lo, q.open)
        if m is None or m.group(1).lower() in ("q", "a", "note", "update", "editor's note"):
            return None
        s, e = m.span(1)
        word = m.group(1)
        if word.isupper():  # DOE: a person, written in capitals
            mention = Mention(s, e, word, tuple(w.capitalize() for w in word.split()), "name")
            who = self.people._single(mention, "", sure=True) if len(mention.tokens) == 1 else None
        else:
            who = self._speaker(NP(s, e))
        return (who, ":", "transcript") if who is not None else None

    def after(self, q, at: int | None = None) -> tuple | None:
        """A cue right after the closing mark (or after `at`, the close of a later quote). A
        quote that ends its sentence with a full stop has no cue after it (what follows is the
        next sentence: '"... reckless." Sen. Jane Doe called ...'); after '?' or '!' the cue
        must not introduce the next quote ('"Why now?" Doe then writes back, "..."')."""
        if not q.closed:
            return None
        text = self.text
        close = q.close if at is None else at
        para = self.doc.paragraph_at(close - 1)
        hi = self._limit(close, para)
        pos = _LEAD.match(text, close, hi).end()
        if text.startswith("as ", pos):  # '"...," as X said on the radio'
            pos += 3
        if pos >= hi:
            return None
        dash = _DASH.match(text, close, hi)
        if dash and at is None:  # "..." ― Jane Doe (a name closing the paragraph)
            np_ = self.people.np_after(dash.end(), hi)
            if np_ is not None and not text[np_.end:hi].strip(" .,;\n"):
                who = self._speaker(np_)
                if who is not None:
                    return who, "—", _METHOD[who.kind]
        if _ENDS_SENTENCE.search(text, max(0, close - 3), close):
            return self._bare_cue(pos, hi)
        acc = _ACCORDING.match(text, pos, hi)
        if acc:
            who = self._speaker(self.people.np_after(acc.end(), hi))
            return (who, "according to", _METHOD[who.kind]) if who is not None else None
        found = None
        v = self._verb_at(pos, hi)
        by = _BY.match(text, v.end()) if v is not None and v.group().lower().endswith("ed") else None
        if by is not None:  # '" -- as described by harbor chief Jane Doe --'
            who = self._speaker(self.people.np_after(by.end(), hi))
            if who is not None:
                return who, v.group(), _METHOD[who.kind]
        if v is not None and not v.group().endswith("ing"):  # ," said Kim (not ," telling reporters)
            who = self._speaker(self.people.np_after(_skip_ws(text, v.end(), hi), hi))
            if who is not None:
                found = who, v, _METHOD[who.kind]
        if found is None:
            for v in self.lex.verb_re.finditer(text, pos, min(hi, pos + 220)):  # ," Kim said
                np_ = self.people.np_before(v.start(), pos)
                if np_ is None or text[pos:np_.start].strip():  # ," a narrator in the ad asks
                    np_ = self.people.np_after(pos, v.start())
                    if np_ is not None and text[np_.end:v.start()].strip() \
                            and not _PP.fullmatch(text, np_.end, v.start()) \
                            and not (_APPOSED.fullmatch(text, np_.end, v.start()) and _NAMED.fullmatch(text, np_.start, np_.end)):
                        np_ = None  # (," councilmember X said: the phrase reaches the verb)
                if np_ is not None and not text[pos:np_.start].strip():
                    who = self._speaker(np_)
                    if who is not None:
                        found = who, v, _method(who, np_)
                        break
                if text[pos:v.start()].count(" ") > 14 or _SENTENCE_END.search(text, pos, v.start()):
                    break
        if found is None and q.kind == "full":
            g = _PAST.search(text, pos, min(hi, pos + 80))  # ," Doe boasted.
            if g is not None and g.start() > pos:
                np_ = self.people.np_before(g.start(), pos)
                if np_ is not None and not text[pos:np_.start].strip() and \
                        not _POSSESSIVE.search(text, np_.start, np_.end) and \
                        (text[np_.start].isupper() or text[np_.start:np_.end].lower() in ("he", "she")):
                    who = self._speaker(np_)
                    if who is not None and who.kind != "description":
                        found = who, g, _method(who, np_)
        if found is None:
            return None
        who, v, method = found
        if text[close - 2:close - 1] in "?!" and hi < len(text) and _MARK.match(text, hi) \
                and _INTRODUCES_NEXT.fullmatch(text, v.end(), hi):
            return None  # '"Why now?" Doe then writes back, "Why not?"': the next quote's cue
        return who, v.group(), method

    def _bare_cue(self, pos: int, hi: int) -> tuple | None:
        """After a quote that ends its sentence, a next sentence that is nothing but a cue
        ('"... found." X said.', '... X said on Monday.'): its speaker."""
        text = self.text
        end = _SENTENCE_STOP.search(text, pos, hi)
        if end is None:
            return None
        v = next(iter(self.lex.verb_re.finditer(text, pos, end.start())), None)
        if v is None or v.group().lower().endswith("ing") or v.group().lower() in self.lex.object_verbs:
            return None
        tail = text[v.end():end.start()].split()
        if tail and (len(tail) > 5 or tail[0].lower() not in _TAIL_OPENERS and _low(tail[0]) not in _TEMPORAL):
            return None  # '"..." X called it garbage.': a sentence of its own
        np_ = self.people.np_before(v.start(), pos)
        if np_ is None or text[pos:np_.start].strip():
            return None
        who = self._speaker(np_)
        return (who, v.group(), _method(who, np_)) if who is not None else None

    def before(self, q) -> tuple | None:
        """A speech verb right before the opening mark: 'Kim said: "', 'Kim told Congress "'."""
        text = self.text
        lo = self._clause_start(q)
        pre = text[lo:q.open]
        acc = _ACCORDING_END.search(pre)
        if acc:
            who = self._speaker(self.people.np_after(lo + acc.start(1), lo + acc.end(1)))
            if who is not None:
                return who, "according to", _METHOD[who.kind]
        inverted = _SAID_FIRST.match(text, lo, q.open)
        if inverted:  # 'Said Jane Doe, who grew up with him, "We were all so proud"'
            who = self._speaker(self.people.np_after(inverted.end(), q.open))
            if who is not None:
                return who, inverted.group(1), _METHOD[who.kind]
        verbs = list(self.lex.verb_re.finditer(text, lo, q.open))
        for v in reversed(verbs):
            if _INTRO_TAIL.fullmatch(text, v.end(), q.open) is None:
                break
            if self.people.in_quote(v.start()):
                continue
            who = self._subject_of(v.start(), lo)
            if who is not None:
                return who, v.group(), _method(who, None)
        noun = _ISSUED.search(pre)
        if noun and noun.group(1).lower() not in _FUNCTION and _plural(noun.group(2).lower()) in self.lex.speech_nouns \
                and not self.people.in_quote(q.open - 1):  # 'Doe issued a statement, "'
            who = self._sentence_subject(lo, q.open)
            if who is not None:
                return who, ",", "subject"
        if pre.rstrip().endswith(":") and not self.people.in_quote(q.open - 1):
            who = self._sentence_subject(lo, q.open)  # 'Doe leaned in and boomed: "'
            if who is not None:
                return who, ":", "subject"
            colon = lo + len(pre.rstrip()) - 1
            np_ = self.people.np_before(colon, lo)  # 'The storm did not shock forecaster Jane Doe: "'
            who = self._speaker(np_) if np_ is not None and not text[np_.end:colon].strip() else None
            if who is not None and who.kind in ("name", "title"):
                return who, ":", "subject"
        return None

    def in_sentence(self, q) -> tuple | None:
        """The last speech verb before the quote in its sentence, and its subject."""
        lo = self._clause_start(q)
        for v in reversed(list(self.lex.verb_re.finditer(self.text, lo, q.open))):
            if self.people.in_quote(v.start()):
                continue
            who = self._subject_of(v.start(), lo)
            if who is not None:
                return who, v.group(), "subject" if who.kind != "pronoun" else "pronoun"
        acc = _ACCORDING_CLAUSE.search(self.text, lo, q.open)
        if acc:  # "For the party, according to X, the speech is "a test""
            who = self._speaker(self.people.np_after(acc.start(1), acc.end(1)))
            if who is not None:
                return who, "according to", _METHOD[who.kind]
        return None

    def partial(self, q) -> tuple | None:
        """A fragment woven into a sentence with no speech verb: the sentence's subject
        ("Jane Doe ... likened Roe to a referee who is "asleep at the whistle"")."""
        if q.kind != "partial":
            return None
        lo = self._clause_start(q)
        who = self._sentence_subject(lo, q.open)
        if who is not None and who.kind != "description" and _WORDS_AFTER.search(self.text, who.end, q.open):
            return who, None, "subject"  # (words between, not a name and a full stop: "Ore. "...")
        return None

    def signature(self, q) -> tuple | None:
        """A quote that fills its paragraph, signed in the next one: '"..."' then '- Jane Doe.'"""
        doc, text = self.doc, self.text
        nxt = q.para + 1
        if not q.closed or text[q.close:doc.para_end[q.para]].strip(" .") or nxt >= len(doc.para_start) \
                or text[doc.para_start[q.para]:q.open].strip():
            return None
        dash = _DASH_OPEN.match(text, doc.para_start[nxt], doc.para_end[nxt])
        np_ = self.people.np_after(dash.end(), doc.para_end[nxt]) if dash else None
        if np_ is None or text[_role_end(text, np_):doc.para_end[nxt]].strip(" ."):
            return None
        who = self._speaker(np_)
        return (who, "—", _METHOD[who.kind]) if who is not None else None

    def possessor(self, q, content: bool = False) -> tuple | None:
        """Whose words a speech noun with a possessive before the quote calls them ("X's
        dictum was, "..."", "X's recent assertion that "...""); with `content`, only when the
        quote is what the noun says (right after it, "that" or a colon), as in "Critics cite
        X's assertion that "..."", not "Y said X's claim was "absurd""."""
        lo = self._clause_start(q)
        toks = self.people.tokens(max(lo, q.open - 200), q.open)
        for j in range(len(toks) - 1, -1, -1):
            if _plural(toks[j][2].lower()) not in self.lex.speech_nouns:
                continue
            for k in range(j - 1, max(-1, j - 5), -1):
                tok = toks[k][2]
                if _POSSESSIVE.search(tok) and tok[:1].isupper():
                    end = toks[k][1] - len(_POSSESSIVE.search(tok).group())
                    np_ = self.people.np_before(end, lo)
                    who = self._speaker(np_) if np_ is not None and np_.end == end else None
                    if who is not None and who.kind != "description" and \
                            (not content or _CONTENT.fullmatch(self.text, toks[j][1], q.open)):
                        return who, toks[j][2], _METHOD[who.kind]
                    break
                if not tok[:1].isalnum():
                    break  # ("Doe's Facebook post:" -- a capitalized word may stand between)
            break
        return None

    def sentence_end(self, q) -> tuple | None:
        """A cue that closes the quote's sentence: '"A" and "B," she said' (after the
        sentence's last quote) or '"...," after she lost her father, she said.'"""
        doc = self.doc
        s = doc.sentence_at(q.start)
        later = [r for r in self.quotes if r.open > q.open and r.para == q.para and doc.sentence_at(r.start) == s]
        if later and later[-1].closed:
            found = self.after(q, later[-1].close)
            if found is not None:
                return found
        last = later[-1] if later else q
        if not last.closed:
            return None
        return self.final_cue(last.close, doc.sent_end[s])

    def final_cue(self, lo: int, se: int, verbs: list | None = None) -> tuple | None:
        """A cue that ends the sentence text[lo:se], after a comma: ', X said.', ', X, a former
        envoy, said in an interview on Friday.', ', said X, an analyst at Y[, a group that ...].'"""
        text = self.text
        acc = _ACCORDING_LAST.search(text, max(lo, se - 200), se)
        if acc is not None:  # '... chants of "Jo!", according to union president X.'
            who = self._speaker(self.people.np_after(acc.end(), se))
            if who is not None:
                return who, "according to", _METHOD[who.kind]
        if verbs is None:
            verbs = list(self.lex.verb_re.finditer(text, max(lo, se - 300), se))
        for v in reversed(verbs):
            if _MARK.search(text, v.end(), se) or self.people.in_quote(v.start()):
                break
            verb = v.group().lower()
            if text[lo:v.start()].rstrip().endswith(",") and not verb.endswith("ing") \
                    and verb not in self.lex.object_verbs:
                np_ = self.people.np_after(_skip_ws(text, v.end(), se), se)  # ", said X, an analyst."
                if np_ is not None and (_short_tail(text, _role_end(text, np_), se)
                                        or text[_role_end(text, np_):se].lstrip().startswith(",")):
                    who = self._speaker(np_)
                    if who is not None:
                        return who, v.group(), _method(who, np_)
            if not _short_tail(text, v.end(), se, verb in self.lex.object_verbs):
                break
            np_ = self.people.np_before(v.start(), lo)
            if np_ is not None and text[lo:np_.start].rstrip().endswith((",", "—", "–", "―")):
                who = self._speaker(np_)
                if who is not None:
                    return who, v.group(), _method(who, np_)
        return None

    def _clause_start(self, q) -> int:
        """Where the text that may attribute quote `q` before it starts: its sentence's start
        (never before its paragraph's)."""
        doc = self.doc
        s = doc.sentence_at(q.start)
        return max(doc.sent_start[s] if s >= 0 else 0, doc.para_start[q.para])

    def reporting_subject(self, s: int) -> Mention | None:
        """The speaker whose speech sentence `s` reports, when it reports one: "According to
        X, ...", a subject with a speech verb ("Doe stressed that ..."), a cue that ends
        it, "he"/"she" with a speech noun ("He made several proposals"), or a subject with
        a speech noun before a colon ("X released the following statement:")."""
        doc, text, people, lex = self.doc, self.text, self.people, self.lex
        ss, se = doc.sent_start[s], doc.sent_end[s]
        acc = _ACCORDING_START.match(text, ss, min(se, ss + 60))
        if acc:
            who = self._speaker(people.np_after(acc.end(), se))
            if who is not None:
                return who
        # the verbs are read as they are needed: most sentences that report someone name
        # them before their first verbs, and the rest of the sentence is not scanned
        verbs, seen = lex.verb_re.finditer(text, ss, se), []
        for v in verbs:
            seen.append(v)
            if v.start() >= ss + 200:
                break
            if people.in_quote(v.start()):
                continue  # a verb in a title or a quote ('a commentary titled "... reflected ..."')
            who = self._subject_of(v.start(), ss)
            if who is not None and not self._bare(who):
                return who  # not a bare plural ("Participants stressed ..."): the reporter's summary
        final = self.final_cue(ss, se, [v for v in chain(seen, verbs) if v.start() >= se - 300])  # "..., an official said."
        if final is not None:
            return final[0]
        he = _HE_SHE.match(text, ss, se)
        if he is not None and lex.noun_re.search(text, he.end(), se):
            return self._speaker(NP(he.start(1), he.end(1)))
        if text[ss:se].rstrip().endswith(":") and lex.noun_re.search(text, ss, se):
            return self._sentence_subject(ss, se)  # "X released the following statement:"
        return None

    # -------------------------------------------------------------- all quotes

    def run(self) -> None:
        """Every quote, every sentence without one that reports someone's speech (see
        :meth:`reporting_subject`; in a quote's paragraph or the two before it) and every
        he/she that stands as a clause's subject (near quotes), in the order of the text: a
        pronoun or a description ("the rights group") then refers through the speakers named
        before it. The other sentences' speakers are worked out when asked for."""
        people, doc = self.people, self.doc
        events = [(q.open, 1, q) for q in self.quotes]
        near = {q.para for q in self.quotes} | {q.para - 1 for q in self.quotes}  # chains that a
        for i, kind in enumerate(doc.para_kind):                                   # quote may use
            if kind == "body" and i in near:
                for p in _SUBJECT_PRONOUN.finditer(self.text, doc.para_start[i], doc.para_end[i]):
                    s = doc.sentence_at(p.start())
                    if not people.in_quote(p.start()) and people.is_subject(doc.sent_start[s], p.start()):
                        events.append((p.start(), 0, p))
        quoted = quote_owners(doc, self.quotes, every=True)
        before = {q.para - k for q in self.quotes for k in range(_REPORTS_BEFORE + 1)}  # what a quote may
        events += [(doc.sent_start[s], -1, s) for s in range(len(doc.sent_start))   # refer back to
                   if quoted[s] == -1 and doc.sent_para[s] in before and doc.para_kind[doc.sent_para[s]] == "body"
                   and doc.sent_lang[s] != "ko"]
        for _, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            if kind < 0:  # a sentence without a quote: whose speech it reports, in its turn
                who = self.reporting_subject(item)
                people.reported[item] = who.cluster if who is not None else -1
                continue
            if kind == 0:
                people.resolve(NP(item.start(), item.end()))
                continue
            q = item
            found = (self.transcript(q) or self.after(q) or self.signature(q) or self.possessor(q, content=True)
                     or self.before(q)
                     or self.sentence_end(q) or self.in_sentence(q) or self.partial(q) or self.possessor(q))
            if found is not None:
                who, cue, method = found
                q.cluster, q.cue, q.method = who.cluster, cue, method
        self._carry()
        self.quotes[:] = [q for q in self.quotes if not q.single or q.method in EXPLICIT]

    def _carry(self) -> None:
        """Rule 9: chains of paragraphs, quotes in a paragraph with a speaker, conversation."""
        quotes, doc = self.quotes, self.doc
        for _ in range(2):  # a chain passes its speaker both ways
            for i in range(len(quotes) - 1):
                q, nxt = quotes[i], quotes[i + 1]
                if not q.chain_next or nxt.para != q.para + 1 or nxt.open != doc.para_start[nxt.para]:
                    continue
                if q.cluster < 0 <= nxt.cluster:
                    q.cluster, q.cue, q.method = nxt.cluster, nxt.cue, "chain"
                elif nxt.cluster < 0 <= q.cluster:
                    nxt.cluster, nxt.cue, nxt.method = q.cluster, q.cue, "chain"
        by_para: dict[int, list] = {}
        for q in quotes:
            by_para.setdefault(q.para, []).append(q)
        for group in by_para.values():
            known = [q for q in group if q.cluster >= 0]
            for q in group:
                if q.cluster < 0 and known:
                    prev = [k for k in known if k.open < q.open]
                    src = prev[-1] if prev else known[0]
                    q.cluster, q.method = src.cluster, "carried"
        for q in quotes:  # "Doe listed ... . These steps ..., showing that "...""
            s = doc.sentence_at(q.start)
            if q.cluster < 0 and s > 0 and doc.sent_para[s - 1] == q.para:
                who = self._reported(s - 1)
                if who >= 0:
                    q.cluster, q.method = who, "carried"
        for i, q in enumerate(quotes):
            if q.cluster >= 0 or q.open != doc.para_start[q.para]:
                continue
            prev = quotes[i - 1] if i else None
            if prev is not None and prev.cluster >= 0 and (prev.para == q.para - 1 or prev.para == q.para - 2
                                                            and self._reports(q.para - 1) < 0):
                q.cluster, q.method = prev.cluster, "carried"
            elif q.para > 0:  # 'Doe told reporters on Tuesday.' then a paragraph of her words
                who = self._reports(q.para - 1)
                if who >= 0:
                    q.cluster, q.method = who, "carried"

    def _reported(self, s: int) -> int:
        """Whose speech sentence `s` reports (-1: nobody's): as worked out in the text's order
        when the sentence has no quote, else now."""
        known = self.people.reported.get(s)
        if known is None:
            who = self.reporting_subject(s)
            known = who.cluster if who is not None else -1
        return known

    def _reports(self, para: int) -> int:
        """Whose speech the last sentence of paragraph `para` reports (-1: nobody's)."""
        doc = self.doc
        last = bisect.bisect_right(doc.sent_para, para) - 1
        if last < 0 or doc.sent_para[last] != para or doc.para_kind[para] != "body":
            return -1
        return self._reported(last)


def _method(who: Mention, np_: NP | None) -> str:
    if np_ is not None and np_.role and who.kind in ("name", "surname"):
        return "apposition"
    return _METHOD.get(who.kind, "name")


_TAIL_OPENERS = frozenset(["in", "on", "at", "during", "after", "before", "with", "to", "from", "for", "by",
                           "last", "this", "earlier", "later", "while", "when", "of", "about", "via"])


def _short_tail(text: str, pos: int, end: int, addressed: bool = False) -> bool:
    """Is text[pos:end], what follows a sentence's final cue, short: a few words, or a few
    phrases that open with a preposition or a time ("in an interview with the paper on Friday")
    or, after a verb that takes whom it addresses (`addressed`), with that object ("the
    council in Vienna on Monday")?"""
    words = text[pos:end].split()
    if len(words) <= 6:
        return True
    return len(words) <= 14 and (addressed or words[0].lower() in _TAIL_OPENERS) and "that" not in words


def _role_end(text: str, np_: NP) -> int:
    """Where noun phrase `np_` and its apposition end."""
    if not np_.role:
        return np_.end
    k = text.find(np_.role, np_.end)
    return k + len(np_.role) if k >= 0 else np_.end


def _skip_ws(text: str, pos: int, hi: int) -> int:
    while pos < hi and text[pos].isspace():
        pos += 1
    return pos


# what may stand between a quote's close and its speech verb, lower case ("Will" is a name)
_ADVERBS = re.compile(r"(?:(?:also|further|then|later|once|again|has|had|have|would|will|previously|"
                      r"earlier|repeatedly|recently|reportedly|publicly|was|were|is|had been)\s+)*")


def attribute(doc: Doc, people: People, lex: Lexicon, quotes: list) -> None:
    """Give each quote its speaker (``cluster``), cue and method, in place."""
    Sieve(doc, people, lex, quotes).run()


def quote_owners(doc: Doc, quotes: list, every: bool = False) -> list[int]:
    """For each sentence, the speaker of the quote that covers most of it (-1: none; with
    `every`, a quote with no speaker yet covers its sentences too, as -2)."""
    n = len(doc.sent_start)
    owner, best = [-1] * n, [0] * n
    for q in quotes:
        if q.cluster < 0 and not every:
            continue
        first, last = doc.sentence_at(q.start), doc.sentence_at(max(q.start, q.end - 1))
        for s in range(max(first, 0), last + 1):
            overlap = min(q.end, doc.sent_end[s]) - max(q.start, doc.sent_start[s])
            if overlap > best[s]:
                owner[s], best[s] = q.cluster if q.cluster >= 0 else -2, overlap
    return owner


def sentence_speakers(doc: Doc, people: People, lex: Lexicon, quotes: list, owner: list[int] | None = None,
                      decided=(), wanted=None) -> list[int]:
    """For each sentence, the local person whose speech it is or reports (-1: the narrator).

    A sentence that overlaps a quote belongs to the quote's speaker (`owner`, from
    :func:`quote_owners` when not given). Otherwise a body sentence (not in `decided`,
    those another language's rules settled) whose subject is a person or institution
    with a speech verb ("Doe stressed that ...", "He cited ...", "According to the
    newspaper, ...") or a speech noun after it ("He made several proposals")
    reports that speaker's speech. `wanted`: the sentences to decide this way (default all).
    """
    owner = quote_owners(doc, quotes) if owner is None else owner
    sieve = Sieve(doc, people, lex, quotes)
    for s in range(len(doc.sent_start)) if wanted is None else sorted(wanted):
        if owner[s] < 0 and doc.para_kind[doc.sent_para[s]] == "body" and s not in decided:
            owner[s] = sieve._reported(s)
    return owner
