"""Themes: every codebook term found in an article's sentences.

What it extracts: one row per match of a theme codebook term (see
:mod:`nkhr.codebooks` for the term syntax: words, phrases, globs, Korean
terms matched inside words, regexes) with the theme, the term as written in
the codebook and the text matched, at its offsets in the cleaned text.

How: the codebook's :class:`~nkhr.codebooks.TermMatcher` runs a few combined
regex passes over the lower-cased article; each match is mapped to its
sentence by binary search (``codebooks.sentence_hits``). A match
must lie inside one sentence (a phrase never spans two); matches in photo
captions are left out by default (captions repeat the body and describe
photos, not what anyone said). The pipeline adds ``speaker``.
"""

from __future__ import annotations

from ..codebooks import ThemeCodebook, sentence_hits
from ..doc import Doc

COLUMNS = ("source_id", "sent_id", "start", "end", "theme", "term", "matched")
KINDS = ("title", "heading", "body")


def find_themes(doc: Doc, codebook: ThemeCodebook, kinds=KINDS) -> dict[str, list]:
    """Theme matches in `doc`: columns source_id, sent_id, start, end, theme, term, matched.

    `kinds`: the paragraph kinds searched (default title, heading and body;
    add ``"caption"`` to count photo captions too). Rows are in text order.
    """
    hits = sentence_hits(codebook.matcher, doc, frozenset(kinds))
    if not hits:
        return {c: [] for c in COLUMNS}
    starts, ends, tis, sis = (list(col) for col in zip(*hits, strict=True))
    terms, text, sent_id = codebook.terms, doc.text, Doc.sent_id
    return {
        "source_id": [doc.source_id] * len(hits),
        "sent_id": [sent_id(si) for si in sis],
        "start": starts,
        "end": ends,
        "theme": [terms[ti].category for ti in tis],
        "term": [terms[ti].text for ti in tis],
        "matched": [text[s:e] for s, e in zip(starts, ends, strict=True)],
    }
