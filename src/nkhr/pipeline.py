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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import __version__, schemas
from .doc import Doc
from .extract import quotes as quotes_mod
from .extract.names import load_lexicon
from .extract.speakers import load_registry, load_roles, resolve
from .ingest import docs_to_tables, ingest_text, load_furniture, read_corpus
from .ingest.read import Problem
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
    doc: Doc
    people: object           # quotes.DocPeople
    sentence_owner: list     # local person id per sentence, -1 = narrator
    themes: dict
    frames: dict


def analyze_doc(doc: Doc, books: Codebooks) -> SourceResult:
    """The map step for one cleaned article."""
    from .extract.frames import find_frames
    from .extract.themes import find_themes

    people = quotes_mod.extract(doc, books.lexicon)
    owner = quotes_mod.sentence_speakers(doc, people, books.lexicon)
    return SourceResult(doc, people, owner, find_themes(doc, books.themes),
                        find_frames(doc, books.frames))


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
        results[res.doc.source_id] = res
        if cache is not None:
            _cache_put(cache, res.doc.source_id, keys[res.doc.source_id], res)
    ordered = []
    for raw in texts:
        res = results[raw.source_id]
        if not res.doc.sent_start:
            problems.append(Problem(raw.path, "error", "no_text",
                                    "nothing left after removing page furniture; skipped"))
            continue
        ordered.append(res)
    tables = reduce(ordered, books, problems)
    tables.meta = {
        "produced_by": f"nkhr {__version__}",
        "corpus": str(corpus),
        "inputs": {r.doc.source_id: r.doc.meta["sha256"] for r in ordered},
        "corpus_sha256": combine(r.doc.meta["sha256"] for r in ordered),
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
    docs = [r.doc for r in results]
    tables = docs_to_tables(docs, list(problems))
    people = {r.doc.source_id: r.people for r in results}
    speaker_rows, local_map, names = resolve(people, books.lexicon, books.roles, books.registry)
    q = {c: [] for c in schemas.QUOTES.names}
    men = {c: [] for c in schemas.MENTIONS.names}
    th = {c: [] for c in schemas.THEMES.names}
    fr = {c: [] for c in schemas.FRAMES.names}
    n_quotes: dict[str, int] = {}
    for r in results:
        d, sid = r.doc, r.doc.source_id
        spans = []
        for i, qt in enumerate(r.people.quotes):
            spk = local_map.get((sid, qt.cluster)) if qt.cluster >= 0 else None
            s_idx = d.sentence_at(qt.start)
            q["quote_id"].append(f"q{i + 1:04d}")
            q["source_id"].append(sid)
            q["para_id"].append(Doc.para_id(qt.para))
            q["sent_id"].append(Doc.sent_id(max(s_idx, 0)))
            q["start"].append(qt.start)
            q["end"].append(qt.end)
            q["text"].append(d.text[qt.start:qt.end])
            q["kind"].append(qt.kind)
            q["speaker_id"].append(spk)
            q["speaker"].append(names.get(spk) if spk else None)
            q["cue"].append(qt.cue)
            q["method"].append(qt.method if spk else "none")
            q["confidence"].append(quotes_mod.CONFIDENCE[qt.method] if spk else 0.0)
            if spk:
                n_quotes[spk] = n_quotes.get(spk, 0) + 1
                spans.append((qt.start, qt.end, names[spk]))
        for i, m in enumerate(r.people.mentions):
            s_idx = d.sentence_at(m.start)
            men["mention_id"].append(f"m{i + 1:04d}")
            men["source_id"].append(sid)
            men["para_id"].append(Doc.para_id(d.paragraph_at(m.start)))
            men["sent_id"].append(Doc.sent_id(max(s_idx, 0)))
            men["start"].append(m.start)
            men["end"].append(m.end)
            men["text"].append(d.text[m.start:m.end])
            men["kind"].append(m.kind)
            men["speaker_id"].append(local_map.get((sid, m.cluster)))
        owner = [names[local_map[(sid, c)]] if c >= 0 and (sid, c) in local_map else schemas.NARRATOR
                 for c in r.sentence_owner]
        _speakers_for(r.themes, th, d, spans, owner)
        _speakers_for(r.frames, fr, d, (), owner)
    for row in speaker_rows:
        row["n_quotes"] = n_quotes.get(row["speaker_id"], 0)
    sp = {c: [row[c] for row in speaker_rows] for c in schemas.SPEAKERS.names}
    tables["quotes"] = schemas.frame("quotes", q)
    tables["mentions"] = schemas.frame("mentions", men)
    tables["speakers"] = schemas.frame("speakers", sp)
    tables["themes"] = schemas.frame("themes", th)
    tables["frames"] = schemas.frame("frames", fr)
    return tables


def _speakers_for(cols: dict, out: dict, doc: Doc, spans, owner: list[str]) -> None:
    """Append a stage's rows to `out`, adding `speaker`: the quote's speaker when the
    match sits inside a quote, else the sentence's speaker (or NARRATOR)."""
    n = len(cols.get("source_id", []))
    for k in out:
        if k != "speaker":
            out[k] += cols[k]
    sent_index = {Doc.sent_id(i): i for i in range(len(doc.sent_start))} if n else {}
    span_starts = [a for a, _, _ in spans]  # quotes never overlap, and come in order
    for j in range(n):
        start = cols["start"][j]
        k = bisect.bisect_right(span_starts, start) - 1
        inside = spans[k][2] if k >= 0 and start < spans[k][1] else None
        out["speaker"].append(inside or owner[sent_index[cols["sent_id"][j]]])


def load(corpus, **kwargs) -> Tables:
    """A raw folder (analyzed now) or a folder of analyzed tables (read) -> Tables."""
    from .tables import read_tables

    folder = Path(corpus)
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return read_tables(folder)
    return analyze(folder, **kwargs)
