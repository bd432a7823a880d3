"""Ingest: raw articles -> sources, paragraphs, sentences (+ ingest_report).

``load_corpus(path)`` reads every ``*.txt``/``*.html`` below `path` (never
writing there), decodes it, cleans page furniture off it, cuts it into
paragraphs and sentences, and takes metadata from ``catalog.csv`` (in the
folder or its parent) or, failing that, from what the text itself states.
A file that cannot be ingested is reported in ``ingest_report`` and the rest
of the corpus goes through.
"""

from __future__ import annotations

import os
from datetime import date
from itertools import chain
from pathlib import Path

from .. import schemas
from ..doc import Doc
from ..errors import NkhrError
from ..tables import Tables
from . import segment
from .clean import clean, load_furniture
from .read import Problem, RawText, discover, read_catalog, read_raw, stat_key

__all__ = ["load_corpus", "ingest_text", "doc_columns", "concat", "docs_to_tables", "read_corpus",
           "scan_corpus", "summarize_report"]


def outside_corpus(corpus, folder, what: str = "output") -> None:
    """Refuse to write `folder` (the tables, the cache) inside the corpus folder, or to
    write into a folder that holds the corpus: the input folder is never written."""
    c, f = Path(os.path.realpath(corpus)), Path(os.path.realpath(folder))
    if f == c or c in f.parents:
        raise NkhrError(f"{folder}: the {what} folder is inside the corpus folder {corpus}, which nkhr "
                        f"never writes (and would read its own output as articles); choose a folder "
                        f"outside it")
    if f in c.parents:
        raise NkhrError(f"{folder}: the {what} folder holds the corpus folder {corpus}; choose a "
                        f"folder of its own for it")


def find_catalog(folder: Path, catalog: str | os.PathLike | None) -> Path | None:
    if catalog is not None:
        return Path(catalog)
    for candidate in (folder / "catalog.csv", folder.parent / "catalog.csv"):
        if candidate.is_file():
            return candidate
    return None


def read_corpus(path, catalog=None, max_mb: float = 10.0,
                follow_links: bool = False) -> tuple[list[RawText], dict, list[Problem]]:
    """Read and decode every raw file; return (texts, catalog rows, problems). Nothing is parsed yet."""
    rows, problems, _, texts = scan_corpus(path, catalog, max_mb, follow_links=follow_links)
    return list(texts), rows, problems


