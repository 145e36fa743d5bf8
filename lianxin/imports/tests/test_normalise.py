import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianxin.imports import normalise as n
from lianxin.imports.headers import Column
from lianxin.imports.reading import OversizedCell
from lianxin.imports.tests.workbooks import MANGLED_ID

# Spreadsheet date-times carry no time zone: calamine hands out naive datetimes.
NAIVE_0830 = dt.datetime.fromisoformat("2011-03-05 08:30")
NAIVE_1400 = dt.datetime.fromisoformat("2011-03-05 14:00")

# ------------------------------------------------------------------------------------------
# text and names


def test_text_turns_full_width_into_half_width_and_collapses_spaces():
    assert n.text("  ＡＢＣ　１２３  第 3\t组 ") == "ABC 123 第 3 组"


def test_text_drops_zero_width_and_control_characters():
    assert n.text("第\u200b3组\ufeff\x07") == "第3组"


def test_text_of_blank_cell_is_none():
    assert n.text("") is None
    assert n.text("   \u3000") is None
    assert n.text(None) is None


def test_text_formats_numbers_and_dates_as_shown():
    assert n.text(42.0) == "42"
    assert n.text(3.25) == "3.25"
    assert n.text(7) == "7"
    assert n.text(dt.date(2011, 3, 5)) == "2011-03-05"
    assert n.text(NAIVE_0830) == "2011-03-05 08:30:00"


def test_text_rejects_a_long_number_excel_rounded():
    with pytest.raises(n.CellError, match="Excel只保留15位有效数字"):
        n.text(6.22200000000000e18)


def test_name_removes_stray_spaces_inside():
    assert n.name(" 王 小明 ") == "王小明"
    assert n.name("李\u3000四") == "李四"


@pytest.mark.parametrize("dot", ["・", "•", "‧", "･", ".", "·", "。"])
def test_name_unifies_middle_dots(dot):
    assert n.name(f"阿依古丽{dot}买买提") == "阿依古丽·买买提"


# ------------------------------------------------------------------------------------------
# resident IDs


def test_resident_id_full_width_and_lowercase_x_are_cleaned():
    assert n.resident_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert n.resident_id("11010519491231002x") == "11010519491231002X"
    assert n.resident_id(" 110105 19491231 002X ") == "11010519491231002X"
    assert n.resident_id("110105-19491231-002X") == "11010519491231002X"


def test_resident_id_leading_apostrophe_from_text_entry_is_dropped():
    assert n.resident_id("'110105194912310021") == "110105194912310021"


def test_resident_id_mangled_by_excel_as_float_is_rejected_with_explanation():
    with pytest.raises(n.CellError) as exc:
        n.resident_id(MANGLED_ID)
    assert "身份证号码被Excel当作数字保存" in exc.value.message
    assert "5.32622E+17" in exc.value.message
    assert "设为文本格式" in exc.value.message


def test_resident_id_float_that_kept_18_digits_is_still_rejected():
    with pytest.raises(n.CellError, match="被Excel当作数字保存"):
        n.resident_id(530121199001011234.0)


def test_resident_id_integer_ending_in_000_lost_its_last_digits():
    with pytest.raises(n.CellError, match="后几位已丢失"):
        n.resident_id(532622198005170000)


def test_resident_id_integer_with_all_digits_is_accepted():
    assert n.resident_id(110105194912310021) == "110105194912310021"


def test_resident_id_in_scientific_notation_text_is_rejected():
    with pytest.raises(n.CellError, match=r"显示为5\.30121199E\+17"):
        n.resident_id("5.30121199E+17")


@pytest.mark.parametrize("value", ["110105491231002", 110105491231002, 110105491231002.0])
def test_fifteen_digit_old_resident_id_is_rejected(value):
    with pytest.raises(n.CellError, match="15位旧身份证号码"):
        n.resident_id(value)


def test_resident_id_of_wrong_length_names_the_rule_and_masks_the_value():
    with pytest.raises(n.CellError) as exc:
        n.resident_id("1101051949123100211")
    assert "应为18位" in exc.value.message
    assert "19位" in exc.value.message
    assert "1101051949123100211" not in exc.value.message
    assert "110105****" in exc.value.message


