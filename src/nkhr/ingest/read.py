"""Reading raw files: discovery, size and binary checks, decoding, the catalog.

Nothing here writes anything: the raw folder is only ever read.

Decoding: a byte-order mark says UTF-8, UTF-16 or UTF-32 (it is stripped and
reported); else UTF-8; else UTF-8 with a few bad bytes (each becomes U+FFFD, and
the report gives their byte offsets); else what charset-normalizer finds among
the encodings of Korean and Western news (CP949, a superset of EUC-KR, CP1252,
Latin-1), Latin-1 when it finds none. Line ends are normalized to ``\\n``. HTML files (``*.html``, ``*.htm``) are reduced to their visible text,
one block element per line.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from charset_normalizer import from_bytes

from ..provenance import sha256_bytes

SUFFIXES = (".txt", ".html", ".htm")
CATALOG_COLUMNS = ("source_id", "outlet", "published", "title", "url")


@dataclass
class Problem:
    path: str
    severity: str  # error | warning | info
    problem: str
    message: str
    source_id: str | None = None  # the article, once it has an id
    stage: str | None = None      # where it happened: read, ingest, quotes, themes, frames


@dataclass
class RawText:
    source_id: str
    path: str          # relative to the corpus folder
    sha256: str
    encoding: str
    text: str | None   # decoded, line ends normalized (None: known unchanged, not read)
    problems: list[Problem] = field(default_factory=list)
    stat: tuple = ()   # (size, modification time, change time in ns, inode) when read: the
                       # change time and inode move on any write, rename or chmod, even when
                       # the modification time is set back (os.utime, cp -p, tar, rsync -t)


def discover(folder: Path) -> list[str]:
    """Raw article files below `folder`, as '/'-separated paths relative to it, in a
    stable order. Hidden files and folders are skipped; a folder that cannot be
    listed is skipped; a symbolic link to a folder is not followed. Anything else
    named like an article is listed, for :func:`read_raw` to read or report (a link
    to nowhere, a pipe)."""
    found = []
    todo = [("", os.fspath(folder))]
    while todo:
        rel, top = todo.pop()
        try:
            with os.scandir(top) as entries:
                for e in entries:
                    if e.name.startswith("."):
                        continue
                    if e.is_dir(follow_symlinks=False):
                        todo.append((f"{rel}{e.name}/", e.path))
                    elif os.path.splitext(e.name)[1].lower() in SUFFIXES:
                        found.append(rel + e.name)
        except OSError:
            continue
    return sorted(found)


_CONTROL = bytes([*range(0x00, 0x09), *range(0x0e, 0x1b), *range(0x1c, 0x20)])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    return b"\x00" in head or len(head.translate(None, _NOT_CONTROL)) > max(8, len(head) // 100)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32's first: FF FE 00 00
_LEGACY = ["cp949", "cp1252", "latin_1"]  # what charset-normalizer chooses among
_MAX_BAD = 64  # invalid sequences past which a file is not "UTF-8 with a few bad bytes"
_ASCII = bytes(range(128))


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `data` names (None: no BOM)."""
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def decode(data: bytes) -> tuple[str, str, list[int]]:
    """Decode raw bytes; return (text, encoding name, byte offsets of invalid UTF-8 sequences
    replaced by U+FFFD when the file is UTF-8 but for those)."""
    if enc := bom_encoding(data):
        return data.decode(enc, errors="replace").lstrip("\ufeff"), enc, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    bad = _utf8_damage(data)
    if bad:
        return data.decode("utf-8", errors="replace"), "utf-8", bad
    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is not None:
        return str(best), best.encoding.replace("_", "-"), []
    return data.decode("latin-1"), "latin-1", []


