"""The ticket vocabulary of the regulation, as enums with Chinese labels.

Values are stable English codes (used in the API, the database and logs);
``.label`` is the Simplified Chinese text the desk shows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a Chinese label: ``MEMBER = ("code", "标签")``."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def from_label(cls, label: str) -> Self:
        """The member whose code or Chinese label is ``label`` (``ValueError`` otherwise)."""
        text = label.strip()
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(f"unknown {cls.__name__}: {label!r}")


class RequestType(LabeledEnum):
    """The five kinds of accepted request (第九条(一))."""

    CONSULTATION = ("consultation", "咨询")
    HELP = ("help", "求助")
    COMPLAINT = ("complaint", "投诉")
    REPORT = ("report", "举报")
    SUGGESTION = ("suggestion", "意见建议")


class Area(LabeledEnum):
    """The five areas a request falls in (第九条(一)); also the KB categories."""

    ECONOMIC = ("economic", "经济调节")
    MARKET = ("market", "市场监管")
    SOCIAL = ("social", "社会管理")
    PUBLIC_SERVICE = ("public_service", "公共服务")
    ENVIRONMENT = ("environment", "生态环境保护")


class Channel(LabeledEnum):
    """Where the request came in (第二条)."""

    PHONE = ("phone", "12345电话")
    WEBSITE = ("website", "政府网站")
    WECHAT = ("wechat", "政务微信公众号")
    GOV_PORTAL = ("gov_portal", "政务服务网")
    WANSHITONG = ("wanshitong", "皖事通APP")


class Source(LabeledEnum):
    """Who handed the request to this centre (第九条(二)(三)); ``DIRECT`` for own channels."""

    DIRECT = ("direct", "本热线受理")
    NATIONAL_PLATFORM = ("national_platform", "国家级平台交办")
    PEER_PLATFORM = ("peer_platform", "同级平台转办")
    YRD_LINKAGE = ("yrd_linkage", "长三角联动转办")


class Priority(LabeledEnum):
    """Key or general ticket (第二十四条)."""

    KEY = ("key", "重点")
    GENERAL = ("general", "一般")


class TicketState(LabeledEnum):
    """Where a ticket stands. The legal transitions live in ``core.ticket_flow``."""

    ANSWERED_ON_SPOT = ("answered_on_spot", "即时办结")
    REFUSED = ("refused", "不予受理")
    EMERGENCY_HANDOFF = ("emergency_handoff", "紧急转接")
    PENDING_DISPATCH = ("pending_dispatch", "待转办")
    DISPATCHED = ("dispatched", "已转办")
    CONTACTED = ("contacted", "已联系诉求人")
    RETURN_REQUESTED = ("return_requested", "申请退回")
    RETURNED = ("returned", "已退回")
    EXTENSION_REQUESTED = ("extension_requested", "申请延期")
    COMPLETED = ("completed", "已办结")
    RATED = ("rated", "已评价")
    REVISITED = ("revisited", "已回访")


class Role(LabeledEnum):
    """Account roles (第三十四–三十五条: authorised access only)."""

    OPERATOR = ("operator", "话务员")
    EXPERT = ("expert", "专家座席")
    TEAM_LEAD = ("team_lead", "班长")
    UNIT_HANDLER = ("unit_handler", "承办单位")
    ADMIN = ("admin", "管理员")


class SeatState(LabeledEnum):
    """A seat's telephony state, as heartbeats report it."""

    OFFLINE = ("offline", "离线")
    READY = ("ready", "示闲")
    NOT_READY = ("not_ready", "示忙")
    BREAK = ("break", "小休")
    ON_CALL = ("on_call", "通话中")
    AFTER_CALL = ("after_call", "话后处理")


class ReviewState(LabeledEnum):
    """A knowledge-base entry's review state (第三十条: 多方校核)."""

    DRAFT = ("draft", "草稿")
    REVIEWED = ("reviewed", "已审核")
    PUBLISHED = ("published", "已发布")
    RETIRED = ("retired", "已下线")
