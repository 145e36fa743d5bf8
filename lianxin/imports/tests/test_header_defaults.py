"""Unrecognised headers are not imported unless a person maps them (issue 10, item 15).

性别 and 出生日期 (the persons ledger reads both from the resident ID) used to be offered pre-mapped to the
ledger's first column, 村委会: one careless click mapped 性别 to 村委会 for every later import.
(Since issue 15 the persons ledger checks 性别 and 出生日期 against the ID, so the unknown headers here are
文化程度 and 婚姻状况.)
"""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.imports.models import HeaderMapping, ImportBatch
from lianxin.imports.tests.workbooks import xlsx_bytes
from lianxin.people.tests.factories import resident_id

HEADER = ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系", "文化程度", "婚姻状况"]


def _batch_page(client) -> tuple[ImportBatch, str]:
    rows = [HEADER, ["甲马石一组", "A-1", "王五", resident_id(sequence=601), "户主", "初中", "已婚"]]
    client.post(
        "/imports/new/", {"ledger": "persons", "mode": "all", "file": SimpleUploadedFile("户籍.xlsx", xlsx_bytes(rows))}
    )
    batch = ImportBatch.objects.get()
    return batch, client.get(f"/imports/{batch.pk}/").content.decode()


def _select_for(html: str, header: str) -> str:
    form = re.search(rf"<code>{header}</code>.*?</form>", html, re.S).group(0)
    return re.search(r"<select.*?</select>", form, re.S).group(0)


def test_an_unknown_header_starts_on_ignore_never_on_a_column(client, group_a1, village_a_clerk):
    client.force_login(village_a_clerk)

    batch, html = _batch_page(client)

    assert {u["text"] for u in batch.header["unmatched"]} == {"文化程度", "婚姻状况"}
    for header in ("文化程度", "婚姻状况"):
        select = _select_for(html, header)
        selected = re.findall(r'<option value="([^"]*)"[^>]*selected', select)
        assert selected == [""], f"{header} is pre-mapped to {selected}"
        first = re.search(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)
        assert first.groups() == ("", "忽略此列(不导入)")
        assert ">村委会<" in select  # still offered, just not chosen


def test_ignoring_a_header_remembers_nothing(client, group_a1, village_a_clerk):
    client.force_login(village_a_clerk)
    batch, _html = _batch_page(client)
    index = next(u["index"] for u in batch.header["unmatched"] if u["text"] == "文化程度")

    response = client.post(
        f"/imports/{batch.pk}/map/",
        {"prefix": f"h{index}", f"h{index}-header": "文化程度", f"h{index}-column": ""},
        follow=True,
    )

    assert not HeaderMapping.objects.exists()
    assert "“文化程度”列不导入" in response.content.decode()
