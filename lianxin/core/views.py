from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import inbox as inbox_selectors
from . import retention, selectors, services
from .errors import DomainError
from .forms import HolidayForm, RetentionRuleForm
from .models import Holiday, PurgeRun, ScheduledJob
from .permissions import get_scoped_or_404, require_perm
from .web import add_service_errors
from .workdays import KNOWN_FIRST_YEAR, KNOWN_LAST_YEAR


def csrf_failure(request, reason: str = ""):
    """A Chinese page instead of Django's English CSRF notice (usually an expired form after idle logout)."""
    return render(request, "403_csrf.html", status=403)


@login_required
@permission_required("core.view_holiday", raise_exception=True)
def holiday_list(request):
    """The holiday notice entered for years chinese_calendar does not know; add one day or a run of days."""
    form = HolidayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_perm(request.user, "core.add_holiday")
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.holiday_add(
                    actor=request.user,
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    is_workday=data["kind"] == HolidayForm.KIND_WORKDAY,
                    name=data["name"],
                )
            except DomainError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已录入%(count)s天") % {"count": len(created)})
                return redirect("core:holiday-list")
        status = 400
    return render(
        request,
        "core/holiday_list.html",
        {
            "holidays": selectors.holiday_list(user=request.user),
            "form": form,
            "known_first": KNOWN_FIRST_YEAR,
            "known_last": KNOWN_LAST_YEAR,
        },
        status=status,
    )


@login_required
@permission_required("core.delete_holiday", raise_exception=True)
@require_POST
def holiday_delete(request, pk: int):
    holiday = get_scoped_or_404(Holiday.objects.all(), request.user, pk=pk)
    services.holiday_remove(actor=request.user, holiday=holiday)
    messages.success(request, _("已删除%(date)s") % {"date": holiday.date.isoformat()})
    return redirect("core:holiday-list")


@login_required
def inbox(request):
    """My 待办: one section per provider of my role (deadlines, intake, instructions, hand-over approvals…)."""
    if not inbox_selectors.has_inbox(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "core/inbox.html",
        {
            "sections": inbox_selectors.sections(user=request.user, today=today),
            "today": today,
            "due_soon_limit": inbox_selectors.due_soon_limit(today),
        },
    )


@login_required
@require_GET
def inbox_badge(request):
    """The navbar badge (htmx, after the page loaded): how many things wait in my 待办."""
    return render(request, "core/_inbox_badge.html", {"count": inbox_selectors.inbox_badge(request.user)})


@login_required
@permission_required("core.view_retentionrule", raise_exception=True)
def retention_rules(request):
    """The retention period of each class of personal data (数据保存期限), what a purge now would anonymise
    (counts and the first rows, masked), the purge runs and the scheduled jobs."""
    form = RetentionRuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_perm(request.user, "core.change_retentionrule")
        if form.is_valid():
            try:
                rule = retention.retention_rule_set(
                    key=form.cleaned_data["data_class"], days=form.cleaned_data["days"], actor=request.user
                )
            except DomainError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已将保存期限改为%(days)s天") % {"days": rule.days})
                return redirect("core:retention")
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        status = 400
    return render(
        request,
        "core/retention.html",
        {
            "preview": retention.purge_preview(),
            "runs": PurgeRun.objects.select_related("actor")[:20],
            "jobs": ScheduledJob.objects.order_by("name"),
            "event_retention_days": settings.SECURITY_EVENT_RETENTION_DAYS,
        },
        status=status,
    )


@login_required
@permission_required("core.purge_personal_data", raise_exception=True)
@require_POST
def retention_purge(request):
    """Run the purge now (the daily job does the same)."""
    run = retention.purge_run(trigger=PurgeRun.Trigger.PAGE, actor=request.user)
    messages.success(request, _("已清除%(count)s条超期个人信息") % {"count": run.total})
    return redirect("core:retention")
