"""The self-check form, built from the questions of the rule sets in force (no field is hard-coded)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.regions.codes import Level
from housing.regions.models import Region

YES_NO = (("", _("不清楚")), ("1", _("是")), ("0", _("否")))


def _field(question) -> forms.Field:
    common = {"label": question.label, "required": False, "help_text": question.help}
    if question.type == "integer":
        return forms.IntegerField(min_value=0, max_value=10_000, **common)
    if question.type == "decimal":
        return forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, **common)
    if question.type == "boolean":
        return forms.TypedChoiceField(
            choices=YES_NO,
            coerce=lambda v: v == "1",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    return forms.ChoiceField(choices=[("", _("请选择"))] + list(question.choices), **common)


class SelfCheckForm(forms.Form):
    region_code = forms.ChoiceField(label=_("户籍或工作所在区"))

    def __init__(self, *args, steps, city_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(code__startswith=city_code[:4], level=Level.DISTRICT).order_by(
            "code"
        )
        self.fields["region_code"].choices = [(city_code, _("不确定（按全市标准）"))] + [
            (r.code, r.name) for r in districts
        ]
        self.fields["region_code"].widget.attrs["class"] = "form-select"
        self.steps = []
        for code, title, questions in steps:
            for question in questions:
                field = _field(question)
                if question.unit:
                    field.widget.attrs["aria-describedby"] = f"unit-{question.code}"
                    field.unit = question.unit
                if question.type in ("integer", "decimal"):
                    field.widget.attrs.update({"inputmode": "decimal", "class": "form-control"})
                elif question.type == "choice":
                    field.widget.attrs["class"] = "form-select"
                self.fields[question.code] = field
            self.steps.append((code, title, [self[q.code] for q in questions]))
        self.fields["household_size"].required = True
        self.fields["household_size"].min_value = 1
        self.fields["household_size"].error_messages["required"] = _("请填写家庭人口数（包括您自己）。")
        self.fields["household_size"].validators.append(_at_least_one)

    def answers(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "region_code"}


def _at_least_one(value):
    if value is not None and value < 1:
        raise forms.ValidationError(_("家庭人口数至少为 1 人（包括您自己）。"))
