"""Reading raw files: discovery, size and binary checks, decoding, the catalog.

Nothing here writes anything: the raw folder is only ever read.

Decoding tries, in order: UTF-8 (a BOM is stripped and reported), CP949 (a
superset of EUC-KR, accepted only when most non-ASCII characters it yields are
Hangul), then CP1252 and Latin-1 (which never fail). Line ends are normalized
to ``\\n``. HTML files (``*.html``, ``*.htm``) are reduced to their visible text,
one block element per line.
"""

from __future__ import annotations

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
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    return b"\x00" in head or len(head.translate(None, _NOT_CONTROL)) > max(8, len(head) // 100)


def decode(data: bytes) -> tuple[str, str]:
    """Decode raw bytes; return (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
        non_ascii = len(_NON_ASCII.findall(text))
        if non_ascii and len(_HANGUL.findall(text)) >= 0.5 * non_ascii:
            return text, "cp949"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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
    if looks_binary(data):
        return Problem(rel, "error", "binary",
                       "file holds binary data (NUL or control bytes), not text; skipped")
    text, encoding = decode(data)
    problems = []
    if encoding == "utf-8-sig":
        problems.append(Problem(rel, "info", "bom", "UTF-8 byte-order mark stripped"))
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
    if "\ufffd" in text:
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


def read_catalog(path: Path) -> tuple[dict[str, dict], list[Problem]]:
    """Read catalog.csv: source_id -> metadata (`published` as a date). Problems name the row."""
    problems: list[Problem] = []
    try:
        text, _ = decode(path.read_bytes())
    except OSError as e:
        return {}, [Problem(path.name, "error", "catalog", f"cannot read catalog: {e.strerror}")]
    reader = csv.DictReader(io.StringIO(normalize_newlines(text)), strict=True)
    rows: dict[str, dict] = {}
    try:
        if not reader.fieldnames or "source_id" not in reader.fieldnames:
            return {}, [Problem(path.name, "error", "catalog",
                                f"catalog has no 'source_id' column; expected {list(CATALOG_COLUMNS)}")]
        for row in reader:
            lineno = reader.line_num
            sid = source_id((row.get("source_id") or "").strip())
            if not sid:
                problems.append(Problem(f"{path.name}:{lineno}", "warning", "catalog_row",
                                        "catalog row without source_id; ignored"))
                continue
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
