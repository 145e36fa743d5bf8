"""Party organisation and education (党建): organisations and their coverage, members and their development,
activities with attendance, member-to-household contacts, dues, evaluations and the local rules.

Every row reaches a region (``scope_region_lookup``: the organisation's seat) and an organisation
(``scope_organization_lookup``, for branch secretaries), so the one scope mechanism of
``core.permissions`` narrows every query. Counts of members never count a person twice: a member is
one row per person (``person`` is one-to-one), held by the organisation of the membership relation
(``organization``); a temporary branch only lends them (``seconded_to``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import BaseModel
from lianxin.enterprises.models import Enterprise, Project
from lianxin.people.models import Household, Person
from lianxin.regions.models import Region

MONEY = {"max_digits": 12, "decimal_places": 2}
HOURS = {"max_digits": 6, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0"))]}


# --- organisations ---------------------------------------------------------------------------------------


class Organization(BaseModel):
    """A Party organisation (党组织): the township committee, general branches, branches, joint and temporary
    branches, with the village groups, projects and enterprises it covers."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        JOINT_BRANCH = "joint_branch", _("联合党支部")
        TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of primary keys ("1/4/9/"), as for regions: a subtree is one prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="party_organizations"
    )
    covered_groups = models.ManyToManyField(
        Region,
        verbose_name=_("覆盖的村民小组"),
        blank=True,
        related_name="covering_organizations",
        limit_choices_to={"level": Region.Level.VILLAGE_GROUP},
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("覆盖的项目"), blank=True, related_name="party_organizations"
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("覆盖的企业(单位)"), blank=True, related_name="party_organizations"
    )
    founded_on = models.DateField(_("成立日期"))
    founding_reason = models.TextField(_("成立原因"), blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    dissolution_reason = models.TextField(_("撤销原因"), blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("委员会每届任期(年)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    party_groups = models.PositiveSmallIntegerField(_("党小组数"), default=0)

    scope_region_lookup = "region"
    scope_organization_lookup = ""

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="party_org_unique_name_in_parent"),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("founded_on")),
                name="party_org_dissolved_after_founded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def active_on(self, day) -> bool:
        return self.founded_on <= day and (self.dissolved_on is None or self.dissolved_on > day)


BRANCH_KINDS = (Organization.Kind.BRANCH, Organization.Kind.JOINT_BRANCH, Organization.Kind.TEMPORARY_BRANCH)


class OrganizationChange(models.Model):
    """One line of an organisation's history (沿革): founded, renamed, coverage changed, secretary, dissolved."""

    class Kind(models.TextChoices):
        FOUNDED = "founded", _("成立")
        CHANGED = "changed", _("变更")
        COVERAGE = "coverage", _("覆盖范围调整")
        TERM = "term", _("换届")
        DISSOLVED = "dissolved", _("撤销")

    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("日期"))
    description = models.TextField(_("内容"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_region_lookup = "organization__region"
    scope_organization_lookup = "organization"
    append_only = {"what": "organisation changes"}  # database triggers: migration 0002

    class Meta:
        verbose_name = _("党组织沿革")
        verbose_name_plural = _("党组织沿革")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.on} {self.get_kind_display()}"


class CommitteeTerm(BaseModel):
    """One term (届) of an organisation's committee (or of its secretary where there is no committee)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="terms"
    )
    elected_on = models.DateField(_("选举日期"))
    ends_on = models.DateField(_("任期届满日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_region_lookup = "organization__region"
    scope_organization_lookup = "organization"

    class Meta:
        verbose_name = _("委员会届次")
        verbose_name_plural = _("委员会届次")
        ordering = ["-elected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("elected_on")), name="party_term_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.elected_on:%Y}—{self.ends_on:%Y}"


class Language(models.Model):
    """A language members speak and activities are held in (汉语、苗语、彝语 …): reference data."""

    code = models.CharField(_("代码"), max_length=10, unique=True)
    name = models.CharField(_("语言"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_region_lookup = None

    class Meta:
        verbose_name = _("语言")
        verbose_name_plural = _("语言")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


# --- members --------------------------------------------------------------------------------------------


class Member(BaseModel):
    """A person on the Party's books (党员/入党申请人): from the application through probation to full membership.

    One row per person, so no total counts anyone twice. ``organization`` holds the membership relation
    (组织关系; for people in the pipeline, the branch developing them); ``seconded_to`` is the temporary
    branch a member works in while the relation stays home.
    """

    class Stage(models.TextChoices):
        APPLICANT = "applicant", _("入党申请人")
        ACTIVIST = "activist", _("入党积极分子")
        CANDIDATE = "candidate", _("发展对象")
        PROBATIONARY = "probationary", _("预备党员")
        FULL = "full", _("正式党员")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        TRANSFERRED_OUT = "transferred_out", _("已转出")
        DECEASED = "deceased", _("已去世")
        WITHDRAWN = "withdrawn", _("退党/除名")
        EXPELLED = "expelled", _("开除党籍")
        DISQUALIFIED = "disqualified", _("取消预备党员资格")
        STOPPED = "stopped", _("终止发展")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("小学及以下")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中/中专")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        POSTGRADUATE = "postgraduate", _("研究生")

    class Occupation(models.TextChoices):
        FARMER = "farmer", _("农牧渔民")
        ORGAN_CADRE = "organ_cadre", _("机关干部")
        PARK_WORKER = "park_worker", _("园区企业职工")
        ENTERPRISE_STAFF = "enterprise_staff", _("企业管理和专业技术人员")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位人员")
        SELF_EMPLOYED = "self_employed", _("个体经营者")
        VILLAGE_CADRE = "village_cadre", _("村(社区)干部")
        STUDENT = "student", _("学生")
        RETIRED = "retired", _("离退休人员")
        OTHER = "other", _("其他")

    class DuesCategory(models.TextChoices):
        SALARIED = "salaried", _("按月领取工资")
        RETIRED = "retired", _("离退休")
        FARMER = "farmer", _("农民")
        HARDSHIP = "hardship", _("学生/下岗失业/领取低保")

    person = models.OneToOneField(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="party_member")
    stage = models.CharField(_("类别"), max_length=20, choices=Stage.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织关系所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    seconded_to = models.ForeignKey(
        Organization,
        verbose_name=_("选派到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seconded_members",
    )
    applied_on = models.DateField(_("入党申请日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定为积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True, help_text=_("支部大会通过其为预备党员之日"))
    probation_ends_on = models.DateField(_("预备期满日期"), null=True, blank=True)
    extended_months = models.PositiveSmallIntegerField(_("延长预备期(月)"), default=0)
    full_on = models.DateField(_("转为正式党员日期"), null=True, blank=True)
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    left_reason = models.CharField(_("离开原因"), max_length=200, blank=True)
    party_post = models.CharField(_("党内职务"), max_length=60, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("职业"), max_length=30, choices=Occupation.choices, blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("使用语言"), blank=True, related_name="members")
    non_resident = models.BooleanField(_("不在本镇居住"), default=False)
    residence = models.CharField(_("居住地"), max_length=100, blank=True)
    dues_category = models.CharField(
        _("党费计算类别"), max_length=20, choices=DuesCategory.choices, default=DuesCategory.FARMER
    )
    monthly_income = models.DecimalField(_("月工资收入(税后,元)"), null=True, blank=True, **MONEY)
    dues_fixed = models.DecimalField(_("农民党员月交党费(元)"), null=True, blank=True, **MONEY)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
        help_text=_("党员本人的账号:交给其办理的事项(如联户跟进)进入其待办"),
    )
    # The pipeline's next step and its due date, kept by the services: the due list is a range scan.
    next_step = models.CharField(_("下一环节"), max_length=30, blank=True)
    next_due_on = models.DateField(_("下一环节期限"), null=True, blank=True)

    scope_region_lookup = "organization__region"
    scope_organization_lookup = ("organization", "seconded_to")

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["-id"]
        permissions = [("export_member", _("导出党员花名册"))]
        indexes = [
            models.Index(fields=["organization", "stage", "status"], name="party_member_org_stage"),
            models.Index(fields=["status", "next_due_on"], name="party_member_due"),
            models.Index(fields=["stage", "status", "joined_on"], name="party_member_joined"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(seconded_to__isnull=True) | ~Q(seconded_to=models.F("organization")),
                name="party_member_seconded_elsewhere",
            ),
            models.CheckConstraint(condition=Q(extended_months__lte=12), name="party_member_extension_at_most_12"),
        ]

    def __str__(self) -> str:
        return self.person.name if "person" in self._state.fields_cache else f"#{self.pk}"

    @property
    def is_member(self) -> bool:
        """A Party member proper (预备 or 正式), as opposed to someone in the pipeline."""
        return self.stage in MEMBER_STAGES

    @property
    def in_pipeline(self) -> bool:
        return self.stage in PIPELINE_STAGES and self.status == self.Status.ACTIVE

    @property
    def next_step_label(self) -> str:
        return str(Step(self.next_step).label) if self.next_step in Step.values else ""


MEMBER_STAGES = (Member.Stage.PROBATIONARY, Member.Stage.FULL)
PIPELINE_STAGES = (Member.Stage.APPLICANT, Member.Stage.ACTIVIST, Member.Stage.CANDIDATE, Member.Stage.PROBATIONARY)


class CommitteePost(BaseModel):
    """A member's post in a committee term: secretary, deputy, organisation, publicity, discipline, member."""

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
        ORGANISATION = "organisation", _("组织委员")
        PUBLICITY = "publicity", _("宣传委员")
        DISCIPLINE = "discipline", _("纪检委员")
        MEMBER = "member", _("委员")

    term = models.ForeignKey(CommitteeTerm, verbose_name=_("届次"), on_delete=models.CASCADE, related_name="posts")
    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="posts")
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)

    scope_region_lookup = "term__organization__region"
    scope_organization_lookup = "term__organization"

    class Meta:
        verbose_name = _("委员会职务")
        verbose_name_plural = _("委员会职务")
        ordering = ["term", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "member"], name="party_post_one_per_member"),
            models.UniqueConstraint(
                fields=["term"], condition=Q(post="secretary"), name="party_post_one_secretary_per_term"
            ),
        ]

    def __str__(self) -> str:
        return self.get_post_display()


