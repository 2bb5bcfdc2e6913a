"""The sync server's login token, kept in the operating system's credential store.

第三十四、三十五条 ask for authorised access and account security. The token is one
short secret per (server, account), stored through the ``keyring`` package — on
Windows explicitly in the Credential Manager (``WinVaultKeyring``) — and deleted at
logout. It is never written to a file by the desk and never logged.

Backends that would not protect it are refused in production, with the reason in
Chinese and English: ``keyring.backends.fail.Keyring`` (no store at all),
``keyring.backends.null.Keyring`` (stores nothing, so every start asks for a new
login while pretending to have saved), ``keyrings.alt.file.PlaintextKeyring`` or any
other file-based ``keyrings.alt`` backend without encryption (the token in clear text
on disk), and ``keyrings.alt``'s encrypted file backend, which asks for its master
password with ``getpass`` on a console the windowed desk does not have (the first
login would hang or fail). When keyring offers a chain of backends, the best secure one
in the chain is used on its own, so a plaintext fallback can never receive the
token. Developers and tests may allow an insecure backend explicitly
(``allow_insecure=True`` or ``HOTLINE_DESK_ALLOW_INSECURE_KEYRING=1``).

Keyring calls block (D-Bus, Credential Manager): the ``a*`` methods run them on a
worker thread with :func:`asyncio.to_thread`. Every backend error becomes
:class:`~hotline_desk.core.errors.CredentialStoreError`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.errors import PasswordDeleteError

from hotline_desk.core.errors import CredentialStoreError, DataFormatError

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_PREFIX = "HotlineDesk"
INSECURE_OVERRIDE_ENV = "HOTLINE_DESK_ALLOW_INSECURE_KEYRING"
MAX_TOKEN_CHARS = 1024  # Credential Manager blobs hold 2560 bytes (UTF-16)

_ADVICE_ZH = "请联系管理员启用系统凭据库（Windows 凭据管理器）后再登录。"


def insecure_reason(backend: KeyringBackend) -> tuple[str, str] | None:
    """``(english, chinese)`` why ``backend`` may not hold the token, or None if it may."""
    if isinstance(backend, fail.Keyring):
        return ("no usable system keyring was found (keyring.backends.fail.Keyring)",
                "系统中没有可用的安全凭据库，无法安全保存登录令牌。" + _ADVICE_ZH)
    if isinstance(backend, null.Keyring):
        return ("the null keyring stores nothing (keyring.backends.null.Keyring)",
                "当前凭据库不会保存任何内容（null keyring），登录令牌无法保存。" + _ADVICE_ZH)
    if _is_plaintext_file_backend(backend):
        return (f"{type(backend).__module__}.{type(backend).__qualname__} writes the token "
                "to a file without encryption",
                "当前凭据库会把登录令牌以明文写入文件，存在泄露风险，工作台拒绝使用。" + _ADVICE_ZH)
    if _is_console_prompting_backend(backend):
        return (f"{type(backend).__module__}.{type(backend).__qualname__} asks for its "
                "master password on the console, which the desk does not have",
                "当前凭据库需要在命令行输入主密码，工作台无法使用。" + _ADVICE_ZH)
    return None


def _is_console_prompting_backend(backend: KeyringBackend) -> bool:
    try:
        from keyrings.alt.file import EncryptedKeyring
    except ImportError:  # keyrings.alt is a development dependency only
        return False
    return isinstance(backend, EncryptedKeyring)


def _is_plaintext_file_backend(backend: KeyringBackend) -> bool:
    try:
        from keyrings.alt.file import PlaintextKeyring
        from keyrings.alt.file_base import FileBacked
    except ImportError:  # keyrings.alt is a development dependency only
        return False
    if isinstance(backend, PlaintextKeyring):
        return True
    if isinstance(backend, FileBacked):
        scheme = getattr(type(backend), "scheme", "")
        scheme_text = scheme.lower() if isinstance(scheme, str) else ""
        return "no enc" in scheme_text or "plain" in scheme_text
    return False


def _windows_backend_class() -> type[KeyringBackend] | None:
    try:
        from keyring.backends.Windows import WinVaultKeyring
    except Exception:  # pragma: no cover - import guards exist upstream
        return None
    return WinVaultKeyring


def select_backend(
    *,
    allow_insecure: bool = False,
    platform: str = sys.platform,
    windows_backend: type[KeyringBackend] | None = None,
) -> KeyringBackend:
    """The backend that will hold the token (raises if only insecure ones exist)."""
    if platform == "win32":
        candidate = windows_backend or _windows_backend_class()
        try:
            if candidate is not None and candidate.viable:
                return candidate()
        except Exception as exc:
            log.warning("Windows Credential Manager backend unavailable: %s", exc)
    current = keyring.get_keyring()
    if isinstance(current, ChainerBackend):
        secure = [b for b in current.backends if insecure_reason(b) is None]
        if secure:
            return secure[0]
        members = list(current.backends)
        current = members[0] if members else fail.Keyring()
    reason = insecure_reason(current)
    if reason is None:
        return current
    if allow_insecure:
        log.warning("using an insecure keyring backend by explicit override: %s", reason[0])
        return current
    raise CredentialStoreError(f"keyring backend refused: {reason[0]}", reason[1])


def service_name(server_url: str) -> str:
    """``HotlineDesk@https://host:port/path`` with scheme and host lower-cased."""
    text = server_url.strip()
    if not text:
        raise DataFormatError("server URL is empty", "服务器地址不能为空")
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc:
        raise DataFormatError(f"server URL {text!r} is not absolute",
                              f"服务器地址不正确：{text}")
    normal = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"),
                         "", ""))
    return f"{SERVICE_PREFIX}@{normal}"


