"""银行代收文件导入: the bank's file of rent withheld, entered as 银行代扣 receipts line by line.

Each matched line goes through ``rent_receipt_record``, the same service the counter uses (a partial
payment carries the bank's reason; more than is still owed is refused for that line). A file with any
format error changes nothing; the same file (SHA-256) is never imported twice.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import scope_queryset

from ..bankfiles import parse_date, read_table
from ..subsidies.layouts import amount_in
from .layouts import layout_get
from .models import (
    RENT_COLLECT_PERMISSION,
    CollectionLineOutcome,
    PaymentMethod,
    RentCollectionImport,
    RentCollectionLine,
    RentReceivable,
)
from .services import rent_receipt_record

MAX_COLLECTION_LINES = 20000
DEFAULT_SHORTFALL_REASON = "银行代扣金额不足"


def _parse_lines(content: bytes, spec: dict, today) -> list[dict]:
    header, data = read_table(content, max_lines=MAX_COLLECTION_LINES)
    columns = spec["columns"]
    index = {key: header.index(label) for key, label in columns.items() if label in header}
    missing = [columns["amount"]] if "amount" not in index else []
    if "receivable" not in index and "contract" not in index:
        missing.append(_("%(a)s或%(b)s") % {"a": columns.get("receivable", "应收编号"),
                                            "b": columns.get("contract", "合同编号")})  # fmt: skip
    if missing:
        raise ValidationError(
            {"file": _("文件缺少列：%(cols)s（应有：%(all)s）。")
             % {"cols": "、".join(missing), "all": "、".join(columns.values())}}
        )  # fmt: skip
    lines, errors = [], []
    for number, row in data:

        def cell(key: str, row: list[str] = row) -> str:
            return row[index[key]].strip() if key in index and index[key] < len(row) else ""

        receivable_number, contract_number = cell("receivable")[:32], cell("contract")[:32]
        if not receivable_number and not contract_number:
            errors.append(_("第%(n)s行：缺少应收编号和合同编号") % {"n": number})
            continue
        try:
            amount = amount_in(cell("amount"), spec.get("amount_format", "yuan"))
        except (ArithmeticError, ValueError):
            errors.append(_("第%(n)s行：金额“%(v)s”不是有效数字") % {"n": number, "v": cell("amount")})
            continue
        if amount <= 0:
            errors.append(_("第%(n)s行：金额应大于 0") % {"n": number})
            continue
        collected_on = today
        if cell("date"):
            try:
                collected_on = parse_date(cell("date"))
            except ValueError:
                errors.append(_("第%(n)s行：扣款日期“%(v)s”无法识别") % {"n": number, "v": cell("date")})
                continue
        lines.append({
            "line_number": number, "receivable_number": receivable_number, "contract_number": contract_number,
            "amount": amount, "collected_on": collected_on, "bank_reason": cell("reason")[:500], "raw": row,
        })  # fmt: skip
    if errors:
        shown = "；".join(errors[:20]) + ("……" if len(errors) > 20 else "")
        raise ValidationError({"file": _("文件有误，未导入任何内容：%(errors)s。") % {"errors": shown}})
    return lines


def _import_region(actor) -> str:
    """The importer's own region (the list of imports is scoped by it); a superuser's is the tree's root."""
    from housing.regions.models import Region

    grants = actor.role_grants
    if grants:
        return grants[0][2]
    root = Region.objects.filter(parent__isnull=True).order_by("code").values_list("code", flat=True).first()
    return root or "110000000000"


