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


# --------------------------------------------------------------------------- readers' view

def _cvd_lab(hex_colour: str, matrix) -> np.ndarray:
    """CIELAB of `hex_colour` as a viewer with the colour vision `matrix` sees it."""
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lin = np.clip(matrix @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


# Machado, Oliveira & Fernandes (2009), severity 1: protanopia, deuteranopia, tritanopia.
CVD = {"normal": np.eye(3),
       "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                           [-0.003882, -0.048116, 1.051998]]),
       "deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                           [-0.011820, 0.042940, 0.968881]]),
       "tritan": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                           [0.004733, 0.691367, 0.303900]])}


@pytest.mark.parametrize("palette", [
    list(figures.ROLE_COLORS.values()), list(figures.FRAME_COLORS.values()),
    [*figures.CYCLE, figures.OTHER_GREY]])
def test_palettes_keep_categories_apart_for_colour_blind_readers(palette):
    assert len(set(palette)) == len(palette)
    for name, m in CVD.items():
        labs = [_cvd_lab(c, m) for c in palette]
        closest = min(np.linalg.norm(a - b) for i, a in enumerate(labs) for b in labs[i + 1:])
        assert closest > 12, name   # CIE76 ΔE: clearly different at a glance


def _legend(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_themes_chart_names_themes_gives_each_a_colour_and_groups_the_tail():
    themes = ["defectors_refugees", "events", "accountability_coi", "military_troops_abroad",
              "nuclear_missile", "religious_freedom", "food_humanitarian_aid", "unification",
              "forced_labor_overseas_workers", "information_access", "forced_repatriation",
              "women_children", "abductees_separated_families", "prison_camps", "sanctions"]
    outlets = ["National Foundation for Openness", "Åbo Underrättelser", "Harbor City Daily News"]
    m = pd.DataFrame([[20 - j for j in range(15)]] * 3, index=outlets, columns=themes)
    fig = figures.themes_by_outlet(m)
    legend = _legend(fig)
    assert len(legend) == figures.TOP_THEMES + 1 and legend[-1] == "Other themes"
    assert "Defectors and refugees" in legend and not [x for x in legend if "_" in x]
    colours = [matplotlib.colors.to_hex(b.patches[0].get_facecolor()) for b in fig.axes[0].containers]
    assert len(set(colours)) == len(colours) and colours[-1] == figures.OTHER_GREY.lower()
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert "National Foundation for Openness" in ticks and "Åbo Underrättelser" in ticks  # not cut
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)": Å must come from DejaVu
        figures.figure_bytes(fig, "png")
    plt.close(fig)


def test_frame_and_role_charts_name_them_as_readers_do():
    m = pd.DataFrame([[1, 2], [3, 0]], index=["dprk", "reporter"], columns=["nexus", "counter_frame"])
    fig = figures.frames_by_role(m)
    assert _legend(fig) == ["Rights and security inseparable", "Rights as a political weapon"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["North Korean officials", "Reporter"]
    plt.close(fig)
    fig = figures.speaker_frame_matrix(pd.DataFrame([[1]], index=["NARRATOR"], columns=["root_cause"]))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Reporter"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Repression drives the\nthreat"]
    plt.close(fig)


def test_a_dollar_sign_in_a_name_is_text_not_mathtext(tmp_path):
    df = pd.DataFrame({"speaker": ["Jang $\\foo{$ Se-yul", "Daily $\\undefinedmacro$ News"],
                       "role_category": ["ngo", "other"], "n_quotes": [3, 1]})
    saved = figures.save_figure(figures.quotes_per_speaker(df), tmp_path, "dollar", show=False)
    assert saved.png.stat().st_size > 1000
    fig = figures.quotes_per_speaker(df)
    assert "Jang $\\foo{$ Se-yul" in figures.figure_text(fig)
    figures.figure_bytes(fig, "png")
    label = next(t for t in fig.axes[0].get_yticklabels() if "Jang" in t.get_text())
    assert label.get_fontfamily()[0] == "DejaVu Sans"   # NanumGothic would draw "\\" as "₩"
    plt.close(fig)


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # drawn once for the layout
def test_a_character_no_bundled_font_has_is_refused_by_name(tmp_path):
    from nkhr.errors import RenderError

    df = pd.DataFrame({"speaker": ["สมชาย"], "role_category": ["other"], "n_quotes": [1]})
    with pytest.raises(RenderError, match=r"figure 'Quotes per speaker': no font nkhr bundles .* "
                                          r"can draw U\+0E2A"):
        figures.save_figure(figures.quotes_per_speaker(df), tmp_path, "thai", show=False)
    assert not list(tmp_path.iterdir())
