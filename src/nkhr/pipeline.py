"""The whole analysis: raw articles -> every table.

Data flows one way. A *map* step works on one article at a time (clean,
segment, quotes, mentions, themes, frames) and can run in worker processes
or on a dask cluster; a *reduce* step sees the whole corpus (joining people
across articles into speakers) and builds the typed tables. The map step's
result for an article depends only on the article's bytes, its catalog row
and the codebooks, so it is cached by those hashes: re-analyzing a corpus in
which one article changed redoes that article and the reduce step only.
"""

from __future__ import annotations

import bisect
import os
import pickle
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import __version__, schemas
from .doc import Doc
from .extract import quotes as quotes_mod
from .extract.names import load_lexicon
from .extract.speakers import load_registry, load_roles, resolve
from .ingest import (
    concat,
    doc_columns,
    ingest_text,
    load_furniture,
    no_text,
    read_corpus,
    report_table,
)
from .provenance import combine, sha256_bytes, versions
from .tables import Tables


@dataclass
class Codebooks:
    """Every codebook the analysis reads, loaded (and validated) once, up front."""
    furniture: object
    lexicon: object
    roles: object
    registry: object
    themes: object
    frames: object

    @classmethod
    def load(cls, themes=None, frames=None, speakers=None) -> Codebooks:
        from .codebooks import load_frames, load_themes

        return cls(
            furniture=load_furniture(),
            lexicon=load_lexicon(),
            roles=load_roles(),
            registry=load_registry(str(speakers) if speakers else None),
            themes=load_themes(themes),
            frames=load_frames(frames),
        )

    def hashes(self) -> dict:
        return {
            "furniture": self.furniture.sha256, "names": self.lexicon.hashes["names"],
            "cues": self.lexicon.hashes["cues"], "roles": self.roles.sha256,
            "speakers": self.registry.sha256, "themes": self.themes.sha256,
            "frames": self.frames.sha256,
        }

    @staticmethod
    def versions(themes=None, frames=None, speakers=None) -> dict:
        """The `version:` each codebook file declares (None when it declares none)."""
        from .codebooks import load_yaml, locate

        given = {"themes": themes, "frames": frames, "speakers": speakers}
        out = {}
        for name in ("cues", "frames", "furniture", "names", "roles", "speakers", "themes"):
            data, _ = load_yaml(locate(name, given.get(name)))
            out[name] = data.get("version") if isinstance(data, dict) else None
        return out

    def per_source_hash(self) -> str:
        """What the map step depends on (the registry only matters to the reduce step)."""
        h = self.hashes()
        h.pop("speakers")
        return combine(f"{k}:{v}" for k, v in h.items())


@dataclass
class SourceResult:
    """One article's rows for every table, as plain columns, and its people.

    Paragraph and sentence texts are left out (the corpus-wide step slices them
    from the article's text). Rows of quotes, mentions, themes and frames carry ``_who``, the article's
    local person id (-1: nobody / the narrator), which the corpus-wide step
    turns into speaker ids and names.
    """
    source_id: str
    sha256: str
    n_sentences: int
    columns: dict            # table name -> column name -> list
    persons: list            # quotes.PersonSummary, indexed by local person id


def analyze_doc(doc: Doc, books: Codebooks) -> SourceResult:
    """The map step for one cleaned article."""
    from .extract.frames import find_frames
    from .extract.themes import find_themes

    people = quotes_mod.extract(doc, books.lexicon)
    owner = quotes_mod.sentence_speakers(doc, people, books.lexicon)
    return source_result(doc, people, owner, find_themes(doc, books.themes), find_frames(doc, books.frames))


def source_result(doc: Doc, people, owner: list[int], themes: dict, frames: dict) -> SourceResult:
    """Turn one article's extraction results into its table rows."""
    cols = doc_columns(doc)
    quotes, mentions = people.quotes, people.mentions
    q = _span_rows(doc, quotes, "quote", lambda x: x.para) | {
        "kind": [x.kind for x in quotes], "cue": [x.cue for x in quotes], "method": [x.method for x in quotes]}
    m = _span_rows(doc, mentions, "mention", lambda x: doc.paragraph_at(x.start)) | {
        "kind": [x.kind for x in mentions]}
    spans = [(qt.start, qt.end, qt.cluster) for qt in people.quotes if qt.cluster >= 0]
    cols.update(quotes=q, mentions=m, themes=_with_who(themes, doc, spans, owner),
                frames=_with_who(frames, doc, (), owner))
    for name in ("paragraphs", "sentences"):  # sliced from the source text in reduce: less to send
        del cols[name]["text"]
    return SourceResult(doc.source_id, doc.meta["sha256"], len(doc.sent_start), cols,
                        quotes_mod.summarize(people.persons))