def test_resident_id_with_bad_characters_is_rejected_masked():
    with pytest.raises(n.CellError) as exc:
        n.resident_id("11010519491231002Y")
    assert "最后一位为数字或X" in exc.value.message
    assert "11010519491231002Y" not in exc.value.message


def test_resident_id_junk_is_shown_as_typed():
    with pytest.raises(n.CellError, match="不详"):
        n.resident_id("不详")


def test_mask_resident_id_keeps_first_six_and_last_four():
    assert n.mask_resident_id("11010519491231002X") == "110105********002X"


def test_credit_code_is_cleaned_and_checked_for_characters():
    assert n.credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(n.CellError, match="应为18位"):
        n.credit_code("9135010")
    with pytest.raises(n.CellError, match="有误的字符:I、O"):
        n.credit_code("91350100I000100O43")
    with pytest.raises(n.CellError, match="被Excel当作数字保存"):
        n.credit_code(9.13501e17)


# ------------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    "raw",
    [
        "2011-03-05",
        "2011-3-5",
        "2011.3.5",
        "2011/3/5",
        "20110305",
        "2011年3月5日",
        "２０１１年３月５日",
        "2011-3-5 00:00:00",
        "2011-03-05T08:00:00",
        " 2011 年 3 月 5 日 ",
        40607,
        40607.0,
        40607.75,
        "40607",
        20110305,
        dt.date(2011, 3, 5),
        NAIVE_1400,
    ],
)
def test_date_formats_people_type_are_understood(raw):
    assert n.date(raw) == dt.date(2011, 3, 5)


def test_excel_serials_follow_the_1900_leap_year_bug():
    assert n.date(1) == dt.date(1900, 1, 1)
    assert n.date(59) == dt.date(1900, 2, 28)
    assert n.date(61) == dt.date(1900, 3, 1)
    with pytest.raises(n.CellError):
        n.date(60)  # 1900-02-29 never existed


@pytest.mark.parametrize("raw", ["2011-02-30", "2011-13-01", "2011年3月", "三月五日", "0", 0, -5, 90000, "1800-01-01"])
def test_impossible_dates_are_rejected_with_the_supported_formats(raw):
    with pytest.raises(n.CellError) as exc:
        n.date(raw)
    assert exc.value.message.startswith("日期无法识别:")
    assert "2011年3月5日" in exc.value.message


def test_blank_date_is_none():
    assert n.date("") is None
    assert n.date(" ") is None


# ------------------------------------------------------------------------------------------
# money, area, integers


@pytest.mark.parametrize(
    ("raw", "header_unit", "expected"),
    [
        (1234.56, "", "1234.56"),
        (1.1 * 3, "", "3.30"),
        (0.1 + 0.2, "", "0.30"),
        (1234, "元", "1234.00"),
        ("1,234.50", "", "1234.50"),
        ("1，234", "", "1234.00"),
        ("１，２３４．５", "", "1234.50"),
        ("¥1,234.5元", "", "1234.50"),
        ("3.5万", "", "35000.00"),
        ("3.5万元", "", "35000.00"),
        (1.5, "万元", "15000.00"),
        (0.35, "万元", "3500.00"),
        ("1.234567", "万元", "12345.67"),
        ("500元", "万元", "500.00"),
        ("2千元", "", "2000.00"),
        (" 12 ", "", "12.00"),
        (0, "", "0.00"),
        (-0.0, "", "0.00"),
    ],
)
def test_money_understands_units_separators_and_full_width(raw, header_unit, expected):
    assert n.money(raw, header_unit=header_unit) == Decimal(expected)


@pytest.mark.parametrize("raw", ["-", "—", "/", "无", "", None])
def test_money_dash_or_slash_means_empty(raw):
    assert n.money(raw) is None


def test_money_rejects_negatives_unless_allowed():
    with pytest.raises(n.CellError, match="金额不能为负数"):
        n.money(-5.0)
    with pytest.raises(n.CellError, match="金额不能为负数"):
        n.money("(1,234.00)")
    assert n.money("(1,234.00)", allow_negative=True) == Decimal("-1234.00")
    assert n.money("-3.5万", allow_negative=True) == Decimal("-35000.00")


@pytest.mark.parametrize(
    "raw", ["abc", "12元3", "1e5", "NaN", "Infinity", float("nan"), float("inf"), True, dt.date(2011, 3, 5)]
)
def test_money_rejects_what_is_not_a_number(raw):
    with pytest.raises(n.CellError, match="金额应为数字"):
        n.money(raw)


