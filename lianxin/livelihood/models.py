"""Livelihood and development (抓发展): the landless-farmer register and what keeps the farmers' income from falling.

The register is derived, never typed: from the land app's agreements and holdings under the local rule
(``LandlessRule``) in force on the household's acquisition date; the decision is stored per household
(``LandlessStatus``) and kept by the land and people services' writes and by rule changes, so a new agreement
or a household change shows at once and reads cost a flag. Everything else here is a ledger of its own: income surveys,
job seekers, postings, quotas, placements (with their append-only history), trainings, businesses, social
insurance, village projects, village–enterprise pairings and village indicators. Every row reaches a region
(``scope_region_lookup``) and, where an enterprise owns it, the enterprise (``scope_enterprise_lookup``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import BaseModel
from lianxin.enterprises.models import Enterprise
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

ZERO = Decimal("0")
MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}
AREA = {"max_digits": 12, "decimal_places": 4, "validators": [MinValueValidator(ZERO)]}


# --- the register's rule -------------------------------------------------------------------------------------


class LandlessRule(BaseModel):
    """Who counts as a landless farmer (失地农民认定标准), local policy with a date range.

    A household whose land was taken (an agreement signed) counts when, after the acquisition, its land left
    per registered person is below ``max_mu_per_person`` or the share of its contracted land lost is at least
    ``min_share_lost_percent`` (either threshold may be left empty). The rule applied is the one in force on
    the household's acquisition date (its latest agreement). Working age is part of the rule too."""

    name = models.CharField(_("名称"), max_length=100)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    max_mu_per_person = models.DecimalField(
        _("人均剩余耕地低于(亩)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    min_share_lost_percent = models.DecimalField(
        _("被征地比例不低于(%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    working_age_from = models.PositiveSmallIntegerField(_("劳动年龄下限(周岁)"), default=16)
    working_age_to_male = models.PositiveSmallIntegerField(_("男性劳动年龄上限(周岁,不含)"), default=60)
    working_age_to_female = models.PositiveSmallIntegerField(_("女性劳动年龄上限(周岁,不含)"), default=55)
    basis = models.CharField(_("依据文件"), max_length=200, blank=True)

    scope_region_lookup = None  # local policy: reference data every role with the permission reads

    class Meta:
        verbose_name = _("失地农民认定标准")
        verbose_name_plural = _("失地农民认定标准")
        ordering = ["valid_from", "id"]
        permissions = [
            ("view_register", _("查看失地农民花名册")),
            ("export_register", _("导出失地农民花名册")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="landless_rule_range"
            ),
            models.CheckConstraint(
                condition=Q(max_mu_per_person__isnull=False) | Q(min_share_lost_percent__isnull=False),
                name="landless_rule_has_threshold",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LandlessStatus(models.Model):
    """The register's decision for one household with land taken (失地农民认定结果), stored so that pages and
    matching read a flag instead of deciding it again over the land ledger at every query.

    Kept by ``services.landless_status_refresh``: the land and people services call it (through
    ``core.household_changes``) when an agreement is signed or undone, a contract right changes or a household's
    members change, and a rule change recomputes every household. The figures are those the decision used:
    ``lost100`` is 100 × mu lost (shares of parcels under agreements), ``persons`` the registered persons,
    ``acquired_on`` the latest agreement's date, ``rule`` the rule in force on that date. A household without land
    taken has no row."""

    household = models.OneToOneField(
        Household,
        verbose_name=_("户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="landless_status",
    )
    is_landless = models.BooleanField(_("认定为失地农民"), default=False)
    rule = models.ForeignKey(
        LandlessRule,
        verbose_name=_("适用标准"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lost100 = models.DecimalField(_("被征面积×100"), max_digits=20, decimal_places=4)
    contracted_area_mu = models.DecimalField(_("承包面积(亩)"), max_digits=12, decimal_places=4, null=True)
    persons = models.PositiveIntegerField(_("户籍人数"), default=0)
    acquired_on = models.DateField(_("征地日期"), null=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_region_lookup = "household__village_group"

    class Meta:
        verbose_name = _("失地农民认定结果")
        verbose_name_plural = _("失地农民认定结果")
        indexes = [models.Index(fields=["is_landless", "household"], name="landless_status_flag")]

    def __str__(self) -> str:
        return str(self.household)


class PriceIndex(BaseModel):
    """The yearly consumer price index (居民消费价格指数, base year = 100) for comparing incomes in real terms."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=[MinValueValidator(1990)])
    index = models.DecimalField(
        _("价格指数"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    scope_region_lookup = None

    class Meta:
        verbose_name = _("价格指数")
        verbose_name_plural = _("价格指数")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.index}"


# --- income ----------------------------------------------------------------------------------------------------


class IncomeSurvey(BaseModel):
    """One household's income in one year, by source (收入调查): the baseline (the year before acquisition) or a
    yearly survey after. ``total`` is the sum of the sources, kept by the service."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("基线调查")
        YEARLY = "yearly", _("年度调查")

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="income_surveys"
    )
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    agriculture = models.DecimalField(_("农业收入(元)"), default=ZERO, **MONEY)
    wages = models.DecimalField(_("工资性收入(元)"), default=ZERO, **MONEY)
    business = models.DecimalField(_("经营性收入(元)"), default=ZERO, **MONEY)
    transfers = models.DecimalField(_("转移性收入(元)"), default=ZERO, **MONEY)
    property_income = models.DecimalField(_("财产性收入(补偿款利息等)(元)"), default=ZERO, **MONEY)
    total = models.DecimalField(_("合计(元)"), default=ZERO, **MONEY)
    persons = models.PositiveSmallIntegerField(_("家庭人口"), default=1, validators=[MinValueValidator(1)])
    surveyed_on = models.DateField(_("调查日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("收入调查")
        verbose_name_plural = _("收入调查")
        ordering = ["household_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_survey_one_per_year"),
            models.UniqueConstraint(
                fields=["household"], condition=Q(kind="baseline"), name="income_survey_one_baseline"
            ),
        ]
        indexes = [models.Index(fields=["year", "household"], name="income_year_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class FollowUp(BaseModel):
    """A follow-up of a household whose income fell (收入下降跟进): the case registered for it in the cases app."""

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("调查年度"))
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="livelihood_follow_up"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("收入下降跟进")
        verbose_name_plural = _("收入下降跟进")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="follow_up_once_per_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class ContactTask(BaseModel):
    """A follow-up handed to the household's contact member (联户党员跟进) from the income alert list: the member
    visits the household whose income fell and records what they found. It reaches the member's 待办 when the
    member has an account (``party.Member.account``) and is listed on the alert list either way."""

    class Status(models.TextChoices):
        OPEN = "open", _("待跟进")
        DONE = "done", _("已跟进")

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("调查年度"))
    member = models.ForeignKey(
        "party.Member", verbose_name=_("联户党员"), on_delete=models.PROTECT, related_name="livelihood_tasks"
    )
    note = models.CharField(_("交办说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    result = models.CharField(_("跟进情况"), max_length=500, blank=True)
    done_on = models.DateField(_("跟进日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("联户党员跟进")
        verbose_name_plural = _("联户党员跟进")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="contact_task_once_per_year")]
        indexes = [models.Index(fields=["member", "status"], name="contact_task_member_status")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


# --- employment -------------------------------------------------------------------------------------------------


class JobSeeker(BaseModel):
    """A registered unemployed working-age person (登记失业/求职人员) with the reason, skills and wishes."""

    class Status(models.TextChoices):
        SEEKING = "seeking", _("求职中")
        PLACED = "placed", _("已就业")
        WITHDRAWN = "withdrawn", _("已退出")

    class Reason(models.TextChoices):
        LAND_TAKEN = "land_taken", _("土地被征收")
        CONTRACT_ENDED = "contract_ended", _("合同期满")
        DISMISSED = "dismissed", _("被辞退")
        FAMILY = "family", _("照顾家庭")
        OTHER = "other", _("其他")

    person = models.OneToOneField(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="job_seeker")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    # Copies of the person's household and birth date, kept by the services (job_seeker_register, and the people
    # services through core.household_changes): matching ranks every candidate without reading the wide person
    # table, which cost most of its time at 100,000 candidates.
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SEEKING)
    reason = models.CharField(_("失业原因"), max_length=20, choices=Reason.choices)
    registered_on = models.DateField(_("登记日期"))
    skills = models.CharField(_("技能(逗号分隔)"), max_length=200, blank=True)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("求职登记")
        verbose_name_plural = _("求职登记")
        indexes = [
            models.Index(fields=["status", "village_group"], name="job_seeker_status_group"),
            # Matching (selectors.match) reads every seeking candidate of the post's age range: with every column
            # it ranks by in the index, the scan never visits the table (100,000 candidates: 0.36 s → 0.12 s).
            models.Index(
                fields=["status", "birth_date", "village_group", "household", "person", "skills"],
                name="job_seeker_match",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person_id)


class JobPosting(BaseModel):
    """A job posting (招聘岗位) by an enterprise liaison, or a public-welfare post (公益性岗位) by the township."""

    class Status(models.TextChoices):
        OPEN = "open", _("招聘中")
        CLOSED = "closed", _("已结束")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="job_postings"
    )
    region = models.ForeignKey(Region, verbose_name=_("工作地点"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("岗位"), max_length=100)
    openings = models.PositiveIntegerField(_("招聘人数"), validators=[MinValueValidator(1)])
    skills = models.CharField(_("技能要求(逗号分隔)"), max_length=200, blank=True)
    certificate = models.CharField(_("证书要求"), max_length=100, blank=True)
    wage_min = models.DecimalField(_("月工资下限(元)"), **MONEY)
    wage_max = models.DecimalField(_("月工资上限(元)"), **MONEY)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), default=16, validators=[MinValueValidator(16)])
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), default=60, validators=[MaxValueValidator(80)])
    starts_on = models.DateField(_("到岗日期"))
    public_welfare = models.BooleanField(_("公益性岗位"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "region"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        constraints = [
            models.CheckConstraint(condition=Q(wage_max__gte=F("wage_min")), name="posting_wage_band"),
            models.CheckConstraint(condition=Q(max_age__gte=F("min_age")), name="posting_age_band"),
            models.CheckConstraint(
                condition=Q(public_welfare=True) | Q(enterprise__isnull=False), name="posting_has_employer"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def skill_set(self) -> set[str]:
        return split_skills(self.skills)


def split_skills(text: str) -> set[str]:
    """'电工, 焊工，叉车' → {'电工', '焊工', '叉车'} (either comma, either width)."""
    return {part.strip() for part in text.replace(",", ",").replace("、", ",").split(",") if part.strip()}


class HiringQuota(BaseModel):
    """A land user's commitment to hire landless farmers first (优先招用失地农民承诺), per enterprise and year."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    committed = models.PositiveIntegerField(_("承诺招用人数"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_region_lookup = "region"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("优先招用指标")
        verbose_name_plural = _("优先招用指标")
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="quota_one_per_enterprise_year")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class Placement(BaseModel):
    """A person proposed for a posting and, once the enterprise accepts, placed in the job (就业安置).

    proposed → accepted (placed, with start date, wage and contract) → ended; or proposed → declined (reason).
    Its history is ``PlacementEvent`` (append-only)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("已推荐")
        ACCEPTED = "accepted", _("已录用")
        DECLINED = "declined", _("未录用")
        ENDED = "ended", _("已离岗")

    posting = models.ForeignKey(JobPosting, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="placements")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_on = models.DateField(_("推荐日期"))
    decline_reason = models.CharField(_("未录用原因"), max_length=200, blank=True)
    starts_on = models.DateField(_("上岗日期"), null=True, blank=True)
    ends_on = models.DateField(_("离岗日期"), null=True, blank=True)
    wage = models.DecimalField(_("月工资(元)"), null=True, blank=True, **MONEY)
    contract_no = models.CharField(_("劳动合同编号"), max_length=60, blank=True)

    # A cadre of the person's village and the enterprise's liaison both see the placement.
    scope_region_lookup = "village_group"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("就业安置")
        verbose_name_plural = _("就业安置")
        permissions = [("decide_placement", _("决定是否录用推荐人员"))]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "person"], condition=~Q(status="declined"), name="placement_once_per_posting"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="placement_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_on"], name="placement_status_start"),
            models.Index(fields=["person", "status"], name="placement_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.posting_id}"


class PlacementEvent(models.Model):
    """One step of a placement (推荐、录用、未录用、离岗): append-only, as case history is."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("就业安置"), on_delete=models.PROTECT, related_name="events"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Placement.Status.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_region_lookup = "placement__village_group"
    scope_enterprise_lookup = "placement__enterprise"
    append_only = {"what": "placement events"}  # database triggers: migration 0002

    class Meta:
        verbose_name = _("就业安置记录")
        verbose_name_plural = _("就业安置记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.status}"


# --- trainings, businesses, insurance ------------------------------------------------------------------------------


class SkillsTraining(BaseModel):
    """A skills training course (技能培训) with its provider, hours and the certificate it leads to."""

    region = models.ForeignKey(Region, verbose_name=_("举办区域"), on_delete=models.PROTECT, related_name="+")
    course = models.CharField(_("课程"), max_length=100)
    provider = models.CharField(_("培训机构"), max_length=100)
    skill = models.CharField(_("所学技能"), max_length=40, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, validators=[MinValueValidator(ZERO)])
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    certificate = models.CharField(_("结业证书"), max_length=100, blank=True)

    scope_region_lookup = "region"

    class Meta:
        verbose_name = _("技能培训")
        verbose_name_plural = _("技能培训")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.course


class TrainingAttendance(BaseModel):
    """One person on a training course: completed or not, and the certificate number when awarded."""

    training = models.ForeignKey(
        SkillsTraining, verbose_name=_("培训"), on_delete=models.PROTECT, related_name="attendances"
    )
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="trainings")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    completed = models.BooleanField(_("已结业"), default=False)
    certificate_no = models.CharField(_("证书编号"), max_length=60, blank=True)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        constraints = [models.UniqueConstraint(fields=["training", "person"], name="training_person_once")]

    def __str__(self) -> str:
        return f"{self.training_id} {self.person_id}"


class Business(BaseModel):
    """A small business a farmer opened (个体经营): shop, eatery, motorbike repair, hardware …"""

    class Kind(models.TextChoices):
        SHOP = "shop", _("小卖部")
        EATERY = "eatery", _("小餐馆")
        MOTORBIKE_REPAIR = "motorbike_repair", _("摩托车修理")
        HARDWARE = "hardware", _("五金")
        FOOD = "food", _("饮食")
        BUILDING_MATERIALS = "building_materials", _("建材")
        SERVICES = "services", _("服务")
        TRANSPORT = "transport", _("运输")
        OTHER = "other", _("其他")

    class IncomeBand(models.TextChoices):
        UNDER_20K = "under_20k", _("2万元以下")
        FROM_20K = "20k_50k", _("2–5万元")
        FROM_50K = "50k_100k", _("5–10万元")
        OVER_100K = "over_100k", _("10万元以上")

    owner = models.ForeignKey(Person, verbose_name=_("经营者"), on_delete=models.PROTECT, related_name="businesses")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("字号"), max_length=100)
    opened_on = models.DateField(_("开业日期"))
    closed_on = models.DateField(_("歇业日期"), null=True, blank=True)
    employees = models.PositiveSmallIntegerField(_("从业人数"), default=1)
    income_band = models.CharField(_("年收入"), max_length=12, choices=IncomeBand.choices)
    support = models.CharField(_("扶持措施"), max_length=200, blank=True)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("个体经营")
        verbose_name_plural = _("个体经营")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="business_closed_after"
            )
        ]

    def __str__(self) -> str:
        return self.name


class InsuranceEnrolment(BaseModel):
    """A landless farmer's social insurance (失地农民养老保险) with the contribution shares, and the 低保 flag."""

    class Status(models.TextChoices):
        CONTRIBUTING = "contributing", _("缴费中")
        RECEIVING = "receiving", _("领取待遇")
        SUSPENDED = "suspended", _("暂停缴费")
        ENDED = "ended", _("已终止")

    person = models.OneToOneField(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="insurance")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    enrolled_on = models.DateField(_("参保日期"))
    government_share = models.DecimalField(_("政府补贴(元)"), **MONEY)
    collective_share = models.DecimalField(_("集体补助(元)"), **MONEY)
    individual_share = models.DecimalField(_("个人缴费(元)"), **MONEY)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.CONTRIBUTING)
    minimum_income_support = models.BooleanField(_("享受低保"), default=False)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("社会保险")
        verbose_name_plural = _("社会保险")

    def __str__(self) -> str:
        return str(self.person_id)


# --- village development ------------------------------------------------------------------------------------------


class Pairing(BaseModel):
    """A village–enterprise pairing (村企结对): an enterprise's commitment to a village, e.g. paying for a road."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已承诺")
        IN_PROGRESS = "in_progress", _("实施中")
        FULFILLED = "fulfilled", _("已兑现")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="pairings"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("村(村民小组)"), on_delete=models.PROTECT, related_name="pairings"
    )
    commitment = models.CharField(_("结对内容"), max_length=200)
    amount = models.DecimalField(_("承诺金额(元)"), default=ZERO, **MONEY)
    signed_on = models.DateField(_("结对日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COMMITTED)

    scope_region_lookup = "village"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("村企结对")
        verbose_name_plural = _("村企结对")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.commitment


class PairingMilestone(BaseModel):
    """A milestone of a pairing (立项、开工、完工、验收 …) with its planned and actual dates."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("村企结对"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("节点"), max_length=60)
    planned_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    scope_region_lookup = "pairing__village"
    scope_enterprise_lookup = "pairing__enterprise"

    class Meta:
        verbose_name = _("结对节点")
        verbose_name_plural = _("结对节点")
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return self.name


class VillageProject(BaseModel):
    """A new-rural-construction project of a village (新农村建设项目): kind, status, acceptance; funds in rows."""

    class Kind(models.TextChoices):
        ROAD = "road", _("道路")
        WATER = "water", _("饮水")
        HOUSING = "housing", _("住房改造")
        SQUARE = "square", _("文化广场")
        IRRIGATION = "irrigation", _("农田水利")
        INDUSTRY = "industry", _("产业发展")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        UNDER_CONSTRUCTION = "under_construction", _("在建")
        COMPLETED = "completed", _("完工")
        ACCEPTED = "accepted", _("已验收")

    village = models.ForeignKey(Region, verbose_name=_("村(村民小组)"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("村企结对"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    amount = models.DecimalField(_("总投资(元)"), default=ZERO, **MONEY)  # sum of the fund rows, kept by the service

    scope_region_lookup = "village"

    class Meta:
        verbose_name = _("新农村建设项目")
        verbose_name_plural = _("新农村建设项目")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_on__isnull=False), name="village_project_accepted_on"
            )
        ]

    def __str__(self) -> str:
        return self.name


def _project_document_path(instance: "ProjectDocument", filename: str) -> str:
    return f"livelihood/projects/{instance.project_id}/{filename}"


class ProjectDocument(BaseModel):
    """A document or photo of a village project (项目资料、照片: approval, acceptance report, site photos): JPEG,
    PNG or PDF judged by the content (as a case's attachments), size limited; downloads scoped like the project."""

    project = models.ForeignKey(
        "VillageProject", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("说明"), max_length=100, blank=True)
    file = models.FileField(_("文件"), upload_to=_project_document_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "project__village"

    class Meta:
        verbose_name = _("项目资料")
        verbose_name_plural = _("项目资料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class FundContribution(BaseModel):
    """One source of a village project's money (资金来源): county, upper-level department, enterprise, village,
    households."""

    class Source(models.TextChoices):
        COUNTY = "county", _("县级财政")
        DEPARTMENT = "department", _("上级部门")
        ENTERPRISE = "enterprise", _("企业")
        VILLAGE = "village", _("村集体")
        HOUSEHOLDS = "households", _("群众自筹")

    project = models.ForeignKey(VillageProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funds")
    source = models.CharField(_("资金来源"), max_length=12, choices=Source.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("出资企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        _("金额(元)"), validators=[MinValueValidator(Decimal("0.01"))], max_digits=14, decimal_places=2
    )

    scope_region_lookup = "project__village"

    class Meta:
        verbose_name = _("项目资金")
        verbose_name_plural = _("项目资金")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="enterprise") | Q(enterprise__isnull=False), name="fund_enterprise_named"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.source} {self.amount}"


class VillageIndicator(BaseModel):
    """One indicator of a village (or village group) in one year (村级发展指标): the target and the actual."""

    class Indicator(models.TextChoices):
        CATTLE = "cattle", _("牛存栏(头)")
        PIGS = "pigs", _("生猪存栏(头)")
        GOATS = "goats", _("山羊存栏(只)")
        CORN = "corn", _("玉米种植面积(亩)")
        SUGARCANE = "sugarcane", _("甘蔗种植面积(亩)")
        TOBACCO = "tobacco", _("烤烟种植面积(亩)")
        TOTAL_INCOME = "total_income", _("农村经济总收入(元)")
        NET_INCOME = "net_income", _("农民纯收入(元)")
        NET_INCOME_PER_CAPITA = "net_income_per_capita", _("农民人均纯收入(元)")
        POPULATION = "population", _("人口基数(人)")

    region = models.ForeignKey(Region, verbose_name=_("村(村民小组)"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    indicator = models.CharField(_("指标"), max_length=24, choices=Indicator.choices)
    target = models.DecimalField(_("目标"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("实绩"), max_digits=14, decimal_places=2, null=True, blank=True)

    scope_region_lookup = "region"

    class Meta:
        verbose_name = _("村级发展指标")
        verbose_name_plural = _("村级发展指标")
        ordering = ["year", "indicator", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "indicator"], name="village_indicator_once"),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(actual__isnull=False), name="village_indicator_has_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.indicator}"


CROP_INDICATORS = (
    VillageIndicator.Indicator.CORN,
    VillageIndicator.Indicator.SUGARCANE,
    VillageIndicator.Indicator.TOBACCO,
)
LIVESTOCK_INDICATORS = (
    VillageIndicator.Indicator.CATTLE,
    VillageIndicator.Indicator.PIGS,
    VillageIndicator.Indicator.GOATS,
)
