"""How the desk writes a ticket's completion deadline (pure helpers, no Qt).

第十七条: the completion due date, marked 暂定 when the holiday calendar for a day counted is
only the statutory fallback. 第十七条(三): with a deadline set by law the desk says so, names
its basis and when the unit must next report progress, e.g.
``法定期限 2027-03-31（《政府信息公开条例》第三十三条）· 进展报告 2027-02-15``.
"""

from __future__ import annotations

from hotline_desk.core.protocol import DeadlinesOut, TicketOut


def deadline_text(deadlines: DeadlinesOut | None) -> str:
    """The completion deadline as one line; ``—`` when the ticket has none (not dispatched)."""
    if deadlines is None:
        return "—"
    due = deadlines.completion_due.isoformat()
    legal = deadlines.legal
    if legal is None:
        text = due
    else:
        text = f"法定期限 {due}（{legal.basis}）"
        if deadlines.progress_report_due is not None:
            text += f"· 进展报告 {deadlines.progress_report_due.isoformat()}"
    if deadlines.provisional:
        text += "（暂定）"
    return text


def overdue_text(ticket: TicketOut) -> str:
    """超期 (第十五、十七条 deadlines) and 进展逾期 (a progress report owed, 第十七条(三))."""
    parts = (["超期"] if ticket.overdue else []) + (
        ["进展逾期"] if ticket.progress_overdue else [])
    return "、".join(parts)
