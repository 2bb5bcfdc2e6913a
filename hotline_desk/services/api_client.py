"""The desk's client of the sync server: one method per endpoint the desk uses.

One :class:`httpx.AsyncClient` serves the whole desk; the composition root creates it
(:func:`new_http_client` gives one with the desk's explicit timeouts and limits) and
passes it in. Every request also passes its timeout explicitly, so a client built
elsewhere cannot make the desk wait forever.

What this module guarantees to the services above it:

* the bearer token is sent on every authenticated request and never logged
  (``repr`` hides it);
* every answer's protocol header is checked (``core.protocol.check_protocol_version``):
  a server of another protocol version is refused with a Chinese message;
* every failure is a :class:`~hotline_desk.core.errors.HotlineError`:
  transport failures and timeouts → :class:`NetworkError`; an error body → the
  protocol's :class:`CodedError` subclass for its code (401 → ``UnauthorizedError``,
  403 → ``ForbiddenError``, 404 → ``NotFoundError``, 409 → ``ConflictError`` /
  ``RefusedError``, 410 → ``ResetRequiredError``, 429 → ``ThrottledError``,
  503 → ``BusyError``), validation errors → :class:`DataFormatError` with the
  server's problems; a 5xx without the protocol header (a proxy or load balancer
  answering for a dead server) → :class:`NetworkError`;
* reachability: :attr:`ApiClient.online` and :attr:`ApiClient.connectivity`
  listeners, updated by every request (an answer of the sync server, even an error,
  means online; a transport failure means offline);
* the clock skew against the server (:mod:`hotline_desk.services.clock`), measured
  on every answer carrying the server time; :attr:`ApiClient.skew` listeners.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from hotline_desk import __version__
from hotline_desk.core.errors import AuthError, DataFormatError, HotlineError, NetworkError
from hotline_desk.core.protocol import (
    API_PREFIX,
    PROTOCOL_HEADER,
    AccountOut,
    BusyError,
    CallerHistory,
    CallerHistoryRequest,
    CodedError,
    ConflictError,
    DayFigures,
    ErrorBody,
    ErrorCode,
    ForbiddenError,
    HealthOut,
    HeartbeatAck,
    KBChangesPage,
    LoginRequest,
    LoginResponse,
    NotFoundError,
    ProtocolMismatchError,
    PushOp,
    PushRequest,
    PushResponse,
    RefusedError,
    ResetRequiredError,
    RisingTopics,
    SeatBoard,
    SeatHeartbeat,
    ThrottledError,
    TicketChangesPage,
    TicketList,
    TicketOut,
    TransferComplete,
    TransferCreate,
    TransferList,
    TransferOut,
    TransferStatus,
    UnauthorizedError,
    UnitFigures,
    check_protocol_version,
    message_zh_for,
)
from hotline_desk.services.clock import measure_skew
from hotline_desk.services.listeners import Listeners

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

#: Ordinary requests: a server that has not answered in 15 s is treated as down.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=15.0, pool=5.0)
#: Batch pushes and feed pages carry more data; the server applies a batch item by item.
BULK_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
#: Heartbeats are small and frequent: fail fast so the seat state is not held up.
HEARTBEAT_TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)



@dataclass(frozen=True, slots=True)
class Timeouts:
    """The explicit timeouts of each kind of request."""

    default: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    bulk: httpx.Timeout = field(default_factory=lambda: BULK_TIMEOUT)
    heartbeat: httpx.Timeout = field(default_factory=lambda: HEARTBEAT_TIMEOUT)

    @classmethod
    def uniform(cls, seconds: float) -> Timeouts:
        """Every request with the same limit (tests, slow links)."""
        limit = httpx.Timeout(seconds)
        return cls(default=limit, bulk=limit, heartbeat=limit)


_NETWORK_ZH = "无法连接同步服务器，已保存的内容会在恢复连接后自动上传"
_TIMEOUT_ZH = "同步服务器响应超时，已保存的内容会在恢复连接后自动上传"

_CLASS_BY_CODE: dict[ErrorCode, type[CodedError]] = {
    ErrorCode.BAD_CREDENTIALS: UnauthorizedError,
    ErrorCode.ACCOUNT_DISABLED: UnauthorizedError,
    ErrorCode.TOKEN_INVALID: UnauthorizedError,
    ErrorCode.LOGIN_THROTTLED: ThrottledError,
    ErrorCode.PROGRESS_THROTTLED: ThrottledError,
    ErrorCode.FORBIDDEN: ForbiddenError,
    ErrorCode.NOT_FOUND: NotFoundError,
    ErrorCode.VERSION_CONFLICT: ConflictError,
    ErrorCode.TRANSFER_TAKEN: ConflictError,
    ErrorCode.USERNAME_TAKEN: ConflictError,
    ErrorCode.ENTRY_EXISTS: ConflictError,
    ErrorCode.KB_RESET_REQUIRED: ResetRequiredError,
    ErrorCode.DATABASE_BUSY: BusyError,
    ErrorCode.PROTOCOL_MISMATCH: ProtocolMismatchError,
    ErrorCode.WEAK_PASSWORD: RefusedError,
    ErrorCode.WRONG_PASSWORD: RefusedError,
    ErrorCode.RULE_VIOLATION: RefusedError,
    ErrorCode.SELF_LOCKOUT: RefusedError,
    ErrorCode.FOUR_EYES: RefusedError,
    ErrorCode.INVALID_TRANSITION: RefusedError,
    ErrorCode.METHOD_NOT_ALLOWED: RefusedError,
}


def new_http_client(**overrides: Any) -> httpx.AsyncClient:
    """The desk's one shared HTTP client (built once, in the composition root)."""
    options: dict[str, Any] = {
        "timeout": DEFAULT_TIMEOUT,
        "limits": httpx.Limits(max_connections=8, max_keepalive_connections=4,
                               keepalive_expiry=30.0),
        "headers": {"User-Agent": f"HotlineDesk/{__version__}"},
    }
    options.update(overrides)
    return httpx.AsyncClient(**options)


