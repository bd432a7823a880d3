"""nkhr's house style for figures, and the plots notebooks and the brief show.

Style: NanumGothic (read from the ``koreanize-matplotlib`` wheel by
:mod:`nkhr.report.fonts` and registered with matplotlib's font manager, so
Hangul renders instead of empty boxes) with DejaVu Sans as fallback; a quiet
palette in which every role category and every frame keeps one colour in
every figure; light grid, no top/right spines. Plot functions apply the style
inside ``matplotlib.rc_context`` so they never change a notebook's global
settings; call :func:`use_style` to make ad-hoc plots look the same.

:func:`save_figure` writes ``NAME.svg`` and ``NAME.png`` deterministically
(no date in the metadata, a fixed ``svg.hashsalt`` so ids do not change,
text as paths so the SVG needs no font), each written to a temporary file
and renamed, then shows the PNG in the running notebook so it is embedded in
the executed ``.ipynb`` (the brief is rendered straight from it).

Plot functions take the DataFrames of :mod:`nkhr.aggregate`: a *long*
table of counts (one row per group with a count column) or a *matrix*
(rows × columns of counts, e.g. speaker × source). Each returns the
:class:`~matplotlib.figure.Figure`; none of them saves or shows it.
"""

from __future__ import annotations

import dataclasses
import io
import os
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
from .fonts import FAMILY, hangul_font

INK = "#1D2733"
MUTED = "#6B7785"
GRID = "#DDE2E8"
ACCENT = "#1F3A5F"

#: One colour per speaker role category (gold guidelines' categories).
ROLE_COLORS = {
    "defector": "#C8553D", "government": "#1F3A5F", "un": "#3C7DC4", "ngo": "#2A9D8F",
    "diplomat": "#6A4C93", "dprk": "#7A2E2E", "expert": "#E9A23B", "other": "#9AA5B1",
    "reporter": "#5B6B7F", "unattributed": "#C9CED6",
}
#: One colour per frame label.
FRAME_COLORS = {
    "nexus": "#1F3A5F", "funding": "#E9A23B", "diversion": "#C8553D",
    "root_cause": "#2A9D8F", "military_abuse": "#6A4C93", "counter_frame": "#9AA5B1",
}
#: Colours for anything else, in order.
CYCLE = ["#1F3A5F", "#2A9D8F", "#E9A23B", "#C8553D", "#6A4C93", "#3C7DC4", "#7A2E2E",
         "#5B8E7D", "#A26769", "#9AA5B1"]
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
        "font.family": [family, "DejaVu Sans"],
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


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure as SVG or PNG bytes, the same bytes for the same figure."""
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
            seen[k] = next(extra, "#9AA5B1")
        out.append(palette.get(k, seen.get(k)))
    return out


def _short(label, width: int = 28) -> str:
    text = str(label)
    return text if len(text) <= width else text[: width - 1] + "…"


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
            ax.set_yticks(y, [_short(x, 34) for x in labels])
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
            annotate: bool = True, max_rows: int = 30, by_column: bool = False):
    """A count matrix as a heatmap, each non-zero cell labelled with its count.

    `by_column` shades each column on its own scale (for columns in different
    units, e.g. quotes and theme matches); the labels keep the counts.
    """
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
            ax.set_xticks(range(n_cols), [_short(c, 22) for c in m.columns], rotation=35,
                          ha="right")
            ax.set_yticks(range(n_rows), [_short(r, 30) for r in m.index])
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
                 horizontal: bool = True):
    """Rows of `matrix` as bars, its columns stacked inside each bar (with a legend)."""
    m = matrix.loc[:, [c for c in matrix.columns if matrix[c].sum() > 0]] if len(matrix) else matrix
    with styled():
        fig, ax = plt.subplots(figsize=(7.5, 0.38 * max(len(m), 3) + 1.6) if horizontal
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
                    ax.barh(pos, vals, left=left, color=color, label=str(col), height=0.7)
                else:
                    ax.bar(pos, vals, bottom=left, color=color, label=str(col), width=0.7)
                left += vals
            labels = [_short(x, 30) for x in m.index]
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


def lines(matrix: pd.DataFrame, *, title: str, ylabel: str = "", palette=None):
    """Columns of `matrix` as lines over its index (e.g. months), markers on every point."""
    with styled():
        fig, ax = plt.subplots(figsize=(7.5, 4.0))
        if matrix.empty or matrix.shape[1] == 0:
            _empty(ax)
        else:
            x = [str(i) for i in matrix.index]
            for col, color in zip(matrix.columns, _colors(list(matrix.columns), palette or {}),
                                  strict=True):
                ax.plot(x, matrix[col].to_numpy(dtype=float), marker="o", ms=4, lw=1.6,
                        color=color, label=str(col))
            ax.set_ylabel(ylabel)
            ax.tick_params(axis="x", rotation=35)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title)
        fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# The figures of the notebooks and the brief


def quotes_per_speaker(df: pd.DataFrame, *, top_n: int = 15, value: str = "n_quotes",
                       title: str = "Quotes per speaker"):
    """Bars of quotes per speaker, coloured by role category.

    `df` has one row per speaker: ``speaker`` (or ``name``), ``role_category``
    and the count column `value` (``n_quotes``); rows are sorted here.
    """
    label = "speaker" if "speaker" in df.columns else "name"
    d = df.sort_values([value, label], ascending=[False, True], kind="stable").head(top_n)
    roles = list(d["role_category"]) if "role_category" in d.columns else ["other"] * len(d)
    shown = {r: ROLE_COLORS.get(r, "#9AA5B1") for r in dict.fromkeys(roles)}
    return bar_chart(d[label], d[value], title=title, xlabel="quotes",
                     colors=_colors(roles, ROLE_COLORS), legend=shown)


def quotes_per_role(df: pd.DataFrame, *, value: str = "n_quotes",
                    title: str = "Quotes per role category"):
    """Bars of quotes per role category (`df`: ``role_category`` and `value`)."""
    d = df.sort_values([value, "role_category"], ascending=[False, True], kind="stable")
    return bar_chart(d["role_category"], d[value], title=title, xlabel="quotes",
                     colors=_colors(list(d["role_category"]), ROLE_COLORS))


def speaker_source_matrix(matrix: pd.DataFrame, *, title: str = "Who is quoted where"):
    """Heatmap of quotes per speaker (rows) and source (columns)."""
    return heatmap(matrix, title=title, xlabel="source", ylabel="")


def themes_by_outlet(matrix: pd.DataFrame, *, title: str = "Themes by outlet"):
    """Stacked bars: one bar per outlet, its theme counts stacked (`matrix`: outlet × theme)."""
    return stacked_bars(matrix, title=title, xlabel="theme matches")


def themes_over_time(matrix: pd.DataFrame, *, title: str = "Themes over time"):
    """Lines of theme counts per month (`matrix`: month × theme)."""
    return lines(matrix, title=title, ylabel="theme matches")


def frames_by_role(matrix: pd.DataFrame, *, title: str = "Frames by role category"):
    """Stacked bars: one bar per role category, its frame counts stacked (role × frame)."""
    return stacked_bars(matrix, title=title, xlabel="sentences", palette=FRAME_COLORS)


def speaker_frame_matrix(matrix: pd.DataFrame, *, title: str = "Who links rights to weapons, and how"):
    """Heatmap of framed sentences per speaker (rows) and frame (columns)."""
    return heatmap(matrix, title=title, xlabel="frame", ylabel="")
