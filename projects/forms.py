"""Back-office forms of the construction subsystem."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import scope_queryset
from housing.backoffice.forms import BootstrapFormMixin, add_service_errors
from housing.regions.codes import Level
from housing.regions.models import Region

from .models import (
    ApprovalCertificate,
    Building,
    ConstructionContract,
    LandReserve,
    ParticipatingCompany,
    ParticipatingPerson,
    ProgressLog,
    Project,
    ProjectType,
    RelocationContract,
    Unit,
)
from .models.choices import CompanyRole


class HandoverForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("移交批次编号"), max_length=40)
    handed_over_by = forms.CharField(label=_("移交人"), max_length=50)
    handed_over_on = forms.DateField(label=_("移交时间"), widget=forms.DateInput(attrs={"type": "date"}))
    buildings = forms.ModelMultipleChoiceField(
        label=_("移交的单体工程"),
        queryset=Building.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选单体工程中全部“未交付”的住房将一次转为“已交付”。"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = project.buildings.filter(is_handed_over=False).order_by("number")


class UnitTransferForm(BootstrapFormMixin, forms.Form):
    to_region_code = forms.ChoiceField(label=_("调入区划"))
    reason = forms.CharField(label=_("调剂理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code")
        self.fields["to_region_code"].choices = [(r.code, r.name) for r in districts]


class UnitChangeForm(BootstrapFormMixin, forms.ModelForm):
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    class Meta:
        model = Unit
        fields = ["guarantee_mode", "rent_standard", "price_standard", "floor_area", "inner_area", "layout"]


class CertificateForm(BootstrapFormMixin, forms.ModelForm):
    scan = forms.FileField(
        label=_("证书扫描件"), required=False, help_text=_("PDF、JPG 或 PNG；保存到电子档案（一事一档）。")
    )

    class Meta:
        model = ApprovalCertificate
        fields = ["kind", "number", "name", "issued_on", "issuer", "valid_from", "valid_to"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class ImportForm(BootstrapFormMixin, forms.Form):
    KIND_CHOICES = (("units", _("住房（含单体工程）")), ("buildings", _("单体工程")))
    kind = forms.ChoiceField(label=_("导入内容"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("Excel文件"), help_text=_("xlsx 格式，第一行为表头；可先下载模板。"))
    import_valid_rows = forms.BooleanField(
        label=_("文件有错误时仍导入正确的行"),
        required=False,
        help_text=_("不勾选时，只要有一行错误，整个文件都不导入。"),
    )


class ProgressFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1990, max_value=2100)
    region_code = forms.ChoiceField(label=_("区县"), required=False)
    project_type = forms.ChoiceField(
        label=_("项目类别"), required=False, choices=[("", _("全部")), *ProjectType.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code")
        self.fields["region_code"].choices = [("", _("全部")), *((r.code, r.name) for r in districts)]


# --- editing forms: field cleaning here, business rules and full_clean() in the services ----------


def scoped_region_choices(user, current: str = "") -> list[tuple[str, str]]:
    """Districts and streets inside the user's scope: where a project or plot may be registered.

    ``current`` (an existing row's region, e.g. a community imported earlier) stays selectable so
    editing other fields does not force a move; the service still checks any change.
    """
    regions = scope_queryset(
        Region.objects.filter(is_active=True, level__in=(Level.DISTRICT, Level.STREET)), user, field="code"
    ).order_by("code")
    choices = [(r.code, f"{r.code} {r.name}") for r in regions.only("code", "name")]
    if current and current not in {code for code, _label in choices}:
        choices.insert(0, (current, current))
    return [("", gettext("——请选择——")), *choices]


def editable_fields(model) -> list[str]:
    """Every field a form may set on a project's record: not the owner, region or m2m (the service sets them)."""
    owned = {"id", "project", "projects", "region_code"}
    return [f.name for f in model._meta.concrete_fields if f.editable and f.name not in owned]


class ServiceModelForm(BootstrapFormMixin, forms.ModelForm):
    """A ModelForm that only cleans its fields; the service validates the model and saves it once.

    ``sections`` groups the fields for the page ((title, names) pairs; one untitled section by
    default). ``apply_errors`` puts a service's ``ValidationError`` beside the fields it names.
    """

    section_names: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                # An ISO value keeps a date picker filled when the page comes back with errors.
                field.widget = forms.DateInput(
                    attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
                )

    def _post_clean(self):
        """No model validation here: the service runs full_clean() with the business rules."""

    @property
    def sections(self) -> list[tuple[str | None, list]]:
        if not self.section_names:
            return [(None, self.visible_fields())]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.section_names
        ]

    def apply_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)