def normalise_server_url(url: str) -> str:
    """``http(s)://host[:port][/path]`` without a trailing slash; DataFormatError otherwise."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise DataFormatError(f"server URL {text!r} is not an http(s) URL",
                              f"服务器地址不正确：{text or '（空）'}，应形如 http://服务器:8787")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _retry_after(response: httpx.Response, body: ErrorBody | None) -> int | None:
    if body is not None and body.retry_after is not None:
        return body.retry_after
    header = response.headers.get("Retry-After", "")
    return int(header) if header.isdigit() else None


def error_from_response(response: httpx.Response) -> HotlineError:
    """The HotlineError for an error answer of the sync server."""
    body: ErrorBody | None
    try:
        body = ErrorBody.model_validate(response.json())
    except (ValueError, ValidationError):
        body = None
    status = response.status_code
    method = response.request.method if response.request is not None else "?"
    path = response.request.url.path if response.request is not None else "?"
    where = f"{method} {path} -> HTTP {status}"
    if body is None:
        if status >= 500:
            return NetworkError(f"{where} without an error body",
                                "同步服务器暂时不可用，请稍后重试")
        return DataFormatError(f"{where} with an unreadable error body",
                               "服务器返回了无法识别的错误")
    message = f"{where} ({body.code.value}): {body.message}"
    zh = message_zh_for(body.code.value)
    if body.code is ErrorCode.VALIDATION_ERROR:
        return DataFormatError(message, zh, problems=[(p.location, p.field, p.message)
                                                      for p in body.problems])
    cls = _CLASS_BY_CODE.get(body.code)
    if cls is None:
        if status == 401:
            cls = UnauthorizedError
        elif status == 403:
            cls = ForbiddenError
        elif status >= 500:
            cls = CodedError
        else:
            cls = RefusedError
    return cls(message, zh, code=body.code, retry_after=_retry_after(response, body),
               current_version=body.current_version)


def _server_time_of(response: httpx.Response, data: Any) -> datetime | None:
    if isinstance(data, Mapping):
        raw = data.get("server_time")
        if isinstance(raw, str):
            try:
                moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                return moment
    header = response.headers.get("Date")
    if header:
        try:
            moment = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        return moment if moment.tzinfo is not None else None
    return None


class ApiClient:
    """Typed access to the sync server's endpoints (see the module docstring)."""

    def __init__(self, base_url: str, http: httpx.AsyncClient, *,
                 timeouts: Timeouts | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._base_url = normalise_server_url(base_url)
        self.timeouts = timeouts or Timeouts()
        self._http = http
        self._clock = clock
        self._token: str | None = None
        self.online: bool | None = None
        self.skew_seconds: float | None = None
        self.connectivity: Listeners[bool] = Listeners()
        self.skew: Listeners[float] = Listeners()
        self.unauthorized: Listeners[UnauthorizedError] = Listeners()

    def __repr__(self) -> str:
        state = "token set" if self._token else "no token"
        return f"<ApiClient {self._base_url} ({state})>"

    # ----------------------------------------------------------------- configuration

    @property
    def base_url(self) -> str:
        return self._base_url

    def set_base_url(self, url: str) -> None:
        self._base_url = normalise_server_url(url)

    @property
    def has_token(self) -> bool:
        return self._token is not None

    def set_token(self, token: str | None) -> None:
        self._token = token or None

    # ---------------------------------------------------------------------- plumbing

    def _set_online(self, online: bool) -> None:
        if self.online is online:
            return
        self.online = online
        log.info("sync server %s is %s", self._base_url, "reachable" if online else "unreachable")
        self.connectivity.notify(online)

    def _observe_time(self, response: httpx.Response, data: Any, sent: float,
                      received: float) -> None:
        moment = _server_time_of(response, data)
        if moment is None:
            return
        self.skew_seconds = measure_skew(moment, sent, received)
        self.skew.notify(self.skew_seconds)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        auth: bool = True,
        timeout: httpx.Timeout | None = None,
    ) -> Any:
        """Send one request to ``API_PREFIX + path``; the decoded JSON body (None if empty)."""
        headers: dict[str, str] = {"Accept": "application/json"}
        if auth:
            if self._token is None:
                raise AuthError(f"{method} {path} needs a login", "尚未登录，请先登录")
            headers["Authorization"] = f"Bearer {self._token}"
        url = f"{self._base_url}{API_PREFIX}{path}"
        sent = self._clock()
        try:
            response = await self._http.request(method, url, json=json, params=params,
                                                headers=headers,
                                                timeout=timeout or self.timeouts.default)
        except httpx.TimeoutException as exc:
            self._set_online(False)
            raise NetworkError(f"{method} {path}: timed out ({type(exc).__name__})",
                               _TIMEOUT_ZH) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise DataFormatError(f"bad server URL {self._base_url!r}: {exc}",
                                  f"服务器地址不正确：{self._base_url}") from exc
        except httpx.TransportError as exc:
            self._set_online(False)
            raise NetworkError(f"{method} {path}: {type(exc).__name__}: {exc}",
                               _NETWORK_ZH) from exc
        received = self._clock()
        status = response.status_code
        if status >= 500 and PROTOCOL_HEADER not in response.headers:
            # A proxy or load balancer speaking for a server that is down.
            self._set_online(False)
            raise NetworkError(f"{method} {path}: HTTP {status} from an intermediary",
                               "同步服务器暂时不可用，请稍后重试")
        check_protocol_version(response.headers.get(PROTOCOL_HEADER))
        self._set_online(True)
        if status >= 400:
            error = error_from_response(response)
            if isinstance(error, UnauthorizedError) and auth:
                self.unauthorized.notify(error)
            self._observe_time(response, None, sent, received)
            raise error
        if status == 204 or not response.content:
            self._observe_time(response, None, sent, received)
            return None
        try:
            data = response.json()
        except ValueError as exc:
            raise DataFormatError(f"{method} {path}: answer is not JSON",
                                  "服务器返回的数据格式不正确") from exc
        self._observe_time(response, data, sent, received)
        return data

    @staticmethod
    def parse(model: type[M], data: Any) -> M:
        """Validate an answer against its wire model (DataFormatError if it does not fit)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise DataFormatError(f"answer does not fit {model.__name__}: {exc}",
                                  "服务器返回的数据格式不正确") from exc

    async def _get(self, model: type[M], path: str, **kwargs: Any) -> M:
        return self.parse(model, await self.request("GET", path, **kwargs))

    async def _post(self, model: type[M], path: str, **kwargs: Any) -> M:
        return self.parse(model, await self.request("POST", path, **kwargs))

    # -------------------------------------------------------------------- endpoints

    async def health(self) -> HealthOut:
        """``GET /health`` (no login): versions, server time and the centre's name."""
        return await self._get(HealthOut, "/health", auth=False, timeout=self.timeouts.heartbeat)

    async def login(self, username: str, password: str) -> LoginResponse:
        """``POST /auth/login``. The caller keeps the token (keyring), not this client."""
        try:
            body = LoginRequest(username=username, password=password)
        except ValidationError as exc:
            raise DataFormatError(f"bad login request: {exc.error_count()} problems",
                                  "请填写用户名和密码") from exc
        return await self._post(LoginResponse, "/auth/login", auth=False,
                                json=body.model_dump(mode="json"))

    async def logout(self) -> None:
        await self.request("POST", "/auth/logout")

    async def me(self) -> AccountOut:
        return await self._get(AccountOut, "/auth/me")

    async def kb_changes(self, since: str, limit: int = 500) -> KBChangesPage:
        return await self._get(KBChangesPage, "/kb/changes",
                               params={"since": since, "limit": limit}, timeout=self.timeouts.bulk)

    async def heartbeat(self, beat: SeatHeartbeat) -> HeartbeatAck:
        data = await self.request("PUT", "/seats/me", json=beat.model_dump(mode="json"),
                                  timeout=self.timeouts.heartbeat)
        return self.parse(HeartbeatAck, data)

    async def seat_board(self, since: str | None = None, *,
                         changes_only: bool = False) -> SeatBoard:
        params: dict[str, Any] = {}
        if since:
            params["since"] = since
        if changes_only:
            params["changes"] = "only"
        return await self._get(SeatBoard, "/seats", params=params or None)

    async def create_transfer(self, body: TransferCreate) -> TransferOut:
        return await self._post(TransferOut, "/transfers", json=body.model_dump(mode="json"))

    async def transfers(self, status: TransferStatus | None = None, *, mine: bool = False,
                        limit: int = 200) -> TransferList:
        params: dict[str, Any] = {"limit": limit}
        if status is not None:
            params["status"] = status.value
        if mine:
            params["mine"] = "true"
        return await self._get(TransferList, "/transfers", params=params)

    async def transfer(self, transfer_id: int) -> TransferOut:
        return await self._get(TransferOut, f"/transfers/{int(transfer_id)}")

    async def accept_transfer(self, transfer_id: int) -> TransferOut:
        return await self._post(TransferOut, f"/transfers/{int(transfer_id)}/accept")

    async def complete_transfer(self, transfer_id: int, notes: str) -> TransferOut:
        try:
            body = TransferComplete(notes=notes)
        except ValidationError as exc:
            raise DataFormatError(f"bad completion notes: {exc.error_count()} problems",
                                  "请填写处理结果（不超过4000字）") from exc
        return await self._post(TransferOut, f"/transfers/{int(transfer_id)}/complete",
                                json=body.model_dump(mode="json"))

    async def cancel_transfer(self, transfer_id: int) -> TransferOut:
        return await self._post(TransferOut, f"/transfers/{int(transfer_id)}/cancel")

    # ---------------------------------------------------------------- tickets

    async def push(self, ops: list[PushOp]) -> PushResponse:
        """``POST /tickets/push``: a batch of outbox operations, answered item by item."""
        body = PushRequest(ops=ops)
        return await self._post(PushResponse, "/tickets/push",
                                json=body.model_dump(mode="json"), timeout=self.timeouts.bulk)

    async def ticket_changes(self, since: int, limit: int = 200) -> TicketChangesPage:
        return await self._get(TicketChangesPage, "/tickets/changes",
                               params={"since": since, "limit": limit}, timeout=self.timeouts.bulk)

    async def ticket(self, ticket_no: str, *, unmasked: bool = False) -> TicketOut:
        params = {"unmasked": "true"} if unmasked else None
        return await self._get(TicketOut, f"/tickets/{ticket_no}", params=params)

    async def caller_history(self, phone: str, limit: int = 50) -> CallerHistory:
        """The caller's earlier tickets (the number travels in the body, never the URL)."""
        try:
            body = CallerHistoryRequest(phone=phone, limit=limit)
        except ValidationError as exc:
            raise DataFormatError(f"bad caller-history request: {exc.error_count()} problems",
                                  "来电号码不正确，无法查询来电历史") from exc
        return await self._post(CallerHistory, "/tickets/history",
                                json=body.model_dump(mode="json"))

    async def overdue_tickets(self) -> TicketList:
        return await self._get(TicketList, "/tickets/overdue")

    async def supervised_tickets(self) -> TicketList:
        return await self._get(TicketList, "/tickets/supervised")

    # ---------------------------------------------------------------- figures

    async def day_figures(self, day: date | None = None) -> DayFigures:
        params = {"day": day.isoformat()} if day else None
        return await self._get(DayFigures, "/figures/day", params=params)

    async def unit_figures(self, start: date | None = None, end: date | None = None,
                           unit: str | None = None) -> UnitFigures:
        params: dict[str, Any] = {}
        if start:
            params["start"] = start.isoformat()
        if end:
            params["end"] = end.isoformat()
        if unit:
            params["unit"] = unit
        return await self._get(UnitFigures, "/figures/units", params=params or None)

    async def rising_topics(self, limit: int = 10) -> RisingTopics:
        return await self._get(RisingTopics, "/figures/rising-topics", params={"limit": limit})
