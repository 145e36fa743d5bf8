from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .inbox import has_inbox

# The menu: (label, url name, permission needed to see it — or a predicate of the user), or
# (group label, [such entries]) for a drop-down. A group shows when the user may see any of its entries; with only one, as that link.
NAVIGATION = [
    (_("园区概况"), "reports:home", None),
    (_("待办"), "core:inbox", has_inbox),
    (
        _("台账"),
        [
            (_("区划"), "regions:region-list", "regions.view_region"),
            (_("户籍"), "people:household-list", "people.view_household"),
            (_("人口"), "people:person-list", "people.view_person"),
            (_("企业"), "enterprises:enterprise-list", "enterprises.view_enterprise"),
            (_("项目"), "enterprises:project-list", "enterprises.view_project"),
        ],
    ),
    (_("征地"), "land:home", "land.view_parcel"),
    (
        _("服务台"),
        [
            (_("案件"), "cases:case-list", "cases.view_case"),
            (_("案件统计"), "cases:statistics", "accounts.view_dashboard"),
        ],
    ),
    (
        _("党建"),
        [
            (_("党建概况"), "party:home", "party.view_member"),
            (_("党组织"), "party:organization-list", "party.view_organization"),
            (_("组织覆盖"), "party:coverage", "party.view_member"),
            (_("党员花名册"), "party:member-list", "party.view_member"),
            (_("发展党员"), "party:pipeline", "party.view_member"),
            (_("党员联户"), "party:contacts", "party.view_memberhouseholdlink"),
            (_("活动与教育"), "party:activity-list", "party.view_activity"),
            (_("“六个一”服务"), "party:service-standard", "cases.view_servicestandardcheck"),
            (_("支部书记管辖范围"), "party:secretaries", "party.change_secretaryscope"),
        ],
    ),
    (
        _("民生发展"),
        [
            (_("民生概况"), "livelihood:home", "livelihood.view_register"),
            (_("失地农民花名册"), "livelihood:register", "livelihood.view_register"),
            (_("收入下降预警"), "livelihood:alerts", "livelihood.view_incomesurvey"),
            (_("收入对比"), "livelihood:income-figures", "livelihood.view_incomesurvey"),
            (_("招聘岗位"), "livelihood:posting-list", "livelihood.view_jobposting"),
            (_("就业安置"), "livelihood:placement-list", "livelihood.view_placement"),
            (_("优先招用指标"), "livelihood:quotas", "livelihood.view_hiringquota"),
            (_("技能培训"), "livelihood:training-list", "livelihood.view_skillstraining"),
            (_("个体经营"), "livelihood:business-list", "livelihood.view_business"),
            (_("社会保险"), "livelihood:insurance-list", "livelihood.view_insuranceenrolment"),
            (_("新农村建设与村企结对"), "livelihood:project-list", "livelihood.view_villageproject"),
            (_("村级发展指标"), "livelihood:indicators", "livelihood.view_villageindicator"),
        ],
    ),
    (
        _("报告"),
        [
            (_("统计看板"), "reports:dashboard", None),
            (_("工作报告"), "reports:work-report", "accounts.view_dashboard"),
            (_("统计报表"), "reports:return-list", "accounts.view_dashboard"),
            (_("指标目录"), "reports:catalogue", "accounts.view_dashboard"),
        ],
    ),
    (_("导入"), "imports:batch-list", "imports.view_importbatch"),
    (
        _("管理"),
        [
            (_("账号"), "accounts:user-list", "accounts.view_user"),
            (_("审计日志"), "accounts:audit-list", "accounts.view_audit_trail"),
            (_("安全事件"), "accounts:security-event-list", "accounts.view_securityevent"),
            (_("节假日"), "core:holiday-list", "core.view_holiday"),
            (_("数据保存期限"), "core:retention", "core.view_retentionrule"),
        ],
    ),
]


# Pages that keep a search in the session (names and IDs never go into URLs): their menu link carries
# ``?menu=1``, and opening them from the menu starts afresh — paging and exporting keep the search.
MENU_PARAM = "menu"
FRESH_FROM_MENU = {"people:person-list"}


def _link(request, user, label, name, perm) -> dict | None:
    if callable(perm):
        if not perm(user):
            return None
    elif perm is not None and not user.has_perm(perm):
        return None
    url = reverse(name)
    item = {"label": label, "url": url, "active": request.path == url}
    if name in FRESH_FROM_MENU:
        item["url"] = f"{url}?{MENU_PARAM}=1"
    if name == "core:inbox":
        # The count is fetched by htmx after the page has loaded: no page pays a query for it.
        item["badge_url"] = reverse("core:inbox-badge")
    return item


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or getattr(user, "must_change_password", False)
        or getattr(request, "account_step", None)
    ):
        # On a one-time or expired password, or before the second factor, every page but that step is
        # closed (accounts' AccountStepRequiredMiddleware sets ``account_step``): no menu, no 待办 badge.
        return {"nav_items": [], "township_name": settings.LIANXIN_TOWNSHIP_NAME}
    items = []
    for label, target, *perm in NAVIGATION:
        if isinstance(target, list):
            children = [link for entry in target if (link := _link(request, user, *entry))]
            if len(children) > 1:
                active = any(child["active"] for child in children)
                items.append({"label": label, "children": children, "active": active})
            elif children:
                items.append(children[0])
        elif link := _link(request, user, label, target, perm[0]):
            items.append(link)
    return {"nav_items": items, "township_name": settings.LIANXIN_TOWNSHIP_NAME}
