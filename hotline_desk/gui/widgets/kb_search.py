"""Knowledge-base search panel: type, see highlighted hits, read the answer aloud.

第十二条(一): a consultation that can be answered at once is answered from the
knowledge base and closed on the spot, recording the entry that answered it.
The panel searches on every keystroke (the search is in memory and takes a few
milliseconds, so it runs on the GUI thread), highlights the matched parts from
the hits' spans, shows the selected entry's answer wording (答复口径) in a large
font, and emits :attr:`KBSearchPanel.answered` with the entry id when the
operator presses 解答完毕.

It takes a plain ``search(query, limit) -> list[SearchHit]`` callable
(``KnowledgeService.search``) and holds no rules of its own.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import SearchHit
from hotline_desk.gui.style import icon
from hotline_desk.gui.widgets.highlight import HTML_ROLE, HighlightDelegate, hit_html

log = logging.getLogger(__name__)

SearchFn = Callable[[str, int], Sequence[SearchHit]]
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 2
RESULT_LIMIT = 20


class HitListModel(QAbstractListModel):
    """The hits of the current query, one row each."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._html: list[str] = []

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._html = [hit_html(hit) for hit in self._hits]
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._hits)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == int(Qt.ItemDataRole.DisplayRole):
            return hit.entry.title
        if role == HTML_ROLE:
            return self._html[index.row()]
        if role == ID_ROLE:
            return hit.id
        if role == int(Qt.ItemDataRole.ToolTipRole):
            return hit.entry.owner_unit or None
        return None


def answer_html(entry: KBEntry) -> str:
    """The entry as the operator reads it: the answer wording first, then the facts."""
    answer = "<br>".join(html.escape(line) for line in entry.answer.splitlines())
    facts = []
    if entry.owner_unit:
        facts.append(f"责任单位：{html.escape(entry.owner_unit)}")
    region = "".join(entry.region.names())
    if region:
        facts.append(f"适用地区：{html.escape(region)}")
    if entry.updated_at is not None:
        facts.append(f"更新：{entry.updated_at:%Y-%m-%d}")
    facts.append(f"版本：{entry.version}")
    basis = ""
    if entry.policy_basis:
        basis = (f'<p style="color:#4a5563;font-size:11pt">政策依据：'
                 f"{html.escape(entry.policy_basis)}</p>")
    return (f'<p style="font-size:12pt;font-weight:600;color:#12355b">'
            f"{html.escape(entry.title)}</p>"
            f'<div style="font-size:16pt;line-height:150%">{answer}</div>'
            f"{basis}"
            f'<p style="color:#6b7280;font-size:10pt">{" · ".join(facts)}</p>')


