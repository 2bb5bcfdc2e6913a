"""Emergency and utility handoff (第十二条(三)): one key each, a confirmation, recorded.

Natural disasters and public emergencies are handed to 110 / 119 / 120 / 122
and the water, power, gas and heating lines. The lines and their numbers are
data for the centre's city (the reference service resolves them); a line whose
local number is not configured says so instead of showing a guessed number.
Each line has a button and a shortcut (Ctrl + its hotkey digit); pressing it
opens a confirmation showing the number, who answers and what to tell the
caller; confirming emits :attr:`EmergencyPanel.handoff_requested`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hotline_desk.core.emergency_lines import LineKind, ResolvedLine
from hotline_desk.gui.forms.ui_emergency_confirm import Ui_EmergencyConfirm
from hotline_desk.gui.style import icon, set_role

COLUMNS = 4


def shortcut_for(line: ResolvedLine) -> QKeySequence:
    return QKeySequence(f"Ctrl+{line.hotkey}")


class EmergencyConfirmDialog(QDialog):
    """Confirm handing the call to one line."""

    def __init__(self, line: ResolvedLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        self.ui = Ui_EmergencyConfirm()
        self.ui.setupUi(self)
        self.setObjectName("emergencyConfirm")
        ui = self.ui
        ui.lineLabel.setObjectName("emergencyLineName")
        ui.numberLabel.setObjectName("emergencyNumber")
        ui.lineLabel.setText(f"转接{line.line.kind.label}：{line.name}")
        ui.numberLabel.setText(line.number or "号码待核实")
        ui.unitLabel.setText(f"接听单位：{line.unit}")
        ui.noticeLabel.setText(line.notice_zh)
        ui.noticeLabel.setVisible(bool(line.notice_zh))
        ui.adviceLabel.setText(line.line.advice or "请来电人保持电话畅通，说清具体地点和情况。")
        ui.confirmButton.setIcon(icon("emergency"))
        ui.confirmButton.clicked.connect(self.accept)
        ui.cancelButton.clicked.connect(self.reject)
        ui.confirmButton.setFocus()


class EmergencyPanel(QWidget):
    """A button per line; confirmation; emits the line code."""

    handoff_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[ResolvedLine] = []
        self._call_active = False
        self.buttons: dict[str, QPushButton] = {}
        self.actions_by_code: dict[str, QAction] = {}
        self.confirm_dialog: EmergencyConfirmDialog | None = None
        self.title = QLabel("紧急及公共事业转接（第十二条(三)）", self)
        self.title.setObjectName("sectionTitle")
        self.message = QLabel(self)
        self.message.setObjectName("emergencyMessage")
        self.message.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addWidget(self.message)

    def shortcut_actions(self) -> list[QAction]:
        return list(self.actions_by_code.values())

    def set_lines(self, lines: Sequence[ResolvedLine]) -> None:
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        for action in self.actions_by_code.values():
            # no second owner of Ctrl+N while the old action waits for deletion
            action.setShortcut(QKeySequence())
            action.deleteLater()
        self.buttons.clear()
        self.actions_by_code.clear()
        self._lines = sorted(lines, key=lambda line: line.line.order)
        for i, line in enumerate(self._lines):
            number = line.number or "待核实"
            button = QPushButton(f"{number}\n{line.name}  Ctrl+{line.hotkey}", self)
            button.setObjectName(f"emergency_{line.code}")
            set_role(button, "emergency" if line.line.kind is LineKind.EMERGENCY else "utility")
            button.setToolTip(line.line.when)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, code=line.code: self.choose(code))
            self.grid.addWidget(button, i // COLUMNS, i % COLUMNS)
            self.buttons[line.code] = button
            action = QAction(f"紧急转接：{line.name} {number}", self)
            action.setShortcut(shortcut_for(line))
            action.triggered.connect(lambda _checked=False, code=line.code: self.choose(code))
            self.actions_by_code[line.code] = action
        self._update_enabled()

    def set_call_active(self, active: bool) -> None:
        self._call_active = active
        self._update_enabled()

    def _update_enabled(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(self._call_active)
        for action in self.actions_by_code.values():
            action.setEnabled(self._call_active)
        if not self._call_active:
            self.show_result("", "")

    def line(self, code: str) -> ResolvedLine | None:
        return next((line for line in self._lines if line.code == code), None)

    def choose(self, code: str) -> EmergencyConfirmDialog | None:
        """Open the confirmation for ``code`` (window-modal, does not block the loop)."""
        line = self.line(code)
        if line is None or not self._call_active:
            return None
        if self.confirm_dialog is not None:
            self.confirm_dialog.close()
        dialog = EmergencyConfirmDialog(line, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.handoff_requested.emit(code))
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        self.confirm_dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: QDialog) -> None:
        if self.confirm_dialog is dialog:
            self.confirm_dialog = None

    def show_result(self, text: str, role: str = "ok") -> None:
        self.message.setText(text)
        set_role(self.message, role)