def test_money_out_of_range_is_rejected():
    with pytest.raises(n.CellError, match="金额超出范围"):
        n.money(1e15)


@given(st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False))
def test_money_round_trips_through_float_text_and_thousands_separators(value):
    assert n.money(float(value)) == value
    assert n.money(str(value)) == value
    assert n.money(f"{value:,}") == value
    assert n.money(str(value / 10000), header_unit="万元") == value


@pytest.mark.parametrize(
    ("raw", "header_unit", "expected"),
    [
        (2.5, "", "2.50"),
        ("2.5亩", "", "2.50"),
        ("666.67平方米", "", "1.00"),
        ("666.67㎡", "", "1.00"),
        ("666.67m²", "", "1.00"),
        ("1公顷", "", "15.00"),
        (6666.7, "平方米", "10.00"),
        (3, "亩", "3.00"),
    ],
)
def test_area_converts_to_mu(raw, header_unit, expected):
    assert n.area(raw, header_unit=header_unit) == Decimal(expected)


def test_area_rejects_negative_and_text():
    with pytest.raises(n.CellError, match="面积不能为负数"):
        n.area(-1.0)
    with pytest.raises(n.CellError, match="面积应为数字"):
        n.area("约两亩")


@pytest.mark.parametrize(("raw", "expected"), [(3, 3), (3.0, 3), ("5人", 5), ("1,200", 1200), ("４户", 4), ("7.0", 7)])
def test_int_accepts_whole_numbers_with_count_units(raw, expected):
    assert n.int_(raw) == expected


@pytest.mark.parametrize("raw", [2.5, "2.5", "两个", -1, True])
def test_int_rejects_fractions_words_and_negatives(raw):
    with pytest.raises(n.CellError):
        n.int_(raw)


# ------------------------------------------------------------------------------------------
# yes/no, choices, phones


@pytest.mark.parametrize("raw", ["是", "√", "✓", "✔", "Y", "yes", "1", 1, 1.0, "有", "TRUE", True, " 是 "])
def test_bool_true_spellings(raw):
    assert n.bool_(raw) is True


@pytest.mark.parametrize("raw", ["否", "×", "✗", "N", "no", "0", 0, 0.0, "无", "false", False, "x"])
def test_bool_false_spellings(raw):
    assert n.bool_(raw) is False


def test_bool_unknown_is_rejected():
    with pytest.raises(n.CellError, match="无法识别为是/否"):
        n.bool_("也许")
    assert n.bool_("") is None


GENDER = Column("gender", "性别", kind="choice", choices={"男": "male", "女": "female", "男性": "male"})


def test_choice_matches_label_synonym_stored_value_and_variants():
    normalise = n.normaliser_for(GENDER)
    assert normalise("男") == "male"
    assert normalise("男性") == "male"
    assert normalise(" 女 ") == "female"
    assert normalise("female") == "female"
    assert normalise("FEMALE") == "female"
    assert normalise("") is None


def test_choice_unknown_lists_the_options():
    with pytest.raises(n.CellError) as exc:
        n.choice("未知", choices=GENDER.choices)
    assert exc.value.message == "“未知”不是有效选项,可选:男、女、男性"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138 00138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 139-0013-9000", "13900139000"),
        ("008613900139000", "13900139000"),
        ("１３８００１３８０００", "13800138000"),
        (13800138000.0, "13800138000"),
        (13800138000, "13800138000"),
        ("0871-12345678", "0871-12345678"),
        ("087112345678", "0871-12345678"),
        ("(010)12345678", "010-12345678"),
        ("021-1234567", "021-1234567"),
    ],
)
def test_phone_normalises_mobiles_and_landlines(raw, expected):
    assert n.phone(raw) == expected


def test_phone_rejects_two_numbers_and_garbage():
    with pytest.raises(n.CellError, match="只能填写一个电话号码"):
        n.phone("13800138000/13900139000")
    with pytest.raises(n.CellError, match="只能填写一个电话号码"):
        n.phone("13800138000 13900139000")
    with pytest.raises(n.CellError, match="电话号码格式不正确"):
        n.phone("12345")
    with pytest.raises(n.CellError, match="电话号码格式不正确"):
        n.phone(8711234567.0)  # a landline that lost its leading 0


