#!/usr/bin/env python
"""Export benchmark: synthetic person-ledger rows through ``lianxin.imports.xlsx.export_workbook``
(XlsxWriter constant_memory), no database. Shows the time and that memory stays flat.

    .venv/bin/python bench/export_bench.py                  # 200,000 rows, plus a 20,000-row run to compare
    .venv/bin/python bench/export_bench.py --rows 1000000 --compare-rows 0

Figures go to stdout, one per line as ``name: value``: rows, seconds, rows_per_s, file_mb,
baseline_rss_mb (before writing), peak_rss_mb (ru_maxrss of this process), and, for the comparison
run in a fresh process, compare_rows and compare_peak_rss_mb. The file goes to a temporary
directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VILLAGES = ["甲马石村委会", "白革龙村委会", "者布村委会", "坝心村委会"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["小明", "秀英", "国华", "建军", "丽萍", "德福", "桂兰", "志强", "玉梅", "文"]
ETHNICITIES = ["汉族", "苗族", "彝族", "壮族"]
RELATIONS = ["户主", "配偶", "子女", "父母"]


def emit(name: str, value) -> None:
    print(f"{name}: {value}", flush=True)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def synthetic_rows(n: int):
    """Person-ledger rows (masked IDs and phones, as exports carry them) with a money and an area column."""
    born = dt.date(1950, 1, 1)
    for i in range(n):
        village = VILLAGES[i % len(VILLAGES)]
        yield (
            village,
            f"{village[:3]}{i % 12 + 1}组",
            f"{i // 4:06d}",
            SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
            f"532622********{i % 10000:04d}",
            "男" if i % 2 else "女",
            born + dt.timedelta(days=i % 25000),
            ETHNICITIES[i % len(ETHNICITIES)],
            RELATIONS[i % len(RELATIONS)],
            f"139****{i % 10000:04d}",
            Decimal(i % 100000) / 100,
            Decimal(i % 1000) / 100,
            i % 6 + 1,
        )


def run(rows: int, out_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from lianxin.imports.xlsx import ExportColumn, export_workbook

    columns = [
        ExportColumn("村委会"),
        ExportColumn("村民小组"),
        ExportColumn("户编号"),
        ExportColumn("姓名", "name"),
        ExportColumn("身份证号码", "resident_id"),
        ExportColumn("性别", "choice"),
        ExportColumn("出生日期", "date"),
        ExportColumn("民族", "choice"),
        ExportColumn("与户主关系", "choice"),
        ExportColumn("手机号码", "phone"),
        ExportColumn("补偿金额", "money", total=True),
        ExportColumn("承包面积", "area", total=True),
        ExportColumn("家庭人口", "int", total=True, unit="人"),
    ]
    path = out_dir / f"export_{rows}.xlsx"
    baseline = _rss_mb()
    started = time.perf_counter()
    written = export_workbook(
        str(path),
        title="示范镇户籍人口台账",
        columns=columns,
        rows=synthetic_rows(rows),
        township="示范镇",
        generated_on=dt.date(2026, 11, 30),
        count_unit="人",
    )
    seconds = time.perf_counter() - started
    assert written == rows
    emit("rows", rows)
    emit("seconds", round(seconds, 2))
    emit("rows_per_s", round(rows / seconds))
    emit("file_mb", round(path.stat().st_size / 2**20, 1))
    emit("baseline_rss_mb", round(baseline, 1))
    emit("peak_rss_mb", round(_rss_mb(), 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--compare-rows", type=int, default=20_000, help="a smaller run in a fresh process (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lianxin_export_bench_") as tmp:
        if args.compare_rows:
            child = subprocess.run(
                [sys.executable, __file__, "--rows", str(args.compare_rows), "--compare-rows", "0"],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            figures = dict(line.split(": ", 1) for line in child.stdout.splitlines() if ": " in line)
            emit("compare_rows", figures["rows"])
            emit("compare_seconds", figures["seconds"])
            emit("compare_peak_rss_mb", figures["peak_rss_mb"])
        print(f"writing {args.rows:,} rows to {tmp}", file=sys.stderr)
        run(args.rows, Path(tmp))


if __name__ == "__main__":
    main()
