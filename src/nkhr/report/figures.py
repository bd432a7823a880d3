"""nkhr's house style for figures, and the plots notebooks and the brief show.

Style: the font chain of :mod:`nkhr.report.fonts` (NanumGothic, registered
with matplotlib's font manager so Hangul renders instead of empty boxes, then
DejaVu Sans for the letters it lacks); colour-blind-safe palettes (Paul Tol's
"muted", Okabe-Ito) in which every role category and every frame keeps one
colour in every figure, and a chart of themes gives each shown theme its own
colour and gathers the rest as "Other themes"; light grid, no top/right
spines. Text is text: a ``$`` in an outlet or speaker name is never read as
math (``text.parse_math`` off). Plot functions apply the style inside
``matplotlib.rc_context`` so they never change a notebook's global settings;
call :func:`use_style` to make ad-hoc plots look the same.

Charts name themes, frames and role categories as readers do
(:mod:`nkhr.report.labels`); the matrices they draw keep the ids, which also
pick the colours. Each plot takes ``labels=`` (default: the labels of the
codebooks :func:`nkhr.codebooks.locate` finds). Long names wrap onto up to
three lines rather than being cut.

:func:`save_figure` writes ``NAME.svg`` and ``NAME.png`` deterministically
(no date in the metadata, a fixed ``svg.hashsalt`` so ids do not change,
text as paths so the SVG needs no font), each written to a temporary file
and renamed, then shows the PNG in the running notebook so it is embedded in
the executed ``.ipynb`` (the brief is rendered straight from it). A figure
with a character no bundled font can draw is refused, naming it.

Plot functions take the DataFrames of :mod:`nkhr.aggregate`: a *long*
table of counts (one row per group with a count column) or a *matrix*
(rows × columns of counts, e.g. speaker × source). Each returns the
:class:`~matplotlib.figure.Figure`; none of them saves or shows it.
"""

from __future__ import annotations

import dataclasses
import io
import os
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Patch

from ..tables import _atomic_write
from . import labels as _labels
from .fonts import FAMILY, LATIN_FAMILY, NOT_FROM_HANGUL_FONT, check, hangul_font

INK = "#1D2733"
MUTED = "#6B7785"
GRID = "#DDE2E8"
ACCENT = "#1F3A5F"

#: Paul Tol's "muted" scheme: nine colours that stay apart for colour-blind readers
#: (tests/test_figures.py checks it under simulated protan, deutan and tritan vision).
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
             "#882255", "#AA4499"]
#: The "Other themes" bar and anything unattributed: pale grey, Tol's colour for "no category".
OTHER_GREY = "#DDDDDD"
#: One colour per speaker role category (gold guidelines' categories).
ROLE_COLORS = {
    "defector": "#CC6677", "government": "#332288", "un": "#88CCEE", "ngo": "#117733",
    "diplomat": "#AA4499", "dprk": "#882255", "expert": "#DDCC77", "other": "#999933",
    "reporter": "#44AA99", "unattributed": OTHER_GREY,
}
#: One colour per frame (Okabe-Ito, colour-blind safe).
FRAME_COLORS = {
    "nexus": "#0072B2", "funding": "#E69F00", "diversion": "#D55E00",
    "root_cause": "#009E73", "military_abuse": "#CC79A7", "counter_frame": "#56B4E9",
}
#: Colours for anything else (themes, by rank in the chart), in order.
CYCLE = TOL_MUTED
#: Themes a chart shows one by one (one colour each); the rest are "Other themes".
TOP_THEMES = len(TOL_MUTED)
#: The key of the "Other themes" column (shown by its label; a codebook id has no brackets).
OTHER = "(other themes)"
SEQUENTIAL = LinearSegmentedColormap.from_list("nkhr", ["#F4F6F9", "#9DB4CF", "#1F3A5F"])


