"""A deadline set by law overrides the completion limit, and progress is still reported
(第十七条(三): 法律法规规章等另有规定的从其规定，但应动态反馈办理进展情况); no 第十八条
extension of a legal deadline.

Dates: a complaint received Thu 2026-09-24 (中秋 9-25..27 and 国庆 10-01..07 off, Sat 10-10
worked) is due 2026-10-15 under 第十七条(二) (10 working days); 20 working days end 10-29.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.deadlines import (
    SHANGHAI,
    TicketDeadlines,
    apply_extension,
    due_after,
    local_date,
    ticket_deadlines,
)
from hotline_desk.core.errors import DataFormatError, RuleViolation
from hotline_desk.core.legal_deadline import (
    LegalDayKind,
    LegalDeadline,
    apply_legal_deadline,
    next_progress_report,
    report_progress,
)
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.core.workdays import DaySource, WorkCalendar

CALENDAR = WorkCalendar()
GIL = ("政府信息公开条例", "第三十三条")  # 20 working days to answer


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, tzinfo=SHANGHAI)


def complaint(received: datetime | None = None) -> TicketDeadlines:
    return ticket_deadlines(CALENDAR, received or at(2026, 9, 24), RequestType.COMPLAINT)


def fields_problem(**fields: object) -> dict[str, str]:
    with pytest.raises(DataFormatError) as caught:
        LegalDeadline.from_fields(**fields)  # type: ignore[arg-type]
    return {field: message for _, field, message in caught.value.problems}


# ---------------------------------------------------------------- the override


def test_a_legal_deadline_moves_completion_and_keeps_a_progress_report_due() -> None:
    """第十七条(三): the law's 20 working days replace the 10 of 第十七条(二); the unit must
    report progress by the regular deadline (10-15); first contact and return are unchanged
    (第十五、十六条)."""
    regular = complaint()
    legal = apply_legal_deadline(CALENDAR, regular, LegalDeadline.working_days(*GIL, 20))
    assert legal.completion.date == date(2026, 10, 29)
    assert legal.completion == due_after(CALENDAR, date(2026, 9, 24), 20)
    assert legal.regular_completion == regular.completion
    assert legal.progress_report == regular.completion
    assert legal.progress_report is not None and legal.progress_report.date == date(2026, 10, 15)
    assert (legal.first_contact, legal.return_request) == (regular.first_contact,
                                                            regular.return_request)
    assert legal.completion_limit_days == 10  # the regular limit: the progress-report cycle
    assert legal.original_completion == regular.completion
    assert legal.legal is not None and legal.legal.basis_zh == "《政府信息公开条例》第三十三条"


def test_natural_days_end_on_a_working_day() -> None:
    """A period in natural days ("七日内") whose last day is a day off ends on the next working
    day (民法典第二百零三条): 2026-09-24 + 7 days = 10-01 (国庆) -> 10-08."""
    consultation = ticket_deadlines(CALENDAR, at(2026, 9, 24), RequestType.CONSULTATION)
    assert consultation.completion.date == date(2026, 9, 30)
    seven = apply_legal_deadline(CALENDAR, consultation,
                                 LegalDeadline.calendar_days("某办法", "第五条", 7))
    assert seven.completion.date == date(2026, 10, 8)
    assert seven.progress_report is not None and seven.progress_report.date == date(2026, 9, 30)
    six = apply_legal_deadline(CALENDAR, consultation,
                               LegalDeadline.calendar_days("某办法", "第五条", 6))
    assert six.completion.date == date(2026, 9, 30)


def test_an_absolute_date_is_taken_as_the_law_gives_it() -> None:
    legal = LegalDeadline.fixed("某条例", "第十二条", date(2027, 3, 31))
    moved = apply_legal_deadline(CALENDAR, complaint(), legal)
    assert moved.completion.date == date(2027, 3, 31)
    assert moved.completion.deadline == datetime(2027, 4, 1, tzinfo=SHANGHAI)
    with pytest.raises(DataFormatError) as caught:
        apply_legal_deadline(CALENDAR, complaint(),
                             LegalDeadline.fixed("某条例", "第十二条", date(2026, 9, 23)))
    assert "不能早于" in caught.value.message_zh
    assert caught.value.problems[0][1] == "legal_due_date"
    same_day = LegalDeadline.fixed("某条例", "第十二条", date(2026, 9, 24))
    assert apply_legal_deadline(CALENDAR, complaint(), same_day).completion.date == date(
        2026, 9, 24)


def test_a_shorter_legal_deadline_leaves_no_progress_report_due() -> None:
    """The decision pinned: when the law's deadline is not later than the regular one, the
    ticket must be completed before a progress report would be due, so none is due."""
    shorter = apply_legal_deadline(CALENDAR, complaint(), LegalDeadline.working_days(*GIL, 5))
    assert shorter.completion.date == date(2026, 10, 9)  # 9-28, 9-29, 9-30, 10-08, 10-09
    assert shorter.progress_report is None
    equal = apply_legal_deadline(CALENDAR, complaint(), LegalDeadline.working_days(*GIL, 10))
    assert equal.completion == complaint().completion and equal.progress_report is None


def test_recording_again_replaces_the_legal_deadline() -> None:
    """A law that allows its period to be lengthened (e.g. 《政府信息公开条例》第三十三条第二款)
    is recorded as a new legal deadline; the regular deadline and the reports stay."""
    first = apply_legal_deadline(CALENDAR, complaint(), LegalDeadline.working_days(*GIL, 20))
    reported = report_progress(CALENDAR, first, at(2026, 10, 12))
    again = apply_legal_deadline(CALENDAR, reported, LegalDeadline.working_days(
        "政府信息公开条例", "第三十三条第二款", 40))
    assert again.completion == due_after(CALENDAR, date(2026, 9, 24), 40)
    assert again.regular_completion == complaint().completion
    assert again.progress_reported_at == at(2026, 10, 12)
    assert again.progress_report == due_after(CALENDAR, date(2026, 10, 12), 10)
    assert again.legal is not None and again.legal.article == "第三十三条第二款"


# ---------------------------------------------------------------- progress reports


def test_each_progress_report_makes_the_next_one_due_a_regular_limit_later() -> None:
    """第十七条(三) 动态反馈: reported on 10-12, the next report is due 10 working days later
    (10-26); a report whose next one would fall on or after the completion deadline (10-29)
    leaves none due — the completion is the last report."""
    legal = apply_legal_deadline(CALENDAR, complaint(), LegalDeadline.working_days(*GIL, 20))
    early = report_progress(CALENDAR, legal, at(2026, 10, 12))
    assert early.progress_report is not None
    assert early.progress_report.date == date(2026, 10, 26)
    assert early.progress_reported_at == at(2026, 10, 12)
    late = report_progress(CALENDAR, early, at(2026, 10, 20))
    assert late.progress_report is None
    assert next_progress_report(CALENDAR, late) is None
    assert late.completion == legal.completion  # a report never moves the completion


def test_progress_is_reported_only_under_a_legal_deadline() -> None:
    with pytest.raises(RuleViolation) as caught:
        report_progress(CALENDAR, complaint(), at(2026, 10, 12))
    assert "第十七条(三)" in caught.value.message_zh and "未登记法定期限" in caught.value.message_zh
    assert next_progress_report(CALENDAR, complaint()) is None
    with pytest.raises(DataFormatError):
        report_progress(CALENDAR, apply_legal_deadline(
            CALENDAR, complaint(), LegalDeadline.working_days(*GIL, 20)),
            datetime(2026, 10, 12, 10))


def test_only_counted_deadlines_can_be_provisional() -> None:
    """A period counted into a year the State Council has not published yet is 暂定; an
    absolute date is not counted, so no holiday notice can move it. Received 2026-12-10: the
    regular deadline is 2026-12-24 (published); 20 working days reach into 2027."""
    regular = complaint(at(2026, 12, 10))
    assert regular.completion.date == date(2026, 12, 24) and not regular.provisional
    counted = apply_legal_deadline(CALENDAR, regular, LegalDeadline.working_days(*GIL, 20))
    assert counted.completion.date.year == 2027
    assert counted.provisional and counted.source is DaySource.STATUTORY_FALLBACK
    fixed = apply_legal_deadline(CALENDAR, regular, LegalDeadline.fixed(
        *GIL, date(2027, 3, 31)))
    assert not fixed.provisional and fixed.source is DaySource.OFFICIAL
    assert fixed.progress_report == regular.completion
    reported = report_progress(CALENDAR, fixed, at(2026, 12, 28))  # next due in 2027
    assert reported.progress_report is not None and reported.provisional


# ---------------------------------------------------------------- 第十八条


def test_a_ticket_with_a_legal_deadline_is_not_extended() -> None:
    """The decision pinned (第十七条(三) with 第十八条): the law's period is not the hotline's to
    extend — apply_extension refuses, saying to record the law's own extension instead."""
    legal = apply_legal_deadline(CALENDAR, complaint(), LegalDeadline.working_days(*GIL, 20))
    with pytest.raises(RuleViolation) as caught:
        apply_extension(CALENDAR, legal, applied_at=at(2026, 10, 12), days=5, reason="需核实")
    message = caught.value.message_zh
    assert "第十七条(三)" in message and "不适用第十八条延期" in message
    assert "《政府信息公开条例》第三十三条" in message and "20个工作日" in message


