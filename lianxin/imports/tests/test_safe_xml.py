"""Uploads with hostile XML (issue 16, 安全解析): an entity bomb ("billion laughs") or an external
entity reading a server file, hidden in an .xlsx, an .ods or a Word template, is refused with a
Chinese message before any reader expands it — never a hang, never the file's content in a cell."""

import io
import re
import zipfile

import openpyxl.xml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin.core import safexml
from lianxin.imports.models import ImportBatch
from lianxin.imports.reading import FileRejected, open_table
from lianxin.imports.tests import workbooks as wb
from lianxin.imports.tests.workbooks import xlsx_bytes
from lianxin.people.models import Person
from lianxin.people.tests.factories import resident_id

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
)
XXE = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
HEADER = ["村民小组", "户编号", "姓名", "身份证号码", "与户主关系"]
REFUSED = "含有DTD或实体声明"


def _with_prolog(content: bytes, member: str, prolog: str, entity: str) -> bytes:
    """``content`` (a zip) with ``member``'s XML declaration replaced by ``prolog`` and its first
    text run replaced by a reference to ``entity``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                text = data.decode()
                if text.startswith("<?xml"):
                    text = text[text.index("?>") + 2 :].lstrip()
                text = prolog + text
                run = re.search(r"<(?:\w+:)?(?:t|p)(?:\s[^>]*)?>", text)  # <t>, <w:t>, <text:p>
                text = text[: run.end()] + f"&{entity};" + text[run.end() :]
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def _hostile_ledger(prolog: str, entity: str) -> bytes:
    good = xlsx_bytes([HEADER, ["甲马石一组", "A-1", "王五", resident_id(sequence=901), "户主"]])
    return _with_prolog(good, "xl/sharedStrings.xml", prolog, entity)


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("prolog", "entity"), [(BILLION_LAUGHS, "lol9"), (XXE, "xxe")])
def test_the_import_engine_refuses_an_xlsx_with_an_entity_bomb_or_external_entity(tmp_path, prolog, entity):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(_hostile_ledger(prolog, entity))

    with pytest.raises(FileRejected) as exc:
        open_table(path, original_name=path.name)

    assert REFUSED in exc.value.message
    assert "xl/sharedStrings.xml" in exc.value.message


@pytest.mark.timeout(20)
def test_an_ods_with_an_external_entity_is_refused(tmp_path):
    path = wb.write_ods(tmp_path / "台账.ods", wb.ods_content([("Sheet1", [wb.ods_row(["姓名", "王五"])])]))
    hostile = _with_prolog(path.read_bytes(), "content.xml", XXE, "xxe")
    path.write_bytes(hostile)

    with pytest.raises(FileRejected) as exc:
        open_table(path, original_name=path.name)

    assert REFUSED in exc.value.message


@pytest.mark.django_db
@pytest.mark.timeout(300)  # the first test of a run migrates the test database
@pytest.mark.parametrize(("prolog", "entity"), [(BILLION_LAUGHS, "lol9"), (XXE, "xxe")])
def test_an_upload_with_hostile_xml_fails_with_a_message_and_writes_nobody(
    client, group_a1, village_a_clerk, prolog, entity
):
    client.force_login(village_a_clerk)
    upload = SimpleUploadedFile("台账.xlsx", _hostile_ledger(prolog, entity))

    response = client.post("/imports/new/", {"ledger": "persons", "mode": "all", "file": upload}, follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in page
    assert "root:" not in page  # nothing of /etc/passwd
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED
    assert not Person.objects.exists()


def test_an_ordinary_workbook_passes_the_check(tmp_path):
    path = wb.messy_person_ledger_xlsx(tmp_path / "台账.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert safexml.zip_xml_refused(archive) is None
    with open_table(path, original_name=path.name) as table:
        assert list(table.rows())  # and reads as before


def test_a_dtd_hidden_behind_a_long_prolog_is_still_found():
    prolog = b'<?xml version="1.0"?>' + b"<!-- padding -->" * 1000 + b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
    assert not safexml.prolog_is_safe([prolog[i : i + 100] for i in range(0, len(prolog), 100)])
    assert safexml.prolog_is_safe([b'<?xml version="1.0"?><!-- fine --><r>text</r>'])


def test_openpyxl_reads_uploads_through_defusedxml():
    # the annotated and masked copies of an upload are made with openpyxl: it must use defusedxml
    assert openpyxl.xml.DEFUSEDXML is True


# -- the work-report template (.docx) -----------------------------------------------------------


def _hostile_template(prolog: str, entity: str) -> bytes:
    from lianxin.reports.document import default_template

    return _with_prolog(default_template(), "word/document.xml", prolog, entity)


@pytest.mark.django_db
@pytest.mark.timeout(300)  # the first test of a run migrates the test database
@pytest.mark.parametrize(("prolog", "entity"), [(BILLION_LAUGHS, "lol9"), (XXE, "xxe")])
def test_a_word_template_with_hostile_xml_is_refused(login_as, make_user, town, prolog, entity):
    from lianxin.accounts.roles import Role
    from lianxin.reports.models import ReportTemplate

    upload = io.BytesIO(_hostile_template(prolog, entity))
    upload.name = "模板.docx"
    user = make_user("t_wg", Role.WORKING_GROUP, scope_region=town)

    response = login_as(user).post(reverse("reports:template"), {"file": upload, "note": ""})

    assert response.status_code == 400
    assert "含有DTD或实体声明" in response.content.decode()
    assert "root:" not in response.content.decode()
    assert not ReportTemplate.objects.exists()
