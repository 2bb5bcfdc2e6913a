"""Import/export speed of knowledge-base files at 100,000 entries.

Prints read and write seconds per format; for XLSX also openpyxl's read-only reader,
the alternative python-calamine replaced. Run: .venv/bin/python benchmarks/kb_import.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.vocabulary import Area
from hotline_desk.storage.kb_files import read_kb_file, write_kb_file

BEIJING = timezone(timedelta(hours=8))
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def entries(count: int) -> list[KBEntry]:
    return [
        KBEntry(
            id=f"KB-SYN-{n:06d}", title=f"住房公积金租房提取条件{n}",
            answer="职工连续足额缴存住房公积金满3个月，本人及配偶在缴存城市无自有住房且租赁住房的，"
                   "可以申请提取住房公积金支付房租。可通过皖事通APP或安徽政务服务网在线办理。",
            questions=("租房能取公积金吗", "房租可以用公积金付吗", "公积金怎么付房租"),
            keywords=("公积金", "租房提取", "房租"), policy_basis="《住房公积金管理条例》",
            category=Area.PUBLIC_SERVICE, owner_unit="合肥市住房公积金管理中心",
            region=Region("安徽省", "合肥市", "蜀山区"), valid_from=date(2024, 1, 1),
            version=2, updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING),
        )
        for n in range(count)
    ]


def openpyxl_read_rows(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))


def main() -> None:
    data = entries(COUNT)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".jsonl", ".csv", ".xlsx"):
            path = Path(tmp) / f"kb{suffix}"
            began = time.perf_counter()
            write_kb_file(path, data)
            wrote = time.perf_counter() - began
            began = time.perf_counter()
            back = read_kb_file(path)
            read = time.perf_counter() - began
            assert len(back) == COUNT
            print(f"{suffix:7} {COUNT} entries: write {wrote:6.2f} s, read+validate {read:6.2f} s")
            if suffix == ".xlsx":
                began = time.perf_counter()
                rows = openpyxl_read_rows(path)
                print(f"        openpyxl read-only, rows only (no validation): "
                      f"{time.perf_counter() - began:6.2f} s for {rows} rows")


if __name__ == "__main__":
    main()