class MembershipTransfer(models.Model):
    """A transfer of the membership relation (组织关系转接): in from outside, out of the township, or between
    organisations of the township. Append-only: a mistake is corrected by a transfer back."""

    class Direction(models.TextChoices):
        IN = "in", _("转入")
        OUT = "out", _("转出")
        INTERNAL = "internal", _("镇内转接")

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfers")
    direction = models.CharField(_("类型"), max_length=10, choices=Direction.choices)
    from_organization = models.ForeignKey(
        Organization, verbose_name=_("转出党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name=_("转入党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_unit = models.CharField(_("镇外党组织"), max_length=100, blank=True)
    transferred_on = models.DateField(_("转接日期"))
    letter_number = models.CharField(_("介绍信编号"), max_length=40, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_region_lookup = "member__organization__region"
    scope_organization_lookup = ("member__organization", "from_organization", "to_organization")
    append_only = {"what": "membership transfers"}  # database triggers: migration 0002

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["transferred_on", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_direction_display()} {self.transferred_on}"


class MemberHouseholdLink(BaseModel):
    """A member's contact with a household (党员联户): one active contact per household."""

    member = models.ForeignKey(
        Member, verbose_name=_("联系党员"), on_delete=models.PROTECT, related_name="household_links"
    )
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="party_links")
    since = models.DateField(_("联系起始日期"))
    until = models.DateField(_("联系终止日期"), null=True, blank=True)

    scope_region_lookup = "household__village_group"
    scope_organization_lookup = ("member__organization", "member__seconded_to")

    class Meta:
        verbose_name = _("党员联户")
        verbose_name_plural = _("党员联户")
        ordering = ["household", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(until__isnull=True), name="party_link_one_active_per_household"
            )
        ]
        indexes = [models.Index(fields=["member", "until"], name="party_link_member")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.household_id}"


# --- the development pipeline ------------------------------------------------------------------------------


class Step(models.TextChoices):
    """The 25 steps of 《中国共产党发展党员工作细则》 (2014), in order."""

    APPLICATION = "application", _("递交入党申请书")
    APPLICATION_TALK = "application_talk", _("党组织派人谈话")
    ACTIVIST_DESIGNATION = "activist_designation", _("确定入党积极分子")
    ACTIVIST_FILING = "activist_filing", _("入党积极分子报上级党委备案")
    CONTACTS = "contacts", _("指定培养联系人")
    ACTIVIST_REVIEW = "activist_review", _("培养教育考察")
    CANDIDATE_DESIGNATION = "candidate_designation", _("确定发展对象")
    CANDIDATE_FILING = "candidate_filing", _("发展对象报上级党委备案")
    SPONSORS = "sponsors", _("确定入党介绍人")
    POLITICAL_REVIEW = "political_review", _("进行政治审查")
    INTENSIVE_TRAINING = "intensive_training", _("开展集中培训")
    COMMITTEE_REVIEW = "committee_review", _("支部委员会审查")
    PRE_REVIEW = "pre_review", _("上级党委预审")
    APPLICATION_FORM = "application_form", _("填写入党志愿书")
    BRANCH_VOTE = "branch_vote", _("支部大会讨论接收预备党员")
    APPROVAL_TALK = "approval_talk", _("上级党委派人谈话")
    APPROVAL = "approval", _("上级党委审批")
    APPROVAL_FILING = "approval_filing", _("报县级党委组织部门备案")
    ASSIGNMENT = "assignment", _("编入党支部和党小组")
    OATH = "oath", _("入党宣誓")
    PROBATION_REVIEW = "probation_review", _("预备期培养教育考察")
    FULL_REQUEST = "full_request", _("提出转正申请")
    FULL_VOTE = "full_vote", _("支部大会讨论转正")
    FULL_APPROVAL = "full_approval", _("上级党委审批转正")
    ARCHIVING = "archiving", _("材料归档")


class DevelopmentStep(BaseModel):
    """One step of a person's development (发展党员) with its date, who was responsible, the document, and for
    the branch meetings the votes (the result is computed by the service, never typed)."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("通过")
        EXTENDED = "extended", _("延长预备期")
        DISQUALIFIED = "disqualified", _("取消预备党员资格")

    member = models.ForeignKey(Member, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("环节"), max_length=30, choices=Step.choices)
    done_on = models.DateField(_("日期"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("负责党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.CharField(_("负责人"), max_length=60, blank=True)
    note = models.TextField(_("说明"), blank=True)
    document = models.FileField(_("材料"), upload_to="party/steps/", max_length=255, blank=True)
    document_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    people = models.ManyToManyField(
        Member, verbose_name=_("培养联系人/入党介绍人"), blank=True, related_name="sponsored_steps"
    )
    notice_from = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    # Branch meetings (支部大会): the record the service computes the result from.
    should_attend = models.PositiveSmallIntegerField(_("应到会有表决权的正式党员"), null=True, blank=True)
    attended = models.PositiveSmallIntegerField(_("实到会有表决权的正式党员"), null=True, blank=True)
    written_opinions = models.PositiveSmallIntegerField(_("会前书面表决意见"), null=True, blank=True)
    votes_yes = models.PositiveSmallIntegerField(_("赞成"), null=True, blank=True)
    votes_no = models.PositiveSmallIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, blank=True)
    extension_months = models.PositiveSmallIntegerField(_("延长预备期(月)"), null=True, blank=True)
    passed_review = models.BooleanField(_("审查合格"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "member__organization__region"
    scope_organization_lookup = ("member__organization", "member__seconded_to")

    class Meta:
        verbose_name = _("发展党员环节")
        verbose_name_plural = _("发展党员环节")
        ordering = ["done_on", "id"]
        indexes = [
            models.Index(fields=["member", "step"], name="party_step_member_step"),
            models.Index(fields=["step", "done_on"], name="party_step_step_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_step_display()} {self.done_on}"


class DevelopmentPlan(BaseModel):
    """The year's development quota of a branch (年度发展党员计划)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quota = models.PositiveSmallIntegerField(_("计划发展数"))

    scope_region_lookup = "organization__region"
    scope_organization_lookup = "organization"

    class Meta:
        verbose_name = _("发展党员计划")
        verbose_name_plural = _("发展党员计划")
        ordering = ["-year", "organization"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="party_plan_one_per_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}: {self.quota}"


class ThoughtReport(BaseModel):
    """A written thought report (思想汇报) of someone in the pipeline; the interval is a local rule."""

    member = models.ForeignKey(Member, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="thought_reports")
    submitted_on = models.DateField(_("提交日期"))

    scope_region_lookup = "member__organization__region"
    scope_organization_lookup = ("member__organization", "member__seconded_to")

    class Meta:
        verbose_name = _("思想汇报")
        verbose_name_plural = _("思想汇报")
        ordering = ["-submitted_on"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.submitted_on}"


# --- activities and education --------------------------------------------------------------------------------


class Theme(BaseModel):
    """A campaign or theme activities are tagged with (三强化、三项教育 …): a configurable tag set."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope_region_lookup = None

    class Meta:
        verbose_name = _("主题活动")
        verbose_name_plural = _("主题活动")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LanguageTeam(BaseModel):
    """A minority-language work team (民族语言工作队, e.g. 苗语、彝语): members, and the visits it makes (activities)."""

    name = models.CharField(_("名称"), max_length=60)
    language = models.ForeignKey(Language, verbose_name=_("工作语言"), on_delete=models.PROTECT, related_name="teams")
    organization = models.ForeignKey(
        Organization, verbose_name=_("组建党组织"), on_delete=models.PROTECT, related_name="language_teams"
    )
    members = models.ManyToManyField(Member, verbose_name=_("成员"), blank=True, related_name="language_teams")
    founded_on = models.DateField(_("组建日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_region_lookup = "organization__region"
    scope_organization_lookup = "organization"

    class Meta:
        verbose_name = _("民族语言工作队")
        verbose_name_plural = _("民族语言工作队")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(BaseModel):
    """A Party activity (组织生活、教育培训、宣传、服务): the 三会一课, theme days, trainings (also those given by
    county departments), publicity and service, with attendance, languages used and people reached."""

    class Kind(models.TextChoices):
        MEMBERS_MEETING = "members_meeting", _("支部党员大会")
        COMMITTEE_MEETING = "committee_meeting", _("支委会")
        GROUP_MEETING = "group_meeting", _("党小组会")
        PARTY_LESSON = "party_lesson", _("党课")
        PARTY_DAY = "party_day", _("主题党日")
        TRAINING = "training", _("培训")
        PUBLICITY = "publicity", _("宣传")
        SERVICE = "service", _("志愿服务")

    class PublicityForm(models.TextChoices):
        MEETING = "meeting", _("会议宣讲")
        BROADCAST = "broadcast", _("广播")
        SLOGANS = "slogans", _("标语")
        DOOR_TO_DOOR = "door_to_door", _("入户宣传")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=150)
    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="activities"
    )
    organiser_department = models.CharField(
        _("主讲/组织单位"), max_length=60, blank=True, help_text=_("县级部门授课时填写,如:县发改局、县自然资源局")
    )
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    village_group = models.ForeignKey(
        Region, verbose_name=_("所在村民小组"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("学时"), **HOURS)
    intensive_training = models.BooleanField(
        _("发展对象集中培训"), default=False, help_text=_("计入发展对象短期集中培训的天数和学时")
    )
    publicity_form = models.CharField(_("宣传形式"), max_length=20, choices=PublicityForm.choices, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("主题活动"), blank=True, related_name="activities")
    languages = models.ManyToManyField(Language, verbose_name=_("使用语言"), blank=True, related_name="activities")
    language_team = models.ForeignKey(
        LanguageTeam,
        verbose_name=_("民族语言工作队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    non_member_count = models.PositiveIntegerField(_("群众参加人数"), default=0)
    minutes = models.TextField(_("会议记录/内容摘要"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "organization__region"
    scope_organization_lookup = "organization"

    class Meta:
        verbose_name = _("党组织活动")
        verbose_name_plural = _("党组织活动")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "kind", "held_on"], name="party_activity_org_kind_day"),
            models.Index(fields=["held_on"], name="party_activity_day"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Attendance(models.Model):
    """A member's attendance at an activity: present, on leave (with the reason) or absent. The activity's date
    and hours are copied here by the service so study hours are one index range scan."""

    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺席")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    leave_reason = models.CharField(_("请假事由"), max_length=100, blank=True)
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), **HOURS)

    scope_region_lookup = "activity__organization__region"
    scope_organization_lookup = ("activity__organization", "member__organization")

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="party_attendance_once"),
            models.CheckConstraint(
                condition=~Q(status="leave") | ~Q(leave_reason=""), name="party_attendance_leave_has_reason"
            ),
        ]
        indexes = [
            # Yearly study hours: the present rows of a year, summed per member from the index alone.
            models.Index(fields=["status", "held_on", "member", "hours"], name="party_attendance_hours"),
            models.Index(fields=["member", "held_on"], name="party_attendance_member_day"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.member_id} {self.status}"


def _material_path(instance: "ActivityMaterial", filename: str) -> str:
    return f"party/activities/{instance.activity_id}/{filename}"


class ActivityMaterial(BaseModel):
    """A material of an activity (slides, sign-in sheet, photos): JPEG, PNG or PDF by content."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("文件"), upload_to=_material_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小(字节)"))

    scope_region_lookup = "activity__organization__region"
    scope_organization_lookup = "activity__organization"

    class Meta:
        verbose_name = _("活动材料")
        verbose_name_plural = _("活动材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


# --- dues and evaluation ------------------------------------------------------------------------------------


class DuesPayment(models.Model):
    """A payment of membership dues (党费) for one month. Append-only: a correction is a reversal entry."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_payments")
    month = models.DateField(_("所属月份"), help_text=_("当月1日"))
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    paid_on = models.DateField(_("交纳日期"))
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲正"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_region_lookup = "member__organization__region"
    scope_organization_lookup = "member__organization"
    append_only = {"what": "dues payments"}  # database triggers: migration 0002

    class Meta:
        verbose_name = _("党费交纳")
        verbose_name_plural = _("党费交纳")
        ordering = ["month", "id"]
        indexes = [models.Index(fields=["member", "month"], name="party_dues_member_month")]
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="party_dues_month_first_day")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"


class MemberEvaluation(BaseModel):
    """The yearly democratic evaluation of a member (民主评议党员) and its grade."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("评议等次"), max_length=20, choices=Grade.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_region_lookup = "member__organization__region"
    scope_organization_lookup = "member__organization"

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["-year", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="party_evaluation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.grade}"


# --- local rules and the branch secretary's scope -------------------------------------------------------------


class PartyRules(BaseModel):
    """The township's local rules (本地规定), one row: what the regulations leave to local practice."""

    notice_workdays = models.PositiveSmallIntegerField(
        _("公示期(工作日)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    applicant_months = models.PositiveSmallIntegerField(
        _("递交申请后至确定积极分子的最短月数"), default=6, validators=[MaxValueValidator(24)]
    )
    thought_report_months = models.PositiveSmallIntegerField(
        _("思想汇报间隔(月)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    study_hours_per_year = models.DecimalField(_("党员每年学习学时要求"), default=Decimal("32"), **HOURS)
    members_meeting_months = models.PositiveSmallIntegerField(_("支部党员大会频次(每几个月1次)"), default=3)
    committee_meeting_months = models.PositiveSmallIntegerField(_("支委会频次(每几个月1次)"), default=1)
    group_meeting_months = models.PositiveSmallIntegerField(_("党小组会频次(每几个月1次)"), default=1)
    party_lesson_months = models.PositiveSmallIntegerField(_("党课频次(每几个月1次)"), default=3)
    party_day_months = models.PositiveSmallIntegerField(_("主题党日频次(每几个月1次)"), default=1)
    election_reminder_months = models.PositiveSmallIntegerField(_("换届提前提醒(月)"), default=6)
    farmer_dues = models.DecimalField(
        _("农民党员月交党费默认金额(元)"),
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.20")), MaxValueValidator(Decimal("1.00"))],
        **MONEY,
    )

    scope_region_lookup = None

    class Meta:
        verbose_name = _("党务本地规定")
        verbose_name_plural = _("党务本地规定")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class SecretaryScope(BaseModel):
    """The organisation a branch secretary's account is scoped to (支部书记的管辖党组织)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="secretary_scope"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="secretary_scopes"
    )

    scope_region_lookup = "organization__region"
    scope_organization_lookup = "organization"

    class Meta:
        verbose_name = _("支部书记管辖范围")
        verbose_name_plural = _("支部书记管辖范围")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.organization_id}"

    def organization_ids(self) -> list[int]:
        """The secretary's organisation, those below it, and the temporary branches its members are seconded to."""
        own = Organization.objects.filter(path__startswith=self.organization.path)
        ids = set(own.values_list("pk", flat=True))
        ids |= set(
            Member.objects.filter(organization_id__in=ids, seconded_to__isnull=False)
            .values_list("seconded_to_id", flat=True)
            .distinct()
        )
        return sorted(ids)
