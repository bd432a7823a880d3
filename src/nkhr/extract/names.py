"""Person names in English text: telling names from other capitalized words, and name keys.

No statistical NER is available offline for this, so names come from a
transparent rule set over runs of capitalized words, driven by the ``names``
and ``cues`` codebooks (:class:`Lexicon`):

- :func:`find_mentions` cuts a paragraph's runs of capitalized words at words
  that never belong to a name (places, peoples, months, sentence adverbs:
  ``not_name_words``) and at titles; the titles right before a name
  (``Seoul Mayor``, ``Ambassador to the UN``) become the mention's
  *pre-title*. A Korean name (a family name from ``korean_surnames`` with a
  given name, in either order, hyphenated or spaced) is taken whole; another
  name is a run of up to five name words (initials and particles such as
  ``von`` included) that starts at a given name when the words before it are
  none, and a run that ends in an organization's head word (``Family Union``)
  names nobody;
- a single capitalized word is a mention only when it is the family name (or,
  hyphenated, the Korean given name) of a person the article names in full
  (:func:`single_mentions`, once all runs are read);
- whether a name is a person (a title, an apposition, a given name, a speech
  verb next to it) is weighed by :mod:`nkhr.extract.people`, which reads the
  role text around a name with :func:`apposition` and :func:`role_before`;
- :class:`Verbs` finds the ``cues`` codebook's speech verbs (one trie regex)
  and drops the words whose place shows they are no verb.

Name keys make spelling variants equal: Korean family names are mapped to
one romanization and given names folded (``Min-seok``/``Min-suk``,
``Young-soo``/``Yung-su``), and name order does not matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from ..codebooks import load_yaml, locate, trie_pattern
from ..errors import CodebookError


@dataclass(frozen=True)
class Lexicon:
    surnames: dict            # lower-case spelling -> canonical family name
    folds: tuple              # (from, to) pairs for Korean given names
    not_name: frozenset
    titles: frozenset
    speech_verbs: frozenset
    speech_nouns: frozenset
    object_verbs: frozenset      # speech verbs followed by whom they address ("told the council")
    causative_verbs: frozenset   # verbs that make their object speak ("leading X to counter")
    title_markers: tuple
    pronouns: dict
    verb_re: Verbs               # the speech verbs (a trie regex: see trie_regex and Verbs)
    noun_re: re.Pattern
    org_heads: frozenset         # last words of organization names
    given: dict = field(default_factory=dict)             # given name (lower) -> m | f | "" (either)
    person_nouns: dict = field(default_factory=dict)      # noun -> m | f | "": "the spokesman"
    institution_nouns: frozenset = frozenset()            # "the ministry", "the newspaper"
    places: frozenset = frozenset()                       # places that speak for a state
    particles: frozenset = frozenset()                    # "von", "bin" inside a name
    surname_words: frozenset = frozenset()                # "West", "Law": family names after a given name
    run_re: re.Pattern = None                             # a run of capitalized words (and particles)
    hashes: dict = field(default_factory=dict)
    name_words: dict = field(default_factory=dict, compare=False)  # token -> is a name word (memo)
    run_names: dict = field(default_factory=dict, compare=False)   # capitalized run -> its names (memo)
    folded: dict = field(default_factory=dict, compare=False)      # given name -> folded spelling (memo)


def _need(data, key, path, kind):
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        raise CodebookError(str(path), f"'{key}' must be a {kind.__name__}",
                            getattr(data, "key_lines", {}).get(key))
    return value


@cache
def load_lexicon(names_path: str | None = None, cues_path: str | None = None) -> Lexicon:
    npath, cpath = locate("names", names_path), locate("cues", cues_path)
    names, nhash = load_yaml(npath)
    cues, chash = load_yaml(cpath)
    surnames = {}
    for canon, variants in _need(names, "korean_surnames", npath, dict).items():
        for v in [canon, *(variants or [])]:
            surnames[str(v).lower()] = str(canon)
    folds = tuple((str(a), str(b)) for a, b in _need(names, "given_name_folds", npath, list))
    verbs = _forms(_need(cues, "speech_verbs", cpath, list))
    verb_re = Verbs(verbs)
    nouns = frozenset(str(w).lower() for w in _need(cues, "speech_nouns", cpath, list))
    noun_re = re.compile(r"\b(?:%s)s?\b" % "|".join(map(re.escape, sorted(nouns))), re.IGNORECASE)
    particles = [str(w).lower() for w in names.get("name_particles") or []]
    given: dict = {}
    for gender, names_ in (_need(names, "given_names", npath, dict) or {}).items():
        for n in names_ or []:
            n = str(n).lower()
            given[n] = "" if given.get(n, gender[0]) != gender[0] else gender[0]
    return Lexicon(
        given=given,
        person_nouns=_gendered(cues.get("person_nouns") or []),
        institution_nouns=frozenset(str(w).lower() for w in cues.get("institution_nouns") or []),
        places=frozenset(str(w).lower() for w in names.get("speaking_places") or []),
        particles=frozenset(particles),
        surname_words=frozenset(str(w).lower() for w in names.get("surname_words") or []),
        run_re=re.compile(_RUN_PATTERN % "|".join(sorted(map(re.escape, particles), key=len, reverse=True)
                                                  or ["(?!)"])),
        surnames=surnames, folds=folds,
        not_name=frozenset(str(w).lower() for w in _need(names, "not_name_words", npath, list)),
        titles=frozenset(str(w).lower() for w in _need(names, "person_titles", npath, list)),
        speech_verbs=verbs,
        speech_nouns=nouns,
        object_verbs=_forms(cues.get("object_verbs")),
        causative_verbs=_forms(cues.get("causative_verbs")),
        title_markers=tuple(str(w).lower() for w in _need(cues, "title_markers", cpath, list)),
        pronouns={str(k).lower(): str(v) for k, v in _need(cues, "pronouns", cpath, dict).items()},
        verb_re=verb_re,
        noun_re=noun_re,
        org_heads=frozenset(str(w).lower() for w in names.get("organization_heads") or []),
        hashes={"names": nhash, "cues": chash},
    )


def trie_regex(words) -> re.Pattern:
    """One regex for many words, whole words in any letter case, written as a trie
    (:func:`nkhr.codebooks.trie_pattern`). A space in a word ("went on") matches spaces
    or tabs."""
    body = trie_pattern(words, "[ \\t]+")
    return re.compile(r"(?<![\w’'-])%s(?![\w-])" % body, re.IGNORECASE)  # not in "state-of-the-state"


class Verbs:
    """The speech verbs: one trie regex (see trie_regex) finds them, and the few words whose
    place shows they are no verb are dropped: a capitalized word inside a sentence ("State
    policy director", "Doe Says"), a word after a determiner or a possessive ("his
    remarks", "a claim", "Doe's claim"). Reads like `re.Pattern`'s finditer and match."""

    def __init__(self, verbs):
        self.re = trie_regex(verbs)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        for m in self.re.finditer(text, pos, len(text) if endpos is None else endpos):
            if _is_verb(text, m):
                yield m

    def match(self, text: str, pos: int = 0, endpos: int | None = None):
        m = self.re.match(text, pos, len(text) if endpos is None else endpos)
        return m if m is not None and _is_verb(text, m) else None


def _is_verb(text: str, m) -> bool:
    start = m.start()
    if text[start].isupper() and not _opens_clause(text, start):
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return before is None or before.group(1).lower() not in _NOUN_MARKERS and not before.group(2)


_WORD_BEFORE = re.compile(r"(?<!\w)([A-Za-z]+)([’']s|s[’'])?\s+$")  # a whole word: not the "a" of "García"
_NOUN_MARKERS = frozenset(["a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "these",
                           "those"])
_CLAUSE_OPENERS = frozenset(".!?:;\"“”‘’'—–―-(\n")


def _opens_clause(text: str, pos: int) -> bool:
    """Does the word at `pos` open a sentence or clause (only quote marks or spaces between it
    and a full stop, colon, dash, bracket or the text's start)?"""
    k = pos - 1
    while k >= 0 and text[k] in " \t\u00a0":
        k -= 1
    if k > 0 and text[k] == ".":  # not after "Mr." or an initial: "Mr. Brand"
        w = k
        while w > 0 and text[w - 1].isalpha():
            w -= 1
        return not (0 < k - w <= 3 and text[w].isupper())
    return k < 0 or text[k] in _CLAUSE_OPENERS


def inflections(verb: str) -> set[str]:
    """A verb as listed and, for a base form, its regular forms: "boast" -> boasts,
    boasted, boasting; "describe" -> describes, described, describing; "decry" -> decries,
    decried, decrying. (Irregular forms, "said", "told", are listed in the codebook.)"""
    out = {verb}
    if " " in verb or verb.endswith(("ed", "ing")) or verb.endswith("s") and not verb.endswith("ss"):
        return out
    if verb.endswith("e"):
        out |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        out |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    else:
        out |= {verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "z")) else "s"), verb + "ed", verb + "ing"}
    return out


