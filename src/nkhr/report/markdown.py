"""Put untrusted text (quotes, titles, names, outlets, URLs) into Pandoc Markdown as data.

Everything the brief shows that comes from an article is text from a web
page: it may hold ``<script>``, ``<img onerror=...>``, Markdown, raw HTML,
Typst code (``#read("/etc/passwd")``), Quarto shortcodes (``{{< include >}}``)
or ``$math$``. The brief's Markdown is read by Pandoc (and by Quarto when it
is installed) and written as HTML and as Typst, so that text must reach both
writers as literal characters.

How: Pandoc Markdown's ``all_symbols_escapable`` extension (on in Pandoc's
and Quarto's Markdown) makes a backslash before *any* ASCII punctuation mark
a literal character. :func:`escape` backslash-escapes every ASCII
punctuation mark, so no Markdown, HTML, entity, math, attribute, citation or
shortcode syntax can start; it folds line breaks and other whitespace to a
single space (the text is inline and cannot open a block) and drops control
characters. A shortcode ``{{<`` becomes ``\\{\\{\\<``, which no longer
contains the three characters Quarto looks for. The writers then escape the
literal characters for their own language (``&lt;`` in HTML, ``\\#`` in
Typst).

Links are the one place a string becomes an address: :func:`link` keeps only
``http``/``https`` addresses (a ``javascript:`` or ``data:`` URL is shown as
text and never linked) and percent-encodes every character that could end
or alter the destination.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote, urlsplit

# Every ASCII punctuation mark: all of them are escapable in Pandoc Markdown.
_PUNCT = frozenset(string.punctuation)
_SPACE = re.compile(r"\s+")
# Characters a URL may keep as they are; everything else is percent-encoded.
# Parentheses, angle brackets, quotes, backslash, backtick, braces and spaces are not in it.
_URL_SAFE = "/:?#[]@!$&*+,;=%-._~"


class Markup(str):
    """Markdown already built from escaped parts: :func:`escape` passes it through unchanged.

    :func:`link`, :func:`emphasis` and :func:`strong` return Markup, so their
    results can be table cells or parts of other Markup.
    """


def _clean(text: object) -> str:
    if text is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(text):
            return ""
    except (TypeError, ValueError, ImportError):
        pass
    s = str(text)
    # Drop control and format characters that are not whitespace (NUL, ESC,
    # bidi overrides ...); fold every run of whitespace into one space.
    s = "".join(ch for ch in s if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return _SPACE.sub(" ", s).strip()


def escape(text: object) -> str:
    """Pandoc Markdown for `text` as literal inline text.

    Every ASCII punctuation mark is backslash-escaped, whitespace runs
    (including line breaks) become one space, control characters are dropped;
    ``None``/NA gives ``""``. The result can go anywhere inline text can: a
    paragraph, a heading, a list item, a block quote line, a pipe-table cell
    (``|`` is escaped too), a link's text.
    """
    if isinstance(text, Markup):
        return str(text)
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in _clean(text))


def safe_url(url: object) -> str | None:
    """`url` percent-encoded for a Markdown link destination, or None if it is not http(s).

    Only absolute ``http://`` and ``https://`` addresses with a host are kept;
    ``javascript:``, ``data:``, ``file:``, relative and malformed addresses give
    None (show them as text, never as a link).
    """
    s = _clean(url)
    if not s:
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(s, safe=_URL_SAFE)


def link(text: object, url: object) -> str:
    """A Markdown link with literal `text` to `url`, or just the escaped text if the URL is unsafe."""
    label = escape(text) or escape(url)
    target = safe_url(url)
    if target is None:
        return Markup(label)
    return Markup(f"[{label}](<{target}>)")


def emphasis(text: object) -> str:
    """Literal `text` in italics (empty text gives "")."""
    e = escape(text)
    return Markup(f"*{e}*" if e else "")


def strong(text: object) -> str:
    """Literal `text` in bold (empty text gives "")."""
    e = escape(text)
    return Markup(f"**{e}**" if e else "")


def blockquote(text: object, attribution: str = "") -> str:
    """A block quote of literal `text`; `attribution` is Markdown already built from escaped parts."""
    body = f"> {escape(text)}"
    if attribution:
        body += f"\n>\n> --- {attribution}"
    return body


def bullets(items: Iterable[str]) -> str:
    """A bullet list of Markdown items (each already escaped or built from escaped parts)."""
    return "\n".join(f"- {item}" for item in items)


def table(header: Sequence[str], rows: Iterable[Sequence[object]],
          align: Sequence[str] | None = None, caption: str = "",
          widths: Sequence[int] | None = None) -> str:
    """A pipe table; every header and cell is escaped as literal text.

    `align` holds one of ``"l"``, ``"r"``, ``"c"`` per column (default left).
    `caption` is escaped too; a :class:`Markup` cell is kept as it is. An
    empty `rows` still gives the header row. Pandoc sizes the columns of a
    wide pipe table (a line over 72 characters) by the dashes of the rule
    line, so each column then gets dashes in proportion to its longest cell
    (at least its header's length + 4, at most 40), or to `widths` when
    given; a narrow table keeps its natural widths.
    """
    align = list(align or ["l"] * len(header))
    raw = [[c if isinstance(c, Markup) else _clean(c) for c in row] for row in rows]
    head = [escape(h) for h in header]
    body = [[escape(c) or " " for c in row] for row in raw]
    lines = ["| " + " | ".join(head) + " |"] + ["| " + " | ".join(row) + " |" for row in body]
    if widths is not None:
        widths = [max(3, int(w)) for w in widths]
    elif max(len(line) for line in lines) <= 72:
        # Pandoc keeps a narrow pipe table at its natural column widths.
        widths = [3] * len(header)
    else:
        # A wide one gets relative widths from the rule line's dashes: each column's
        # dashes follow its longest cell, at least its header (+4) and at most 40.
        widths = [min(40, max([len(_clean(h)) + 4, *(_width(r[i]) for r in raw)]))
                  for i, h in enumerate(header)]
    marks = {"l": (":", ""), "r": ("", ":"), "c": (":", ":")}
    rule = ["{}{}{}".format(marks[a][0], "-" * w, marks[a][1])
            for a, w in zip(align, widths, strict=True)]
    lines.insert(1, "|" + "|".join(rule) + "|")
    out = "\n".join(lines)
    if caption:
        out += f"\n\n: {escape(caption)}"
    return out


def _width(cell: str) -> int:
    """How wide a cell needs to be: the characters it shows (for Markup: without the link
    target and escapes), a third more when it cannot wrap (no space: an id, a hash)."""
    if isinstance(cell, Markup):
        cell = re.sub(r"\]\(<[^>]*>\)", "]", cell).replace("\\", "").strip("[]*")
    return len(cell) if " " in cell else (len(cell) * 4 + 2) // 3


def heading(text: object, level: int = 2) -> str:
    """An ATX heading with literal `text`."""
    return f"{'#' * level} {escape(text)}"
