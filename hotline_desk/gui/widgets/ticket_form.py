"""The ticket form (第十一条): every required field, checked as the operator types.

The form is designed in ``ui/ticket_form.ui``. On every change it asks the
ticket service's ``check(form, purpose)`` (core ``ticket_draft`` validation)
for the problems and shows each next to its field in Chinese — for the fields
the operator has already touched, so an empty form is not a wall of red; the
rest are summed up under the form. 保存工单 stays disabled until there is no
problem at all.

Nothing typed is lost: every change restarts a short debounce timer after which
:attr:`TicketFormPanel.draft_changed` carries the whole form to be saved as a
draft; :meth:`flush_draft` sends it at once (quit, call end). :meth:`set_form`
restores a draft.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.ticket_draft import DraftPurpose
from hotline_desk.core.vocabulary import Area, Channel, LabeledEnum, Priority, RequestType, Source
from hotline_desk.gui.forms.ui_ticket_form import Ui_TicketForm
from hotline_desk.gui.style import icon, set_role

log = logging.getLogger(__name__)

Form = dict[str, str]
CheckFn = Callable[[Form, DraftPurpose], Mapping[str, str]]

#: Purposes the form offers; 即时办结 is done from the knowledge-base panel.
FORM_PURPOSES: tuple[DraftPurpose, ...] = (DraftPurpose.DISPATCH, DraftPurpose.RECORD)
DEBOUNCE_MS = 400

_ENUMS: dict[str, type[LabeledEnum]] = {
    "request_type": RequestType,
    "area": Area,
    "channel": Channel,
    "source": Source,
    "priority": Priority,
}
_DEFAULTS: Form = {
    "channel": Channel.PHONE.value,
    "source": Source.DIRECT.value,
    "priority": Priority.GENERAL.value,
    "purpose": DraftPurpose.DISPATCH.value,
}
#: Fields whose requirement depends on another field's value (core.ticket_draft).
_DEPENDENT: dict[str, tuple[str, ...]] = {
    "request_type": ("location",),
    "source": ("source_ticket_no",),
    "purpose": ("lead_unit", "handling_requirements"),
}
_MNEMONIC = re.compile(r"\(&.\)|&|\*")


class TicketFormPanel(QWidget):
    """The ticket form with inline validation and draft autosave."""

    #: Save pressed with a valid form: (form, purpose code).
    save_requested = Signal(dict, str)
    #: The form changed (debounced): the whole form, to be kept as a draft.
    draft_changed = Signal(dict)

    def __init__(self, check: CheckFn, parent: QWidget | None = None,
                 debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._check = check
        self.ui = Ui_TicketForm()
        self.ui.setupUi(self)
        self.ui.saveButton.setIcon(icon("save"))
        self._touched: set[str] = set()
        self._problems: dict[str, str] = {}
        self._loading = False

        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}
        for child in self.findChildren(QWidget):
            field = child.property("field")
            if isinstance(field, str) and field:
                self.editors[field] = child
            target = child.property("errorFor")
            if isinstance(target, str) and target and isinstance(child, QLabel):
                self.errors[target] = child
                child.hide()
        for label in self.findChildren(QLabel):
            buddy = label.buddy()
            if buddy is not None and isinstance(buddy.property("field"), str):
                self.labels[str(buddy.property("field"))] = _MNEMONIC.sub("", label.text()).strip()

        for name, enum in _ENUMS.items():
            combo = self.editors[name]
            assert isinstance(combo, QComboBox)
            combo.addItem("请选择…", "")
            for member in enum:
                combo.addItem(member.label, member.value)
        purpose = self.ui.purposeCombo
        for member in FORM_PURPOSES:
            purpose.addItem(member.label, member.value)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.flush_draft)

        for name, editor in self.editors.items():
            if isinstance(editor, QLineEdit):
                editor.textChanged.connect(lambda _t, n=name: self._edited(n))
            elif isinstance(editor, QPlainTextEdit):
                editor.textChanged.connect(lambda n=name: self._edited(n))
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(lambda _i, n=name: self._edited(n))
            editor.installEventFilter(self)

        self.ui.saveButton.clicked.connect(self._save)
        self.ui.clearButton.clicked.connect(self._clear_clicked)
        self.save_action = QAction("保存工单", self)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.triggered.connect(self._save)
        self.reset()

    def shortcut_actions(self) -> list[QAction]:
        return [self.save_action]

    # ------------------------------------------------------------------ reading

    def purpose(self) -> DraftPurpose:
        code = self.ui.purposeCombo.currentData()
        return DraftPurpose(code) if code else DraftPurpose.DISPATCH

    def form(self) -> Form:
        """The whole form as plain strings (enum fields as codes)."""
        values: Form = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QLineEdit):
                values[name] = editor.text()
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
            elif isinstance(editor, QComboBox):
                values[name] = str(editor.currentData() or "")
        return values

    def problems(self) -> dict[str, str]:
        return dict(self._problems)

    def is_empty(self) -> bool:
        form = self.form()
        return all(not form.get(k, "").strip() or form.get(k) == _DEFAULTS.get(k)
                   for k in form)

    # ------------------------------------------------------------------ writing

    def set_form(self, values: Mapping[str, object]) -> None:
        """Fill the form (a restored draft, or a prefilled phone); no draft is emitted."""
        self._loading = True
        try:
            for name, editor in self.editors.items():
                if name not in values:
                    continue
                raw = values[name]
                if isinstance(raw, list | tuple):
                    text = "、".join(str(part) for part in raw)
                else:
                    text = "" if raw is None else str(raw)
                if isinstance(editor, QLineEdit):
                    editor.setText(text)
                elif isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(text)
                elif isinstance(editor, QComboBox):
                    index = editor.findData(text)
                    if index < 0:  # a label instead of a code
                        index = editor.findText(text)
                    editor.setCurrentIndex(max(index, 0))
                if text and text != _DEFAULTS.get(name):
                    self._touched.add(name)
        finally:
            self._loading = False
        self.validate()

    def reset(self) -> None:
        """An empty form with the defaults (phone channel, direct, general, dispatch)."""
        self._debounce.stop()
        self._loading = True
        try:
            for editor in self.editors.values():
                if isinstance(editor, QLineEdit | QPlainTextEdit):
                    editor.clear()
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(0)
        finally:
            self._loading = False
        self._touched.clear()
        self.set_form(_DEFAULTS)
        self._touched.clear()
        self.ui.draftLabel.setText("")
        self.validate()

    def set_message(self, text: str, role: str = "info") -> None:
        self.ui.draftLabel.setText(text)
        set_role(self.ui.draftLabel, role)

    def touch_all(self) -> None:
        self._touched.update(self.editors)
        self.validate()

    # ------------------------------------------------------------------ behaviour

    def validate(self) -> dict[str, str]:
        """Ask the service for the problems and render them; returns them."""
        try:
            problems = dict(self._check(self.form(), self.purpose()))
        except HotlineError as exc:
            problems = {"draft": exc.message_zh}
        except Exception:
            log.exception("ticket check failed")
            problems = {"draft": "工单检查出错，已记录日志"}
        self._problems = problems
        for name, label in self.errors.items():
            message = problems.get(name, "") if name in self._touched else ""
            label.setText(message)
            label.setVisible(bool(message))
            editor = self.editors.get(name)
            if editor is not None:
                set_role(editor, "invalid" if message else "")
        pending = [name for name in problems if name not in self._touched]
        unknown = [message for name, message in problems.items() if name not in self.errors]
        lines = []
        if pending:
            names = "、".join(self.labels.get(name, name) for name in pending
                             if name in self.errors)
            if names:
                lines.append(f"尚需填写或检查：{names}")
        lines.extend(unknown)
        self.ui.summaryLabel.setText("\n".join(lines))
        self.ui.summaryLabel.setVisible(bool(lines))
        valid = not problems
        self.ui.saveButton.setEnabled(valid)
        self.save_action.setEnabled(valid)
        return problems

    def _edited(self, name: str) -> None:
        if self._loading:
            return
        self._touched.add(name)
        # a type/source/purpose change changes what other fields require: show it now
        self._touched.update(_DEPENDENT.get(name, ()))
        self.validate()
        self.ui.draftLabel.setText("")
        self._debounce.start()

    def flush_draft(self) -> None:
        """Emit the draft now (the debounce timer's end, quit, or call end)."""
        self._debounce.stop()
        self.draft_changed.emit(self.form())

    def has_pending_draft(self) -> bool:
        return self._debounce.isActive()

    def _save(self) -> None:
        if self.validate():  # (Ctrl+S on an incomplete form) show every problem, go to one
            self.touch_all()
            self.focus_first_problem()
            return
        self.save_requested.emit(self.form(), self.purpose().value)

    def _clear_clicked(self) -> None:
        self.reset()
        self.draft_changed.emit(self.form())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and not self._loading:
            field = watched.property("field")
            if isinstance(field, str) and field and field not in self._touched:
                self._touched.add(field)
                self.validate()
        return super().eventFilter(watched, event)

    def focus_first_problem(self) -> None:
        for name in self.editors:
            if name in self._problems:
                self.editors[name].setFocus(Qt.FocusReason.OtherFocusReason)
                return
