"""Generate the mechanical evaluation queries (generated_queries.jsonl) from the seed.

For every seed entry the generator picks a phrase of the title's subject (after its
place name) made of whole words (the subject is cut into words by longest match
against pypinyin's phrase list plus the seed's keywords), that no other entry of
the benchmark knowledge base (seed + 100,000 generated distractors) has in its
title, questions or keywords — so the right answer is unambiguous — and turns it
into what an operator types:

* ``chars``     2–4 characters of it;
* ``prefix``    the shortest unambiguous start of the title's subject (3+ chars);
* ``pinyin``    its full pinyin (pypinyin, read in context: 重庆 → chongqing);
* ``pinyin_spaced``  the same, one syllable per space-separated word;
* ``initials``  the first letters of its syllables (gjjtq);
* ``mixed``     its first characters in Chinese and the rest in pinyin (公积金tiqu);
* ``homophone`` one character replaced by a homophone as a pinyin IME offers it:
  the most frequent character of the seed's own text whose usual reading is the
  same toneless syllable (a real homophone table, never the title's character);
* ``missing`` / ``extra`` / ``swapped``  one character left out, one typed twice
  or a common character slipped in, two neighbours swapped;
* ``multi``     two separate words of the title, space-separated, that together
  point at this entry only;
* ``region``    a city name plus a phrase the entry shares with entries of other
  cities (the city decides).

Deterministic (fixed random seed). Re-run when the seed changes:

    python benchmarks/kb_eval/make_queries.py
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import kb_synth  # noqa: E402
from pypinyin import Style, lazy_pinyin  # noqa: E402

from hotline_desk.core.kb.entry import KBEntry  # noqa: E402
from hotline_desk.core.kb.search import regions  # noqa: E402
from hotline_desk.core.kb.search.readings import reading_table  # noqa: E402
from hotline_desk.core.kb.search.text import is_han  # noqa: E402

OUT = Path(__file__).resolve().parent / "generated_queries.jsonl"
PER_KIND = 40


def _subject(title: str) -> str:
    found = regions.leading_place(title)
    return title[found[1]:] if found else title


def _pinyin(text: str) -> list[str]:
    return [p.replace("ü", "v") for p in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False)]


class Corpus:
    """Which entries contain a phrase (title, questions, keywords), quickly enough."""

    def __init__(self, entries: Sequence[KBEntry]) -> None:
        self.entries = list(entries)
        self.texts = ["\n".join((e.title, *e.questions, *e.keywords)) for e in entries]
        self.titles = [e.title for e in entries]
        self.big = "\x00".join(self.texts)
        self.starts: list[int] = []
        at = 0
        for text in self.texts:
            self.starts.append(at)
            at += len(text) + 1

    def count(self, phrase: str, limit: int = 2) -> int:
        """Entries containing ``phrase`` (counting stops at ``limit``)."""
        found = 0
        last = -1
        at = self.big.find(phrase)
        while at >= 0 and found < limit:
            entry = self._entry_at(at)
            if entry != last:
                found += 1
                last = entry
            at = self.big.find(phrase, at + 1)
        return found

    def holders(self, phrase: str) -> set[int]:
        result: set[int] = set()
        at = self.big.find(phrase)
        while at >= 0:
            result.add(self._entry_at(at))
            at = self.big.find(phrase, at + 1)
        return result

    def _entry_at(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


def _vocabulary(seed: Sequence[KBEntry]) -> frozenset[str]:
    from pypinyin.phrases_dict import phrases_dict

    words = {w for w in phrases_dict if 2 <= len(w) <= 5}
    words.update(k for e in seed for k in e.keywords if 2 <= len(k) <= 6)
    return frozenset(words)


def _words(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Longest-match segmentation (unknown characters stand alone)."""
    words: list[str] = []
    at = 0
    while at < len(text):
        for size in range(min(6, len(text) - at), 0, -1):
            piece = text[at : at + size]
            if size == 1 or piece in vocabulary:
                words.append(piece)
                at += size
                break
    return words


def _unique_phrases(corpus: Corpus, words: Sequence[str], lengths: Sequence[int]) -> list[str]:
    """Runs of whole words whose length is in ``lengths`` (in that order of preference)
    that only this entry has."""
    runs: list[str] = []
    for start in range(len(words)):
        for stop in range(start + 1, min(len(words), start + 3) + 1):
            runs.append("".join(words[start:stop]))
    found = []
    for size in lengths:
        for phrase in runs:
            if len(phrase) == size and _wordlike(phrase) \
                    and corpus.count(phrase) == 1 and phrase not in found:
                found.append(phrase)
    return found


_JOINERS = frozenset("和及与的或等之对为并在")


def _wordlike(phrase: str) -> bool:
    """Chinese characters only, not starting or ending with a joining word (和, 及…)."""
    return (all(is_han(ch) for ch in phrase) and phrase[0] not in _JOINERS
            and phrase[-1] not in _JOINERS)


def _unique_phrases_any(words: Sequence[str]) -> list[str]:
    """Runs of one or two whole words (any frequency)."""
    runs = list(words)
    runs += ["".join(words[i : i + 2]) for i in range(len(words) - 1)]
    return [r for r in dict.fromkeys(runs) if _wordlike(r)]


