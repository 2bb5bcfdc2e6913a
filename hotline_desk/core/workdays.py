"""The working-day calendar behind every deadline (第十四–十八条).

Working days follow the State Council's yearly holiday notice, make-up working weekends
(调休) included. Each year is answered by one source, best first:

1. ``official``: the ``chinesecalendar`` package's copy of the State Council notices;
2. ``admin_file``: a holiday file the admin installed for a year the package does not know
   yet (parsed by :mod:`hotline_desk.storage.holiday_files`, handed in here as
   :class:`HolidayYear` values — this module does no I/O);
3. ``statutory_fallback``: weekends plus the public holidays and 补假 days of
   《全国年节及纪念日放假办法》 (:mod:`hotline_desk.core.statutory_holidays`). Only this one
   is *provisional*: the State Council's notice will add 调休 that no rule predicts, so the
   desk shows such dates as 暂定. An admin file is the admin's transcription of the
   notice, so it is not provisional, but the answer still says it came from that file.

Per-year tables are built once and cached in the calendar object, so counting N working
days is a binary search, not a walk over days: the server computes deadlines for every
ticket.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import chinese_calendar

from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.statutory_holidays import statutory_holidays
from hotline_desk.core.vocabulary import LabeledEnum

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# chinesecalendar's Chinese names, spelled the way the regulation and the desk spell them.
_OFFICIAL_NAMES_ZH = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
MAKEUP_DEFAULT_NAME = "调休上班"


class DaySource(LabeledEnum):
    """Which source answered for a day (and so for every day of its year)."""

    OFFICIAL = ("official", "国务院放假安排")
    ADMIN_FILE = ("admin_file", "管理员导入的节假日文件")
    STATUTORY_FALLBACK = ("statutory_fallback", "按《全国年节及纪念日放假办法》推算")

    @property
    def provisional(self) -> bool:
        """True when the State Council notice may still change the answer."""
        return self is DaySource.STATUTORY_FALLBACK

    @property
    def rank(self) -> int:
        """0 for the most authoritative source; an answer is as weak as its weakest day."""
        return _SOURCE_ORDER.index(self)


_SOURCE_ORDER = (DaySource.OFFICIAL, DaySource.ADMIN_FILE, DaySource.STATUTORY_FALLBACK)


def weakest(sources: Iterable[DaySource]) -> DaySource:
    """The least authoritative of ``sources`` (``official`` if there are none)."""
    return max(sources, key=lambda source: source.rank, default=DaySource.OFFICIAL)


def weekday_zh(day: date) -> str:
    return _WEEKDAYS_ZH[day.weekday()]


@dataclass(frozen=True)
class HolidayYear:
    """One year's holiday arrangement as the admin supplied it (a State Council notice).

    ``holidays`` maps every day off that is not an ordinary weekend — and may also name the
    weekend days inside a holiday break — to its festival name; ``makeup_workdays`` maps
    each weekend day that is worked (调休上班) to a note such as ``"春节调休上班"``.
    """

    year: int
    holidays: Mapping[date, str]
    makeup_workdays: Mapping[date, str] = field(default_factory=dict)
    issued_by: str = ""
    notice: str = ""

    def __post_init__(self) -> None:
        problems: list[tuple[str, str, str]] = []
        for label, days in (("holidays", self.holidays), ("makeup_workdays", self.makeup_workdays)):
            for day in days:
                if day.year != self.year:
                    problems.append((day.isoformat(), label, f"日期不在{self.year}年内"))
        for day in set(self.holidays) & set(self.makeup_workdays):
            problems.append((day.isoformat(), "makeup_workdays", "同一天不能既放假又调休上班"))
        if problems:
            raise DataFormatError(
                f"inconsistent holiday data for {self.year}: {len(problems)} problem(s)",
                f"{self.year}年节假日数据有误",
                problems=problems,
            )


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the calendar says about one day."""

    day: date
    workday: bool
    source: DaySource
    name: str | None = None  # the festival of a day off, or the note of a make-up workday
    makeup: bool = False  # a weekend day that is worked (调休上班)

    @property
    def provisional(self) -> bool:
        return self.source.provisional

    def describe_zh(self) -> str:
        """``"2026-10-10 周六 工作日 调休上班（国庆节）"``-style one-liner for the desk and CLI."""
        status = "工作日" if self.workday else "休息日"
        parts = [self.day.isoformat(), weekday_zh(self.day), status]
        if self.makeup:
            parts.append(f"调休上班（{self.name}）" if self.name else MAKEUP_DEFAULT_NAME)
        elif self.name:
            parts.append(self.name)
        if self.provisional:
            parts.append("暂定")
        return " ".join(parts)


