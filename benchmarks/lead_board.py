"""The team lead's seat board at floor size: render a new board, tick the durations.

Two implementations render the same boards of ``--seats`` seats (offscreen Qt, each
measured including a full paint of the widget with ``grab()``):

* **model/view** — the desk's ``SeatBoardTable``: a ``QAbstractTableModel`` behind a
  ``QTableView``; a board is one model reset, a tick one ``dataChanged``;
* **QTableWidget** — the alternative the desk used before: one ``QTableWidgetItem``
  per cell, columns resized to their contents, every cell replaced for a new board
  and every duration cell's text set on a tick.

Then the lead's overdue and supervised list (``WatchTable``, a ``QTableWidget`` refilled
at every poll) with ``--watch`` tickets: refilled as the desk does
(``gui.widgets.table_fill.refilled``: fixed column sizes while the cells are replaced),
against the same table refilled cell by cell with its columns fitting their contents.

Printed: milliseconds per new board (first and steady) and per one-second tick.
The QTableWidget is measured up to ``--widget-max`` seats (default 300): its cost grows
with the square of the seats — at 1,000 seats one new board took two minutes here, and
PySide6 then crashed at exit ("none_dealloc").

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/lead_board.py [--seats 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from hotline_desk.core.protocol import (  # noqa: E402
    SeatBoard,
    SeatStatus,
    TicketKind,
    TicketOut,
)
from hotline_desk.core.vocabulary import RequestType, Role, SeatState, TicketState  # noqa: E402
from hotline_desk.gui.widgets import ticket_tables  # noqa: E402
from hotline_desk.gui.widgets.durations import format_duration  # noqa: E402
from hotline_desk.gui.widgets.seat_board import (  # noqa: E402
    HEADERS,
    SeatBoardTable,
    board_rows,
    state_text,
)
from hotline_desk.gui.widgets.table_fill import refilled  # noqa: E402

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STATES = [SeatState.READY, SeatState.ON_CALL, SeatState.AFTER_CALL, SeatState.NOT_READY]


def make_board(seats: int, version: int) -> SeatBoard:
    rows = [SeatStatus(
        account_id=n, username=f"seat{n}", display_name=f"话务员{n:04d}", role=Role.OPERATOR,
        seat_label=f"A-{n:04d}", state=STATES[(n + version) % len(STATES)],
        reported_state=STATES[(n + version) % len(STATES)], reason=None,
        state_since=NOW - timedelta(seconds=n % 900), last_seen_at=NOW, outbox_depth=n % 3,
        app_version="0.1.0", call_started_at=NOW - timedelta(seconds=n % 300))
        for n in range(1, seats + 1)]
    return SeatBoard(unchanged=False, version=version, cursor=f"{version}-0", server_time=NOW,
                     seats=rows)


class WidgetBoard:
    """The alternative: a QTableWidget with one item per cell."""

    def __init__(self) -> None:
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.seats: list[SeatStatus] = []

    def set_board(self, board: SeatBoard) -> None:
        self.seats = board_rows(board.seats)
        self.table.setRowCount(len(self.seats))
        for r, seat in enumerate(self.seats):
            values = (seat.seat_label, seat.display_name, state_text(seat), "", "",
                      seat.reason or "", str(seat.outbox_depth), "09:00:00")
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.tick(0)

    def tick(self, elapsed: float) -> None:
        now = NOW + timedelta(seconds=elapsed)
        for r, seat in enumerate(self.seats):
            item = self.table.item(r, 3)
            if item is not None:
                item.setText(format_duration((now - seat.state_since).total_seconds()))


def timed(step: object) -> float:
    started = time.perf_counter()
    step()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def measure(name: str, widget: object, set_board: object, tick: object, seats: int,
            budget: float) -> None:
    boards = [make_board(seats, version) for version in range(1, 5)]
    results: list[str] = []
    for label, steps in (("first board", [boards[0]]), ("new board", boards[1:]),
                         ("tick", [None, None, None])):
        times = []
        for board in steps:
            if board is None:
                times.append(timed(lambda: (tick(), widget.grab())))  # type: ignore[attr-defined, operator]
            else:
                times.append(timed(lambda b=board: (set_board(b), widget.grab())))  # type: ignore[attr-defined, operator]
            if times[-1] > budget * 1000:
                results.append(f"{label} {times[-1]:.0f} ms (over budget: stopped)")
                print(f"{name:<14}{seats:>6}  " + ", ".join(results))
                return
        results.append(f"{label} {sum(times) / len(times):.1f} ms")
    print(f"{name:<14}{seats:>6}  " + ", ".join(results))


def make_tickets(count: int, poll: int) -> list[TicketOut]:
    return [TicketOut(
        ticket_no=f"HF20261130{n:06d}", kind=TicketKind.TICKET, state=TicketState.DISPATCHED,
        version=1, change_version=n, received_at=NOW, created_at=NOW, updated_at=NOW,
        created_by="operator1", seat_label="A-01", masked=True, requester_name=None,
        requester_phone="139****5678", content="路灯不亮", location=None,
        request_type=RequestType.COMPLAINT, area=None, channel=None, source=None,
        priority=None, topic="路灯不亮", lead_unit="合肥市城市管理局", co_units=[],
        handling_requirements=None, kb_entry_id=None, kb_entry_version=None,
        source_ticket_no=None, overdue=(n + poll) % 3 == 0, supervised=False)
        for n in range(1, count + 1)]


@contextmanager
def cell_by_cell(table: QTableWidget, rows: int) -> Iterator[None]:
    """The alternative to ``refilled``: set the row count and replace the cells."""
    table.setRowCount(rows)
    yield


def measure_watch(count: int) -> None:
    for name, fill in (("refilled", ticket_tables.refilled), ("cell by cell", cell_by_cell)):
        ticket_tables.refilled = fill  # type: ignore[assignment]
        watch = ticket_tables.WatchTable()
        watch.resize(1200, 800)
        watch.show()
        polls = [make_tickets(count, poll) for poll in range(3)]
        times = [timed(lambda tickets=tickets, watch=watch: (watch.set_tickets(tickets),
                                                             watch.grab()))
                 for tickets in polls]
        print(f"{'watch list':<14}{count:>6}  {name}: first {times[0]:.1f} ms, "
              f"next polls {sum(times[1:]) / 2:.1f} ms")
        watch.close()
    ticket_tables.refilled = refilled  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seats", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds one step of the QTableWidget may take")
    parser.add_argument("--watch", type=int, default=200,
                        help="tickets on the lead's overdue and supervised list")
    parser.add_argument("--widget-max", type=int, default=300,
                        help="the most seats the QTableWidget is measured with")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    print(f"{'board':<14}{'seats':>6}  ms per step (each including a full paint)")
    for seats in args.seats:
        view = SeatBoardTable(monotonic=time.monotonic)
        view.resize(1400, 900)
        view.show()
        measure("model/view", view, view.set_board, view.model.tick, seats, args.budget)
        view.close()
        if seats > args.widget_max:
            print(f"{'QTableWidget':<14}{seats:>6}  not run (--widget-max {args.widget_max}: "
                  "its cost grows with the square of the seats)")
            continue
        old = WidgetBoard()
        old.table.resize(1400, 900)
        old.table.show()
        def tick(old: WidgetBoard = old, elapsed: list[float] = [0.0]) -> None:  # noqa: B006
            elapsed[0] += 1
            old.tick(elapsed[0])

        measure("QTableWidget", old.table, old.set_board, tick, seats, args.budget)
        old.table.close()
        app.processEvents()
    measure_watch(args.watch)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # PySide6 may crash tearing down many QTableWidgetItems at exit
