from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core.forms import FilterForm, StyledForm

from .ledger import ledger_get
from .models import ImportBatch


class UploadForm(StyledForm):
    ledger = forms.ChoiceField(label=gettext_lazy("台账"))
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("支持 .xlsx、.xls、.ods、.csv;可直接上传平时使用的台账,标题行、合计行会自动跳过"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("导入方式"), choices=ImportBatch.Mode.choices, initial=ImportBatch.Mode.ALL_OR_NOTHING
    )

    def __init__(self, *args, ledgers: list[tuple[str, str]], user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = [(key, _(label)) for key, label in ledgers]
        # The options some ledgers need besides the file (Ledger.options, e.g. the roster's project): one
        # field each, not required here; the ledger says when its option is missing (services.batch_upload).
        for key, _label in ledgers:
            spec = ledger_get(key)
            for name in spec.options:
                if name in self.fields:
                    continue
                label, choices = spec.option_field(name, user)
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "---------"), *choices],
                    help_text=_("仅%(ledger)s需要选择") % {"ledger": _(spec.label)},
                )
        self.option_names = [name for name in self.fields if name not in ("ledger", "file", "mode")]

    def options(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.option_names if self.cleaned_data.get(name)}


class HeaderMappingForm(StyledForm):
    """Map a header the engine did not recognise. Nothing is guessed: the column starts on "ignore" (an unknown
    header such as 性别 is not imported), and ignoring stays an option whatever was chosen before."""

    IGNORE = ""

    header = forms.CharField(widget=forms.HiddenInput)
    column = forms.ChoiceField(label=gettext_lazy("对应到"), required=False, initial=IGNORE)

    def __init__(self, *args, ledger: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        spec = ledger_get(ledger)
        self.fields["column"].choices = [(self.IGNORE, _("忽略此列(不导入)"))] + [
            (c.key, _(c.label)) for c in spec.columns
        ]


class BatchFilterForm(FilterForm):
    """The import history's filter: one ledger the user may import."""

    ledger = forms.ChoiceField(label=gettext_lazy("台账"), required=False)

    def __init__(self, *args, ledgers: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = [("", _("全部台账"))] + [(key, _(label)) for key, label in ledgers]
