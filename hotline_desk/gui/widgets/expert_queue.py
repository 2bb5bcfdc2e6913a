"""The expert seat's transfer queue (第八条 专家座席).

Operators hand calls or tickets to the expert queue with a note; the expert sees
the queue live, accepts one (only one expert wins), reads the operator's note
and the ticket, and completes it with notes. Rendered from the protocol's
``TransferOut`` records.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.core.protocol import TicketOut, TransferOut, TransferReferenceKind, TransferStatus
from hotline_desk.gui.style import icon, set_role
from hotline_desk.gui.widgets.deadline_text import deadline_text
from hotline_desk.gui.widgets.durations import format_duration, format_local_time
from hotline_desk.gui.widgets.table_fill import refilled

HEADERS = ("编号", "类型", "来电/工单", "来电人", "转出座席", "转出时间", "等待", "状态",
           "受理专家")
NOTES_MAX = 4000


def ticket_html(ticket: TicketOut) -> str:
    """The transferred ticket as the expert reads it."""
    def row(label: str, value: str | None) -> str:
        return (f"<tr><td style='color:#6b7280;padding-right:10px'>{label}</td>"
                f"<td>{html.escape(value or '—')}</td></tr>")

    due = deadline_text(ticket.deadlines) if ticket.deadlines else None
    rows = [
        row("工单编号", ticket.ticket_no),
        row("状态", ticket.state.label),
        row("诉求类型", ticket.request_type.label if ticket.request_type else None),
        row("诉求人", ticket.requester_name),
        row("联系电话", ticket.requester_phone),
        row("事发地点", ticket.location),
        row("承办单位", ticket.lead_unit),
        row("办结期限", due),
    ]
    content = "<br>".join(html.escape(line) for line in ticket.content.splitlines())
    return (f"<p style='font-weight:600;margin-top:8px'>工单</p><table>{''.join(rows)}</table>"
            f"<p>{content}</p>")


def transfer_html(item: TransferOut, ticket: TicketOut | None = None,
                  ticket_note: str = "") -> str:
    def row(label: str, value: str | None) -> str:
        return (f"<tr><td style='color:#6b7280;padding-right:10px'>{label}</td>"
                f"<td>{html.escape(value or '—')}</td></tr>")

    rows = [
        row("转接编号", str(item.id)),
        row(item.reference_kind.label, item.reference),
        row("来电人", item.caller_name),
        row("联系电话", item.caller_phone),
        row("转出座席", item.created_by),
        row("转出时间", format_local_time(item.created_at, with_date=True)),
        row("状态", item.status.label),
        row("受理专家", item.accepted_by),
    ]
    note = "<br>".join(html.escape(line) for line in item.note.splitlines())
    done = ""
    if item.completion_notes:
        notes = "<br>".join(html.escape(line) for line in item.completion_notes.splitlines())
        done = f"<p style='font-weight:600'>专家处理意见</p><p>{notes}</p>"
    ticket_part = ticket_html(ticket) if ticket is not None else (
        f"<p style='color:#8a4b00'>{html.escape(ticket_note)}</p>" if ticket_note else "")
    return (f"<table>{''.join(rows)}</table>"
            f"<p style='font-weight:600;margin-top:8px'>话务员说明</p>"
            f"<p style='font-size:13pt'>{note}</p>{ticket_part}{done}")


def reference_text(item: TransferOut) -> str:
    """What the queue lists: the ticket number, or for a call its short reference."""
    if item.reference_kind is TransferReferenceKind.TICKET:
        return item.reference
    return f"来电 …{item.reference[-6:]}"


class ExpertQueuePanel(QWidget):
    accept_requested = Signal(int)
    complete_requested = Signal(int, str)
    refresh_requested = Signal()
    selection_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[TransferOut] = []
        self._detail_for: tuple[int, TransferStatus] | None = None
        self._now: datetime | None = None
        self._me = ""
        self.title = QLabel("专家座席转接队列", self)
        self.title.setObjectName("sectionTitle")
        self.count_label = QLabel(self)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("transferTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("transferDetail")
        self.detail.setPlaceholderText("选择一条转接查看话务员说明")
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setObjectName("completionNotes")
        self.notes_edit.setPlaceholderText("处理意见（完成时必填）")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMaximumHeight(120)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.accept_button = QPushButton(icon("expert"), "受理 (F9)", self)
        self.accept_button.setObjectName("acceptButton")
        self.complete_button = QPushButton(icon("answer"), "完成 (Ctrl+Enter)", self)
        self.complete_button.setObjectName("completeButton")
        self.refresh_button = QPushButton(icon("retry"), "刷新 (Ctrl+R)", self)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.refresh_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        notes_label = QLabel("处理意见(&N)", right)
        notes_label.setBuddy(self.notes_edit)
        right_layout.addWidget(notes_label)
        right_layout.addWidget(self.notes_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.complete_button)
        right_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.accept_action = QAction("受理所选转接", self)
        self.accept_action.setShortcut(QKeySequence("F9"))
        self.accept_action.triggered.connect(self._accept)
        self.complete_action = QAction("完成所选转接", self)
        self.complete_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.complete_action.triggered.connect(self._complete)
        self.refresh_action = QAction("刷新转接队列", self)
        self.refresh_action.setShortcut(QKeySequence("Ctrl+R"))
        self.refresh_action.triggered.connect(self.refresh_requested)

        self.accept_button.clicked.connect(self._accept)
        self.complete_button.clicked.connect(self._complete)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._update_buttons()

    def shortcut_actions(self) -> list[QAction]:
        return [self.accept_action, self.complete_action, self.refresh_action]

    def set_me(self, username: str) -> None:
        self._me = username

    def set_items(self, items: Sequence[TransferOut], now: datetime | None = None) -> None:
        selected = self.selected()
        self._items = sorted(items, key=lambda t: (t.status is not TransferStatus.QUEUED,
                                                   t.created_at))
        self._now = now
        with refilled(self.table, len(self._items)):
            for r, item in enumerate(self._items):
                waited = max(0.0, (now - item.created_at).total_seconds()) if now is not None \
                    else None
                values = (str(item.id), item.reference_kind.label, reference_text(item),
                          item.caller_phone or item.caller_name or "—", item.created_by,
                          format_local_time(item.created_at, with_date=True),
                          format_duration(waited) if item.status is TransferStatus.QUEUED else "",
                          item.status.label, item.accepted_by or "")
                for c, value in enumerate(values):
                    cell = QTableWidgetItem(value)
                    cell.setData(Qt.ItemDataRole.UserRole, item.id)
                    if item.status is TransferStatus.QUEUED:
                        font = cell.font()
                        font.setBold(True)
                        cell.setFont(font)
                    self.table.setItem(r, c, cell)
        queued = sum(1 for t in self._items if t.status is TransferStatus.QUEUED)
        mine = sum(1 for t in self._items
                   if t.status is TransferStatus.ACCEPTED and t.accepted_by == self._me)
        self.count_label.setText(f"待受理 {queued} 件 · 我处理中 {mine} 件")
        if selected is not None:
            self.select(selected.id)
        elif self._items:
            self.table.selectRow(0)
        self._selection_changed()

    def select(self, transfer_id: int) -> None:
        for r, item in enumerate(self._items):
            if item.id == transfer_id:
                self.table.selectRow(r)
                return

    def selected(self) -> TransferOut | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self._items[row] if 0 <= row < len(self._items) else None

    def _selection_changed(self) -> None:
        item = self.selected()
        key = (item.id, item.status) if item is not None else None
        if key != self._detail_for:  # a poll that changed nothing keeps the detail shown
            self._detail_for = key
            if item is None:
                self.detail.clear()
            else:
                self.detail.setHtml(transfer_html(item))
                self.selection_changed.emit(item.id)
        self._update_buttons()

    def show_detail(self, item: TransferOut, ticket: TicketOut | None = None,
                    ticket_note: str = "") -> None:
        """The full detail of the selected transfer (unmasked for its expert, with the
        ticket when one was transferred)."""
        selected = self.selected()
        if selected is not None and selected.id == item.id:
            self.detail.setHtml(transfer_html(item, ticket, ticket_note))

    def _update_buttons(self) -> None:
        item = self.selected()
        can_accept = item is not None and item.status is TransferStatus.QUEUED
        can_complete = (item is not None and item.status is TransferStatus.ACCEPTED
                        and (not self._me or item.accepted_by == self._me))
        self.accept_button.setEnabled(can_accept)
        self.accept_action.setEnabled(can_accept)
        self.complete_button.setEnabled(can_complete)
        self.complete_action.setEnabled(can_complete)
        self.notes_edit.setEnabled(can_complete)

    def _accept(self) -> None:
        item = self.selected()
        if item is not None and item.status is TransferStatus.QUEUED:
            self.accept_requested.emit(item.id)

    def _complete(self) -> None:
        item = self.selected()
        if item is None or item.status is not TransferStatus.ACCEPTED:
            return
        notes = self.notes_edit.toPlainText().strip()
        if not notes:
            self.show_message("请填写处理意见", "error")
            self.notes_edit.setFocus()
            return
        if len(notes) > NOTES_MAX:
            self.show_message(f"处理意见不能超过{NOTES_MAX}个字", "error")
            return
        self.complete_requested.emit(item.id, notes)

    def show_message(self, text: str, role: str = "ok") -> None:
        self.message.setText(text)
        set_role(self.message, role)

    def clear_notes(self) -> None:
        self.notes_edit.clear()
