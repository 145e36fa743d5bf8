from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import Role
from lianxin.land.models import Agreement, Parcel, Payment

from . import factories

TODAY = timezone.localdate


@pytest.fixture
def parcel_b(land_project, group_b1, household_b, standards):
    parcel = factories.parcel(land_project, group_b1, area_mu="5", code="B-1")
    factories.holding(parcel, household_b)
    return parcel


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("land:home", []),
        ("land:parcel-list", []),
        ("land:standard-list", []),
        ("land:agreement-list", []),
        ("land:payment-list", []),
    ],
)
def test_land_pages_open_for_the_working_group(login_as, working_group_member, signed, name, args):
    response = login_as(working_group_member).get(reverse(name, args=args))
    assert response.status_code == 200


def test_detail_pages_render(login_as, working_group_member, signed, land_project):
    agreement, parcel = signed
    client = login_as(working_group_member)
    for url in (
        reverse("land:parcel-detail", args=[parcel.pk]),
        reverse("land:agreement-detail", args=[agreement.pk]),
        reverse("land:household-detail", args=[agreement.household_id]),
        reverse("land:procedure", args=[land_project.pk]),
        reverse("land:progress", args=[land_project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_outsider_and_enterprise_roles_cannot_open_land_pages(login_as, outsider, signed):
    assert login_as(outsider).get(reverse("land:parcel-list")).status_code == 403


def test_village_cadre_sees_only_own_village_parcels(login_as, village_a_clerk, signed, parcel_b):
    _agreement, parcel_a = signed
    client = login_as(village_a_clerk)
    page = client.get(reverse("land:parcel-list")).content.decode()
    assert parcel_a.code in page
    assert parcel_b.code not in page
    assert client.get(reverse("land:parcel-detail", args=[parcel_b.pk])).status_code == 404
    assert client.get(reverse("land:parcel-detail", args=[parcel_a.pk])).status_code == 200


def test_village_cadre_cannot_record_payments(login_as, village_a_clerk, signed):
    agreement, _parcel = signed
    response = login_as(village_a_clerk).post(
        reverse("land:payment-record", args=[agreement.pk]),
        {"amount": "100", "paid_on": TODAY().isoformat(), "voucher_no": "X", "payee_name": "王"},
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_working_group_records_a_payment_and_progress_shows_it(login_as, working_group_member, signed, land_project):
    agreement, _parcel = signed
    client = login_as(working_group_member)
    response = client.post(
        reverse("land:payment-record", args=[agreement.pk]),
        {"amount": "550000", "paid_on": TODAY().isoformat(), "voucher_no": "记-7", "payee_name": "王小明"},
    )
    assert response.status_code == 302
    progress = client.get(reverse("land:progress", args=[land_project.pk]))
    assert progress.context["progress"]["money_paid"] == Decimal("550000.00")
    assert progress.context["progress"]["statuses"][2]["parcels"] == 1  # paid


def test_over_payment_is_shown_on_the_form(login_as, working_group_member, signed):
    agreement, _parcel = signed
    response = login_as(working_group_member).post(
        reverse("land:payment-record", args=[agreement.pk]),
        {"amount": "999999", "paid_on": TODAY().isoformat(), "voucher_no": "记-7", "payee_name": "王小明"},
    )
    assert response.status_code == 400
    assert "超过协议总金额" in response.content.decode()


def test_reversal_from_the_agreement_page(login_as, working_group_member, signed):
    from lianxin.land import services

    agreement, _parcel = signed
    payment = services.payment_record(
        agreement=agreement,
        amount=Decimal("10"),
        paid_on=TODAY(),
        voucher_no="V",
        payee_name="王",
        actor=working_group_member,
    )
    client = login_as(working_group_member)
    response = client.post(reverse("land:payment-reverse", args=[payment.pk]), {"reason": "录错"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.paid_total == 0
    assert Payment.objects.filter(reverses=payment).exists()


def test_agreement_create_previews_then_saves(
    login_as, working_group_member, land_project, group_a1, household_a, standards
):
    parcel = factories.parcel(land_project, group_a1, area_mu="2")
    holding = factories.holding(parcel, household_a)
    client = login_as(working_group_member)
    url = reverse("land:agreement-create") + f"?project={land_project.pk}&household={household_a.pk}"
    form = {"holdings": [str(holding.pk)], "signed_on": TODAY().isoformat(), "trees": "3"}
    preview = client.post(url, {**form, "action": "preview"})
    assert preview.status_code == 200
    assert preview.context["quote_total"] == Decimal("110240.00")  # 2 mu × 55,000 + 3 × 80
    assert not Agreement.objects.exists()
    saved = client.post(url, {**form, "action": "save"})
    assert saved.status_code == 302
    assert Agreement.objects.get().total_amount == Decimal("110240.00")
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.AGREED


def test_handover_button_refuses_unpaid_parcel(login_as, working_group_member, signed):
    _agreement, parcel = signed
    response = login_as(working_group_member).post(
        reverse("land:parcel-handover", args=[parcel.pk]), {"handed_over_on": TODAY().isoformat()}
    )
    assert response.status_code == 400
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.AGREED


def test_stalled_households_list_links_the_cases_hook(login_as, working_group_member, land_project, parcel_b):
    response = login_as(working_group_member).get(reverse("land:progress", args=[land_project.pk]))
    stalled = response.context["stalled"]
    assert [h.pk for h in stalled.items] == [parcel_b.holdings.get().household_id]
    assert stalled.items[0].stalled_parcel_ids == [parcel_b.pk]
    # fewer days than since the survey: still stalled; more: not
    assert (
        not login_as(working_group_member)
        .get(reverse("land:progress", args=[land_project.pk]) + "?days=90")
        .context["stalled"]
        .items
    )


def test_county_viewer_sees_progress_aggregates_but_no_households(make_user, county, login_as, signed, land_project):
    viewer = make_user("county_v", Role.COUNTY_VIEWER, scope_region=county)
    response = login_as(viewer).get(reverse("land:progress", args=[land_project.pk]))
    assert response.status_code == 200
    assert response.context["progress"]["money_agreed"] == Decimal("550000.00")
    assert "stalled" not in response.context


def test_parcel_export_has_area_total(login_as, working_group_member, signed):
    import io

    import openpyxl

    response = login_as(working_group_member).get(reverse("land:parcel-export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), data_only=True).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    total_row = next(r for r in values if r and r[0] == "合计")
    assert 10 in total_row  # 测量面积 column


def test_parcel_list_query_count_is_constant(login_as, working_group_member, land_project, group_a1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_as(working_group_member)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("land:parcel-list"))
        return len(captured)

    factories.parcel(land_project, group_a1)
    few = queries()
    for _ in range(12):
        factories.parcel(land_project, group_a1)

    assert queries() == few


def test_procedure_page_records_a_step_and_warns_on_short_announcement(login_as, working_group_member, land_project):
    client = login_as(working_group_member)
    start = TODAY() - timedelta(days=60)
    response = client.post(
        reverse("land:procedure", args=[land_project.pk]),
        {
            "step": "pre_announcement",
            "started_on": start.isoformat(),
            "completed_on": (start + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("land:procedure", args=[land_project.pk]))
    assert "少于法定的10个工作日" in page.content.decode()


def test_agreement_attachment_upload_and_scoped_download(
    login_as, working_group_member, village_b_clerk, signed, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    agreement, _parcel = signed
    client = login_as(working_group_member)
    upload = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(reverse("land:attachment-add", args=[agreement.pk]), {"title": "签字页", "file": upload})
    assert response.status_code == 302
    attachment = agreement.attachments.get()
    download = client.get(reverse("land:attachment-file", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert login_as(village_b_clerk).get(reverse("land:attachment-file", args=[attachment.pk])).status_code == 404
