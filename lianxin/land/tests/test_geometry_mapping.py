"""Geometry field mapping (字段对应, issue 15): attributes not recognised are mapped by hand on the page, the API
or the command line, remembered per project; NY/T 2539 survey attributes kept on the parcel; the dry run lists
every feature with its parcel and areas."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from lianxin.imports.tests.corpus import _nyt, nyt_shapefile
from lianxin.land import gis
from lianxin.land.models import GeometryFieldMapping, Parcel

from . import factories

ODD = {"BH": "T-1", "ZU": "甲马石二组", "DL": "0103", "MJ_PFM": 6666.7}


def _odd_file(*records) -> bytes:
    """A survey contractor's own field names: 编号 BH, 组 ZU, 地类 DL, 面积 MJ_PFM (㎡)."""
    import zipfile

    import pyproj
    import shapefile
    from pyproj.enums import WktVersion

    from lianxin.imports.tests.corpus import _rect

    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="gbk")
    for name in ("BH", "ZU", "DL"):
        writer.field(name, "C", size=30)
    writer.field("MJ_PFM", "N", size=12, decimal=2)
    for i, record in enumerate(records or [ODD]):
        writer.poly([_rect(4543, i)])
        writer.record(record["BH"], record["ZU"], record["DL"], record["MJ_PFM"])
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for ext, buffer in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"T.{ext}", buffer.getvalue())
        archive.writestr("T.prj", pyproj.CRS.from_epsg(4543).to_wkt(WktVersion.WKT1_ESRI))
    return out.getvalue()


MAPPING = {"code": "BH", "village_group": "ZU", "land_class": "DL", "area": "MJ_PFM", "unit": "平方米"}


@pytest.fixture
def project(town, group_a1, group_a2):
    project = factories.project(town)
    factories.parcel(project, group_a1, code="G-1", area_mu="10")
    return project


def test_unrecognised_fields_name_the_files_fields_then_a_mapping_is_used_and_remembered(
    project, group_a2, working_group_member
):
    with pytest.raises(gis.GeometryFieldsUnrecognised) as caught:
        gis.parcel_geometry_import(project=project, data=_odd_file(), filename="t.zip", actor=working_group_member)
    assert caught.value.fields == ["BH", "ZU", "DL", "MJ_PFM"]
    assert caught.value.missing == ["code"]
    assert "找不到地块编码" in caught.value.message
    with pytest.raises(gis.DomainError, match="村民小组字段“XX”不在文件中"):
        gis.parcel_geometry_import(
            project=project,
            data=_odd_file(),
            filename="t.zip",
            actor=working_group_member,
            mapping={"village_group": "XX"},
        )

    report = gis.parcel_geometry_import(
        project=project, data=_odd_file(), filename="t.zip", actor=working_group_member, mapping=MAPPING, dry_run=True
    )
    assert report.created == ["T-1"]
    (row,) = report.rows
    assert (row.new, row.area_mu, row.flagged) == (True, Decimal("10.0000"), False)  # 6666.7 ㎡ = 10.00005 亩
    stored = GeometryFieldMapping.objects.get(project=project)
    assert (stored.code_field, stored.group_field, stored.area_unit) == ("BH", "ZU", "平方米")

    # the next upload of the project uses the remembered mapping
    gis.parcel_geometry_import(
        project=project, data=_odd_file({**ODD, "BH": "T-2"}), filename="t.zip", actor=working_group_member
    )
    parcel = Parcel.objects.get(project=project, code="T-2")
    assert (parcel.village_group, parcel.area_mu) == (group_a2, Decimal("10.0000"))


def test_matched_parcels_only_need_the_code(project, working_group_member):
    """The village group and land class are asked for only when a feature is new."""
    report = gis.parcel_geometry_import(
        project=project, data=nyt_shapefile(4543, [{"DKBM": "G-1"}]), filename="dk.zip", actor=working_group_member
    )
    assert report.updated == ["G-1"]
    data = _odd_file({**ODD, "BH": "N-1"})
    with pytest.raises(gis.GeometryImportRejected) as caught:
        gis.parcel_geometry_import(
            project=project, data=data, filename="t.zip", actor=working_group_member, mapping={"code": "BH"}
        )
    assert "未给出村民小组和地类" in caught.value.message
    assert caught.value.missing == ["village_group", "land_class"]
    assert caught.value.fields == ["BH", "ZU", "DL", "MJ_PFM"]


