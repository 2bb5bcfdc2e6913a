"""Icons and the stylesheet, read from ``resources/icons`` and ``resources/style``."""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from hotline_desk import paths

log = logging.getLogger(__name__)

STYLESHEET = ("style", "desk.qss")


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` (an empty icon, logged, if missing)."""
    path = paths.resource("icons", f"{name}.svg")
    if not path.is_file():
        log.warning("icon missing: %s", path)
        return QIcon()
    return QIcon(str(path))


def load_stylesheet() -> str:
    path = paths.resource(*STYLESHEET)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        log.warning("stylesheet missing: %s", path)
        return ""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same look on Windows and Linux; the sheet styles on top
    app.setStyleSheet(load_stylesheet())
    app.setWindowIcon(icon("app"))


def set_role(widget: QWidget, role: str) -> None:
    """Set the ``role`` property the stylesheet selects on, and re-polish the widget."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
