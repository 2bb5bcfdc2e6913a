"""Open tickets' stored deadlines follow a newly installed holiday file (第十七条 completion
limits in working days, 第十八条 extensions kept, 第十五–十六条 first contact and return,
第二十条(二) overdue re-evaluated, 第二十四条 key/general tickets counted on time), both
backends, with the real admin file format (``resources/calendar/example-2027.json``).

The example file differs from the statutory fallback (暂定) for 2027 in the 春节 break:
02-11 and 02-12 are days off, 01-31 (Sunday) and 02-20 (Saturday) are worked.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tickets_kit import CALENDAR, applied, create, event, row

from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.paths import resource
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.holiday_files import build_calendar, install_holiday_file
from hotline_desk.storage.server import audit, counters, tickets_feed, tickets_overdue
from hotline_desk.storage.server.tickets_models import TICKET_VERSION, TicketEventRow, TicketRow
from hotline_desk.storage.server.tickets_recalendar import (
    AUDIT_ACTION,
    EVENT,
    recompute_open,
)
from hotline_desk.storage.server.tickets_views import event_out

UNIT = "合肥市城市管理局"
CONTACT = {"unit_contact": "城管局 0551-62345678"}
PROVISIONAL = CALENDAR  # no holiday file: 2027 on the statutory fallback
MONDAY_FEB_1 = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def installed(tmp_path: Path) -> WorkCalendar:
    """The calendar of a server whose admin ran ``calendar load`` with the 2027 file."""
    install_holiday_file(resource("calendar", "example-2027.json"), tmp_path)
    calendar = build_calendar(tmp_path)
    assert calendar.source_for_year(2027).value == "admin_file"
    return calendar


@pytest.fixture
def people(make_actor):
    return (make_actor("op1", Role.OPERATOR), make_actor("unit1", Role.UNIT_HANDLER, UNIT),
            make_actor("lead1", Role.TEAM_LEAD))


def _version(db) -> int:
    with read_transaction(db):
        return counters.read(db, TICKET_VERSION)


def _events(db, ticket_no: str) -> list[TicketEventRow]:
    stored = row(db, ticket_no)
    with read_transaction(db):
        return list(TicketEventRow.select().where(TicketEventRow.ticket_id == stored.id)
                    .order_by(TicketEventRow.id).execute(db))


def _audited(db) -> list[str]:
    with read_transaction(db):
        return [item.object_id for item in audit.page(db, action=AUDIT_ACTION).items]


def test_a_provisional_completion_deadline_follows_the_installed_file(db, people, installed):
    """第十七条: a complaint received Mon 2027-02-01 is due in 10 working days. Counted on the
    fallback (02-11/12 worked) it is due 02-19 (暂定); with the installed file (02-11/12 off,
    Sat 02-20 worked) it is due 02-22. The move is in the ticket's history and the audit
    log, and the desks see it in the change feed."""
    operator, _, lead = people
    number = create(db, operator, now=MONDAY_FEB_1)
    before = row(db, number)
    assert (before.completion_due, before.deadlines_provisional) == (date(2027, 2, 19), True)
    assert before.calendar_fingerprint.startswith("2027:statutory_fallback:")  # at dispatch
    cursor = _version(db)

    report = recompute_open(db, installed, now=MONDAY_FEB_1)

    assert report.moved == [number] and report.failed == []
    after = row(db, number)
    assert after.completion_due == date(2027, 2, 22)
    assert after.completion_deadline == datetime(2027, 2, 22, 16, 0, tzinfo=UTC)  # 24:00 CST
    assert (after.first_contact_due, after.return_due) == (date(2027, 2, 2), date(2027, 2, 3))
    assert not after.deadlines_provisional and after.calendar_source == "admin_file"
    assert after.calendar_fingerprint.startswith("2027:admin_file:")
    assert (after.state, after.version) == (before.state, before.version)  # not a move
    assert after.change_version > cursor
    with read_transaction(db):
        feed = tickets_feed.changes(db, lead, cursor, 50, now=MONDAY_FEB_1)
    assert [(t.ticket_no, t.deadlines.completion_due) for t in feed.items] == [
        (number, date(2027, 2, 22))]
    assert not feed.items[0].deadlines.provisional

    recorded = _events(db, number)[-1]
    assert (recorded.event, recorded.from_state, recorded.to_state) == (
        EVENT, TicketState.DISPATCHED.value, TicketState.DISPATCHED.value)
    assert recorded.details["before"]["completion_due"] == "2027-02-19"
    assert recorded.details["after"]["completion_due"] == "2027-02-22"
    note = event_out(recorded).note  # what the team lead reads in the history
    assert "办结时限（第十七条） 2027-02-19 → 2027-02-22" in note
    assert "按《全国年节及纪念日放假办法》推算（暂定） → 管理员导入的节假日文件" in note
    assert "首次联系" not in note  # only what moved is listed
    assert _audited(db) == [number]


def test_a_source_only_change_clears_the_provisional_flag(db, people, installed):
    """第十七条: a ticket of 2026-12-28 is due 2027-01-12 on both calendars, but it is no
    longer 暂定 once the 2027 notice is installed: the desks must stop showing it so."""
    operator, _, _ = people
    number = create(db, operator, now=datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    assert row(db, number).deadlines_provisional
    report = recompute_open(db, installed, now=datetime(2026, 12, 28, 3, 0, tzinfo=UTC))
    assert report.moved == [number]
    after = row(db, number)
    assert after.completion_due == date(2027, 1, 12) and not after.deadlines_provisional
    assert after.calendar_fingerprint.split(",")[0].startswith("2026:official:")
    note = event_out(_events(db, number)[-1]).note
    assert "依据" in note and "办结时限" not in note


def test_a_closed_ticket_keeps_its_deadline(db, people, installed):
    """第十七条/第二十七条: a completed ticket was judged on time against the deadline it had;
    a later calendar does not rewrite its record."""
    operator, unit, _ = people
    number = create(db, operator, now=MONDAY_FEB_1)
    applied(db, unit, event(number, "contact", **CONTACT), now=MONDAY_FEB_1)
    applied(db, unit, event(number, "complete", reply="已修复", approver="王局长"),
            now=MONDAY_FEB_1)
    before = row(db, number)
    cursor = _version(db)
    report = recompute_open(db, installed, now=MONDAY_FEB_1)
    assert report.moved == [] and report.refreshed == 0
    after = row(db, number)
    assert after.state == TicketState.COMPLETED.value
    assert (after.completion_due, after.deadlines_provisional) == (date(2027, 2, 19), True)
    assert after.calendar_fingerprint == before.calendar_fingerprint
    assert after.completed_on_time is True
    assert after.change_version == before.change_version and _version(db) == cursor
    assert [e.event for e in _events(db, number)][-1] == "complete"


def test_an_extended_ticket_keeps_its_extension(db, people, installed):
    """第十八条: an approved extension of 5 working days (applied 02-10) is replayed from its
    own inputs on the new calendar: 5 working days after the new first deadline (02-22),
    i.e. 03-01 instead of 02-26; the extension record is kept."""
    operator, unit, lead = people
    number = create(db, operator, now=MONDAY_FEB_1)
    applied(db, unit, event(number, "contact", **CONTACT), now=MONDAY_FEB_1)
    feb_10 = datetime(2027, 2, 10, 2, 0, tzinfo=UTC)
    applied(db, unit, event(number, "request_extension", reason="需协调供电公司", days=5),
            now=feb_10)
    applied(db, lead, event(number, "approve_extension"), now=feb_10)
    before = row(db, number)
    assert before.completion_due == date(2027, 2, 26)

    report = recompute_open(db, installed, now=feb_10)

    assert report.moved == [number]
    after = row(db, number)
    assert after.completion_due == date(2027, 3, 1)
    assert after.state == TicketState.CONTACTED.value
    (extension,) = after.extensions
    assert extension == {**before.extensions[0], "previous_due": "2027-02-22",
                         "new_due": "2027-03-01"}
    assert extension["days"] == 5 and extension["reason"] == "需协调供电公司"
    assert "已批准的1次延期保留（第十八条）" in event_out(_events(db, number)[-1]).note


def test_an_extension_the_new_calendar_would_refuse_stays_granted(db, people, installed):
    """第十八条: a consultation of Thu 2027-01-28 was due 02-02 (3 working days); its unit
    applied on 02-02 for 3 more days, granted. The file makes Sun 01-31 a working day, so
    the first deadline moves to 02-01 — before the application. The extension was granted
    all the same: it stays, as 3 working days after the new deadline (02-04)."""
    operator, unit, lead = people
    number = create(db, operator, now=datetime(2027, 1, 28, 2, 0, tzinfo=UTC),
                    request_type="consultation")
    applied(db, unit, event(number, "contact", **CONTACT), now=datetime(2027, 1, 29, 2, 0,
                                                                         tzinfo=UTC))
    feb_2 = datetime(2027, 2, 2, 2, 0, tzinfo=UTC)
    applied(db, unit, event(number, "request_extension", reason="需查阅档案", days=3),
            now=feb_2)
    applied(db, lead, event(number, "approve_extension"), now=feb_2)
    assert row(db, number).completion_due == date(2027, 2, 11)  # 02-05…02-10 off (暂定)

    report = recompute_open(db, installed, now=feb_2)

    assert report.moved == [number]
    after = row(db, number)
    assert (after.return_due, after.completion_due) == (date(2027, 1, 31), date(2027, 2, 4))
    (extension,) = after.extensions
    assert (extension["previous_due"], extension["new_due"]) == ("2027-02-01", "2027-02-04")
    assert not after.overdue


def test_overdue_is_re_evaluated_both_ways(db, people, installed):
    """第二十条(二): a ticket flagged overdue on 02-20 against the provisional 02-19 is no
    longer overdue when its deadline becomes 02-22; a ticket of Fri 01-29 not yet contacted
    becomes overdue on Mon 02-01 when Sun 01-31 turns out to be its first-contact day
    (第十五条)."""
    operator, unit, _ = people
    late = create(db, operator, now=MONDAY_FEB_1)
    applied(db, unit, event(late, "contact", **CONTACT), now=MONDAY_FEB_1)
    feb_20 = datetime(2027, 2, 19, 16, 30, tzinfo=UTC)  # 00:30 on 02-20 in Shanghai
    assert tickets_overdue.detect(db, now=feb_20, calendar=PROVISIONAL) == 1
    assert [t["code"] for t in row(db, late).supervision] == ["overdue"]

    recompute_open(db, installed, now=feb_20)
    cleared = row(db, late)
    assert not cleared.overdue and cleared.overdue_since is None
    assert cleared.supervision == [] and not cleared.supervised
    assert "不再逾期" in event_out(_events(db, late)[-1]).note

    silent = create(db, operator, now=datetime(2027, 1, 29, 2, 0, tzinfo=UTC), topic="另一件")
    assert row(db, silent).first_contact_due == date(2027, 2, 1)
    monday = datetime(2027, 2, 1, 3, 0, tzinfo=UTC)  # 11:00 on 02-01 in Shanghai
    report = recompute_open(db, installed, now=monday)
    assert report.moved == [silent]
    flagged = row(db, silent)
    assert flagged.first_contact_due == date(2027, 1, 31)
    assert flagged.overdue and flagged.overdue_since == monday
    assert [t["code"] for t in flagged.supervision] == ["overdue"]
    assert "已逾期" in event_out(_events(db, silent)[-1]).note


def test_running_it_twice_changes_nothing_the_second_time(db, people, installed):
    """Idempotent: the second pass with the same calendar finds every ticket current — no
    deadline, version, event or audit record changes, and no ticket version is taken."""
    operator, _, _ = people
    numbers = [create(db, operator, now=MONDAY_FEB_1, topic=f"事项{i}") for i in range(3)]
    first = recompute_open(db, installed, now=MONDAY_FEB_1, batch=2)  # two batches
    assert sorted(first.moved) == sorted(numbers)
    rows = {number: row(db, number) for number in numbers}
    events = sum(len(_events(db, number)) for number in numbers)
    cursor = _version(db)

    second = recompute_open(db, installed, now=MONDAY_FEB_1)

    assert (second.moved, second.refreshed, second.failed) == ([], 0, [])
    assert _version(db) == cursor
    assert sum(len(_events(db, number)) for number in numbers) == events
    assert sorted(_audited(db)) == sorted(numbers)
    for number, stored in rows.items():
        again = row(db, number)
        assert (again.completion_due, again.change_version, again.calendar_fingerprint) == (
            stored.completion_due, stored.change_version, stored.calendar_fingerprint)


def test_the_same_calendar_only_records_the_fingerprint(db, people):
    """Tickets whose deadlines were counted before the fingerprint existed (NULL) are
    checked once: unchanged deadlines get their fingerprint quietly — no event, no new
    change version (nothing a desk shows changed)."""
    operator, _, _ = people
    number = create(db, operator, now=MONDAY_FEB_1)
    dispatched = row(db, number).calendar_fingerprint  # recorded at dispatch: nothing to do
    assert recompute_open(db, PROVISIONAL, now=MONDAY_FEB_1).refreshed == 0
    with write_transaction(db):  # as a ticket dispatched before migration 3 was
        TicketRow.update(calendar_fingerprint=None).where(
            TicketRow.ticket_no == number).execute(db)
    before = row(db, number)
    cursor = _version(db)
    report = recompute_open(db, PROVISIONAL, now=MONDAY_FEB_1)
    assert (report.moved, report.refreshed) == ([], 1)
    assert row(db, number).calendar_fingerprint == dispatched
    after = row(db, number)
    assert after.calendar_fingerprint.startswith("2027:statutory_fallback:")
    assert after.change_version == before.change_version
    assert _version(db) == cursor + 1  # the write lock's version, unused
    assert [e.event for e in _events(db, number)] == ["record", "dispatch"]
    assert _audited(db) == []


def test_a_process_without_the_file_leaves_the_deadlines_alone(db, people, installed):
    """A server process whose data folder lacks the holiday file another process used must
    not move the deadlines back to the provisional ones (第十七条 deadlines would flip)."""
    operator, _, _ = people
    number = create(db, operator, now=MONDAY_FEB_1)
    recompute_open(db, installed, now=MONDAY_FEB_1)
    cursor = _version(db)
    report = recompute_open(db, PROVISIONAL, now=MONDAY_FEB_1)
    assert (report.moved, report.kept_weaker) == ([], 1)
    assert row(db, number).completion_due == date(2027, 2, 22) and _version(db) == cursor


def test_a_changed_file_is_followed_again(db, people, installed, tmp_path):
    """An admin who corrects the installed file (here: 02-19 made a day off) gets the
    deadlines recomputed once more, from the same inputs."""
    operator, _, _ = people
    number = create(db, operator, now=MONDAY_FEB_1)
    recompute_open(db, installed, now=MONDAY_FEB_1)
    text = resource("calendar", "example-2027.json").read_text(encoding="utf-8").replace(
        '{"date": "2027-02-12", "name": "春节"},',
        '{"date": "2027-02-12", "name": "春节"},\n    {"date": "2027-02-19", "name": "春节"},')
    corrected = tmp_path / "corrected.json"
    corrected.write_text(text, encoding="utf-8")
    install_holiday_file(corrected, tmp_path)
    report = recompute_open(db, build_calendar(tmp_path), now=MONDAY_FEB_1)
    assert report.moved == [number]
    assert row(db, number).completion_due == date(2027, 2, 23)


def test_tickets_not_with_a_unit_are_not_touched(db, people, installed):
    """Only tickets in a handling state have running deadlines: a ticket awaiting dispatch
    and a returned one (第十六条) have none to move."""
    operator, unit, lead = people
    pending = create(db, operator, now=MONDAY_FEB_1, purpose="record", topic="待转办")
    returned = create(db, operator, now=MONDAY_FEB_1, topic="退回")
    applied(db, unit, event(returned, "request_return", reason="不属本单位职责",
                            policy_basis="《三定方案》"), now=MONDAY_FEB_1)
    applied(db, lead, event(returned, "approve_return"), now=MONDAY_FEB_1)
    cursor = _version(db)
    report = recompute_open(db, installed, now=MONDAY_FEB_1)
    assert (report.moved, report.refreshed) == ([], 0) and _version(db) == cursor
    assert row(db, pending).completion_due is None and row(db, returned).completion_due is None


def test_several_processes_recompute_each_ticket_once(backend, server_database_url,
                                                      make_actor, installed):
    """Three "server processes" (own connection pools) start at once with the new file:
    each ticket is recomputed exactly once (one event, one audit record)."""
    operator = make_actor("op1", Role.OPERATOR)
    databases = [open_database(server_database_url, pool_size=2) for _ in range(3)]
    numbers = [create(databases[0], operator, now=MONDAY_FEB_1, topic=f"事项{i}")
               for i in range(7)]
    moved: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(databases))

    def run(database) -> None:
        try:
            start.wait()
            moved.extend(recompute_open(database, installed, now=MONDAY_FEB_1, batch=3).moved)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(database,)) for database in databases]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        recorded = _audited(databases[0])
        events = [e.event for number in numbers for e in _events(databases[0], number)]
        dues = {row(databases[0], number).completion_due for number in numbers}
    finally:
        for database in databases:
            close_database(database)
    assert errors == []
    assert sorted(moved) == sorted(numbers) == sorted(recorded)
    assert events.count(EVENT) == len(numbers)
    assert dues == {date(2027, 2, 22)}


def test_the_migration_adds_the_fingerprint_column(db):
    """The schema (migration 3) has the column the model declares."""
    with read_transaction(db):
        columns = {column.name for column in db.get_columns("tickets")}
        indexes = {index.name for index in db.get_indexes("tickets")}
    assert "calendar_fingerprint" in columns and "tickets_calendar" in indexes

