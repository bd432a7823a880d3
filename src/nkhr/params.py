"""The parameters every nkhr notebook shares, and the check its first code cell runs.

Every notebook declares, in a cell tagged ``parameters``::

    corpus = ""        # raw folder or folder of analyzed tables; "" = the bundled corpus
    output_dir = ""    # where figures/ and tables/ go; "" = reports/_build/notebooks/NAME
    date_from = ""     # ISO date (YYYY-MM-DD); "" = no lower bound
    date_to = ""       # ISO date; "" = no upper bound
    outlets = []       # outlet names; [] = all
    speakers = []      # speaker names; [] = all
    language = "all"   # "en", "ko" or "all": the sentences' language (mixed articles too)

plus its own (``top_n = 15``). papermill injects the caller's values in a cell
after that one; the first code cell after it calls::

    p = nkhr.params.validate(globals(), name="02_speakers", top_n=int)

:func:`validate` checks every value (types, ISO dates, an existing corpus, the
language) and, when papermill injected parameters, that each injected name is
declared. A problem raises :class:`~nkhr.errors.ParameterError` whose message
starts with the parameter's name and says why, so an executed notebook (and a
batch summary) shows e.g. ``date_from: 'not-a-date' is not an ISO date``.
The returned :class:`Params` holds clean values: paths resolved, dates as
:class:`datetime.date`, lists as tuples, and the notebook's own parameters in
``extra``. An empty selection is reported by :func:`nkhr.select`, which names
the parameter that emptied it.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ParameterError

#: The shared parameters and their defaults, in the order notebooks declare them.
SHARED: dict[str, object] = {
    "corpus": "",
    "output_dir": "",
    "date_from": "",
    "date_to": "",
    "outlets": [],
    "speakers": [],
    "language": "all",  # sentences in this language only (see nkhr.select)
}
LANGUAGES = ("en", "ko", "all")

# papermill's injected-parameters cell starts with this comment (python translator).
_PAPERMILL_COMMENT = "# Parameters"


@dataclass(frozen=True)
class Params:
    """Validated notebook parameters."""

    corpus: Path
    output_dir: Path
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outlets: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    language: str = "all"
    extra: dict = field(default_factory=dict)

    @property
    def selection(self) -> dict:
        """Keyword arguments for :func:`nkhr.select`."""
        return {"date_from": self.date_from, "date_to": self.date_to, "outlets": self.outlets,
                "speakers": self.speakers, "language": self.language}

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / "figures"

    @property
    def tables_dir(self) -> Path:
        return self.output_dir / "tables"

    def describe(self) -> str:
        """One line saying what the notebook looks at (for the notebook's first prose cell)."""
        parts = [f"corpus {self.corpus.name or self.corpus}"]
        if self.date_from or self.date_to:
            parts.append(f"published {self.date_from or '…'} to {self.date_to or '…'}")
        if self.outlets:
            parts.append("outlets: " + ", ".join(self.outlets))
        if self.speakers:
            parts.append("speakers: " + ", ".join(self.speakers))
        if self.language != "all":
            parts.append(f"language: {self.language}")
        return "; ".join(parts)


def project_root(start: str | os.PathLike | None = None) -> Path | None:
    """The folder holding ``pyproject.toml`` at or above `start` (default: the cwd)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def default_corpus() -> Path:
    """The bundled corpus: ``data/raw`` of the project around the cwd, else beside the package."""
    candidates = []
    root = project_root()
    if root:
        candidates.append(root / "data" / "raw")
    candidates.append(Path(__file__).resolve().parents[2] / "data" / "raw")  # editable install
    for c in candidates:
        if c.is_dir():
            return c
    raise ParameterError("corpus: empty, and no bundled corpus (data/raw) was found near "
                         f"{Path.cwd()}; set corpus to a raw folder or a folder of analyzed tables")


def injected_names(namespace: dict) -> list[str]:
    """Names papermill assigned in its injected-parameters cell, read from IPython's history.

    papermill injects a cell starting with ``# Parameters``; IPython keeps every
    executed cell's source in ``_ih``. Outside papermill (JupyterLab) there is
    none and this returns [].
    """
    history = namespace.get("_ih") or namespace.get("In") or []
    for source in reversed(list(history)):
        if isinstance(source, str) and source.lstrip().startswith(_PAPERMILL_COMMENT):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            return [t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)]
    return []


def _text(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str | os.PathLike):
        raise ParameterError(f"{name}: expected a string, got {type(value).__name__} {value!r}")
    return os.fspath(value).strip()


def parse_date(name: str, value) -> dt.date | None:
    """An ISO date (``YYYY-MM-DD``) or empty -> date or None; anything else raises."""
    text = _text(name, value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"{name}: {text!r} is not an ISO date (YYYY-MM-DD); "
                             "leave it empty for no bound") from None


def parse_list(name: str, value) -> tuple[str, ...]:
    """A list of names (a single string counts as one name; empty = all)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ParameterError(f"{name}: expected a list of names, got {type(value).__name__} {value!r}")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ParameterError(f"{name}: every item must be a non-empty string, got {item!r}")
        out.append(item.strip())
    return tuple(out)


def _check_type(name: str, value, expected):
    if expected is None or value is None:
        return value
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool):
        raise ParameterError(f"{name}: expected an integer, got {value!r}")
    if expected in (list, tuple) and isinstance(value, list | tuple):
        return list(value)
    if not isinstance(value, expected):
        raise ParameterError(f"{name}: expected {getattr(expected, '__name__', expected)}, "
                             f"got {type(value).__name__} {value!r}")
    return value


