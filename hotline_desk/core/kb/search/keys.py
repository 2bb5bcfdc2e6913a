"""Index keys of texts, computed vectorised over many texts at once.

A whole knowledge base (100,000 entries, about a million short texts) and a
single upserted entry go through the same code, so an incremental update indexes
an entry exactly as a rebuild would.

Positional keys of the short texts (title, questions, keywords). A key is a
``uint64`` whose top byte is its type and whose low bits are its *payload*; a
value is a ``uint32`` text position ``tid << 8 | pos`` (texts are indexed up to
255 characters):

* ``UNI``   one character;
* ``BI``    two adjacent characters;
* ``SYL2``  two adjacent readings (every reading of a polyphone): full pinyin and
  homophone typos (公基金 → gong·ji·jin finds 公积金);
* ``INI2``  two adjacent initial letters (gjj);
* ``HEAD``  each reading of a title's first character after a leading place name
  ("合肥市|住房…" → zhu): a lone syllable being typed ("gong", "sh") only makes
  sense as the start of a title.

Answers (long) get a document-level set of character bigrams (``answer_keys``).
Texts are normalised here, on code points, exactly as :func:`text.normalize` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from hotline_desk.core.kb.search.readings import ReadingTable, reading_table

UNI, BI, SYL2, INI2, HEAD = 1, 2, 3, 4, 5
TYPE_SHIFT = 56
POS_BITS = 8
MAX_POS = (1 << POS_BITS) - 1
MAX_TID = (1 << (32 - POS_BITS)) - 1
_SEP = "\x00"
_MAX_CP = 0x10FFFF

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]


def key_uni(char: str) -> int:
    return (UNI << TYPE_SHIFT) | ord(char)


def key_bi(first: str, second: str) -> int:
    return (BI << TYPE_SHIFT) | (ord(first) << 21) | ord(second)


def key_syl2(first: int, second: int) -> int:
    return (SYL2 << TYPE_SHIFT) | (first << 11) | second


def key_ini2(first: int, second: int) -> int:
    return (INI2 << TYPE_SHIFT) | (first << 5) | second


def key_head(syllable: int) -> int:
    return (HEAD << TYPE_SHIFT) | syllable


def answer_key(first: str, second: str) -> int:
    return (ord(first) << 21) | ord(second)


@dataclass(frozen=True, slots=True)
class KeyBlock:
    """Keys of one type: ``payloads[i]`` at text position ``values[i]``."""

    kind: int
    payloads: U64
    values: U32

    def full_keys(self) -> U64:
        return (np.uint64(self.kind) << np.uint64(TYPE_SHIFT)) | self.payloads


@cache
def _word_table() -> BOOL:
    """``str.isalnum`` of every code point (the characters the index keeps)."""
    return np.fromiter((chr(c).isalnum() for c in range(_MAX_CP + 1)), dtype=bool,
                       count=_MAX_CP + 1)


def normalize_code_points(cps: U32) -> U32:
    """:func:`text.normalize` on code points: A–Z and full-width forms folded."""
    out = cps.copy()
    upper = (cps >= 0x41) & (cps <= 0x5A)
    out[upper] += 32
    wide = (cps >= 0xFF01) & (cps <= 0xFF5E)
    if wide.any():
        half = cps[wide] - np.uint32(0xFEE0)
        half = np.where((half >= 0x41) & (half <= 0x5A), half + np.uint32(32), half)
        out[wide] = half.astype(np.uint32)
    out[cps == 0x3000] = 0x20
    return out


@cache
def _letter_table(table: ReadingTable) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8],
                                                npt.NDArray[np.uint8]]:
    """Distinct initial letters per code point (行 xing/hang/heng → x, h)."""
    size = len(table.start)
    start = np.zeros(size, dtype=np.int32)
    count = np.zeros(size, dtype=np.uint8)
    flat: list[int] = []
    for char in sorted(table.by_char):
        letters = sorted(table.initials(char))
        start[ord(char)] = len(flat)
        count[ord(char)] = len(letters)
        flat.extend(letters)
    return start, count, np.asarray(flat, dtype=np.uint8)


def _pair_expand(
    first_cp: U32, second_cp: U32, base: U32,
    start: npt.NDArray[np.int32], count: npt.NDArray[np.uint8], flat: npt.NDArray[np.generic],
    shift: int,
) -> tuple[U64, U32]:
    """Payloads for every (reading of first) x (reading of second) at the given pairs.

    Pairs of single-reading characters (most) come first, then polyphone pairs.
    """
    size = len(start)
    safe1 = np.where(first_cp < size, first_cp, 0)
    safe2 = np.where(second_cp < size, second_cp, 0)
    c1 = count[safe1]
    c2 = count[safe2]
    single = (c1 == 1) & (c2 == 1)
    s1, s2 = safe1[single], safe2[single]
    payloads = [(flat[start[s1]].astype(np.uint64) << np.uint64(shift))
                | flat[start[s2]].astype(np.uint64)]
    values = [base[single]]
    multi = np.flatnonzero(~single & (c1 > 0) & (c2 > 0))
    if multi.size:
        m1, m2 = safe1[multi], safe2[multi]
        n2 = c2[multi].astype(np.int64)
        per = c1[multi].astype(np.int64) * n2
        which = np.repeat(np.arange(multi.size), per)
        within = np.arange(which.size) - (np.cumsum(per) - per)[which]
        n2w = n2[which]
        r1 = flat[start[m1[which]] + within // n2w].astype(np.uint64)
        r2 = flat[start[m2[which]] + within % n2w].astype(np.uint64)
        payloads.append((r1 << np.uint64(shift)) | r2)
        values.append(base[multi][which])
    return np.concatenate(payloads), np.concatenate(values)


def _code_points(texts: Sequence[str]) -> tuple[U32, I64, I64]:
    """Normalised code points of ``texts`` joined by separators, their starts and lengths."""
    joined = _SEP.join(texts) + _SEP
    raw: U32 = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    return normalize_code_points(raw), starts, lengths


def text_keys(texts: Sequence[str], first_tid: int, heads: Sequence[int]) -> list[KeyBlock]:
    """Positional keys of ``texts`` (raw), numbered from ``first_tid``; one block per type.

    ``heads[i]`` is where text ``i``'s subject starts (after a leading place name);
    -1 for texts without ``HEAD`` keys.
    Blocks are not sorted.
    """
    table = reading_table()
    if not texts:
        return []
    cps, starts, lengths = _code_points(texts)
    local = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)
    pos = np.arange(cps.size, dtype=np.int64) - starts[local]
    word = _word_table()[cps] & (pos <= MAX_POS)
    values = (((local + first_tid) << POS_BITS) | np.minimum(pos, MAX_POS)).astype(np.uint32)

    blocks: list[KeyBlock] = []
    at = np.flatnonzero(word)
    blocks.append(KeyBlock(UNI, cps[at].astype(np.uint64), values[at]))

    pair = np.flatnonzero(word[:-1] & word[1:])
    first, second = cps[pair], cps[pair + 1]
    blocks.append(KeyBlock(
        BI, (first.astype(np.uint64) << np.uint64(21)) | second.astype(np.uint64), values[pair]
    ))
    payloads, vals = _pair_expand(first, second, values[pair], table.start, table.count,
                                  table.flat, 11)
    blocks.append(KeyBlock(SYL2, payloads, vals))
    lstart, lcount, lflat = _letter_table(table)
    payloads, vals = _pair_expand(first, second, values[pair], lstart, lcount, lflat, 5)
    blocks.append(KeyBlock(INI2, payloads, vals))

    head_at = np.asarray(heads, dtype=np.int64)
    has_head = (head_at >= 0) & (head_at < lengths) & (head_at <= MAX_POS)
    head_pos = (starts + head_at)[has_head]
    head_pos = head_pos[word[head_pos]]
    head_cp = cps[head_pos]
    inside = head_cp < len(table.start)
    head_pos, head_cp = head_pos[inside], head_cp[inside]
    counts = table.count[head_cp].astype(np.int64)
    which = np.repeat(np.arange(head_pos.size), counts)
    within = np.arange(which.size) - (np.cumsum(counts) - counts)[which]
    readings = table.flat[table.start[head_cp[which]] + within].astype(np.uint64)
    blocks.append(KeyBlock(HEAD, readings, values[head_pos[which]]))
    return blocks


def answer_keys(answers: Sequence[str], first_doc: int) -> tuple[U64, U32]:
    """Distinct character bigrams of each (raw) answer, with the document number.

    Sorted by key, then document.
    """
    if not answers:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    cps, _starts, lengths = _code_points(answers)
    doc = np.repeat(np.arange(len(answers), dtype=np.int64) + first_doc, lengths + 1)
    word = _word_table()[cps]
    pair = np.flatnonzero(word[:-1] & word[1:])
    first, second = cps[pair], cps[pair + 1]
    if len(answers) == 1:  # an upsert: no need for the big dense table
        keys = np.unique((first.astype(np.uint64) << np.uint64(21)) | second.astype(np.uint64))
        return keys, np.full(keys.size, first_doc, dtype=np.uint32)
    # Dense character ids keep (pair, document) within 64 bits for one sort.
    present = np.zeros(_MAX_CP + 1, dtype=bool)
    present[first] = True
    present[second] = True
    chars = np.flatnonzero(present).astype(np.uint64)
    dense = np.cumsum(present, dtype=np.int64) - 1
    packed = (
        (dense[first].astype(np.uint64) << np.uint64(43))
        | (dense[second].astype(np.uint64) << np.uint64(22))
        | doc[pair].astype(np.uint64)
    )
    packed.sort()
    if packed.size:
        keep = np.concatenate(([True], packed[1:] != packed[:-1]))
        packed = packed[keep]
    mask21 = np.uint64((1 << 21) - 1)
    keys = (chars[(packed >> np.uint64(43)).astype(np.int64)] << np.uint64(21)) | chars[
        ((packed >> np.uint64(22)) & mask21).astype(np.int64)
    ]
    return keys, (packed & np.uint64((1 << 22) - 1)).astype(np.uint32)
