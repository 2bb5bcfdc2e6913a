"""Login, resume (online and offline) and logout against a real server
(第三十四条 授权访问, 第三十五条 账号安全: the token only in the keyring)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_services_support import (
    DEMO_PASSWORD,
    MemoryKeyring,
    ServerProcess,
    desk_api,
    run,
)

from hotline_desk.core.errors import CredentialStoreError
from hotline_desk.core.protocol import ForbiddenError, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.services.clock import china_now
from hotline_desk.services.credentials import CredentialStore, service_name
from hotline_desk.services.session import SESSION_DOCUMENT, Session, SessionService
from hotline_desk.storage.cache import LocalCache


def _files_under(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_login_keeps_token_in_keyring_only(shared_server: ServerProcess, cache: LocalCache,
                                           cache_dir: Path, keyring_backend: MemoryKeyring,
                                           credentials: CredentialStore) -> None:
    async def main() -> tuple[Session, str]:
        async with desk_api(shared_server.url) as api:
            service = SessionService(api, credentials, cache)
            seen: list[Session | None] = []
            service.add_listener(seen.append)
            session = await service.login(shared_server.url + "/", " operator1 ", DEMO_PASSWORD)
            assert service.current == session and seen == [session]
            assert session.role is Role.OPERATOR and session.display_name == "王晓梅"
            assert session.server_url == shared_server.url
            assert session.expires_at > china_now()
            assert not session.offline
            me = await api.me()  # the client now carries the token
            assert me.username == "operator1"
            token = keyring_backend.secrets[(service_name(shared_server.url), "operator1")]
            return session, token

    session, token = run(main())
    document = cache.call(cache.refdata.document, SESSION_DOCUMENT)
    assert document is not None and Session.from_json(document.body) == session
    cache.close(30)
    assert token.encode() not in _files_under(cache_dir)


def test_resume_online_offline_and_after_logout(demo_database: Path, own_server: ServerProcess,
                                                cache: LocalCache,
                                                credentials: CredentialStore,
                                                keyring_backend: MemoryKeyring) -> None:
    own_server.start()

    async def main() -> None:
        async with desk_api(own_server.url) as api:
            await SessionService(api, credentials, cache).login(own_server.url, "expert1",
                                                                DEMO_PASSWORD)
        # A new start of the desk: resume online.
        async with desk_api(own_server.url) as api:
            service = SessionService(api, credentials, cache)
            resumed = await service.resume()
            assert resumed is not None and not resumed.offline
            assert resumed.role is Role.EXPERT and resumed.unit == "合肥市人力资源和社会保障局"
        # The server is down: the session comes back marked offline.
        own_server.stop()
        async with desk_api(own_server.url) as api:
            service = SessionService(api, credentials, cache)
            offline = await service.resume()
            assert offline is not None and offline.offline
            assert service.current == offline
        own_server.start()
        async with desk_api(own_server.url) as api:
            service = SessionService(api, credentials, cache)
            online = await service.resume()
            assert online is not None and not online.offline
            token = keyring_backend.secrets[(service_name(own_server.url), "expert1")]
            await service.logout()
            assert service.current is None
            assert keyring_backend.secrets == {}
            assert await cache.run(cache.refdata.document, SESSION_DOCUMENT) is None
            api.set_token(token)
            with pytest.raises(UnauthorizedError):  # the server ended the session too
                await api.me()
            api.set_token(None)
            assert await SessionService(api, credentials, cache).resume() is None

    run(main())


def test_revoked_or_expired_session_is_not_resumed(shared_server: ServerProcess,
                                                   cache: LocalCache,
                                                   credentials: CredentialStore,
                                                   keyring_backend: MemoryKeyring) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            service = SessionService(api, credentials, cache)
            await service.login(shared_server.url, "operator2", DEMO_PASSWORD)
            await api.logout()  # ended elsewhere (e.g. an admin revoked it)
        async with desk_api(shared_server.url) as api:
            assert await SessionService(api, credentials, cache).resume() is None
            assert keyring_backend.secrets == {}
        async with desk_api(shared_server.url) as api:
            service = SessionService(api, credentials, cache,
                                     clock=lambda: china_now() + timedelta(days=2))
            await SessionService(api, credentials, cache).login(shared_server.url,
                                                                "operator2", DEMO_PASSWORD)
            assert await service.resume() is None  # past expires_at by the desk clock

    run(main())


def test_non_desk_roles_and_bad_passwords_are_refused(shared_server: ServerProcess,
                                                      cache: LocalCache,
                                                      credentials: CredentialStore,
                                                      keyring_backend: MemoryKeyring) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            service = SessionService(api, credentials, cache)
            with pytest.raises(ForbiddenError) as refused:
                await service.login(shared_server.url, "unit_gjj", DEMO_PASSWORD)
            assert "不能登录座席工作台" in refused.value.message_zh
            with pytest.raises(UnauthorizedError) as bad:
                await service.login(shared_server.url, "operator1", "Wrong12345")
            assert bad.value.message_zh == "用户名或密码错误"
            assert service.current is None and keyring_backend.secrets == {}
            assert not api.has_token

    run(main())


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("locked collection")


def test_keyring_failure_fails_login_and_ends_server_session(shared_server: ServerProcess,
                                                             cache: LocalCache) -> None:
    """The token is never kept anywhere else when the keyring refuses it."""

    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            service = SessionService(api, CredentialStore(backend=BrokenKeyring()), cache)
            with pytest.raises(CredentialStoreError) as failed:
                await service.login(shared_server.url, "teamlead1", DEMO_PASSWORD)
            assert "凭据库" in failed.value.message_zh
            assert service.current is None and not api.has_token
            assert await cache.run(cache.refdata.document, SESSION_DOCUMENT) is None

    run(main())
