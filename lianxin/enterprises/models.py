from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import BaseModel
from lianxin.regions.models import Region

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Enterprise(BaseModel):
    """An enterprise (企业) identified by its unified social credit code (GB 32100)."""

    class Industry(models.TextChoices):
        MINING = "B", _("采矿业")
        MANUFACTURING = "C", _("制造业")
        UTILITIES = "D", _("电力、热力、燃气及水生产和供应业")
        CONSTRUCTION = "E", _("建筑业")
        TRADE = "F", _("批发和零售业")
        TRANSPORT = "G", _("交通运输、仓储和邮政业")
        HOSPITALITY = "H", _("住宿和餐饮业")
        SERVICES = "L", _("租赁和商务服务业")
        AGRICULTURE = "A", _("农、林、牧、渔业")
        OTHER = "Z", _("其他")

    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.CharField(_("行业"), max_length=2, choices=Industry.choices, default=Industry.MANUFACTURING)
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="enterprises")
    in_park = models.BooleanField(_("园区内企业"), default=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    scope_region_lookup = "region"
    scope_enterprise_lookup = ""

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseIndicator(BaseModel):
    """An enterprise's figures for one year: output value, tax paid, jobs (产值、税收、就业)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="indicators"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    output_value = models.DecimalField(_("产值(元)"), **MONEY)
    tax_paid = models.DecimalField(_("税收(元)"), **MONEY)
    employees = models.PositiveIntegerField(_("就业人数"), default=0)
    local_employees = models.PositiveIntegerField(_("其中本地就业"), default=0)

    scope_region_lookup = "enterprise__region"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("企业年度指标")
        verbose_name_plural = _("企业年度指标")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="indicator_one_per_enterprise_year"),
            models.CheckConstraint(
                condition=Q(local_employees__lte=F("employees")), name="indicator_local_within_employees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class Project(BaseModel):
    """An investment project (项目): capacity, land demand in mu, investment, milestones."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("谋划")
        APPROVED = "approved", _("已批准")
        UNDER_CONSTRUCTION = "under_construction", _("在建")
        IN_OPERATION = "in_operation", _("已投产")
        SUSPENDED = "suspended", _("停建")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("项目名称"), max_length=150)
    region = models.ForeignKey(Region, verbose_name=_("建设地点"), on_delete=models.PROTECT, related_name="projects")
    capacity = models.DecimalField(_("设计产能"), max_digits=14, decimal_places=2, null=True, blank=True)
    capacity_unit = models.CharField(_("产能单位"), max_length=20, blank=True, help_text=_("例如:吨/年"))
    land_demand_mu = models.DecimalField(
        _("用地需求(亩)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    investment = models.DecimalField(_("计划投资(元)"), **MONEY)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)

    scope_region_lookup = "region"
    scope_enterprise_lookup = "enterprise"

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ProjectMilestone(BaseModel):
    """A dated step of a project (里程碑): planned date and, once done, the completion date."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=100)
    planned_on = models.DateField(_("计划日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    scope_region_lookup = "project__region"
    scope_enterprise_lookup = "project__enterprise"

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["planned_on"]

    def __str__(self) -> str:
        return self.name
