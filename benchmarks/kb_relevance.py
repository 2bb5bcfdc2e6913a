"""Relevance of the knowledge-base search: recall@1 and recall@5 per kind of query.

The seed knowledge base (resources/kb/seed) is mixed into a generated knowledge
base of 100,000 entries in all (benchmarks/kb_synth.py), so every query has to
beat thousands of partial matches. Queries come from benchmarks/kb_eval/:
``*_queries.jsonl`` (hand-written by the seed writers and by the search work)
and ``generated_queries.jsonl`` (mechanical kinds made from seed titles by
benchmarks/kb_eval/make_queries.py). A query counts as found at k when one of
its expected ids is among the first k hits.

    python benchmarks/kb_relevance.py [--n 100000] [--failures] [--kind typo]

Goals: recall@1 >= 0.90 and recall@5 >= 0.97 overall, no kind below 0.85 @5.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import kb_synth  # noqa: E402

from hotline_desk.core.kb.search import SearchIndex  # noqa: E402

EVAL_DIR = ROOT / "benchmarks" / "kb_eval"
TODAY = date(2026, 6, 1)


@dataclass(frozen=True)
class EvalQuery:
    q: str
    expected: tuple[str, ...]
    kind: str
    source: str


def load_queries(folder: Path = EVAL_DIR) -> list[EvalQuery]:
    queries: list[EvalQuery] = []
    for path in sorted(folder.glob("*.jsonl")):
        source = path.stem
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                queries.append(EvalQuery(obj["q"], tuple(obj["expected"]), obj["kind"], source))
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path.name}:{number}: bad query line ({exc})") from exc
    return queries


def evaluate(index: SearchIndex, queries: list[EvalQuery], show_failures: bool = False,
             ) -> dict[str, dict[str, float]]:
    """Per-kind, per-source and overall recall; prints the table."""
    found1: dict[str, list[bool]] = defaultdict(list)
    found5: dict[str, list[bool]] = defaultdict(list)
    failures: list[str] = []
    for query in queries:
        hits = index.search(query.q, TODAY, limit=5)
        ids = [hit.id for hit in hits]
        expected = set(query.expected)
        at1 = bool(ids[:1]) and ids[0] in expected
        at5 = bool(expected & set(ids))
        for group in (f"kind:{query.kind}", f"source:{query.source}", "overall"):
            found1[group].append(at1)
            found5[group].append(at5)
        if not at1 and show_failures:
            got = " | ".join(f"{h.id} {h.title} {h.score}" for h in hits[:3])
            failures.append(f"[{query.kind}] {query.q!r} want {','.join(query.expected)}"
                            f"{' (in top 5)' if at5 else ''}: {got}")
    results: dict[str, dict[str, float]] = {}
    print(f"{'group':34} {'n':>5} {'R@1':>6} {'R@5':>6}")
    for group in sorted(found1, key=lambda g: (g == "overall", g)):
        n = len(found1[group])
        r1 = sum(found1[group]) / n
        r5 = sum(found5[group]) / n
        results[group] = {"n": n, "recall@1": r1, "recall@5": r5}
        print(f"{group:34} {n:5d} {r1:6.3f} {r5:6.3f}")
    if failures:
        print("\nnot first:")
        print("\n".join(failures))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KB search relevance benchmark")
    parser.add_argument("--n", type=int, default=100_000, help="knowledge-base size")
    parser.add_argument("--failures", action="store_true", help="list queries not ranked first")
    parser.add_argument("--kind", help="only this kind of query")
    parser.add_argument("--source", help="only queries from this file stem")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    entries = kb_synth.benchmark_kb(args.n)
    index = SearchIndex.build(entries)
    print(f"knowledge base: {len(entries)} entries (seed + generated), index built in "
          f"{time.perf_counter() - started:.1f} s incl. generation")
    queries = load_queries()
    if args.kind:
        queries = [q for q in queries if q.kind == args.kind]
    if args.source:
        queries = [q for q in queries if q.source == args.source]
    known = {e.id for e in entries}
    missing = sorted({i for q in queries for i in q.expected if i not in known})
    if missing:
        print(f"warning: {len(missing)} expected ids are not in the seed: {missing[:8]}")
    results = evaluate(index, queries, args.failures)
    overall = results["overall"]
    worst = min((v["recall@5"], k) for k, v in results.items() if k.startswith("kind:"))
    ok = overall["recall@1"] >= 0.90 and overall["recall@5"] >= 0.97 and worst[0] >= 0.85
    print(f"\ngoal (R@1 >= 0.90, R@5 >= 0.97, every kind R@5 >= 0.85): "
          f"{'met' if ok else 'NOT met'} (weakest kind {worst[1]} {worst[0]:.3f} @5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
