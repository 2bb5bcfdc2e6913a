"""A server started after ``calendar load`` recomputes the open tickets' stored deadlines
(第十七条 completion limits in working days; the app's lifespan runs
``storage.server.tickets_recalendar.at_start`` next to the warm-up), both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from tickets_api_kit import Api, make_app, new_op, ticket

from hotline_desk.core.vocabulary import Role
from hotline_desk.paths import resource
from hotline_desk.server.app import create_app
from hotline_desk.server.settings import ServerSettings
from hotline_desk.storage.db import close_database
from hotline_desk.storage.holiday_files import install_holiday_file
from hotline_desk.storage.server.passwords import cheapest_hasher


def _read(api: Api, number: str) -> dict:
    response = api.client.get(f"/api/v1/tickets/{number}", headers=api.headers(Role.TEAM_LEAD))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_restarted_server_recomputes_the_open_deadlines(server_database_url, clock,
                                                          tmp_path):
    """A complaint of Mon 2027-02-01 is due 02-19 on the provisional calendar; after the
    admin installs the 2027 file and the server restarts, it is due 02-22, and the ticket's
    history says why."""
    clock.now = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
    app = make_app(server_database_url, clock, tmp_path)
    try:
        with TestClient(app) as client:
            api = Api(client=client, app=app, tokens={})
            api.log_in()
            (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
            number = created["server_no"]
            before = _read(api, number)["deadlines"]
            assert (before["completion_due"], before["provisional"]) == ("2027-02-19", True)
            install_holiday_file(resource("calendar", "example-2027.json"), tmp_path)
    finally:
        close_database(app.state.context.db)

    restarted = create_app(ServerSettings(database_url=server_database_url, clock=clock,
                                          password_hasher=cheapest_hasher(),
                                          data_dir=tmp_path))
    try:
        with TestClient(restarted) as client:  # runs the lifespan: the start-up step
            api = Api(client=client, app=restarted, tokens={})
            api.log_in()
            shown = _read(api, number)
            assert shown["deadlines"]["completion_due"] == "2027-02-22"
            assert not shown["deadlines"]["provisional"]
            assert shown["deadlines"]["calendar_source"] == "admin_file"
            recorded = shown["events"][-1]
            assert recorded["event"] == "deadlines_recomputed"
            assert "2027-02-19 → 2027-02-22" in recorded["note"]
    finally:
        close_database(restarted.state.context.db)


def test_a_running_server_recomputes_the_open_deadlines_within_its_minute_job(
        server_database_url, clock, tmp_path):
    """No restart needed: the calendar source notices the installed file at its next
    check and the minute job (scheduler.run_overdue_check) recomputes the open tickets'
    deadlines before it looks for overdue ones (第十七条, 第二十条(二))."""
    from hotline_desk.server import scheduler
    from hotline_desk.server.ticket_calendar import calendar_source
    from hotline_desk.storage.server.tickets_calendar import CalendarSource

    clock.now = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
    app = make_app(server_database_url, clock, tmp_path)
    ticks = [0.0]
    app.state.ticket_calendar = CalendarSource(tmp_path, monotonic=lambda: ticks[0])
    try:
        client = TestClient(app)  # no lifespan: the minute job is run by hand below
        api = Api(client=client, app=app, tokens={})
        api.log_in()
        (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
        number = created["server_no"]
        assert _read(api, number)["deadlines"]["completion_due"] == "2027-02-19"
        context = app.state.context
        scheduler.run_overdue_check(app, context)
        assert _read(api, number)["deadlines"]["completion_due"] == "2027-02-19"

        install_holiday_file(resource("calendar", "example-2027.json"), tmp_path)
        scheduler.run_overdue_check(app, context)  # the source has not looked again yet
        assert _read(api, number)["deadlines"]["completion_due"] == "2027-02-19"
        ticks[0] += 61  # a minute later the source sees the new file
        assert calendar_source(app, context).calendar().source_for_year(2027).value \
            == "admin_file"
        scheduler.run_overdue_check(app, context)
        shown = _read(api, number)
        assert shown["deadlines"]["completion_due"] == "2027-02-22"
        assert shown["events"][-1]["event"] == "deadlines_recomputed"
    finally:
        close_database(app.state.context.db)
