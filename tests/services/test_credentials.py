"""The server token in the OS keyring (第三十四条 authorised access, 第三十五条 账号安全:
the token is never in a file or a log, and insecure keyrings are refused)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringLocked, PasswordDeleteError
from keyrings.alt.file import PlaintextKeyring

from hotline_desk.core.errors import CredentialStoreError, DataFormatError
from hotline_desk.services.credentials import (
    INSECURE_OVERRIDE_ENV,
    CredentialStore,
    SessionMemoryKeyring,
    insecure_reason,
    select_backend,
    service_name,
)

SERVER = "https://hotline.hefei.gov.cn:8443/"
TOKEN = "tok-3f9a7c0e5b1d-secret"


class MemoryKeyring(KeyringBackend):
    """An in-memory backend for tests (what the OS keyring does, minus the OS)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}
        self.threads: list[int] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.append(threading.get_ident())
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.threads.append(threading.get_ident())
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.threads.append(threading.get_ident())
        try:
            del self.secrets[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None


class LockedKeyring(MemoryKeyring):
    """A keyring the user has not unlocked (e.g. a locked login keyring)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"cannot store {password}")  # a bad backend echoing the secret

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def plaintext(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    previous = keyring.get_keyring()
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring_pass.cfg")
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_token_round_trip_and_logout(memory: MemoryKeyring) -> None:
    store = CredentialStore()
    assert store.load_token(SERVER, "op1001") is None
    store.save_token(SERVER, "op1001", TOKEN)
    assert store.load_token(SERVER, "op1001") == TOKEN
    assert memory.secrets == {("HotlineDesk@https://hotline.hefei.gov.cn:8443", "op1001"): TOKEN}
    assert store.delete_token(SERVER, "op1001") is True
    assert store.load_token(SERVER, "op1001") is None
    assert store.delete_token(SERVER, "op1001") is False  # logout twice is harmless


def test_one_secret_per_server_and_account(memory: MemoryKeyring) -> None:
    store = CredentialStore()
    store.save_token(SERVER, "op1001", "a")
    store.save_token(SERVER, "op1002", "b")
    store.save_token("https://hotline.wuhu.gov.cn", "op1001", "c")
    store.save_token("HTTPS://Hotline.Hefei.gov.cn:8443", "op1001", "a2")  # same server
    assert store.load_token(SERVER, "op1001") == "a2"
    assert store.load_token(SERVER, "op1002") == "b"
    assert store.load_token("https://hotline.wuhu.gov.cn/", "op1001") == "c"
    assert len(memory.secrets) == 3


def test_the_token_is_never_logged(memory: MemoryKeyring,
                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = CredentialStore()
    store.save_token(SERVER, "op1001", TOKEN)
    store.load_token(SERVER, "op1001")
    store.delete_token(SERVER, "op1001")
    assert "op1001" in caplog.text
    assert TOKEN not in caplog.text and TOKEN not in repr(store)


@pytest.mark.parametrize("backend_factory", [fail.Keyring, null.Keyring])
def test_fail_and_null_backends_are_refused(backend_factory: type[KeyringBackend]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend_factory())
    try:
        with pytest.raises(CredentialStoreError) as info:
            CredentialStore(allow_insecure=False).save_token(SERVER, "op1001", TOKEN)
    finally:
        keyring.set_keyring(previous)
    assert "凭据库" in info.value.message_zh
    assert "keyring" in str(info.value)


def test_plaintext_file_backend_is_refused_and_writes_nothing(
        plaintext: PlaintextKeyring) -> None:
    store = CredentialStore(allow_insecure=False)
    with pytest.raises(CredentialStoreError) as info:
        store.save_token(SERVER, "op1001", TOKEN)
    assert "明文" in info.value.message_zh
    assert "without encryption" in str(info.value)
    assert not Path(plaintext.file_path).exists()
    with pytest.raises(CredentialStoreError):
        CredentialStore(allow_insecure=False, backend=plaintext).load_token(SERVER, "op1001")


def test_any_unencrypted_keyrings_alt_file_backend_is_refused(tmp_path: Path) -> None:
    class HomeMadePlain(PlaintextKeyring):
        filename = "other.cfg"

    ring = HomeMadePlain()
    ring.file_path = str(tmp_path / "other.cfg")
    reason = insecure_reason(ring)
    assert reason is not None and "明文" in reason[1]
    assert insecure_reason(MemoryKeyring()) is None


def test_the_encrypted_file_backend_is_refused_it_prompts_on_a_console() -> None:
    """keyrings.alt's EncryptedKeyring asks for a master password with getpass: the
    windowed desk has no console to answer it (第三十五条: account security that works)."""
    from keyrings.alt.file import EncryptedKeyring

    # built without __init__: it needs pycryptodome, which the desk does not ship; the
    # refusal happens before the backend is ever asked anything
    ring = object.__new__(EncryptedKeyring)
    reason = insecure_reason(ring)
    assert reason is not None and "主密码" in reason[1] and "console" in reason[0]
    with pytest.raises(CredentialStoreError):
        CredentialStore(allow_insecure=False, backend=ring).save_token(SERVER, "op1001", TOKEN)


def test_the_demo_login_keeps_its_token_in_memory_when_only_plaintext_exists(
        plaintext: PlaintextKeyring) -> None:
    """README command 1 on a fresh machine (no Secret Service): the demo desk still logs
    in, its token kept in this process only — never in the clear-text file."""
    store = CredentialStore(allow_insecure=False, session_only_fallback=True)
    store.save_token(SERVER, "operator1", TOKEN)
    assert store.load_token(SERVER, "operator1") == TOKEN
    assert isinstance(store.backend(), SessionMemoryKeyring)
    assert not Path(plaintext.file_path).exists()
    store.delete_token(SERVER, "operator1")
    assert store.load_token(SERVER, "operator1") is None
    # keyring's own selection never picks it (priority below the fail backend)
    assert not any(isinstance(ring, SessionMemoryKeyring) for ring in ChainerBackend.backends)
    assert SessionMemoryKeyring.priority < fail.Keyring.priority
    with pytest.raises(CredentialStoreError):  # a real login never falls back
        CredentialStore(allow_insecure=False).save_token(SERVER, "operator1", TOKEN)


def test_explicit_dev_override_allows_an_insecure_backend(
        plaintext: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    CredentialStore(allow_insecure=True).save_token(SERVER, "dev", "t1")
    assert Path(plaintext.file_path).exists()
    monkeypatch.setenv(INSECURE_OVERRIDE_ENV, "1")
    assert CredentialStore().load_token(SERVER, "dev") == "t1"
    monkeypatch.setenv(INSECURE_OVERRIDE_ENV, "0")
    with pytest.raises(CredentialStoreError):
        CredentialStore().load_token(SERVER, "dev")


def test_a_chain_uses_only_its_best_secure_member(tmp_path: Path) -> None:
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "chain.cfg")
    secure = MemoryKeyring()

    class Chain(ChainerBackend):  # what keyring discovers on a desktop with keyrings.alt
        backends: ClassVar[list[KeyringBackend]] = [plain, secure]

    class InsecureChain(ChainerBackend):
        backends: ClassVar[list[KeyringBackend]] = [plain, null.Keyring()]

    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(Chain())
        assert select_backend() is secure
        keyring.set_keyring(InsecureChain())
        with pytest.raises(CredentialStoreError):
            select_backend()
    finally:
        keyring.set_keyring(previous)


def test_windows_selects_the_credential_manager_explicitly(memory: MemoryKeyring,
                                                            plaintext: PlaintextKeyring) -> None:
    """On Windows the Credential Manager backend is chosen even if keyring's default is
    something else; elsewhere (or when it is not viable) the default is checked."""
    chosen = select_backend(platform="win32", windows_backend=MemoryKeyring)
    assert type(chosen) is MemoryKeyring and chosen is not memory
    from keyring.backends.Windows import WinVaultKeyring

    assert not WinVaultKeyring.viable  # this test machine is not Windows
    with pytest.raises(CredentialStoreError):  # falls back to the (plaintext) default
        select_backend(platform="win32", windows_backend=WinVaultKeyring)
    with pytest.raises(CredentialStoreError):
        select_backend(platform="linux")


def test_backend_errors_become_credential_store_errors(
        caplog: pytest.LogCaptureFixture) -> None:
    store = CredentialStore(backend=LockedKeyring())
    with pytest.raises(CredentialStoreError) as info:
        store.save_token(SERVER, "op1001", TOKEN)
    assert TOKEN not in str(info.value) and TOKEN not in info.value.message_zh
    assert "凭据库" in info.value.message_zh
    assert isinstance(info.value.__cause__, KeyringLocked)
    with pytest.raises(CredentialStoreError):
        store.load_token(SERVER, "op1001")
    assert TOKEN not in caplog.text


def test_bad_input_is_refused_in_chinese(memory: MemoryKeyring) -> None:
    store = CredentialStore()
    with pytest.raises(DataFormatError) as empty_account:
        store.save_token(SERVER, "  ", TOKEN)
    assert "账号" in empty_account.value.message_zh
    with pytest.raises(DataFormatError):
        store.save_token("hotline.hefei.gov.cn", "op1001", TOKEN)  # not absolute
    with pytest.raises(DataFormatError):
        store.save_token(SERVER, "op1001", "")
    with pytest.raises(DataFormatError):
        store.save_token(SERVER, "op1001", "x" * 5000)
    assert memory.secrets == {}
    assert service_name("https://A.example/api/") == "HotlineDesk@https://a.example/api"


def test_async_wrappers_run_off_the_callers_thread(memory: MemoryKeyring) -> None:
    store = CredentialStore()

    async def scenario() -> str | None:
        await store.asave_token(SERVER, "op1001", TOKEN)
        token = await store.aload_token(SERVER, "op1001")
        assert await store.adelete_token(SERVER, "op1001") is True
        return token

    assert asyncio.run(scenario()) == TOKEN
    assert memory.threads and threading.get_ident() not in memory.threads


def test_async_errors_are_translated_too() -> None:
    store = CredentialStore(backend=LockedKeyring())
    with pytest.raises(CredentialStoreError):
        asyncio.run(store.aload_token(SERVER, "op1001"))