def _forms(verbs) -> frozenset:
    """A codebook list of verbs (None: none) with the regular forms of each base form."""
    return frozenset(f for v in verbs or [] for f in inflections(str(v).lower()))


def _gendered(items) -> dict:
    """A codebook list whose items are words or {word: m|f} -> word -> m | f | ""."""
    out = {}
    for item in items:
        if isinstance(item, dict):
            out.update((str(k).lower(), str(v)[:1]) for k, v in item.items())
        else:
            out[str(item).lower()] = ""
    return out


# a run of capitalized words, not glued to a word before it (the capital first, then the
# look back: `re` then only stops at capitals); lower-case name particles ("von der")
# may stand between two of its words
_RUN_PATTERN = r"[A-Z](?<![\w’'-][A-Z])[\w’'.-]*(?:(?:[ \u00a0](?:%s))*[ \u00a0][A-Z][\w’'.-]*)*"
_HYPHENATED = re.compile(r"^[A-Z][a-z]+-[A-Za-z][a-z]+$")
_SYLLABLE = re.compile(r"^[A-Z][a-z]{1,6}$")


@dataclass
class Mention:
    start: int
    end: int
    text: str              # the name as written (without possessive)
    tokens: tuple          # name tokens
    kind: str              # name | surname | title | pronoun
    pre_title: str = ""    # "Seoul Mayor", "Ambassador"
    strong: bool = False   # person evidence on its own
    korean: tuple | None = None  # (canonical surname, given name) for Korean names
    cluster: int = -1      # local person id after resolution
    role_text: str = ""    # apposition / title text that describes the person
    modifier: bool = False # "the Doe administration": a name used as a modifier
    short_role: str = ""   # the apposition's role, shortest form
    in_quote: bool = False
    in_caption: bool = False
    subject: bool | None = None  # stands as a clause's subject (worked out when first needed)