def _account(account: str) -> str:
    name = account.strip()
    if not name:
        raise DataFormatError("account is empty", "账号不能为空")
    return name


class SessionMemoryKeyring(KeyringBackend):
    """Tokens kept in this process only, gone when the desk quits.

    Used for the demo login (README command 1) when the machine has no secure credential
    store (a fresh Linux box, Xvfb): the demo accounts' tokens are not worth a refusal,
    and writing them in clear text would be worse. Never chosen for a real login.
    """

    priority = -1  # type: ignore[assignment]  # never picked by keyring's own selection

    def __init__(self) -> None:
        super().__init__()
        self._tokens: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._tokens.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._tokens[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._tokens.pop((service, username), None)


class CredentialStore:
    """Save, load and delete the server token of an account."""

    def __init__(self, *, allow_insecure: bool | None = None,
                 backend: KeyringBackend | None = None,
                 session_only_fallback: bool = False) -> None:
        """``session_only_fallback``: when the system store is refused, keep tokens in
        this process (:class:`SessionMemoryKeyring`) instead of failing — for the demo
        login only."""
        if allow_insecure is None:
            allow_insecure = os.environ.get(INSECURE_OVERRIDE_ENV, "") in {"1", "true", "yes"}
        self._allow_insecure = allow_insecure
        self._backend = backend
        self._session_only_fallback = session_only_fallback

    def __repr__(self) -> str:
        name = type(self._backend).__name__ if self._backend is not None else None
        return f"<CredentialStore backend={name}>"

    def backend(self) -> KeyringBackend:
        """The chosen backend (selected, and checked, on first use)."""
        if self._backend is None:
            try:
                self._backend = select_backend(allow_insecure=self._allow_insecure)
            except CredentialStoreError as exc:
                if not self._session_only_fallback:
                    raise
                log.warning("%s; demo login: keeping the token in memory for this "
                            "session only", exc.message)
                self._backend = SessionMemoryKeyring()
        else:
            reason = insecure_reason(self._backend)
            if reason is not None and not self._allow_insecure:
                raise CredentialStoreError(f"keyring backend refused: {reason[0]}", reason[1])
        return self._backend

    def _call(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except CredentialStoreError:
            raise
        except Exception as exc:  # backends raise D-Bus, pywintypes, OS errors …
            raise CredentialStoreError(
                f"keyring {what} failed: {type(exc).__name__}",  # never the token
                "无法访问系统凭据库，请确认已登录 Windows 账户且凭据管理器可用后重试",
            ) from exc

    def save_token(self, server_url: str, account: str, token: str) -> None:
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise DataFormatError("token is empty or too long", "登录令牌为空或过长，无法保存")
        service, user = service_name(server_url), _account(account)
        self._call("save", self.backend().set_password, service, user, token)
        log.info("server token stored in the keyring for %s on %s", user, service)

    def load_token(self, server_url: str, account: str) -> str | None:
        service, user = service_name(server_url), _account(account)
        return self._call("load", self.backend().get_password, service, user)

    def delete_token(self, server_url: str, account: str) -> bool:
        """Logout: remove the token. False if there was none."""
        service, user = service_name(server_url), _account(account)
        backend = self.backend()
        try:
            self._call("delete", backend.delete_password, service, user)
        except CredentialStoreError as exc:
            if isinstance(exc.__cause__, PasswordDeleteError):
                return False
            raise
        log.info("server token removed from the keyring for %s on %s", user, service)
        return True

    async def asave_token(self, server_url: str, account: str, token: str) -> None:
        await asyncio.to_thread(self.save_token, server_url, account, token)

    async def aload_token(self, server_url: str, account: str) -> str | None:
        return await asyncio.to_thread(self.load_token, server_url, account)

    async def adelete_token(self, server_url: str, account: str) -> bool:
        return await asyncio.to_thread(self.delete_token, server_url, account)
