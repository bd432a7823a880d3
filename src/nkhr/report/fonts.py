"""The fonts nkhr uses for Latin and Hangul text in figures and PDFs.

NanumGothic (SIL Open Font License 1.1) covers Latin and Hangul. It ships in
the ``koreanize-matplotlib`` wheel, a declared dependency; we read the font
files from that package's folder and never import the module (importing it
would change matplotlib's global settings).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from ..errors import NkhrError

FAMILY = "NanumGothic"
# The HTML brief's font stack: a system Hangul font first, NanumGothic as embedded fallback.
HTML_FONT_STACK = ('"Noto Sans", "Segoe UI", "Helvetica Neue", Arial, "Noto Sans KR", '
                   '"Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", sans-serif')


@cache
def font_dir() -> Path:
    """Folder holding NanumGothic*.ttf."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise NkhrError("the Hangul font package 'koreanize-matplotlib' is not installed; "
                        "run `pip install koreanize-matplotlib`")
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    if not (folder / "NanumGothic.ttf").exists():
        raise NkhrError(f"{folder}: NanumGothic.ttf is missing from the font package")
    return folder


def hangul_font(bold: bool = False) -> Path:
    """Path of the regular (or bold) NanumGothic TrueType file."""
    return font_dir() / ("NanumGothicBold.ttf" if bold else "NanumGothic.ttf")