def _project_names(first: str, last: str, *, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The model's fields from ``first`` to ``last`` inclusive, in the standard's order."""
    names = [f.name for f in Project._meta.concrete_fields]
    return tuple(n for n in names[names.index(first) : names.index(last) + 1] if n not in without)


PROJECT_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        _("基本信息"),
        (
            "number", "proposed_name", "name", "region_code", "project_type", "construction_mode",
            "planning_location", "shanty_owner_kind", "shanty_owner_name", "developer", "address",
            "boundaries", "land_reserve", "latitude", "longitude",
        ),
    ),
    (
        _("建设规模"),
        (
            "land_area", "building_count", "planned_floor_area", "planned_residential_area",
            "planned_units", "planned_housing_type",
        ),
    ),
    (
        _("日期"),
        (
            "planned_start_date", "planned_completion_date", "actual_start_date", "actual_completion_date",
            "type_planned_start_date", "type_planned_completion_date", "type_actual_start_date",
            "type_actual_completion_date",
        ),
    ),
    (_("规划计划"), ("year", "plan_start_date", "plan_end_date", "plan_year_kind", "plan_number")),
    (
        _("投资"),
        ("total_investment", "residential_investment", "fund_source", "investment_kind", "year_investment"),
    ),
    (
        _("建设进度（房屋、住宅、配套公建及按规划建设房屋类型）"),
        _project_names("building_started_area", "year_completed_units", without=("planned_housing_type",)),
    ),
    (_("征收安置（拆迁、安置）"), _project_names("relocated_households_total", "resettled_units")),
    (_("供地"), ("land_supplied_total", "land_acquisition_mode", "land_supplied_area")),
)  # fmt: skip


class ProjectForm(ServiceModelForm):
    """项目交换信息 (A.5.1) in sections; the handover fields belong to the 竣工移交 service."""

    region_code = forms.ChoiceField(label=_("行政区划代码"))
    section_names = PROJECT_SECTIONS

    class Meta:
        model = Project
        fields = [name for _title, names in PROJECT_SECTIONS for name in names]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = scoped_region_choices(user, self.instance.region_code)
        self.fields["land_reserve"].queryset = scope_queryset(LandReserve.objects.all(), user).order_by(
            "number"
        )


class LandReserveForm(ServiceModelForm):
    """土地储备交换信息 (A.5.11)."""

    region_code = forms.ChoiceField(label=_("行政区划代码"))

    class Meta:
        model = LandReserve
        fields = [
            "number", "name", "region_code", "location", "land_area", "construction_land_area",
            "levy_area", "planned_floor_area", "planned_use", "development_level", "reserved_on",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = scoped_region_choices(user, self.instance.region_code)


class BuildingForm(ServiceModelForm):
    """单体工程信息 (A.5.2); the project is the page's, the handover fields the handover's."""

    class Meta:
        model = Building
        fields = [
            "number", "name", "category", "street", "compound_number", "building_number", "block_number",
            "floor_area", "structure", "total_floors", "floors_above", "floors_below", "area_above",
            "area_below", "shared_land_area", "residential_units", "residential_area",
            "construction_status",
        ]  # fmt: skip


class ProjectRecordForm(ServiceModelForm):
    """A record of one project: choices of buildings and companies come from that project only."""

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if "building" in self.fields:
            self.fields["building"].queryset = project.buildings.order_by("number")
        for name in ("party_a", "party_b", "company"):
            if name in self.fields:
                self.fields[name].queryset = project.companies.distinct().order_by("number")


class ProgressLogForm(ProjectRecordForm):
    """项目进度日志信息 (A.5.6)."""

    class Meta:
        model = ProgressLog
        fields = editable_fields(ProgressLog)


class ConstructionContractForm(ProjectRecordForm):
    """项目建设工程施工合同备案信息 (A.5.9)."""

    class Meta:
        model = ConstructionContract
        fields = editable_fields(ConstructionContract)
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class RelocationContractForm(ProjectRecordForm):
    """项目拆迁安置合同备案 (A.5.10)."""

    class Meta:
        model = RelocationContract
        fields = editable_fields(RelocationContract)


class ParticipatingCompanyForm(ProjectRecordForm):
    """项目参与单位信息 (A.5.4): edit a company's own facts."""

    class Meta:
        model = ParticipatingCompany
        fields = editable_fields(ParticipatingCompany)
        widgets = {"business_scope": forms.Textarea(attrs={"rows": 3})}


class CompanyParticipationForm(ProjectRecordForm):
    """Add a participating company: pick one of the scope's companies or register a new one."""

    role = forms.ChoiceField(label=_("参与单位分类"), choices=CompanyRole.choices)
    existing = forms.ModelChoiceField(
        label=_("已登记的单位"),
        queryset=ParticipatingCompany.objects.none(),
        required=False,
        help_text=_("选择已登记的单位；新单位请留空并填写下面的单位编号、名称等。"),
    )

    class Meta:
        model = ParticipatingCompany
        fields = [
            "number", "name", "legal_representative", "phone", "address", "qualification_name",
            "qualification_number", "qualification_grade",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = scope_queryset(ParticipatingCompany.objects.all(), user).order_by(
            "number"
        )
        for name in self._meta.fields:
            self.fields[name].required = False  # required only for a new company (the service says so)
        self.order_fields(["role", "existing", *self._meta.fields])


class ParticipatingPersonForm(ProjectRecordForm):
    """项目参与人员信息 (A.5.5) of one of the project's companies."""

    class Meta:
        model = ParticipatingPerson
        fields = editable_fields(ParticipatingPerson)
