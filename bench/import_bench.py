#!/usr/bin/env python
"""Import benchmark: the person ledger (户籍人口台账) through the import engine, against the raw
limit and against django-import-export. See bench/README.md.

    .venv/bin/python bench/import_bench.py                     # 100,000 rows, SQLite
    .venv/bin/python bench/import_bench.py --db postgres       # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/import_bench.py --rows 1000000 --peer-rows 0   # the memory run

Figures go to stdout, one per line as ``name: value``; progress and diagnostics go to stderr.
Everything is created in a throwaway directory (and, with ``--db postgres``, a throwaway database
``lianxin_bench_<pid>``) that is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import django_configure, django_setup, emit, log, pg_drop  # noqa: E402

TITLE = "示范镇户籍人口台账(基准测试数据)"
HEADERS = [
    "序号",
    "村委会",
    "村民小组",
    "户编号",
    "住址",
    "姓名",
    "身份证号码",
    "与户主关系",
    "民族",
    "手机号码",
    "备注",  # not a ledger column: ignored by the engine
    "出生日期",  # not a ledger column either (the engine derives it from the ID)
]
LEDGER = slice(1, 10)  # the nine ledger columns, 村委会 … 手机号码
RAW_COLUMNS = (
    "village",
    "village_group",
    "household_number",
    "address",
    "name",
    "resident_id",
    "relation",
    "ethnicity",
    "phone",
)
VILLAGES = ["甲马石村", "白革龙村", "者黑村", "阿猛村", "新寨村", "老寨村", "大坪村", "小坪村", "龙树村", "河边村"]
NUMERALS = "一二三四五六七八九十"
GROUPS_PER_VILLAGE = 10
PERSONS_PER_HOUSEHOLD = 4
RELATIONS = ("户主", "配偶", "子女", "子女")
ETHNICITIES = ("汉族", "汉族", "苗族", "彝族", "壮族", "汉族")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国文"
ADDRESS_CODE = "532622"  # a county python-stdnum knows, valid for any birth year
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
BIRTH_START = dt.date(1940, 1, 1)
BIRTH_DAYS = 29_000  # up to 2019


def group_names() -> list[tuple[str, str]]:
    """(village, village group) for every group of the bench township."""
    return [(v, f"{v.removesuffix('村')}{NUMERALS[g]}组") for v in VILLAGES for g in range(GROUPS_PER_VILLAGE)]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# ---------------------------------------------------------------------------------------------
# The workbook


def person_rows(rows: int, seed: int = 20261130):
    """The ``rows`` data rows (12 cells each, plus the birth date), with a few real-world quirks:
    full-width digits and a lowercase x in IDs, a leading apostrophe, stray spaces in names and
    village names, phone numbers with separators or +86, 妻子/苗 for 配偶/苗族."""
    from stdnum.cn import ric

    rng = random.Random(seed)
    groups = group_names()
    quirks = {}
    for k, at in enumerate((7, rows // 3, rows // 2, rows - 5)):
        if 0 <= at < rows:
            quirks.setdefault(at, set()).add(("fullwidth_id", "spaced_name", "dashed_phone", "apostrophe_id")[k])
    for at in (11, rows // 4, (rows * 3) // 4):
        if 0 <= at < rows:
            quirks.setdefault(at, set()).update({"spaced_village", "plus86_phone", "short_ethnicity", "wife"})
    lower_x = 3  # the first few IDs ending in X are typed with a lowercase x
    households = -(-rows // PERSONS_PER_HOUSEHOLD)
    for i in range(rows):
        # Sorted as townships keep it: village by village, group by group, each household's members together.
        household, position = divmod(i, PERSONS_PER_HOUSEHOLD)
        g = household * len(groups) // households
        village, group = groups[g]
        number = f"{g + 1:03d}-{household + 1:06d}"
        birth = BIRTH_START + dt.timedelta(days=i % BIRTH_DAYS)
        body = f"{ADDRESS_CODE}{birth:%Y%m%d}{i // BIRTH_DAYS:03d}"
        rid = body + ric.calc_check_digit(body + "0")
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else ""
        relation = RELATIONS[position]
        ethnicity = rng.choice(ETHNICITIES)
        note = "外出务工" if rng.random() < 0.05 else ""
        extra = quirks.get(i, ())
        if "fullwidth_id" in extra:
            rid = rid.translate(FULL_WIDTH)
        if "apostrophe_id" in extra:
            rid = "'" + rid
        if rid.endswith("X") and lower_x:
            rid, lower_x = rid.lower(), lower_x - 1
        if "spaced_name" in extra:
            name = f" {name[0]} {name[1:]} "
        if "dashed_phone" in extra:
            phone = "139-1234-5678"
        if "spaced_village" in extra:
            village = f" {village} "
        if "plus86_phone" in extra:
            phone = "+8613800138000" if i % 2 else "138 0013 8000"
        if "short_ethnicity" in extra:
            ethnicity = "苗"
        if "wife" in extra and relation == "配偶":
            relation = "妻子"
        yield (
            [i + 1, village, group, number, f"{group}{household + 1}号", name, rid, relation, ethnicity, phone, note],
            birth,
        )


def write_workbook(path: Path, rows: int, *, quirky_layout: bool = True, codes: bool = True) -> None:
    """The ledger as a township sends it: a merged title row, the header, ``rows`` people, and (with
    ``quirky_layout``) a blank row in the middle and a 合计 row and a 制表人 note at the end.

    ``codes=False``: the same roster without the 户编号 column (issue 15), as village rosters come:
    each household's members follow their head's row, so the engine forms households by row order."""
    import xlsxwriter

    drop = HEADERS.index("户编号")
    headers = HEADERS if codes else HEADERS[:drop] + HEADERS[drop + 1 :]

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("户籍人口")
    bold = wb.add_format({"bold": True, "align": "center"})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, len(headers) - 1, TITLE, bold)
    ws.write_row(1, 0, headers, bold)
    r = 2
    blank_at = rows // 2 + 3 if quirky_layout else -1
    for i, (cells, birth) in enumerate(person_rows(rows)):
        if i == blank_at:
            r += 1  # an empty row inside the data
        if not codes:
            cells = cells[:drop] + cells[drop + 1 :]
        ws.write_row(r, 0, cells)
        ws.write_datetime(r, len(cells), dt.datetime.combine(birth, dt.time()), date_format)
        r += 1
    if quirky_layout:
        ws.write_row(r, 0, ["合计", "", "", "", "", f"{rows}人"])
        ws.write_row(r + 1, 0, ["制表人:李会计", "", "", "", "", "", "审核人:王书记"])
    wb.close()


# ---------------------------------------------------------------------------------------------
# (a) The raw limit: calamine read + one plain bulk insert of the same nine columns, one transaction


def raw_ledger_rows(path: Path):
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    for n, cells in enumerate(sheet.iter_rows()):
        if n < 2:  # title and header
            continue
        first = cells[0] if cells else ""
        if first == "合计":
            return
        if first == "" and not any(cells):
            continue
        yield tuple(cells[LEDGER])


def raw_limit(path: Path, db: str, target: str) -> tuple[int, float]:
    """Rows and seconds: the whole file read with calamine and inserted (SQLite: executemany; PostgreSQL: COPY)."""
    columns = ", ".join(RAW_COLUMNS)
    if db == "sqlite":
        import sqlite3

        conn = sqlite3.connect(target, isolation_level=None)
        # The same pragmas as the project's SQLite connections (config/settings/base.py).
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute(f"CREATE TABLE person_raw (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in RAW_COLUMNS)})")
        start = time.perf_counter()
        conn.execute("BEGIN")
        cur = conn.executemany(
            f"INSERT INTO person_raw ({columns}) VALUES ({', '.join('?' * len(RAW_COLUMNS))})", raw_ledger_rows(path)
        )
        count = cur.rowcount
        conn.execute("COMMIT")
        seconds = time.perf_counter() - start
        conn.close()
        return count, seconds
    import psycopg

    with psycopg.connect(target) as conn:
        conn.execute(
            f"CREATE TABLE person_raw (id bigserial PRIMARY KEY, {', '.join(c + ' text' for c in RAW_COLUMNS)})"
        )
        conn.commit()
        start = time.perf_counter()
        count = 0
        with conn.cursor() as cur, cur.copy(f"COPY person_raw ({columns}) FROM STDIN") as copy:
            for row in raw_ledger_rows(path):
                copy.write_row(row)
                count += 1
        conn.commit()
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE person_raw")
        conn.commit()
    return count, seconds


def run_in_subprocess(*args: str) -> dict[str, str]:
    """This script again, in its own process, with ``args``; the figures it prints, by name. The raw
    limit and the peer run apart from the engine, so neither their memory nor the garbage they leave
    behind weighs on the engine's figures."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    return dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)


