"""Finding and reading the YAML codebooks researchers edit.

A codebook named NAME (themes, frames, speakers, cues, roles, furniture, names)
is looked up in this order:

1. the path given explicitly (a function argument or a CLI flag);
2. ``$NKHR_CODEBOOKS/NAME.yml`` when that environment variable names a folder;
3. ``data/codebooks/NAME.yml`` in the current folder or one of its parents
   (so notebooks running in ``notebooks/`` find the project's codebooks);
4. the default shipped inside the package (``nkhr/resources/codebooks/``).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import re2
import yaml

from .errors import CodebookError
from .provenance import sha256_bytes

RESOURCES = Path(str(resources.files("nkhr") / "resources" / "codebooks"))


def locate(name: str, path: str | os.PathLike | None = None) -> Path:
    """The file codebook `name` is read from (see the module docstring for the order)."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise CodebookError(str(p), f"no such {name} codebook file")
        return p
    env = os.environ.get("NKHR_CODEBOOKS")
    if env and (Path(env) / f"{name}.yml").is_file():
        return Path(env) / f"{name}.yml"
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data" / "codebooks" / f"{name}.yml"
        if candidate.is_file():
            return candidate
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            break
    return RESOURCES / f"{name}.yml"


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when built with it
    """A SafeLoader that records the line of every mapping and sequence item."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping = LineDict(mapping)
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                         if isinstance(k, yaml.ScalarNode)}
    return mapping


def _construct_sequence(loader, node, deep=False):
    seq = LineList(yaml.SafeLoader.construct_sequence(loader, node, deep=deep))
    seq.line = node.start_mark.line + 1
    seq.item_lines = [n.start_mark.line + 1 for n in node.value]
    return seq


class LineDict(dict):
    line: int = 0
    key_lines: dict = {}


class LineList(list):
    line: int = 0
    item_lines: list = []


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: str | os.PathLike) -> tuple[object, str]:
    """Parse a YAML file; return (data with line numbers, sha256 of its bytes).

    Mappings come back as :class:`LineDict` (``.line``, ``.key_lines``) and
    lists as :class:`LineList` (``.line``, ``.item_lines``), so a later check
    can name the line of a bad entry. Bad YAML raises :class:`CodebookError`
    with the file and line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CodebookError(str(path), f"cannot read: {e.strerror}") from None
    try:
        loader = _LineLoader(raw.decode("utf-8"))
        try:
            node = loader.get_single_node()
            _check_aliases(node, str(path))
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except UnicodeDecodeError:
        raise CodebookError(str(path), "not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        raise CodebookError(str(path), f"invalid YAML: {problem}", line) from None
    except RecursionError:
        raise CodebookError(str(path), "invalid YAML: nested too deeply") from None
    digest = sha256_bytes(raw)
    _VERSIONS[digest] = data.get("version") if isinstance(data, dict) else None
    return data, digest


# sha256 of a YAML file's bytes -> the `version:` it declares, noted by load_yaml: the run's
# record asks for the version of every codebook it has just loaded, and parsing them all
# again costs a tenth of a second
_VERSIONS: dict[str, object] = {}


def yaml_version(path: str | os.PathLike):
    """The `version:` YAML file `path` declares (None when it declares none)."""
    try:
        digest = sha256_bytes(Path(path).read_bytes())
    except OSError:
        digest = None
    if digest not in _VERSIONS:
        _, digest = load_yaml(path)  # (raises CodebookError for what it cannot read)
    return _VERSIONS[digest]


MAX_ALIAS_ITEMS = 10_000  # what aliases (*name) may add to a YAML file, in items


def _check_aliases(root, path: str) -> None:
    """Refuse a YAML document whose aliases repeat more than MAX_ALIAS_ITEMS items (a
    "billion laughs": nine lines of nested aliases make billions of items, and memory
    runs out as soon as anything walks them), naming the line where they go too far."""
    sizes: dict[int, int] = {}

    def size(node) -> int:  # items under `node`, every alias expanded (counted once per node)
        got = sizes.get(id(node))
        if got is None:
            kids = _children(node)
            got = sizes[id(node)] = 1 + sum(size(k) for k in kids)
        return got

    seen: set[int] = set()
    added = 0
    todo = [root] if root is not None else []
    while todo:
        node = todo.pop()
        for kid in _children(node):
            if id(kid) in seen:  # an alias: what it repeats
                added += size(kid)
                if added > MAX_ALIAS_ITEMS:
                    raise CodebookError(path, f"aliases (*name) repeat more than {MAX_ALIAS_ITEMS:,} "
                                              f"items; refused (a YAML alias bomb?)", node.start_mark.line + 1)
            else:
                seen.add(id(kid))
                todo.append(kid)


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


# ---------------------------------------------------------------------------
# Terms: the one syntax every dictionary codebook (themes, frame cues) shares
# ---------------------------------------------------------------------------
#
# A term is written in one of these ways (the codebooks' headers repeat this):
#
# - a word or phrase, ``forced labor``: English terms match whole words,
#   case-insensitively, with any run of whitespace between the words;
# - a glob, ``repatriat*`` or ``wom?n``: ``*`` is any run of word characters
#   (none included), ``?`` exactly one (quanteda's globs, within a word);
# - a Korean term (any Hangul in it), ``강제북송`` or ``해외 노동자``: matches
#   inside words, because Korean attaches particles (``인권을``, ``북한인권``);
#   a space in it matches any whitespace or none;
# - a regular expression, ``/at the (expense|cost) of/`` or the mapping
#   ``{re: 'at the (expense|cost) of'}``: Python syntax, case-insensitive, no
#   implicit word boundaries (write ``\b`` yourself). It runs on RE2, whose time
#   grows linearly with the text whatever the pattern (Python's `re` can take
#   forever on a pattern such as ``(a+)+$``), so what needs backtracking is
#   refused when the codebook is read: back-references, look-arounds (``(?=``,
#   ``(?!``, ``(?<=``, ``(?<!``), atomic groups, and named groups. ``\w``,
#   ``\d`` and ``\s`` mean what they mean in Python (any letter, digit, space);
#   ``\b`` is a boundary between an ASCII letter, digit or _ and anything else.
#
# Matching runs over the lower-cased text in very few regex passes: one over
# the word starts for every term that begins with a literal word, one over the
# characters that can begin a Korean or regex term, and one per regex term
# without a literal beginning. Each candidate is confirmed by the term's own
# compiled pattern, so a term matches exactly where ``re.finditer`` of its own
# pattern over the text would. Within one category (a theme, a cue set) the
# leftmost, then longest, match wins and overlapping matches of that category
# are dropped; different categories never hide each other's matches.

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


@dataclass(frozen=True)
class Term:
    """One compiled codebook term."""
    category: str          # the theme (path joined by '/') or cue set it belongs to
    text: str              # as written in the codebook
    kind: str              # word, phrase, glob, korean or regex
    source: str | re.Pattern | Re2Pattern  # its pattern; compiled when first needed (see `pattern`)
    heads: tuple[tuple[str, bool], ...]  # (lower-cased literal beginning, at a word start)
                                         # for the candidate passes; () = scan the whole text
    exclude: bool = False  # an exception: its matches are dropped, with what they overlap
    line: int | None = None
    literal: bool = False  # a match is exactly its head (no glob, no regex)
    compiled: re.Pattern | Re2Pattern | None = field(default=None, compare=False, repr=False)

    @property
    def pattern(self) -> re.Pattern | Re2Pattern:
        """The term's pattern, applied to the lower-cased text. A word, phrase, glob or
        Korean term is compiled the first time a candidate needs it (many never do in a
        run); a user's regex was compiled, and checked, when the codebook was read."""
        if self.compiled is None:
            source = self.source
            object.__setattr__(self, "compiled", re.compile(source) if isinstance(source, str) else source)
        return self.compiled


def _glob_piece(piece: str) -> str:
    out = []
    for ch in piece:
        if ch == "*":
            out.append(r"\w*")
        elif ch == "?":
            out.append(r"\w")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _literal_head(pieces: list[str]) -> str:
    """The literal beginning of a glob term's words (up to the first * or ?)."""
    head = []
    for piece in pieces:
        cut = min((i for i in (piece.find("*"), piece.find("?")) if i >= 0), default=-1)
        if cut >= 0:
            head.append(piece[:cut])
            break
        head.append(piece)
    return " ".join(head).strip()


def _tokens(src: str):
    """(index, token, inside a character class) for each token of regex `src`: an escape
    (two characters) or one character. A ] first in a class ([]..] or [^]..]) is literal."""
    i, in_class = 0, False
    while i < len(src):
        c = src[i]
        if c == "\\":
            yield i, src[i:i + 2], in_class
            i += 2
            continue
        yield i, c, in_class
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            first = i + 1 + (src[i + 1:i + 2] == "^")
            if src[first:first + 1] == "]":
                yield from ((k, src[k], True) for k in range(i + 1, first + 1))
                i = first
        i += 1


def _structure(src: str):
    """(index, char, depth before it) of each regex metacharacter ( ) | outside classes."""
    depth = 0
    for i, c, in_class in _tokens(src):
        if not in_class and c in ("(", ")", "|"):
            yield i, c, depth
            depth += 1 if c == "(" else -1 if c == ")" else 0


def _top_level_alternation(src: str) -> bool:
    return any(c == "|" and depth == 0 for _, c, depth in _structure(src))


def _split_group(s: str) -> tuple[list[str], str] | None:
    """For `s` starting with ``(?:``: (its top-level alternatives, the text after it)."""
    cut, alts = 3, []
    for i, c, depth in _structure(s):
        if c == ")" and depth == 1:
            alts.append(s[cut:i])
            return alts, s[i + 1:]
        if c == "|" and depth == 1:
            alts.append(s[cut:i])
            cut = i + 1
    return None


def _literal_prefix(s: str, limit: int = 40) -> list[str] | None:
    r"""The literal beginnings (lower-cased) every match of regex `s` starts with; None if unknown.

    Follows literal characters, ``\s``/``\s+`` (as a space) and groups of
    alternatives (``(?:only|just)`` gives one beginning per alternative), and
    stops at anything else; a beginning only needs to be a prefix of the match.
    """
    heads, _ = _prefixes(s, limit)
    heads = sorted({h.rstrip() for h in heads})
    return None if not heads or any(not h for h in heads) else heads


def _prefixes(s: str, limit: int) -> tuple[list[str], bool]:
    if _top_level_alternation(s):
        return [""], False
    heads, i = [""], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and s[i + 1:i + 2] == "b":
            i += 2
            continue
        if c == "\\" and s[i + 1:i + 2] == "s":
            ch, width = " ", 2
        elif c == "\\" and s[i + 1:i + 2] in (".", "-", "'", "/", " "):
            ch, width = s[i + 1], 2
        elif c.isalnum() or c in " '-_":
            ch, width = c.lower(), 1
        elif s.startswith("(?:", i):
            split = _split_group(s[i:])
            if split is None or split[1][:1] in ("?", "*", "{"):
                return heads, False
            alts, rest = split
            subs = [_prefixes(alt, limit) for alt in alts]
            new = [h + p for h in heads for ps, _ in subs for p in ps]
            if len(new) > limit or any(not p for ps, _ in subs for p in ps):
                return heads, False
            heads = new
            if not all(done for _, done in subs) or rest[:1] == "+":
                return heads, False
            i = len(s) - len(rest)
            continue
        else:
            return heads, False
        after = s[i + width:i + width + 1]
        if ch == " " and after == "+":  # a run of whitespace is one space in a beginning
            width += 1
            after = s[i + width:i + width + 1]
        if after in ("?", "*", "{"):
            return heads, False
        heads = [h if ch == " " and h.endswith(" ") else h + ch for h in heads]
        i += width
        if after == "+":
            return heads, False
    return heads, True


def _regex_heads(src: str) -> tuple[tuple[str, bool], ...]:
    """(head, must start a word) for each literal text a match of regex `src` can begin with."""
    s, bounded = src, False
    for prefix in (r"\b", r"(?<!\w)"):
        if s.startswith(prefix):
            s, bounded = s[len(prefix):], True
            break
    heads = _literal_prefix(s)
    if not heads:
        return ()
    return tuple((h, bounded and (h[0].isalnum() or h[0] == "_")) for h in heads)


def compile_term(entry, category: str, path: str, line: int | None,
                 exclude: bool = False) -> Term:
    """Compile one codebook entry (a string, or ``{re: PATTERN}``); refuse a bad one.

    Raises :class:`CodebookError` naming `path` and `line` for an empty term, a
    glob that matches anything, an invalid or unsafe regex.
    """
    where = f"{category!r}"
    if isinstance(entry, dict):
        keys = set(entry)
        if not keys or not keys <= {"re", "regex"} or len(keys) != 1:
            raise CodebookError(path, f"term in {where}: a mapping term must be {{re: PATTERN}}, "
                                      f"got keys {sorted(map(str, keys))}", getattr(entry, "line", line))
        return _compile_regex(str(next(iter(entry.values()))), category, path,
                              getattr(entry, "line", line), exclude)
    if isinstance(entry, bool) or entry is None or isinstance(entry, list | dict):
        raise CodebookError(path, f"term in {where}: expected a word, phrase, glob or regex, "
                                  f"got {entry!r}", line)
    text = str(entry).strip()
    if len(text) > 2 and text.startswith("/") and text.endswith("/"):
        return _compile_regex(text[1:-1], category, path, line, exclude, written=text)
    if not text:
        raise CodebookError(path, f"empty term in {where}", line)
    if not re.search(r"[^\s*?]", text):
        raise CodebookError(path, f"term {text!r} in {where} would match anything", line)
    low = text.lower()
    pieces = low.split()
    if _HANGUL.search(text):
        body = pattern = r"\s*".join(_glob_piece(p) for p in pieces)
        head = _literal_head(pieces).split(" ")[0]
        kind, bounded = "korean", False
    else:
        body = r"\s+".join(_glob_piece(p) for p in pieces)
        pattern = r"(?<!\w)" + body + r"(?!\w)"
        head = _literal_head(pieces)
        kind = "glob" if ("*" in text or "?" in text) else ("phrase" if len(pieces) > 1 else "word")
        bounded = bool(head) and (head[0].isalnum() or head[0] == "_")
    heads = ((head, bounded),) if head else ()
    literal = kind in ("word", "phrase") or (kind == "korean" and len(pieces) == 1
                                             and "*" not in text and "?" not in text)
    # `re` backtracks over a glob's \w*: over one per word start for an English glob with
    # one * (linear), but over every pair, triple... of positions in a word with two or more,
    # or with one inside words (Korean): a long enough word would hang the run
    if text.count("*") >= (1 if kind == "korean" else 2):
        try:
            pattern = Re2Pattern(body, word_edges=kind == "glob")
        except re2.error as e:
            raise CodebookError(path, f"term {text!r} in {where}: {_re2_why(e)}", line) from None
    return Term(category, text, kind, pattern, heads, exclude, line, literal)


def _compile_regex(src: str, category: str, path: str, line: int | None, exclude: bool,
                   written: str | None = None) -> Term:
    written = written or f"/{src}/"
    if not src.strip():
        raise CodebookError(path, f"empty regex in {category!r}", line)
    if _BACKREF.search(src):
        raise CodebookError(path, f"regex {written} in {category!r}: back-references are not "
                                  f"supported (terms are combined into one search)", line)
    try:
        checked = re.compile(src, re.IGNORECASE)  # Python's syntax, and its error messages
    except re.error as e:
        raise CodebookError(path, f"invalid regex {written} in {category!r}: {e.msg}"
                                  f" (at position {e.pos})", line) from None
    if checked.groupindex:
        raise CodebookError(path, f"regex {written} in {category!r}: named groups are not "
                                  f"supported; use (?:...)", line)
    try:
        pattern = Re2Pattern(src)
    except re2.error as e:
        raise CodebookError(path, f"regex {written} in {category!r}: {_re2_why(e)}; codebook regexes run on "
                                  f"RE2, which never backtracks (so no text can make it hang): write "
                                  f"it without look-arounds, back-references or atomic groups", line) from None
    if pattern.match("", 0) is not None:
        raise CodebookError(path, f"regex {written} in {category!r} matches the empty text; "
                                  f"it would match everywhere", line)
    return Term(category, written, "regex", pattern, _regex_heads(src), exclude, line)


def _re2_why(e: re2.error) -> str:
    return e.args[0].decode(errors="replace") if e.args and isinstance(e.args[0], bytes) else str(e)


# Python's \w, \d and \s (Unicode) in RE2's syntax, where they are ASCII only
_RE2_CLASSES = {"w": r"\p{L}\p{N}_", "d": r"\p{Nd}", "s": r"\s\v\p{Z}\x1c-\x1f\x85"}


def _to_re2(src: str) -> str:
    r"""Regex `src` in Python's syntax -> RE2's, with Python's meaning of \w \d \s \W \D \S \Z."""
    out = []
    for _, tok, in_class in _tokens(src):
        e = tok[1:]
        if tok[0] != "\\" or not e:
            out.append(tok)
        elif e.lower() in _RE2_CLASSES and (not in_class or e.islower()):
            body = _RE2_CLASSES[e.lower()]
            out.append(body if in_class else f"[{'^' if e.isupper() else ''}{body}]")
        else:
            out.append(r"\z" if e == "Z" else tok)
    return "".join(out)


def _re2_options(longest: bool = False, capture: bool = False) -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is our error message, not a log line
    options.never_capture = not capture  # groups only group: RE2 then finds just the match's span
    options.longest_match = longest
    return options


_FIRST, _LONGEST, _LONGEST_GROUPS = _re2_options(), _re2_options(True), _re2_options(True, True)
_START, _ANYWHERE = re2._re2.RE2.Anchor.ANCHOR_START, re2._re2.RE2.Anchor.UNANCHORED


def _re2(src: str, options: re2.Options):
    compiled = re2._re2.RE2(("(?i)" + src).encode(), options)
    if not compiled.ok():
        raise re2.error(compiled.error())
    return compiled


class Re2Pattern:
    r"""A codebook regex or glob compiled by RE2, matched case-insensitively on the UTF-8
    bytes of a text (encoded once per text, whatever the number of calls), with the two
    calls of Python's patterns the matcher makes: ``match(text, pos)`` and ``finditer(text)``.
    It calls google-re2's compiled object itself: its Python layer would encode the
    whole text again at each call, and the matcher makes one per candidate.

    `word_edges`: `src` matches only as ``(?<!\w)src(?!\w)`` would in Python (a glob
    term), which RE2 cannot say: the longest match is taken (a glob's match must end at
    the end of a word, so it is the only one that can) and its edges checked.
    """

    def __init__(self, src: str, word_edges: bool = False):
        self.source, self.word_edges = src, word_edges
        body = _to_re2(src)
        self._re = _re2(body, _LONGEST if word_edges else _FIRST)
        # for finditer: a non-word character (the text is padded with a space) before the match
        self._scan = _re2(f"[^{_RE2_CLASSES['w']}]({body})", _LONGEST_GROUPS) if word_edges else None

    def __getstate__(self):  # sent to workers as its source
        return self.source, self.word_edges

    def __setstate__(self, state):
        self.__init__(*state)

    def match(self, text: str, pos: int = 0) -> _Span | None:
        last, data, starts = _LAST_UTF8
        if last is not text:
            data, starts = _utf8(text)
        edges = self.word_edges
        if edges and pos and _WORD_CHAR.match(text, pos - 1):
            return None
        if starts is None:  # ASCII: a byte is a character
            (a, b), = self._re.Match(_START, data, pos, len(data))
            found = None if a < 0 else _Span(a, b)
        else:
            (a, b), = self._re.Match(_START, data, int(starts[pos]), len(data))
            found = None if a < 0 else _Span(*np.searchsorted(starts, (a, b)).tolist())
        if edges and found is not None and _WORD_CHAR.match(text, found.stop):
            return None
        return found

    def finditer(self, text: str):
        data, starts = _utf8(text)

        def span(a: int, b: int) -> _Span:
            return _Span(a, b) if starts is None else _Span(*np.searchsorted(starts, (a, b)).tolist())

        pos, end = 0, len(data)
        if self.word_edges:
            data = b" " + data  # offsets one byte on
            while True:
                (_, _), (a, b) = self._scan.Match(_ANYWHERE, data, pos, end + 1)
                if a < 0:
                    return
                found = span(a - 1, b - 1)
                if _WORD_CHAR.match(text, found.stop):  # no match starts here: look after it
                    pos = a
                else:
                    yield found
                    pos = b - 1  # the next may follow a non-word character that ends this one
                    while data[pos] & 0xC0 == 0x80:  # (the first byte of that character)
                        pos -= 1
            return
        while pos <= end:
            (a, b), = self._re.Match(_ANYWHERE, data, pos, end)
            if a < 0:
                return
            yield span(a, b)
            pos = b if b > a else b + 1  # an empty match: go on after it (never split a character:
            while pos < end and data[pos] & 0xC0 == 0x80:  # skip the rest of its UTF-8 bytes)
                pos += 1


_LAST_UTF8: tuple = (None, b"", None)  # the last text encoded (held: its id stays unique), as _utf8 gives it


def _utf8(text: str) -> tuple[bytes, np.ndarray | None]:
    """(UTF-8 bytes of `text`, the byte offset of each character and of the end; None when
    `text` is ASCII, its offsets then the same)."""
    global _LAST_UTF8
    last, data, starts = _LAST_UTF8
    if last is text:
        return data, starts
    if text.isascii():
        data, starts = text.encode("ascii"), None
    else:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        widths = 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)
        data, starts = text.encode("utf-8"), np.concatenate(([0], np.cumsum(widths)))
    _LAST_UTF8 = (text, data, starts)
    return data, starts


