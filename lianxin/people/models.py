from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.crypto import BlindIndexField, EncryptedField
from lianxin.core.models import BaseModel
from lianxin.regions.models import Region

from .ethnicity import Ethnicity


class Household(BaseModel):
    """A registered household (户) in one village group."""

    village_group = models.ForeignKey(
        Region,
        verbose_name=_("村民小组"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Region.Level.VILLAGE_GROUP},
    )
    number = models.CharField(_("户编号"), max_length=30, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    scope_region_lookup = "village_group"

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(
                fields=["village_group", "number"],
                condition=~models.Q(number=""),
                name="household_unique_number_in_group",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class Person(BaseModel):
    """A person (人口) in a household. The resident ID is held encrypted, indexed by a keyed digest, shown masked."""

    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        GRANDCHILD = "grandchild", _("孙子女")
        SIBLING = "sibling", _("兄弟姐妹")
        OTHER = "other", _("其他")

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("在册")
        MOVED_OUT = "moved_out", _("已迁出")
        DECEASED = "deceased", _("已死亡")

    household = models.ForeignKey(Household, verbose_name=_("所在户"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)  # searched by icontains, which no B-tree index serves
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices, default=Relation.OTHER)
    # purposes: people.identity.RESIDENT_ID_PURPOSE / PHONE_PURPOSE (key rotation finds the fields by class)
    resident_id_ciphertext = EncryptedField(editable=False, purpose="people.person.resident_id")
    resident_id_digest = BlindIndexField(
        max_length=64, editable=False, purpose="people.person.resident_id", source="resident_id_ciphertext"
    )  # unique: see Meta
    resident_id_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    phone_ciphertext = EncryptedField(null=True, editable=False, purpose="people.person.phone")
    phone_masked = models.CharField(_("手机号码"), max_length=11, blank=True, editable=False)
    # Moved out or died (迁出、死亡) on ``left_on``: the retention period of the ID and phone counts from that day
    # (core.retention); once past it, both are anonymised and ``personal_data_purged_at`` says when.
    # A database default too: the import engine inserts people with raw SQL naming its columns.
    status = models.CharField(
        _("人口状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_default=Status.REGISTERED
    )
    left_on = models.DateField(_("迁出或死亡日期"), null=True, blank=True)
    personal_data_purged_at = models.DateTimeField(_("个人信息清除时间"), null=True, blank=True, editable=False)

    scope_region_lookup = "household__village_group"

    class Meta:
        verbose_name = _("人口")
        verbose_name_plural = _("人口")
        permissions = [("reveal_resident_id", _("查看完整身份证号码"))]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(relation="head"), name="person_one_head_per_household"
            ),
            # A constraint rather than unique=True: on PostgreSQL that adds a second, pattern-ops index
            # (for LIKE, which no one runs on a digest) that every insert has to maintain.
            models.UniqueConstraint(fields=["resident_id_digest"], name="person_unique_resident_id"),
            models.CheckConstraint(
                condition=(models.Q(status="registered") & models.Q(left_on__isnull=True))
                | (~models.Q(status="registered") & models.Q(left_on__isnull=False)),
                name="person_left_on_with_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "left_on"], name="person_status_left_on")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_purged(self) -> bool:
        return self.personal_data_purged_at is not None


# What a purged ID, phone or contact shows wherever its masked form was shown (a stored value, like the masks).
PURGED_MARK = "已按规定清除"
