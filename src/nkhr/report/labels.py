"""How charts, tables and sentences name themes, frames and role categories.

The tables keep codebook ids (``defectors_refugees``, ``counter_frame``,
``dprk``); readers see names. Theme and frame names come from the codebooks'
``label`` (English) and ``label_ko`` (Korean) lines; role categories, which
the role rules assign from a fixed set, are named here, once, for every
chart, table and sentence. An id a codebook gives no label (a quanteda
dictionary's category, a user's own theme) is shown as words:
``forced_labor`` becomes "Forced labor", ``rights/women`` "Rights: women".

:func:`of` returns the :class:`Labels` of the codebooks a set of tables was
analyzed with (the files recorded in its ``meta.json``, else the ones
:func:`nkhr.codebooks.locate` finds, as the analysis did).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .. import schemas

#: Role categories (``speakers.role_category``) as readers name them, English and Korean.
ROLES = {
    "defector": ("Defectors", "탈북민"),
    "government": ("Government officials", "정부 관계자"),
    "un": ("UN officials", "유엔 관계자"),
    "ngo": ("Civil society", "시민사회"),
    "diplomat": ("Diplomats", "외교관"),
    "dprk": ("North Korean officials", "북한 당국자"),
    "expert": ("Experts", "전문가"),
    "other": ("Others", "기타"),
    "reporter": ("Reporter", "기자"),             # the article's own narration
    "unattributed": ("Unattributed", "발화자 미상"),
}
#: The bar that gathers the themes a chart does not show one by one.
OTHER_THEMES = ("Other themes", "기타 주제")
LANGUAGES = ("en", "ko")


def words(key: object) -> str:
    """A codebook id as words: ``forced_labor`` -> "Forced labor", ``a/b_c`` -> "A: b c"."""
    parts = [p.replace("_", " ").replace("-", " ").strip() for p in str(key).split("/")]
    text = ": ".join(p for p in parts if p) or str(key)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Labels:
    """Names for readers: ``themes`` and ``frames`` map ids to (English, Korean) labels."""

    themes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    frames: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    lang: str = "en"

    def _pick(self, pair: tuple[str, str] | None, key) -> str:
        if pair is None:
            return words(key)
        en, ko = pair
        return (ko or en) if self.lang == "ko" else (en or words(key))

    def theme(self, key) -> str:
        return self._pick(self.themes.get(str(key)), key)

    def frame(self, key) -> str:
        return self._pick(self.frames.get(str(key)), key)

    def role(self, key) -> str:
        """A role category's name; ``NARRATOR`` and ``reporter`` are the reporter."""
        key = "reporter" if key == schemas.NARRATOR else key
        return self._pick(ROLES.get(str(key)), key)

    def speaker(self, name) -> str:
        """A speaker's name as shown: the reporter for ``NARRATOR``."""
        return self.role("reporter") if name == schemas.NARRATOR else str(name)

    def other_themes(self) -> str:
        return OTHER_THEMES[1] if self.lang == "ko" else OTHER_THEMES[0]

    def in_language(self, lang: str) -> Labels:
        if lang not in LANGUAGES:
            raise ValueError(f"lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
        return Labels(self.themes, self.frames, lang)

    def names(self, kind: str, keys: Iterable) -> list[str]:
        """`keys` named as `kind` ("theme", "frame", "role", "speaker")."""
        return [getattr(self, kind)(k) for k in keys]


def _pairs(book) -> dict[str, tuple[str, str]]:
    return {k: (book.labels.get(k, ""), book.labels_ko.get(k, ""))
            for k in [*book.labels, *book.labels_ko]}


def of(tables=None, lang: str = "en") -> Labels:
    """The labels of the theme and frame codebooks `tables` were analyzed with.

    Reads the codebook files named in ``tables.meta["parameters"]`` (``nkhr
    analyze --themes/--frames``) when they still exist, else the ones
    :func:`nkhr.codebooks.locate` finds. With no `tables`: the located ones.
    """
    from pathlib import Path

    from ..codebooks import load_frames, load_themes

    given = ((getattr(tables, "meta", None) or {}).get("parameters") or {}) if tables is not None else {}
    paths = {k: given.get(k) if given.get(k) and Path(given[k]).is_file() else None
             for k in ("themes", "frames")}
    return Labels(_pairs(load_themes(paths["themes"])), _pairs(load_frames(paths["frames"])), lang)
