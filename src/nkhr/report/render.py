"""Render the executed brief notebook to HTML and PDF, with Quarto or an embedded renderer.

:func:`render` takes an executed notebook (the batch's ``brief.ipynb``) and
writes ``<stem>.html`` (self-contained) and ``<stem>.pdf``. It works in three
steps, each named in the :class:`~nkhr.errors.RenderError` it raises:

1. **stage**: a temporary build folder (inside the output folder) receives a
   copy of the Quarto project ``reports/`` (``_quarto.yml``, CSS, Typst
   partials, the Lua filters) and a *clean* copy of the notebook: code removed
   (``echo: false``), only display outputs kept (``text/markdown`` made by
   :mod:`nkhr.report.brief`, and PNG/SVG figures; never ``text/html``,
   streams or plain-text reprs), execution metadata and timestamps dropped,
   cell ids renumbered. A notebook with an error output is refused.
2. **engine**: ``quarto`` (when on PATH for ``engine="auto"``) runs
   ``quarto render`` on the staged notebook with the staged project. The
   ``embedded`` engine reads the same ``_quarto.yml`` and runs Pandoc (from
   pypandoc-binary) to HTML (``--standalone --embed-resources``, the CSS,
   and the font chain of :mod:`nkhr.report.fonts` cut down to the brief's
   characters and embedded) and to Typst (the shared template partials), then
   compiles the PDF with the typst wheel, root = the build folder, fonts = the
   chain's files only. Pandoc and Typst warnings are errors, and so is a
   character no font of the chain can draw (it is refused while staging;
   Typst itself does not warn about missing glyphs).
3. **publish**: the finished files are moved into the output folder
   (``os.replace``); until then nothing there changes, and the build folder
   is removed either way.

With ``SOURCE_DATE_EPOCH`` set, two renders of the same notebook give
byte-identical HTML and PDF.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import yaml

from ..errors import NkhrError, RenderError
from . import fonts

FORMATS = ("html", "pdf")
ENGINES = ("auto", "quarto", "embedded")
#: Files of the Quarto project that a render needs (copied into the build folder).
PROJECT_FILES = ("_quarto.yml", "styles", "typst", "filters")
#: The build folder's font folder: the font chain's files, all Typst may use.
FONTS = "fonts"
#: Output MIME types that may reach the brief, best first.
KEEP_MIME = ("text/markdown", "image/svg+xml", "image/png")
#: The family of the brief's embedded fonts in HTML (``styles/brief.css`` names it first).
HTML_FAMILY = "nkhr Brief"
# Characters Pandoc may write that the notebook does not hold: smart quotes, dashes, ellipsis.
_ALWAYS = "".join(map(chr, range(0x20, 0x7F))) + "\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
# Options of _quarto.yml's format.html that become Pandoc flags (the rest are Quarto's own).
_HTML_FLAGS = {"toc", "number-sections", "css", "embed-resources", "standalone", "filters"}
# Options of format.typst that are Quarto's own (the rest become Pandoc metadata).
_TYPST_QUARTO_ONLY = {"template-partials", "keep-typ", "font-paths", "filters"}


# --------------------------------------------------------------------------- locating

def reports_dir() -> Path:
    """The Quarto project folder ``reports/``: in the project around the cwd, else beside the package."""
    from ..params import project_root

    candidates = []
    root = project_root()
    if root:
        candidates.append(root / "reports")
    candidates.append(Path(__file__).resolve().parents[3] / "reports")  # editable install
    for c in candidates:
        if (c / "_quarto.yml").is_file():
            return c
    raise RenderError("stage: no Quarto project (reports/_quarto.yml) found in "
                      f"{' or '.join(str(c) for c in candidates)}; run from the nkhr project folder")


def pandoc_path() -> str:
    """The Pandoc binary shipped in pypandoc-binary (else one on PATH)."""
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        path = shutil.which("pandoc")
    if not path:
        raise RenderError("pandoc: no Pandoc binary; install pypandoc-binary")
    return path


def choose_engine(engine: str = "auto") -> str:
    """"quarto" or "embedded": auto picks Quarto when it is on PATH."""
    if engine not in ENGINES:
        raise RenderError(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "embedded"
    if engine == "quarto" and not shutil.which("quarto"):
        raise RenderError("engine: quarto was requested but is not on PATH; "
                          "install Quarto or use --engine embedded")
    return engine


# --------------------------------------------------------------------------- stage

def front_matter(nb: dict) -> dict:
    """The YAML front matter in the notebook's first raw cell (Quarto's convention), or {}."""
    for cell in nb.get("cells", [])[:1]:
        if cell.get("cell_type") == "raw":
            text = "".join(cell.get("source", ""))
            m = re.match(r"\s*---\s*\n(.*?)\n---\s*$", text, re.S)
            if m:
                data = yaml.safe_load(m.group(1))
                return data if isinstance(data, dict) else {}
    return {}


def clean_notebook(nb: dict, source: str = "notebook") -> dict:
    """A copy of executed notebook `nb` holding only what the brief shows (see the module docstring).

    Raises :class:`RenderError` (step "stage") when a cell has an error output
    or the notebook has no outputs at all (it was never executed).
    """
    cells, n_outputs = [], 0
    for i, cell in enumerate(nb.get("cells", [])):
        kind = cell.get("cell_type")
        new = {"cell_type": kind, "id": f"c{i:03d}", "metadata": {}, "source": cell.get("source", "")}
        if kind == "raw":
            if i > 0:
                continue
        elif kind == "markdown":
            if cell.get("attachments"):
                new["attachments"] = cell["attachments"]
        elif kind == "code":
            outputs = []
            for out in cell.get("outputs", []):
                otype = out.get("output_type")
                if otype == "error":
                    raise RenderError(
                        f"stage: {source}: cell {i + 1} failed when the notebook ran "
                        f"({out.get('ename', 'error')}: {out.get('evalue', '')}); "
                        "fix the notebook or its parameters and run it again")
                if otype not in ("display_data", "execute_result"):
                    continue
                data = out.get("data", {})
                mime = next((m for m in KEEP_MIME if m in data), None)
                if mime is None:
                    continue
                meta = out.get("metadata", {}).get(mime)
                outputs.append({"output_type": "display_data", "data": {mime: data[mime]},
                                "metadata": {mime: meta} if isinstance(meta, dict) else {}})
            n_outputs += len(outputs)
            new.update(source="", execution_count=None, outputs=outputs)
        else:
            continue
        cells.append(new)
    if n_outputs == 0:
        raise RenderError(f"stage: {source} has no outputs: render an *executed* notebook, "
                          "such as the one `nkhr run` leaves in OUT/runs/brief/brief.ipynb "
                          "(or `nkhr batch reports/batch.yml`, in reports/_build/runs/brief/)")
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def shown_text(nb: dict) -> str:
    """The text a clean notebook shows: Markdown and raw cells, and Markdown outputs."""
    parts = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        parts.append("".join(src) if isinstance(src, list) else src)
        for out in cell.get("outputs", []):
            md = out.get("data", {}).get("text/markdown", "")
            parts.append("".join(md) if isinstance(md, list) else md)
    return "\n".join(parts)


def _subset_font(path: Path, chars: Iterable[str]) -> bytes:
    """WOFF bytes of the font at `path` cut down to `chars` (deterministic)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    opts = subset.Options()
    opts.flavor = "woff"
    opts.layout_features = ["*"]
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    with TTFont(path) as font:
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(ord(c) for c in chars))
        sub.subset(font)
        buf = io.BytesIO()
        font.flavor = "woff"
        font.save(buf)
    return buf.getvalue()


