"""The arrays behind a search index: documents, texts and their posting lists.

Documents (entries) and texts (an entry's title, each question, each keyword) are
numbered in insertion order. Per document: alive, published, validity dates and
region codes, so ``is_searchable(today)`` is one vectorised expression; per text:
its document, field, length and *head* (where the subject starts after a leading
place name, "合肥市|住房公积金…"). Arrays grow by doubling so an upsert is cheap.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import keys as K
from hotline_desk.core.kb.search import regions
from hotline_desk.core.kb.search.fields import Field
from hotline_desk.core.kb.search.postings import Postings
from hotline_desk.core.vocabulary import ReviewState

NO_END = np.iinfo(np.int32).max
F32 = npt.NDArray[np.float32]


_S = TypeVar("_S", bound=np.generic)


class Column(Generic[_S]):
    """A growable 1-D numpy array (amortised O(1) append)."""

    def __init__(self, dtype: type[_S], data: npt.NDArray[Any] | None = None) -> None:
        self.dtype = dtype
        self._data: npt.NDArray[_S] = np.zeros(16, dtype=dtype)
        self.size = 0
        if data is not None and data.size:
            self._data = np.array(data, dtype=dtype, copy=True)
            self.size = int(data.size)

    @property
    def view(self) -> npt.NDArray[_S]:
        return self._data[: self.size]

    def extend(self, values: npt.ArrayLike) -> None:
        array = np.asarray(values, dtype=self._data.dtype)
        need = self.size + array.size
        if need > self._data.size:
            grown = np.zeros(max(need, 2 * self._data.size), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : need] = array
        self.size = need

    def set(self, index: int, value: bool | int) -> None:
        self._data[index] = value


def subject_start(text: str) -> int:
    """Length of a leading place name ("合肥市蜀山区…" → 6), 0 when there is none."""
    if not text or text[0] not in regions.first_chars():
        return 0
    found = regions.leading_place(text)
    if found is None or found[1] >= len(text):
        return 0
    return found[1]


@dataclass
class TextBatch:
    """The short texts of some entries, ready for :func:`keys.text_keys`."""

    texts: list[str] = field(default_factory=list)
    docs: list[int] = field(default_factory=list)
    fields: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)

    def add(self, doc: int, entry: KBEntry) -> None:
        """The entry's title, questions and keywords (raw; keys normalise code points)."""
        texts = [entry.title, *entry.questions, *entry.keywords]
        questions = len(entry.questions)
        self.texts.extend(texts)
        self.docs.extend([doc] * len(texts))
        self.fields.append(_TITLE)
        self.fields.extend([_QUESTION] * questions)
        self.fields.extend([_KEYWORD] * len(entry.keywords))
        self.lengths.extend([min(len(t), 65535) for t in texts])
        self.heads.extend([subject_start(t) for t in texts[: questions + 1]])
        self.heads.extend([0] * len(entry.keywords))

    def head_keys_at(self) -> list[int]:
        """Where ``HEAD`` keys are taken: the title's subject only (-1: none)."""
        return [h if f == _TITLE else -1 for h, f in zip(self.heads, self.fields, strict=True)]


_TITLE, _QUESTION, _KEYWORD = Field.TITLE.code, Field.QUESTION.code, Field.KEYWORD.code


def _ordinal(day: date | None, missing: int) -> int:
    return day.toordinal() if day is not None else missing


