"""Themes: every codebook term found in an article's sentences.

What it extracts: one row per match of a theme codebook term (see
:mod:`nkhr.codebooks` for the term syntax: words, phrases, globs, Korean
terms matched inside words, regexes) with the theme, the term as written in
the codebook and the text matched, at its offsets in the cleaned text.

How: the codebook's :class:`~nkhr.codebooks.TermMatcher` runs a few combined
regex passes over the lower-cased article; each match is mapped to its
sentence with one vectorized ``searchsorted`` (``Doc.sentences_at``). A match
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
    out: dict[str, list] = {c: [] for c in COLUMNS}
    terms, text, sid = codebook.terms, doc.text, doc.source_id
    for start, end, ti, si in sentence_hits(codebook.matcher, doc, frozenset(kinds)):
        term = terms[ti]
        out["source_id"].append(sid)
        out["sent_id"].append(Doc.sent_id(si))
        out["start"].append(start)
        out["end"].append(end)
        out["theme"].append(term.category)
        out["term"].append(term.text)
        out["matched"].append(text[start:end])
    return out