@transaction.atomic
def rent_collection_import(*, layout: str, file_name: str, content: bytes, actor) -> RentCollectionImport:
    """Reconcile the bank's collection file line by line: 已入账, 部分入账 (with the bank's reason),
    金额超过未收 (refused, kept), 无法匹配 (kept). Matched by 应收编号; a line with only 合同编号 goes to that
    contract's oldest receivable still owed."""
    if not actor.has_perm(RENT_COLLECT_PERMISSION):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    spec = layout_get(layout)
    if spec is None:
        raise ValidationError({"layout": _("请选择文件格式。")})
    lines = _parse_lines(content, spec, timezone.localdate())
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = RentCollectionImport.objects.filter(sha256=sha256).first()
    if earlier is not None:
        raise ValidationError(
            {"file": _("该代收文件已于 %(t)s 导入过（%(f)s），不能重复导入。")
             % {"t": timezone.localtime(earlier.imported_at).strftime("%Y-%m-%d %H:%M"), "f": earlier.file_name}}
        )  # fmt: skip
    in_scope = (
        scope_queryset(RentReceivable.objects.all(), actor)
        .select_related("move_in__contract")
        .only(
            "pk", "number", "region_code", "outstanding_amount", "year", "month", "move_in__contract__number"
        )
    )
    by_number = {
        r.number: r for r in in_scope.filter(number__in={x["receivable_number"] for x in lines} - {""})
    }
    by_contract: dict[str, list[RentReceivable]] = {}
    contract_only = {x["contract_number"] for x in lines if not x["receivable_number"]}
    if contract_only:
        owed = in_scope.filter(move_in__contract__number__in=contract_only, outstanding_amount__gt=0)
        for r in owed.order_by("year", "month", "pk"):
            by_contract.setdefault(r.move_in.contract.number, []).append(r)
    result = RentCollectionImport.objects.create(
        region_code=_import_region(actor), layout=layout, file_name=file_name[:200], sha256=sha256,
        line_count=len(lines), file_amount=sum((x["amount"] for x in lines), Decimal("0.00")),
        imported_by=actor,
    )  # fmt: skip
    counts = dict.fromkeys(CollectionLineOutcome.values, 0)
    posted_amount = Decimal("0.00")
    for line in lines:
        receivable, note = _match(line, by_number, by_contract)
        receipt = None
        if receivable is None:
            outcome = CollectionLineOutcome.UNMATCHED
        elif line["amount"] > receivable.outstanding_amount:
            outcome = CollectionLineOutcome.OVER
            note = _("代扣 %(a)s 元超过未收 %(o)s 元，本行不入账。") % {
                "a": line["amount"], "o": receivable.outstanding_amount,
            }  # fmt: skip
        else:
            receipt = rent_receipt_record(
                receivable=receivable, actor=actor, amount=line["amount"], received_on=line["collected_on"],
                method=PaymentMethod.WITHHOLDING,
                shortfall_reason=line["bank_reason"] or DEFAULT_SHORTFALL_REASON,
            )  # fmt: skip
            receivable.outstanding_amount -= receipt.amount
            posted_amount += receipt.amount
            outcome = CollectionLineOutcome.POSTED if receipt.is_full else CollectionLineOutcome.PARTIAL
            if not receipt.is_full:
                note = _("部分入账，尚欠 %(o)s 元。") % {"o": receivable.outstanding_amount}
        counts[outcome] += 1
        RentCollectionLine.objects.create(
            collection_import=result, outcome=outcome, receivable=receivable, receipt=receipt,
            note=note[:500], **line,
        )  # fmt: skip
    result.posted_count = counts[CollectionLineOutcome.POSTED]
    result.partial_count = counts[CollectionLineOutcome.PARTIAL]
    result.unmatched_count = counts[CollectionLineOutcome.UNMATCHED]
    result.refused_count = counts[CollectionLineOutcome.OVER]
    result.posted_amount = posted_amount
    result.save(update_fields=["posted_count", "partial_count", "unmatched_count", "refused_count",
                               "posted_amount"])  # fmt: skip
    return result


def _match(line: dict, by_number: dict, by_contract: dict) -> tuple[RentReceivable | None, str]:
    if line["receivable_number"]:
        receivable = by_number.get(line["receivable_number"])
        if receivable is None:
            return None, _("本辖区内没有这个应收编号。")
        if line["contract_number"] and line["contract_number"] != receivable.move_in.contract.number:
            return None, _("应收编号与合同编号不符。")
        return receivable, ""
    owed = [r for r in by_contract.get(line["contract_number"], []) if r.outstanding_amount > 0]
    if not owed:
        return None, _("本辖区内该合同没有未收的应收。")
    return owed[0], _("按合同编号匹配到 %(n)s。") % {"n": owed[0].number}