def _span_rows(doc: Doc, items: list, name: str, para_of) -> dict:
    """Id, place, offsets, text and local person id of spans of `doc` (quotes, mentions)."""
    return {
        f"{name}_id": [f"{name[0]}{i + 1:04d}" for i in range(len(items))],
        "source_id": [doc.source_id] * len(items),
        "para_id": [Doc.para_id(para_of(x)) for x in items],
        "sent_id": [Doc.sent_id(max(doc.sentence_at(x.start), 0)) for x in items],
        "start": [x.start for x in items],
        "end": [x.end for x in items],
        "text": [doc.text[x.start:x.end] for x in items],
        "_who": [x.cluster for x in items],
    }


def _with_who(cols: dict, doc: Doc, spans, owner: list[int]) -> dict:
    """A stage's rows with ``_who``: the quote's speaker when the match sits inside a
    quote, else the sentence's speaker (-1: the narrator)."""
    n = len(cols.get("source_id", []))
    sent_index = {Doc.sent_id(i): i for i in range(len(doc.sent_start))} if n else {}
    span_starts = [a for a, _, _ in spans]  # quotes never overlap, and come in order
    who = []
    for j in range(n):
        start = cols["start"][j]
        k = bisect.bisect_right(span_starts, start) - 1
        inside = spans[k][2] if k >= 0 and start < spans[k][1] else -1
        who.append(inside if inside >= 0 else owner[sent_index[cols["sent_id"][j]]])
    return {**cols, "_who": who}


_BOOKS: Codebooks | None = None  # the codebooks of this process: sent once to each worker


def _init_worker(books: Codebooks) -> None:
    global _BOOKS
    _BOOKS = books


def _map_one(job) -> SourceResult:
    raw, row = job
    return analyze_doc(ingest_text(raw, row, _BOOKS.furniture), _BOOKS)


def _map_on_dask(job, books: Codebooks) -> SourceResult:
    _init_worker(books)
    return _map_one(job)


def _map(jobs: list, books: Codebooks, workers: int, executor: str, scheduler: str | None) -> list[SourceResult]:
    """The per-article step over `jobs` ((raw text, catalog row) pairs), in order."""
    if not jobs:
        return []
    if executor == "dask":
        from distributed import Client, LocalCluster

        cluster = None if scheduler else LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                                      processes=True, dashboard_address=":0")
        with Client(scheduler or cluster) as client:
            shared = client.scatter(books, broadcast=True)
            futures = [client.submit(_map_on_dask, job, shared, pure=False) for job in jobs]
            results = client.gather(futures)
        if cluster is not None:
            cluster.close()
        return results
    if workers > 1 and len(jobs) > 1:
        chunk = max(1, len(jobs) // (workers * 8))
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(books,)) as pool:
            return list(pool.map(_map_one, jobs, chunksize=chunk))
    _init_worker(books)
    return [_map_one(j) for j in jobs]


def analyze(corpus, *, catalog=None, themes=None, frames=None, speakers=None, workers: int = 1,
            executor: str = "local", scheduler: str | None = None, max_mb: float = 10.0,
            cache_dir=None) -> Tables:
    """Raw articles -> Tables (sources, paragraphs, sentences, ingest_report, quotes,
    mentions, speakers, themes, frames).

    corpus: a folder of raw articles.
    catalog: catalog CSV (default: catalog.csv in the folder or its parent).
    themes, frames, speakers: codebook files replacing the project's/defaults.
    workers: processes for the per-article step; executor "local" or "dask"
        (scheduler: a dask scheduler address; default a local cluster).
    cache_dir: folder for per-article results; unchanged articles are not redone.
    """
    books = Codebooks.load(themes, frames, speakers)  # a bad codebook stops us before any work
    texts, rows, problems = read_corpus(corpus, catalog, max_mb)
    book_hash = books.per_source_hash()
    cache = Path(cache_dir) if cache_dir else None
    results: dict[str, SourceResult] = {}
    keys = {raw.source_id: _cache_key(raw.sha256, rows.get(raw.source_id), book_hash) for raw in texts}
    jobs = []
    for raw in texts:
        hit = _cache_get(cache, raw.source_id, keys[raw.source_id])
        if hit is not None:
            results[raw.source_id] = hit
        else:
            jobs.append((raw, rows.get(raw.source_id)))
    for res in _map(jobs, books, workers, executor, scheduler):
        results[res.source_id] = res
        if cache is not None:
            _cache_put(cache, res.source_id, keys[res.source_id], res)
    ordered = []
    for raw in texts:
        res = results[raw.source_id]
        if not res.n_sentences:
            problems.append(no_text(raw.path))
            continue
        ordered.append(res)
    tables = reduce(ordered, books, problems)
    tables.meta = {
        "produced_by": f"nkhr {__version__}",
        "corpus": str(corpus),
        "inputs": {r.source_id: r.sha256 for r in ordered},
        "corpus_sha256": combine(r.sha256 for r in ordered),
        "codebooks": books.hashes(),
        "codebook_versions": books.versions(themes, frames, speakers),
        "parameters": {"themes": str(themes) if themes else None,
                       "frames": str(frames) if frames else None,
                       "speakers": str(speakers) if speakers else None,
                       "catalog": str(catalog) if catalog else None, "max_mb": max_mb},
        "versions": versions(),
    }
    return tables


