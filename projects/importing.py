"""楼盘导入: buildings and units from Excel through django-import-export, with a row-by-row report.

A file is first imported in a dry run (inside a rolled-back transaction). Without errors it is then
imported for real; with errors nothing is imported unless the user asked for the valid rows only.
Units are matched on their natural key (单体工程 + 单元 + 房号), so the same file imported twice
updates the same rows instead of duplicating them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from housing.accounts.scope import scope_queryset

from .models import Building, BuildingStatus, GuaranteeMode, Project, Unit, UnitSource


class ScopedNumberWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its business number, looked up only inside the user's scope."""

    def __init__(self, model, *, user, label: str):
        super().__init__(model, field="number")
        self.user = user
        self.label = label

    def get_queryset(self, value, row, *args, **kwargs):
        return scope_queryset(self.model.objects.all(), self.user)

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            raise ValueError(_("请填写%(label)s。") % {"label": self.label})
        try:
            return self.get_queryset(value, row).get(number=value)
        except self.model.DoesNotExist as exc:
            raise ValueError(
                _("%(label)s“%(value)s”不存在或不在您的数据范围内。") % {"label": self.label, "value": value}
            ) from exc


class ChoiceLabelWidget(widgets.Widget):
    """A choice given by its Chinese label (公租房) or its code (public_rental)."""

    def __init__(self, choices, *, label: str, default: str = ""):
        super().__init__()
        self.by_label = {str(lbl): code for code, lbl in choices}
        self.codes = {code for code, _lbl in choices}
        self.label = label
        self.default = default

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            if self.default:
                return self.default
            raise ValueError(_("请填写%(label)s。") % {"label": self.label})
        if value in self.codes:
            return value
        if value in self.by_label:
            return self.by_label[value]
        raise ValueError(
            _("%(label)s“%(value)s”无效，可选：%(options)s。")
            % {"label": self.label, "value": value, "options": "、".join(self.by_label)}
        )

    def render(self, value, obj=None, **kwargs):
        return {code: lbl for lbl, code in self.by_label.items()}.get(value, value or "")


class ChineseDecimalWidget(widgets.Widget):
    def __init__(self, *, label: str, required: bool = False):
        super().__init__()
        self.label, self.required = label, required

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(_("请填写%(label)s。") % {"label": self.label})
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(
                _("%(label)s“%(value)s”不是数字。") % {"label": self.label, "value": value}
            ) from exc
        if number < 0:
            raise ValueError(_("%(label)s不能为负数。") % {"label": self.label})
        return number.quantize(Decimal("0.01"))


class ChineseIntegerWidget(widgets.Widget):
    def __init__(self, *, label: str, required: bool = False):
        super().__init__()
        self.label, self.required = label, required

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(_("请填写%(label)s。") % {"label": self.label})
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(
                _("%(label)s“%(value)s”不是整数。") % {"label": self.label, "value": value}
            ) from exc
        if number != number.to_integral_value():
            raise ValueError(_("%(label)s“%(value)s”不是整数。") % {"label": self.label, "value": value})
        return int(number)


class TextWidget(widgets.CharWidget):
    def __init__(self, *, label: str = "", required: bool = False):
        super().__init__()
        self.label, self.required = label, required

    def clean(self, value, row=None, **kwargs):
        # Excel turns 房号 101 into the number 101.0; give back "101".
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if self.required and not text:
            raise ValueError(_("请填写%(label)s。") % {"label": self.label})
        return text


def _field(attribute: str, column: str, widget) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget)


class BuildingResource(resources.ModelResource):
    """单体工程: keyed by 单体工程编号; the project (by 项目编号) must be in the user's scope."""

    def __init__(self, *, user):
        super().__init__()
        self.user = user
        self.fields["project"] = _field(
            "project", "项目编号", ScopedNumberWidget(Project, user=user, label=_("项目编号"))
        )

    number = _field("number", "单体工程编号", TextWidget(label="单体工程编号", required=True))
    name = _field("name", "单体工程名称", TextWidget(label="单体工程名称", required=True))
    building_number = _field("building_number", "楼号", TextWidget())
    total_floors = _field("total_floors", "总层数", ChineseIntegerWidget(label="总层数", required=True))
    floors_above = _field("floors_above", "地上层数", ChineseIntegerWidget(label="地上层数"))
    floors_below = _field("floors_below", "地下层数", ChineseIntegerWidget(label="地下层数"))
    floor_area = _field("floor_area", "建筑面积", ChineseDecimalWidget(label="建筑面积"))
    structure = _field("structure", "建筑结构", TextWidget())
    residential_units = _field("residential_units", "住宅套数", ChineseIntegerWidget(label="住宅套数"))
    construction_status = _field(
        "construction_status",
        "建设状态",
        ChoiceLabelWidget(BuildingStatus.choices, label="建设状态", default=BuildingStatus.PLANNED),
    )

    class Meta:
        model = Building
        import_id_fields = ("number",)
        fields = (
            "project",
            "number",
            "name",
            "building_number",
            "total_floors",
            "floors_above",
            "floors_below",
            "floor_area",
            "structure",
            "residential_units",
            "construction_status",
        )
        skip_unchanged = True
        clean_model_instances = True

    def get_import_fields(self):
        return [self.fields[name] for name in self._meta.fields]

    def before_save_instance(self, instance, row, **kwargs):
        instance.region_code = instance.project.region_code

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.project_id:
            instance.region_code = instance.project.region_code


