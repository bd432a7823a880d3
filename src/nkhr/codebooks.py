"""Finding and reading the YAML codebooks researchers edit.

A codebook named NAME (themes, frames, speakers, cues, roles, furniture, names)
is looked up in this order:

1. the path given explicitly (a function argument or a CLI flag);
2. ``$NKHR_CODEBOOKS/NAME.yml`` when that environment variable names a folder;
3. ``data/codebooks/NAME.yml`` in the current folder or one of its parents
   (so notebooks running in ``notebooks/`` find the project's codebooks);
4. the default shipped inside the package (``nkhr/resources/codebooks/``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import yaml

from .errors import CodebookError
from .provenance import sha256_bytes

RESOURCES = Path(str(resources.files("nkhr") / "resources" / "codebooks"))


def locate(name: str, path: str | os.PathLike | None = None) -> Path:
    """The file codebook `name` is read from (see the module docstring for the order)."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise CodebookError(str(p), f"no such {name} codebook file")
        return p
    env = os.environ.get("NKHR_CODEBOOKS")
    if env and (Path(env) / f"{name}.yml").is_file():
        return Path(env) / f"{name}.yml"
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data" / "codebooks" / f"{name}.yml"
        if candidate.is_file():
            return candidate
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            break
    return RESOURCES / f"{name}.yml"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every mapping and sequence item."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping = LineDict(mapping)
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                         if isinstance(k, yaml.ScalarNode)}
    return mapping


def _construct_sequence(loader, node, deep=False):
    seq = LineList(yaml.SafeLoader.construct_sequence(loader, node, deep=deep))
    seq.line = node.start_mark.line + 1
    seq.item_lines = [n.start_mark.line + 1 for n in node.value]
    return seq


class LineDict(dict):
    line: int = 0
    key_lines: dict = {}


class LineList(list):
    line: int = 0
    item_lines: list = []


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: str | os.PathLike) -> tuple[object, str]:
    """Parse a YAML file; return (data with line numbers, sha256 of its bytes).

    Mappings come back as :class:`LineDict` (``.line``, ``.key_lines``) and
    lists as :class:`LineList` (``.line``, ``.item_lines``), so a later check
    can name the line of a bad entry. Bad YAML raises :class:`CodebookError`
    with the file and line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CodebookError(str(path), f"cannot read: {e.strerror}") from None
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_LineLoader)  # noqa: S506 (SafeLoader subclass)
    except UnicodeDecodeError:
        raise CodebookError(str(path), "not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        raise CodebookError(str(path), f"invalid YAML: {problem}", line) from None
    return data, sha256_bytes(raw)
