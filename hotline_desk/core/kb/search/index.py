"""The knowledge-base search index (第十二条(一): answer from the knowledge base at once).

Build it once from the entries (vectorised: about 100,000 entries in seconds), keep
it current with :meth:`SearchIndex.upsert` / :meth:`SearchIndex.remove` (cheap, no
rebuild), save it with :meth:`SearchIndex.to_bytes` and load it with
:meth:`SearchIndex.from_bytes` at start-up. :meth:`SearchIndex.search` answers one
keystroke's query; only entries searchable on the ``today`` passed in are returned
(published and valid, 第三十条). Everything is pure: no clock, no files.

An index is not thread-safe (it caches the last keystrokes' work): use it from one
thread, or guard it. Once the knowledge base is loaded, the desk should call
``gc.freeze()``: a full garbage collection over 100,000 tracked entries takes
~200 ms and would otherwise land on a keystroke now and then.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import codec
from hotline_desk.core.kb.search import keys as K
from hotline_desk.core.kb.search import ranking as R
from hotline_desk.core.kb.search.highlight import FieldMatch, Highlighter, PreparedCache
from hotline_desk.core.kb.search.matching import TermMatcher
from hotline_desk.core.kb.search.postings import Postings
from hotline_desk.core.kb.search.query import ParsedQuery, Term, parse
from hotline_desk.core.kb.search.tables import Tables, TextBatch
from hotline_desk.core.vocabulary import ReviewState

F32 = npt.NDArray[np.float32]
_TERM_CACHE_SIZE = 48


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the entry, its score, and the matched spans per field."""

    id: str
    title: str
    score: float
    entry: KBEntry
    matches: tuple[FieldMatch, ...]


_CHUNK = 8192  # entries keyed at a time: bounds the build's temporary memory


