"""Bank collection file layouts (银行代收文件格式): which header names which field, per bank.

Like ``allocation.subsidies.layouts`` for payment files: a city adds or changes a bank's layout in
``settings.RENT_COLLECTION_LAYOUTS`` (same shape as below); the settings' entries replace the built-in
ones of the same code. Fields: ``receivable`` 应收编号, ``contract`` 合同编号, ``amount`` 代扣金额,
``date`` 扣款日期, ``reason`` 银行说明. At least one of ``receivable`` and ``contract`` must be in the file.
``amount_format``: ``yuan`` ("1234.50") or ``fen`` (integer cents, "123450").
"""

from __future__ import annotations

from django.conf import settings

BUILTIN_LAYOUTS: dict[str, dict] = {
    "default": {
        "name": "通用代收格式（元）",
        "columns": {
            "receivable": "应收编号",
            "contract": "合同编号",
            "amount": "扣款金额",
            "date": "扣款日期",
            "reason": "备注",
        },
        "amount_format": "yuan",
    },
    "fen": {
        "name": "代收格式（金额以分为单位）",
        "columns": {
            "receivable": "业务编号",
            "contract": "协议号",
            "amount": "金额（分）",
            "date": "交易日期",
            "reason": "摘要",
        },
        "amount_format": "fen",
    },
}


def layouts() -> dict[str, dict]:
    return {**BUILTIN_LAYOUTS, **(getattr(settings, "RENT_COLLECTION_LAYOUTS", None) or {})}


def layout_get(code: str) -> dict | None:
    return layouts().get(code)


def layout_choices() -> list[tuple[str, str]]:
    return [(code, spec["name"]) for code, spec in layouts().items()]