class Tables:
    """Everything the matcher reads; mutated only through :class:`SearchIndex`."""

    def __init__(self) -> None:
        self.entries: list[KBEntry | None] = []
        self.ids: list[str] = []
        self.doc_of: dict[str, int] = {}
        self.alive = Column(np.bool_)
        self.published = Column(np.bool_)
        self.valid_from = Column(np.int32)
        self.valid_to = Column(np.int32)
        self.city = Column(np.uint8)
        self.district = Column(np.uint16)
        self.id_rank = Column(np.int32)  # order of the documents' ids (ties in ranking)
        self._sorted_ids: list[str] | None = None
        self.text_doc = Column(np.int32)
        self.text_field = Column(np.uint8)
        self.text_len = Column(np.uint16)
        self.text_head = Column(np.uint8)
        self.postings = Postings.build(np.zeros(0, np.uint64), np.zeros(0, np.uint32))
        self.answers = Postings.build(np.zeros(0, np.uint64), np.zeros(0, np.uint32))
        self.dead_docs: list[int] = []
        self.live_docs = 0
        self.version = 0
        self._mask_cache: tuple[int, int, F32] | None = None

    @property
    def n_docs(self) -> int:
        return len(self.entries)

    @property
    def n_texts(self) -> int:
        return self.text_doc.size

    def _rank_new(self, new_ids: Sequence[str]) -> None:
        """Give the new documents' ids their place in the id order."""
        if len(new_ids) > 64:  # a build or a big batch: one sort of every id
            order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
            ranks = np.empty(len(self.ids), dtype=np.int32)
            ranks[order] = np.arange(len(self.ids), dtype=np.int32)
            self.id_rank = Column(np.int32, ranks)
            self._sorted_ids = None
            return
        if self._sorted_ids is None:
            known = self.ids[: self.n_docs - len(new_ids)]
            by_rank = np.argsort(self.id_rank.view)
            self._sorted_ids = [known[i] for i in by_rank.tolist()]
        for entry_id in new_ids:
            at = bisect_left(self._sorted_ids, entry_id)
            self._sorted_ids.insert(at, entry_id)
            ranks = self.id_rank.view
            ranks[ranks >= at] += 1
            self.id_rank.extend([at])

    def add_doc_rows(self, entries: Sequence[KBEntry]) -> int:
        """Append document rows for ``entries``; returns the first new document number."""
        first = self.n_docs
        for offset, entry in enumerate(entries):
            self.entries.append(entry)
            self.ids.append(entry.id)
            self.doc_of[entry.id] = first + offset
        self._rank_new([e.id for e in entries])
        city = [regions.city_code(e.region.city) for e in entries]
        self.alive.extend(np.ones(len(entries), dtype=bool))
        self.published.extend([e.review_state is ReviewState.PUBLISHED for e in entries])
        self.valid_from.extend([_ordinal(e.valid_from, 0) for e in entries])
        self.valid_to.extend([_ordinal(e.valid_to, int(NO_END)) for e in entries])
        self.city.extend(city)
        self.district.extend(
            [regions.district_code(c, e.region.district) for c, e in zip(city, entries,
                                                                          strict=True)]
        )
        self.live_docs += len(entries)
        return first

    def add_text_rows(self, batch: TextBatch) -> int:
        first = self.n_texts
        if first + len(batch.texts) > K.MAX_TID:
            raise OverflowError("too many texts for one index; rebuild it")
        self.text_doc.extend(batch.docs)
        self.text_field.extend(batch.fields)
        self.text_len.extend(batch.lengths)
        self.text_head.extend(np.clip(np.asarray(batch.heads, dtype=np.int64), 0, 255))
        return first

    def kill(self, doc: int) -> None:
        self.alive.set(doc, False)
        self.entries[doc] = None
        self.dead_docs.append(doc)
        self.live_docs -= 1

    def searchable(self, today: date) -> F32:
        """1.0 for documents shown on ``today`` (``KBEntry.is_searchable``), else 0.0."""
        day = today.toordinal()
        cached = self._mask_cache
        if cached is not None and cached[0] == day and cached[1] == self.version:
            return cached[2]
        shown = self.alive.view & self.published.view
        shown &= self.valid_from.view <= day
        shown &= self.valid_to.view >= day
        mask: F32 = shown.astype(np.float32)
        self._mask_cache = (day, self.version, mask)
        return mask
