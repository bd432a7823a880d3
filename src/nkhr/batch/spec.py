"""Read and validate a batch spec (YAML) into a list of runs, before anything runs.

A spec::

    output: runs/by-outlet          # relative to the spec file (default: runs); inside the project
    corpus: ../data/raw             # default `corpus` for every run (default: bundled corpus)
    workers: 2                      # parallel runs (default: min(runs, CPUs))
    timeout: 600                    # per-run timeout in seconds (default: none)
    parameters: {language: en}      # defaults for every run that declares them
    runs:
      - name: speakers-all
        notebook: notebooks/02_speakers.ipynb
        parameters: {top_n: 15}
        timeout: 120
      - name: framing
        notebook: notebooks/04_framing.ipynb
        grid: {outlets: [["Korea Herald"], ["JoongAng Daily"]]}   # one run per value

Rules:

- A relative notebook path is looked up beside the spec, then in the project
  root (the folder holding ``pyproject.toml`` at or above the spec).
- ``grid`` makes one run per combination of its values (in the order written);
  each is named ``NAME-VALUES`` (``framing-korea-herald``).
- A run's own ``parameters`` and ``grid`` keys must be declared in the
  notebook's cell tagged ``parameters``. Batch-wide values (``corpus``, the
  spec's ``parameters``, the caller's ``parameters``, and ``output_dir``,
  always set to the run's absolute folder ``OUTPUT/NAME``) are given only to
  notebooks that declare them.
- Values are not judged here (``date_from: not-a-date`` is the notebook's
  business: that run fails alone, with the notebook's message); YAML dates
  are passed on as ISO strings.

Every problem raises :class:`~nkhr.errors.BatchSpecError` naming the spec
file, the line and the run.
"""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..codebooks import load_yaml
from ..errors import BatchSpecError, CodebookError, ParameterError
from ..params import default_corpus, project_root