def title_word(word: str) -> str:
    """A word as the titles list has it: lower case, without a possessive or a final dot
    ("Minister's" -> minister, "Dr." -> dr; "spokeswoman" stays whole)."""
    return _POSSESSIVE_DOT.sub("", word.lower())


_POSSESSIVE_DOT = re.compile(r"(?:['’]s?)?\.?$")


def clean_token(tok: str) -> str:
    if tok.endswith(("'s", "’s")):
        tok = tok[:-2]
    elif tok.endswith(("'", "’")):
        tok = tok[:-1]
    if "." in tok and _ACRONYM.fullmatch(tok):
        return tok
    return tok.rstrip(".,;:")


_ACRONYM = re.compile(r"(?:[A-Z]\.)+")


def korean_parts(tokens: tuple, lex: Lexicon) -> tuple | None:
    """(canonical surname, given name) when `tokens` form a Korean name, else None."""
    n = len(tokens)
    if n < 2 or n > 3:
        return None
    first, last = tokens[0].lower(), tokens[-1].lower()
    rest = tokens[1:]
    if first in lex.surnames and (
            (len(rest) == 1 and (_HYPHENATED.match(rest[0]) or _SYLLABLE.match(rest[0])))
            or (len(rest) == 2 and all(_SYLLABLE.match(t) for t in rest))):
        return lex.surnames[first], "-".join(rest)
    if last in lex.surnames and n == 2 and _HYPHENATED.match(tokens[0]):
        return lex.surnames[last], tokens[0]
    return None


def fold_given(given: str, lex: Lexicon) -> str:
    folded = lex.folded.get(given)
    if folded is None:
        folded = given.lower().replace("-", "").replace(" ", "")
        for a, b in lex.folds:
            folded = folded.replace(a, b)
        lex.folded[given] = folded
    return folded


def name_key(m: Mention, lex: Lexicon) -> tuple:
    """Key equal for spelling variants of the same full name."""
    if m.korean:
        return ("ko", m.korean[0].lower(), fold_given(m.korean[1], lex))
    words = [_plain(t) for t in m.tokens if not _INITIAL.fullmatch(t)] or [_plain(t) for t in m.tokens]
    return ("w",) + tuple(sorted(words))  # "Jane Q. Doe" is "Jane Doe", "Núñez" "Nunez"


def _plain(token: str) -> str:
    """A name word in lower case without accents ("Núñez" -> "nunez")."""
    if token.isascii():
        return token.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", token.lower()) if not unicodedata.combining(c))


def surname_of(m: Mention) -> str:
    if m.korean:
        return m.korean[0].lower()
    return m.tokens[-1].lower()