@cache
def register_fonts() -> str:
    """Add NanumGothic (regular and bold) to matplotlib's font manager; return the family.

    NanumGothicBold.ttf declares weight 600; it is registered as 700 ("bold")
    too, so bold text finds an exact match in NanumGothic and in the DejaVu
    Sans fallback alike (matplotlib logs a warning for every inexact weight).
    """
    fm = font_manager.fontManager
    fm.addfont(str(hangul_font()))
    bold = font_manager.ttfFontProperty(font_manager.get_font(str(hangul_font(bold=True))))
    fm.ttflist.append(dataclasses.replace(bold, weight=700))
    fm._findfont_cached.cache_clear()  # forget lookups made before the font was added
    return FAMILY


def style() -> dict:
    """The house style as rcParams."""
    family = register_fonts()
    return {
        "font.family": [family, LATIN_FAMILY],
        "text.parse_math": False,   # "$" in a name is a dollar sign, never mathtext
        "font.size": 10,
        "axes.unicode_minus": False,
        "axes.titlesize": 12, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.titlepad": 10, "axes.labelsize": 10, "axes.labelcolor": INK,
        "axes.edgecolor": MUTED, "axes.linewidth": 0.8,
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.color": GRID, "grid.linewidth": 0.6, "axes.axisbelow": True,
        "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
        "xtick.color": INK, "ytick.color": INK, "xtick.labelsize": 9, "ytick.labelsize": 9,
        "legend.frameon": False, "legend.fontsize": 9,
        "figure.facecolor": "white", "figure.dpi": 100, "savefig.dpi": 150,
        "savefig.facecolor": "white", "savefig.bbox": "tight",
        "svg.hashsalt": "nkhr", "svg.fonttype": "path", "svg.id": None,
        "path.simplify": True,
    }


def use_style() -> None:
    """Apply the house style globally (for a notebook's own ad-hoc plots)."""
    matplotlib.rcParams.update(style())


@contextmanager
def styled():
    with matplotlib.rc_context(style()):
        yield