# ------------------------------------------------------------------------------------------
# oversized cells and the dispatch table


@pytest.mark.parametrize("kind", sorted(n.KINDS))
def test_every_kind_rejects_an_oversized_cell(kind):
    column = Column("c", "列", kind=kind, choices={"是": "y"} if kind == "choice" else None)
    cell = OversizedCell("x" * 2000, 2000, 5000)
    with pytest.raises(n.CellError, match=r"单元格内容过长\(超过2000字\)"):
        n.normaliser_for(column)(cell)


def test_normaliser_for_binds_the_header_unit():
    column = Column("amount", "金额", kind="money", unit="元")
    assert n.normaliser_for(column, "万元")(1.5) == Decimal("15000.00")
    assert n.normaliser_for(column)(1.5) == Decimal("1.50")
    area = Column("area", "面积", kind="area", unit="亩")
    assert n.normaliser_for(area, "平方米")(666.67) == Decimal("1.00")


def test_normaliser_for_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown column kind"):
        n.normaliser_for(Column("x", "X", kind="colour"))


# ------------------------------------------------------------------------------------------
# rows


def test_row_is_blank():
    assert n.row_is_blank(["", "", ""])
    assert n.row_is_blank(["", " ", "\u3000", None])
    assert n.row_is_blank([])
    assert not n.row_is_blank(["", 0.0, ""])
    assert not n.row_is_blank(["", False])
    assert not n.row_is_blank(["", "x"])


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["合计", "", "", 5.0], "total"),
        (["合  计", "", 5.0], "total"),
        (["", "总计:", 120.0], "total"),
        (["", "一组小计", 12.0], "subtotal"),
        (["小计", "", 3.0], "subtotal"),
        (["本页合计", 9.0], "total"),
        (["张家村合计", "", 30.0], "total"),
        (["制表人:张三", "", "", "审核人:李四"], "note"),
        (["备注:本表金额单位为元"], "note"),
        (["注:"], "note"),
        (["说明"], "note"),
        (["", "", "填表人:王五"], "note"),
        (["以下空白"], "end"),
        ([1.0, "王小明", "11010519491231002X", "男"], None),
        ([1.0, "王小明", "审核通过"], None),
        (["审核通过", "王小明"], None),
        (["", "", ""], None),
    ],
)
def test_footer_rows_are_recognised(cells, kind):
    assert n.footer_kind(cells) == kind
    assert n.row_is_footer(cells) is (kind is not None)


# ------------------------------------------------------------------------------------------
# nothing but CellError, whatever the cell holds

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet="0123456789０１２３４５６７８９xX.,，-/年月日万元亩 E+", max_size=24),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=300)
@given(
    raw=cell_values,
    kind=st.sampled_from(sorted(n.KINDS)),
    unit=st.sampled_from(["", "元", "万元", "亩", "平方米", "公顷", "个"]),
)
def test_normalisers_raise_nothing_but_cell_error(raw, kind, unit):
    column = Column("c", "列", kind=kind, choices={"是": "yes", "否": "no"} if kind == "choice" else None)
    value = _outcome(n.normaliser_for(column, unit), raw)
    assert value is None or isinstance(value, str | bool | int | Decimal | dt.date)


def _outcome(normalise, raw):
    """The normalised value, or the CellError's message (any other exception fails the test)."""
    try:
        return normalise(raw)
    except n.CellError as exc:
        return exc.message


@given(st.lists(cell_values, max_size=8))
def test_row_checks_accept_any_row(cells):
    assert isinstance(n.row_is_blank(cells), bool)
    assert n.footer_kind(cells) in {None, "total", "subtotal", "note", "end"}


# ------------------------------------------------------------------------------------------
# characters that are not text (issue 11: stored silently on SQLite, a 500 on PostgreSQL)


@pytest.mark.parametrize("raw", ["王\x00五", "王\ud800五", "\x00"])
@pytest.mark.parametrize("kind", [n.text, n.name])
def test_nul_or_lone_surrogate_in_a_cell_is_refused_not_stripped(kind, raw):
    with pytest.raises(n.CellError, match="空字符|代理字符"):
        kind(raw)


def test_other_invisible_characters_are_still_dropped():
    assert n.name("王\u200b五\ufeff") == "王五"