def test_an_extension_granted_before_moves_the_first_progress_report() -> None:
    """第十八条 then 第十七条(三): the extension granted before the law's deadline was recorded
    stays, in the regular deadline; the first progress report is due then."""
    extended = apply_extension(CALENDAR, complaint(), applied_at=at(2026, 10, 14), days=5,
                               reason="需现场勘查")
    assert extended.completion.date == date(2026, 10, 22)
    legal = apply_legal_deadline(CALENDAR, extended, LegalDeadline.working_days(*GIL, 30))
    assert legal.extensions == extended.extensions
    assert legal.progress_report == extended.completion
    assert legal.original_completion == complaint().completion
    assert legal.completion == due_after(CALENDAR, date(2026, 9, 24), 30)


# ---------------------------------------------------------------- the value


def test_basis_and_period_in_chinese() -> None:
    legal = LegalDeadline.from_fields(law=" 《政府信息公开条例》 ", article="第三十三条",
                                      days="20", day_kind="工作日")
    assert (legal.law, legal.article, legal.days) == ("政府信息公开条例", "第三十三条", 20)
    assert legal.basis_zh == "《政府信息公开条例》第三十三条"
    assert legal.term_zh == "20个工作日"
    natural = LegalDeadline.from_fields(law="某办法", article="第五条", days=30,
                                        day_kind="calendar_days")
    assert natural.day_kind is LegalDayKind.CALENDAR_DAYS and natural.term_zh == "30日"
    fixed = LegalDeadline.from_fields(law="某条例", article="第九条", until="2027-03-31")
    assert fixed.until == date(2027, 3, 31) and fixed.term_zh == "2027-03-31前"


