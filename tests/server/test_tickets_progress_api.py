"""The requester's progress query over HTTP (第十九条): when guessing is throttled, the
429 carries its own code and Chinese message, not the login throttle's."""

from __future__ import annotations

from tickets_api_kit import PHONE, api, new_op, ticket

from hotline_desk.core.protocol import ErrorCode, message_zh_for
from hotline_desk.core.vocabulary import Role
from hotline_desk.services.api_client import error_from_response

__all__ = ["api"]  # the fixture, imported for pytest


def test_a_throttled_progress_query_says_so_not_that_logins_failed(api):
    """第十九条: the requester is told the queries failed too often (查询失败次数过多),
    and a client shows that text, never the login message (登录失败次数过多)."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    for _ in range(5):  # the login policy's limit per number is 5 failures
        wrong = api.client.post("/api/v1/progress",
                                json={"ticket_no": number, "phone": "13912345678"})
        assert wrong.status_code == 404
    throttled = api.client.post("/api/v1/progress", json={"ticket_no": number, "phone": PHONE})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert throttled.json()["code"] == "progress_throttled"
    assert message_zh_for(throttled.json()["code"]) == "查询失败次数过多，请稍后再试"
    shown = error_from_response(throttled)  # what the desk's client makes of the answer
    assert shown.message_zh == "查询失败次数过多，请稍后再试"
    assert "登录" not in shown.message_zh
    assert ErrorCode.PROGRESS_THROTTLED.label != ErrorCode.LOGIN_THROTTLED.label