class _Span(NamedTuple):
    """Where a match lies, with the two methods of a `re.Match` the matcher calls."""
    begin: int
    stop: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop


def trie_pattern(words, space: str = r"\s+") -> str:
    """A regex matching any of `words` (longest first), written as a trie ("sa(?:id|ys)|..."):
    `re` then decides at each position with a character or two where a plain alternation
    of many words would try each in turn. A space in a word matches `space`."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        alts = [(space if ch == " " else re.escape(ch)) + build(child)
                for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


_WORD_CHAR = re.compile(r"\w")


def sentence_hits(matcher: TermMatcher, doc, kinds) -> list[tuple[int, int, int, int]]:
    """(start, end, term index, sentence index) of each match lying inside one sentence
    of `doc` (a :class:`nkhr.doc.Doc`) whose paragraph kind is in `kinds`, in text order."""
    sent_start = doc.sent_start
    if not sent_start:
        return []
    hits = matcher.find(doc.text)
    if not hits:
        return []
    # a few dozen hits per article: bisect beats building numpy arrays
    sent_end, sent_para, para_kind = doc.sent_end, doc.sent_para, doc.para_kind
    out = []
    for start, end, ti in hits:
        si = bisect_right(sent_start, start) - 1
        if si >= 0 and end <= sent_end[si] and para_kind[sent_para[si]] in kinds:
            out.append((start, end, ti, si))
    return out


def lower_text(text: str) -> str:
    """`text` lower-cased with every character kept at its offset."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