def _utf8_damage(data: bytes) -> list[int] | None:
    """The byte offsets of the invalid sequences in `data` if it is UTF-8 but for a few
    (at least 20 bytes of valid multi-byte characters for each), else None."""
    bad, pos = [], 0
    view = memoryview(data)
    while len(bad) <= _MAX_BAD:
        try:
            codecs.utf_8_decode(view[pos:], "strict", True)
            non_ascii = len(data.translate(None, _ASCII))
            return bad if non_ascii - len(bad) >= 20 * len(bad) else None
        except UnicodeDecodeError as e:
            bad.append(pos + e.start)
            pos += e.end
    return None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
             "article", "header", "footer", "figcaption", "blockquote", "title", "dt", "dd"}
    SKIP = {"script", "style", "noscript", "template", "svg", "nav"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return html.unescape("\n".join(line for line in lines if line))


def read_raw(root: Path, rel: str, max_bytes: int) -> RawText | Problem:
    """Read the raw file `rel` (a '/'-separated path below `root`, as :func:`discover`
    gives it). Return its text, or the Problem that stops it being ingested."""
    try:  # non-blocking: opening a named pipe must not wait for a writer
        with open(os.open(os.path.join(root, rel), os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
            st = os.fstat(f.fileno())  # the size and time of what is read
            if not stat.S_ISREG(st.st_mode):
                return Problem(rel, "error", "not_a_file", "not a regular file (a folder, pipe or "
                                                         "device named like an article); skipped")
            if st.st_size > max_bytes:
                return Problem(rel, "error", "too_large",
                               f"file is {st.st_size:,} bytes, over the {max_bytes / 1e6:g} MB "
                               "limit for one article; split it, or raise --max-mb")
            data = f.read()
    except OSError as e:
        return Problem(rel, "error", "unreadable", f"cannot read the file: {e.strerror or e}; skipped")
    if not data.strip():
        return Problem(rel, "error", "empty", "file is empty (or only white space); skipped")
    if looks_binary(data) and not bom_encoding(data):  # UTF-16's NUL bytes are text
        return Problem(rel, "error", "binary",
                       "file holds binary data (NUL or control bytes), not text; skipped")
    text, encoding, bad = decode(data)
    problems = []
    if encoding == "utf-8-sig":
        problems.append(Problem(rel, "info", "bom", "UTF-8 byte-order mark stripped"))
    elif bad:
        where = ", ".join(f"{b:,}" for b in bad[:10]) + (" ..." if len(bad) > 10 else "")
        problems.append(Problem(rel, "warning", "bad_utf8",
                                f"{len(bad)} byte(s) that are not UTF-8, at byte offset(s) {where}; decoded "
                                f"as UTF-8 with U+FFFD for each. Fix the bytes to silence this"))
    elif encoding in ("utf-16", "utf-32"):
        problems.append(Problem(rel, "info", "bom", f"{encoding.upper()} (byte-order mark) decoded"))
    elif encoding != "utf-8":
        problems.append(Problem(rel, "warning", "encoding",
                                f"not UTF-8; decoded as {encoding}. Check the text, and save "
                                "the file as UTF-8 to silence this"))
    if "\r" in text:
        problems.append(Problem(rel, "info", "line_ends", "CRLF/CR line ends normalized to LF"))
        text = normalize_newlines(text)
    stem, suffix = os.path.splitext(rel.rpartition("/")[2])
    if suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    if "\ufffd" in text and not bad:
        problems.append(Problem(rel, "warning", "replacement_chars",
                                "text contains undecodable bytes (shown as U+FFFD)"))
    return RawText(source_id(stem), rel, sha256_bytes(data), encoding, text, problems, stat_key(st))


def source_id(name: str) -> str:
    """The source id of a file stem or catalog entry: its Unicode NFC form, so that a
    Korean name decomposed by the file system (macOS writes NFD) matches the same name
    typed into catalog.csv, and two spellings of one name are one id."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def stat_key(st: os.stat_result) -> tuple:
    """What a file's stat must still say for it to be trusted unchanged (see RawText.stat)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _no_id_column(text: str, encoding: str) -> str:
    """Why a catalog has no source_id column, saying what its first line holds."""
    head = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    hint = ""
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        if sep in head and "source_id" in [c.strip() for c in head.split(sep)]:
            hint = f"; its columns are separated by {name}: save it as comma-separated CSV"
    return (f"catalog has no 'source_id' column; its first line ({encoding}) reads {head[:120]!r}, "
            f"expected the columns {', '.join(CATALOG_COLUMNS)}{hint}")


def read_catalog(path: Path) -> tuple[dict[str, dict], list[Problem]]:
    """Read catalog.csv: source_id -> metadata (`published` as a date). Problems name the row."""
    problems: list[Problem] = []
    try:
        text, encoding, _ = decode(path.read_bytes())
    except OSError as e:
        return {}, [Problem(path.name, "error", "catalog", f"cannot read catalog: {e.strerror}")]
    reader = csv.DictReader(io.StringIO(normalize_newlines(text)), strict=True)
    rows: dict[str, dict] = {}
    try:
        if not reader.fieldnames or "source_id" not in reader.fieldnames:
            return {}, [Problem(path.name, "error", "catalog", _no_id_column(text, encoding))]
        first_line: dict[str, int] = {}
        for row in reader:
            lineno = reader.line_num
            sid = source_id((row.get("source_id") or "").strip())
            if not sid:
                problems.append(Problem(f"{path.name}:{lineno}", "warning", "catalog_row",
                                        "catalog row without source_id; ignored"))
                continue
            if sid in first_line:
                problems.append(Problem(f"{path.name}:{lineno}", "warning", "catalog_duplicate",
                                        f"source_id {sid!r} is on lines {first_line[sid]} and {lineno}; "
                                        f"line {first_line[sid]} is used, this one ignored"))
                continue
            first_line[sid] = lineno
            rows[sid] = {k: (row.get(k) or "").strip() or None for k in CATALOG_COLUMNS[1:]}
            published = rows[sid]["published"]
            if published is not None:
                try:
                    rows[sid]["published"] = date.fromisoformat(published)
                except ValueError:
                    problems.append(Problem(f"{path.name}:{lineno}", "warning", "catalog_row",
                                            f"published {published!r} is not a date (YYYY-MM-DD); ignored"))
                    rows[sid]["published"] = None
    except csv.Error as e:  # reader.line_num: where the last good row ended
        problems.append(Problem(f"{path.name}:{reader.line_num + 1}", "error", "catalog",
                                f"malformed CSV in the row starting here ({e}); it and the rows "
                                "after it are ignored"))
    return rows, problems
