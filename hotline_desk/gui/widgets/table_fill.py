"""Refilling a ``QTableWidget`` without re-measuring every row for every cell.

A table whose columns resize to their contents re-measures the whole column each time
a cell changes; refilling N rows that already hold items then costs N² measurements:
4.6 s for the team lead's 200 overdue tickets, every poll (benchmarks/lead_board.py
shows the same for the seat board). :func:`refilled` switches the header to fixed
sizes while the cells are replaced, then restores the modes, which measures each
column once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QHeaderView, QTableWidget


@contextmanager
def refilled(table: QTableWidget, rows: int) -> Iterator[None]:
    """``with refilled(table, len(rows)):`` then ``table.setItem(...)`` for every cell."""
    header = table.horizontalHeader()
    modes = [header.sectionResizeMode(column) for column in range(table.columnCount())]
    sorting = table.isSortingEnabled()
    table.setSortingEnabled(False)
    table.setUpdatesEnabled(False)
    for column, mode in enumerate(modes):
        if mode is QHeaderView.ResizeMode.ResizeToContents:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
    try:
        table.setRowCount(rows)
        yield
    finally:
        for column, mode in enumerate(modes):
            header.setSectionResizeMode(column, mode)
        table.setSortingEnabled(sorting)
        table.setUpdatesEnabled(True)