class _Scanner:
    """The candidate passes for a set of heads: where each head can begin a match.

    One scanner may serve several matchers (see :func:`share_scan`): the
    themes and the frame cues of an article then cost one pass over its text,
    and each matcher keeps the heads it knows (a head it does not know is
    resolved to its own heads that begin it, often none).
    """

    def __init__(self, heads):
        bounded = sorted({h for h, b in heads if b})
        free = sorted({h for h, b in heads if not b})
        # `\W` needs a character before a word start (the text is padded with a space)
        self.word_re = re.compile(r"\W(?=(" + trie_pattern(bounded) + "))") if bounded else None
        # a free head may start anywhere: the pattern begins with the set of first characters,
        # so `re` skips every other character fast, then steps back one character and
        # captures the longest head from there (a lookahead inside a one-character lookbehind)
        firsts = "".join(re.escape(c) for c in sorted({h[0] for h in free}))
        self.free_re = re.compile(f"[{firsts}](?<=(?=({trie_pattern(free)})).)") if free else None
        # the last text scanned: find() on the same text object (another matcher sharing
        # this scanner, same article) reuses it; holding the text keeps its id unique
        self._last: tuple = (None, "", {}, {})

    def __getstate__(self):  # the last text is this process's: not sent to workers
        return {**self.__dict__, "_last": (None, "", {}, {})}

    def scan(self, text: str, low: str | None = None):
        """(the lower-cased text, {head at a word start: its offsets}, {free head: its offsets});
        a head is as spelled in the text (any whitespace where the head has a space)."""
        if low is not None:
            return low, *self._scan(low)
        last = self._last
        if last[0] is text:
            return last[1:]
        low = lower_text(text)
        self._last = last = (text, low, *self._scan(low))  # read back from `last`: thread-safe
        return last[1:]

    def _scan(self, low: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        out = []
        for rx, text in ((self.word_re, " " + low), (self.free_re, low)):
            found: dict[str, list[int]] = {}
            if rx is not None:
                # the padding shifts word starts by one: m.start() is the start in `low`
                for m in rx.finditer(text):
                    at = found.get(m.group(1))
                    if at is None:
                        found[m.group(1)] = [m.start()]
                    else:
                        at.append(m.start())
            out.append(found)
        return out[0], out[1]


def share_scan(*matchers: TermMatcher) -> None:
    """Let `matchers` (run on the same texts, one after the other) share one candidate scan."""
    scanner = _Scanner({h for m in matchers for h in m.heads})
    for m in matchers:
        m.scanner = scanner


class TermMatcher:
    """Every term of a codebook compiled into a few combined passes (see above)."""

    def __init__(self, terms: list[Term], categories: list[str]):
        self.terms = terms
        self.categories = categories
        cat_index = {c: i for i, c in enumerate(categories)}
        self.term_cat = [cat_index[t.category] for t in terms]
        # ties (same category, start and end) go to an exception, then to the first term
        self.unrank = sorted(range(len(terms)), key=lambda i: (not terms[i].exclude, i))
        self.rank = [0] * len(terms)
        for r, i in enumerate(self.unrank):
            self.rank[i] = r
        self.heads = {h for t in terms for h in t.heads}
        self.scan_all = [i for i, t in enumerate(terms) if not t.heads]
        self.scanner: _Scanner | None = None  # built on first use, unless share_scan gives one
        # head -> the terms whose head begins it
        self.owners: dict[tuple[bool, str], list[int]] = {}
        for i, t in enumerate(terms):
            for h, b in t.heads:
                self.owners.setdefault((b, h), []).append(i)
        # per pass (at word starts, free), head as spelled -> what to do at each of its starts:
        # (category, rank, term index, None or the length of the match when the term is
        # exactly this head); filled as heads are seen
        self.by_head: dict[bool, dict[str, list[tuple[int, int, int, int | None]]]] = {True: {}, False: {}}

    def _candidates(self, bounded: bool, head: str) -> list[tuple[int, int, int, int | None]]:
        norm = " ".join(head.split())  # the trie spells a space as any run of whitespace
        found = sorted({i for k in range(1, len(norm) + 1)
                        for i in self.owners.get((bounded, norm[:k]), ())})
        terms = self.terms
        # exactly this head: at a word start only its end is left to check; a free head only
        # when it is Korean (matched inside words: an English word starting with, say, '#'
        # still needs its pattern's word boundaries checked)
        out = self.by_head[bounded][head] = [
            (self.term_cat[i], self.rank[i], i,
             len(head) if (terms[i].literal and terms[i].heads[0][0] == norm
                           and (bounded or terms[i].kind == "korean")) else None)
            for i in found]
        return out

    def find(self, text: str, low: str | None = None) -> list[tuple[int, int, int]]:
        """(start, end, term index) of every match in `text`, sorted by start, end, term.

        Within a category the leftmost-longest match wins; matches of an
        ``exclude`` term are dropped together with the matches they hide.
        """
        if self.scanner is None:
            self.scanner = _Scanner(self.heads)
        low, word, free = self.scanner.scan(text, low)
        terms = self.terms
        hits: list[tuple[int, int, int, int]] = []   # (category, start, -end, term rank)
        add = hits.append
        word_at = _WORD_CHAR.match
        for bounded, found in ((True, word), (False, free)):
            by_head = self.by_head[bounded]
            for head, starts in found.items():
                cands = by_head.get(head)
                if cands is None:
                    cands = self._candidates(bounded, head)
                for cat, r, ti, size in cands:
                    if size is not None:  # a literal term spelled out by the head: check its end only
                        if bounded:
                            hits += [(cat, pos, -pos - size, r) for pos in starts
                                     if word_at(low, pos + size) is None]
                        else:  # Korean: matches inside words
                            hits += [(cat, pos, -pos - size, r) for pos in starts]
                        continue
                    match = terms[ti].pattern.match
                    for pos in starts:
                        mm = match(low, pos)
                        if mm is not None and mm.end() > pos:
                            add((cat, pos, -mm.end(), r))
        term_cat, rank = self.term_cat, self.rank
        for ti in self.scan_all:
            cat = term_cat[ti]
            hits += [(cat, m.start(), -m.end(), rank[ti]) for m in terms[ti].pattern.finditer(low)
                     if m.end() > m.start()]
        if not hits:
            return []
        hits.sort()
        kept = []
        last_cat, last_end = -1, -1
        unrank = self.unrank
        for cat, start, neg_end, r in hits:
            if cat != last_cat:
                last_cat, last_end = cat, -1
            if start >= last_end:
                last_end = -neg_end
                ti = unrank[r]
                if not terms[ti].exclude:
                    kept.append((start, last_end, ti))
        kept.sort()
        return kept


# ---------------------------------------------------------------------------
# The theme codebook
# ---------------------------------------------------------------------------

# compiled codebooks by (kind, file, sha256 of its bytes): a file read again unchanged is
# not compiled again (the YAML is still read and hashed, so an edit is always seen)
_COMPILED: dict[tuple[str, str, str], object] = {}

THEME_TOP_KEYS = {"version", "name", "description", "language", "themes"}
SET_KEYS = {"description", "label", "label_ko", "terms", "exclude"}


@dataclass
class ThemeCodebook:
    """A theme codebook, validated and compiled: theme -> terms."""
    path: Path
    sha256: str
    version: str
    format: str                      # "nkhr" or "quanteda"
    themes: list[str]                # in codebook order; nested categories joined by '/'
    descriptions: dict[str, str]
    terms: list[Term]
    matcher: TermMatcher = field(repr=False)
    #: theme -> its name for readers, in English and in Korean (``label``, ``label_ko``)
    labels: dict[str, str] = field(default_factory=dict)
    labels_ko: dict[str, str] = field(default_factory=dict)

    def terms_of(self, theme: str) -> list[str]:
        return [t.text for t in self.terms if t.category == theme and not t.exclude]


def _line_of(mapping, key, default=None):
    return getattr(mapping, "key_lines", {}).get(key, getattr(mapping, "line", default))


def _term_list(value, category: str, path: str, line: int | None, exclude=False) -> list[Term]:
    """Compile a YAML list (or a single string) of terms; refuse an empty one."""
    if isinstance(value, str | dict) and not isinstance(value, list):
        items, lines = [value], [line]
    elif isinstance(value, list):
        items = list(value)
        lines = list(getattr(value, "item_lines", [])) or [line] * len(items)
    elif value is None:
        items, lines = [], []
    else:
        raise CodebookError(path, f"{category!r}: expected a list of terms, got {value!r}", line)
    if not items and not exclude:
        raise CodebookError(path, f"{category!r} has no terms", line)
    return [compile_term(item, category, path, ln, exclude) for item, ln in zip(items, lines, strict=True)]


def _check_keys(mapping, allowed, what: str, path: str, line: int | None) -> None:
    """Refuse a key of `mapping` not in `allowed`, naming its line."""
    bad = sorted(set(map(str, mapping)) - set(allowed))
    if bad:
        prefix = f"{what}: " if what else ""
        raise CodebookError(path, f"{prefix}unknown key {bad[0]!r} (allowed: "
                                  f"{', '.join(sorted(allowed))})", _line_of(mapping, bad[0], line))


def _term_set(name: str, value, what: str, path: str, line: int | None) -> tuple[list[Term], str]:
    """A theme or cue set: a list of terms, or {description, terms, exclude}."""
    if not isinstance(value, dict):
        return _term_list(value, name, path, line), ""
    _check_keys(value, SET_KEYS, f"{what} {name!r}", path, line)
    if "terms" not in value:
        raise CodebookError(path, f"{what} {name!r} has no terms", line)
    terms = _term_list(value["terms"], name, path, _line_of(value, "terms", line))
    terms += _term_list(value.get("exclude"), name, path, _line_of(value, "exclude", line),
                        exclude=True)
    return terms, str(value.get("description") or "")


def _labels(block, what: str, path: str) -> tuple[dict[str, str], dict[str, str]]:
    """The ``label`` and ``label_ko`` of every entry of `block` that has them (text only)."""
    out: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for name, value in block.items():
        if not isinstance(value, dict):
            continue
        for key, found in zip(("label", "label_ko"), out, strict=True):
            label = value.get(key)
            if label is None:
                continue
            if not isinstance(label, str) or not label.strip():
                raise CodebookError(path, f"{what} {name!r}: `{key}` must be a name in words",
                                    _line_of(value, key))
            found[str(name)] = " ".join(label.split())
    return out


def _quanteda_categories(data, path: str, prefix=()) -> list[tuple[str, object, int | None]]:
    """(category path, list of terms, line) for every leaf of a quanteda YAML dictionary."""
    out = []
    for key, value in data.items():
        name = "/".join((*prefix, str(key)))
        line = _line_of(data, key)
        if isinstance(value, dict):
            if not value:
                raise CodebookError(path, f"category {name!r} is empty", line)
            out += _quanteda_categories(value, path, (*prefix, str(key)))
        elif isinstance(value, list) and any(isinstance(v, dict) and not set(v) <= {"re", "regex"}
                                             for v in value):
            terms = [v for v in value if not isinstance(v, dict) or set(v) <= {"re", "regex"}]
            if terms:
                out.append((name, LineList(terms), line))
            for v in value:
                if isinstance(v, dict) and not set(v) <= {"re", "regex"}:
                    out += _quanteda_categories(v, path, (*prefix, str(key)))
        else:
            out.append((name, value, line))
    return out


def load_themes(path: str | os.PathLike | None = None) -> ThemeCodebook:
    """Read, validate and compile a theme codebook (ours or a quanteda YAML dictionary).

    Our format::

        version: 3
        themes:
          forced_repatriation:
            description: ...
            label: Forced repatriation             # names for readers (optional)
            label_ko: 강제북송
            terms: [forced repatriation, repatriat*, 강제북송]
            exclude: [repatriation of remains]     # optional exceptions
          sanctions: [sanction*, ...]              # or just the list

    Any other top-level mapping is read as a quanteda dictionary: nested
    categories whose leaves are lists of terms; a theme is the category path
    joined by '/'. A malformed codebook raises :class:`CodebookError` naming the
    file, the line and the problem, before any text is read.
    """
    file = locate("themes", path)
    data, digest = load_yaml(file)
    where = str(file)
    cached = _COMPILED.get(("themes", where, digest))
    if cached is not None:
        return cached
    if not isinstance(data, dict) or not data:
        raise CodebookError(where, "a theme codebook is a mapping: `themes:` (ours) or "
                                   "categories (quanteda)", getattr(data, "line", 1))
    terms: list[Term] = []
    themes: list[str] = []
    descriptions: dict[str, str] = {}
    labels: tuple[dict[str, str], dict[str, str]] = ({}, {})
    if "themes" in data:
        fmt = "nkhr"
        _check_keys(data, THEME_TOP_KEYS, "", where, 1)
        if "version" not in data or data["version"] in (None, ""):
            raise CodebookError(where, "missing `version:` (any number or text; change it when "
                                       "you change the codebook)", 1)
        version = str(data["version"])
        block = data["themes"]
        if not isinstance(block, dict) or not block:
            raise CodebookError(where, "`themes:` must map each theme to its terms",
                                _line_of(data, "themes"))
        for theme, value in block.items():
            name = str(theme)
            found, descriptions[name] = _term_set(name, value, "theme", where, _line_of(block, theme))
            terms += found
            themes.append(name)
        labels = _labels(block, "theme", where)
    else:
        fmt, version = "quanteda", "unversioned"
        for name, value, line in _quanteda_categories(data, where):
            terms += _term_list(value, name, where, line)
            themes.append(name)
    book = ThemeCodebook(file, digest, version, fmt, themes, descriptions, terms,
                         TermMatcher(terms, themes), *labels)
    _COMPILED[("themes", where, digest)] = book
    return book


# ---------------------------------------------------------------------------
# The frame codebook
# ---------------------------------------------------------------------------

FRAME_LABELS = ("nexus", "funding", "diversion", "root_cause", "military_abuse", "counter_frame")
FRAME_TOP_KEYS = {"version", "name", "description", "context", "cues", "frames"}
FRAME_KEYS = {"definition", "label", "label_ko", "rules"}
RULE_KEYS = {"all", "unless", "context", "note"}
CONTEXT_KEYS = {"previous_sentence"}


@dataclass(frozen=True)
class Group:
    """One condition of a rule: at least `at_least` distinct terms from any of `sets`; or,
    when `near` is given, one term of each of its steps (each step: any of its sets), in
    text order (either order when not `ordered`), each starting no earlier than the one
    before and at most `within` characters after its end."""
    sets: tuple[str, ...]
    at_least: int = 1
    near: tuple[tuple[str, ...], ...] = ()
    within: int = 0
    ordered: bool = True


@dataclass(frozen=True)
class Rule:
    groups: tuple[Group, ...]
    unless: tuple[str, ...] = ()
    line: int | None = None
    context: bool = True       # may the previous sentence supply one condition?


@dataclass
class FrameCodebook:
    """A frame codebook, validated and compiled: cue sets, and per frame its rules."""
    path: Path
    sha256: str
    version: str
    cue_sets: list[str]
    cue_descriptions: dict[str, str]
    frames: dict[str, list[Rule]]          # label -> rules, in codebook order
    definitions: dict[str, str]
    previous_sentence: bool                # the guideline's context rule
    terms: list[Term]
    matcher: TermMatcher = field(repr=False)
    #: frame -> its name for readers, in English and in Korean (``label``, ``label_ko``)
    labels: dict[str, str] = field(default_factory=dict)
    labels_ko: dict[str, str] = field(default_factory=dict)


NEAR_KEYS = {"near", "within", "order"}


def _near_group(item, sets: set[str], frame: str, path: str, line) -> Group:
    """``{near: [A, [B, C]], within: N, order: text|any}``: see :class:`Group`."""
    line = getattr(item, "line", line)
    raw = item["near"]
    if not isinstance(raw, list) or len(raw) < 2:
        raise CodebookError(path, f"frame {frame!r}: `near:` lists two or more steps (a cue set, or a "
                                  f"list of cue sets)", line)
    steps = tuple(tuple(str(x) for x in (step if isinstance(step, list) else [step])) for step in raw)
    within = item.get("within")
    if not isinstance(within, int) or isinstance(within, bool) or within < 0:
        raise CodebookError(path, f"frame {frame!r}: `near:` needs `within: N`, the most characters "
                                  f"between two steps", line)
    order = str(item.get("order", "text"))
    if order not in ("text", "any"):
        raise CodebookError(path, f"frame {frame!r}: `order:` is text (the steps in text order) or any", line)
    if not all(steps):
        raise CodebookError(path, f"frame {frame!r}: an empty step in `near:`", line)
    names = [n for step in steps for n in step]
    for n in names:
        if n not in sets:
            raise CodebookError(path, f"frame {frame!r}: unknown cue set {n!r} (defined: "
                                      f"{', '.join(sorted(sets))})", line)
    return Group(tuple(dict.fromkeys(names)), 1, steps, within, order == "text")


def _group(item, sets: set[str], frame: str, path: str, line) -> Group:
    if isinstance(item, str):
        names, at_least = [item], 1
    elif isinstance(item, list):
        names, at_least = [str(x) for x in item], 1
    elif isinstance(item, dict) and "near" in item and set(map(str, item)) <= NEAR_KEYS:
        return _near_group(item, sets, frame, path, line)
    elif isinstance(item, dict):
        bad = sorted(set(map(str, item)) - {"any", "at_least"})
        if bad or "any" not in item:
            raise CodebookError(path, f"frame {frame!r}: a condition is a cue set, a list of cue "
                                      f"sets, {{any: [...], at_least: N}} or {{near: [...], within: N}}",
                                getattr(item, "line", line))
        raw = item["any"]
        names = [str(x) for x in (raw if isinstance(raw, list) else [raw])]
        at_least = item.get("at_least", 1)
        if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 1:
            raise CodebookError(path, f"frame {frame!r}: at_least must be a whole number >= 1",
                                getattr(item, "line", line))
    else:
        raise CodebookError(path, f"frame {frame!r}: bad condition {item!r}", line)
    if not names:
        raise CodebookError(path, f"frame {frame!r}: an empty condition", line)
    for n in names:
        if n not in sets:
            raise CodebookError(path, f"frame {frame!r}: unknown cue set {n!r} (defined: "
                                      f"{', '.join(sorted(sets))})", line)
    return Group(tuple(names), at_least)


def load_frames(path: str | os.PathLike | None = None) -> FrameCodebook:
    """Read, validate and compile a frame codebook.

    Format::

        version: 2
        context: {previous_sentence: true}
        cues:                       # named sets of terms (term syntax as for themes)
          rights: {description: ..., terms: [human rights, 인권, ...], exclude: [...]}
          link: [inseparable, two sides of the same coin, ...]
        frames:
          nexus:
            definition: ...
            label: Rights and security inseparable     # names for readers (optional)
            label_ko: 인권과 안보는 불가분
            rules:                  # a frame fires when any rule holds
              - all: [link, rights, [security, weapons]]   # a list inside = any of
                unless: [...]       # optional: cue sets that veto the rule
                context: false      # optional: all conditions in the sentence itself
              - all: [{any: [counter_weak], at_least: 2}, rights]
              - all: [{near: [rights, agenda], within: 60, order: any}, weapons]
                                    # a rights term and an agenda term at most 60 characters
                                    # apart, either one first (order: text keeps text order)

    The labels must be among :data:`FRAME_LABELS`. A malformed codebook raises
    :class:`CodebookError` naming the file, the line and the problem.
    """
    file = locate("frames", path)
    data, digest = load_yaml(file)
    where = str(file)
    cached = _COMPILED.get(("frames", where, digest))
    if cached is not None:
        return cached
    if not isinstance(data, dict):
        raise CodebookError(where, "a frame codebook is a mapping with `version`, `cues` and "
                                   "`frames`", getattr(data, "line", 1))
    _check_keys(data, FRAME_TOP_KEYS, "", where, 1)
    for key in ("version", "cues", "frames"):
        if key not in data or data[key] in (None, ""):
            raise CodebookError(where, f"missing `{key}:`", 1)
    context = data.get("context") or {}
    if not isinstance(context, dict) or set(map(str, context)) - CONTEXT_KEYS:
        raise CodebookError(where, "`context:` takes only `previous_sentence: true|false`",
                            _line_of(data, "context"))
    cues = data["cues"]
    if not isinstance(cues, dict) or not cues:
        raise CodebookError(where, "`cues:` must map each cue set to its terms", _line_of(data, "cues"))
    terms: list[Term] = []
    descriptions: dict[str, str] = {}
    for name, value in cues.items():
        found, descriptions[str(name)] = _term_set(str(name), value, "cue set", where,
                                                   _line_of(cues, name))
        terms += found
    sets = [str(n) for n in cues]
    frames_block = data["frames"]
    if not isinstance(frames_block, dict) or not frames_block:
        raise CodebookError(where, "`frames:` must map each frame label to its rules",
                            _line_of(data, "frames"))
    frames: dict[str, list[Rule]] = {}
    definitions: dict[str, str] = {}
    for label, spec in frames_block.items():
        label_s, line = str(label), _line_of(frames_block, label)
        if label_s not in FRAME_LABELS:
            raise CodebookError(where, f"unknown frame label {label_s!r} (the labels are "
                                       f"{', '.join(FRAME_LABELS)})", line)
        if not isinstance(spec, dict):
            raise CodebookError(where, f"frame {label_s!r}: expected `definition` and `rules`", line)
        _check_keys(spec, FRAME_KEYS, f"frame {label_s!r}", where, line)
        rules_raw = spec.get("rules")
        if not isinstance(rules_raw, list) or not rules_raw:
            raise CodebookError(where, f"frame {label_s!r} has no rules", _line_of(spec, "rules", line))
        rules = []
        for r_item, r_line in zip(rules_raw, getattr(rules_raw, "item_lines", [line] * len(rules_raw)),
                                  strict=True):
            if not isinstance(r_item, dict) or "all" not in r_item:
                raise CodebookError(where, f"frame {label_s!r}: a rule is a mapping with `all: "
                                           f"[conditions]`", r_line)
            _check_keys(r_item, RULE_KEYS, f"frame {label_s!r}, rule", where, r_line)
            conds = r_item["all"]
            conds = conds if isinstance(conds, list) else [conds]
            if not conds:
                raise CodebookError(where, f"frame {label_s!r}: a rule with no conditions", r_line)
            groups = tuple(_group(c, set(sets), label_s, where, r_line) for c in conds)
            unless_raw = r_item.get("unless") or []
            unless = tuple(str(u) for u in (unless_raw if isinstance(unless_raw, list) else [unless_raw]))
            for u in unless:
                if u not in sets:
                    raise CodebookError(where, f"frame {label_s!r}: unknown cue set {u!r} in "
                                               f"`unless`", _line_of(r_item, "unless", r_line))
            ctx = r_item.get("context", True)
            if not isinstance(ctx, bool):
                raise CodebookError(where, f"frame {label_s!r}: a rule's `context` is true or false",
                                    _line_of(r_item, "context", r_line))
            rules.append(Rule(groups, unless, r_line, ctx))
        frames[label_s] = rules
        definitions[label_s] = str(spec.get("definition") or "")
    book = FrameCodebook(file, digest, str(data["version"]), sets, descriptions, frames, definitions,
                         bool(context.get("previous_sentence", True)), terms, TermMatcher(terms, sets),
                         *_labels(frames_block, "frame", where))
    _COMPILED[("frames", where, digest)] = book
    return book
