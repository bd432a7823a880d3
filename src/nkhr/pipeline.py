"""The whole analysis: raw articles -> every table.

Data flows one way. A *map* step works on one article at a time (clean,
segment, quotes, mentions, themes, frames) and runs on chunks of articles in
worker processes or on a dask cluster, which send back Arrow tables; a
*reduce* step sees the whole corpus (joining people across articles into
speakers) and builds the typed tables. The map step's result for an article
depends only on the article's bytes, its catalog row, the codebooks and
nkhr's code, so the last run's results are kept with those hashes:
re-analyzing a corpus in which one article changed reads and redoes that
article and the reduce step only. How they are kept is :mod:`nkhr.store`'s concern.
"""

from __future__ import annotations

import bisect
import ctypes
import gc
import os
import signal
import socket
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from itertools import chain, islice
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import __version__, schemas, store
from .doc import Doc
from .errors import NkhrError
from .extract import korean as korean_mod
from .extract import quotes as quotes_mod
from .extract.frames import find_frames, frame_voices
from .extract.korean import load_korean
from .extract.names import load_lexicon
from .extract.speakers import load_registry, load_roles, resolve, role_category
from .extract.themes import find_themes
from .ingest import (
    Problem,
    RawText,
    concat,
    doc_columns,
    ingest_text,
    load_furniture,
    no_text,
    outside_corpus,
    read_raw,
    report_table,
    scan_corpus,
)
from .provenance import combine, sha256_bytes, versions
from .tables import Tables, TableSet


@dataclass
class Codebooks:
    """Every codebook the analysis reads, loaded (and validated) once, up front."""
    furniture: object
    lexicon: object
    roles: object
    registry: object
    themes: object
    frames: object
    korean: object

    @classmethod
    def load(cls, themes=None, frames=None, speakers=None) -> Codebooks:
        from .codebooks import load_frames, load_themes, share_scan

        books = cls(
            furniture=load_furniture(),
            lexicon=load_lexicon(),
            roles=load_roles(),
            registry=load_registry(str(speakers) if speakers else None),
            themes=load_themes(themes),
            frames=load_frames(frames),
            korean=load_korean(),
        )
        share_scan(books.themes.matcher, books.frames.matcher)  # one candidate pass per article
        return books

    def hashes(self) -> dict:
        return {
            "furniture": self.furniture.sha256, "names": self.lexicon.hashes["names"],
            "cues": self.lexicon.hashes["cues"], "roles": self.roles.sha256,
            "speakers": self.registry.sha256, "themes": self.themes.sha256,
            "frames": self.frames.sha256, "korean": self.korean.sha256,
        }

    @staticmethod
    def versions(themes=None, frames=None, speakers=None) -> dict:
        """The `version:` each codebook file declares (None when it declares none)."""
        from .codebooks import locate, yaml_version

        given = {"themes": themes, "frames": frames, "speakers": speakers}
        return {name: yaml_version(locate(name, given.get(name)))
                for name in ("cues", "frames", "furniture", "korean", "names", "roles", "speakers", "themes")}

    def per_source_hash(self) -> str:
        """What the map step depends on (the registry only matters to the reduce step)."""
        h = self.hashes()
        h.pop("speakers")
        return combine(f"{k}:{v}" for k, v in h.items())


@dataclass
class SourceResult:
    """One article's rows for every table, as plain columns, and its people.

    Rows of quotes, mentions, themes and frames carry ``_who``, the article's
    local person id (-1: nobody / the narrator), which the corpus-wide step
    turns into speaker ids and names. ``columns["ingest_report"]`` holds the
    problems met analyzing the article (a stage that failed on it).
    """
    source_id: str
    sha256: str
    n_sentences: int
    columns: dict            # table name -> column name -> list
    persons: list            # quotes.PersonSummary, indexed by local person id


