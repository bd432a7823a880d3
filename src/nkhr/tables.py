"""The set of tables a stage hands on, and how they are written and read.

A :class:`Tables` is a dict of table name -> DataFrame with attribute access
(``t.quotes``) and a ``meta`` dict recording what produced it (input hashes,
codebook hashes, parameters, versions). Written to a folder it becomes
``NAME.parquet`` (the record), ``NAME.csv`` (for people) and ``meta.json``;
every file is written to a temporary name and renamed into place, and the
same tables always give byte-identical files.
"""

from __future__ import annotations

import json
import os
import tempfile
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
        """Write every table as Parquet and CSV, plus meta.json, atomically per file."""
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


def write_table(df: pd.DataFrame, out: Path, name: str, formats=("parquet", "csv")) -> pd.DataFrame:
    """Write one table as NAME.parquet and NAME.csv in `out`, each atomically; return it."""
    table = to_arrow(df)
    if "parquet" in formats:
        _atomic_write(out / f"{name}.parquet", lambda p: pq.write_table(table, p, compression="zstd"))
    if "csv" in formats:
        _atomic_write(out / f"{name}.csv", lambda p: pacsv.write_csv(table, p))
    return df


def write_meta(meta: dict, out: Path) -> None:
    text = json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    _atomic_write(out / "meta.json", lambda p: Path(p).write_text(text + "\n", encoding="utf-8"))


def write_tables(tables: Tables, out_dir, formats=("parquet", "csv")) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(tables, key=lambda n: (ORDER.index(n) if n in ORDER else 99, n))
    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:  # Arrow writes without the GIL
        list(pool.map(lambda name: write_table(tables[name], out, name, formats), names))
    write_meta(tables.meta, out)
    return out


def read_tables(folder, names: Iterable[str] | None = None) -> Tables:
    """Read the Parquet tables (and meta.json) that :func:`write_tables` wrote."""
    folder = Path(folder)
    files = sorted(folder.glob("*.parquet"))
    if not files:
        raise NkhrError(f"{folder}: no analyzed tables (*.parquet) here; make them with "
                        f"`nkhr analyze RAW_DIR --out {folder}` (RAW_DIR: your folder of articles)")
    wanted = set(names) if names else None
    tables = Tables()
    for f in files:
        if wanted is None or f.stem in wanted:
            df = pd.read_parquet(f)
            if f.stem in schemas.SCHEMAS:
                schemas.check(df, f.stem)
            tables[f.stem] = df
    meta = folder / "meta.json"
    if meta.exists():
        tables.meta = json.loads(meta.read_text(encoding="utf-8"))
    return tables