def test_the_basis_is_required_in_chinese() -> None:
    """第十七条(三) "另有规定的从其规定": which law, which article — both required."""
    problems = fields_problem(law="  ", article="", days=20, day_kind="工作日")
    assert problems == {"law": "请填写法定期限的法律法规规章名称",
                        "law_article": "请填写规定期限的条款（如“第三十三条”）"}
    assert set(fields_problem(law="《》", article="第一条", days=3,
                              day_kind="工作日")) == {"law"}
    with pytest.raises(DataFormatError) as caught:
        LegalDeadline("", "第三十三条", 20)
    assert caught.value.message_zh == "法定期限填写有误"


@pytest.mark.parametrize(("fields", "field", "part"), [
    ({}, "legal_days", "天数或截止日期"),
    ({"days": 20, "day_kind": "工作日", "until": "2027-03-31"}, "legal_due_date", "不能同时"),
    ({"days": 20}, "legal_day_kind", "工作日还是自然日"),
    ({"days": 20, "day_kind": "按月"}, "legal_day_kind", "工作日"),
    ({"days": 0, "day_kind": "工作日"}, "legal_days", "1至3650"),
    ({"days": 3651, "day_kind": "工作日"}, "legal_days", "1至3650"),
    ({"days": "二十", "day_kind": "工作日"}, "legal_days", "正整数"),
    ({"days": True, "day_kind": "工作日"}, "legal_days", "正整数"),
    ({"until": "2027-02-30"}, "legal_due_date", "应为日期"),
    ({"until": datetime(2027, 3, 31, tzinfo=UTC)}, "legal_due_date", "应为日期"),
])
def test_the_period_is_checked(fields: dict[str, object], field: str, part: str) -> None:
    problems = fields_problem(law="政府信息公开条例", article="第三十三条", **fields)
    assert part in problems[field], problems


