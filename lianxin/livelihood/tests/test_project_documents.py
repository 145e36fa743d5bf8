"""Documents and photos of a village project: JPEG/PNG/PDF judged by content, size limited, shown as thumbnails,
downloads scoped like the project."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin.core.errors import DomainError

from .. import services
from ..models import ProjectDocument

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture
def road(working_group_member, village_a):
    return services.village_project_create(
        actor=working_group_member,
        village=village_a,
        name="干塘子村进村道路硬化",
        kind="road",
        funds=[("county", Decimal("800000"), None)],
    )


def test_photos_and_documents_are_uploaded_shown_and_downloaded(login_as, working_group_member, village_b_clerk, road):
    client = login_as(working_group_member)
    url = reverse("livelihood:project-detail", args=[road.pk])

    photo = client.post(url, {"file": SimpleUploadedFile("路面.png", PNG), "title": "完工照片"})
    report = client.post(url, {"file": SimpleUploadedFile("验收报告.pdf", PDF)})

    assert photo.status_code == report.status_code == 302
    image, pdf = ProjectDocument.objects.order_by("pk")
    assert (image.content_type, image.title, pdf.content_type) == ("image/png", "完工照片", "application/pdf")
    html = client.get(url).content.decode()
    assert 'data-testid="thumbnail"' in html
    assert reverse("livelihood:project-document", args=[image.pk]) in html
    inline = client.get(reverse("livelihood:project-document", args=[image.pk]))
    assert inline["Content-Type"] == "image/png"
    assert not inline["Content-Disposition"].startswith("attachment")
    assert b"".join(inline.streaming_content) == PNG
    download = client.get(reverse("livelihood:project-document", args=[pdf.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    # another village's cadre sees neither the project nor its files
    other = login_as(village_b_clerk)
    assert other.get(url).status_code == 404
    assert other.get(reverse("livelihood:project-document", args=[image.pk])).status_code == 404
    assert (
        reverse("livelihood:project-detail", args=[road.pk])
        in client.get(reverse("livelihood:project-list")).content.decode()
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("说明.txt", b"just text", "不是JPEG、PNG或PDF文件"),
        ("照片.png", PDF, "扩展名与内容不符"),
    ],
)
def test_wrong_type_is_refused_with_the_file_named(login_as, working_group_member, road, name, content, message):
    response = login_as(working_group_member).post(
        reverse("livelihood:project-detail", args=[road.pk]), {"file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert name in response.content.decode()
    assert not ProjectDocument.objects.exists()


def test_too_big_is_refused(login_as, working_group_member, road, settings):
    settings.LIANXIN_PROJECT_DOCUMENT_MAX_BYTES = 2**20
    big = SimpleUploadedFile("大照片.png", PNG + b"\x00" * 2**20)

    response = login_as(working_group_member).post(reverse("livelihood:project-detail", args=[road.pk]), {"file": big})

    assert response.status_code == 400
    assert "超过1MB的上限" in response.content.decode()
    assert not ProjectDocument.objects.exists()


def test_the_leader_reads_but_cannot_upload(login_as, make_user, town, working_group_member, road):
    from lianxin.accounts.roles import Role

    leader = make_user("lh_doc_leader", Role.TOWNSHIP_LEADER, scope_region=town)
    url = reverse("livelihood:project-detail", args=[road.pk])
    assert login_as(leader).get(url).status_code == 200
    assert login_as(leader).post(url, {"file": SimpleUploadedFile("a.png", PNG)}).status_code == 403
    with pytest.raises(DomainError):
        services.project_document_add(actor=leader, project=road, upload=SimpleUploadedFile("a.png", PNG))
