"""Window-intake forms (窗口受理): errors beside the field, values kept on error (DESIGN §4 rule 10)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.backoffice.forms import BootstrapFormMixin

from .models import Family, FamilyMember, Relation
from .selectors import family_scope_regions
from .services import FAMILY_EDITABLE_FIELDS, MEMBER_EDITABLE_FIELDS


class KeepSensitiveOnEditMixin:
    """On an edit form, personal numbers start empty and "empty" means "unchanged".

    Filling the input with the stored number would display it in the clear, outside the audited
    reveal; the help text shows the masked value instead.
    """

    sensitive_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in self.sensitive_fields:
            if name not in self.fields:
                continue
            field = self.fields[name]
            current = getattr(self.instance, name) or ""
            self.initial[name] = ""
            field.required = False
            masked = getattr(self.instance, f"{name}_masked", None)
            if masked is None:
                from housing.accounts.identity import mask_phone

                masked = mask_phone(current)
            if current:
                field.help_text = _("当前：%(masked)s。留空表示不修改。") % {"masked": masked}

    def _clean_fields(self):
        super()._clean_fields()
        if self.instance.pk is None:
            return
        for name in self.sensitive_fields:
            if name in self.cleaned_data and not self.cleaned_data[name]:
                self.cleaned_data[name] = getattr(self.instance, name) or ""


class FamilyForm(KeepSensitiveOnEditMixin, BootstrapFormMixin, forms.ModelForm):
    sensitive_fields = ("id_number", "phone", "agent_id_number", "agent_phone")

    region_code = forms.ChoiceField(label=_("所属区划"), help_text=_("家庭所属的街道或社区。"))

    class Meta:
        model = Family
        fields = list(FAMILY_EDITABLE_FIELDS)
        widgets = {"registration_year": forms.NumberInput(attrs={"min": 1990})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = family_scope_regions(user=user)
        self.fields["region_code"].choices = [("", "---------")] + [
            (r.code, f"{r.name}（{r.code}）") for r in regions
        ]
        # The applicant's ID, once on file, changes only on purpose: see KeepSensitiveOnEditMixin.
        self.fields["id_number"].widget.attrs.setdefault("placeholder", _("18位证件号码"))


class FamilyMemberForm(KeepSensitiveOnEditMixin, BootstrapFormMixin, forms.ModelForm):
    sensitive_fields = ("id_number", "phone")

    class Meta:
        model = FamilyMember
        fields = list(MEMBER_EDITABLE_FIELDS)
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "birth_date": _("留空则按身份证件号码自动填写。"),
            "sex": _("留空则按身份证件号码自动填写。"),
        }

    # The applicant's own row: name, ID and relation belong to the family's basic information.
    APPLICANT_LOCKED = ("relation", "name", "id_type", "id_number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.relation == Relation.SELF:
            for name in self.APPLICANT_LOCKED:
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["id_number"].help_text = _("申请人的证件号码请在家庭基本信息中修改。")
        else:
            self.fields["relation"].choices = [
                c for c in self.fields["relation"].choices if c[0] != Relation.SELF
            ]

    def _clean_fields(self):
        super()._clean_fields()
        if self.instance.pk and self.instance.relation == Relation.SELF:
            for name in self.APPLICANT_LOCKED:
                self.cleaned_data[name] = getattr(self.instance, name)


class MemberRemoveForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("移除原因"),
        max_length=200,
        help_text=_("例如：迁出、分户、死亡。移除的成员保留在档案中，可在变更历史中查看。"),
    )
