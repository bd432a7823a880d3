"""The analysis cache: earlier runs' per-article results, kept on disk.

The cache keeps the map step's results in layers ``CACHE/map/0, 1, ...``; each holds

- ``{table}.arrow``: the map step's rows of every table (Arrow IPC, zstd-compressed);
- ``persons.msgpack``: each article's people (nested arrays), read only when needed;
- ``index.msgpack``: each article's cache key, sentence count and file reading, the
  code's hash and the other files' CRC-32; its own CRC-32 follows it.

A later layer overrides an earlier one for the articles it holds. A run that redoes
a few articles adds a layer with just those; one that redoes many, or finds too
many layers, writes everything as one layer. Nothing here can run code: the files
are Arrow and MessagePack (plain data), and a file whose checksum does not match,
a layer written by other code, or anything unexpected is a miss, never a result.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import astuple, dataclass
from pathlib import Path

import msgpack
import pyarrow as pa

from .ingest import Problem, RawText

_STORE = "map"
_MAX_LAYERS = 8
# zstd, one record batch per table: 317 MB -> 23 MB for 10k articles, decompressed in 0.13 s
_IPC_WRITE = pa.ipc.IpcWriteOptions(compression="zstd")


@dataclass
class Layer:
    number: int
    tables: Future  # -> table name -> pa.Table: decompressed in the background (see load)
    n_sentences: dict
    keys: dict    # source id -> cache key
    known: dict   # path -> RawText (text None): readings trusted (the file did not change
                  # in the two seconds before the layer was written)
    persons_blob: bytes  # read (and checked) with the rest: another run may replace the layer

    def persons(self) -> dict:
        """Source id -> the article's people, as nested tuples (call with the cyclic
        garbage collector paused: they are many small objects)."""
        return _unpack(self.persons_blob)


def _unpack(data) -> dict:
    # arrays as tuples: the people's fields come back as the workers send them
    return msgpack.unpackb(data, use_list=False, raw=False)


def load(cache_dir, code: str, names) -> list[Layer]:
    """The cached layers, oldest first; none when the cache is missing or damaged, or
    was written by code other than `code`. Every file is read and checked now; the
    tables `names` are decompressed in a background thread (0.13 s for 10k articles)
    while the corpus is scanned."""
    folder = Path(cache_dir) / _STORE if cache_dir is not None else None
    if folder is None or not folder.is_dir():
        return []
    found = []
    try:
        for d in sorted((d for d in folder.iterdir() if d.name.isdigit()), key=lambda d: int(d.name)):
            data = (d / "index.msgpack").read_bytes()
            index = msgpack.unpackb(_checked(data[:-4], data[-4:]), raw=False)
            if index.get("code") != code:  # written by other code: no result or file reading holds
                return []
            # a mapped file stays readable when another run replaces the layer meanwhile
            readers = {name: pa.ipc.open_file(_checked(pa.memory_map(str(d / f"{name}.arrow")).read_buffer(),
                                                       index["crc"][name]))
                       for name in names}
            persons = _checked((d / "persons.msgpack").read_bytes(), index["crc"]["persons"])
            trusted = index["written_ns"] - 2_000_000_000
            known = {path: RawText(sid, p, sha, enc, None, [Problem(*x) for x in problems], tuple(stat))
                     for path, (sid, p, sha, enc, problems, stat) in index["files"].items() if stat[1] < trusted}
            found.append((int(d.name), readers, index, known, persons))
    except Exception:  # damaged, being replaced by another run, or from another version: a miss
        return []
    return [Layer(number, _in_background(_read_all, readers), index["n_sentences"], index["keys"], known, persons)
            for number, readers, index, known, persons in found]


def _read_all(readers: dict) -> dict[str, pa.Table]:
    return {name: reader.read_all() for name, reader in readers.items()}


def _in_background(fn, *args) -> Future:
    """`fn(*args)` in a thread of its own, which ends when it is done."""
    pool = ThreadPoolExecutor(1)
    future = pool.submit(fn, *args)
    pool.shutdown(wait=False)
    return future


def _crc(data) -> bytes:
    """A checksum of a cache file's bytes (3 GB/s): a damaged file is a miss, not wrong tables."""
    return zlib.crc32(data).to_bytes(4, "little")


def _checked(data, crc: bytes):
    """`data`, if its checksum is `crc`."""
    if _crc(data) != crc:
        raise ValueError("damaged cache file")
    return data


def adds_layer(layers: list[Layer], n_new: int, n_texts: int) -> bool:
    """Does saving the `n_new` articles this run redid add a layer, or replace them all?"""
    return bool(layers) and len(layers) < _MAX_LAYERS and n_new * 4 <= n_texts


def save_in_background(cache: Path, layers: list[Layer], new, whole, keys: dict, texts: list,
                       code: str) -> Future:
    """:func:`save` in a thread of its own (Arrow compresses without the GIL)."""
    return _in_background(save, cache, layers, new, whole, keys, texts, code)


def save(cache: Path, layers: list[Layer], new, whole, keys: dict, texts: list, code: str) -> str | None:
    """Add `new` (a MapResult: the articles this run redid) as a layer, or replace every
    layer by `whole` (with every article's persons). Returns what went wrong, if the
    cache could not be written."""
    folder = cache / _STORE
    add = adds_layer(layers, len(new.n_sentences), len(texts))
    result = new if add else whole
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        drop_stale(folder)
        tmp = Path(tempfile.mkdtemp(prefix=".layer-", dir=folder))
        crc = {}
        for name, table in result.tables.items():
            with (pa.OSFile(str(tmp / f"{name}.arrow"), "wb") as f,
                  pa.ipc.new_file(f, table.schema, options=_IPC_WRITE) as w):
                w.write_table(table.combine_chunks())  # one batch: 2x smaller, 2x quicker to read
            crc[name] = _crc(pa.memory_map(str(tmp / f"{name}.arrow")).read_buffer())
        blob = msgpack.packb(result.persons)
        (tmp / "persons.msgpack").write_bytes(blob)
        crc["persons"] = _crc(blob)
        index = {"keys": {k: v for k, v in keys.items() if k in result.n_sentences},
                 "n_sentences": result.n_sentences,
                 "files": {raw.path: (raw.source_id, raw.path, raw.sha256, raw.encoding,
                                      [astuple(p) for p in raw.problems], raw.stat)
                           for raw in texts if raw.source_id in result.n_sentences},
                 "crc": crc, "written_ns": time.time_ns(), "code": code}
        data = msgpack.packb(index)
        (tmp / "index.msgpack").write_bytes(data + _crc(data))
        if add:
            os.replace(tmp, folder / str(layers[-1].number + 1))
            return None
        for d in folder.iterdir():  # the older layers go
            if d.name.isdigit():
                shutil.rmtree(d, ignore_errors=True)
        os.replace(tmp, folder / "0")
    except OSError as e:  # not writable, or another run saved a layer of that name meanwhile
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        return f"{cache}: the analysis cache was not updated ({e}); the tables are complete"
    return None


def drop_stale(folder: Path, age_s: float = 3600.0, pattern: str = ".layer-*") -> None:
    """Remove the half-written layers (or files: `pattern`) of killed runs: one is written
    in seconds, so one untouched for `age_s` belongs to no live run."""
    cutoff = time.time() - age_s
    for d in folder.glob(pattern):
        try:
            if d.lstat().st_mtime < cutoff:
                shutil.rmtree(d) if d.is_dir() and not d.is_symlink() else d.unlink()
        except OSError:  # gone meanwhile, or not ours to remove: the next run tries again
            pass
