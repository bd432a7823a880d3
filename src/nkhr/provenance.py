"""What produced an output: content hashes, package versions, build date."""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

PACKAGES = ("nkhr", "pandas", "pyarrow", "papermill", "matplotlib", "pypandoc-binary", "typst")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def combine(hashes: Iterable[str]) -> str:
    """One hash for a set of hashes (order-independent)."""
    return sha256_bytes("\n".join(sorted(hashes)).encode())


def folder_hash(folder, patterns=("*",)) -> str:
    """Hash of every file's relative path and content below `folder`."""
    folder = Path(folder)
    parts = []
    for p in sorted({q for pat in patterns for q in folder.rglob(pat) if q.is_file()}):
        if any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        parts.append(f"{p.relative_to(folder).as_posix()}:{sha256_file(p)}")
    return combine(parts)


def versions(packages: Iterable[str] = PACKAGES) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_date() -> str:
    """The build date: from SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch and epoch.isdigit()
            else _dt.datetime.now(_dt.UTC))
    return when.strftime("%Y-%m-%d")