# ---------------------------------------------------------------------------------------------
# Django


def township_setup():
    """County → township → 10 villages → 100 village groups, and a working-group member of the township."""
    from lianxin.accounts.roles import Role
    from lianxin.accounts.services import user_create
    from lianxin.regions.models import Region
    from lianxin.regions.services import region_create

    county = region_create(name="示例县", level=Region.Level.COUNTY, parent=None, stat_code="532622000000")
    town = region_create(name="示范镇", level=Region.Level.TOWNSHIP, parent=county, stat_code="532622100000")
    villages = {}
    for n, name in enumerate(VILLAGES, start=1):
        villages[name] = region_create(
            name=name, level=Region.Level.VILLAGE, parent=town, stat_code=f"532622100{n:03d}"
        )
    for village, group in group_names():
        region_create(name=group, level=Region.Level.VILLAGE_GROUP, parent=villages[village])
    user, _password = user_create(
        username="bench",
        full_name="基准测试",
        role=Role.WORKING_GROUP,
        scope_region=town,
        password="Bench-2026-import!",
    )
    return user


# ---------------------------------------------------------------------------------------------
# (b) The engine, end to end: upload, dry run, commit


def run_single_pass(path: Path, user, rows: int) -> float:
    """Seconds of a commit without a dry run before it (``import_ledger`` without --dry-run): one pass
    that reads, checks and writes. Its rows are then deleted (raw DELETE) for the measured flow."""
    from django.db import connection

    from lianxin.imports.models import ImportBatch
    from lianxin.imports.services import batch_commit, batch_upload
    from lianxin.people.models import Household, Person

    with path.open("rb") as fh:
        batch = batch_upload(user=user, ledger="persons", file=fh, file_name=path.name)
    start = time.perf_counter()
    batch = batch_commit(batch=batch, actor=user)
    seconds = time.perf_counter() - start
    if batch.status != ImportBatch.Status.COMMITTED or Person.objects.count() != rows:
        raise SystemExit(f"the single-pass commit did not store every row: status={batch.status}")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Person._meta.db_table}")
        cursor.execute(f"DELETE FROM {Household._meta.db_table}")
    return seconds


