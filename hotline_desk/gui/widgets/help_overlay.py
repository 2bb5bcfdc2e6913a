"""F1: an overlay listing every keyboard shortcut of the window.

Built from the window's actions, so it can never fall out of date: whatever has a
shortcut is listed with its text. F1, Esc or a click closes it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


def shortcut_rows(actions: Sequence[QAction]) -> list[tuple[str, str]]:
    """(keys, description) for every action with a shortcut, in order, without repeats."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for action in actions:
        keys = " / ".join(seq.toString(QKeySequence.SequenceFormat.NativeText)
                          for seq in action.shortcuts() if not seq.isEmpty())
        if not keys or keys in seen:
            continue
        seen.add(keys)
        rows.append((keys, action.text().replace("&", "")))
    return rows


class HelpOverlay(QWidget):
    def __init__(self, parent: QWidget, actions: Callable[[], Sequence[QAction]]) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._actions = actions
        self.card = QLabel(self)
        self.card.setObjectName("helpCard")
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def rows(self) -> list[tuple[str, str]]:
        return shortcut_rows(self._actions())

    def render(self) -> None:
        rows = self.rows()
        half = (len(rows) + 1) // 2
        columns = [rows[:half], rows[half:]]
        cells = []
        for column in columns:
            lines = "".join(
                f'<tr><td style="padding:3px 14px 3px 0;font-weight:600;color:#0b3d91">'
                f"{html.escape(keys)}</td><td style='padding:3px 24px 3px 0'>"
                f"{html.escape(text)}</td></tr>" for keys, text in column)
            cells.append(f"<td valign='top'><table>{lines}</table></td>")
        self.card.setText(
            '<p style="font-size:15pt;font-weight:600">键盘快捷键</p>'
            f"<table><tr>{''.join(cells)}</tr></table>"
            '<p style="color:#6b7280">按 F1 或 Esc 关闭</p>')

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
            return
        self.render()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.setFocus()

    def keyPressEvent(self, event: object) -> None:
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return super().eventFilter(watched, event)