def analyze_doc(doc: Doc, books: Codebooks) -> SourceResult:
    """The map step for one cleaned article. A stage that fails on the article leaves its
    rows empty and is reported (``ingest_report``, problem ``stage_failed``); the other
    stages' rows are kept, and the rest of the corpus goes on."""
    problems: list[Problem] = []

    def guarded(stage: str, fn, empty):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 -- one bad article never stops the corpus
            problems.append(stage_failed(doc.source_id, doc.meta.get("path", doc.source_id), stage, e))
            return empty

    people = guarded("quotes", lambda: quotes_mod.extract(doc, books.lexicon, books.korean),
                     quotes_mod.DocPeople([], None))
    themes = guarded("themes", lambda: find_themes(doc, books.themes), None)
    frames = guarded("frames", lambda: find_frames(doc, books.frames), None)
    wanted = {int(s[1:]) - 1 for rows in (themes, frames) if rows for s in rows["sent_id"]}
    owner = guarded("quotes", lambda: quotes_mod.sentence_speakers(doc, people, books.lexicon, wanted),
                    [-1] * len(doc.sent_start))  # only the sentences that have theme or frame rows
    if frames:
        def category(p):
            return role_category([e for _, e in p.roles] + list(p.names)
                                 + [m.text for m in p.mentions if m.kind != "pronoun"][:3], books.roles)
        frame_owner = guarded("frames", lambda: frame_voices(doc, people.persons, people.quotes, owner, frames,
                                                             category), owner)
    else:
        frame_owner = owner
    return source_result(doc, people, owner, themes, frames, problems, frame_owner)


def stage_failed(source_id: str, path: str, stage: str, error: Exception) -> Problem:
    """The problem row of a stage that raised on one article."""
    where = ""
    tb = error.__traceback__
    while tb is not None:  # the innermost frame of nkhr's own code: where to look
        if "nkhr" in tb.tb_frame.f_code.co_filename:
            where = f" ({Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
        tb = tb.tb_next
    return Problem(path, "error", "stage_failed",
                   f"the {stage} stage failed on this article: {type(error).__name__}: {error}{where}; "
                   f"its {stage} rows are missing, the rest of the corpus is complete (please report this "
                   f"with the article)", source_id, stage)


def failed_result(raw: RawText, stage: str, error: Exception) -> SourceResult:
    """An article that could not be ingested: no rows but its problem."""
    return SourceResult(raw.source_id, raw.sha256, 0,
                        {"ingest_report": _problem_columns([stage_failed(raw.source_id, raw.path, stage, error)])},
                        [])


def _problem_columns(problems: list[Problem]) -> dict:
    return {"path": [p.path for p in problems], "severity": [p.severity for p in problems],
            "problem": [p.problem for p in problems], "message": [p.message for p in problems],
            "source_id": [p.source_id for p in problems], "stage": [p.stage for p in problems]}


def _empty_rows(name: str) -> dict:
    return {c: [] for c in _map_columns(name)}


def source_result(doc: Doc, people, owner: list[int], themes: dict | None, frames: dict | None,
                  problems: list[Problem] = (), frame_owner: list[int] | None = None) -> SourceResult:
    """Turn one article's extraction results into its table rows (None: the stage failed)."""
    cols = doc_columns(doc)
    quotes, mentions = people.quotes, people.mentions
    q = _span_rows(doc, quotes, "quote", lambda x: x.para) | {
        "kind": [x.kind for x in quotes], "cue": [x.cue for x in quotes], "method": [x.method for x in quotes]}
    m = _span_rows(doc, mentions, "mention", lambda x: doc.paragraph_at(x.start)) | {
        "kind": [x.kind for x in mentions]}
    spans = [(qt.start, qt.end, qt.cluster) for qt in people.quotes if qt.cluster >= 0]
    cols.update(quotes=q, mentions=m,
                themes=_with_who(themes, doc, spans, owner) if themes is not None else _empty_rows("themes"),
                frames=(_with_who(frames, doc, (), owner if frame_owner is None else frame_owner)
                        if frames is not None else _empty_rows("frames")),
                ingest_report=_problem_columns(list(problems)))
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
    span_starts = [a for a, _, _ in spans]  # quotes never overlap, and come in order
    who = []
    for start, sent in zip(cols.get("start", ()), cols.get("sent_id", ()), strict=True):
        k = bisect.bisect_right(span_starts, start) - 1
        inside = spans[k][2] if k >= 0 and start < spans[k][1] else -1
        who.append(inside if inside >= 0 else owner[int(sent[1:]) - 1])  # sent_id: s0001 ...
    return {**cols, "_who": who}


