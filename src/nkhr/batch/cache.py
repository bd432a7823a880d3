"""What a run depends on, and whether its finished output can be kept.

A run's *inputs* are the notebook's bytes, its parameters, the corpus (every
file below the corpus folder, plus ``catalog.csv`` beside it when the corpus
has none of its own), the codebooks (every file in ``$NKHR_CODEBOOKS``, the
project's ``data/codebooks`` and the package's defaults) and the nkhr
version. Their hashes combine into one *key*.

When a run ends, the runner writes ``OUTPUT/NAME/.nkhr-run.json`` (its
record: key, status, error, duration, versions) last, by write-then-rename.
A later batch keeps the run, without starting a kernel, when that record
says ``ok`` for the same key and the executed notebook is there; a run
killed midway has no record and runs again.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from pathlib import Path

from .. import __version__
from ..codebooks import RESOURCES
from ..provenance import combine, folder_hash, sha256_bytes, sha256_file

RECORD = ".nkhr-run.json"


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; outputs are for people to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


@cache
def corpus_hash(corpus: Path | None) -> str:
    """Hash of a corpus folder's files (and of the catalog beside it, if it uses that one)."""
    if corpus is None or not Path(corpus).is_dir():
        return "none"
    corpus = Path(corpus)
    parts = [folder_hash(corpus)]
    if not (corpus / "catalog.csv").is_file() and (corpus.parent / "catalog.csv").is_file():
        parts.append("catalog:" + sha256_file(corpus.parent / "catalog.csv"))
    return combine(parts)


@cache
def codebooks_hash(root: Path | None) -> str:
    """Hash of every codebook a run could read (env folder, project folder, package defaults)."""
    folders = [Path(os.environ["NKHR_CODEBOOKS"])] if os.environ.get("NKHR_CODEBOOKS") else []
    if root is not None:
        folders.append(root / "data" / "codebooks")
    folders.append(RESOURCES)
    return combine(f"{f}:{folder_hash(f)}" for f in folders if f.is_dir())


def run_inputs(run, root: Path | None) -> dict:
    """The hashed inputs of `run` (a :class:`~nkhr.batch.spec.Run`)."""
    return {
        "notebook_sha256": sha256_file(run.notebook),
        "parameters": run.parameters,
        "corpus_sha256": corpus_hash(run.corpus),
        "codebooks_sha256": codebooks_hash(root),
        "nkhr": __version__,
    }


def run_key(inputs: dict) -> str:
    return sha256_bytes(json.dumps(inputs, sort_keys=True, default=str).encode())


def read_record(run_dir: Path) -> dict | None:
    try:
        return json.loads((Path(run_dir) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_record(run_dir: Path, record: dict) -> None:
    atomic_write_text(Path(run_dir) / RECORD, dumps(record))


def fresh_record(run, key: str) -> dict | None:
    """The stored record of `run` when its output can be kept as is, else None."""
    record = read_record(run.run_dir)
    if (record and record.get("status") == "ok" and record.get("key") == key
            and run.output_notebook.is_file()):
        return record
    return None
