from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core.forms import StyledForm

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

    def __init__(self, *args, ledgers: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = [(key, _(label)) for key, label in ledgers]


class HeaderMappingForm(StyledForm):
    header = forms.CharField(widget=forms.HiddenInput)
    column = forms.ChoiceField(label=gettext_lazy("对应到"))

    def __init__(self, *args, ledger: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        spec = ledger_get(ledger)
        self.fields["column"].choices = [(c.key, _(c.label)) for c in spec.columns]