def find_mentions(text: str, start: int, end: int, lex: Lexicon) -> tuple[list[Mention], list]:
    """Person-name candidates in text[start:end] (a paragraph).

    Returns (mentions from runs of two or more capitalized words, and the
    single capitalized words standing alone as (start, word)): a lone word is
    a mention only if it turns out to be the family name of a person the
    article names in full, which the caller knows once all runs are read.
    """
    out, singles = [], []
    memo = lex.run_names
    for run in lex.run_re.finditer(text, start, end):
        words = run.group()
        names = memo.get(words)
        if names is None:
            if len(memo) > 100_000:  # a bounded memo: the same names recur across articles
                memo.clear()
            names = memo[words] = _run_names(words, lex)
        if names is _SINGLE:
            singles.append((run.start(), words))
            continue
        at = run.start()
        for s, e, tokens, korean in names:
            s, e = at + s, at + e
            m = Mention(s, e, text[s:e], tokens, "name" if len(tokens) > 1 else "surname",
                        _pre_title(text, start, s, lex))
            m.korean = korean
            out.append(m)
    return out, singles


_SINGLE = ()  # a run of one word: not a mention by itself


def _run_names(run: str, lex: Lexicon):
    """The names in one run of capitalized words: (start, end offsets in the run, name
    tokens, Korean parts) of each, or _SINGLE for a one-word run.

    A Korean name is taken first, whole ("Park Min Un", though "Un" looks like "UN");
    other names are runs of up to five name words (initials such as "F." and particles
    such as "von" included). A run that starts with words that are not given names
    and goes on with a given name is cut there: "State Jane Q. Doe" is Jane Q. Doe
    (the words before are a title, not part of the name). A run that ends in an
    organization's head word ("Family Union") is no person's name."""
    words = run.replace("\u00a0", " ").split(" ")
    if len(words) == 1:
        return _SINGLE
    offsets, pos = [], 0
    for w in words:
        offsets.append(pos)
        pos += len(w) + 1
    found = []
    i, n = 0, len(words)
    while i < n:
        korean = _korean_at(words, i, lex)
        if korean is not None:
            j, names, parts = korean
            found.append((offsets[i], offsets[j - 1] + len(names[-1]), names, parts))
            i = j
            continue
        j = i
        while j < n and j - i < 5 and (_is_name_word(words[j], lex) or
                                        j > i and j + 1 < n and words[j] in lex.particles):
            j += 1
            if words[j - 1].endswith(("'s", "’s", "'", "’")):
                break
        if j == n - 1 and j > i and _given(words[j - 1], lex) and not words[j].isupper() \
                and ((w := clean_token(words[j]).lower()) in lex.titles or w in lex.surname_words):
            j += 1  # "Tomas King", "Jim West": a title's or a place's word as the family name after a given name
        while j > i and words[j - 1] in lex.particles:
            j -= 1
        if j == i:
            i += 1
            continue
        given = next((k for k in range(i + 1, j) if _given(words[k], lex)), None)
        if given is not None and not _given(words[i], lex) and j - given >= 2:
            i = given  # "State Jane Q. Doe": the name starts at the given name
            continue
        names = tuple(clean_token(w) for w in words[i:j])
        if names[-1].lower() not in lex.org_heads and not _INITIAL.fullmatch(names[-1]):
            found.append((offsets[i], offsets[j - 1] + len(names[-1]), names, korean_parts(names, lex)))
        i = j
    return found


_INITIAL = re.compile(r"(?:[A-Z]\.){1,3}")


def _given(word: str, lex: Lexicon) -> bool:
    return clean_token(word).lower() in lex.given


def _korean_at(words: list, i: int, lex: Lexicon):
    """A Korean name starting at words[i] (family name first, then a hyphenated given name
    or one or two syllables): (end index, tokens, parts), else None."""
    if clean_token(words[i]).lower() not in lex.surnames or words[i].endswith(("'s", "’s")):
        return None
    for j in (i + 3, i + 2):
        if j <= len(words) and (j == i + 2 or not words[i + 1].endswith(("'s", "’s"))):
            tokens = tuple(clean_token(w) for w in words[i:j])
            parts = korean_parts(tokens, lex)
            if parts is not None and all(t[0].isupper() and not t.isupper() for t in tokens[1:]):
                return j, tokens, parts
    return None


def single_mentions(text: str, singles: list, surnames: set, lex: Lexicon,
                    given: set = frozenset()) -> list[Mention]:
    """Mentions for the lone capitalized words that are family names of known people, or
    (hyphenated) the given names of known Korean people (`given`, folded: "Min-seok")."""
    out = []
    for s, word in singles:
        name = clean_token(word)
        known = name.lower() in surnames or lex.surnames.get(name.lower(), "").lower() in surnames \
            or "-" in name and fold_given(name, lex) in given
        if known and (_is_name_word(word, lex) or name.lower() in lex.surname_words):
            out.append(Mention(s, s + len(name), name, (name,), "surname"))
    return out


