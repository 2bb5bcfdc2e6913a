"""A CJK font for the desk, so Chinese renders on a bare Linux box too.

Qt picks a fallback font per glyph, but on a minimal Linux install the default
family has no Han characters and the fallback may be missing or a poor match
(boxes, or Japanese glyph shapes for Chinese text). At start-up the desk:

1. registers any font files an administrator dropped into ``resources/fonts/``
   (none are committed; see the README there);
2. picks the first installed family of :data:`PREFERRED_FAMILIES` (Noto Sans CJK
   SC / Source Han Sans SC / WenQuanYi, then the Windows and macOS system fonts);
3. makes it the application font, keeping the platform's default family first
   for Latin text, and logs a warning when none is installed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from hotline_desk import paths

log = logging.getLogger(__name__)

#: Families that cover Simplified Chinese well, best first.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def register_bundled_fonts(folder: Path | None = None) -> list[str]:
    """Register font files found in ``resources/fonts``; returns the families added."""
    folder = folder if folder is not None else paths.resource("fonts")
    added: list[str] = []
    if not folder.is_dir():
        return added
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("could not load font file %s", path)
            continue
        added.extend(QFontDatabase.applicationFontFamilies(font_id))
    return added


def pick_cjk_family(installed: list[str] | None = None) -> str | None:
    """The best installed family for Simplified Chinese, or ``None``."""
    families = installed if installed is not None else QFontDatabase.families()
    available = {name.casefold(): name for name in families}
    for wanted in PREFERRED_FAMILIES:
        found = available.get(wanted.casefold())
        if found is not None:
            return found
    # Any family the database says covers Simplified Chinese will do.
    for name in families:
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(name):
            return name
    return None


def install_cjk_font(app: QApplication, point_size: float | None = None) -> str | None:
    """Make the best CJK family part of the application font; returns it (or None)."""
    register_bundled_fonts()
    family = pick_cjk_family()
    font = QFont(app.font())
    if family is None:
        log.warning(
            "no Chinese font found (install fonts-noto-cjk or put a font in resources/fonts/); "
            "Chinese text may show as boxes")
    else:
        base = font.family()
        font.setFamilies([family] if base == family else [family, base])
        log.info("Chinese font: %s", family)
    if point_size is not None:
        font.setPointSizeF(point_size)
    app.setFont(font)
    return family
