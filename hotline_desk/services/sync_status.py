"""What the status bar shows about synchronisation, and its Chinese summary.

"Save first, sync always, lose nothing": the operator must always see whether the
desk is connected, when it last synchronised, how many saved records still wait to
be uploaded (outbox depth), how many the server refused (rejected items, kept until
someone fixes or discards them), whether the desk clock is off (warning above two
minutes) and whether deadlines use a provisional holiday calendar (a year the State
Council has not published yet, 第十四–十八条).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline_desk.services.clock import SKEW_WARNING_SECONDS


@dataclass(frozen=True, slots=True)
class SyncStatus:
    online: bool = False
    last_sync_at: datetime | None = None
    outbox_depth: int = 0
    rejected_count: int = 0
    clock_skew_seconds: float | None = None
    clock_skew_warning: bool = False
    provisional_calendar: bool = False
    message_zh: str = ""
    notice_zh: str | None = None  # a one-off event to tell the operator (e.g. cache repaired)


def compose_message(status: SyncStatus) -> str:
    """The status bar text for ``status`` (without ``message_zh`` itself)."""
    parts = ["已连接服务器" if status.online else "离线工作中（保存的内容会在恢复连接后自动上传）"]
    if status.outbox_depth:
        parts.append(f"待上传 {status.outbox_depth} 条")
    if status.rejected_count:
        parts.append(f"服务器退回 {status.rejected_count} 条，请处理")
    if status.last_sync_at is not None:
        parts.append(f"上次同步 {status.last_sync_at.strftime('%H:%M:%S')}")
    if status.clock_skew_warning and status.clock_skew_seconds is not None:
        minutes = abs(status.clock_skew_seconds) / 60.0
        direction = "慢" if status.clock_skew_seconds > 0 else "快"
        parts.append(f"本机时钟比服务器{direction}约 {minutes:.0f} 分钟，请校准系统时间")
    if status.provisional_calendar:
        parts.append("节假日安排尚未公布，办理时限为暂定")
    if status.notice_zh:
        parts.append(status.notice_zh)
    return "；".join(parts)


__all__ = ["SKEW_WARNING_SECONDS", "SyncStatus", "compose_message"]
