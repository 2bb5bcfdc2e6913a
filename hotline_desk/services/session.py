"""Login, resuming a session at start-up (also offline), and logout.

第三十四、三十五条 (authorised access, account security): the server's bearer token
lives only in the operating system's credential store (:mod:`.credentials`) — never
in the cache file, a log or an error message. The cache keeps the session's
*metadata* (who, which server, until when) so the desk can start offline: with the
metadata and the keyring token, :meth:`SessionService.resume` gives back the session,
marked ``offline`` when the server cannot be reached but the token has not expired.

Only the desk roles (operator, expert seat, team lead) may log in to the desk;
admins and handling units use the server's management endpoints, not the seat
workstation, and are told so in Chinese.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hotline_desk.core.errors import (
    CredentialStoreError,
    DataFormatError,
    HotlineError,
)
from hotline_desk.core.protocol import AccountOut, ForbiddenError, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.services.api_client import ApiClient, normalise_server_url
from hotline_desk.services.clock import china_now
from hotline_desk.services.credentials import CredentialStore
from hotline_desk.services.listeners import Listeners
from hotline_desk.storage.cache import LocalCache

log = logging.getLogger(__name__)

#: Name of the cache reference document holding the session metadata (no token).
SESSION_DOCUMENT = "desk_session"
DESK_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD})


@dataclass(frozen=True, slots=True)
class Session:
    """Who is logged in at this desk. Holds no token."""

    account_id: int
    username: str
    display_name: str
    role: Role
    server_url: str
    expires_at: datetime
    unit: str | None = None
    offline: bool = False

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def to_json(self) -> str:
        return json.dumps({
            "account_id": self.account_id, "username": self.username,
            "display_name": self.display_name, "role": self.role.value,
            "server_url": self.server_url, "expires_at": self.expires_at.isoformat(),
            "unit": self.unit,
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Session:
        try:
            data: dict[str, Any] = json.loads(text)
            expires = datetime.fromisoformat(str(data["expires_at"]))
            if expires.tzinfo is None:
                raise ValueError("naive expiry")
            return cls(account_id=int(data["account_id"]), username=str(data["username"]),
                       display_name=str(data["display_name"]),
                       role=Role.from_label(str(data["role"])),
                       server_url=normalise_server_url(str(data["server_url"])),
                       expires_at=expires,
                       unit=None if data.get("unit") is None else str(data["unit"]))
        except (KeyError, TypeError, ValueError, DataFormatError) as exc:
            raise DataFormatError(f"cached session unreadable: {exc}",
                                  "本地保存的登录信息已损坏，请重新登录") from exc


def _forget_document(cache: LocalCache) -> int:
    """Delete the session document (runs on the cache worker)."""
    db = cache.db
    db.check_thread()
    doc = db.models.RefDocument
    with db.atomic():
        return int(doc.delete().where(doc.name == SESSION_DOCUMENT).execute())


class SessionService:
    """Log in, resume and log out; ``current`` is the session or None."""

    def __init__(self, api: ApiClient, credentials: CredentialStore, cache: LocalCache, *,
                 clock: Callable[[], datetime] = china_now) -> None:
        self._api = api
        self._credentials = credentials
        self._cache = cache
        self._clock = clock
        self.current: Session | None = None
        self._listeners: Listeners[Session | None] = Listeners()
        api.connectivity.add(self._on_connectivity)
        api.unauthorized.add(self._on_unauthorized)
        self.expired_message_zh: str | None = None

    def add_listener(self, callback: Callable[[Session | None], object]) -> Callable[[], None]:
        return self._listeners.add(callback)

    def _set(self, session: Session | None) -> None:
        self.current = session
        self._listeners.notify(session)

    def _on_connectivity(self, online: bool) -> None:
        if self.current is not None and self.current.offline == online:
            self._set(replace(self.current, offline=not online))

    def _on_unauthorized(self, error: UnauthorizedError) -> None:
        if self.current is not None:
            self.expired_message_zh = error.message_zh
            log.warning("the server refused the session token: %s", error.message)

    @staticmethod
    def _session(account: AccountOut, server_url: str, expires_at: datetime,
                 offline: bool = False) -> Session:
        return Session(account_id=account.id, username=account.username,
                       display_name=account.display_name, role=account.role,
                       server_url=server_url, expires_at=expires_at, unit=account.unit,
                       offline=offline)

    async def login(self, server_url: str, username: str, password: str) -> Session:
        """Log in; the token goes to the keyring, the metadata to the cache."""
        self._api.set_base_url(server_url)
        self._api.set_token(None)
        answer = await self._api.login(username.strip(), password)
        if answer.account.role not in DESK_ROLES:
            self._api.set_token(answer.token)
            await self._best_effort_logout()
            role = answer.account.role
            raise ForbiddenError(f"role {role.value} may not use the seat workstation",
                                 f"{role.label}账号不能登录座席工作台，请使用话务员、专家座席或班长账号")
        url = self._api.base_url
        try:
            await self._credentials.asave_token(url, answer.account.username, answer.token)
        except HotlineError:
            # The token could not be kept safely: end it on the server rather than leave
            # a live session nobody can log out of.
            self._api.set_token(answer.token)
            await self._best_effort_logout()
            raise
        session = self._session(answer.account, url, answer.expires_at)
        await self._cache.run(self._cache.refdata.put_document, SESSION_DOCUMENT,
                              answer.expires_at.isoformat(), session.to_json())
        self._api.set_token(answer.token)
        self.expired_message_zh = None
        log.info("logged in as %s (%s) on %s", session.username, session.role.value, url)
        self._set(session)
        return session

    async def resume(self) -> Session | None:
        """The cached session if it is still usable (``offline`` when the server is down)."""
        document = await self._cache.run(self._cache.refdata.document, SESSION_DOCUMENT)
        if document is None:
            return None
        try:
            cached = Session.from_json(document.body)
        except DataFormatError:
            log.warning("cached session unreadable; a new login is needed")
            await self._cache.run(_forget_document, self._cache)
            return None
        if cached.expired(self._clock()):
            log.info("cached session of %s expired at %s", cached.username, cached.expires_at)
            await self._forget(cached)
            return None
        try:
            token = await self._credentials.aload_token(cached.server_url, cached.username)
        except CredentialStoreError:
            log.warning("keyring unavailable: cannot resume the session of %s", cached.username)
            raise
        if not token:
            await self._cache.run(_forget_document, self._cache)
            return None
        self._api.set_base_url(cached.server_url)
        self._api.set_token(token)
        try:
            account = await self._api.me()
        except (UnauthorizedError, ForbiddenError):
            log.info("the server no longer accepts the session of %s", cached.username)
            self._api.set_token(None)
            await self._forget(cached)
            return None
        except HotlineError as exc:
            log.info("resuming %s offline: %s", cached.username, exc.message)
            session = replace(cached, offline=True)
        else:
            session = self._session(account, cached.server_url, cached.expires_at)
        self._set(session)
        return session

    async def logout(self) -> None:
        """End the session: on the server (best effort), in the keyring and in the cache."""
        session = self.current
        if session is None:
            return
        await self._best_effort_logout()
        self._set(None)
        await self._forget(session)

    async def _best_effort_logout(self) -> None:
        try:
            await self._api.logout()
        except HotlineError as exc:
            log.info("server logout skipped: %s", exc.message)
        finally:
            self._api.set_token(None)

    async def _forget(self, session: Session) -> None:
        await self._cache.run(_forget_document, self._cache)
        try:
            await self._credentials.adelete_token(session.server_url, session.username)
        except CredentialStoreError as exc:
            log.warning("could not remove the token from the keyring: %s", exc.message)
            raise