def run_engine(path: Path, user, rows: int, profile: str | None) -> dict[str, float]:
    from lianxin.imports.models import ImportBatch
    from lianxin.imports.services import batch_check, batch_commit, batch_upload
    from lianxin.people.models import Household, Person

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    start = time.perf_counter()
    with path.open("rb") as fh:
        batch = batch_upload(user=user, ledger="persons", file=fh, file_name=path.name)
    uploaded = time.perf_counter()
    if profiler:
        profiler.enable()
    batch = batch_check(batch=batch)
    checked = time.perf_counter()
    if batch.rejected or batch.to_create != rows or batch.status != ImportBatch.Status.CHECKED:
        log(f"dry run: status={batch.status} to_create={batch.to_create} rejected={batch.rejected} {batch.message}")
        for error in batch.errors[:10]:
            log(f"  {error}")
        raise SystemExit("the engine's dry run did not accept every row")
    batch = batch_commit(batch=batch, actor=user)
    committed = time.perf_counter()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
        import pstats

        log(f"profile of the dry run + commit written to {profile}; top functions by own time:")
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)
    persons = Person.objects.count()
    if batch.status != ImportBatch.Status.COMMITTED or persons != rows:
        raise SystemExit(f"the engine's commit did not store every row: status={batch.status} persons={persons}")
    return {
        "upload": uploaded - start,
        "dry_run": checked - uploaded,
        "commit": committed - checked,
        "households": Household.objects.count(),
        "records": batch.records.count(),
    }


# ---------------------------------------------------------------------------------------------
# The peer: django-import-export


