import itertools

import pytest

from lianxin.imports.headers import Column, find_header, normalise_header, split_header
from lianxin.imports.reading import open_table
from lianxin.imports.tests.workbooks import (
    FIRST_DATA_ROW,
    PERSON_COLUMNS,
    messy_person_ledger_csv,
    messy_person_ledger_xlsx,
)


def numbered(rows):
    """Rows as Table.rows() yields them: (sheet row number, cells)."""
    return [(i, list(cells)) for i, cells in enumerate(rows, start=1)]


@pytest.mark.parametrize(
    ("text", "name", "unit"),
    [
        ("面积(亩)", "面积", "亩"),
        ("面积（亩）", "面积", "亩"),
        ("承包面积【亩】", "承包面积", "亩"),
        ("金额(万元)", "金额", "万元"),
        ("金额（单位：万元）", "金额", "万元"),
        ("金额/元", "金额", "元"),
        ("面积(㎡)", "面积", "平方米"),
        ("*身份证号码(18位)", "身份证号码", ""),
        ("身份证\n号码", "身份证号码", ""),
        ("姓　名", "姓名", ""),
        (" ＩＤ ", "id", ""),
        ("性别:", "性别", ""),
        (2023.0, "2023", ""),
        (None, "", ""),
    ],
)
def test_split_header_normalises_text_and_extracts_units(text, name, unit):
    assert split_header(text) == (name, unit)
    assert normalise_header(text) == name


def test_messy_ledger_header_is_found_under_title_and_info_rows(tmp_path):
    with open_table(messy_person_ledger_xlsx(tmp_path / "台账.xlsx"), original_name="台账.xlsx") as table:
        match = find_header(table.rows(), PERSON_COLUMNS)
        first_data_row = next(match.data_rows)[0]
    assert match.found
    assert match.header_rows == (3, 4)
    assert first_data_row == FIRST_DATA_ROW
    assert match.serial_column == 0  # 序号 is ignored, not offered for mapping
    assert match.columns == {
        1: "name",
        2: "resident_id",  # 公民身份号码 is a synonym
        3: "gender",  # "性　别" with a full-width space
        4: "birth_date",
        5: "compensation",
        6: "land_area",
        7: "low_income",
        8: "phone",
        9: "note",
    }
    assert match.labels[1] == "身份信息/姓名"  # group header combined over the sub-header
    assert match.labels[2] == "身份信息/公民身份号码"
    assert match.units[5] == "万元"  # 补偿金额(万元)
    assert match.units[6] == "亩"  # 承包面积（亩）
    assert match.unmatched == []
    assert [c.key for c in match.missing_required] == ["village_group"]


def test_csv_header_is_found_the_same_way(tmp_path):
    with open_table(messy_person_ledger_csv(tmp_path / "台账.csv"), original_name="台账.csv") as table:
        match = find_header(table.rows(), PERSON_COLUMNS)
    assert match.header_rows == (3, 4)
    assert match.columns[2] == "resident_id"
    assert match.units[5] == "万元"


@pytest.mark.parametrize(
    "header", ["身份证号码", "身份证号", "公民身份号码", "身份证", "身份证号码(18位)", "*身份证号码"]
)
def test_resident_id_synonyms(header):
    match = find_header(
        numbered([["户主姓名", header, "组别"], ["王小明", "11010519491231002X", "一组"]]), PERSON_COLUMNS
    )
    assert match.columns == {0: "name", 1: "resident_id", 2: "village_group"}
    assert match.missing_required == ()


def test_remembered_hand_mapping_wins_over_synonyms_and_maps_unknown_headers():
    rows = numbered([["户名", "证件号", "姓名", "所在组"], ["王小明", "11010519491231002X", "别名", "一组"]])
    plain = find_header(rows, PERSON_COLUMNS)
    assert plain.columns == {2: "name", 3: "village_group"}
    assert [(u.index, u.text, u.key) for u in plain.unmatched] == [(0, "户名", "户名"), (1, "证件号", "证件号")]

    remembered = {"户名": "name", "证件号": "resident_id", "unknown": "no_such_column"}
    match = find_header(rows, PERSON_COLUMNS, remembered=remembered)
    assert match.columns == {0: "name", 1: "resident_id", 3: "village_group"}
    assert match.duplicates == {2: "name"}  # 姓名 also says name; the hand mapping came first