def scan_corpus(path, catalog=None, max_mb: float = 10.0, known: dict | None = None,
                follow_links: bool = False):
    """The lazy form of :func:`read_corpus`: (catalog rows, problems, the files found
    (paths relative to the folder), an iterator reading and decoding them one at a
    time). The files' problems are added to `problems` as the iterator reaches them,
    so a caller can start work on the first articles while the rest are read.

    known: path -> an earlier RawText of that file (its text left out); a file
    whose size, times and inode are still those (RawText.stat) is not read again,
    and comes back as that RawText, text None (as git decides what changed).
    follow_links: read a file that is a symbolic link to a file outside the folder
    (by default it is reported, ``link_outside``, and skipped).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise NkhrError(f"{folder}: not a folder of raw articles")
    problems: list[Problem] = []
    cat_path = find_catalog(folder, catalog)
    rows: dict = {}
    if cat_path is not None:
        if not cat_path.is_file():
            raise NkhrError(f"{cat_path}: catalog file not found")
        rows, cat_problems = read_catalog(cat_path)
        problems += cat_problems
    files = discover(folder)
    real = os.path.realpath(folder) + os.sep

    def texts():
        seen: dict[str, str] = {}
        seen_ids: dict[str, str] = {}
        max_bytes = int(max_mb * 1e6)
        for rel in files:
            if not _utf8_name(rel):
                problems.append(Problem(rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
                                        "error", "bad_name", "file name is not valid UTF-8; rename the file"))
                continue
            target = os.path.join(folder, rel)
            if not follow_links and os.path.islink(target) and not os.path.realpath(target).startswith(real):
                problems.append(Problem(rel, "error", "link_outside",
                                        f"a link to {os.path.realpath(target)}, outside the corpus "
                                        f"folder; skipped (--follow-links reads it)"))
                continue
            got = _unchanged(folder, rel, known, max_bytes) or read_raw(folder, rel, max_bytes)
            if isinstance(got, Problem):
                problems.append(got)
                continue
            problems.extend(got.problems)
            if got.sha256 in seen:
                problems.append(Problem(got.path, "warning", "duplicate",
                                        f"same content as {seen[got.sha256]}; kept that one, skipped this"))
                continue
            if got.source_id in seen_ids:
                problems.append(Problem(got.path, "error", "duplicate_id",
                                        f"source id {got.source_id!r} already used by {seen_ids[got.source_id]}; "
                                        "rename one of the files"))
                continue
            seen[got.sha256] = got.path
            seen_ids[got.source_id] = got.path
            if rows and got.source_id not in rows:
                problems.append(Problem(got.path, "warning", "not_in_catalog",
                                        f"{cat_path.name} has no row for {got.source_id!r}; "
                                        "metadata taken from the text"))
            yield got
        for sid in rows:
            if sid not in seen_ids:
                problems.append(Problem(f"{cat_path.name}", "warning", "missing_file",
                                        f"catalog row {sid!r} has no file {sid}.txt in {folder}"))

    return rows, problems, files, texts()


def _unchanged(folder: Path, rel: str, known: dict | None, max_bytes: int) -> RawText | None:
    hit = (known or {}).get(rel)
    if hit is None or hit.stat[0] > max_bytes:  # over the limit: read_raw says so
        return None
    try:
        st = os.stat(os.path.join(folder, rel))
    except OSError:  # gone since it was listed: read_raw says so
        return None
    return hit if hit.stat == stat_key(st) else None


def _utf8_name(rel: str) -> bool:
    """False for a file name with bytes that are not UTF-8 (os gives them as surrogates)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ingest_text(raw: RawText, catalog_row: dict | None = None, furniture=None) -> Doc:
    """One decoded raw text -> a :class:`Doc` (cleaned text, paragraphs, sentences, metadata)."""
    paras, stated = clean(raw.text, furniture)
    doc = Doc(raw.source_id, "")
    pieces = []
    pos = 0
    for p in paras:
        if pieces:
            pieces.append("\n\n")
            pos += 2
        doc.para_start.append(pos)
        pieces.append(p.text)
        pos += len(p.text)
        doc.para_end.append(pos)
        doc.para_kind.append(p.kind)
        doc.para_raw_start.append(p.raw_start)
        doc.para_raw_end.append(p.raw_end)
    doc.text = "".join(pieces)
    has_hangul = segment._HANGUL.search(doc.text) is not None
    dateline = None
    for i, (ps, pe) in enumerate(zip(doc.para_start, doc.para_end, strict=True)):
        cut = segment.dateline(doc.text[ps:pe]) if doc.para_kind[i] == "body" else 0
        if cut:  # the dateline is a sentence of its own: the lead's first words start the next
            dateline = dateline or doc.text[ps:ps + cut].strip().rstrip("-—–―:=").strip()
            doc.datelines.add(len(doc.sent_start))
            doc.sent_start.append(ps)
            doc.sent_end.append(ps + len(doc.text[ps:ps + cut].rstrip()))
            doc.sent_para.append(i)
            doc.sent_lang.append(segment.language(doc.text[ps:ps + cut]) if has_hangul else "en")
        for s, e in segment.split(doc.text[ps + cut:pe], ps + cut):
            doc.sent_start.append(s)
            doc.sent_end.append(e)
            doc.sent_para.append(i)
            doc.sent_lang.append(segment.language(doc.text[s:e]) if has_hangul else "en")
    meta = {k: v for k, v in stated.items() if v}
    if dateline:
        meta["dateline"] = dateline
    for k, v in (catalog_row or {}).items():
        if v:
            meta[k] = v
    if isinstance(meta.get("published"), str):
        meta["published"] = date.fromisoformat(meta["published"])
    meta.update(sha256=raw.sha256, path=raw.path, encoding=raw.encoding,
                language=segment.language(doc.text) if has_hangul else ("en" if doc.text else "und"))
    doc.meta = meta
    return doc


