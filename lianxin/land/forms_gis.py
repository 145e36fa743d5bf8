"""Forms of the map pages: geometry import and site image upload."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import StyledForm

LONLAT = {"max_digits": 10, "decimal_places": 7}


class GeometryImportForm(StyledForm):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    file = forms.FileField(
        label=_("图形文件"),
        help_text=_("GeoJSON(.geojson/.json),或把 .shp/.shx/.dbf/.prj(.cpg)压缩成的 .zip"),
    )
    epsg = forms.IntegerField(
        label=_("坐标系 EPSG 编号(可选)"),
        required=False,
        min_value=1,
        help_text=_("文件没有 .prj 时填写,如 4490(CGCS2000 经纬度)、4526(3度带第38带)、4547(3度带中央经线114°)"),
    )
    code_field = forms.CharField(
        label=_("地块编码字段(可选)"),
        required=False,
        max_length=40,
        help_text=_("不填时依次查找 地块编码、地块编号、宗地代码、编码、code"),
    )
    area_unit = forms.ChoiceField(
        label=_("面积字段的单位"),
        required=False,
        choices=[
            ("", _("按字段名(SCMJ为平方米,SCMJM为亩;不注明的按亩)")),
            ("亩", "亩"),
            ("平方米", "平方米"),
            ("公顷", "公顷"),
        ],
        help_text=_("字段名已注明单位的(如“面积(公顷)”“SCMJ”)按字段名换算"),
    )
    dry_run = forms.BooleanField(label=_("只检查,不写入"), required=False, initial=True)
    repair = forms.BooleanField(
        label=_("修复无效图形"),
        required=False,
        initial=False,
        help_text=_("自相交等无效的多边形默认拒绝导入;勾选后自动修复,并列出修复后的面积,请核对"),
    )

    # the file kept from the upload that asked for a mapping (views_gis.geometry_import), so it is not sent again
    upload = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, projects=None, file_fields: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.file_fields = file_fields or []
        if self.file_fields:
            # 字段对应: the file's own attribute names to choose from
            self.fields["file"].required = False
            self.fields["file"].help_text = _("已上传的文件会继续使用;也可以重新选择文件")
            choices = [("", _("(按字段名自动识别)")), *[(name, name) for name in self.file_fields]]
            for name, label in (
                ("code_field", _("地块编码字段")),
                ("group_field", _("村民小组字段")),
                ("class_field", _("地类字段")),
                ("area_field", _("测量面积字段")),
            ):
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.order_fields(
                ["project", "file", "code_field", "group_field", "class_field", "area_field", "area_unit"]
            )

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        mapping = {
            "village_group": data.get("group_field") or "",
            "land_class": data.get("class_field") or "",
            "area": data.get("area_field") or "",
        }
        if mapping["area"] and data.get("area_unit"):
            mapping["unit"] = data["area_unit"]
        return mapping


class SiteImageForm(StyledForm):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    title = forms.CharField(label=_("名称"), max_length=100, required=False)
    image = forms.FileField(label=_("影像文件"), help_text=_("PNG 或 JPEG,不超过 20 MB"))
    south = forms.DecimalField(label=_("南边界纬度"), min_value=Decimal("-90"), max_value=Decimal("90"), **LONLAT)
    west = forms.DecimalField(label=_("西边界经度"), min_value=Decimal("-180"), max_value=Decimal("180"), **LONLAT)
    north = forms.DecimalField(label=_("北边界纬度"), min_value=Decimal("-90"), max_value=Decimal("90"), **LONLAT)
    east = forms.DecimalField(label=_("东边界经度"), min_value=Decimal("-180"), max_value=Decimal("180"), **LONLAT)

    # the file kept from the upload that asked for a mapping (views_gis.geometry_import), so it is not sent again
    upload = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, projects=None, file_fields: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.file_fields = file_fields or []
        if self.file_fields:
            # 字段对应: the file's own attribute names to choose from
            self.fields["file"].required = False
            self.fields["file"].help_text = _("已上传的文件会继续使用;也可以重新选择文件")
            choices = [("", _("(按字段名自动识别)")), *[(name, name) for name in self.file_fields]]
            for name, label in (
                ("code_field", _("地块编码字段")),
                ("group_field", _("村民小组字段")),
                ("class_field", _("地类字段")),
                ("area_field", _("测量面积字段")),
            ):
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.order_fields(
                ["project", "file", "code_field", "group_field", "class_field", "area_field", "area_unit"]
            )

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        mapping = {
            "village_group": data.get("group_field") or "",
            "land_class": data.get("class_field") or "",
            "area": data.get("area_field") or "",
        }
        if mapping["area"] and data.get("area_unit"):
            mapping["unit"] = data["area_unit"]
        return mapping
