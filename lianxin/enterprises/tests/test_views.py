"""Enterprise pages: scope by region or by the liaison's own enterprise, Chinese refusals naming the field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lianxin.enterprises.models import Enterprise, EnterpriseIndicator
from lianxin.enterprises.services import indicator_record
from lianxin.enterprises.tests import factories


def _enterprise_form(region, **overrides) -> dict:
    return {
        "name": "示例硅业有限公司",
        "credit_code": factories.credit_code(),
        "industry": Enterprise.Industry.MANUFACTURING,
        "region": region.pk,
        "in_park": "on",
        "address": "",
        "contact_name": "",
        "contact_phone": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("role", "status", "shown", "hidden"),
    [
        ("town_admin", 200, ["示例铝业有限公司", "外部企业"], []),
        ("working_group_member", 200, ["示例铝业有限公司", "外部企业"], []),
        ("outsider", 200, ["外部企业"], ["示例铝业有限公司"]),
        ("village_a_clerk", 403, [], ["示例铝业有限公司", "外部企业"]),
    ],
)
def test_enterprise_list_shows_only_enterprises_in_scope(
    request, login_as, outsider, enterprise_in_town, role, status, shown, hidden
):
    response = login_as(request.getfixturevalue(role)).get(reverse("enterprises:enterprise-list"))

    html = response.content.decode()
    assert response.status_code == status
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


def test_liaison_gets_404_for_another_enterprise(login_as, outsider, enterprise_in_town):
    browser = login_as(outsider)

    assert browser.get(reverse("enterprises:enterprise-detail", args=[enterprise_in_town.pk])).status_code == 404
    own = browser.get(reverse("enterprises:enterprise-detail", args=[outsider.scope_enterprise_id]))
    assert own.status_code == 200


def test_invalid_credit_code_is_refused_on_the_form_naming_the_field(login_as, working_group_member, town):
    response = login_as(working_group_member).post(
        reverse("enterprises:enterprise-create"), _enterprise_form(town, credit_code="91532621MA00000010")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码:统一社会信用代码校验位不正确" in html  # label: message, next to the field
    assert response.context["form"].errors["credit_code"]
    assert not Enterprise.objects.filter(name="示例硅业有限公司").exists()


def test_duplicate_credit_code_is_refused_on_the_form(login_as, working_group_member, town, enterprise_in_town):
    response = login_as(working_group_member).post(
        reverse("enterprises:enterprise-create"), _enterprise_form(town, credit_code=enterprise_in_town.credit_code)
    )

    assert "已登记" in response.context["form"].errors["credit_code"][0]


def test_working_group_registers_an_enterprise(login_as, working_group_member, town):
    response = login_as(working_group_member).post(reverse("enterprises:enterprise-create"), _enterprise_form(town))

    enterprise = Enterprise.objects.get(name="示例硅业有限公司")
    assert response.status_code == 302
    assert response.url == reverse("enterprises:enterprise-detail", args=[enterprise.pk])


@pytest.mark.parametrize("role", ["town_admin", "village_a_clerk", "outsider"])
def test_roles_without_the_add_permission_cannot_register_enterprises(request, login_as, role, town):
    response = login_as(request.getfixturevalue(role)).post(
        reverse("enterprises:enterprise-create"), _enterprise_form(town)
    )

    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="示例硅业有限公司").exists()


def test_indicator_with_too_many_local_jobs_is_refused_on_the_page(login_as, working_group_member, enterprise_in_town):
    response = login_as(working_group_member).post(
        reverse("enterprises:indicator-record", args=[enterprise_in_town.pk]),
        {"year": 2024, "output_value": "1000", "tax_paid": "100", "employees": 10, "local_employees": 11},
    )

    assert response.status_code == 400
    assert "本地就业人数不能大于就业人数" in response.content.decode()
    assert not EnterpriseIndicator.objects.exists()


def test_liaison_records_figures_for_their_own_enterprise_only(login_as, outsider, enterprise_in_town):
    browser = login_as(outsider)
    figures = {"year": 2024, "output_value": "1000", "tax_paid": "100", "employees": 10, "local_employees": 5}

    own = browser.post(reverse("enterprises:indicator-record", args=[outsider.scope_enterprise_id]), figures)
    other = browser.post(reverse("enterprises:indicator-record", args=[enterprise_in_town.pk]), figures)

    assert (own.status_code, other.status_code) == (302, 404)
    assert list(EnterpriseIndicator.objects.values_list("enterprise_id", flat=True)) == [outsider.scope_enterprise_id]


def test_list_shows_latest_figures_as_plain_numbers(login_as, town_admin, enterprise_in_town):
    # the columns add up to the catalogue's figures (drill-down): yuan with 2 decimals, no 亿元/万元 scaling
    for year, output in ((2023, "90000000"), (2024, "120000000")):
        indicator_record(
            enterprise=enterprise_in_town,
            year=year,
            output_value=Decimal(output),
            tax_paid=Decimal("56000"),
            employees=10,
            local_employees=5,
        )

    html = login_as(town_admin).get(reverse("enterprises:enterprise-list")).content.decode()

    assert "120,000,000.00" in html
    assert ">2024</td>" in html
    assert "56,000.00" in html
    assert "90,000,000.00" not in html  # the older year

    html = login_as(town_admin).get(reverse("enterprises:enterprise-list"), {"year": "2023"}).content.decode()

    assert "90,000,000.00" in html
    assert ">2023</td>" in html


ENTERPRISE_LIST_QUERIES = 10  # session, user, 2× permissions, scope region, region choices, one annotated page,
# session save (3)


@pytest.mark.parametrize("rows", [2, 12])
def test_enterprise_list_query_count_does_not_grow_with_rows(
    login_as, town_admin, town, settings, django_assert_num_queries, rows
):
    settings.LIANXIN_PAGE_SIZE = 5
    for _ in range(rows):
        enterprise = factories.enterprise(town)
        indicator_record(
            enterprise=enterprise,
            year=2024,
            output_value=Decimal("1"),
            tax_paid=Decimal("1"),
            employees=1,
            local_employees=1,
        )
    browser = login_as(town_admin)

    with django_assert_num_queries(ENTERPRISE_LIST_QUERIES):
        response = browser.get(reverse("enterprises:enterprise-list"))

    assert len(response.context["page"].items) == min(rows, 5)