def test_nyt_attributes_are_kept_on_the_parcel(project, group_a2, working_group_member):
    data = nyt_shapefile(4544, [_nyt("532622101201030099", "大田", "甲马石二组", SCMJM=10)])
    report = gis.parcel_geometry_import(project=project, data=data, filename="dk.zip", actor=working_group_member)
    parcel = Parcel.objects.get(code="532622101201030099")
    assert parcel.attributes == {
        "name": "大田",
        "land_use": "1",
        "grade": "05",
        "contractor_code": "532622101201030001",
        "contractor_name": "张大山",
        "representative": "张大山",
        "boundary_east": "路",
        "boundary_south": "沟",
        "boundary_west": "王五地",
        "boundary_north": "山",
        "basic_farmland": False,
    }
    row = report.rows[0]
    assert row.difference_mu == row.computed_area_mu - Decimal("10")
    assert abs(row.difference_mu) < Decimal("0.01")


def test_page_asks_for_the_mapping_keeps_the_file_and_remembers(project, login_as, working_group_member):
    browser = login_as(working_group_member)
    upload = SimpleUploadedFile("t.zip", _odd_file())
    page = browser.post("/land/map/import/", {"project": project.pk, "file": upload, "dry_run": "on"}).content.decode()
    assert 'data-testid="geometry-mapping"' in page
    for name in ("BH", "ZU", "DL", "MJ_PFM"):
        assert f'<option value="{name}">{name}</option>' in page
    token = re.search(r'name="upload" value="([0-9a-f]+)"', page).group(1)
    page = browser.post(
        "/land/map/import/",
        {
            "project": project.pk,
            "upload": token,
            "code_field": "BH",
            "group_field": "ZU",
            "class_field": "DL",
            "area_field": "MJ_PFM",
            "area_unit": "平方米",
            "dry_run": "on",
        },
    ).content.decode()
    assert 'data-testid="geometry-feature-rows"' in page
    assert "T-1" in page
    assert "新建" in page
    assert not Parcel.objects.filter(code="T-1").exists()  # a dry run
    assert GeometryFieldMapping.objects.get(project=project).class_field == "DL"
    # the next upload goes straight through with the remembered mapping
    upload = SimpleUploadedFile("t.zip", _odd_file())
    page = browser.post("/land/map/import/", {"project": project.pk, "file": upload}).content.decode()
    assert "新建 1 块" in page
    assert Parcel.objects.get(code="T-1").land_class.code == "0103"


def test_api_and_command_line_take_the_mapping(project, client, bearer, working_group_member, tmp_path):
    refused = client.post(
        "/api/land/gis/import",
        {"project": project.pk, "file": SimpleUploadedFile("t.zip", _odd_file()), "dry_run": "true"},
        headers=bearer(working_group_member),
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "fields_unrecognised"
    assert "BH、ZU、DL、MJ_PFM" in refused.json()["message"]
    response = client.post(
        "/api/land/gis/import",
        {
            "project": project.pk,
            "file": SimpleUploadedFile("t.zip", _odd_file()),
            "dry_run": "true",
            "code_field": "BH",
            "group_field": "ZU",
            "class_field": "DL",
            "area_field": "MJ_PFM",
            "area_unit": "平方米",
        },
        headers=bearer(working_group_member),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mapping"] == MAPPING
    assert body["rows"][0]["code"] == "T-1"
    assert body["rows"][0]["new"] is True

    GeometryFieldMapping.objects.all().delete()
    path = tmp_path / "t.zip"
    path.write_bytes(_odd_file())
    with pytest.raises(CommandError, match="找不到地块编码"):
        call_command("import_geometry", str(path), "--user", working_group_member.username, "--project", project.name)
    out = io.StringIO()
    call_command(
        "import_geometry",
        str(path),
        "--user",
        working_group_member.username,
        "--project",
        str(project.pk),
        "--code-field",
        "BH",
        "--group-field",
        "ZU",
        "--class-field",
        "DL",
        "--area-field",
        "MJ_PFM",
        "--area-unit",
        "平方米",
        stdout=out,
    )
    assert "feature 1 T-1: new, surveyed 10.0000 mu" in out.getvalue()
    assert Parcel.objects.filter(code="T-1").exists()