def _cache_key(raw_sha256: str, catalog_row: dict | None, book_hash: str) -> str:
    """What an article's map-step result depends on: its bytes, catalog row, codebooks, nkhr's code."""
    parts = (raw_sha256, sorted((catalog_row or {}).items()), book_hash, __version__, _code_hash())
    return sha256_bytes(repr(parts).encode())[:32]


@cache
def _code_hash() -> str:
    """Hash of the package's Python source: a code change without a version bump misses the cache."""
    root = Path(__file__).parent
    return combine(f"{p.relative_to(root)}:{sha256_bytes(p.read_bytes())}" for p in sorted(root.rglob("*.py")))


def _cache_get(cache: Path | None, source_id: str, key: str):
    """An article's cached result when its key matches; one file per article: SOURCE_ID.pkl."""
    if cache is None:
        return None
    try:
        stored_key, res = pickle.loads((cache / f"{source_id}.pkl").read_bytes())
    except Exception:  # missing or damaged: a miss
        return None
    return res if stored_key == key else None


def _cache_put(cache: Path, source_id: str, key: str, res: SourceResult) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{source_id}.tmp"
    tmp.write_bytes(pickle.dumps((key, res), protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, cache / f"{source_id}.pkl")


def reduce(results: list[SourceResult], books: Codebooks, problems=()) -> Tables:
    """The corpus-wide step: join people into speakers and build every table."""
    parts = [r.columns for r in results]
    tables = Tables({"sources": schemas.frame("sources", concat(parts, "sources"))})
    for name in ("paragraphs", "sentences"):
        cols = concat(parts, name)
        cols["text"] = [text[a:b] for r in results for text in r.columns["sources"]["text"]
                        for a, b in zip(r.columns[name]["start"], r.columns[name]["end"], strict=True)]
        tables[name] = schemas.frame(name, cols)
    tables["ingest_report"] = report_table(list(problems))
    speaker_rows, local_map, names = resolve({r.source_id: r.persons for r in results},
                                             books.lexicon, books.roles, books.registry)

    def speaker_ids(name: str) -> list:
        cols = [(r.source_id, r.columns[name]["_who"]) for r in results]
        return [local_map.get((sid, c)) if c >= 0 else None for sid, who in cols for c in who]

    q = concat(parts, "quotes")
    q["speaker_id"] = speaker_ids("quotes")
    q["speaker"] = [names[s] if s else None for s in q["speaker_id"]]
    q["method"] = [meth if s else "none" for meth, s in zip(q["method"], q["speaker_id"], strict=True)]
    q["confidence"] = [quotes_mod.CONFIDENCE[meth] if s else 0.0
                       for meth, s in zip(q["method"], q["speaker_id"], strict=True)]
    men = concat(parts, "mentions")
    men["speaker_id"] = speaker_ids("mentions")
    n_quotes = Counter(s for s in q["speaker_id"] if s)
    for row in speaker_rows:
        row["n_quotes"] = n_quotes.get(row["speaker_id"], 0)
    tables["quotes"] = schemas.frame("quotes", q)
    tables["mentions"] = schemas.frame("mentions", men)
    tables["speakers"] = schemas.frame("speakers", {c: [row[c] for row in speaker_rows]
                                                    for c in schemas.SPEAKERS.names})
    for name in ("themes", "frames"):
        cols = concat(parts, name)
        cols["speaker"] = [names[s] if s else schemas.NARRATOR for s in speaker_ids(name)]
        tables[name] = schemas.frame(name, cols)
    return tables


def load(corpus, **kwargs) -> Tables:
    """A raw folder (analyzed now) or a folder of analyzed tables (read) -> Tables."""
    from .tables import read_tables

    folder = Path(corpus)
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return read_tables(folder)
    return analyze(folder, **kwargs)