@dataclass(frozen=True)
class SavedFigure:
    """Where :func:`save_figure` wrote a figure."""

    name: str
    svg: Path
    png: Path

    def __repr__(self) -> str:
        return f"SavedFigure({self.name}: {self.svg.name}, {self.png.name})"

    def _ipython_display_(self) -> None:
        """Nothing: save_figure already showed the image (avoid showing it twice)."""


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def figure_text(fig) -> str:
    """All visible text of `fig` (titles, tick labels, legends, annotations), one per line."""
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text)
                     if t.get_visible() and t.get_text())


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure as SVG or PNG bytes, the same bytes for the same figure.

    Raises :class:`~nkhr.errors.RenderError` when the figure has a character no
    bundled font can draw (it would be an empty box), naming it.
    """
    check(figure_text(fig), f"figure {_title(fig) or '(untitled)'!r}")
    for text in fig.findobj(matplotlib.text.Text):
        if any(ch in text.get_text() for ch in NOT_FROM_HANGUL_FONT):
            text.set_fontfamily([LATIN_FAMILY, FAMILY])  # NanumGothic's backslash is a ₩
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with styled():
        fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


def save_figure(fig, folder: str | os.PathLike, name: str, *, show: bool | None = None,
                close: bool = True) -> SavedFigure:
    """Write `fig` as FOLDER/NAME.svg and FOLDER/NAME.png and show it in the notebook.

    Files are written to a temporary name and renamed into place. `show`
    (default: when running in a Jupyter kernel) displays the PNG so it is
    stored in the executed notebook; `close` closes the figure afterwards so
    the inline backend does not show it a second time.
    """
    folder = Path(folder)
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"save_figure: bad figure name {name!r}")
    svg, png = figure_bytes(fig, "svg"), figure_bytes(fig, "png")
    out = SavedFigure(name, folder / f"{name}.svg", folder / f"{name}.png")
    _atomic_write(out.svg, lambda p: Path(p).write_bytes(svg))
    _atomic_write(out.png, lambda p: Path(p).write_bytes(png))
    if show if show is not None else _in_kernel():
        from IPython.display import Image, display

        display(Image(data=png, format="png", alt=_title(fig) or name))
    if close:
        plt.close(fig)
    return out


def _title(fig) -> str:
    for ax in fig.axes:
        if ax.get_title(loc="left"):
            return ax.get_title(loc="left")
        if ax.get_title():
            return ax.get_title()
    return ""


# ---------------------------------------------------------------------------
# Helpers


def _empty(ax, message="nothing to show for this selection"):
    ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _colors(keys, palette: dict) -> list[str]:
    extra = iter(c for c in CYCLE if c not in palette.values())
    out, seen = [], {}
    for k in keys:
        if k not in palette and k not in seen:
            seen[k] = next(extra, OTHER_GREY)
        out.append(palette.get(k, seen.get(k)))
    return out


def wrap(label, width: int = 26, lines: int = 3) -> str:
    """`label` on lines of at most `width` characters (broken at spaces); past `lines` lines
    the last is cut with "…", so a name is never cut while it fits in three lines."""
    text = " ".join(str(label).split())
    rows = textwrap.wrap(text, width, break_long_words=True) or [text]
    if len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = rows[-1][: width - 1].rstrip() + "…"
    return "\n".join(rows)


def _namer(fn):
    return fn if callable(fn) else str


def with_other(matrix: pd.DataFrame, top: int = TOP_THEMES) -> pd.DataFrame:
    """`matrix` with its `top` largest columns (by total; ties keep their order) and the rest
    summed into one :data:`OTHER` column (only when there is a rest)."""
    if matrix.shape[1] <= top:
        return matrix
    totals = matrix.sum(axis=0).sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:top])
    out = matrix[keep].copy()
    out[OTHER] = matrix.drop(columns=keep).sum(axis=1)
    return out


def _theme_palette(columns) -> dict:
    """Themes coloured by their rank in the chart; "Other themes" grey."""
    shown = [c for c in columns if c != OTHER]
    return dict(zip(shown, CYCLE, strict=False)) | {OTHER: OTHER_GREY}


def _theme_namer(labels):
    return lambda k: labels.other_themes() if k == OTHER else labels.theme(k)


def as_matrix(df: pd.DataFrame, index: str | None = None, columns: str | None = None,
              values: str | None = None) -> pd.DataFrame:
    """A count matrix from a long table (or `df` itself when it already is one)."""
    if index is None or index not in df.columns:
        return df
    if values is None:
        values = next(c for c in df.columns if c not in (index, columns))
    return (df.pivot_table(index=index, columns=columns, values=values, aggfunc="sum",
                           fill_value=0, observed=True)
            .rename_axis(index=index, columns=columns))


# ---------------------------------------------------------------------------
# Generic plots


def bar_chart(labels, values, *, title: str, xlabel: str = "", colors=None, legend=None,
              top_n: int | None = None):
    """Horizontal bars, largest on top; `legend` maps a label to a colour."""
    labels, values = list(labels), [float(v) for v in values]
    if top_n:
        labels, values = labels[:top_n], values[:top_n]
        colors = None if colors is None else list(colors)[:top_n]
    with styled():
        fig, ax = plt.subplots(figsize=(7.5, 0.32 * max(len(labels), 3) + 1.2))
        if not labels:
            _empty(ax)
        else:
            y = np.arange(len(labels))[::-1]
            ax.barh(y, values, color=colors or ACCENT, height=0.7)
            ax.set_yticks(y, [wrap(x, 34) for x in labels])
            ax.grid(axis="y", visible=False)
            for yi, v in zip(y, values, strict=True):
                ax.text(v, yi, f" {v:g}", va="center", fontsize=8, color=MUTED)
            ax.set_xlabel(xlabel)
            ax.margins(x=0.08)
            if legend:
                handles = [Patch(color=c, label=k) for k, c in legend.items()]
                ax.legend(handles=handles, loc="lower right", title=None)
        ax.set_title(title)
        fig.tight_layout()
    return fig


def heatmap(matrix: pd.DataFrame, *, title: str, xlabel: str = "", ylabel: str = "",
            annotate: bool = True, max_rows: int = 30, by_column: bool = False,
            row_names=None, col_names=None):
    """A count matrix as a heatmap, each non-zero cell labelled with its count.

    `by_column` shades each column on its own scale (for columns in different
    units, e.g. quotes and theme matches); the labels keep the counts.
    `row_names`, `col_names` map the matrix's keys to what the axes show.
    """
    rows, cols = _namer(row_names), _namer(col_names)
    m = matrix.iloc[:max_rows]
    with styled():
        n_rows, n_cols = m.shape
        fig, ax = plt.subplots(figsize=(max(5.0, 0.55 * n_cols + 3.2), max(2.5, 0.34 * n_rows + 1.6)))
        if m.empty or n_cols == 0:
            _empty(ax)
        else:
            data = m.to_numpy(dtype=float)
            shade = data / np.maximum(data.max(axis=0), 1.0) if by_column else data
            vmax = 1.0 if by_column else max(float(np.nanmax(data)), 1.0)
            ax.imshow(shade, cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=vmax,
                      interpolation="nearest")
            ax.set_xticks(range(n_cols), [wrap(cols(c), 22) for c in m.columns], rotation=35,
                          ha="right")
            ax.set_yticks(range(n_rows), [wrap(rows(r), 30) for r in m.index])
            ax.grid(False)
            ax.tick_params(length=0)
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            if annotate:
                for i in range(n_rows):
                    for j in range(n_cols):
                        v = data[i, j]
                        if v:
                            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=8,
                                    color="white" if shade[i, j] > vmax * 0.55 else INK)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        fig.tight_layout()
    return fig


def stacked_bars(matrix: pd.DataFrame, *, title: str, xlabel: str = "", palette=None,
                 horizontal: bool = True, row_names=None, col_names=None):
    """Rows of `matrix` as bars, its columns stacked inside each bar (with a legend).

    `palette` maps column keys to colours; `row_names`, `col_names` map keys to
    what the axis and the legend show.
    """
    rows, cols = _namer(row_names), _namer(col_names)
    m = matrix.loc[:, [c for c in matrix.columns if matrix[c].sum() > 0]] if len(matrix) else matrix
    with styled():
        fig, ax = plt.subplots(figsize=(7.5, 0.3 * max(len(m), 3) + 1.3) if horizontal
                               else (7.5, 4.0))
        if m.empty or m.shape[1] == 0:
            _empty(ax)
        else:
            colors = _colors(list(m.columns), palette or {})
            pos = np.arange(len(m))[::-1] if horizontal else np.arange(len(m))
            left = np.zeros(len(m))
            for col, color in zip(m.columns, colors, strict=True):
                vals = m[col].to_numpy(dtype=float)
                if horizontal:
                    ax.barh(pos, vals, left=left, color=color, label=wrap(cols(col), 34), height=0.7)
                else:
                    ax.bar(pos, vals, bottom=left, color=color, label=wrap(cols(col), 34), width=0.7)
                left += vals
            labels = [wrap(rows(x)) for x in m.index]
            if horizontal:
                ax.set_yticks(pos, labels)
                ax.grid(axis="y", visible=False)
                ax.set_xlabel(xlabel)
            else:
                ax.set_xticks(pos, labels, rotation=35, ha="right")
                ax.grid(axis="x", visible=False)
                ax.set_ylabel(xlabel)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title)
        fig.tight_layout()
    return fig


def lines(matrix: pd.DataFrame, *, title: str, ylabel: str = "", palette=None, col_names=None):
    """Columns of `matrix` as lines over its index (e.g. months), markers on every point."""
    cols = _namer(col_names)
    with styled():
        fig, ax = plt.subplots(figsize=(7.5, 4.0))
        if matrix.empty or matrix.shape[1] == 0:
            _empty(ax)
        else:
            x = [str(i) for i in matrix.index]
            for col, color in zip(matrix.columns, _colors(list(matrix.columns), palette or {}),
                                  strict=True):
                ax.plot(x, matrix[col].to_numpy(dtype=float), marker="o", ms=4, lw=1.6,
                        color=color, label=wrap(cols(col), 34))
            ax.set_ylabel(ylabel)
            ax.tick_params(axis="x", rotation=35)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title)
        fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# The figures of the notebooks and the brief


def quotes_per_speaker(df: pd.DataFrame, *, top_n: int = 15, value: str = "n_quotes",
                       title: str = "Quotes per speaker", labels=None):
    """Bars of quotes per speaker, coloured by role category (named in the legend).

    `df` has one row per speaker: ``speaker`` (or ``name``), ``role_category``
    and the count column `value` (``n_quotes``); rows are sorted here.
    """
    labels = labels or _labels.of()
    label = "speaker" if "speaker" in df.columns else "name"
    d = df.sort_values([value, label], ascending=[False, True], kind="stable").head(top_n)
    roles = list(d["role_category"]) if "role_category" in d.columns else ["other"] * len(d)
    shown = {labels.role(r): c for r, c in zip(roles, _colors(roles, ROLE_COLORS), strict=True)}
    return bar_chart(d[label], d[value], title=title, xlabel="quotes",
                     colors=_colors(roles, ROLE_COLORS), legend=shown)


def quotes_per_role(df: pd.DataFrame, *, value: str = "n_quotes",
                    title: str = "Quotes per role category", labels=None):
    """Bars of quotes per role category (`df`: ``role_category`` and `value`)."""
    labels = labels or _labels.of()
    d = df.sort_values([value, "role_category"], ascending=[False, True], kind="stable")
    return bar_chart(labels.names("role", d["role_category"]), d[value], title=title,
                     xlabel="quotes", colors=_colors(list(d["role_category"]), ROLE_COLORS))


def speaker_source_matrix(matrix: pd.DataFrame, *, title: str = "Who is quoted where", labels=None):
    """Heatmap of quotes per speaker (rows) and source (columns)."""
    labels = labels or _labels.of()
    return heatmap(matrix, title=title, xlabel="source", ylabel="", row_names=labels.speaker)


def themes_by_outlet(matrix: pd.DataFrame, *, title: str = "Themes by outlet", labels=None,
                     top: int = TOP_THEMES):
    """Stacked bars: one bar per outlet, its theme counts stacked (`matrix`: outlet × theme).

    The `top` most frequent themes get a colour each; the rest are one grey
    "Other themes" segment.
    """
    labels = labels or _labels.of()
    m = with_other(matrix, min(top, TOP_THEMES))
    return stacked_bars(m, title=title, xlabel="theme matches", palette=_theme_palette(m.columns),
                        col_names=_theme_namer(labels))


def themes_over_time(matrix: pd.DataFrame, *, title: str = "Themes over time", labels=None):
    """Lines of theme counts per month (`matrix`: month × theme)."""
    labels = labels or _labels.of()
    return lines(matrix, title=title, ylabel="theme matches",
                 palette=_theme_palette(matrix.columns), col_names=_theme_namer(labels))


def themes_by_role(matrix: pd.DataFrame, *, title: str = "Themes by speaker role", labels=None):
    """Heatmap of theme matches per role category (rows; the reporter is one) and theme."""
    labels = labels or _labels.of()
    return heatmap(matrix, title=title, row_names=labels.role, col_names=_theme_namer(labels))


def frames_by_role(matrix: pd.DataFrame, *, title: str = "Frames by role category", labels=None):
    """Stacked bars: one bar per role category (most framing first), its frame counts stacked
    (role × frame)."""
    labels = labels or _labels.of()
    if len(matrix):
        matrix = matrix.loc[matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return stacked_bars(matrix, title=title, xlabel="sentences", palette=FRAME_COLORS,
                        row_names=labels.role, col_names=labels.frame)


def speaker_frame_matrix(matrix: pd.DataFrame, *, title: str = "Who links rights to weapons, and how",
                         labels=None):
    """Heatmap of framed sentences per speaker (rows; the reporter is one) and frame (columns)."""
    labels = labels or _labels.of()
    return heatmap(matrix, title=title, xlabel="frame", ylabel="", row_names=labels.speaker,
                   col_names=labels.frame)
