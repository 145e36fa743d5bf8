from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission needed to see the entry)
NAVIGATION = [
    (_("园区概况"), "reports:home", None),
    (_("区划"), "regions:region-list", "regions.view_region"),
    (_("户籍"), "people:household-list", "people.view_household"),
    (_("人口"), "people:person-list", "people.view_person"),
    (_("企业"), "enterprises:enterprise-list", "enterprises.view_enterprise"),
    (_("项目"), "enterprises:project-list", "enterprises.view_project"),
    (_("导入"), "imports:batch-list", "imports.view_importbatch"),
    (_("审计日志"), "accounts:audit-list", "accounts.view_audit_trail"),
    (_("安全事件"), "accounts:security-event-list", "accounts.view_securityevent"),
    (_("账号"), "accounts:user-list", "accounts.view_user"),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "township_name": settings.LIANXIN_TOWNSHIP_NAME}
    items = [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, perm in NAVIGATION
        if perm is None or user.has_perm(perm)
    ]
    return {"nav_items": items, "township_name": settings.LIANXIN_TOWNSHIP_NAME}
