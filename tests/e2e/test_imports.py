"""A village clerk brings her own messy Excel ledger: dry run, the annotated file, then the valid rows."""

import openpyxl
import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lianxin.imports.tests.test_engine import messy_person_workbook
from lianxin.people.models import Person

from .pages import ImportUploadPage, LoginPage, PersonListPage

pytestmark = pytest.mark.e2e


def test_clerk_dry_runs_her_ledger_downloads_the_marked_file_and_imports_the_valid_rows(
    e2e_db, page, tmp_path, artifacts, group_a1, group_b1, village_a_clerk
):
    # given: the clerk's sheet with a title row, two header rows, a mangled ID, another village's row
    sheet = messy_person_workbook(tmp_path / "甲马石户籍台账.xlsx")
    LoginPage(page).login_expecting_success(village_a_clerk.username, PASSWORD)

    # when: she uploads it
    batch = ImportUploadPage(page).goto().upload(sheet)

    # then: the dry run says what would happen, row by row, and nothing is written yet
    expect(batch.status).to_have_text("已试导入")
    expect(batch.figure("to_create")).to_have_text("2")
    expect(batch.figure("rejected")).to_have_text("3")
    expect(batch.error_rows).to_have_count(3)
    expect(batch.error_rows.first).to_contain_text("Excel")
    assert Person.objects.count() == 0
    batch.screenshot(artifacts / "desktop-import-dry-run.png")

    # when: she downloads the annotated workbook, the bad cell is marked and explained
    marked = openpyxl.load_workbook(batch.download_annotated(tmp_path / "marked.xlsx")).active
    assert "Excel" in marked["F7"].comment.text

    # when: she uploads it again choosing to import only the valid rows, and confirms
    again = ImportUploadPage(page).goto().upload(sheet, valid_rows_only=True)
    again.confirm()

    # then: the two people of the good rows are in the ledger, masked as everywhere
    expect(again.status).to_have_text("已导入")
    persons = PersonListPage(page).goto()
    expect(persons.rows).to_have_count(2)
    expect(persons.row_for("王小明")).to_have_count(1)