class UnitResource(resources.ModelResource):
    """住房: keyed by 单体工程编号 + 单元 + 房号 (the natural key)."""

    def __init__(self, *, user):
        super().__init__()
        self.user = user
        self.fields["building"] = _field(
            "building", "单体工程编号", ScopedNumberWidget(Building, user=user, label=_("单体工程编号"))
        )

    unit_label = _field("unit_label", "单元", TextWidget())
    room_number = _field("room_number", "房号", TextWidget(label="房号", required=True))
    start_floor = _field("start_floor", "所在起始层", ChineseIntegerWidget(label="所在起始层", required=True))
    floor_area = _field("floor_area", "建筑面积", ChineseDecimalWidget(label="建筑面积", required=True))
    inner_area = _field("inner_area", "套内建筑面积", ChineseDecimalWidget(label="套内建筑面积"))
    layout = _field("layout", "户型", TextWidget())
    orientation = _field("orientation", "朝向", TextWidget())
    rooms = _field("rooms", "间数", ChineseIntegerWidget(label="间数"))
    source = _field(
        "source",
        "房屋来源",
        ChoiceLabelWidget(UnitSource.choices, label="房屋来源", default=UnitSource.NEW_BUILD),
    )
    guarantee_mode = _field(
        "guarantee_mode",
        "保障方式",
        ChoiceLabelWidget(GuaranteeMode.choices, label="保障方式", default=GuaranteeMode.PUBLIC_RENTAL),
    )
    rent_standard = _field("rent_standard", "租金标准", ChineseDecimalWidget(label="租金标准"))

    class Meta:
        model = Unit
        import_id_fields = ("building", "unit_label", "room_number")
        fields = (
            "building",
            "unit_label",
            "room_number",
            "start_floor",
            "floor_area",
            "inner_area",
            "layout",
            "orientation",
            "rooms",
            "source",
            "guarantee_mode",
            "rent_standard",
        )
        skip_unchanged = True
        clean_model_instances = True

    def get_import_fields(self):
        return [self.fields[name] for name in self._meta.fields]

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.building_id:
            instance.region_code = instance.region_code or instance.building.region_code
            if not instance.number:
                label = f"{instance.unit_label}-" if instance.unit_label else ""
                instance.number = f"{instance.building.number}-{label}{instance.room_number}"


RESOURCES = {"buildings": BuildingResource, "units": UnitResource}


@dataclass
class RowError:
    line: int  # the Excel line (header is line 1)
    messages: list[str]


@dataclass
class ImportReport:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False
    created: int = 0
    updated: int = 0
    skipped: int = 0
    missing_columns: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.missing_columns)


def template_headers(kind: str) -> list[str]:
    resource = RESOURCES[kind](user=None)
    return [resource.fields[name].column_name for name in resource._meta.fields]


def _load(upload) -> tablib.Dataset:
    try:
        return tablib.Dataset().load(upload.read(), format="xlsx")
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError(_("无法读取文件，请上传 xlsx 格式的 Excel 文件。")) from exc


def _row_errors(result) -> dict[int, list[str]]:
    errors: dict[int, list[str]] = {}
    for invalid in result.invalid_rows:
        messages = []
        for name, field_messages in invalid.error_dict.items():
            label = _column_label(name)
            messages.extend(f"{label}：{m}" if label else m for m in field_messages)
        errors.setdefault(invalid.number, []).extend(messages)
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.setdefault(number, []).append(str(error.error))
    return errors


_LABELS = {
    "project": "项目编号",
    "building": "单体工程编号",
    "number": "编号",
    "room_number": "房号",
    "__all__": "",
    "NON_FIELD_ERRORS": "",
}


def _column_label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    for model in (Unit, Building):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - not a field of this model, try the next
            continue
    return name


def import_file(*, upload, kind: str, user, import_valid_rows: bool = False) -> ImportReport:
    """Dry-run the whole file; import it when clean (or its valid rows only, when asked)."""
    if kind not in RESOURCES:
        raise ValidationError(_("未知的导入内容。"))
    dataset = _load(upload)
    report = ImportReport(total_rows=len(dataset))
    expected = template_headers(kind)
    report.missing_columns = [h for h in expected if h not in (dataset.headers or [])]
    if report.missing_columns:
        return report
    if not len(dataset):
        raise ValidationError(_("文件中没有数据行。"))

    dry = RESOURCES[kind](user=user).import_data(
        dataset, dry_run=True, raise_errors=False, use_transactions=True
    )
    errors = _row_errors(dry)
    report.errors = [RowError(line=number + 1, messages=msgs) for number, msgs in sorted(errors.items())]
    if errors and not import_valid_rows:
        return report
    if errors:
        valid = tablib.Dataset(headers=dataset.headers)
        for index, row in enumerate(dataset, start=1):
            if index not in errors:
                valid.append(row)
        dataset = valid
    if not len(dataset):
        return report
    with transaction.atomic():
        result = RESOURCES[kind](user=user).import_data(
            dataset, dry_run=False, raise_errors=True, use_transactions=True
        )
    report.imported = True
    totals = result.totals
    report.created, report.updated, report.skipped = totals["new"], totals["update"], totals["skip"]
    return report