def unicode_range(chars: Iterable[str]) -> str:
    """A CSS ``unicode-range`` value for exactly `chars`: ``U+20-7E, U+AC00``."""
    codes = sorted({ord(c) for c in chars})
    runs: list[list[int]] = []
    for c in codes:
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def font_css(text: str) -> str:
    """@font-face rules embedding the font chain cut down to the characters of `text`.

    Each character (plus printable ASCII and the quotes, dashes and ellipsis
    Pandoc may write) goes to the first font of :data:`nkhr.report.fonts.CHAIN`
    that has it; each font and weight becomes one face of the single family
    :data:`HTML_FAMILY`, with the ``unicode-range`` of exactly its characters.
    ``styles/brief.css`` names that family *first*: Chromium loads a family it
    meets first before it shapes the text, while an embedded font that only
    follows installed ones (Arial, sans-serif) is fetched when the first
    character those lack turns up, and the boxes drawn for that first run stay
    on screen (a lone Hangul name in a table cell showed as tofu). Characters
    no font has are refused earlier, by :func:`nkhr.report.fonts.check`.
    """
    chars = set(_ALWAYS) | {c for c in text if fonts.needs_glyph(c)}
    rules = [f"/* {', '.join(fonts.CHAIN)}: the fonts of this brief, cut down to its characters "
             "(NanumGothic: SIL Open Font License 1.1; DejaVu Sans: Bitstream Vera license). */"]
    for weight, bold in ((400, False), (700, True)):
        by_font: dict[Path, list[str]] = {}
        for ch in sorted(chars):
            font = fonts.covering(ch, bold)
            if font is not None:
                by_font.setdefault(font, []).append(ch)
        for font in fonts.chain(bold):
            if font not in by_font:
                continue
            data = base64.b64encode(_subset_font(font, by_font[font])).decode("ascii")
            rules.append(
                f"@font-face {{\n  font-family: \"{HTML_FAMILY}\";\n"
                f"  font-weight: {weight};\n  font-style: normal;\n"
                f"  src: url(data:font/woff;base64,{data}) format(\"woff\");\n"
                f"  unicode-range: {unicode_range(by_font[font])};\n}}")
    return "\n".join(rules) + "\n"


