"""One knowledge-base entry (第二十九–三十一条).

Whoever provides an entry maintains it (谁提供、谁维护、谁更新): every entry names its
owning unit, carries a review state, a version and an update time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hotline_desk.core.vocabulary import Area, ReviewState


@dataclass(frozen=True, slots=True)
class Region:
    """Where an entry applies. Empty parts mean "the whole of the level above"."""

    province: str = "安徽省"
    city: str = ""
    district: str = ""

    def names(self) -> tuple[str, ...]:
        return tuple(part for part in (self.province, self.city, self.district) if part)


@dataclass(frozen=True, slots=True)
class KBEntry:
    id: str
    title: str
    answer: str  # 答复口径: the wording read to the caller
    questions: tuple[str, ...] = ()  # alternative phrasings of the question
    keywords: tuple[str, ...] = ()
    policy_basis: str = ""
    category: Area | None = None
    owner_unit: str = ""
    region: Region = field(default_factory=Region)
    valid_from: date | None = None
    valid_to: date | None = None
    review_state: ReviewState = ReviewState.PUBLISHED
    version: int = 1
    updated_at: datetime | None = None

    def is_valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    def is_searchable(self, day: date) -> bool:
        """Only published, currently valid entries are searchable on the desk."""
        return self.review_state is ReviewState.PUBLISHED and self.is_valid_on(day)
