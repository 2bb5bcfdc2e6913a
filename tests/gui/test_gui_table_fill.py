"""Refilling the desk's tables: the columns that fit their contents still do afterwards,
the new rows are all there, and the selection of a row that stays is kept (the team
lead's watch list and the expert queue are refilled at every poll)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from hotline_desk.gui.widgets.table_fill import refilled

FIT = QHeaderView.ResizeMode.ResizeToContents


def _fill(table: QTableWidget, rows: list[tuple[str, str]]) -> None:
    with refilled(table, len(rows)):
        assert table.horizontalHeader().sectionResizeMode(0) is not FIT  # fixed meanwhile
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(value))


def test_a_refill_restores_the_column_modes_and_fits_the_new_contents(qtbot) -> None:
    table = QTableWidget(0, 2)
    qtbot.addWidget(table)
    header = table.horizontalHeader()
    header.setSectionResizeMode(FIT)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.show()
    _fill(table, [(f"HF{n:04d}", "路灯不亮") for n in range(300)])
    narrow = header.sectionSize(0)
    table.selectRow(5)
    _fill(table, [(f"HF{n:04d}" + ("（超期三个工作日）" if n == 7 else ""), "噪音扰民")
                  for n in range(200)])
    assert header.sectionResizeMode(0) is FIT
    assert header.sectionResizeMode(1) is QHeaderView.ResizeMode.Stretch
    assert table.rowCount() == 200 and table.item(199, 1).text() == "噪音扰民"
    qtbot.waitUntil(lambda: header.sectionSize(0) > narrow)  # fitted to the longer text
    assert [i.row() for i in table.selectionModel().selectedRows()] == [5]