MAP_TABLES = ("sources", "paragraphs", "sentences", "quotes", "mentions", "themes", "frames", "ingest_report")


@dataclass
class MapResult:
    """The per-article step's output for a run of articles, as Arrow tables.

    ``tables`` holds every table's rows before speakers are known (quotes,
    mentions, themes and frames carry ``_who``); ``persons`` (PersonSummary,
    or plain tuples of its fields once sent or cached) and ``n_sentences`` are
    keyed by source id (an article with no sentences has no rows).
    """
    tables: dict[str, pa.Table]
    persons: dict[str, list]
    n_sentences: dict[str, int]

    @classmethod
    def of(cls, results: list[SourceResult]) -> MapResult:
        """Many articles' results in one set of Arrow tables."""
        kept = [r for r in results if r.n_sentences]
        parts = [r.columns for r in kept]
        tables = {}
        for name in MAP_TABLES:
            names = _map_columns(name)
            of = [r.columns for r in results if name in r.columns] if name == "ingest_report" else parts
            tables[name] = pa.Table.from_pydict(concat(of, name, names), schema=schemas.arrow_schema(name, names))
        return cls(tables, {r.source_id: r.persons for r in kept},
                   {r.source_id: r.n_sentences for r in results})

    def __getstate__(self) -> dict:  # sent from workers: Arrow IPC and tuples load far quicker
        return {"tables": {name: _ipc_bytes(t) for name, t in self.tables.items()},
                "persons": _person_tuples(self.persons), "n_sentences": self.n_sentences}

    def __setstate__(self, state: dict) -> None:
        self.tables = {name: pa.ipc.open_stream(b).read_all() for name, b in state["tables"].items()}
        self.persons = state["persons"]
        self.n_sentences = state["n_sentences"]

    @classmethod
    def merge(cls, parts: list[MapResult]) -> MapResult:
        parts = [p for p in parts if p.n_sentences]
        if len(parts) < 2:
            return parts[0] if parts else cls.of([])
        tables = {name: pa.concat_tables([p.tables[name] for p in parts]) for name in MAP_TABLES}
        return cls(tables, {k: v for p in parts for k, v in p.persons.items()},
                   {k: v for p in parts for k, v in p.n_sentences.items()})

    def subset(self, source_ids: list[str]) -> MapResult:
        keep = set(source_ids)
        if keep >= set(self.n_sentences):
            return self
        if not keep:
            return MapResult.of([])
        wanted = pa.array(sorted(keep), pa.large_string())
        return MapResult({name: _rows_of(t, wanted) for name, t in self.tables.items()},
                         {k: v for k, v in self.persons.items() if k in keep},
                         {k: v for k, v in self.n_sentences.items() if k in keep})


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def _person_tuples(persons: dict) -> dict:
    """Each person as nested tuples: they unpickle several times faster than lists."""
    return {sid: [(p[0], tuple(p[1]), tuple(p[2]), tuple(p[3])) for p in ps] for sid, ps in persons.items()}


@contextmanager
def _gc_paused():
    """For making many small objects at once (loading people, joining them): the cyclic
    garbage collector's passes over them would cost more than the work itself. The
    analysis makes almost no reference cycles (a few hundred objects per 1,000
    articles): what it drops is freed by reference counting all the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows_of(table: pa.Table, source_ids: pa.Array) -> pa.Table:
    """The rows of `table` whose source is in `source_ids`, as slices (no copy): an
    article's rows are contiguous."""
    keep = pc.is_in(table["source_id"], value_set=source_ids).to_numpy(zero_copy_only=False)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], keep, [False])).astype(np.int8)))
    runs = [table.slice(a, b - a) for a, b in edges.reshape(-1, 2)]
    return pa.concat_tables(runs) if runs else table.slice(0, 0)


_BY_SPEAKER = ("speaker_id", "speaker", "confidence")  # columns only the corpus-wide step can fill


def _map_columns(name: str) -> list[str]:
    """The columns the per-article step gives table `name`."""
    cols = [c for c in schemas.SCHEMAS[name].names if c not in _BY_SPEAKER]
    return cols if name in ("sources", "paragraphs", "sentences", "ingest_report") else [*cols, "_who"]