def run_peer(path: Path, rows: int) -> dict[str, float]:
    """django-import-export's default import (a ModelResource, ``import_data``: dry run, then the
    real import, as its admin does) of the household columns (村民小组, 户编号, 住址) into
    people.Household; afterwards the households it created are deleted again."""
    import tablib
    from import_export import fields, resources, widgets

    from lianxin.people.models import Household
    from lianxin.regions.models import Region

    class HouseholdResource(resources.ModelResource):
        village_group = fields.Field(
            attribute="village_group", column_name="村民小组", widget=widgets.ForeignKeyWidget(Region, field="name")
        )
        number = fields.Field(attribute="number", column_name="户编号")
        address = fields.Field(attribute="address", column_name="住址")

        class Meta:
            model = Household
            fields = ("village_group", "number", "address")
            import_id_fields = ("village_group", "number")

    def load() -> tablib.Dataset:
        with path.open("rb") as fh:
            return tablib.Dataset().load(fh, format="xlsx", skip_lines=1)  # skip the title row

    before = set(Household.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    dry = HouseholdResource().import_data(load(), dry_run=True, use_transactions=True, raise_errors=True)
    checked = time.perf_counter()
    result = HouseholdResource().import_data(load(), dry_run=False, use_transactions=True, raise_errors=True)
    committed = time.perf_counter()
    if dry.has_errors() or result.has_errors() or result.total_rows != rows:
        raise SystemExit(f"django-import-export did not import every row: {result.totals} of {result.total_rows}")
    Household.objects.exclude(pk__in=before).delete()
    return {"dry_run": checked - start, "commit": committed - checked}


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people in the generated ledger (100,000)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--peer-rows",
        type=int,
        default=10_000,
        help="rows of the same ledger imported with django-import-export (10,000; 0 skips the peer)",
    )
    parser.add_argument("--profile", metavar="FILE", help="cProfile the engine's dry run + commit into FILE")
    parser.add_argument("--skip-raw", action="store_true", help="do not measure the raw limit")
    parser.add_argument(
        "--skip-single-pass", action="store_true", help="do not measure a commit without a dry run before it"
    )
    parser.add_argument(
        "--skip-without-codes", action="store_true", help="do not measure the roster without 户编号 (issue 15)"
    )
    parser.add_argument("--raw-repeat", type=int, default=3, help="raw-limit runs; the fastest counts (3)")
    parser.add_argument("--workdir", help="keep the generated files here instead of a temporary directory")
    parser.add_argument("--raw-only", metavar="XLSX", help=argparse.SUPPRESS)
    parser.add_argument("--raw-target", help=argparse.SUPPRESS)
    parser.add_argument("--peer-only", metavar="XLSX", help=argparse.SUPPRESS)
    parser.add_argument("--peer-url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.peer_only:
        django_configure(args.peer_url, Path(args.workdir))
        peer = run_peer(Path(args.peer_only), args.peer_rows)
        emit("dry_run", peer["dry_run"])
        emit("commit", peer["commit"])
        return

    if args.raw_only:
        # Best of --raw-repeat runs: the limit is what the machine can do, not what it did once.
        best = None
        for attempt in range(args.raw_repeat):
            if args.db == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(args.raw_target + suffix).unlink(missing_ok=True)
            count, seconds = raw_limit(Path(args.raw_only), args.db, args.raw_target)
            log(f"  raw run {attempt + 1}: {count} rows in {seconds:.3f} s")
            best = seconds if best is None else min(best, seconds)
        emit("raw_rows", count)
        emit("raw_seconds", best)
        emit("raw_peak_rss_mb", _rss_mb())
        return

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = None
    try:
        path = workdir / f"户籍人口台账_{args.rows}.xlsx"
        for leftover in workdir.glob("*.sqlite3*"):  # a kept --workdir: only the workbook is reused
            leftover.unlink()
        shutil.rmtree(workdir / "var", ignore_errors=True)
        if path.exists() and args.workdir:
            log(f"reusing {path} (the generator is deterministic)")
        else:
            log(f"writing {path.name} ({args.rows} rows)")
            t = time.perf_counter()
            write_workbook(path, args.rows)
            log(f"  {time.perf_counter() - t:.1f} s, {path.stat().st_size / 2**20:.1f} MB")

        emit("db", args.db)
        emit("rows", args.rows)
        emit("file_mb", path.stat().st_size / 2**20)

        url = django_setup(args.db, workdir, "lianxin_bench")
        user = township_setup()

        raw_rate = None
        if not args.skip_raw:
            log("raw limit (separate process)")
            target = (
                str(workdir / "raw.sqlite3") if args.db == "sqlite" else url.replace("postgres://", "postgresql://")
            )
            raw = run_in_subprocess(
                "--raw-only", str(path), "--db", args.db, "--raw-target", target, "--raw-repeat", str(args.raw_repeat)
            )
            raw_rows, raw_seconds = int(raw["raw_rows"]), float(raw["raw_seconds"])
            if raw_rows != args.rows:
                raise SystemExit(f"raw limit read {raw_rows} rows, expected {args.rows}")
            raw_rate = raw_rows / raw_seconds
            emit("raw_seconds", raw_seconds)
            emit("raw_rows_per_s", raw_rate)
            emit("raw_peak_rss_mb", float(raw["raw_peak_rss_mb"]))

        peer_rate = None
        if args.peer_rows:
            peer_path = workdir / f"户籍人口台账_peer_{args.peer_rows}.xlsx"
            write_workbook(peer_path, args.peer_rows, quirky_layout=False)
            log(f"django-import-export on {args.peer_rows} rows (separate process)")
            peer = {
                name: float(value)
                for name, value in run_in_subprocess(
                    "--peer-only",
                    str(peer_path),
                    "--peer-rows",
                    str(args.peer_rows),
                    "--peer-url",
                    url,
                    "--workdir",
                    str(workdir),
                ).items()
            }
            peer_rate = args.peer_rows / (peer["dry_run"] + peer["commit"])

        single_pass = None
        if not args.skip_single_pass:
            log("engine: a commit without a dry run (one pass)")
            single_pass = run_single_pass(path, user, args.rows)
        log("engine: upload, dry run, commit")
        engine = run_engine(path, user, args.rows, args.profile)
        rss = _rss_mb()
        rows = args.rows
        engine_rate = rows / (engine["dry_run"] + engine["commit"])
        emit("engine_upload_seconds", engine["upload"])
        emit("engine_dry_run_seconds", engine["dry_run"])
        emit("engine_commit_seconds", engine["commit"])
        emit("engine_dry_run_rows_per_s", rows / engine["dry_run"])
        emit("engine_commit_rows_per_s", rows / engine["commit"])
        emit("engine_rows_per_s", engine_rate)
        emit("engine_households", engine["households"])
        emit("engine_import_records", engine["records"])
        if single_pass:
            emit("engine_single_pass_seconds", single_pass)
            emit("engine_single_pass_rows_per_s", rows / single_pass)
        if raw_rate:
            emit("ratio_commit_to_raw", rows / engine["commit"] / raw_rate)
            emit("ratio_engine_to_raw", engine_rate / raw_rate)
            if single_pass:
                emit("ratio_single_pass_to_raw", rows / single_pass / raw_rate)
        if peer_rate:
            emit("peer", "django-import-export")
            emit("peer_rows", args.peer_rows)
            emit("peer_dry_run_rows_per_s", args.peer_rows / peer["dry_run"])
            emit("peer_commit_rows_per_s", args.peer_rows / peer["commit"])
            emit("peer_rows_per_s", peer_rate)
            emit("ratio_engine_to_peer", engine_rate / peer_rate)
        if not args.skip_without_codes:
            # issue 15: the same roster without 户编号 must stay within 10 % of the coded one. The two are run
            # alternately (nocode, coded, nocode after the coded run above) and the best run of each is compared,
            # so that a moment of load on a shared machine does not decide the ratio.
            from django.db import connection

            from lianxin.people.models import Household, Person

            def emptied() -> None:
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {Person._meta.db_table}")
                    cursor.execute(f"DELETE FROM {Household._meta.db_table}")

            nocode_path = workdir / f"户籍人口台账_无户编号_{args.rows}.xlsx"
            log(f"writing {nocode_path.name}")
            write_workbook(nocode_path, args.rows, codes=False)
            coded_runs, nocode_runs = [engine], []
            for which in ("nocode", "coded", "nocode"):
                emptied()
                log(f"engine ({which}): upload, dry run, commit")
                run = run_engine(nocode_path if which == "nocode" else path, user, args.rows, None)
                (nocode_runs if which == "nocode" else coded_runs).append(run)
            nocode = min(nocode_runs, key=lambda r: r["dry_run"] + r["commit"])
            coded = min(coded_runs, key=lambda r: r["dry_run"] + r["commit"])
            nocode_rate = rows / (nocode["dry_run"] + nocode["commit"])
            coded_rate = rows / (coded["dry_run"] + coded["commit"])
            emit("nocode_dry_run_seconds", nocode["dry_run"])
            emit("nocode_commit_seconds", nocode["commit"])
            emit("nocode_rows_per_s", nocode_rate)
            emit("nocode_households", nocode["households"])
            emit("coded_best_rows_per_s", coded_rate)
            emit("ratio_nocode_to_coded", nocode_rate / coded_rate)
            if nocode["households"] != engine["households"]:
                raise SystemExit(
                    f"households formed without codes: {nocode['households']}, with codes: {engine['households']}"
                )
        emit("peak_rss_mb", rss)
    finally:
        if url and args.db == "postgres":
            pg_drop(url)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