def _index_batch(
    tables: Tables, entries: Sequence[KBEntry]
) -> tuple[list[K.KeyBlock], npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """Add rows for ``entries`` and return their text key blocks and answer keys/docs.

    Keys are computed chunk by chunk (the vectorised intermediates of a whole
    100,000-entry knowledge base would take gigabytes) and joined per key type.
    """
    by_kind: dict[int, list[K.KeyBlock]] = {}
    answer_keys: list[npt.NDArray[np.uint64]] = []
    answer_docs: list[npt.NDArray[np.uint32]] = []
    for at in range(0, max(len(entries), 1), _CHUNK):
        chunk = entries[at : at + _CHUNK]
        first_doc = tables.add_doc_rows(chunk)
        batch = TextBatch()
        for offset, entry in enumerate(chunk):
            batch.add(first_doc + offset, entry)
        first_tid = tables.add_text_rows(batch)
        for block in K.text_keys(batch.texts, first_tid, batch.head_keys_at()):
            by_kind.setdefault(block.kind, []).append(block)
        keys, docs = K.answer_keys([e.answer for e in chunk], first_doc)
        answer_keys.append(keys)
        answer_docs.append(docs)
    blocks = [
        K.KeyBlock(kind, np.concatenate([b.payloads for b in parts]),
                   np.concatenate([b.values for b in parts]))
        for kind, parts in sorted(by_kind.items())
    ]
    return blocks, np.concatenate(answer_keys), np.concatenate(answer_docs)


def _full_keys(blocks: list[K.KeyBlock]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    if not blocks:
        return np.zeros(0, np.uint64), np.zeros(0, np.uint32)
    return (np.concatenate([b.full_keys() for b in blocks]),
            np.concatenate([b.values for b in blocks]))


def _entry_keys(entry: KBEntry) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The keys (with multiplicity) one entry contributed: for live document counts."""
    batch = TextBatch()
    batch.add(0, entry)
    text_keys, _ = _full_keys(K.text_keys(batch.texts, 0, batch.head_keys_at()))
    answer_keys, _ = K.answer_keys([entry.answer], 0)
    return text_keys, answer_keys


class SearchIndex:
    """Search over title, questions, keywords and answer of knowledge-base entries."""

    def __init__(self, tables: Tables | None = None) -> None:
        self._t = tables if tables is not None else Tables()
        self._matcher = TermMatcher(self._t)
        self._term_cache: OrderedDict[tuple[object, ...], F32] = OrderedDict()
        self._prepared: PreparedCache = {}
        self._general: tuple[int, F32] | None = None

    # -- construction ------------------------------------------------------------------
    @classmethod
    def build(cls, entries: Iterable[KBEntry]) -> SearchIndex:
        """Index every entry (drafts and retired ones too: searchability is per day)."""
        listed = list(entries)
        counts = Counter(e.id for e in listed)
        duplicates = sorted(entry_id for entry_id, n in counts.items() if n > 1)
        if duplicates:
            raise DataFormatError(
                f"duplicate knowledge-base ids: {', '.join(duplicates[:5])}",
                f"知识库条目编号重复：{'、'.join(duplicates[:5])}",
                [(d, "id", "条目编号重复") for d in duplicates],
            )
        tables = Tables()
        blocks, answer_keys, answer_docs = _index_batch(tables, listed)
        tables.postings = Postings.from_blocks(blocks)
        # Answer pairs are distinct per document; sorted here across the chunks.
        answer_block = [K.KeyBlock(0, answer_keys, answer_docs)]
        del answer_keys, answer_docs
        tables.answers = Postings.from_blocks(answer_block)
        return cls(tables)

    @property
    def tables(self) -> Tables:
        return self._t

    def __len__(self) -> int:
        return self._t.live_docs

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._t.doc_of

    def get(self, entry_id: str) -> KBEntry | None:
        doc = self._t.doc_of.get(entry_id)
        return None if doc is None else self._t.entries[doc]

    def entries(self) -> list[KBEntry]:
        return [e for e in self._t.entries if e is not None]

    # -- saving and loading -----------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The index as bytes (pending updates included); see :mod:`.codec`."""
        return codec.dumps(self._t)

    @classmethod
    def from_bytes(cls, data: bytes, entries: Iterable[KBEntry]) -> SearchIndex:
        """The index saved by :meth:`to_bytes`, for the same ``entries``.

        :class:`DataFormatError` when the bytes are damaged, of another format, or
        belong to other entries: rebuild then.
        """
        return cls(codec.loads(data, entries))

    # -- incremental updates -----------------------------------------------------------
    def upsert(self, entry: KBEntry) -> None:
        """Add ``entry`` or replace the entry with its id; no rebuild."""
        t = self._t
        if entry.id in t.doc_of:
            self._drop(entry.id)
        blocks, answer_keys, answer_docs = _index_batch(t, [entry])
        t.postings.add(*_full_keys(blocks))
        t.answers.add(answer_keys, answer_docs)
        self._changed()

    def remove(self, entry_id: str) -> bool:
        """Take the entry out of the index; False when it was not there."""
        if entry_id not in self._t.doc_of:
            return False
        self._drop(entry_id)
        self._changed()
        return True

    def retire(self, entry_id: str) -> bool:
        """Mark the entry retired (已下线): it stays indexed but is never shown."""
        entry = self.get(entry_id)
        if entry is None:
            return False
        self.upsert(replace(entry, review_state=ReviewState.RETIRED))
        return True

    def _drop(self, entry_id: str) -> None:
        t = self._t
        doc = t.doc_of.pop(entry_id)
        entry = t.entries[doc]
        assert entry is not None
        text_keys, answer_keys = _entry_keys(entry)
        t.postings.forget(text_keys)
        t.answers.forget(answer_keys)
        t.kill(doc)

    def _changed(self) -> None:
        self._t.version += 1
        self._term_cache.clear()
        self._prepared.clear()

    # -- search ------------------------------------------------------------------------
    def search(self, query: str | ParsedQuery, today: date, limit: int = 10) -> list[SearchHit]:
        """The best ``limit`` searchable entries for ``query`` on ``today``, best first."""
        parsed = parse(query) if isinstance(query, str) else query
        t = self._t
        if parsed.empty or t.n_docs == 0 or limit <= 0:
            return []
        total = self.score_all(parsed, today)
        hits = []
        highlight = Highlighter(parsed, self._prepared)
        for doc in R.top_k(total, t.id_rank.view, limit):
            entry = t.entries[doc]
            assert entry is not None
            hits.append(SearchHit(
                id=entry.id,
                title=entry.title,
                score=round(float(total[doc]), 4),
                entry=entry,
                matches=highlight(entry),
            ))
        return hits

    def score_all(self, parsed: ParsedQuery, today: date) -> F32:
        """The score of every document number for ``parsed`` (0 = not a hit)."""
        t = self._t
        searchable = t.searchable(today)
        multi = len(parsed.terms) > 1
        if len(parsed.terms) == 1:
            total = self._term_scores(parsed.terms[0], today, searchable, multi).copy()
        else:
            total = np.zeros(t.n_docs, dtype=np.float32)
            matched = np.zeros(t.n_docs, dtype=np.int32)
            for term in parsed.terms:
                scores = self._term_scores(term, today, searchable, multi)
                total += scores
                matched += scores > 0
            if multi:
                total += np.float32(R.ALL_TERMS_BONUS) * (matched == len(parsed.terms))
        if parsed.places:
            region = R.region_fit(t.city.view, t.district.view, parsed.places) * searchable
            if parsed.terms:
                # A place only lifts entries that match the topic, unless nothing does.
                region = np.where(total > 0, region, region * np.float32(0.1))
            total += np.float32(R.REGION_WEIGHT) * region
        else:
            total += self._general_bonus() * (total > 0)
        total *= searchable  # by construction already; this makes it an invariant
        return total

    def _general_bonus(self) -> F32:
        """``GENERAL_BONUS`` for province-wide entries, 0 for the others (per version)."""
        cached = self._general
        if cached is None or cached[0] != self._t.version:
            bonus = (self._t.city.view == 0).astype(np.float32) * np.float32(R.GENERAL_BONUS)
            cached = (self._t.version, bonus)
            self._general = cached
        return cached[1]

    def _term_scores(self, term: Term, today: date, searchable: F32, multi: bool) -> F32:
        key = (term, today.toordinal(), multi)
        cached = self._term_cache.get(key)
        if cached is not None:
            self._term_cache.move_to_end(key)
            return cached
        scores = self._matcher.score(term, searchable, multi)
        self._term_cache[key] = scores
        if len(self._term_cache) > _TERM_CACHE_SIZE:
            self._term_cache.popitem(last=False)
        return scores