TOP_KEYS = {"output", "corpus", "workers", "timeout", "parameters", "runs"}
RUN_KEYS = {"name", "notebook", "parameters", "grid", "timeout"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Run:
    """One notebook execution: what to run, with which parameters, where."""

    name: str
    notebook: Path          # absolute path of the source notebook
    parameters: dict        # every parameter papermill injects (output_dir included)
    run_dir: Path           # OUTPUT/NAME
    timeout: float | None
    corpus: Path | None     # the corpus the run reads (for the input hash)

    @property
    def output_notebook(self) -> Path:
        return self.run_dir / self.notebook.name


@dataclass
class Spec:
    path: Path | None       # the spec file (None for a dict spec)
    base: Path              # the folder relative paths start from
    root: Path | None       # the project root
    output: Path
    workers: int | None
    timeout: float | None
    runs: list[Run] = field(default_factory=list)


def declared_parameters(notebook: str | os.PathLike) -> list[str]:
    """Names assigned in the notebook's cell tagged ``parameters`` (none: [])."""
    path = Path(notebook)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BatchSpecError(f"{path}: not a readable notebook ({e})") from None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError as e:
                raise BatchSpecError(f"{path}: the parameters cell is not valid Python "
                                     f"(line {e.lineno}: {e.msg})") from None
            names = []
            for node in tree.body:
                targets = (node.targets if isinstance(node, ast.Assign)
                           else [node.target] if isinstance(node, ast.AnnAssign) else [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    return []


def _plain(value, where: str):
    """YAML value -> JSON-able value (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v, where) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, where) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise BatchSpecError(f"{where}: unsupported value {value!r}")


def _slug(value) -> str:
    if isinstance(value, list | tuple):
        text = "+".join(_slug(v) for v in value) or "all"
    elif isinstance(value, dict):
        text = "+".join(f"{k}-{_slug(v)}" for k, v in value.items())
    else:
        text = str(value)
    text = re.sub(r"^the\s+", "", text.strip().lower())
    return re.sub(r"[^a-z0-9+.]+", "-", text).strip("-.") or "x"


class _Where:
    """Names a place in the spec: 'batch.yml, line 12: runs[1] (framing)'."""

    def __init__(self, path: Path | None):
        self.path = path

    def __call__(self, node=None, key=None, what: str = "") -> str:
        line = None
        if node is not None:
            line = (getattr(node, "key_lines", {}) or {}).get(key) if key else None
            line = line or getattr(node, "line", None)
        where = str(self.path) if self.path else "batch spec"
        if line:
            where += f", line {line}"
        return f"{where}: {what}" if what else where


def _number(value, where: str, kind=float, minimum=0):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= minimum:
        raise BatchSpecError(f"{where} must be a number above {minimum}, got {value!r}")
    return kind(value)


def _resolve_notebook(text, base: Path, root: Path | None, where: str) -> Path:
    if not isinstance(text, str) or not text.strip():
        raise BatchSpecError(f"{where}: 'notebook' must be a path to a .ipynb file")
    p = Path(text).expanduser()
    candidates = [p] if p.is_absolute() else [base / p] + ([root / p] if root else [])
    for c in candidates:
        if c.is_file():
            return c.resolve()
    looked = ", ".join(str(c.parent) for c in candidates)
    raise BatchSpecError(f"{where}: notebook {text!r} not found (looked in {looked})")


def _read(spec) -> tuple[dict, Path | None, Path]:
    if isinstance(spec, dict):
        return spec, None, Path.cwd()
    path = Path(spec)
    if not path.is_file():
        raise BatchSpecError(f"{path}: no such batch spec file")
    try:
        data, _ = load_yaml(path)
    except CodebookError as e:
        raise BatchSpecError(str(e)) from None
    if not isinstance(data, dict):
        raise BatchSpecError(f"{path}: a batch spec is a mapping with 'runs' (and output, corpus, ...)")
    return data, path.resolve(), path.resolve().parent


def load_spec(spec, *, output=None, parameters: dict | None = None,
              timeout: float | None = None, output_root=None) -> Spec:
    """Parse and validate `spec` (a YAML path or a dict) into a :class:`Spec`.

    `output` overrides the spec's output folder, `parameters` is merged into
    every run's parameters (given to notebooks that declare them), `timeout`
    overrides every run's timeout. The spec's own ``output`` must lie in the
    project (the folder with pyproject.toml around the spec; without one, the
    spec's folder) or in `output_root`: a spec never writes elsewhere.
    """
    data, path, base = _read(spec)
    where = _Where(path)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise BatchSpecError(where(data, unknown[0], f"unknown key {unknown[0]!r}; "
                                   f"a spec has {sorted(TOP_KEYS)}"))
    root = project_root(base)
    out_text = output if output is not None else data.get("output", "runs")
    if not isinstance(out_text, str | os.PathLike):
        raise BatchSpecError(where(data, "output", "'output' must be a folder path"))
    out = (base / Path(out_text).expanduser()).resolve()
    if output is None:
        allowed = [root or base] + ([Path(output_root).expanduser().resolve()] if output_root else [])
        if not any(out == a or a in out.parents for a in allowed):
            raise BatchSpecError(where(data, "output", f"'output' {out_text!r} is {out}, outside "
                                       f"{allowed[0]}; a spec writes only inside its project (or the "
                                       f"folder --output-root names)"))

    corpus_text = data.get("corpus")
    if corpus_text is not None and not isinstance(corpus_text, str | os.PathLike):
        raise BatchSpecError(where(data, "corpus", "'corpus' must be a folder path"))
    if corpus_text:
        corpus = (base / Path(corpus_text).expanduser()).resolve()
        if not corpus.is_dir():
            raise BatchSpecError(where(data, "corpus", f"corpus folder {corpus} does not exist"))
    else:  # the bundled corpus, when there is one (notebooks without a corpus need none)
        try:
            corpus = default_corpus() if root is None else root / "data" / "raw"
        except ParameterError:
            corpus = None
        corpus = corpus if corpus is not None and corpus.is_dir() else None

    workers = _number(data.get("workers"), where(data, "workers", "'workers'"), int)
    spec_timeout = _number(data.get("timeout"), where(data, "timeout", "'timeout'"))
    common = data.get("parameters") or {}
    if not isinstance(common, dict):
        raise BatchSpecError(where(data, "parameters", "'parameters' must be a mapping"))
    common = _plain(common, where(data, "parameters"))
    if corpus is not None:
        common.setdefault("corpus", str(corpus))
    common.update(_plain(dict(parameters or {}), "parameters argument"))
    if "corpus" in common and common["corpus"]:
        corpus = Path(common["corpus"]).expanduser().resolve()
        common["corpus"] = str(corpus)

    runs_data = data.get("runs")
    if not isinstance(runs_data, list) or not runs_data:
        raise BatchSpecError(where(data, "runs", "'runs' must be a non-empty list of runs"))
    runs: list[Run] = []
    for i, item in enumerate(runs_data):
        label = f"runs[{i}]"
        if not isinstance(item, dict):
            raise BatchSpecError(where(runs_data, None, f"{label} must be a mapping with name and notebook"))
        label += f" ({item.get('name')})" if item.get("name") else ""
        runs += _expand(item, label, where, base, root, out, common, corpus,
                        timeout or _number(item.get("timeout"), where(item, "timeout", f"{label}: 'timeout'"))
                        or spec_timeout)
    seen: set[str] = set()
    for r in runs:
        if r.name in seen:
            raise BatchSpecError(where(data, "runs", f"two runs are named {r.name!r}; names must be unique"))
        seen.add(r.name)
    return Spec(path=path, base=base, root=root, output=out, workers=workers,
                timeout=timeout or spec_timeout, runs=runs)


def _expand(item, label, where, base, root, out, common, corpus, timeout) -> list[Run]:
    bad = sorted(set(item) - RUN_KEYS)
    if bad:
        raise BatchSpecError(where(item, bad[0], f"{label}: unknown key {bad[0]!r}; "
                                   f"a run has {sorted(RUN_KEYS)}"))
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise BatchSpecError(where(item, "name", f"{label}: 'name' must be letters, digits, "
                                   f"'.', '_' or '-' (it names the output folder), got {name!r}"))
    notebook = _resolve_notebook(item.get("notebook"), base, root, where(item, "notebook", label))
    declared = set(declared_parameters(notebook))
    own = item.get("parameters") or {}
    grid = item.get("grid") or {}
    for key, value in (("parameters", own), ("grid", grid)):
        if not isinstance(value, dict):
            raise BatchSpecError(where(item, key, f"{label}: '{key}' must be a mapping"))
    own, grid = _plain(own, where(item, "parameters", label)), _plain(grid, where(item, "grid", label))
    for key in [*own, *grid]:
        if key not in declared:
            raise BatchSpecError(where(item, "parameters" if key in own else "grid",
                                       f"{label}: parameter {key!r} is not declared in "
                                       f"{notebook.name} (it declares {sorted(declared)})"))
        if key == "output_dir":
            raise BatchSpecError(where(item, "parameters", f"{label}: output_dir is set by the "
                                       "batch (OUTPUT/NAME); change 'output' instead"))
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise BatchSpecError(where(item, "grid", f"{label}: grid {key!r} must be a non-empty list"))

    combos = list(itertools.product(*grid.values())) if grid else [()]
    runs = []
    names: set[str] = set()
    for combo in combos:
        values = dict(zip(grid, combo, strict=True))
        run_name = name if not grid else f"{name}-" + "-".join(_slug(v) for v in combo)
        if run_name in names:
            run_name = f"{run_name}-{len(names) + 1}"
        names.add(run_name)
        params = {k: v for k, v in common.items() if k in declared}
        params.update(own)
        params.update(values)
        run_dir = out / run_name
        if "output_dir" in declared:
            params["output_dir"] = str(run_dir)
        if params.get("corpus"):
            params["corpus"] = str((base / Path(params["corpus"]).expanduser()).resolve())
        run_corpus = Path(params["corpus"]) if params.get("corpus") else corpus
        runs.append(Run(name=run_name, notebook=notebook, parameters=params, run_dir=run_dir,
                        timeout=timeout, corpus=run_corpus))
    return runs