_BOOKS: Codebooks | None = None  # the codebooks of this process: sent once to each worker


def _init_worker(books: Codebooks, parent: int | None = None) -> None:
    global _BOOKS
    _BOOKS = books
    if parent is not None:
        _die_with(parent)


def _die_with(parent: int) -> None:
    """Have Linux end this worker process when its parent (process `parent`) ends, even
    by kill -9, which gives the parent no time to stop its workers."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # it ended before that
        os._exit(1)


def _map_one(job) -> SourceResult:
    raw, row = job
    try:
        doc = ingest_text(raw, row, _BOOKS.furniture)
    except Exception as e:  # noqa: BLE001 -- one bad article never stops the corpus
        return failed_result(raw, "ingest", e)
    return analyze_doc(doc, _BOOKS)


def _map_chunk(jobs: list) -> MapResult:
    return MapResult.of([_map_one(j) for j in jobs])


def _map_on_dask(jobs: list, books: Codebooks) -> MapResult:
    _init_worker(books)
    return _map_chunk(jobs)


def _chunks(jobs, size: int):
    it = iter(jobs)
    while chunk := list(islice(it, size)):
        yield chunk


def dask_client(address: str):
    """A dask.distributed Client of the scheduler at `address`, or :class:`NkhrError` naming
    it (in seconds, not a traceback after 30) when none answers there."""
    from distributed import Client

    reach_scheduler(address)
    try:
        return Client(address, timeout=10)
    except Exception as e:  # noqa: BLE001 -- something answers there, but not a dask scheduler
        raise NkhrError(f"dask scheduler {address}: something answers there, but not a dask "
                        f"scheduler ({type(e).__name__}: {str(e)[:200]})") from None


def reach_scheduler(address: str, timeout: float = 5.0) -> None:
    """Raise :class:`NkhrError` naming `address` if no dask scheduler answers there within
    `timeout` seconds (dask itself would wait 30 s, then raise a long traceback)."""
    url = urlsplit(address if "://" in address else f"tcp://{address}")
    if url.scheme not in ("tcp", "tls"):
        return  # (inproc://, ucx://: dask says what is wrong)
    try:
        host, port = url.hostname, url.port
        with socket.create_connection((host, port or 8786), timeout=timeout):
            pass
    except (OSError, ValueError) as e:
        raise NkhrError(f"dask scheduler {address}: cannot connect ({getattr(e, 'strerror', None) or e}); "
                        f"is the scheduler running, and is the address host:port right?") from None


def _map(jobs, n_jobs: int, books: Codebooks, workers: int, executor: str,
         scheduler: str | None) -> list[MapResult]:
    """The per-article step over `jobs` ((raw text, catalog row) pairs, at most `n_jobs`,
    possibly still being read), in chunks of articles: workers start on the first
    chunk while the rest is read."""
    size = max(1, min(64, n_jobs // (max(1, workers) * 8)))
    chunks = _chunks(jobs, size)
    first = next(chunks, None)
    if first is None:
        return []
    second = next(chunks, None)
    if second is None:  # one chunk: no workers to start
        workers, executor = 1, "local"
    chunks = chain([first], [second] if second else [], chunks)
    if executor == "dask":
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            from .errors import DASK_MISSING, NkhrError

            raise NkhrError(DASK_MISSING) from None

        cluster = None if scheduler else LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                                      processes=True, dashboard_address=":0")
        with dask_client(scheduler) if scheduler else Client(cluster) as client:
            shared = client.scatter(books, broadcast=True)
            futures = [client.submit(_map_on_dask, chunk, shared, pure=False) for chunk in chunks]
            order = {f.key: i for i, f in enumerate(futures)}
            results = [None] * len(futures)
            for future, result in as_completed(futures, with_results=True):  # the cluster lets
                results[order[future.key]] = result                          # go of each result
                future.release()                                             # once it is here
            del futures
        if cluster is not None:
            cluster.close()
        return results
    if workers > 1:
        if any(raw.text and korean_mod.has_hangul(raw.text) for raw, _ in chain(first, second)):
            korean_mod.analyzer()  # loaded once, before the workers fork: they share its ~300 MB
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(books, os.getpid())) as pool:
            return list(pool.map(_map_chunk, chunks))
    _init_worker(books)
    return [_map_chunk(c) for c in chunks]


def analyze(corpus, *, catalog=None, themes=None, frames=None, speakers=None, workers: int = 1,
            executor: str = "local", scheduler: str | None = None, max_mb: float = 10.0,
            cache_dir=None, out=None, follow_links: bool = False) -> Tables:
    """Raw articles -> Tables (sources, paragraphs, sentences, ingest_report, quotes,
    mentions, speakers, themes, frames).

    corpus: a folder of raw articles.
    catalog: catalog CSV (default: catalog.csv in the folder or its parent).
    themes, frames, speakers: codebook files replacing the project's/defaults.
    workers: processes for the per-article step; executor "local" or "dask"
        (scheduler: a dask scheduler address; default a local cluster).
    cache_dir: folder keeping the per-article results of earlier runs; an article
        whose bytes, path, catalog row, codebooks and nkhr code are unchanged is
        not redone (nor read again, if its size, times and inode are unchanged).
    out: a folder to write the tables to, each as soon as it is ready (the same
        files as ``analyze(...).write(out)``, sooner: writing overlaps the work); the
        set appears whole when the analysis ends (see :class:`nkhr.tables.TableSet`).
    follow_links: read files linked from the corpus folder to files outside it
        (by default they are reported and skipped).
    Everything that can be checked before the work is checked first: the codebooks,
    that neither `out` nor `cache_dir` lies in the corpus, that `out` can be written.
    """
    books = Codebooks.load(themes, frames, speakers)  # a bad codebook stops us before any work
    for folder, what in ((out, "output"), (cache_dir, "cache")):
        if folder is not None and os.path.lexists(folder) and not os.path.isdir(folder):
            raise NkhrError(f"{folder}: the {what} folder exists and is not a folder")
        if folder is not None:
            outside_corpus(corpus, folder, what)
    if scheduler:
        reach_scheduler(scheduler)  # (the client is made when the work is ready for it)
    options = dict(catalog=catalog, themes=themes, frames=frames, speakers=speakers, workers=workers,
                   executor=executor, scheduler=scheduler, max_mb=max_mb, cache_dir=cache_dir,
                   follow_links=follow_links)
    if out is None:
        return _analyze(corpus, books, None, **options)
    with TableSet(out) as tables_out:  # locked, and checked writable, before the work
        return _analyze(corpus, books, tables_out, **options)


@_gc_paused()
def _analyze(corpus, books: Codebooks, out: TableSet | None, *, catalog, themes, frames, speakers,
             workers: int, executor: str, scheduler: str | None, max_mb: float, cache_dir,
             follow_links: bool) -> Tables:
    layers = store.load(cache_dir, _code_hash(), MAP_TABLES)
    stored_keys, known, layer_of = {}, {}, {}
    for i, layer in enumerate(layers):
        stored_keys.update(layer.keys)
        known.update(layer.known)
        layer_of.update(dict.fromkeys(layer.keys, i))
    rows, problems, files, stream = scan_corpus(corpus, catalog, max_mb, known, follow_links)
    code_key = _code_key(books.per_source_hash())
    texts, keys, reused = [], {}, []

    def jobs():  # articles are read as the workers need them
        for raw in stream:
            key = keys[raw.source_id] = _cache_key(raw.sha256, raw.path, rows.get(raw.source_id), code_key)
            if stored_keys.get(raw.source_id) == key:
                reused.append(raw.source_id)
                texts.append(raw)  # its text was not read
                continue
            if raw.text is None:  # unchanged on disk, but its result is stale: read it now
                raw = read_raw(Path(corpus), raw.path, int(max_mb * 1e6))
                if isinstance(raw, Problem):  # changed or gone since its size and time were read
                    problems.append(raw)
                    continue
            texts.append(replace(raw, text=None))  # the text is not needed after the map step
            yield raw, rows.get(raw.source_id)

    if workers > 1 or executor == "dask":  # no thread at work when worker processes are forked
        wait([layer.tables for layer in layers])
    done = _map(jobs(), len(files), books, workers, executor, scheduler)
    from_layer = [[sid for sid in reused if layer_of[sid] == i] for i in range(len(layers))]
    merged = MapResult.merge([MapResult(layer.tables.result(), {}, layer.n_sentences).subset(ids)
                              for layer, ids in zip(layers, from_layer, strict=True)]
                             + done)

    @cache
    def people() -> dict:  # read from the cache while the tables are converted and written
        for layer, ids in zip(layers, from_layer, strict=True):
            if ids:
                stored = layer.persons()
                merged.persons.update((sid, stored[sid]) for sid in ids)
        return merged.persons

    saving = None  # the cache is saved while reduce() runs: Arrow compresses without the GIL
    if cache_dir is not None and len(reused) < len(texts):
        new = MapResult.merge(done)
        if not store.adds_layer(layers, len(new.n_sentences), len(texts)):
            people()  # every person, for the one layer that replaces the others
        whole = MapResult(dict(merged.tables), merged.persons, merged.n_sentences)  # reduce() empties merged
        saving = store.save_in_background(Path(cache_dir), layers, new, whole, keys, texts, _code_hash())
        del new, whole
    del done
    for layer in layers:
        layer.tables = None

    failed = set(merged.tables["ingest_report"]["source_id"].to_pylist())
    for raw in texts:
        if not merged.n_sentences[raw.source_id] and raw.source_id not in failed:
            problems.append(no_text(raw.path))
    tables = reduce(merged, books, problems, out, people)
    tables.meta = {
        "produced_by": f"nkhr {__version__}",
        "corpus": str(corpus),
        "inputs": {raw.source_id: raw.sha256 for raw in texts if merged.n_sentences[raw.source_id]},
        "corpus_sha256": combine(raw.sha256 for raw in texts if merged.n_sentences[raw.source_id]),
        "codebooks": books.hashes(),
        "codebook_versions": books.versions(themes, frames, speakers),
        "parameters": {"themes": str(themes) if themes else None,
                       "frames": str(frames) if frames else None,
                       "speakers": str(speakers) if speakers else None,
                       "catalog": str(catalog) if catalog else None, "max_mb": max_mb},
        "versions": versions(),
    }
    tables.run = {"articles": len(texts), "from_cache": len(reused)}
    trouble = saving.result() if saving is not None else None  # (the cache may be in `out`)
    if out is not None:
        out.commit(tables.meta)
    if trouble:  # only now: the tables are complete whatever the warning filter does
        warnings.warn(trouble, stacklevel=3)
    return tables


def _code_key(book_hash: str) -> str:
    """What every article's map-step result depends on: the codebooks and nkhr's code."""
    return sha256_bytes(repr((book_hash, __version__, _code_hash())).encode())


def _cache_key(raw_sha256: str, path: str, catalog_row: dict | None, code_key: str) -> str:
    """What an article's map-step result depends on: its bytes, its path (the `path` column,
    and .txt or .html), catalog row, and `code_key`."""
    parts = (raw_sha256, path, sorted(catalog_row.items()) if catalog_row else (), code_key)
    return sha256_bytes(repr(parts).encode())[:32]


@cache
def _code_hash() -> str:
    """Hash of the package's Python source: a code change without a version bump misses the cache."""
    root = Path(__file__).parent
    return combine(f"{p.relative_to(root)}:{sha256_bytes(p.read_bytes())}" for p in sorted(root.rglob("*.py")))


