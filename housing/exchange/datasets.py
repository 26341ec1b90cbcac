"""The reference datasets other departments share (codes are stable strings) and typing values by a schema."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _f(name: str, label: str, type_: str = "str", required: bool = False) -> dict:
    return {"name": name, "label": label, "type": type_, "required": required}


# (code, 名称, 提供部门, fields)
DEFAULT_DATASETS: list[tuple[str, str, str, list[dict]]] = [
    ("hukou", "户籍", "公安局", [
        _f("name", "姓名", required=True), _f("hukou_address", "户籍地址", required=True),
        _f("hukou_type", "户口性质"), _f("registered_on", "落户日期", "date"),
    ]),
    ("residence_permit", "居住证", "公安局", [
        _f("permit_number", "居住证号码", required=True), _f("issued_on", "签发日期", "date", True),
        _f("valid_until", "有效期至", "date"),
    ]),
    ("marriage", "婚姻", "民政局", [
        _f("marital_status", "婚姻状况", required=True), _f("registered_on", "登记日期", "date"),
        _f("spouse_name", "配偶姓名"),
    ]),
    ("social_insurance", "社保", "人力资源和社会保障局", [
        _f("employer", "参保单位", required=True), _f("monthly_base", "缴费基数", "decimal", True),
        _f("months_paid", "连续缴费月数", "int", True), _f("is_active", "正常参保", "bool"),
    ]),
    ("housing_fund", "公积金", "住房公积金管理中心", [
        _f("employer", "缴存单位", required=True), _f("monthly_deposit", "月缴存额", "decimal", True),
        _f("balance", "账户余额", "decimal"),
    ]),
    ("real_estate", "不动产", "自然资源局（不动产登记中心）", [
        _f("certificate_number", "不动产权证号", required=True), _f("address", "坐落", required=True),
        _f("floor_area", "建筑面积", "decimal", True), _f("registered_on", "登记日期", "date"),
    ]),
    ("vehicle", "车辆", "公安局交通警察支队", [
        _f("plate_number", "号牌号码", required=True), _f("vehicle_type", "车辆类型"),
        _f("registered_on", "初次登记日期", "date"),
    ]),
    ("business", "工商", "市场监督管理局", [
        _f("company_name", "企业名称", required=True), _f("role", "投资人/法定代表人"),
        _f("registered_capital", "注册资本", "decimal"),
    ]),
    ("income", "个税/收入", "税务局", [
        _f("year", "所属年度", "int", True), _f("annual_income", "年收入", "decimal", True),
        _f("tax_paid", "已缴个税", "decimal"),
    ]),
    ("subsistence", "低保/特困", "民政局", [
        _f("category", "救助类别", required=True), _f("since", "起始日期", "date", True),
        _f("monthly_amount", "月救助金额", "decimal"),
    ]),
    ("education", "学历", "教育局", [
        _f("degree", "学历", required=True), _f("school", "毕业院校"), _f("graduated_on", "毕业日期", "date"),
    ]),
    ("title", "职称", "人力资源和社会保障局", [
        _f("title", "职称", required=True), _f("level", "级别"), _f("awarded_on", "取得日期", "date"),
    ]),
    ("talent", "人才名单", "人才工作局", [
        _f("category", "人才类别", required=True), _f("certified_on", "认定日期", "date", True),
        _f("valid_until", "有效期至", "date"),
    ]),
]  # fmt: skip

ID_COLUMN_LABELS = ("身份证号码", "公民身份号码", "id_number")
TRUE_WORDS = {"是", "true", "1", "y", "yes", "有"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "无"}


def coerce_value(field: dict, raw: Any) -> Any:
    """One cell as the JSON value its schema type asks for; Chinese ValidationError when it cannot be.

    Decimals and dates are stored as strings (JSON has no exact decimal); ``None`` means empty.
    """
    label = field.get("label") or field["name"]
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if field.get("required"):
            raise ValidationError(_("“%(label)s”为必填项。") % {"label": label}, code="required")
        return None
    kind = field.get("type", "str")
    if kind == "str":
        return str(raw)
    if kind == "int":
        try:
            number = Decimal(str(raw))
            if not number.is_finite() or number != number.to_integral_value():
                raise ValueError
            return int(number)
        except (ValueError, InvalidOperation):
            raise ValidationError(
                _("“%(label)s”应为整数：%(value)s") % {"label": label, "value": raw}
            ) from None
    if kind == "decimal":
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ValidationError(
                _("“%(label)s”应为数值：%(value)s") % {"label": label, "value": raw}
            ) from None
        if not value.is_finite():
            raise ValidationError(_("“%(label)s”应为数值：%(value)s") % {"label": label, "value": raw})
        return str(value)
    if kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        text = str(raw).replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        try:
            return dt.datetime.strptime(str(raw), "%Y%m%d").date().isoformat()
        except ValueError:
            raise ValidationError(
                _("“%(label)s”日期无效：%(value)s（应为 2024-01-31 格式）") % {"label": label, "value": raw}
            ) from None
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("“%(label)s”应为“是”或“否”：%(value)s") % {"label": label, "value": raw})
    raise ValidationError(_("字段“%(label)s”的类型“%(type)s”未定义。") % {"label": label, "type": kind})


def coerce_values(fields: list[dict], row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A row typed by the schema, plus every error in it (all of them, so the report is complete)."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for field in fields:
        try:
            values[field["name"]] = coerce_value(field, row.get(field["name"]))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return values, errors
