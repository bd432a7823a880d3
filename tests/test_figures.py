"""nkhr.report.figures: Hangul renders (no tofu), files are deterministic, plots take aggregates."""

from __future__ import annotations

import io
import re
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nkhr.report import figures  # noqa: E402

HANGUL = "북한 인권"


def _text_png(text: str, **rc) -> np.ndarray:
    with figures.styled(), matplotlib.rc_context(rc):
        fig = plt.figure(figsize=(2, 0.6), dpi=100)
        fig.text(0.05, 0.3, text, fontsize=20)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches=None)
        plt.close(fig)
    buf.seek(0)
    return plt.imread(buf)


def test_font_manager_resolves_nanumgothic_for_hangul():
    figures.register_fonts()
    with figures.styled():
        path = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.family"]))
    assert "NanumGothic" in path


def test_hangul_renders_with_glyphs_not_tofu():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        good = _text_png(HANGUL)
    # the same text in a font without Hangul comes out as identical empty boxes (tofu)
    with pytest.warns(UserWarning, match="missing from font"):
        tofu = _text_png(HANGUL, **{"font.family": ["DejaVu Sans"]})
    assert not np.array_equal(good, tofu)
    # two different syllables must not look alike (tofu boxes would)
    assert not np.array_equal(_text_png("북"), _text_png("한"))


def test_save_figure_writes_identical_svg_and_png(tmp_path):
    df = pd.DataFrame({"speaker": ["장세율", "Elizabeth Salmón"], "role_category": ["defector", "un"],
                       "n_quotes": [4, 2]})
    a = figures.save_figure(figures.quotes_per_speaker(df, title="누가 말하는가"), tmp_path / "a", "q",
                            show=False)
    b = figures.save_figure(figures.quotes_per_speaker(df, title="누가 말하는가"), tmp_path / "b", "q",
                            show=False)
    assert a.svg.read_bytes() == b.svg.read_bytes()
    assert a.png.read_bytes() == b.png.read_bytes()
    svg = a.svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert not re.search(r"20\d\d-\d\d-\d\d", svg)
    assert not list(tmp_path.glob("*/.*"))  # no temporary files left
    assert plt.get_fignums() == []  # closed: the inline backend will not show it twice


MATRIX = pd.DataFrame([[3, 0, 1], [0, 2, 0]], index=["Jang Se-yul", "김정은"],
                      columns=["nexus", "funding", "counter_frame"])


@pytest.mark.parametrize("plot,data", [
    (figures.quotes_per_role, pd.DataFrame({"role_category": ["un", "ngo"], "n_quotes": [1, 5]})),
    (figures.speaker_source_matrix, MATRIX),
    (figures.speaker_frame_matrix, MATRIX),
    (figures.themes_by_outlet, MATRIX),
    (figures.frames_by_role, MATRIX),
    (figures.themes_over_time, MATRIX.T),
    (figures.speaker_frame_matrix, pd.DataFrame()),  # an empty selection still plots
    (figures.frames_by_role, pd.DataFrame()),
])
def test_every_plot_draws_from_an_aggregate(tmp_path, plot, data):
    fig = plot(data)
    saved = figures.save_figure(fig, tmp_path, "f", show=False)
    assert saved.png.stat().st_size > 1000


def test_colours_are_fixed_per_role_and_frame():
    assert figures.ROLE_COLORS["defector"] != figures.ROLE_COLORS["un"]
    fig = figures.frames_by_role(MATRIX)
    bars = fig.axes[0].containers
    assert [matplotlib.colors.to_hex(b.patches[0].get_facecolor()) for b in bars] == [
        figures.FRAME_COLORS[f].lower() for f in MATRIX.columns]
    plt.close(fig)
