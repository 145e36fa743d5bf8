from django import forms
from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import FilterForm, StyledForm

from . import sentences
from .models import SENTENCE_MAX_LENGTH
from .periods import Period, PeriodError


class PeriodField(forms.CharField):
    """A period as scripts write it (2026, 2026-H1, 2026-Q3, 2026-07, 2026-01-01..2026-03-31)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ScopeForm(FilterForm):
    """The period and the region (a village, a village group) of a dashboard, a report or a return."""

    period = PeriodField(label=_("统计期间"))
    region = forms.ModelChoiceField(label=_("区域"), queryset=None, required=False, empty_label=_("本辖区全部"))

    def __init__(self, data=None, *args, regions=None, **kwargs) -> None:
        super().__init__(data, *args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["period"].widget.attrs.update({"list": "period-choices", "placeholder": "2026 / 2026-Q3 / 2026-07"})


class SentenceForm(StyledForm):
    text = forms.CharField(
        label=_("语句"),
        max_length=SENTENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "用花括号括起的指标名插入指标,例如“共登记{cases_registered}”;可加后缀.yoy(同比)、.mom(环比)、.number(只写数字)"
        ),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    position = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999, required=False)


class SentenceAddForm(SentenceForm):
    topic = forms.ChoiceField(label=_("段落"), choices=())

    field_order = ["topic", "text", "position", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [
            (topic.key, f"{sentences.LINES[topic.section]} · {topic.heading}") for topic in sentences.topic_list()
        ]


class TemplateUploadForm(StyledForm):
    file = forms.FileField(label=_("Word模板(.docx)"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
