"""nkhr's own exception types. Every message names the file (and line or row) and the problem."""

from __future__ import annotations


class NkhrError(Exception):
    """Base class of every error nkhr raises on purpose."""


#: What to do when ``--executor dask`` finds no dask (an optional dependency).
DASK_MISSING = ("--executor dask needs dask.distributed, an optional dependency: in the project "
                "folder, run `pip install -e \".[dask]\"` (with its .venv active)")


class IngestError(NkhrError):
    """A raw file cannot be ingested (the rest of the corpus still is)."""

    def __init__(self, path: str, problem: str, message: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {message}")


class SchemaError(NkhrError):
    """A table does not have the columns or dtypes its schema requires."""


class CodebookError(NkhrError):
    """A codebook (themes, frames, speakers, cues) is malformed."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path, self.line = path, line
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class ParameterError(NkhrError):
    """A notebook or batch parameter is invalid."""


class BatchSpecError(NkhrError):
    """A batch spec is invalid."""


class RenderError(NkhrError):
    """A step of rendering a brief failed."""
