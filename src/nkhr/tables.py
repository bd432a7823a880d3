"""The set of tables a stage hands on, and how they are written and read.

A :class:`Tables` is a dict of table name -> DataFrame with attribute access
(``t.quotes``) and a ``meta`` dict recording what produced it (input hashes,
codebook hashes, parameters, versions). Written to a folder it becomes
``NAME.parquet`` (the record), ``NAME.csv`` (for people) and ``meta.json``,
and the same tables always give byte-identical files.

A set of tables appears in its folder all at once (:class:`TableSet`): it is
written into a sibling folder, ``meta.json`` last with the sha256 of every
file, and that folder then takes the place of the old one in one rename. A run
killed or out of disk space leaves the previous tables; a second run writing
the same folder meanwhile stops with an error; and :func:`read_tables` refuses
a folder whose tables are not those its ``meta.json`` lists.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import schemas
from .errors import NkhrError

ORDER = ["sources", "paragraphs", "sentences", "ingest_report", "quotes", "mentions",
         "speakers", "themes", "frames"]


class Tables(dict):
    """Table name -> DataFrame, with attribute access and provenance in ``meta``."""

    def __init__(self, tables=(), meta: dict | None = None):
        super().__init__(tables)
        self.meta: dict = dict(meta or {})
        self.run: dict = {}  # how this run went (e.g. articles taken from the cache); not written

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"no table {name!r}; this set has {sorted(self)}") from None

    def __dir__(self) -> Iterable[str]:
        return list(super().__dir__()) + list(self)

    def write(self, out_dir: str | os.PathLike, formats=("parquet", "csv")) -> Path:
        """Write every table as Parquet and CSV, plus meta.json: the folder's set of tables,
        which appears whole (see :class:`TableSet`)."""
        return write_tables(self, out_dir, formats)


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; tables are for people to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_arrow(df: pd.DataFrame) -> pa.Table:
    # preserve_index=False and no pandas metadata beyond dtypes: stable bytes.
    return pa.Table.from_pandas(df, preserve_index=False)


class TableSet:
    """Writes one set of tables into folder `out`, which shows either the previous set
    or this one, whole (see the module docstring). Use as a context manager; the
    tables go in with :meth:`write`, the set appears with :meth:`commit`; leaving
    the block without committing leaves `out` as it was.

    From the start, `out`'s sibling lock file ``.NAME.lock`` is held: a second set
    written into `out` meanwhile raises :class:`NkhrError` at once, naming the
    process that holds it. Files in `out` that are not tables of the previous set
    (the analysis cache, a researcher's notes) stay where they are.
    """

    def __init__(self, out):
        self.out = Path(os.path.realpath(out))  # a link to a folder: the folder
        parent, name = self.out.parent, self.out.name
        self.hashes: dict[str, str] = {}
        self._lock = self._stage = None
        self._dropping = threading.Lock()
        self._error: OSError | None = None
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._lock = _lock(parent / f".{name}.lock", self.out)
            self._recover()
            if self.out.is_dir():  # it must be writable (checked now, before any work is done)
                fd, probe = tempfile.mkstemp(prefix=".nkhr-check-", dir=self.out)
                os.close(fd)
                os.unlink(probe)
            elif self.out.exists():
                raise NkhrError(f"{self.out}: the output folder exists and is not a folder")
            self._stage = Path(tempfile.mkdtemp(prefix=f".{name}.new-", dir=parent))
        except OSError as e:
            self.close()
            raise NkhrError(f"{self.out}: cannot write the tables here: {e.strerror or e} "
                            f"({e.filename or parent})") from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> TableSet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write(self, df: pd.DataFrame, name: str, formats=("parquet", "csv")) -> pd.DataFrame:
        """Write table `name` as NAME.parquet and NAME.csv into the set; return it."""
        table = to_arrow(df)
        try:
            if "parquet" in formats:
                self._hash(f"{name}.parquet", lambda p: pq.write_table(table, p, compression="zstd"))
            if "csv" in formats:
                self._hash(f"{name}.csv", lambda p: pacsv.write_csv(table, p))
        except OSError as e:
            raise self._failed(e) from None
        return df

    def _hash(self, fname: str, write) -> None:
        path = self._stage / fname
        write(str(path))
        os.chmod(path, 0o644)
        self.hashes[fname] = _sha256(path)

    def commit(self, meta: dict) -> Path:
        """Write meta.json (`meta` and the files' sha256) and put the set in place of the old."""
        stage, out = self._stage, self.out
        try:
            text = json.dumps({**meta, "tables": dict(sorted(self.hashes.items()))}, indent=2,
                              sort_keys=True, ensure_ascii=False, default=str)
            (stage / "meta.json").write_text(text + "\n", encoding="utf-8")
            os.chmod(stage, 0o755)  # mkdtemp makes 0700; tables are for people to read
            if out.is_dir():
                drop = _set_files(out) | set(self.hashes)
                for entry in os.listdir(out):  # what is not the old set stays
                    if entry not in drop and not _is_temp(entry):
                        os.replace(out / entry, stage / entry)
                _exchange(stage, out)  # `stage` now holds the old set
                shutil.rmtree(stage, ignore_errors=True)
            else:
                os.replace(stage, out)
        except OSError as e:
            raise self._failed(e) from None
        self._stage = None
        return out

    def _failed(self, e: OSError) -> NkhrError:
        with self._dropping:  # the first failure says why (the others follow from it)
            e = self._error = self._error or e
        self._drop()
        return NkhrError(f"{self.out}: the tables could not be written ({e.strerror or e}); "
                         f"the previous tables, if any, are unchanged")

    def _drop(self) -> None:
        """Drop the set being written (once: the tables are written by several threads)."""
        with self._dropping:
            stage, self._stage = self._stage, None
        if stage is not None:
            self._recover_from(stage)

    def close(self) -> None:
        """Drop an uncommitted set and release the lock."""
        self._drop()
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _recover(self) -> None:
        """Undo what a killed run left (we hold the lock: no live run is writing here)."""
        parent, name = self.out.parent, self.out.name
        for d in sorted(parent.glob(f".{name}.new-*")):
            if not self.out.exists() and (d / "meta.json").is_file() and _exchanged(d):
                os.replace(d, self.out)  # killed between the two renames of _exchange's fallback
            else:
                self._recover_from(d)

    def _recover_from(self, stage: Path) -> None:
        """Put back into `out` what a set being committed had taken from it (only a set
        with its meta.json had taken anything), then remove it."""
        try:
            back = set(os.listdir(stage)) - _set_files(stage) if (stage / "meta.json").is_file() else ()
            for entry in back:
                if not _is_temp(entry) and not os.path.lexists(self.out / entry):
                    self.out.mkdir(exist_ok=True)
                    os.replace(stage / entry, self.out / entry)
        except OSError:
            pass
        shutil.rmtree(stage, ignore_errors=True)


def _lock(path: Path, out: Path) -> int:
    """Hold the lock file `path` for `out` (a file descriptor), or raise naming its holder."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        import fcntl
    except ImportError:  # not on a POSIX system: no lock
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise NkhrError(f"{out}: another nkhr run (process {holder}) is writing tables here; "
                        f"wait for it to end, or write elsewhere (--out)") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _set_files(folder: Path) -> set[str]:
    """The files of the set of tables in `folder`: those its meta.json lists (or, for a
    folder written before meta.json listed them, every known table's), and meta.json."""
    try:
        listed = json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("tables")
    except (OSError, ValueError, AttributeError):
        listed = None
    if not isinstance(listed, dict):
        listed = [f"{n}.{ext}" for n in schemas.SCHEMAS for ext in ("parquet", "csv")]
    return {*listed, "meta.json"}


def _is_temp(entry: str) -> bool:
    """A temporary file an older nkhr wrote beside a table (``.quotes.csv.x1y2``), or a check."""
    return entry.startswith(".") and (".parquet." in entry or ".csv." in entry or ".json." in entry
                                      or entry.startswith(".nkhr-check-"))


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> None:
    """Swap folders `a` and `b` in one step (Linux's renameat2); elsewhere, in two renames."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(b))
    except AttributeError:  # no renameat2 in this C library
        pass
    old = a.with_name(a.name + ".old")
    os.replace(b, old)
    os.replace(a, b)
    os.replace(old, a)


def _exchanged(stage: Path) -> bool:
    return stage.name.endswith(".old") or (stage.with_name(stage.name + ".old")).exists()


def write_tables(tables: Tables, out_dir, formats=("parquet", "csv")) -> Path:
    """Write `tables` as the set of folder `out_dir` (or into the :class:`TableSet` given)."""
    if not isinstance(out_dir, TableSet):
        with TableSet(out_dir) as out:
            return write_tables(tables, out, formats)
    names = sorted(tables, key=lambda n: (ORDER.index(n) if n in ORDER else 99, n))
    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:  # Arrow writes without the GIL
        list(pool.map(lambda name: out_dir.write(tables[name], name, formats), names))
    return out_dir.commit(tables.meta)


def read_tables(folder, names: Iterable[str] | None = None) -> Tables:
    """Read the Parquet tables (and meta.json) that :func:`write_tables` wrote.

    Raises :class:`NkhrError` when a table is not the file meta.json lists (by its
    sha256): tables of two runs mixed in one folder never load as one set.
    """
    folder = Path(folder)
    files = sorted(folder.glob("*.parquet"))
    if not files:
        raise NkhrError(f"{folder}: no analyzed tables (*.parquet) here; make them with "
                        f"`nkhr analyze RAW_DIR --out {folder}` (RAW_DIR: your folder of articles)")
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    listed = meta.get("tables") if isinstance(meta, dict) else None
    if isinstance(listed, dict):
        unlisted = sorted(f.name for f in files if f.name not in listed)
        missing = sorted(f for f in listed if f.endswith(".parquet") and not (folder / f).is_file())
        if unlisted or missing:
            wrong = [f"{f} not listed" for f in unlisted] + [f"{f} missing" for f in missing]
            raise NkhrError(f"{folder}: the tables are not the set meta.json lists ({', '.join(wrong)}); "
                            f"analyze again")
    wanted = set(names) if names else None
    tables = Tables()
    for f in files:
        if wanted is None or f.stem in wanted:
            data = f.read_bytes()
            if isinstance(listed, dict) and hashlib.sha256(data).hexdigest() != listed[f.name]:
                raise NkhrError(f"{folder}: {f.name} is not the file meta.json lists (its sha256 differs): "
                                f"the folder mixes tables of different runs, or one was edited; "
                                f"analyze again")
            df = pd.read_parquet(io.BytesIO(data))
            if f.stem in schemas.SCHEMAS:
                schemas.check(df, f.stem)
            tables[f.stem] = df
    tables.meta = meta
    return tables
