"""Fonts for static figures: a fallback chain covering Latin, Cyrillic, Greek, Arabic, Hebrew, CJK...

matplotlib (>= 3.6) draws each glyph from the first family in ``font.family`` that has it, so the
chain below renders place names in any script the articles use, provided the fonts are installed.
On Debian/Ubuntu: ``apt-get install fonts-noto-core fonts-noto-cjk`` (DejaVu Sans, matplotlib's own
font, covers Latin, Greek and Cyrillic when nothing else is installed). Families that are not
installed are left out of the chain (no warnings, same output on the same machine).

matplotlib lays text out glyph by glyph, without the shaping Arabic needs (joined letter forms,
right-to-left order). :func:`shape_text` does that shaping with ``arabic-reshaper`` and
``python-bidi`` when they are installed, for raster and PDF output; SVG output keeps the text as
typed (the browser or viewer shapes it), so the SVG stays searchable and copyable.
"""
from __future__ import annotations

import functools
import unicodedata

#: Preferred families, first match per glyph wins.
FONT_CHAIN: tuple[str, ...] = (
    "Noto Sans",
    "DejaVu Sans",
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Thai",
    "Noto Sans Armenian",
    "Noto Sans Georgian",
    "Noto Sans Ethiopic",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
)

#: Unicode ranges of the scripts the base fonts (Noto Sans, DejaVu Sans) lack, and the families for them.
SCRIPT_FAMILIES: tuple[tuple[tuple[tuple[int, int], ...], tuple[str, ...]], ...] = (
    (((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
     ("Noto Sans Arabic", "Noto Naskh Arabic")),
    (((0x0590, 0x05FF), (0xFB1D, 0xFB4F)), ("Noto Sans Hebrew",)),
    (((0x0900, 0x097F),), ("Noto Sans Devanagari",)),
    (((0x0980, 0x09FF),), ("Noto Sans Bengali",)),
    (((0x0E00, 0x0E7F),), ("Noto Sans Thai",)),
    (((0x0530, 0x058F),), ("Noto Sans Armenian",)),
    (((0x10A0, 0x10FF),), ("Noto Sans Georgian",)),
    (((0x1200, 0x139F),), ("Noto Sans Ethiopic",)),
    (((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
      (0x20000, 0x2FA1F)), ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR")),
)

#: Debian packages giving the whole chain (what a CI image or a Dockerfile installs).
DEBIAN_PACKAGES: tuple[str, ...] = ("fonts-noto-core", "fonts-noto-cjk")


@functools.lru_cache(maxsize=None)
def font_chain() -> tuple[str, ...]:
    """The installed families of :data:`FONT_CHAIN`, in order (DejaVu Sans always: matplotlib ships it)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    chain = tuple(f for f in FONT_CHAIN if f in installed or f == "DejaVu Sans")
    return chain


def missing_scripts_hint() -> str | None:
    """A hint when the fonts for non-Latin scripts are missing, or None when the chain is complete."""
    chain = font_chain()
    if any("Arabic" in f for f in chain) and any("CJK" in f for f in chain):
        return None
    import matplotlib

    return ("some scripts (Arabic, CJK) may show as boxes: install the Noto fonts "
            f"(Debian/Ubuntu: apt-get install {' '.join(DEBIAN_PACKAGES)}); if they are installed, "
            f"matplotlib's font list predates them: delete {matplotlib.get_cachedir()}/fontlist-*.json")


def _needs_shaping(text: str) -> bool:
    for ch in text:
        if "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc":
            return True
    return False


@functools.lru_cache(maxsize=4096)
def shape_text(text: str) -> str:
    """``text`` ready for matplotlib's glyph-by-glyph layout: Arabic letters joined (presentation
    forms) and right-to-left runs in visual order. Unchanged when there is nothing to shape or the
    optional ``arabic-reshaper``/``python-bidi`` packages are missing."""
    if not _needs_shaping(text):
        return text
    try:
        import arabic_reshaper
        from bidi.algorithm import get_display
    except ImportError:  # pragma: no cover - optional
        return text
    return get_display(arabic_reshaper.reshape(unicodedata.normalize("NFC", text)))


def font_chain_for(texts) -> tuple[str, ...]:
    """The installed families needed for ``texts``: the base fonts, plus those of the scripts that
    occur (a shorter chain keeps text measuring fast and the SVG's font lists short)."""
    chain = font_chain()
    needed: set[str] = set()
    for text in texts:
        for ch in text:
            o = ord(ch)
            if o < 0x0530:
                continue
            for ranges, families in SCRIPT_FAMILIES:
                if any(lo <= o <= hi for lo, hi in ranges):
                    needed.update(families)
                    break
    base = {"Noto Sans", "DejaVu Sans"}
    return tuple(f for f in chain if f in base or f in needed)