def write_font_css(build: Path) -> None:
    """Replace the staged ``styles/fonts.css`` with the embedded fonts for the staged notebook."""
    text = shown_text(json.loads((build / "brief.ipynb").read_text(encoding="utf-8")))
    (build / "styles").mkdir(exist_ok=True)
    (build / "styles" / "fonts.css").write_text(font_css(text), encoding="utf-8")


def stage(source: Path, build: Path, project: Path | None = None) -> dict:
    """Fill `build` with the project files and the clean notebook; return the front matter."""
    project = project or reports_dir()
    for name in PROJECT_FILES:
        src = project / name
        if src.is_dir():
            shutil.copytree(src, build / name)
        elif src.is_file():
            shutil.copy2(src, build / name)
    try:
        nb = json.loads(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RenderError(f"stage: {source}: no such notebook") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RenderError(f"stage: {source}: not a readable notebook ({e})") from None
    clean = clean_notebook(nb, str(source))
    text = json.dumps(clean, ensure_ascii=False, indent=1, sort_keys=True)
    fonts.check(shown_text(clean), f"stage: {source}")
    (build / "brief.ipynb").write_text(text + "\n", encoding="utf-8")
    fonts.stage(build / FONTS)
    try:
        return front_matter(nb)
    except yaml.YAMLError as e:
        raise RenderError(f"stage: {source}: the front matter (first raw cell) is not YAML: {e}") from None


# --------------------------------------------------------------------------- options

def quarto_options(build: Path) -> dict:
    """The staged ``_quarto.yml`` as a dict."""
    try:
        data = yaml.safe_load((build / "_quarto.yml").read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise RenderError(f"stage: reports/_quarto.yml is not valid YAML: {e}") from None
    return data


def pandoc_args(options: dict, front: dict, to: str, build: Path) -> list[str]:
    """Pandoc arguments for format `to` ("html" or "typst") from _quarto.yml and the front matter.

    Top-level options (``lang``) and the format's options become metadata
    (written to ``meta-<to>.json`` in `build`); the front matter wins over
    both. ``css``, ``filters`` (Lua, after the notebook filter), ``toc``,
    ``number-sections`` become flags; Quarto-only
    options are ignored; the Typst template is ``typst/template.typ`` with the
    shared partials.
    """
    fmt = dict((options.get("format") or {}).get(to) or {})
    meta = {k: v for k, v in options.items()
            if k not in ("project", "format", "execute", "echo", "warning", "error")}
    args = ["--from", "ipynb", "--standalone", "--fail-if-warnings",
            "--lua-filter", str(build / "filters" / "notebook.lua")]
    filters = fmt.get("filters") or []
    for f in [filters] if isinstance(filters, str) else filters:
        args += ["--lua-filter", str(build / f)]
    if fmt.get("toc"):
        args.append("--toc")
    if fmt.get("number-sections"):
        args.append("--number-sections")
    if to == "html":
        args += ["--to", "html5", "--embed-resources"]
        css = fmt.get("css") or []
        for c in [css] if isinstance(css, str) else css:
            args += ["--css", c]
        meta.update({k: v for k, v in fmt.items() if k not in _HTML_FLAGS})
    else:
        args += ["--to", "typst", "--template", str(build / "typst" / "template.typ"),
                 "--extract-media", "media"]
        meta.update({k: v for k, v in fmt.items()
                     if k not in _TYPST_QUARTO_ONLY and k not in ("toc", "number-sections")})
    meta.update(front)
    meta_file = build / f"meta-{to}.json"
    meta_file.write_text(json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str),
                         encoding="utf-8")
    return args + ["--metadata-file", str(meta_file)]


# --------------------------------------------------------------------------- engines

def _start_pandoc(args: list[str], build: Path, out: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANDOC_")}
    return subprocess.Popen([pandoc_path(), "brief.ipynb", *args, "--output", out], cwd=build,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _finish(proc: subprocess.Popen, step: str, source: Path) -> None:
    _, err = proc.communicate()
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[-2000:]
        raise RenderError(f"{step}: failed for {source} (exit {proc.returncode}): {detail}")


def _timestamp() -> int | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(epoch) if epoch.isdigit() else None


def compile_pdf(typ: Path, pdf: Path, root: Path) -> None:
    """Compile `typ` to `pdf` with the typst wheel: root `root`, the font chain only
    (:mod:`nkhr.report.fonts`), warnings are errors.

    Typst draws a character no font has as a box without a warning, so such a
    character is an error here (:func:`nkhr.report.fonts.check`).
    """
    import typst

    fonts.check(typ.read_text(encoding="utf-8"), "typst")
    folder = root / FONTS if (root / FONTS).is_dir() else fonts.stage(root / FONTS)
    font_set = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                           font_paths=[str(folder)])
    try:
        data, warnings = typst.compile_with_warnings(
            str(typ), root=str(root), font_paths=font_set, format="pdf", timestamp=_timestamp())
    except typst.TypstError as e:
        raise RenderError(f"typst: {getattr(e, 'diagnostic', '') or e}") from None
    if warnings:
        text = "\n".join(getattr(w, "diagnostic", "") or str(w) for w in warnings)
        raise RenderError(f"typst: warnings are errors here:\n{text}")
    pdf.write_bytes(data)


def _embedded(build: Path, source: Path, front: dict, formats: tuple[str, ...]) -> dict[str, Path]:
    """Pandoc to Typst and to HTML run as two processes; the font subset and the PDF are made
    while they run."""
    options = quarto_options(build)
    procs = {}
    if "pdf" in formats:
        procs["pdf"] = _start_pandoc(pandoc_args(options, front, "typst", build), build, "brief.typ")
    if "html" in formats:
        write_font_css(build)
        procs["html"] = _start_pandoc(pandoc_args(options, front, "html", build), build, "brief.html")
    out = {}
    try:
        if "pdf" in procs:
            _finish(procs["pdf"], "pandoc (Typst)", source)
            compile_pdf(build / "brief.typ", build / "brief.pdf", build)
            out["pdf"] = build / "brief.pdf"
        if "html" in procs:
            _finish(procs["html"], "pandoc (HTML)", source)
            out["html"] = build / "brief.html"
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return out


def _quarto(build: Path, source: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Quarto on the staged project: the same notebook, _quarto.yml, CSS and Typst partials."""
    quarto = shutil.which("quarto")
    write_font_css(build)
    out = {}
    for fmt, to in (("html", "html"), ("pdf", "typst")):
        if fmt not in formats:
            continue
        cmd = [quarto, "render", "brief.ipynb", "--to", to, "--no-execute",
               "--output-dir", "_out"]
        if to == "typst":
            cmd += ["--metadata", f"font-paths:{FONTS}"]
        proc = subprocess.run(cmd, cwd=build, capture_output=True)
        if proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
            raise RenderError(f"quarto ({to}): failed for {source} (exit {proc.returncode}): {detail}")
        path = build / "_out" / f"brief.{fmt}"
        if not path.is_file():
            raise RenderError(f"quarto ({to}): produced no {path.name} for {source}")
        out[fmt] = path
    return out


# --------------------------------------------------------------------------- render

def executed_brief(out_dir: Path) -> Path:
    """Where ``nkhr run --out OUT_DIR`` (and the default batch, for ``reports/_build``) leaves
    the executed brief notebook: ``OUT_DIR/runs/brief/brief.ipynb``."""
    return Path(out_dir) / "runs" / "brief" / "brief.ipynb"


def render(source=None, *, out_dir=None, engine: str = "auto",
           formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Render an executed brief notebook to HTML and/or PDF; return {"html": path, "pdf": path}.

    `out_dir` is the output folder (default ``reports/_build``); `source` the
    executed notebook (default: the one the last ``nkhr run`` into `out_dir`
    left, :func:`executed_brief`); the files are named after the notebook
    (``brief.html``, ``brief.pdf``). `engine` is "auto" (Quarto when on PATH,
    else embedded), "quarto" or "embedded". `formats` is any of "html",
    "pdf". Raises :class:`RenderError` naming the step that failed; then no
    output file was written or changed.
    """
    formats = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise RenderError(f"formats: {', '.join(bad) or 'none'} given; choose from "
                          f"{', '.join(FORMATS)} (e.g. --formats html)")
    chosen = choose_engine(engine)
    given_out = out_dir is not None
    out_dir = Path(out_dir).expanduser().resolve() if given_out else reports_dir() / "_build"
    if source is None:
        source = executed_brief(out_dir)
        if not source.is_file():
            run = f"nkhr run --out {out_dir}" if given_out else "nkhr run"
            raise RenderError(f"stage: no executed brief at {source}; make one with `{run}` "
                              "(it renders the brief too), or name an executed brief notebook: "
                              "`nkhr render PATH/TO/brief.ipynb`")
    source = Path(source).expanduser().resolve()
    if not source.is_file():
        raise RenderError(f"stage: {source}: no such notebook; give the executed brief notebook, "
                          "e.g. `nkhr render OUT/runs/brief/brief.ipynb` after `nkhr run --out OUT`")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".render-", dir=out_dir) as tmp:
        build = Path(tmp)
        try:
            front = stage(source, build)
            if chosen == "quarto":
                built = _quarto(build, source, formats)
            else:
                built = _embedded(build, source, front, formats)
        except RenderError:
            raise
        except (NkhrError, OSError, ValueError) as e:
            raise RenderError(f"{chosen}: rendering {source} failed: {e}") from e
        results = {}
        for fmt in formats:
            final = out_dir / f"{source.stem}.{fmt}"
            os.replace(built[fmt], final)
            results[fmt] = final
    return results
