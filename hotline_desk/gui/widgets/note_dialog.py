"""A small dialog asking for a note: mark abusive (第十三条), transfer, complete.

Opened with ``open()`` (see :mod:`hotline_desk.gui.modal`), never ``exec()``.
OK is refused with an inline Chinese message while the note is blank or too
long, so nothing reaches a service half-filled.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from hotline_desk.gui.forms.ui_note_dialog import Ui_NoteDialog


class NoteDialog(QDialog):
    def __init__(
        self,
        title: str,
        explanation: str,
        *,
        reference: str = "",
        note_label: str = "说明(&N)",
        placeholder: str = "",
        max_chars: int = 2000,
        ok_text: str = "确定",
        ask_reference: bool = False,
        reference_value: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_NoteDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(title)
        self._max = max_chars
        self.ui.explanationLabel.setText(explanation)
        self.ui.referenceLabel.setText(reference)
        self.ui.referenceLabel.setVisible(bool(reference))
        self.ui.noteLabel.setText(note_label)
        self.ui.noteEdit.setPlaceholderText(placeholder)
        self.ui.errorLabel.hide()
        self.ui.referenceEdit.setText(reference_value)
        self.ui.referenceEdit.setVisible(ask_reference)
        self.ui.referenceEditLabel.setVisible(ask_reference)
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        cancel = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("取消")
        self.ui.buttonBox.accepted.connect(self._try_accept)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.noteEdit.setFocus()

    def note(self) -> str:
        return self.ui.noteEdit.toPlainText().strip()

    def reference(self) -> str:
        """The optional reference typed (a ticket number), "" when not asked or empty."""
        return "" if self.ui.referenceEdit.isHidden() else self.ui.referenceEdit.text().strip()

    def set_note(self, text: str) -> None:
        self.ui.noteEdit.setPlainText(text)

    def problem(self) -> str:
        note = self.note()
        if not note:
            return "请填写说明"
        if len(note) > self._max:
            return f"说明不能超过{self._max}个字（现为{len(note)}个字）"
        return ""

    def _try_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.ui.errorLabel.setText(problem)
            self.ui.errorLabel.show()
            self.ui.noteEdit.setFocus()
            return
        self.accept()
