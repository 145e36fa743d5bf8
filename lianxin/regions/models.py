from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin.core.models import BaseModel


class Region(BaseModel):
    """One node of the tree county → township → village committee → village group (行政区划)."""

    class Level(models.TextChoices):
        COUNTY = "county", _("县")
        TOWNSHIP = "township", _("镇(乡)")
        VILLAGE = "village", _("村委会")
        VILLAGE_GROUP = "village_group", _("村民小组")

    # Which level may sit under which (a village group hangs under a village committee, …).
    PARENT_LEVEL = {
        Level.TOWNSHIP: Level.COUNTY,
        Level.VILLAGE: Level.TOWNSHIP,
        Level.VILLAGE_GROUP: Level.VILLAGE,
    }

    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    stat_code = models.CharField(
        _("统计用区划代码"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("统计用区划代码应为12位数字"))],
        help_text=_("国家统计局12位代码;村民小组可不填"),
    )
    population = models.PositiveIntegerField(_("户籍人口"), default=0)
    # Materialised path of primary keys ("1/4/9/"): a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    scope_region_lookup = ""

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")


class Park(BaseModel):
    """The industrial park (工业园区) and the villages its land touches."""

    name = models.CharField(_("园区名称"), max_length=100)
    township = models.ForeignKey(Region, verbose_name=_("所在镇"), on_delete=models.PROTECT, related_name="parks")
    area_km2 = models.DecimalField(
        _("规划面积(平方公里)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    boundary = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    villages = models.ManyToManyField(Region, verbose_name=_("涉及村委会"), related_name="touched_by_parks", blank=True)

    scope_region_lookup = "township"

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")

    def __str__(self) -> str:
        return self.name
