"""The one exception hierarchy of Hotline Desk.

Every error the desk shows to an operator derives from :class:`HotlineError` and
carries a Simplified Chinese message for the screen (``message_zh``) next to the
English one used in logs and the API. Services translate httpx, peewee and keyring
errors into these classes; nothing else should reach the GUI.
"""

from __future__ import annotations


class HotlineError(Exception):
    """Base of every Hotline Desk error.

    ``str(err)`` is the English message (for logs); ``err.message_zh`` is what the
    desk shows.
    """

    default_zh = "操作失败"

    def __init__(self, message: str, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or self.default_zh


class DataFormatError(HotlineError):
    """A data file or payload (holiday file, script data, KB import) is malformed.

    ``problems`` lists every problem found, each as ``(location, field, message_zh)``.
    """

    default_zh = "数据格式错误"

    def __init__(
        self,
        message: str,
        message_zh: str | None = None,
        problems: list[tuple[str, str, str]] | None = None,
    ) -> None:
        super().__init__(message, message_zh)
        self.problems: list[tuple[str, str, str]] = problems or []


class RuleViolation(HotlineError):
    """A request breaks a rule of the regulation (e.g. a third extension, 第十八条)."""

    default_zh = "不符合热线办理规定"


class StorageError(HotlineError):
    """The local cache or the server database failed."""

    default_zh = "本地数据存储出错"


class NetworkError(HotlineError):
    """The sync server could not be reached or answered badly."""

    default_zh = "无法连接服务器"


class AuthError(HotlineError):
    """Login failed, the session expired, or the role may not do this."""

    default_zh = "登录失效或无权限"


class CredentialStoreError(HotlineError):
    """The OS keyring is unavailable or refused."""

    default_zh = "系统凭据库不可用"
