"""Posting lists: an immutable compressed main part plus a small mutable delta.

The main part is three flat arrays (sorted unique keys, offsets, values), built
in one vectorised pass and saved/loaded as raw bytes. Upserts append to the delta
(a dict of small lists) instead of rebuilding; values in the delta are always
larger than those in the main part, so ``main + delta`` stays sorted. Postings
of removed documents stay in place and are masked out when scoring; ``live_count``
subtracts them, so document frequencies equal those of a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from hotline_desk.core.kb.search.keys import TYPE_SHIFT, KeyBlock

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

_EMPTY = np.zeros(0, dtype=np.uint32)
_LOW32 = np.uint64(0xFFFFFFFF)


def _sort_into(payloads: U64, values: U32, keys_out: U64, values_out: U32) -> None:
    """Sort by (payload, value) into the output slices; payloads of up to 42 bits.

    The payload and the value are packed into one ``uint64`` and sorted as plain
    integers (a stable sort by payload alone is several times slower).
    """
    if payloads.size == 0:
        return
    if int(payloads.max()) < (1 << 32):
        packed = payloads << np.uint64(32)
        packed |= values
        packed.sort()
        np.right_shift(packed, np.uint64(32), out=keys_out)
        np.copyto(values_out, packed, casting="unsafe")  # keeps the low 32 bits
        return
    # A character pair (two 21-bit halves): rank the distinct halves densely.
    present = np.zeros(1 << 21, dtype=bool)
    present[payloads >> np.uint64(21)] = True
    present[payloads & np.uint64((1 << 21) - 1)] = True
    symbols = np.flatnonzero(present).astype(np.uint64)
    if symbols.size > (1 << 16):
        order = np.argsort(payloads, kind="stable")
        keys_out[:] = payloads[order]
        values_out[:] = values[order]
        return
    dense = (np.cumsum(present, dtype=np.int64) - 1).astype(np.uint64)
    packed = dense[payloads >> np.uint64(21)] << np.uint64(48)
    packed |= dense[payloads & np.uint64((1 << 21) - 1)] << np.uint64(32)
    packed |= values
    packed.sort()
    np.copyto(values_out, packed, casting="unsafe")
    packed >>= np.uint64(32)
    keys_out[:] = symbols[(packed >> np.uint64(16)).astype(np.int64)] << np.uint64(21)
    keys_out |= symbols[(packed & np.uint64(0xFFFF)).astype(np.int64)]


class Postings:
    """Key → ascending ``uint32`` values, main part + delta."""

    def __init__(self, keys: U64, offsets: I64, values: U32) -> None:
        self.keys = keys
        self.offsets = offsets
        self.values = values
        self.delta: dict[int, list[int]] = {}
        self._delta_arrays: dict[int, U32] = {}
        self.dead: dict[int, int] = {}

    @classmethod
    def build(cls, keys: U64, values: U32) -> Postings:
        """From keys sorted ascending (values ascending within equal keys)."""
        if keys.size:
            change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
            starts = np.concatenate(([0], change)).astype(np.int64)
        else:
            starts = np.zeros(0, dtype=np.int64)
        unique_keys = np.ascontiguousarray(keys[starts], dtype=np.uint64)
        offsets = np.concatenate((starts, [keys.size])).astype(np.int64)
        return cls(unique_keys, offsets, np.ascontiguousarray(values, dtype=np.uint32))

    @classmethod
    def from_blocks(cls, blocks: list[KeyBlock]) -> Postings:
        """From per-type key blocks (unsorted, one per type), sorted type by type.

        ``blocks`` is emptied as it goes, so each block's memory is freed once sorted.
        """
        blocks.sort(key=lambda b: b.kind, reverse=True)
        total = sum(b.values.size for b in blocks)
        keys = np.empty(total, dtype=np.uint64)
        values = np.empty(total, dtype=np.uint32)
        at = 0
        while blocks:
            block = blocks.pop()
            size = block.values.size
            _sort_into(block.payloads, block.values, keys[at : at + size], values[at : at + size])
            keys[at : at + size] |= np.uint64(block.kind) << np.uint64(TYPE_SHIFT)
            at += size
            del block
        return cls.build(keys, values)

    def _main(self, key: int) -> U32:
        i = int(np.searchsorted(self.keys, np.uint64(key)))
        if i < self.keys.size and int(self.keys[i]) == key:
            return self.values[self.offsets[i]:self.offsets[i + 1]]
        return _EMPTY

    def _delta(self, key: int) -> U32 | None:
        cached = self._delta_arrays.get(key)
        if cached is not None:
            return cached
        listed = self.delta.get(key)
        if not listed:
            return None
        array = np.asarray(listed, dtype=np.uint32)
        self._delta_arrays[key] = array
        return array

    def get(self, key: int) -> U32:
        main = self._main(key)
        extra = self._delta(key) if self.delta else None
        if extra is None:
            return main
        return extra if main.size == 0 else np.concatenate((main, extra))

    def get_many(self, keys: Iterable[int]) -> list[U32]:
        """Postings of several keys (one vectorised look-up in the main part)."""
        wanted = list(keys)
        if not wanted:
            return []
        probe = np.asarray(wanted, dtype=np.uint64)
        at = np.searchsorted(self.keys, probe)
        inside = at < self.keys.size
        found = np.zeros(len(wanted), dtype=bool)
        found[inside] = self.keys[at[inside]] == probe[inside]
        result: list[U32] = []
        for key, i, hit in zip(wanted, at.tolist(), found.tolist(), strict=True):
            main = self.values[self.offsets[i]:self.offsets[i + 1]] if hit else _EMPTY
            extra = self._delta(key) if self.delta else None
            if extra is not None:
                main = extra if main.size == 0 else np.concatenate((main, extra))
            result.append(main)
        return result

    def live_count(self, key: int) -> int:
        """How many postings of live documents ``key`` has (for document frequencies)."""
        i = int(np.searchsorted(self.keys, np.uint64(key)))
        main = 0
        if i < self.keys.size and int(self.keys[i]) == key:
            main = int(self.offsets[i + 1] - self.offsets[i])
        return main + len(self.delta.get(key, ())) - self.dead.get(key, 0)

    def add(self, keys: U64, values: U32) -> None:
        """Append postings (values larger than any present) to the delta."""
        order = np.lexsort((values, keys))
        for key, value in zip(keys[order].tolist(), values[order].tolist(), strict=True):
            self.delta.setdefault(key, []).append(value)
            self._delta_arrays.pop(key, None)

    def forget(self, keys: U64) -> None:
        """Count the postings of a removed document as dead (one call per posting)."""
        for key in keys.tolist():
            self.dead[key] = self.dead.get(key, 0) + 1