def _is_name_word(tok: str, lex: Lexicon) -> bool:
    known = lex.name_words.get(tok)
    if known is None:
        known = lex.name_words[tok] = _name_word(tok, lex)
    return known


def _name_word(tok: str, lex: Lexicon) -> bool:
    word = clean_token(tok)
    low = word.lower()
    if not word or not word[0].isupper() or low in lex.not_name or low in lex.titles:
        return False
    if "-turned-" in low:
        return False  # "Defector-turned-lawmaker Jane Doe": a title that opens a sentence, no name
    if "." in word:
        return bool(_INITIAL.fullmatch(word))  # "F.", "G.K." -- but not U.N., Dr. (listed words)
    if len(word) > 1 and word.isupper():
        return False  # an acronym: NATO, UNICEF
    return not any(ch.isdigit() for ch in word)


_CONNECTORS = frozenset(["of", "to", "the", "for", "on", "at", "in", "former", "then"])


def _pre_title(text: str, floor: int, s: int, lex: Lexicon) -> str:
    """The title words standing right before a name ("Seoul Mayor", "Ambassador to the UN")."""
    segment = text[max(floor, s - 120):s]
    if not segment.endswith(" "):
        return ""
    parts = segment[:-1].split(" ")
    kept = 0
    for tok in reversed(parts):
        if not tok or tok[-1] in ",;:()[]\"“”—–" or tok[0] in "(\"“":
            break  # punctuation: the title ended there
        low = tok.lower()
        if tok[0].isupper() or low in _CONNECTORS or low in lex.titles:
            kept += 1
            continue
        break
    if not kept:
        return ""
    words = parts[len(parts) - kept:]
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    if not {title_word(w) for w in words} & lex.titles:
        return ""
    return " ".join(words)


_LEADING = frozenset(["of", "to", "the", "for", "on", "at", "in"])


_APPOSITION = re.compile(
    r"\s*,\s*((?:(?:a|an|the)\s+)?[^,;:\"“”]{3,160}?)"
    r"(?=,|;|\s+(?:who|which|speaks|spoke|said|says|told|is|was|were|are|has|had)\b|(?<![A-Z])\.\s|$)")
_NOT_ROLE = re.compile(
    r"(?:and|or|but|as|who|which|both|including|are|is|was|were|has|have|had|will|would|can|could|also|"
    r"not|to|in|on|at|with|along|from|by|after|before|during|while|when|where)\b", re.I)
_LAST_TWO = re.compile(r"(\S+)\s+(\S+)$")
_WHO = re.compile(r"\s*,?\s*who\s+([^,;\"“”]{3,200})")


def apposition(text: str, end: int, limit: int, lex: Lexicon) -> tuple[str, str]:
    """(short role, longer role evidence) from the apposition after a name ending at `end`."""
    m = _APPOSITION.match(text, end, limit)
    if not m:
        who = _WHO.match(text, end, limit)
        return "", who.group(1) if who else ""
    role = m.group(1).strip()
    last_two = _LAST_TWO.search(role)
    ends_with_name = last_two and all(_is_name_word(t, lex) for t in last_two.groups())
    first = role.split(maxsplit=1)[0].lower()
    if _NOT_ROLE.match(role) or ends_with_name or first in lex.speech_verbs:
        return "", ""  # a list of names or a predicate, not an apposition
    if re.fullmatch(r"[A-Z][\w’'-]*(?:\s[A-Z][\w’'-]*){0,2}", role):
        return "", ""  # "Kim, Lee and Park" is a list; "Doe, Representative of ..." a role
    evidence = role
    rest = text[m.end():limit]
    who = _WHO.match(rest)
    if who:
        evidence += "; " + who.group(1)
    return re.sub(r"^(?:a|an|the)\s+", "", role, flags=re.I), evidence


_CLAUSE_START = re.compile(r"(?<![A-Z])[.;:!?]\s+|^")  # not the dot of "U.N."


def role_before(text: str, floor: int, s: int, lex: Lexicon) -> str:
    """A role that opens the sentence and names the person after a comma:
    "The UN's special rapporteur on Dorland, Jane Doe, said ..."."""
    if text[max(floor, s - 2):s] != ", ":
        return ""
    lo = max(floor, s - 160)
    head = text[lo:s - 2]
    cut = [m.end() for m in _CLAUSE_START.finditer(head)]
    segment = head[cut[-1]:] if cut else head
    if "," in segment or not segment or len(segment.split()) > 14:
        return ""
    words = {title_word(w) for w in segment.split()}
    return segment.strip() if words & lex.titles else ""