# ---------------------------------------------------------------- properties

received_moments = st.datetimes(
    min_value=datetime(2004, 1, 2), max_value=datetime(2035, 6, 1), timezones=st.just(UTC))
legal_deadlines = st.one_of(
    st.builds(LegalDeadline.working_days, st.just(GIL[0]), st.just(GIL[1]),
              st.integers(1, 90)),
    st.builds(LegalDeadline.calendar_days, st.just("某办法"), st.just("第五条"),
              st.integers(1, 120)),
)


@given(received_moments, st.sampled_from(list(RequestType)), legal_deadlines)
def test_the_progress_report_is_never_due_after_the_completion(
        received: datetime, kind: RequestType, legal: LegalDeadline) -> None:
    """第十七条(三), whatever the day of receipt: the completion is the law's; a progress
    report is due at the regular 第十七条(一)(二) deadline exactly when that comes before the
    law's deadline, and otherwise (the law's period is not longer) none is due."""
    regular = ticket_deadlines(CALENDAR, received, kind)
    moved = apply_legal_deadline(CALENDAR, regular, legal)
    assert moved.completion == legal.due(CALENDAR, local_date(received))
    assert moved.completion.deadline > received
    if regular.completion.deadline < moved.completion.deadline:
        assert moved.progress_report == regular.completion
    else:
        assert moved.progress_report is None
    assert moved.progress_report is None or (
        moved.progress_report.deadline < moved.completion.deadline)
    assert CALENDAR.is_workday(moved.completion.date)


@given(received_moments, st.sampled_from(list(RequestType)), legal_deadlines,
       st.lists(st.integers(0, 200 * 24), max_size=6))
def test_reports_keep_the_next_one_between_the_report_and_the_completion(
        received: datetime, kind: RequestType, legal: LegalDeadline, hours: list[int]) -> None:
    """Each report makes the next one due one regular limit after it, before the completion
    deadline, or none at all; it never moves the completion."""
    moved = apply_legal_deadline(CALENDAR, ticket_deadlines(CALENDAR, received, kind), legal)
    for offset in sorted(hours):
        reported_at = received + timedelta(hours=offset)
        if reported_at >= moved.completion.deadline:
            break  # completed (or overdue): a report then is not what is asked for
        after = report_progress(CALENDAR, moved, reported_at)
        assert after.completion == moved.completion
        due = after.progress_report
        if due is not None:
            assert reported_at < due.deadline < after.completion.deadline
            assert due == due_after(CALENDAR, local_date(reported_at),
                                    after.completion_limit_days)
        moved = after