def validate(namespace: dict | None = None, *, name: str = "notebook", **extra_types) -> Params:
    """Check a notebook's parameters and return them clean.

    `namespace` is the notebook's ``globals()`` (the shared parameters are read
    from it; missing ones take their defaults). `name` names the notebook (for
    the default output folder). Each keyword names a notebook-specific
    parameter and its expected type (``top_n=int``; ``None`` for any type);
    its value is read from `namespace` and returned in ``Params.extra``.

    Raises :class:`ParameterError` naming the parameter when a name injected
    by papermill is not declared, a date is not ISO, the language is not
    en/ko/all, a list is not a list of strings, a notebook parameter has the
    wrong type, or the corpus folder does not exist.
    """
    ns = dict(namespace or {})
    declared = set(SHARED) | set(extra_types)
    unknown = [n for n in injected_names(ns) if n not in declared]
    if unknown:
        raise ParameterError(f"{unknown[0]}: unknown parameter for {name}; "
                             f"it declares {sorted(declared)}")
    values = {k: ns.get(k, default) for k, default in SHARED.items()}

    corpus_text = _text("corpus", values["corpus"])
    corpus = Path(corpus_text).expanduser().resolve() if corpus_text else default_corpus()
    if not corpus.is_dir():
        raise ParameterError(f"corpus: {corpus} is not a folder; give a raw folder "
                             "(*.txt, *.html) or a folder of analyzed tables (*.parquet)")

    out_text = _text("output_dir", values["output_dir"])
    if out_text:
        output_dir = Path(out_text).expanduser().resolve()
    else:
        root = project_root()
        output_dir = ((root / "reports" / "_build" / "notebooks" / name) if root
                      else Path.cwd() / "_output" / name)

    date_from = parse_date("date_from", values["date_from"])
    date_to = parse_date("date_to", values["date_to"])
    if date_from and date_to and date_from > date_to:
        raise ParameterError(f"date_from: {date_from} is after date_to {date_to}")

    language = _text("language", values["language"]) or "all"
    if language not in LANGUAGES:
        raise ParameterError(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")

    extra = {}
    for k, t in extra_types.items():
        expected, choices = t if isinstance(t, tuple) else (t, None)
        extra[k] = value = _check_type(k, ns.get(k), expected)
        items = value if isinstance(value, list) else [value]
        bad = [v for v in items if choices is not None and v not in choices]
        if bad:
            raise ParameterError(f"{k}: {bad[0]!r} is not one of {', '.join(map(str, choices))}")
    for k, v in extra.items():
        if isinstance(v, int) and not isinstance(v, bool) and k.startswith(("top_", "n_")) and v < 1:
            raise ParameterError(f"{k}: must be at least 1, got {v}")

    return Params(corpus=corpus, output_dir=output_dir, date_from=date_from, date_to=date_to,
                  outlets=parse_list("outlets", values["outlets"]),
                  speakers=parse_list("speakers", values["speakers"]),
                  language=language, extra=extra)
