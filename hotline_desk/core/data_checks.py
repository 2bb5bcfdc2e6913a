"""Field checks shared by the loaders of versioned data files (refusal scripts,
emergency lines): every problem is collected as ``(location, field, message_zh)``
and reported at once through :class:`~hotline_desk.core.errors.DataFormatError`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from hotline_desk.core.errors import DataFormatError

Problem = tuple[str, str, str]


def raise_problems(problems: list[Problem], what: str, what_zh: str) -> NoReturn:
    """Raise one DataFormatError listing ``problems`` (the first five in the message)."""
    summary = "；".join(f"{loc} {field}：{msg}" if field else f"{loc}：{msg}"
                       for loc, field, msg in problems[:5])
    more = f"等{len(problems)}处问题" if len(problems) > 5 else ""
    raise DataFormatError(
        f"{what} has {len(problems)} problem(s)",
        f"{what_zh}：{summary}{more}",
        problems=problems,
    )


def text_field(obj: dict[str, Any], key: str, loc: str, problems: list[Problem],
               required: bool = True) -> str | None:
    """``obj[key]`` as stripped text; a problem when missing (if required) or not text."""
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((loc, key, f"缺少必填字段「{key}」"))
        return None
    if not isinstance(value, str):
        problems.append((loc, key, f"「{key}」应为文本"))
        return None
    return value.strip()


def version_field(data: dict[str, Any], problems: list[Problem]) -> int | None:
    """The file's positive integer ``version``."""
    version = data.get("version")
    if version is None:
        problems.append(("文件", "version", "缺少数据版本号 version"))
        return None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(("文件", "version", "版本号 version 应为正整数"))
        return None
    return version
