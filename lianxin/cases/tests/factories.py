"""Cases for tests, made through the services (so numbers, events and deadlines are real)."""

from datetime import date

from lianxin.cases import services
from lianxin.cases.models import Case, ServiceItem


def service_item(name: str = "项目备案代办", days: int = 5, **fields) -> ServiceItem:
    item, _created = ServiceItem.objects.get_or_create(
        name=name,
        defaults={"time_limit_workdays": days, "department": fields.pop("department", "镇政务服务中心"), **fields},
    )
    return item


def dispute(actor, region, *, title: str = "征地补偿款分配纠纷", parties=(), **fields) -> Case:
    return services.dispute_register(
        actor=actor,
        title=title,
        description=fields.pop("description", "两户对承包地补偿款的分配有争议。"),
        region=region,
        category=fields.pop("category", Case.DisputeCategory.LAND_COMPENSATION),
        parties=parties,
        **fields,
    )


def enterprise_request(actor, enterprise, *, item: ServiceItem | None = None, title: str = "施工用电报装") -> Case:
    return services.enterprise_request_submit(
        actor=actor,
        enterprise=enterprise,
        service_item=item or service_item(),
        title=title,
        description="请协调供电所尽快完成临时用电报装。",
    )


def integrity_report(actor=None, region=None, **fields) -> tuple[Case, str, str]:
    return services.integrity_report_submit(
        actor=actor,
        title=fields.pop("title", "干部索要好处"),
        description=fields.pop("description", "某干部在办理施工许可时暗示企业请客送礼。"),
        region=region,
        **fields,
    )


def security_incident(actor, region, *, incident_type: str = Case.IncidentType.THEFT, **fields) -> Case:
    return services.security_incident_register(
        actor=actor,
        title=fields.pop("title", "工地钢材被盗"),
        description=fields.pop("description", "夜间工地钢筋被盗约2吨。"),
        region=region,
        incident_type=incident_type,
        site=fields.pop("site", "氧化铝项目一标段"),
        occurred_on=fields.pop("occurred_on", date(2026, 3, 2)),
        **fields,
    )
