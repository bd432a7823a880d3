"""How predictions are matched to gold rows: text normalization and name equality.

A predicted span matches a gold row when it contains the first five words of
the gold row's start (``quote_start`` or ``sentence_start``), compared
case-, punctuation- and quote-style-insensitively. Two speaker names match
when they are equal after ignoring order, hyphens and titles, or one is an
alias of the other.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
TITLES = frozenset(["mr", "mrs", "ms", "dr", "prof", "professor", "mayor", "minister", "ambassador", "president", "secretary", "general", "envoy", "special", "rapporteur", "director", "chairman", "chairwoman", "chair", "ceo", "representative", "rep", "sen", "senator", "gov", "governor", "gen", "lt", "col", "vice", "deputy", "former"])


def words(text: str) -> list[str]:
    """Lowercased word tokens with punctuation and quote marks removed."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = text.replace("'", "")  # don't / Korea's -> dont / koreas on both sides
    return [w for w in _NON_WORD.split(text.lower()) if w]


def normalize(text: str) -> str:
    return " ".join(words(text))


def contains_start(text: str, start: str, n_words: int = 5) -> bool:
    """Does `text` contain the first `n_words` words of `start` (normalized)?"""
    head = " ".join(words(start)[:n_words])
    return bool(head) and f" {head} " in f" {normalize(text)} "


def name_key(name: str) -> frozenset[str]:
    """Order-, hyphen- and title-insensitive key of a person's name."""
    tokens = [t for t in words(name.replace("-", "")) if t not in TITLES]
    return frozenset(tokens)


def names_match(a: str | None, b: str | None, aliases: dict[str, set[str]] | None = None) -> bool:
    """True when `a` and `b` name the same person.

    `aliases` maps a canonical name to its alias set (from a gold speakers.csv);
    then a name matches a canonical name when it equals any of its aliases.
    """
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b:
        return False
    ka, kb = name_key(a), name_key(b)
    if ka == kb and ka:
        return True
    for canon, alias_set in (aliases or {}).items():
        keys = {name_key(canon)} | {name_key(x) for x in alias_set}
        if ka in keys and kb in keys:
            return True
    return False
