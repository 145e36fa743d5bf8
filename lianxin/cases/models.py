"""Cases (服务台): disputes, enterprise requests, integrity reports and security incidents in one workflow.

A case carries a stored deadline (``due_on``) so the overdue list is one indexed range scan; its history
(``CaseEvent``) is append-only, refused by database triggers like the security events.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import BaseModel
from lianxin.enterprises.models import Enterprise, Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class ServiceItem(BaseModel):
    """An item of the enterprise service catalogue (服务事项) with its committed time limit in working days."""

    name = models.CharField(_("服务事项"), max_length=100, unique=True)
    department = models.CharField(_("承办部门"), max_length=60, blank=True)
    description = models.TextField(_("说明"), blank=True)
    time_limit_workdays = models.PositiveSmallIntegerField(
        _("承诺时限(工作日)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    active = models.BooleanField(_("启用"), default=True)

    # Reference data: no region, no enterprise (see core.permissions).
    scope_region_lookup = None
    scope_enterprise_lookup = None

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Case(BaseModel):
    """One case (案件/事项) of any kind, its parties, clock and outcome."""

    class Kind(models.TextChoices):
        DISPUTE = "dispute", _("矛盾纠纷")
        ENTERPRISE_REQUEST = "enterprise_request", _("企业诉求")
        INTEGRITY_REPORT = "integrity_report", _("廉政举报")
        SECURITY_INCIDENT = "security_incident", _("治安案件")

    class State(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        ACCEPTED = "accepted", _("已受理")
        IN_PROGRESS = "in_progress", _("办理中")
        SUSPENDED = "suspended", _("已中止")
        RESOLVED = "resolved", _("已办结")
        REVISITED = "revisited", _("已回访")
        CLOSED = "closed", _("已归档")

    class DisputeCategory(models.TextChoices):
        LAND_COMPENSATION = "land_compensation", _("征地补偿")
        BOUNDARY = "boundary", _("土地权属界线")
        CONSTRUCTION_NUISANCE = "construction_nuisance", _("施工扰民")
        WAGES = "wages", _("劳务工资")
        NEIGHBOURS = "neighbours", _("邻里纠纷")
        OTHER = "other", _("其他")

    class DisputeOutcome(models.TextChoices):
        AGREEMENT = "agreement", _("达成调解协议")
        NO_AGREEMENT = "no_agreement", _("未达成协议")
        REFERRED_COURT = "referred_court", _("引导诉讼")
        REFERRED_PETITION = "referred_petition", _("转信访部门")

    class IntegrityCategory(models.TextChoices):
        """The two prohibitions of the township's service rules, and everything else."""

        ASKING_FAVOURS = "asking_favours", _("向企业伸手要吃、要钱、要物")
        SHIRKING = "shirking", _("服务中推诿扯皮")
        OTHER = "other", _("其他")

    class IncidentType(models.TextChoices):
        THEFT = "theft", _("盗窃施工材料")
        DAMAGE = "damage", _("破坏施工设施")
        OBSTRUCTION = "obstruction", _("阻挠施工")
        FIGHT = "fight", _("打架斗殴")
        OTHER = "other", _("其他")

    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.REGISTERED)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("情况描述"))
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="cases")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("关联项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    service_item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    parcels = models.ManyToManyField("land.Parcel", verbose_name=_("涉及地块"), blank=True, related_name="cases")
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("协办人"), blank=True, related_name="co_handled_cases"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_cases",
    )
    registered_at = models.DateTimeField(_("登记时间"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    time_limit_workdays = models.PositiveSmallIntegerField(_("办理时限(工作日)"), null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    suspended_on = models.DateField(_("中止日期"), null=True, blank=True)
    suspended_workdays = models.PositiveIntegerField(_("累计中止工作日"), default=0)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    satisfaction_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    # Dispute (矛盾纠纷)
    dispute_category = models.CharField(_("纠纷类别"), max_length=30, choices=DisputeCategory.choices, blank=True)
    dispute_outcome = models.CharField(_("调处结果"), max_length=30, choices=DisputeOutcome.choices, blank=True)

    # Integrity report (廉政举报)
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    reporter_name = models.CharField(_("举报人"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    reported_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被举报干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_in_cases",
    )
    reported_cadre_name = models.CharField(_("被举报人姓名/职务"), max_length=100, blank=True)
    integrity_category = models.CharField(_("举报类别"), max_length=20, choices=IntegrityCategory.choices, blank=True)
    # SHA-256 of the random tracking code (the code itself is shown once and never stored).
    tracking_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    tracking_passphrase = models.CharField(max_length=128, blank=True, editable=False)
    # The reporter's name, phone and tracking code were anonymised past their retention after the case
    # closed (core.retention; cases.retention).
    reporter_contact_purged_at = models.DateTimeField(_("举报人信息清除时间"), null=True, blank=True, editable=False)

    # Security incident (治安案件)
    incident_type = models.CharField(_("案件类型"), max_length=20, choices=IncidentType.choices, blank=True)
    site = models.CharField(_("发案地点/工地"), max_length=120, blank=True)
    occurred_on = models.DateField(_("发案日期"), null=True, blank=True)
    loss_value = models.DecimalField(_("损失价值(元)"), null=True, blank=True, **MONEY)
    solved = models.BooleanField(_("已破案"), default=False)
    suspects_caught = models.PositiveIntegerField(_("抓获嫌疑人"), default=0)

    scope_region_lookup = "region"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-id"]
        permissions = [
            ("view_dispute", _("查看矛盾纠纷")),
            ("view_enterprise_request", _("查看企业诉求")),
            ("view_integrity_report", _("查看廉政举报")),
            ("view_security_incident", _("查看治安案件")),
            ("handle_case", _("办理案件")),
            ("submit_enterprise_request", _("提交企业诉求")),
            ("rate_case", _("评价办理结果")),
            ("export_case", _("导出案件")),
            ("instruct_case", _("批示、督办案件")),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="case_state_due"),
            models.Index(fields=["kind", "state", "id"], name="case_kind_state_id"),
            models.Index(fields=["region", "id"], name="case_region_id"),
            models.Index(fields=["assignee", "state", "due_on"], name="case_assignee_state_due"),
            models.Index(fields=["kind", "registered_at"], name="case_kind_registered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(assignee__isnull=True)
                | Q(reported_cadre__isnull=True)
                | ~Q(assignee=models.F("reported_cadre")),
                name="case_reported_cadre_not_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.RESOLVED, self.State.REVISITED, self.State.CLOSED)

    def overdue_on(self, today: date) -> bool:
        """Overdue (超期): the clock runs (not suspended, not finished) and the stored deadline has passed.
        The one definition; ``overdue_filter`` is the same rule as a query."""
        return self.state in CLOCK_STATES and self.due_on is not None and self.due_on < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


# Being handled (a suspended case too); of those, the states whose clock runs — a suspended case's
# deadline moves when it resumes, so it is never overdue; and the states of a finished case.
OPEN_STATES = (Case.State.REGISTERED, Case.State.ACCEPTED, Case.State.IN_PROGRESS, Case.State.SUSPENDED)
CLOCK_STATES = (Case.State.REGISTERED, Case.State.ACCEPTED, Case.State.IN_PROGRESS)
RESOLVED_STATES = (Case.State.RESOLVED, Case.State.REVISITED, Case.State.CLOSED)


def overdue_filter(today: date) -> Q:
    """Overdue (超期) as a query: a running clock past its stored deadline (a range scan on state, due_on)."""
    return Q(state__in=CLOCK_STATES, due_on__lt=today)


class CaseParty(BaseModel):
    """A party to a case (当事人): a linked person, household or enterprise, never retyped; someone outside
    the registers (a contractor's foreman, a traveller) by name only."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        VICTIM = "victim", _("受害方")
        SUSPECT = "suspect", _("嫌疑人")
        OTHER = "other", _("其他当事人")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="case_parties"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="case_parties"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="case_parties"
    )
    name = models.CharField(_("姓名(未登记人员)"), max_length=50, blank=True)

    scope_region_lookup = "case__region"
    scope_enterprise_lookup = "case__enterprise"

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, household__isnull=True, enterprise__isnull=True, name="")
                    | Q(person__isnull=True, household__isnull=False, enterprise__isnull=True, name="")
                    | Q(person__isnull=True, household__isnull=True, enterprise__isnull=False, name="")
                    | (Q(person__isnull=True, household__isnull=True, enterprise__isnull=True) & ~Q(name=""))
                ),
                name="case_party_exactly_one",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.household or self.enterprise or self.name)


class CaseEvent(models.Model):
    """One line of a case's history (办理记录): a transition, a comment, an assignment. Append-only."""

    class Type(models.TextChoices):
        TRANSITION = "transition", _("状态变更")
        COMMENT = "comment", _("办理意见")
        ASSIGNMENT = "assignment", _("指派")
        ATTACHMENT = "attachment", _("附件")
        MEDIATION = "mediation", _("调解记录")
        RATING = "rating", _("评价")
        INSTRUCTION = "instruction", _("领导批示")
        CHASE = "chase", _("督办")
        ACKNOWLEDGEMENT = "acknowledgement", _("批示督办回复")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("类型"), max_length=20, choices=Type.choices, default=Type.TRANSITION)
    from_state = models.CharField(_("原状态"), max_length=20, choices=Case.State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=Case.State.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("说明"), blank=True)

    scope_region_lookup = "case__region"
    scope_enterprise_lookup = "case__enterprise"
    append_only = {"what": "case events"}  # database triggers: migration 0002, core.append_only

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="case_event_case_at"),
            # Leaders' instructions and chases are few: the 待办 finds them by type, never by scanning history.
            models.Index(fields=["type", "case"], name="case_event_type_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_type_display()} {self.to_state}"


# A leader's instruction (批示) and chase (督办): they wait in the handler's 待办 until answered.
LEADER_EVENT_TYPES = (CaseEvent.Type.INSTRUCTION, CaseEvent.Type.CHASE)


class CaseSuspension(BaseModel):
    """A pause of the clock (中止), e.g. waiting for documents from the applicant; resuming extends the deadline."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="suspensions")
    started_on = models.DateField(_("中止日期"))
    ended_on = models.DateField(_("恢复日期"), null=True, blank=True)
    workdays = models.PositiveIntegerField(_("中止工作日"), default=0)
    reason = models.TextField(_("中止原因"))

    scope_region_lookup = "case__region"
    scope_enterprise_lookup = "case__enterprise"

    class Meta:
        verbose_name = _("中止记录")
        verbose_name_plural = _("中止记录")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.started_on}"


class MediationSession(BaseModel):
    """A mediation session of a dispute (调解记录): date, place, participants, summary."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("调解地点"), max_length=120)
    participants = models.TextField(_("参加人员"))
    summary = models.TextField(_("调解情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "case__region"
    scope_enterprise_lookup = "case__enterprise"

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


def _attachment_path(instance: "CaseAttachment", filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseAttachment(BaseModel):
    """A photo or scan attached to a case: JPEG, PNG or PDF, type checked from the content, size limited."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "case__region"
    scope_enterprise_lookup = "case__enterprise"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CaseSequence(models.Model):
    """The last number given per prefix and year; locked while numbering so two cases never share one."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="case_sequence_prefix_year")]


class PatrolLog(BaseModel):
    """A joint-defence patrol (联防巡逻): team, date, route, findings."""

    team = models.CharField(_("巡逻队"), max_length=60)
    patrolled_on = models.DateField(_("巡逻日期"))
    route = models.CharField(_("巡逻路线"), max_length=200)
    members = models.CharField(_("参加人员"), max_length=200, blank=True)
    findings = models.TextField(_("发现情况"), blank=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="patrol_logs")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "region"
    scope_enterprise_lookup = None

    class Meta:
        verbose_name = _("巡逻记录")
        verbose_name_plural = _("巡逻记录")
        ordering = ["-patrolled_on", "-id"]
        indexes = [models.Index(fields=["region", "id"], name="patrol_region_id")]

    def __str__(self) -> str:
        return f"{self.patrolled_on} {self.team}"


class ServiceStandardCheck(BaseModel):
    """The "六个一" service standard as the enterprise rated it at a revisit of its request (回访): six items,
    each met or not, for the handler (承办人) and unit (承办部门) of the case at that moment."""

    ITEMS = (
        ("smile", _("一张笑脸相迎")),
        ("seat", _("一张椅子请座")),
        ("tea", _("一杯清茶解渴")),
        ("enthusiasm", _("一腔热情办事")),
        ("on_time", _("一定时限办成")),
        ("farewell", _("一声再见相送")),
    )

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="service_checks")
    event = models.OneToOneField(
        CaseEvent, verbose_name=_("回访记录"), on_delete=models.PROTECT, related_name="service_check"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(_("承办部门"), max_length=60, blank=True)
    checked_on = models.DateField(_("回访日期"))
    smile = models.BooleanField(_("一张笑脸相迎"), default=False)
    seat = models.BooleanField(_("一张椅子请座"), default=False)
    tea = models.BooleanField(_("一杯清茶解渴"), default=False)
    enthusiasm = models.BooleanField(_("一腔热情办事"), default=False)
    on_time = models.BooleanField(_("一定时限办成"), default=False)
    farewell = models.BooleanField(_("一声再见相送"), default=False)

    scope_region_lookup = "case__region"
    scope_enterprise_lookup = "case__enterprise"

    class Meta:
        verbose_name = _("“六个一”服务评价")
        verbose_name_plural = _("“六个一”服务评价")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["checked_on"], name="case_service_check_day")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.checked_on}"

    @property
    def items_met(self) -> int:
        return sum(bool(getattr(self, name)) for name, _label in self.ITEMS)
