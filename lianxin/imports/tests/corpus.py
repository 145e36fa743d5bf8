"""A corpus of files as townships, land offices and surveyors deliver them (issue 15), built at test time.

Every file is synthetic: resident IDs are made up with a valid check digit (GB 11643, people.tests.factories),
names are common ones, coordinates a few rectangles. Each ``CorpusFile`` carries its expected outcome: the rows
(or features) accepted and rejected, and for each rejected row the reason (a part of its message).

``world`` (the fixture in test_corpus.py) makes what the files refer to: the township 示例镇 with 甲马石村
(甲马石一组, 甲马石二组), a project 氧化铝项目 with township standards of 55,000 元/亩 for dry land, two
registered household heads and parcels R-1 (2 mu), R-2 (1.5 mu), R-3 (4 mu) and G-1 (10 mu).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyproj
import shapefile
from django.utils import timezone
from pyproj.enums import WktVersion

from lianxin.people.tests.factories import resident_id

from .workbooks import write_xls, xlsx_from_rows

GROUP, GROUP2 = "甲马石一组", "甲马石二组"
# Members of the person rosters: (name, resident ID, relation); IDs from sequences 901… (none registered).
WANG, LI, WANG_SON = (
    ("王五", resident_id(date(1968, 3, 9), 901), "户主"),
    ("李芳", resident_id(date(1970, 8, 1), 902, male=False), "配偶"),
    ("王小", resident_id(date(1995, 1, 20), 903), "子女"),
)
ZHAO, ZHAO_GIRL = (
    ("赵六", resident_id(date(1972, 6, 6), 904), "户主"),
    ("赵丽", resident_id(date(2001, 2, 2), 905, male=False), "子女"),
)
# The household heads the compensation rosters pay (registered by the world fixture).
HEAD_ZHANG = ("张大山", resident_id(date(1960, 4, 4), 951))
HEAD_LIU = ("刘春花", resident_id(date(1965, 9, 9), 952, male=False))
CARD_ZHANG, CARD_LIU = "6228480123456789015", "6217002870012345675"  # both pass the Luhn check


@dataclass
class Expected:
    accepted: int
    rejected: int = 0
    reasons: dict[int, str] = field(default_factory=dict)  # row (or feature number) → part of its message
    file_error: str = ""  # a whole-file refusal (part of the message)
    created: list[str] = field(default_factory=list)  # geometry: parcel codes created
    updated: list[str] = field(default_factory=list)  # geometry: parcel codes whose drawing is set
    mismatches: list[str] = field(default_factory=list)  # geometry: codes flagged beyond the tolerance


@dataclass
class CorpusFile:
    name: str
    ledger: str  # an import-engine ledger key, or "geometry" for the map's import
    expected: Expected
    rows: list[list] | None = None  # spreadsheet content
    data: bytes | None = None  # geometry files
    options: dict = field(default_factory=dict)  # e.g. {"project": True}: the world's project is chosen

    def write(self, directory: Path) -> Path:
        path = directory / self.name
        if self.data is not None:
            path.write_bytes(self.data)
        elif path.suffix == ".csv":
            text = "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in self.rows) + "\r\n"
            path.write_bytes(text.encode("gbk"))
        elif path.suffix == ".xls":
            write_xls(path, [("Sheet1", [[("" if v is None else v) for v in row] for row in self.rows])])
        else:
            xlsx_from_rows(path, self.rows)
        return path


def _day(days_ago: int) -> str:
    return f"{timezone.localdate() - timedelta(days=days_ago):%Y-%m-%d}"


# --- person rosters ----------------------------------------------------------------------------------


def person_files() -> list[CorpusFile]:
    title = ["示例镇甲马石村户籍人口花名册"]
    files = [
        CorpusFile(
            "01_户籍台账_有户编号.xlsx",
            "persons",
            Expected(accepted=4),
            rows=[
                title,
                ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系"],
                [GROUP, "001", WANG[0], WANG[1], "户主"],
                [GROUP, "001", LI[0], LI[1], "配偶"],
                [GROUP, "001", WANG_SON[0], WANG_SON[1], "子女"],
                [GROUP, "002", ZHAO[0], ZHAO[1], "户主"],
            ],
        ),
        CorpusFile(
            "02_花名册_无户编号_户主身份证号码.xlsx",
            "persons",
            Expected(accepted=5),
            rows=[
                title,
                ["村民小组", "姓名", "身份证号码", "与户主关系", "户主身份证号码"],
                [GROUP, WANG[0], WANG[1], "户主", WANG[1]],
                [GROUP, ZHAO[0], ZHAO[1], "户主", ZHAO[1]],
                [GROUP, LI[0], LI[1], "配偶", WANG[1]],
                [GROUP, ZHAO_GIRL[0], ZHAO_GIRL[1], "子女", ZHAO[1]],
                [GROUP, WANG_SON[0], WANG_SON[1], "子女", WANG[1]],
            ],
        ),
        CorpusFile(
            "03_花名册_无户编号_户主姓名.xlsx",
            "persons",
            Expected(accepted=4),
            rows=[
                ["所属村民小组", "姓名", "公民身份号码", "与户主关系", "户主姓名"],
                [GROUP, WANG[0], WANG[1], "户主", WANG[0]],
                [GROUP, ZHAO[0], ZHAO[1], "户主", ZHAO[0]],
                [GROUP, LI[0], LI[1], "配偶", WANG[0]],
                [GROUP, ZHAO_GIRL[0], ZHAO_GIRL[1], "子女", ZHAO[0]],
            ],
        ),
        CorpusFile(
            "04_花名册_无户编号_按行序.xlsx",
            "persons",
            Expected(accepted=4, rejected=1, reasons={2: "此行之前也没有户主行"}),
            rows=[
                ["村民小组", "姓名", "身份证号码", "与户主关系"],
                [GROUP, ZHAO_GIRL[0], ZHAO_GIRL[1], "子女"],  # before any head
                [GROUP, WANG[0], WANG[1], "户主"],
                [GROUP, LI[0], LI[1], "配偶"],
                [GROUP, WANG_SON[0], WANG_SON[1], "子女"],
                [GROUP, ZHAO[0], ZHAO[1], "户主"],
            ],
        ),
        CorpusFile(
            "05_花名册_同名户主.xlsx",
            "persons",
            Expected(
                accepted=1,
                rejected=2,
                reasons={3: "村民小组中有两位名为“王五”的户主", 4: "村民小组中有两位名为“王五”的户主"},
            ),
            rows=[
                ["村民小组", "姓名", "身份证号码", "与户主关系", "户主姓名"],
                [GROUP, WANG[0], WANG[1], "户主", WANG[0]],
                [GROUP, WANG[0], ZHAO[1], "户主", WANG[0]],
                [GROUP, LI[0], LI[1], "配偶", WANG[0]],
            ],
        ),
        CorpusFile(
            "06_表头_全角_换行_单位括号.xlsx",
            "persons",
            Expected(accepted=3),
            rows=[
                title,
                ["村民\n小组", "户　编　号", "姓 名", "身份证号码（18位）", "与户主关系(必填)", "年龄（岁）"],
                [GROUP, "001", WANG[0], WANG[1], "户主", None],
                [GROUP, "001", LI[0], LI[1], "配偶", None],
                [GROUP, "002", ZHAO[0], ZHAO[1], "户主", None],
            ],
        ),
        CorpusFile(
            "07_表头_前缀后缀.xlsx",
            "persons",
            Expected(accepted=3),
            rows=[
                ["所属村民小组", "户编号", "本人姓名", "公民身份号码", "与户主关系", "现住址", "联系电话号码"],
                [GROUP, "001", WANG[0], WANG[1], "户主", "甲马石村12号", "13912345678"],
                [GROUP, "001", LI[0], LI[1], "配偶", "甲马石村12号", ""],
                [GROUP, "002", ZHAO[0], ZHAO[1], "户主", "甲马石村15号", ""],
            ],
        ),
        CorpusFile(
            "08_性别出生日期与身份证矛盾.xlsx",
            "persons",
            Expected(
                accepted=2,
                rejected=2,
                reasons={3: "性别为“女”,身份证号码显示为男", 5: "出生日期为“1972-06-16”,身份证号码显示为1972-06-06"},
            ),
            rows=[
                ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "性别", "出生日期"],
                [GROUP, "001", WANG[0], WANG[1], "户主", "男", "1968-03-09"],
                [GROUP, "001", LI[0], WANG_SON[1], "配偶", "女", "1995-01-20"],  # the son's ID on his mother's row
                [GROUP, "002", ZHAO_GIRL[0], ZHAO_GIRL[1], "户主", "女", "2001-02-02"],
                [GROUP, "003", ZHAO[0], ZHAO[1], "户主", "男", "1972-06-16"],
            ],
        ),
        CorpusFile(
            "09_户籍台账_GBK.csv",
            "persons",
            Expected(accepted=3),
            rows=[
                ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "民族"],
                [GROUP, "001", WANG[0], f"'{WANG[1]}", "户主", "汉族"],
                [GROUP, "001", LI[0], f"'{LI[1]}", "配偶", "彝族"],
                [GROUP, "002", ZHAO[0], f"'{ZHAO[1]}", "户主", "苗族"],
            ],
        ),
        CorpusFile(
            "10_户籍台账.xls",
            "persons",
            Expected(accepted=3),
            rows=[
                title,
                ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系"],
                [GROUP, "001", WANG[0], WANG[1], "户主"],
                [GROUP, "001", LI[0], LI[1], "配偶"],
                [GROUP, "002", ZHAO[0], ZHAO[1], "户主"],
            ],
        ),
        CorpusFile(
            "11_花名册_无户编号.xls",
            "persons",
            Expected(accepted=3),
            rows=[
                ["组别", "姓名", "身份证号", "与户主关系"],
                [GROUP, WANG[0], WANG[1], "户主"],
                [GROUP, LI[0], LI[1], "配偶"],
                [GROUP, ZHAO[0], ZHAO[1], "户主"],
            ],
        ),
        CorpusFile(
            "12_身份证号码有误_年龄矛盾.xlsx",
            "persons",
            Expected(accepted=1, rejected=2, reasons={3: "校验", 4: "年龄"}),
            rows=[
                ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "年龄"],
                [GROUP, "001", WANG[0], WANG[1], "户主", None],
                [GROUP, "001", LI[0], LI[1][:-1] + ("0" if LI[1][-1] != "0" else "1"), "配偶", None],
                [GROUP, "002", ZHAO[0], ZHAO[1], "户主", 20],
            ],
        ),
        CorpusFile(
            "13_缺少户编号及户主列.xlsx",
            "persons",
            Expected(accepted=0, file_error="缺少户编号列"),
            rows=[["村民小组", "姓名", "身份证号码"], [GROUP, WANG[0], WANG[1]]],
        ),
    ]
    return files


# --- compensation rosters ----------------------------------------------------------------------------

ROSTER_HEADER = [
    "户主姓名",
    "身份证号码",
    "地块编号",
    "征收面积(亩)",
    "地类",
    "补偿标准(元/亩)",
    "补偿金额(元)",
    "银行卡号",
    "签字日期",
    "兑付日期",
]


def _roster_row(head, card, code, area, amount, *, standard="55000", land_class="旱地", paid=True):
    return [head[0], head[1], code, area, land_class, standard, amount, card, _day(20), _day(5) if paid else None]


def roster_files() -> list[CorpusFile]:
    title = ["氧化铝项目征地补偿花名册"]
    good = [
        _roster_row(HEAD_ZHANG, CARD_ZHANG, "R-1", "2", "110000"),
        _roster_row(HEAD_ZHANG, CARD_ZHANG, "R-2", "1.5", "82500", land_class="0103"),
        _roster_row(HEAD_LIU, CARD_LIU, "R-3", "4", "220000", paid=False),
    ]
    project = {"project": True}
    return [
        CorpusFile(
            "21_征地补偿花名册.xlsx",
            "land_roster",
            Expected(accepted=3),
            rows=[title, ROSTER_HEADER, *good],
            options=project,
        ),
        CorpusFile(
            "22_征地补偿花名册_有误行.xlsx",
            "land_roster",
            Expected(
                accepted=1,
                rejected=4,
                reasons={
                    4: "征收面积1.5亩×补偿标准55,000.00元/亩=82,500.00元",
                    5: "户主姓名为“刘春华”",
                    6: "项目中没有编号为R-9的地块",
                    7: "补偿标准为60,000.00元/亩,签字日期适用的补偿标准合计为55,000.00元/亩",
                },
            ),
            rows=[
                title,
                ROSTER_HEADER,
                _roster_row(HEAD_ZHANG, CARD_ZHANG, "R-1", "2", "110000"),
                _roster_row(HEAD_ZHANG, CARD_ZHANG, "R-2", "1.5", "85200"),  # digits swapped
                _roster_row(("刘春华", HEAD_LIU[1]), CARD_LIU, "R-3", "4", "220000"),  # a wrong character
                _roster_row(HEAD_LIU, CARD_LIU, "R-9", "4", "220000"),
                _roster_row(HEAD_LIU, CARD_LIU, "R-3", "4", "240000", standard="60000"),
            ],
            options=project,
        ),
        CorpusFile(
            "23_征地补偿花名册_分项与合计.xlsx",
            "land_roster",
            Expected(accepted=1, rejected=1, reasons={3: "土地补偿费+安置补助费+社会保障费之和为82,000.00元"}),
            rows=[
                [*ROSTER_HEADER[:6], "土地补偿费", "安置补助费", "社会保障费", "合计", *ROSTER_HEADER[7:]],
                [
                    *HEAD_ZHANG,
                    "R-1",
                    "2",
                    "旱地",
                    "55000",
                    "60000",
                    "40000",
                    "10000",
                    "110000",
                    CARD_ZHANG,
                    _day(20),
                    None,
                ],
                [
                    *HEAD_ZHANG,
                    "R-2",
                    "1.5",
                    "旱地",
                    "55000",
                    "45000",
                    "30000",
                    "7000",
                    "82500",
                    CARD_ZHANG,
                    _day(20),
                    None,
                ],
            ],
            options=project,
        ),
        CorpusFile(
            "24_征地补偿花名册_表头变体.xlsx",
            "land_roster",
            Expected(accepted=3),
            rows=[
                title,
                [
                    "户主\n姓名",
                    "户主身份证号码（18位）",
                    "地块\n编号",
                    "面积（亩）",
                    "地类名称",
                    "补偿单价（元/亩）",
                    "补偿金额合计（元）",
                    "一卡通账号",
                    "签订日期",
                    "发放日期",
                ],
                *good,
            ],
            options=project,
        ),
        CorpusFile(
            "25_征地补偿花名册_GBK.csv",
            "land_roster",
            Expected(accepted=3),
            rows=[ROSTER_HEADER, *good],
            options=project,
        ),
    ]


# --- Shapefiles with NY/T 2539 fields, two Gauss–Krüger zones --------------------------------------

NYT_FIELDS = [
    ("DKBM", "C", 19),
    ("DKMC", "C", 50),
    ("FBFBM", "C", 14),
    ("FBFMC", "C", 60),
    ("CBFBM", "C", 18),
    ("CBFMC", "C", 50),
    ("ZJRXM", "C", 20),
    ("DLBM", "C", 4),
    ("TDYT", "C", 1),
    ("DLDJ", "C", 2),
    ("SFJBNT", "C", 1),
    ("DKDZ", "C", 50),
    ("DKNZ", "C", 50),
    ("DKXZ", "C", 50),
    ("DKBZ", "C", 50),
    ("SCMJ", "N", 12),
    ("SCMJM", "N", 12),
]


def _rect(epsg: int, i: int, width: float = 100, height: float = 66.667) -> list[list[float]]:
    """A rectangle in the zone's metres near 23.4° N, 6,666.7 ㎡ (10 mu) for the default size; no zone prefix
    (EPSG:4543/4544 are the CGCS2000 3-degree zones by central meridian, 102° E and 105° E)."""
    x, y = 480_000.0 + i * 300, 2_590_000.0
    return [[x, y], [x, y + height], [x + width, y + height], [x + width, y], [x, y]]


def nyt_shapefile(epsg: int, records: list[dict]) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="gbk")
    for name, kind, size in NYT_FIELDS:
        writer.field(name, kind, size=size, decimal=4 if kind == "N" else 0)
    for i, record in enumerate(records):
        writer.poly([_rect(epsg, i, *record.pop("_size", (100, 66.667)))])
        writer.record(*[record.get(name) for name, _k, _s in NYT_FIELDS])
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("DK.shp", shp.getvalue())
        archive.writestr("DK.shx", shx.getvalue())
        archive.writestr("DK.dbf", dbf.getvalue())
        archive.writestr("DK.prj", pyproj.CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
        archive.writestr("DK.cpg", "GBK")
    return out.getvalue()


def _nyt(code, name, group, **more):
    return {
        "DKBM": code,
        "DKMC": name,
        "FBFBM": "53262210120103",
        "FBFMC": group,
        "CBFBM": "532622101201030001",
        "CBFMC": "张大山",
        "ZJRXM": "张大山",
        "DLBM": "0103",
        "TDYT": "1",
        "DLDJ": "05",
        "SFJBNT": "2",
        "DKDZ": "路",
        "DKNZ": "沟",
        "DKXZ": "王五地",
        "DKBZ": "山",
        **more,
    }


def geometry_files() -> list[CorpusFile]:
    return [
        CorpusFile(
            "31_DK_CGCS2000_102E_平方米.zip",
            "geometry",
            Expected(accepted=2, created=["5326221012010300201", "5326221012010300202"]),
            data=nyt_shapefile(
                4543,
                [
                    _nyt("5326221012010300201", "大田", "甲马石村甲马石二组村民小组", SCMJ=6670),
                    _nyt("5326221012010300202", "坡地", "甲马石二组", SCMJ=6666.7),
                ],
            ),
            options={"project": True},
        ),
        CorpusFile(
            "32_DK_CGCS2000_105E_亩.zip",
            "geometry",
            Expected(accepted=2, created=["5326221012010300301"], updated=["G-1"]),
            data=nyt_shapefile(
                4544,
                [
                    _nyt("G-1", "老田", GROUP, SCMJM=10),
                    _nyt("5326221012010300301", "新地", GROUP2, SCMJM=10),
                ],
            ),
            options={"project": True},
        ),
        CorpusFile(
            "33_DK_CGCS2000_102E_发包方不存在.zip",
            "geometry",
            Expected(accepted=0, rejected=1, reasons={2: "村民小组“白沙村三组”不存在"}),
            data=nyt_shapefile(
                4543,
                [
                    _nyt("5326221012010300401", "大田", GROUP2, SCMJM=15),
                    _nyt("5326221012010300402", "小田", "白沙村三组", SCMJM=15),
                ],
            ),
            options={"project": True},
        ),
        CorpusFile(
            "34_DK_CGCS2000_105E_面积不符.zip",
            "geometry",
            Expected(accepted=2, created=["5326221012010300501"], updated=["G-1"], mismatches=["5326221012010300501"]),
            data=nyt_shapefile(
                4544,
                [
                    _nyt("G-1", "老田", GROUP, SCMJM=10),
                    _nyt("5326221012010300501", "旱地", GROUP2, SCMJ=9000),  # 13.5 mu surveyed, 15 drawn
                ],
            ),
            options={"project": True},
        ),
        CorpusFile(
            "35_测绘单位自定字段.zip",
            "geometry",
            Expected(accepted=0, file_error="找不到地块编码,请在字段对应中选择(文件中的字段:BH、ZU、DL、MJ_PFM)"),
            data=odd_fields_shapefile(4543),
            options={"project": True},
        ),
    ]


def odd_fields_shapefile(epsg: int) -> bytes:
    """A survey contractor's own attribute names (编号 BH, 组 ZU, 地类 DL, 面积 MJ_PFM in ㎡): nothing recognised."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="gbk")
    for name in ("BH", "ZU", "DL"):
        writer.field(name, "C", size=30)
    writer.field("MJ_PFM", "N", size=12, decimal=2)
    writer.poly([_rect(epsg, 0)])
    writer.record("T-1", GROUP2, "0103", 6666.7)
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for ext, buffer in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"T.{ext}", buffer.getvalue())
        archive.writestr("T.prj", pyproj.CRS.from_epsg(epsg).to_wkt(WktVersion.WKT1_ESRI))
    return out.getvalue()


def corpus() -> list[CorpusFile]:
    return [*person_files(), *roster_files(), *geometry_files()]
