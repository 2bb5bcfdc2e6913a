"""Reference data the server sends, kept for offline use.

* Non-acceptance scripts (第十条: tell the caller the basis) and emergency lines
  (第十二条(三): 110/119/120/122 and the utility lines) are stored as the JSON text
  and version the server sent; the core parses them, this module only keeps them.
* Caller history seen recently: already masked by the server (第三十四条 数据脱敏);
  stored exactly as given, under an opaque caller key chosen by the service.
* Sync cursors: where each change feed (``kb``, ``tickets`` …) left off.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotline_desk.core.errors import DataFormatError
from hotline_desk.storage.cache.db import CacheDatabase, as_aware, china_now

REFUSAL_SCRIPTS = "refusal_scripts"
EMERGENCY_LINES = "emergency_lines"


@dataclass(frozen=True, slots=True)
class RefDocument:
    name: str
    version: str
    body: str  # JSON text, exactly as the server sent it
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class CallerHistory:
    caller_key: str
    body: str  # JSON text, masked by the server
    seen_at: datetime


def _json_text(body: str | Mapping[str, Any] | Sequence[Any], what: str) -> str:
    if isinstance(body, str):
        try:
            json.loads(body)
        except ValueError as exc:
            raise DataFormatError(f"{what} is not JSON: {exc}",
                                  f"服务器发送的{what}数据格式不正确") from exc
        return body
    try:
        return json.dumps(body, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(f"{what} is not JSON-serialisable: {exc}",
                              f"{what}数据格式不正确") from exc


class RefData:
    """Every method runs on the cache worker."""

    def __init__(self, db: CacheDatabase) -> None:
        self._db = db
        self._m = db.models

    # ---------------------------------------------------------- scripts and lines

    def put_document(self, name: str, version: str, body: str,
                     now: datetime | None = None) -> RefDocument:
        self._db.check_thread()
        text = _json_text(body, "参考资料")
        moment = as_aware(now or china_now())
        with self._db.atomic():
            self._m.RefDocument.replace(name=name, version=str(version), body=text,
                                        fetched_at=moment).execute()
        return RefDocument(name=name, version=str(version), body=text, fetched_at=moment)

    def document(self, name: str) -> RefDocument | None:
        self._db.check_thread()
        row = self._m.RefDocument.get_or_none(self._m.RefDocument.name == name)
        if row is None:
            return None
        return RefDocument(name=row.name, version=row.version, body=row.body,
                           fetched_at=row.fetched_at)

    # ------------------------------------------------------------ caller history

    def put_caller_history(self, caller_key: str,
                           body: str | Mapping[str, Any] | Sequence[Any],
                           now: datetime | None = None) -> None:
        self._db.check_thread()
        if not caller_key:
            raise DataFormatError("caller key is empty", "来电人标识不能为空")
        text = _json_text(body, "来电历史")
        moment = as_aware(now or china_now())
        with self._db.atomic():
            self._m.CallerHistory.replace(caller_key=caller_key, body=text,
                                          seen_at=moment).execute()

    def caller_history(self, caller_key: str) -> CallerHistory | None:
        self._db.check_thread()
        c = self._m.CallerHistory
        row = c.get_or_none(c.caller_key == caller_key)
        return None if row is None else CallerHistory(row.caller_key, row.body, row.seen_at)

    def prune_caller_history(self, older_than: datetime) -> int:
        """Forget callers not seen since ``older_than`` (keep personal data short-lived)."""
        self._db.check_thread()
        c = self._m.CallerHistory
        with self._db.atomic():
            return int(c.delete().where(c.seen_at < as_aware(older_than)).execute())

    # ------------------------------------------------------------------- cursors

    def get_cursor(self, name: str) -> str | None:
        self._db.check_thread()
        s = self._m.SyncCursor
        return s.select(s.value).where(s.name == name).scalar()

    def set_cursor(self, name: str, value: str, now: datetime | None = None) -> None:
        self._db.check_thread()
        moment = as_aware(now or china_now())
        with self._db.atomic():
            self._m.SyncCursor.replace(name=name, value=str(value), updated_at=moment).execute()

    def cursors(self) -> dict[str, str]:
        self._db.check_thread()
        return {row.name: row.value for row in self._m.SyncCursor.select()}

    def clear_cursors(self) -> None:
        """Forget every cursor (the next pull is a full resync)."""
        self._db.check_thread()
        with self._db.atomic():
            self._m.SyncCursor.delete().execute()
