"""The fonts nkhr draws text with, in figures, HTML and PDF: a chain, first match wins.

1. **NanumGothic** (SIL Open Font License 1.1): Hangul and basic Latin. It
   ships in the ``koreanize-matplotlib`` wheel, a declared dependency; we read
   the font files from that package's folder and never import the module
   (importing it would change matplotlib's global settings).
2. **DejaVu Sans** (Bitstream Vera license): the Latin, Greek and Cyrillic
   letters NanumGothic lacks (``Å``, ``ä``, ``č``, ``Š``), symbols and
   monochrome emoji. It ships inside matplotlib's wheel.

A character neither font has (Thai, most CJK ideographs, flags) would be an
empty box ("tofu"): :func:`check` refuses such text with an error that names
the character and where it stands, instead of a brief that silently loses it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from functools import cache
from pathlib import Path

from ..errors import NkhrError, RenderError

FAMILY = "NanumGothic"
LATIN_FAMILY = "DejaVu Sans"
#: Font families in the order a character is looked up.
CHAIN = (FAMILY, LATIN_FAMILY)
#: Characters NanumGothic has but draws as something else: its backslash is a won sign (₩),
#: as in many Korean fonts. The chain takes them from DejaVu Sans.
NOT_FROM_HANGUL_FONT = "\\"


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


def latin_font(bold: bool = False) -> Path:
    """Path of the regular (or bold) DejaVu Sans file that matplotlib ships."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / (
        "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.is_file():
        raise NkhrError(f"{path}: DejaVu Sans is missing from matplotlib's font folder")
    return path


def chain(bold: bool = False) -> list[Path]:
    """The font files of :data:`CHAIN`, regular or bold."""
    return [hangul_font(bold), latin_font(bold)]


@cache
def cmap(path: str | os.PathLike) -> frozenset[int]:
    """The code points the font at `path` has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as f:
        return frozenset(f.getBestCmap())


def covering(ch: str, bold: bool = False) -> Path | None:
    """The first font of the chain that draws `ch`, or None."""
    fonts = chain(bold)
    if ch in NOT_FROM_HANGUL_FONT:
        fonts = fonts[1:]
    return next((f for f in fonts if ord(ch) in cmap(f)), None)


def needs_glyph(ch: str) -> bool:
    """False for white space and invisible control or format characters."""
    import unicodedata

    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Cs")


def missing(text: str) -> dict[str, list[str]]:
    """Characters no font of the chain can draw, grouped by where they first stand:
    a few words of `text` around the first of them on that line -> the characters."""
    found: dict[str, list[str]] = {}
    seen: set[str] = set()
    for line in text.splitlines():
        bad = [i for i, ch in enumerate(line) if ord(ch) > 0x7E and ch not in seen
               and needs_glyph(ch) and covering(ch) is None]
        if bad:
            ctx = " ".join(line[max(0, bad[0] - 30): bad[0] + 30].split())
            chars = list(dict.fromkeys(line[i] for i in bad))
            seen.update(chars)
            found.setdefault(ctx, []).extend(chars)
    return found


def check(text: str, where: str) -> None:
    """Raise :class:`RenderError` when `text` has a character no font of the chain can draw.

    `where` starts the message ("stage: brief.ipynb"). The message names each
    character (code point, the character) and a few words around it, so the
    reader can find it in the article or catalog it came from.
    """
    bad = missing(text)
    if bad:
        shown = "; ".join(", ".join(f"U+{ord(c):04X} {c!r}" for c in chars) + f" in \"{ctx}\""
                          for ctx, chars in list(bad.items())[:5])
        raise RenderError(f"{where}: no font nkhr bundles ({', '.join(CHAIN)}) can draw {shown}; "
                          "it would show as an empty box. Replace or remove that character in "
                          "the article or catalog it comes from")


def stage(folder: Path) -> Path:
    """Link (or copy) the chain's font files into `folder` (created); return it.

    Typst looks fonts up by folder: this one holds exactly the brief's fonts.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for src in [*chain(False), *chain(True)]:
        dst = folder / src.name
        if dst.exists():
            continue
        try:
            os.symlink(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
    return folder
