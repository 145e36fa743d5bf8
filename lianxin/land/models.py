"""Land acquisition (征地): parcels, contract holders, compensation standards, agreements, payments, hand-over.

Money is Decimal yuan with 2 places, areas Decimal mu with 4. Payments are append-only: the service refuses
changes and database triggers (migration 0003) refuse UPDATE and DELETE; a correction is a reversal entry.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianxin.core.crypto import EncryptedField
from lianxin.core.models import BaseModel
from lianxin.enterprises.models import Project
from lianxin.people.models import Household
from lianxin.regions.models import Region

ZERO = Decimal("0")
AREA = {"max_digits": 12, "decimal_places": 4, "validators": [MinValueValidator(ZERO)]}
MONEY = {"max_digits": 16, "decimal_places": 2}
PRICE = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}
LONLAT = {"max_digits": 10, "decimal_places": 7}


class LandClass(BaseModel):
    """A land-use class of the national classification GB/T 21010 (地类), configurable."""

    code = models.CharField(_("地类编码"), max_length=8, unique=True)
    name = models.CharField(_("地类名称"), max_length=40)
    group = models.CharField(_("一级类"), max_length=40)
    is_cultivated = models.BooleanField(_("耕地"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("地类")
        verbose_name_plural = _("地类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Parcel(BaseModel):
    """A surveyed parcel (地块) of a project's land in one village group."""

    class Status(models.TextChoices):
        SURVEYED = "surveyed", _("已测量")
        AGREED = "agreed", _("已签协议")
        PAID = "paid", _("已兑付")
        HANDED_OVER = "handed_over", _("已交地")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="parcels")
    village_group = models.ForeignKey(
        Region,
        verbose_name=_("村民小组"),
        on_delete=models.PROTECT,
        related_name="parcels",
        limit_choices_to={"level": Region.Level.VILLAGE_GROUP},
    )
    code = models.CharField(_("地块编号"), max_length=40)
    land_class = models.ForeignKey(LandClass, verbose_name=_("地类"), on_delete=models.PROTECT, related_name="parcels")
    area_mu = models.DecimalField(_("测量面积(亩)"), **AREA)
    geometry = models.JSONField(_("图形(GeoJSON)"), null=True, blank=True)
    computed_area_mu = models.DecimalField(_("图形计算面积(亩)"), null=True, blank=True, **AREA)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SURVEYED)
    surveyed_on = models.DateField(_("测量日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Survey attributes the ledger has no column for, as the geometry file gave them (NY/T 2539: DKMC name,
    # TDYT land use, DLDJ grade, CBFBM/CBFMC contractor, DKDZ/DKNZ/DKXZ/DKBZ boundaries, SFJBNT basic
    # farmland): see gis.ATTRIBUTE_FIELDS.
    attributes = models.JSONField(_("调查属性"), null=True, blank=True)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="parcel_unique_code_in_project"),
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="parcel_area_positive"),
        ]
        indexes = [
            # Progress aggregates: one index-only scan per project (status, area summed from the index).
            models.Index(fields=["project", "status", "area_mu"], name="parcel_project_status_area"),
            models.Index(fields=["village_group", "status", "area_mu"], name="parcel_group_status_area"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def area_difference(self) -> Decimal | None:
        """Relative difference between the computed and the surveyed area, or None without a geometry."""
        if self.computed_area_mu is None or not self.area_mu:
            return None
        return abs(self.computed_area_mu - self.area_mu) / self.area_mu

    @property
    def area_mismatch(self) -> bool:
        """Surveyed and computed areas differ by more than ``settings.LIANXIN_AREA_TOLERANCE`` (default 2%)."""
        difference = self.area_difference
        return difference is not None and difference > settings.LIANXIN_AREA_TOLERANCE


class ContractRight(BaseModel):
    """A household's contracted land (承包经营权): the area it holds in total, lost or not.

    The people app's household has no area, so the land app records it here; remaining land and
    per-capita remaining land (for the livelihood module) are computed from it.
    """

    household = models.OneToOneField(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="contract_right"
    )
    certificate_no = models.CharField(_("承包经营权证编号"), max_length=60, blank=True)
    contracted_area_mu = models.DecimalField(_("承包面积(亩)"), **AREA)

    scope_region_lookup = "household__village_group"

    class Meta:
        verbose_name = _("承包经营权")
        verbose_name_plural = _("承包经营权")

    def __str__(self) -> str:
        return self.certificate_no or f"#{self.pk}"


class Compensation(models.TextChoices):
    """Compensation items (补偿项目)."""

    LAND_COMPENSATION = "land_compensation", _("土地补偿费")
    RESETTLEMENT_SUBSIDY = "resettlement_subsidy", _("安置补助费")
    YOUNG_CROPS = "young_crops", _("青苗补偿费")
    ATTACHMENT = "attachment", _("地上附着物")
    SOCIAL_SECURITY = "social_security", _("被征地农民社会保障费")


class Unit(models.TextChoices):
    MU = "mu", _("亩")
    TREE = "tree", _("株")
    GRAVE = "grave", _("座")
    SQUARE_METRE = "m2", _("平方米")
    WELL = "well", _("口")
    ITEM = "item", _("处")


class CompensationStandard(BaseModel):
    """A unit price (补偿标准) for one item in a region (township or village), optionally one land class,
    in force from ``effective_from`` to ``effective_to`` (inclusive; open-ended when empty).

    Ranges of the same region, class, item and unit never overlap (checked by the service).
    """

    region = models.ForeignKey(
        Region, verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="compensation_standards"
    )
    land_class = models.ForeignKey(
        LandClass,
        verbose_name=_("地类"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensation_standards",
        help_text=_("不填则适用于所有地类"),
    )
    item = models.CharField(_("补偿项目"), max_length=30, choices=Compensation.choices)
    unit = models.CharField(_("计量单位"), max_length=10, choices=Unit.choices, default=Unit.MU)
    unit_price = models.DecimalField(_("单价(元)"), **PRICE)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日;不填表示长期有效"))
    basis = models.CharField(_("依据文件"), max_length=200, blank=True)

    scope_region_lookup = "region"

    class Meta:
        verbose_name = _("补偿标准")
        verbose_name_plural = _("补偿标准")
        ordering = ["item", "land_class__sort_order", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="standard_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["item", "unit", "effective_from"], name="standard_item_date")]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.unit_price}/{self.get_unit_display()}"


class Agreement(BaseModel):
    """A compensation agreement (补偿协议) with one household for its share of one or more parcels.

    Items are frozen copies (unit price, quantity, amount) of the standards in force on ``signed_on``;
    ``total_amount`` = items + negotiated supplement + supplementary agreements. ``paid_total`` is kept by
    the payment service and can never exceed ``total_amount`` (checked there and by a constraint).
    """

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="agreements")
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="agreements")
    # The household's village group, copied so scoping and per-group aggregates need no join.
    village_group = models.ForeignKey(
        Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="land_agreements"
    )
    number = models.CharField(_("协议编号"), max_length=40, unique=True)
    signed_on = models.DateField(_("签订日期"))
    items_total = models.DecimalField(_("按标准计算金额(元)"), default=ZERO, **MONEY)
    supplement_amount = models.DecimalField(
        _("协商补充金额(元)"), default=ZERO, validators=[MinValueValidator(ZERO)], **MONEY
    )
    supplement_reason = models.CharField(_("协商补充理由"), max_length=300, blank=True)
    supplementary_total = models.DecimalField(_("补充协议金额(元)"), default=ZERO, **MONEY)
    total_amount = models.DecimalField(_("协议总金额(元)"), default=ZERO, **MONEY)
    paid_total = models.DecimalField(_("已兑付金额(元)"), default=ZERO, **MONEY)
    fully_paid_on = models.DateField(_("兑付完成日期"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+", null=True
    )

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("补偿协议")
        verbose_name_plural = _("补偿协议")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(paid_total__gte=0), name="agreement_paid_not_negative"),
            models.CheckConstraint(condition=Q(paid_total__lte=F("total_amount")), name="agreement_paid_within_total"),
            models.CheckConstraint(
                condition=Q(supplement_amount=0) | ~Q(supplement_reason=""), name="agreement_supplement_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "signed_on"], name="agreement_project_signed"),
            models.Index(fields=["village_group", "signed_on"], name="agreement_group_signed"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> Decimal:
        return self.total_amount - self.paid_total

    @property
    def is_fully_paid(self) -> bool:
        return self.total_amount > 0 and self.paid_total >= self.total_amount


class ContractHolding(BaseModel):
    """A household's contract right on a parcel (承包户) with its share; linked to the agreement that covers it."""

    parcel = models.ForeignKey(Parcel, verbose_name=_("地块"), on_delete=models.CASCADE, related_name="holdings")
    household = models.ForeignKey(
        Household, verbose_name=_("承包户"), on_delete=models.PROTECT, related_name="land_holdings"
    )
    share_percent = models.DecimalField(
        _("份额(%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    contract_right_ref = models.CharField(_("承包经营权证号"), max_length=60, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("补偿协议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holdings",
    )

    scope_region_lookup = "parcel__village_group"

    class Meta:
        verbose_name = _("承包户")
        verbose_name_plural = _("承包户")
        ordering = ["parcel_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "household"], name="holding_unique_household_on_parcel"),
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100), name="holding_share_in_range"
            ),
        ]
        indexes = [models.Index(fields=["household", "agreement"], name="holding_household_agreement")]

    def __str__(self) -> str:
        return f"{self.parcel} / {self.household}"

    @property
    def share_area_mu(self) -> Decimal:
        return (self.parcel.area_mu * self.share_percent / 100).quantize(Decimal("0.0001"))


class AgreementItem(models.Model):
    """One computed line of an agreement: a frozen copy of the standard's unit price and the quantity."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("补偿协议"), on_delete=models.CASCADE, related_name="items")
    parcel = models.ForeignKey(
        Parcel, verbose_name=_("地块"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item = models.CharField(_("补偿项目"), max_length=30, choices=Compensation.choices)
    label = models.CharField(_("说明"), max_length=100, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10, choices=Unit.choices)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=4, validators=[MinValueValidator(ZERO)])
    unit_price = models.DecimalField(_("单价(元)"), **PRICE)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    standard = models.ForeignKey(
        CompensationStandard,
        verbose_name=_("补偿标准"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_region_lookup = "agreement__village_group"

    class Meta:
        verbose_name = _("协议补偿明细")
        verbose_name_plural = _("协议补偿明细")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.amount}"


class SupplementaryAgreement(BaseModel):
    """A supplementary agreement (补充协议) raising an agreement's total, with its reason."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("补偿协议"), on_delete=models.PROTECT, related_name="supplements"
    )
    number = models.CharField(_("补充协议编号"), max_length=40, unique=True)
    signed_on = models.DateField(_("签订日期"))
    amount = models.DecimalField(_("增加金额(元)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    reason = models.CharField(_("理由"), max_length=300)

    scope_region_lookup = "agreement__village_group"

    class Meta:
        verbose_name = _("补充协议")
        verbose_name_plural = _("补充协议")
        ordering = ["signed_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="supplement_amount_positive")]

    def __str__(self) -> str:
        return self.number


def agreement_attachment_path(instance: "AgreementAttachment", filename: str) -> str:
    return f"land/agreements/{instance.agreement_id}/{filename}"


class AgreementAttachment(BaseModel):
    """A scanned document filed with an agreement (signed copy, measurement record…)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("补偿协议"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("名称"), max_length=100)
    file = models.FileField(
        _("文件"),
        upload_to=agreement_attachment_path,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "docx", "xlsx"])],
    )

    scope_region_lookup = "agreement__village_group"

    class Meta:
        verbose_name = _("协议附件")
        verbose_name_plural = _("协议附件")

    def __str__(self) -> str:
        return self.title


class PaymentAppendOnly(Exception):
    """Raised when code tries to change or delete a payment entry (兑付记录只能追加)."""

    def __init__(self) -> None:
        super().__init__(_("兑付记录只能追加,不能修改或删除;更正请录入冲销"))


class Payment(models.Model):
    """One append-only payment entry (兑付) against an agreement; a correction is a reversal entry.

    A reversal has a negative amount and references the payment it reverses (once only).
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("补偿协议"), on_delete=models.PROTECT, related_name="payments"
    )
    # Copied from the agreement so scoping and progress aggregates need no join.
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+")
    village_group = models.ForeignKey(Region, verbose_name=_("村民小组"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    paid_on = models.DateField(_("兑付日期"))
    # Unique per project; a reversal has none of its own: it references the payment it reverses.
    voucher_no = models.CharField(_("凭证号"), max_length=40, blank=True)
    payee_name = models.CharField(_("收款人"), max_length=50)
    # purpose: land.services.BANK_ACCOUNT_PURPOSE
    bank_account_ciphertext = EncryptedField(null=True, editable=False, purpose="land.payment.bank_account")
    bank_account_masked = models.CharField(_("收款账号"), max_length=40, blank=True, editable=False)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的兑付"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    reason = models.CharField(_("冲销理由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_region_lookup = "village_group"
    append_only = {"what": "payments"}  # database triggers: migration 0003, core.append_only

    class Meta:
        verbose_name = _("兑付")
        verbose_name_plural = _("兑付")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0)) | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="payment_sign_matches_kind",
            ),
            # A unique index only (no table rebuild, so the append-only triggers stay as they are).
            models.UniqueConstraint(
                fields=["project", "voucher_no"],
                condition=Q(reverses__isnull=True),
                name="payment_voucher_unique_in_project",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "paid_on", "amount"], name="payment_project_date_amount"),
            models.Index(fields=["village_group", "paid_on", "amount"], name="payment_group_date_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_no} {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def voucher_reference(self) -> str:
        """The voucher the entry stands for: its own, or for a reversal the one of the payment it reverses."""
        return self.reverses.voucher_no if self.reverses_id else self.voucher_no

    def save(self, *args, **kwargs) -> None:
        # Append-only (the database refuses too): an existing entry is never rewritten.
        if not self._state.adding:
            raise PaymentAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PaymentAppendOnly


class BankAccountRestriction(models.Model):
    """The bank account of a payment is past its retention period (停止处理): it is no longer revealed, exported
    or used, only stored. The payment row itself is append-only and part of the accounting record, which the
    accounting archive rules keep for 30 years, so PIPL art. 47(2) applies: the processing stops, except for
    storage and protection (core.retention, decision 0016). The masked account stays shown."""

    payment = models.OneToOneField(
        Payment, verbose_name=_("兑付"), on_delete=models.PROTECT, related_name="account_restriction"
    )
    restricted_at = models.DateTimeField(_("停止处理时间"))

    class Meta:
        verbose_name = _("银行账号停止处理")
        verbose_name_plural = _("银行账号停止处理")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.restricted_at:%Y-%m-%d}"


class HandoverOverride(BaseModel):
    """A proposal to hand a parcel over before every holder is paid (先行交地), against the rule 先补偿后用地.

    Two people: a working-group member proposes it with a reason category and text; a township leader
    other than the proposer approves (the parcel is then handed over) or rejects it. Until then the parcel
    stays unhanded. At most one proposal per parcel is pending; it is withdrawn when the parcel is handed
    over the ordinary way (every holder paid meanwhile).
    """

    class Reason(models.TextChoices):
        FUNDS_IN_TRANSIT = "funds_in_transit", _("补偿款已拨付、正在到账")
        PAYEE_UNAVAILABLE = "payee_unavailable", _("收款人无法联系或拒绝领取,款项已提存")
        SHARE_DISPUTE = "share_dispute", _("补偿款分配有争议,款项已专户存储")
        PROJECT_URGENCY = "project_urgency", _("重点项目工期紧迫,经上级同意先行用地")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤销")

    parcel = models.ForeignKey(
        Parcel, verbose_name=_("地块"), on_delete=models.PROTECT, related_name="handover_overrides"
    )
    handed_over_on = models.DateField(_("拟交地日期"))
    reason_category = models.CharField(_("理由类别"), max_length=30, choices=Reason.choices)
    reason = models.CharField(_("具体理由"), max_length=300)
    blockers = models.TextField(_("未满足的交地条件"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提请人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    scope_region_lookup = "parcel__village_group"

    class Meta:
        verbose_name = _("先行交地申请")
        verbose_name_plural = _("先行交地申请")
        ordering = ["-id"]
        permissions = [("decide_handoveroverride", _("批准或驳回先行交地"))]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"], condition=Q(status="proposed"), name="handover_override_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="handover_override_two_people",
            ),
        ]
        indexes = [models.Index(fields=["status", "parcel"], name="handover_override_status")]

    def __str__(self) -> str:
        return f"{self.parcel} {self.get_status_display()}"

    @property
    def reason_text(self) -> str:
        return f"{self.get_reason_category_display()}:{self.reason}"


class Handover(BaseModel):
    """A parcel handed over to the project (交地). Normally only when every holder is fully paid; otherwise
    only through an approved ``HandoverOverride`` (older rows carry just the override's reason)."""

    parcel = models.OneToOneField(Parcel, verbose_name=_("地块"), on_delete=models.PROTECT, related_name="handover")
    handed_over_on = models.DateField(_("交地日期"))
    override_reason = models.CharField(_("未兑付完毕交地理由"), max_length=300, blank=True)
    override = models.OneToOneField(
        HandoverOverride,
        verbose_name=_("先行交地审批"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handover",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )

    scope_region_lookup = "parcel__village_group"

    class Meta:
        verbose_name = _("交地")
        verbose_name_plural = _("交地")
        permissions = [("override_handover", _("提请未兑付完毕先行交地(须镇领导批准)"))]

    def __str__(self) -> str:
        return f"{self.parcel} {self.handed_over_on}"

    @property
    def is_override(self) -> bool:
        return bool(self.override_reason)


def site_image_path(instance: "SiteImage", filename: str) -> str:
    return f"land/site_images/{instance.project_id}/{filename}"


class SiteImage(models.Model):
    """A georeferenced site image (现场影像) shown as the map's base layer, bounded in lon/lat (CGCS2000)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="site_images")
    title = models.CharField(_("名称"), max_length=100, blank=True)
    image = models.FileField(
        _("影像文件"), upload_to=site_image_path, validators=[FileExtensionValidator(["png", "jpg", "jpeg"])]
    )
    south = models.DecimalField(_("南边界纬度"), **LONLAT)
    west = models.DecimalField(_("西边界经度"), **LONLAT)
    north = models.DecimalField(_("北边界纬度"), **LONLAT)
    east = models.DecimalField(_("东边界经度"), **LONLAT)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_region_lookup = "project__region"
    scope_enterprise_lookup = "project__enterprise"

    class Meta:
        verbose_name = _("现场影像")
        verbose_name_plural = _("现场影像")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(north__gt=F("south")), name="site_image_north_of_south"),
            models.CheckConstraint(condition=Q(east__gt=F("west")), name="site_image_east_of_west"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class ProcedureMilestone(BaseModel):
    """One statutory step of a project's acquisition procedure (征地程序): dates and the document.

    For announcements ``started_on`` is the posting date and ``completed_on`` the end of the posting period.
    """

    class Step(models.TextChoices):
        PRE_ANNOUNCEMENT = "pre_announcement", _("征收土地预公告")
        STATUS_SURVEY = "status_survey", _("土地现状调查")
        RISK_ASSESSMENT = "risk_assessment", _("社会稳定风险评估")
        PLAN_ANNOUNCEMENT = "plan_announcement", _("征地补偿安置方案公告")
        HEARING = "hearing", _("听证")
        AGREEMENTS = "agreements", _("签订补偿协议")
        APPROVAL = "approval", _("征地报批")
        ACQUISITION_ANNOUNCEMENT = "acquisition_announcement", _("征收土地公告")
        PAYMENT = "payment", _("补偿兑付")
        HANDOVER = "handover", _("交付用地")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="procedure_milestones"
    )
    step = models.CharField(_("程序环节"), max_length=30, choices=Step.choices)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    not_required = models.BooleanField(_("无需进行"), default=False, help_text=_("例如无人申请听证"))
    document = models.FileField(
        _("文件"),
        upload_to="land/procedure/",
        null=True,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "docx", "doc"])],
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope_region_lookup = "project__region"
    scope_enterprise_lookup = "project__enterprise"

    class Meta:
        verbose_name = _("征地程序节点")
        verbose_name_plural = _("征地程序节点")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="procedure_one_step_per_project"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                name="procedure_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.get_step_display()

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None or self.not_required


class GeometryFieldMapping(BaseModel):
    """Which attribute of a project's geometry files holds the parcel code, village group, land class and
    surveyed area (and its unit), as a user mapped them on an upload (字段对应); reused on the next upload."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="geometry_field_mapping"
    )
    code_field = models.CharField(_("地块编码字段"), max_length=40, blank=True)
    group_field = models.CharField(_("村民小组字段"), max_length=40, blank=True)
    class_field = models.CharField(_("地类字段"), max_length=40, blank=True)
    area_field = models.CharField(_("测量面积字段"), max_length=40, blank=True)
    area_unit = models.CharField(_("面积单位"), max_length=10, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_region_lookup = "project__region"

    class Meta:
        verbose_name = _("图形字段对应")
        verbose_name_plural = _("图形字段对应")

    def __str__(self) -> str:
        return f"{self.project}: {self.code_field}/{self.group_field}/{self.class_field}/{self.area_field}"
