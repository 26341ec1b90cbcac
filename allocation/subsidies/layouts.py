"""Bank file layouts: the bulk-payment file's columns and the result file's, per bank.

A city adds or changes a bank's layout in ``settings.SUBSIDY_BANK_LAYOUTS`` (same shape as below); the
settings' entries replace the built-in ones of the same code.

Payment columns name a field of the payment row: ``seq`` 序号, ``reference`` 业务编号 (the 实发编号, which
the bank echoes back in its result file), ``account_name`` 户名, ``account`` 账号, ``bank_name`` 开户行,
``amount`` 金额, ``id_number_masked`` 证件号码（脱敏）, ``memo`` 用途, ``period`` 补贴期间.
``amount_format``: ``yuan`` (two decimals, "1234.50") or ``fen`` (integer cents, "123450").
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

BUILTIN_LAYOUTS: dict[str, dict] = {
    "default": {
        "name": "通用代发格式（元）",
        "columns": [
            ("seq", "序号"),
            ("reference", "业务编号"),
            ("account_name", "户名"),
            ("account", "账号"),
            ("bank_name", "开户行"),
            ("amount", "金额"),
            ("memo", "用途"),
        ],
        "amount_format": "yuan",
        "result_columns": {
            "reference": "业务编号",
            "amount": "金额",
            "status": "处理结果",
            "reason": "失败原因",
        },
        "success_words": ["成功", "success", "00"],
    },
    "fen": {
        "name": "代发格式（金额以分为单位）",
        "columns": [
            ("reference", "流水号"),
            ("account", "收款账号"),
            ("account_name", "收款户名"),
            ("amount", "金额（分）"),
            ("memo", "摘要"),
        ],
        "amount_format": "fen",
        "result_columns": {"reference": "流水号", "amount": "金额（分）", "status": "状态", "reason": "备注"},
        "success_words": ["成功", "success", "00"],
    },
}


def layouts() -> dict[str, dict]:
    return {**BUILTIN_LAYOUTS, **(getattr(settings, "SUBSIDY_BANK_LAYOUTS", None) or {})}


def layout_get(code: str) -> dict:
    return layouts().get(code) or BUILTIN_LAYOUTS["default"]


def layout_choices() -> list[tuple[str, str]]:
    return [(code, spec["name"]) for code, spec in layouts().items()]


def amount_out(value: Decimal, fmt: str) -> str:
    if fmt == "fen":
        return str(int((value * 100).to_integral_value()))
    return f"{value:.2f}"


def amount_in(text: str, fmt: str) -> Decimal:
    """The bank's amount as yuan; raises ``ArithmeticError``/``ValueError`` when it is not a number."""
    value = Decimal(text.replace(",", "").strip())
    if not value.is_finite():
        raise ValueError(text)
    return (value / 100).quantize(Decimal("0.01")) if fmt == "fen" else value.quantize(Decimal("0.01"))
