"""The status bar text: connection, outbox depth, rejected items, skew, provisional
calendar (第十四–十八条), and a one-off notice."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.services.sync_status import SyncStatus, compose_message
from hotline_desk.storage.cache.models import CHINA_TZ


def test_every_part_of_the_status_is_said_in_chinese() -> None:
    status = SyncStatus(online=True, last_sync_at=datetime(2026, 11, 29, 9, 30, 5, tzinfo=CHINA_TZ),
                        outbox_depth=3, rejected_count=1, clock_skew_seconds=-600.0,
                        clock_skew_warning=True, provisional_calendar=True,
                        notice_zh="本地缓存文件已损坏，工作台已自动修复。")
    text = compose_message(status)
    assert text.split("；") == [
        "已连接服务器", "待上传 3 条", "服务器退回 1 条，请处理", "上次同步 09:30:05",
        "本机时钟比服务器快约 10 分钟，请校准系统时间", "节假日安排尚未公布，办理时限为暂定",
        "本地缓存文件已损坏，工作台已自动修复。"]
    assert compose_message(SyncStatus()).startswith("离线工作中")


@given(depth=st.integers(0, 10**6), rejected=st.integers(0, 10**4), online=st.booleans())
def test_counts_are_always_shown_when_not_zero(depth: int, rejected: int, online: bool) -> None:
    text = compose_message(SyncStatus(online=online, outbox_depth=depth,
                                      rejected_count=rejected))
    assert (f"待上传 {depth} 条" in text) == (depth > 0)
    assert (f"服务器退回 {rejected} 条" in text) == (rejected > 0)
    assert text.startswith("已连接服务器" if online else "离线工作中")