def doc_columns(d: Doc) -> dict[str, dict[str, list]]:
    """The sources, paragraphs and sentences rows of one Doc, as plain columns."""
    m = d.meta
    src = {"source_id": [d.source_id], "outlet": [m.get("outlet")], "published": [m.get("published")],
           "title": [m.get("title")], "url": [m.get("url")], "author": [m.get("author")],
           "dateline": [m.get("dateline")],
           "language": [m.get("language", "und")], "n_chars": [len(d.text)], "sha256": [m["sha256"]],
           "path": [m["path"]], "encoding": [m["encoding"]], "text": [d.text]}
    n, k = len(d.para_start), len(d.sent_start)
    para_ids = Doc.para_ids(n)
    kinds = d.para_kind
    par = {
        "source_id": [d.source_id] * n, "para_id": para_ids,
        "start": list(d.para_start), "end": list(d.para_end),
        "text": [d.text[s:e] for s, e in zip(d.para_start, d.para_end, strict=True)],
        "language": _para_languages(d),
        "kind": list(d.para_kind), "is_caption": [kind == "caption" for kind in d.para_kind],
        "raw_start": list(d.para_raw_start), "raw_end": list(d.para_raw_end),
    }
    sen = {
        "source_id": [d.source_id] * k, "sent_id": Doc.sent_ids(k),
        "para_id": [para_ids[p] for p in d.sent_para],
        "start": list(d.sent_start), "end": list(d.sent_end),
        "text": [d.text[s:e] for s, e in zip(d.sent_start, d.sent_end, strict=True)],
        "language": list(d.sent_lang),
        "kind": ["dateline" if i in d.datelines else kinds[p] for i, p in enumerate(d.sent_para)],
        "is_caption": [kinds[p] == "caption" for p in d.sent_para],
    }
    return {"sources": src, "paragraphs": par, "sentences": sen}


def _para_languages(d: Doc) -> list[str]:
    """Each paragraph's language: 'en' throughout a text with no Hangul (as for sentences)."""
    if segment._HANGUL.search(d.text) is None:
        return ["en"] * len(d.para_start)
    return [segment.language(d.text[s:e]) for s, e in zip(d.para_start, d.para_end, strict=True)]


def concat(parts: list[dict[str, dict[str, list]]], name: str, names=None) -> dict[str, list]:
    """One table's columns (`names`, default the first part's) from many articles'
    columns, in article order."""
    names = names or list(parts[0][name] if parts else schemas.SCHEMAS[name].names)
    return {c: list(chain.from_iterable(part[name][c] for part in parts)) for c in names}  # (in C)


def report_table(problems: list[Problem]):
    return schemas.frame("ingest_report", {
        "path": [p.path for p in problems], "severity": [p.severity for p in problems],
        "problem": [p.problem for p in problems], "message": [p.message for p in problems],
        "source_id": [p.source_id for p in problems], "stage": [p.stage or "read" for p in problems]})


def docs_to_tables(docs: list[Doc], problems: list[Problem] = ()) -> Tables:
    """Build the sources, paragraphs, sentences and ingest_report tables."""
    parts = [doc_columns(d) for d in docs]
    tables = Tables({name: schemas.frame(name, concat(parts, name))
                     for name in ("sources", "paragraphs", "sentences")})
    tables["ingest_report"] = report_table(list(problems))
    return tables


def no_text(path: str) -> Problem:
    """The problem of a file that is all page furniture."""
    return Problem(path, "error", "no_text", "nothing left after removing page furniture; skipped")


def load_docs(path, catalog=None, max_mb: float = 10.0, furniture=None,
              follow_links: bool = False) -> tuple[list[Doc], list[Problem]]:
    texts, rows, problems = read_corpus(path, catalog, max_mb, follow_links)
    fur = furniture or load_furniture()
    docs = []
    for raw in texts:
        doc = ingest_text(raw, rows.get(raw.source_id), fur)
        if not doc.sent_start:
            problems.append(no_text(raw.path))
            continue
        docs.append(doc)
    return docs, problems


def load_corpus(path, catalog=None, max_mb: float = 10.0, follow_links: bool = False) -> Tables:
    """Raw folder -> Tables(sources, paragraphs, sentences, ingest_report)."""
    docs, problems = load_docs(path, catalog, max_mb, follow_links=follow_links)
    tables = docs_to_tables(docs, problems)
    tables.meta = {"corpus": str(path), "furniture_sha256": load_furniture().sha256}
    return tables


def summarize_report(tables: Tables) -> str:
    """A short human summary of what was skipped or changed, and why."""
    rep = tables.ingest_report
    lines = [f"ingested {len(tables.sources)} source(s)"]
    for sev in ("error", "warning", "info"):
        rows = rep[rep.severity == sev]
        if len(rows):
            skipped = " (skipped)" if sev == "error" and not rows.problem.eq("stage_failed").all() else ""
            lines.append(f"{len(rows)} {sev}(s){skipped}:")
            lines += [f"  {r.path}: {r.message}" for r in rows.itertuples()]
    return "\n".join(lines)
