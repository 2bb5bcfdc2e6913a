"""The desk's API client against a real sync server process, and through a fault proxy.

Covers: protocol-version check, error translation into core.errors with Chinese
messages, reachability and clock-skew measurement, and that the token never reaches a
log (第三十四、三十五条 账号安全).
"""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from test_services_support import (
    DEMO_PASSWORD,
    FaultProxy,
    ServerProcess,
    desk_api,
    free_port,
    logged_in,
    run,
)

from hotline_desk.core.errors import AuthError, DataFormatError, NetworkError
from hotline_desk.core.protocol import (
    CodedError,
    ErrorCode,
    ForbiddenError,
    NotFoundError,
    ProtocolMismatchError,
    SeatHeartbeat,
    UnauthorizedError,
)
from hotline_desk.core.vocabulary import SeatState
from hotline_desk.services.api_client import ApiClient, Timeouts, normalise_server_url
from hotline_desk.services.clock import skew_warning


def test_health_and_clock_skew_against_real_server(shared_server: ServerProcess) -> None:
    """第三条: the centre's name comes from the server; the skew of a sane clock is small."""

    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            seen: list[bool] = []
            api.connectivity.add(seen.append)
            health = await api.health()
            assert health.centre == "合肥市12345政务服务便民热线"
            assert api.online is True and seen == [True]
            assert api.skew_seconds is not None and abs(api.skew_seconds) < 5
            assert not skew_warning(api.skew_seconds)

    run(main())


def test_a_desk_clock_ten_minutes_slow_is_measured(shared_server: ServerProcess) -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            api = ApiClient(shared_server.url, http, timeouts=Timeouts.uniform(3),
                            clock=lambda: time.time() - 600)
            readings: list[float] = []
            api.skew.add(readings.append)
            await api.health()
            assert readings and 590 < readings[-1] < 610
            assert skew_warning(readings[-1])

    run(main())


def test_login_errors_are_translated_with_chinese_messages(shared_server: ServerProcess) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            with pytest.raises(UnauthorizedError) as bad:
                await api.login("operator2", "wrong-password-1")
            assert bad.value.code is ErrorCode.BAD_CREDENTIALS
            assert bad.value.message_zh == "用户名或密码错误"
            with pytest.raises(DataFormatError) as empty:
                await api.login("", "")
            assert empty.value.message_zh == "请填写用户名和密码"
            with pytest.raises(AuthError) as anonymous:
                await api.me()
            assert anonymous.value.message_zh == "尚未登录，请先登录"

    run(main())


def test_role_not_found_and_validation_errors(shared_server: ServerProcess) -> None:
    """第三十四条: an operator may not read the team lead's seat board (403)."""

    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "operator1")
            with pytest.raises(ForbiddenError) as forbidden:
                await api.seat_board()
            assert forbidden.value.message_zh == "当前账号无权进行此操作"
            with pytest.raises(NotFoundError):
                await api.transfer(987654)
            with pytest.raises(DataFormatError) as invalid:
                await api.request("PUT", "/seats/me", json={"state": "dancing"})
            assert invalid.value.message_zh == "提交的内容不符合要求，请检查后重试"
            assert invalid.value.problems
            ack = await api.heartbeat(SeatHeartbeat(state=SeatState.READY))
            assert ack.seats_version >= 1

    run(main())


def test_revoked_token_is_reported_to_listeners(shared_server: ServerProcess) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "operator2")
            refused: list[UnauthorizedError] = []
            api.unauthorized.add(refused.append)
            await api.logout()
            with pytest.raises(UnauthorizedError) as gone:
                await api.me()
            assert gone.value.message_zh == "登录已失效，请重新登录"
            assert refused and refused[0] is gone.value

    run(main())


def test_server_down_is_a_network_error_and_goes_offline() -> None:
    async def main() -> None:
        async with desk_api(f"http://127.0.0.1:{free_port()}") as api:
            seen: list[bool] = []
            api.connectivity.add(seen.append)
            with pytest.raises(NetworkError) as down:
                await api.health()
            assert "无法连接同步服务器" in down.value.message_zh
            assert api.online is False and seen == [False]

    run(main())


@pytest.mark.parametrize(("mode", "error", "zh"), [
    ("reset", NetworkError, "无法连接同步服务器"),
    ("bad_gateway", NetworkError, "同步服务器暂时不可用"),
    ("error500", CodedError, "服务器内部错误"),
    ("stall", NetworkError, "响应超时"),
    ("bad_protocol", ProtocolMismatchError, "请升级座席工作台"),
])
def test_faults_between_desk_and_server(shared_server: ServerProcess, mode: str,
                                        error: type[Exception], zh: str) -> None:
    async def main() -> None:
        async with FaultProxy(shared_server.port) as proxy, \
                desk_api(proxy.url, timeouts=Timeouts.uniform(0.5)) as api:
            await api.health()  # passes while the proxy passes
            proxy.mode = mode
            with pytest.raises(error) as caught:
                await api.health()
            assert zh in caught.value.message_zh  # type: ignore[attr-defined]
            proxy.mode = "pass"
            await api.health()
            assert api.online is True

    run(main())


def test_the_token_never_reaches_a_log(shared_server: ServerProcess,
                                       caplog: pytest.LogCaptureFixture) -> None:
    """第三十五条 账号安全: the bearer token is not logged and not in repr()."""
    caplog.set_level(logging.DEBUG)

    async def main() -> str:
        async with desk_api(shared_server.url) as api:
            answer = await api.login("operator1", DEMO_PASSWORD)
            api.set_token(answer.token)
            await api.me()
            await api.kb_changes(0, 5)
            assert answer.token not in repr(api)
            return answer.token

    token = run(main())
    assert token not in caplog.text
    assert "Bearer" not in caplog.text


def test_server_url_is_normalised_and_checked() -> None:
    assert normalise_server_url(" HTTP://Hotline.Example:8787/ ") == "http://hotline.example:8787"
    with pytest.raises(DataFormatError) as bad:
        normalise_server_url("hotline.example:8787")
    assert "服务器地址不正确" in bad.value.message_zh