def _homophone_pool(seed: Sequence[KBEntry]) -> tuple[Counter[str], dict[str, list[str]]]:
    """Characters of the seed's text by frequency, and by toneless reading."""
    freq: Counter[str] = Counter(
        ch for e in seed for ch in e.title + e.answer + "".join(e.questions) if is_han(ch)
    )
    table = reading_table()
    by_sound: dict[str, list[str]] = defaultdict(list)
    for ch, _n in freq.most_common():
        readings = table.readings(ch)
        if freq[ch] >= 3 and readings:
            by_sound[readings[0]].append(ch)  # its usual reading: what an IME offers it for
    return freq, by_sound


def _homophone(phrase: str, by_sound: dict[str, list[str]], rng: random.Random) -> str | None:
    sounds = _pinyin(phrase)
    positions = list(range(1, len(phrase)))
    rng.shuffle(positions)
    for i in positions:
        for other in by_sound.get(sounds[i], []):
            if other != phrase[i]:
                return phrase[:i] + other + phrase[i + 1 :]
    return None


def make(entries: Sequence[KBEntry], seed: Sequence[KBEntry]) -> list[dict[str, object]]:
    rng = random.Random(20260601)
    corpus = Corpus(entries)
    freq, by_sound = _homophone_pool(seed)
    common = [ch for ch, n in freq.most_common(300)]
    by_kind: dict[str, list[dict[str, object]]] = defaultdict(list)
    city_of = {i: e.region.city for i, e in enumerate(corpus.entries)}
    index_of = {e.id: i for i, e in enumerate(corpus.entries)}

    def add(kind: str, query: str, entry: KBEntry) -> None:
        by_kind[kind].append({"q": query, "expected": [entry.id], "kind": kind})

    vocabulary = _vocabulary(seed)
    subjects = [_subject(t) for t in corpus.titles]
    for entry in seed:
        subject = _subject(entry.title)
        words = _words(subject, vocabulary)
        four = _unique_phrases(corpus, words, (4, 5, 3, 6))
        if not four:
            continue
        phrase = rng.choice(four[:4])
        short = _unique_phrases(corpus, words, (2, 3, 4))
        if short:
            add("chars", rng.choice(short[:3]), entry)
        for size in range(3, len(subject) + 1):
            start = subject[:size]
            if sum(1 for t in subjects if t.startswith(start)) == 1:
                add("prefix", start, entry)
                break
        sounds = _pinyin(phrase)
        if all(s.isascii() and s.isalpha() for s in sounds):
            add("pinyin", "".join(sounds), entry)
            add("pinyin_spaced", " ".join(sounds), entry)
            add("initials", "".join(s[0] for s in sounds), entry)
            if len(phrase) >= 4:
                cut = 2 if len(phrase) == 4 else 3
                add("mixed", phrase[:cut] + "".join(sounds[cut:]), entry)
        typo = _homophone(phrase, by_sound, rng)
        if typo is not None:
            add("homophone", typo, entry)
        long = [p for p in four if len(p) >= 5] or four
        base = rng.choice(long[:3])
        if len(base) >= 4:
            i = rng.randrange(1, len(base) - 1)
            add("missing", base[:i] + base[i + 1 :], entry)
            j = rng.randrange(1, len(base) - 2) if len(base) > 3 else 1
            add("swapped", base[:j] + base[j + 1] + base[j] + base[j + 2 :], entry)
            k = rng.randrange(1, len(base))
            extra = base[k - 1] if rng.random() < 0.5 else rng.choice(common)
            add("extra", base[:k] + extra + base[k:], entry)
        content = [w for w in words if len(w) >= 2 and _wordlike(w)]
        pairs = [(a, b) for i, a in enumerate(content) for b in content[i + 1 :]]
        rng.shuffle(pairs)
        for left, right in pairs:
            both = corpus.holders(left) & corpus.holders(right)
            if both == {index_of[entry.id]}:
                add("multi", f"{left} {right}", entry)
                break
        city = entry.region.city
        if city:
            stem = city[:-1] if city.endswith("市") else city
            for size in (4, 3, 2):
                options = [p for p in _unique_phrases_any(words) if len(p) == size]
                rng.shuffle(options)
                done = False
                for piece in options:
                    if not all(is_han(ch) for ch in piece):
                        continue
                    holders = corpus.holders(piece)
                    same_city = {h for h in holders if city_of[h] == city}
                    other_city = {h for h in holders if city_of[h] and city_of[h] != city}
                    if same_city == {index_of[entry.id]} and other_city:
                        add("region", f"{stem} {piece}", entry)
                        done = True
                        break
                if done:
                    break

    queries: list[dict[str, object]] = []
    for kind in sorted(by_kind):
        items = by_kind[kind]
        rng.shuffle(items)
        queries.extend(items[:PER_KIND])
    return queries


def main() -> int:
    entries = kb_synth.benchmark_kb()
    seed = kb_synth.load_seed(ROOT / "resources" / "kb" / "seed")
    queries = make(entries, seed)
    OUT.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries),
                   encoding="utf-8")
    kinds = Counter(str(q["kind"]) for q in queries)
    print(f"wrote {len(queries)} queries to {OUT.name}: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