def test_group_plus_sub_header_is_more_specific_than_the_sub_header_alone():
    columns = (
        Column("holder_name", "户主姓名", kind="name"),
        Column("spouse_name", "配偶姓名", kind="name"),
        Column("name", "姓名", kind="name"),
    )
    rows = numbered(
        [
            ["户主", "", "配偶", ""],
            ["姓名", "身份证号", "姓名", "身份证号"],
            ["王小明", "11010519491231002X", "李梅", "110105195003050012"],
        ]
    )
    match = find_header(rows, columns)
    assert match.header_rows == (1, 2)
    assert match.columns == {0: "holder_name", 2: "spouse_name"}
    assert match.labels[2] == "配偶/姓名"


def test_group_unit_applies_to_its_sub_headers():
    columns = (
        Column("land", "土地补偿费", kind="money"),
        Column("crops", "青苗补偿费", kind="money"),
        Column("name", "姓名", kind="name"),
    )
    rows = numbered([["", "补偿金额(万元)", ""], ["姓名", "土地补偿费", "青苗补偿费"], ["王小明", 1.5, 0.2]])
    match = find_header(rows, columns)
    assert match.columns == {0: "name", 1: "land", 2: "crops"}
    assert match.units == {0: "", 1: "万元", 2: "万元"}


def test_sheet_wide_unit_line_applies_to_money_columns_only():
    columns = (
        Column("amount", "金额", kind="money"),
        Column("area", "面积", kind="area"),
        Column("name", "姓名", kind="name"),
    )
    rows = numbered(
        [["征地补偿兑付台账"], ["填报单位:示范村", "", "单位:万元"], ["姓名", "面积", "金额"], ["王小明", 2.0, 1.5]]
    )
    match = find_header(rows, columns)
    assert match.header_rows == (3,)
    assert match.sheet_unit == "万元"
    assert match.units == {0: "", 1: "", 2: "万元"}


def test_column_numbering_row_under_the_header_is_skipped():
    rows = numbered(
        [["序号", "姓名", "身份证号码", "组别"], ["甲", 1, 2, 3], [1, "王小明", "11010519491231002X", "一组"]]
    )
    match = find_header(rows, PERSON_COLUMNS)
    assert match.skipped_rows == (2,)
    assert next(match.data_rows)[0] == 3


def test_no_header_gives_every_row_back():
    rows = numbered([["a", "b"], ["c", "d"]])
    match = find_header(rows, PERSON_COLUMNS)
    assert not match.found
    assert [number for number, _ in match.data_rows] == [1, 2]
    assert {c.key for c in match.missing_required} == {"name", "resident_id", "village_group"}


def test_header_beyond_the_scanned_rows_is_not_found():
    rows = numbered([[f"说明第{i}行", "x"] for i in range(12)] + [["姓名", "身份证号码"]])
    assert not find_header(rows, PERSON_COLUMNS, scan_rows=10).found
    assert find_header(rows, PERSON_COLUMNS, scan_rows=20).found


def test_find_header_reads_lazily_from_an_endless_sheet():
    def endless():
        yield 1, ["姓名", "身份证号码", "组别"]
        for i in itertools.count(2):
            yield i, [f"王{i}", "11010519491231002X", "一组"]

    match = find_header(endless(), PERSON_COLUMNS)
    assert match.header_rows == (1,)
    assert [number for number, _ in itertools.islice(match.data_rows, 3)] == [2, 3, 4]


def test_data_rows_keep_blank_rows_and_their_numbers():
    rows = numbered([["姓名", "身份证号码"], ["", ""], ["王小明", "11010519491231002X"]])
    match = find_header(rows, PERSON_COLUMNS)
    assert [number for number, _ in match.data_rows] == [2, 3]


def test_header_cells_that_are_numbers_do_not_break_matching():
    rows = numbered([[2023.0, "姓名", True, None, "身份证号码"], ["", "王小明", "", "", "11010519491231002X"]])
    match = find_header(rows, PERSON_COLUMNS)
    assert match.columns == {1: "name", 4: "resident_id"}
    assert [u.text for u in match.unmatched] == ["2023", "True"]


def test_index_of_finds_the_column_of_a_key():
    match = find_header(numbered([["组别", "姓名"]]), PERSON_COLUMNS)
    assert match.index_of("name") == 1
    assert match.index_of("phone") is None
