"""The per-character pinyin reading table the search engine indexes by.

Operators type pinyin (``gongjijin``), initials (``gjj``) or let the IME pick a
wrong homophone (公基金), so every Chinese character is indexed under *all* of its
toneless readings (重 → zhong/chong/tong, 行 → xing/hang/heng, 长 → zhang/chang).

Calling pypinyin per title costs about 25 s per 100,000 titles; the table here is
built once from pypinyin's own character data (``pypinyin.pinyin_dict``), which
is about 30x faster and gives every reading of a polyphone, not only the one
pypinyin would guess from context. ``ü`` is written ``v`` as pinyin IMEs do.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from pypinyin import pinyin_dict

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    kept = "".join(ch for ch in decomposed if ch == "\u0308" or not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).replace("ü", "v").lower()


@dataclass(frozen=True, eq=False)
class ReadingTable:
    """Toneless readings of every character pypinyin knows, with numeric syllable ids.

    ``syllables`` is sorted, so a syllable's id (its index) is stable for a given
    pypinyin data set; ``digest`` identifies that data set in saved indexes.
    """

    syllables: tuple[str, ...]
    syllable_id: dict[str, int]
    by_char: dict[str, tuple[int, ...]]
    chars_by_syllable: tuple[tuple[str, ...], ...]
    initial_of: tuple[int, ...]  # syllable id -> letter index 0..25 of its first letter
    # Dense look-up for vectorised index builds: code point -> slice of ``flat``.
    start: npt.NDArray[np.int32]
    count: npt.NDArray[np.uint8]
    flat: npt.NDArray[np.uint16]
    digest: str

    def reading_ids(self, char: str) -> tuple[int, ...]:
        """Syllable ids of ``char`` (empty for anything that is not a Chinese character)."""
        return self.by_char.get(char, ())

    def readings(self, char: str) -> tuple[str, ...]:
        return tuple(self.syllables[i] for i in self.by_char.get(char, ()))

    def initials(self, char: str) -> frozenset[int]:
        """Letter indexes (0..25) the readings of ``char`` start with."""
        return frozenset(self.initial_of[i] for i in self.by_char.get(char, ()))

    def is_syllable(self, text: str) -> bool:
        return text in self.syllable_id

    def with_prefix(self, prefix: str) -> tuple[int, ...]:
        """Ids of every syllable starting with ``prefix`` (itself included)."""
        return _prefix_ids(self, prefix)

    def homophones(self, char: str) -> tuple[str, ...]:
        """Characters sharing at least one reading with ``char`` (``char`` excluded)."""
        seen: dict[str, None] = {}
        for sid in self.by_char.get(char, ()):
            for other in self.chars_by_syllable[sid]:
                if other != char:
                    seen[other] = None
        return tuple(seen)


@cache
def _prefix_ids(table: ReadingTable, prefix: str) -> tuple[int, ...]:
    return tuple(i for i, syl in enumerate(table.syllables) if syl.startswith(prefix))


@cache
def reading_table() -> ReadingTable:
    """The process-wide reading table (built on first use, ~0.1 s)."""
    raw: dict[int, str] = pinyin_dict.pinyin_dict
    per_char: dict[str, list[str]] = {}
    inventory: set[str] = set()
    for code_point, joined in raw.items():
        readings: list[str] = []
        for reading in joined.split(","):
            plain = _toneless(reading.strip())
            if plain and plain.isascii() and plain.isalpha() and plain not in readings:
                readings.append(plain)
        if readings:
            per_char[chr(code_point)] = readings
            inventory.update(readings)
    syllables = tuple(sorted(inventory))
    syllable_id = {syl: i for i, syl in enumerate(syllables)}
    by_char = {ch: tuple(syllable_id[r] for r in rs) for ch, rs in per_char.items()}
    chars_lists: list[list[str]] = [[] for _ in syllables]
    for ch, ids in by_char.items():
        for sid in ids:
            chars_lists[sid].append(ch)
    initial_of = tuple(LETTERS.index(syl[0]) for syl in syllables)

    size = max(ord(ch) for ch in by_char) + 1
    start = np.zeros(size, dtype=np.int32)
    count = np.zeros(size, dtype=np.uint8)
    flat_list: list[int] = []
    for ch in sorted(by_char):
        ids = by_char[ch]
        start[ord(ch)] = len(flat_list)
        count[ord(ch)] = len(ids)
        flat_list.extend(ids)
    flat = np.asarray(flat_list, dtype=np.uint16)

    digest = hashlib.blake2b(digest_size=12)
    for ch in sorted(by_char):
        digest.update(f"{ord(ch)}:{','.join(per_char[ch])};".encode())
    return ReadingTable(
        syllables=syllables,
        syllable_id=syllable_id,
        by_char=by_char,
        chars_by_syllable=tuple(tuple(chars) for chars in chars_lists),
        initial_of=initial_of,
        start=start,
        count=count,
        flat=flat,
        digest=digest.hexdigest(),
    )