def reduce(merged: MapResult, books: Codebooks, problems=(), out: TableSet | None = None,
           people=None) -> Tables:
    """The corpus-wide step: join people into speakers and build every table (written
    into the set `out` as each is ready, when given). `people`: called for the persons
    when they are needed, if not in `merged` yet. Takes the tables out of `merged.tables`
    as it goes, so that each is freed once its final table is made."""
    with ThreadPoolExecutor(2) as pool:  # Arrow works without the GIL while people are joined
        def ready(name: str | None, make, *args):  # name: the table to write (None: not one)
            return pool.submit(lambda: out.write(make(*args), name) if out and name else make(*args))

        return _reduce(merged, books, problems, ready, people or (lambda: merged.persons))


def _reduce(merged: MapResult, books: Codebooks, problems, ready, people) -> Tables:
    t = merged.tables
    tables = Tables({name: ready(name, schemas.from_arrow, name, t.pop(name))
                     for name in ("sources", "paragraphs", "sentences")})
    tables["ingest_report"] = ready("ingest_report", _report, list(problems), t.pop("ingest_report"))
    # the tables that need speakers are put in order meanwhile (speakers do not change it)
    ordered = {name: ready(None, schemas.sort_arrow, name, t.pop(name))
               for name in ("quotes", "mentions", "themes", "frames")}
    with _gc_paused():
        persons = people()
        speaker_rows, local_map, names = resolve(persons, books.lexicon, books.roles, books.registry,
                                                 books.korean)
    ids = sorted(names)
    id_arr = pa.array(ids, pa.large_string())
    name_arr = pa.array([names[s] for s in ids], pa.large_string())
    sids = sorted(persons)
    offsets = np.cumsum([0] + [len(persons[s]) for s in sids])
    index_of = {s: i for i, s in enumerate(ids)}
    lookup = np.array([index_of[local_map[(s, k)]] if (s, k) in local_map else -1
                       for s in sids for k in range(len(persons[s]))] + [-1], dtype=np.int64)
    sid_arr = pa.array(sids, pa.large_string())

    def speaker_index(table: pa.Table) -> pa.Array:
        """Per row, the index in `ids` of its speaker (null: nobody / the narrator)."""
        if not len(table):
            return pa.array([], pa.int64())
        src = pc.index_in(table["source_id"], value_set=sid_arr).to_numpy(zero_copy_only=False)
        who = table["_who"].to_numpy()
        at = np.where(who >= 0, offsets[src] + who, len(lookup) - 1)
        found = lookup[at]
        return pa.array(found, mask=found < 0)

    q = ordered.pop("quotes").result()
    qi = speaker_index(q)
    method = pc.if_else(pc.is_null(qi), "none", q["method"])
    conf_values = pa.array(list(quotes_mod.CONFIDENCE.values()), pa.float64())
    conf = conf_values.take(pc.index_in(method, value_set=pa.array(list(quotes_mod.CONFIDENCE), pa.large_string())))
    q = (q.set_column(q.schema.get_field_index("method"), "method", method)
         .append_column("speaker_id", id_arr.take(qi)).append_column("speaker", name_arr.take(qi))
         .append_column("confidence", conf))
    counts = np.bincount(qi.drop_null().to_numpy(), minlength=len(ids)) if len(ids) else []
    for row in speaker_rows:
        row["n_quotes"] = int(counts[index_of[row["speaker_id"]]])
    men = ordered.pop("mentions").result()
    men = men.append_column("speaker_id", id_arr.take(speaker_index(men)))
    tables["quotes"] = ready("quotes", schemas.from_arrow, "quotes", q, False)
    tables["mentions"] = ready("mentions", schemas.from_arrow, "mentions", men, False)
    del q, men  # each table is freed once its final table is made
    tables["speakers"] = ready("speakers", schemas.frame, "speakers",
                               {c: [row[c] for row in speaker_rows] for c in schemas.SPEAKERS.names})
    for name in ("themes", "frames"):
        tb = ordered.pop(name).result()
        who = pc.fill_null(name_arr.take(speaker_index(tb)), schemas.NARRATOR)
        tables[name] = ready(name, schemas.from_arrow, name, tb.append_column("speaker", who), False)
        del tb
    for name, table in tables.items():
        tables[name] = table.result()
    return tables


def _report(problems: list[Problem], found: pa.Table):
    """ingest_report: the problems of reading the corpus and those met analyzing articles."""
    rows = found.to_pydict()
    return report_table(problems + [Problem(*vals) for vals in zip(*(rows[c] for c in schemas.INGEST_REPORT.names),
                                                                   strict=True)])


def load(corpus, **kwargs) -> Tables:
    """A raw folder (analyzed now) or a folder of analyzed tables (read) -> Tables."""
    from .tables import read_tables

    folder = Path(corpus)
    if folder.is_dir() and any(folder.glob("*.parquet")):
        return read_tables(folder)
    return analyze(folder, **kwargs)