class Shifted(NamedTuple):
    """A day reached by counting working days, and the weakest source counted on."""

    day: date
    source: DaySource


@dataclass(frozen=True, slots=True)
class _Year:
    source: DaySource
    days: tuple[DayInfo, ...]  # index: day of year - 1
    workday_ordinals: tuple[int, ...]  # ascending


def _official_name(english: str | None) -> str | None:
    if english is None:
        return None
    chinese = str(chinese_calendar.Holiday(english).chinese)
    return _OFFICIAL_NAMES_ZH.get(chinese, chinese)


def has_official_data(year: int) -> bool:
    """Whether ``chinesecalendar`` has the State Council's arrangement for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


class WorkCalendar:
    """Working days, answered per year by the best source available.

    ``admin_years`` are the parsed admin holiday files; a year the official data covers
    ignores its admin file (the package is the State Council's own data).
    """

    def __init__(self, admin_years: Iterable[HolidayYear] = ()) -> None:
        self._admin: dict[int, HolidayYear] = {item.year: item for item in admin_years}
        self._years: dict[int, _Year] = {}

    @property
    def admin_years(self) -> Mapping[int, HolidayYear]:
        return dict(self._admin)

    def source_for_year(self, year: int) -> DaySource:
        return self._year(year).source

    def day(self, day: date) -> DayInfo:
        table = self._year(day.year)
        return table.days[day.toordinal() - date(day.year, 1, 1).toordinal()]

    def is_workday(self, day: date) -> bool:
        return self.day(day).workday

    def month(self, year: int, month: int) -> tuple[DayInfo, ...]:
        """Every day of the month, in order."""
        table = self._year(year)
        start = date(year, month, 1).toordinal() - date(year, 1, 1).toordinal()
        return tuple(info for info in table.days[start:start + 31] if info.day.month == month)

    def add_workdays(self, start: date, count: int) -> Shifted:
        """The ``count``-th working day strictly after ``start`` (``start`` itself never counts).

        ``source`` is the weakest source of the years holding the days counted.
        """
        if count < 1:
            raise HotlineError(f"working-day count must be >= 1, got {count}",
                               f"工作日天数必须是正整数（收到 {count}）")
        year, after, remaining = start.year, start.toordinal(), count
        sources: list[DaySource] = []
        while True:
            table = self._year(year)
            if after < date(year, 12, 31).toordinal():
                sources.append(table.source)
            index = bisect_right(table.workday_ordinals, after)
            available = len(table.workday_ordinals) - index
            if remaining <= available:
                found = date.fromordinal(table.workday_ordinals[index + remaining - 1])
                return Shifted(found, weakest(sources))
            remaining -= available
            year += 1
            after = date(year, 1, 1).toordinal() - 1

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._build(year)
            self._years[year] = table
        return table

    def _build(self, year: int) -> _Year:
        if has_official_data(year):
            days = tuple(self._official_day(day) for day in _days_of(year))
        elif year in self._admin:
            days = self._from_holidays(
                year, DaySource.ADMIN_FILE, self._admin[year].holidays,
                self._admin[year].makeup_workdays,
            )
        else:
            days = self._from_holidays(
                year, DaySource.STATUTORY_FALLBACK, statutory_holidays(year), {},
            )
        ordinals = tuple(info.day.toordinal() for info in days if info.workday)
        return _Year(days[0].source, days, ordinals)

    @staticmethod
    def _official_day(day: date) -> DayInfo:
        workday = bool(chinese_calendar.is_workday(day))
        _, english = chinese_calendar.get_holiday_detail(day)
        name = _official_name(english)
        makeup = workday and day.weekday() >= 5
        return DayInfo(day, workday, DaySource.OFFICIAL, name, makeup)

    @staticmethod
    def _from_holidays(
        year: int, source: DaySource, holidays: Mapping[date, str], makeup: Mapping[date, str],
    ) -> tuple[DayInfo, ...]:
        result = []
        for day in _days_of(year):
            if day in makeup:
                result.append(DayInfo(day, True, source, makeup[day] or None, makeup=True))
            elif day in holidays:
                result.append(DayInfo(day, False, source, holidays[day]))
            else:
                result.append(DayInfo(day, day.weekday() < 5, source))
        return tuple(result)