class KBSearchPanel(QWidget):
    """Search box, highlighted results and the selected answer."""

    #: The operator answered the call with this entry (解答完毕).
    answered = Signal(str)
    #: The selected entry changed ("" when none).
    entry_selected = Signal(str)

    def __init__(self, search: SearchFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._entry: KBEntry | None = None
        self._answer_allowed = True

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("kbSearchEdit")
        self.search_edit.setPlaceholderText("搜索知识库：中文、拼音或首字母均可（F2 / Ctrl+K）")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("kbCountLabel")

        self.model = HitListModel(self)
        self.results = QListView(self)
        self.results.setObjectName("kbResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HighlightDelegate(self.results))
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)

        self.answer_view = QTextBrowser(self)
        self.answer_view.setObjectName("answerView")
        self.answer_view.setOpenLinks(False)
        self.answer_view.setPlaceholderText("选中检索结果后，在此显示答复口径")

        self.answer_button = QPushButton(icon("answer"), "解答完毕 (Ctrl+Enter)", self)
        self.answer_button.setObjectName("answerButton")
        self.answer_button.setEnabled(False)
        self.answer_hint = QLabel(self)
        self.answer_hint.setObjectName("answerHint")
        self.answer_hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.answer_hint, 1)
        bottom.addWidget(self.answer_button)
        answer_box = QWidget(self)
        answer_layout = QVBoxLayout(answer_box)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        answer_layout.addWidget(self.answer_view, 1)
        answer_layout.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.results)
        splitter.addWidget(answer_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.focus_action = QAction("检索知识库", self)
        self.focus_action.setShortcuts([QKeySequence("F2"), QKeySequence("Ctrl+K")])
        self.focus_action.triggered.connect(self.focus_search)
        self.answer_action = QAction("解答完毕（即时办结）", self)
        self.answer_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.answer_action.triggered.connect(self._answer)

        self._render_answer = QTimer(self)
        self._render_answer.setSingleShot(True)
        self._render_answer.setInterval(0)
        self._render_answer.timeout.connect(self._render_current_answer)

        self.search_edit.textChanged.connect(self.run_query)
        self.search_edit.installEventFilter(self)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
        self.results.activated.connect(lambda _index: self.answer_view.setFocus())
        self.answer_button.clicked.connect(self._answer)
        self._update_answer_button()

    # ------------------------------------------------------------------ API

    def shortcut_actions(self) -> list[QAction]:
        return [self.focus_action, self.answer_action]

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def set_answer_allowed(self, allowed: bool, hint_zh: str = "") -> None:
        """Whether 解答完毕 may be pressed now (e.g. only during a call)."""
        self._answer_allowed = allowed
        self.answer_hint.setText(hint_zh)
        self._update_answer_button()

    def refresh(self) -> None:
        """Re-run the current query (the index changed after a pull)."""
        self.run_query(self.search_edit.text())

    def current_entry(self) -> KBEntry | None:
        return self._entry

    def clear(self) -> None:
        self.search_edit.clear()

    # ------------------------------------------------------------------ slots

    def run_query(self, text: str) -> None:
        query = text.strip()
        if not query:
            self.model.set_hits([])
            self.count_label.setText("")
            self._show_entry(None)
            return
        try:
            hits = self._search(query, RESULT_LIMIT)
        except HotlineError as exc:
            self.model.set_hits([])
            self.count_label.setText(exc.message_zh)
            self._show_entry(None)
            return
        except Exception:
            log.exception("knowledge-base search failed for %r", query)
            self.model.set_hits([])
            self.count_label.setText("检索出错，已记录日志")
            self._show_entry(None)
            return
        self.model.set_hits(hits)
        self.count_label.setText(f"{len(hits)} 条" if hits else "无匹配条目")
        if hits:
            self.results.selectionModel().setCurrentIndex(
                self.model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            self._show_entry(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit(current.row()) if current.isValid() else None
        self._show_entry(hit.entry if hit is not None else None)

    def _show_entry(self, entry: KBEntry | None) -> None:
        changed = (entry.id if entry else "") != (self._entry.id if self._entry else "")
        self._entry = entry
        if changed:
            # Rendered on the next turn of the event loop: the result list of this
            # keystroke paints first, and typing fast renders only the last answer.
            self._render_answer.start()
        self._update_answer_button()
        if changed:
            self.entry_selected.emit(entry.id if entry else "")

    def _render_current_answer(self) -> None:
        if self._entry is None:
            self.answer_view.clear()
        else:
            self.answer_view.setHtml(answer_html(self._entry))

    def _update_answer_button(self) -> None:
        enabled = self._entry is not None and self._answer_allowed
        self.answer_button.setEnabled(enabled)
        self.answer_action.setEnabled(enabled)

    def _answer(self) -> None:
        if self._entry is not None and self._answer_allowed:
            self.answered.emit(self._entry.id)

    def _move_selection(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        row = self.results.currentIndex().row()
        row = max(0, min(rows - 1, (row if row >= 0 else -1) + step))
        index = self.model.index(row)
        self.results.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.results.scrollTo(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down:
                self._move_selection(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move_selection(-1)
                return True
            if key == Qt.Key.Key_PageDown:
                self._move_selection(5)
                return True
            if key == Qt.Key.Key_PageUp:
                self._move_selection(-5)
                return True
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.search_edit.clear()
                return True
        return super().eventFilter(watched, event)
