"""Writes of 补贴发放: the monthly due run with its automatic checks, review of held rows, payment batches,
the bank file export and the bank result import (issue 8 parts 3–4)."""

from __future__ import annotations

import calendar
import csv
import datetime
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import scope_queryset
from housing.regions.codes import scope_prefix

from ..annual_review.selectors import annual_review_standard_changes, annual_review_suspended
from ..contracts.models import Contract, ContractKind, ContractState, mask_account
from .checks import run_checks
from .layouts import amount_in, amount_out, layout_get
from .models import (
    RUN_PERMISSION,
    BankResultImport,
    BankResultLine,
    BankResultOutcome,
    PaymentBatch,
    PaymentBatchState,
    PaymentStatus,
    SubsidyDue,
    SubsidyDueEvent,
    SubsidyDueRun,
    SubsidyDueRunState,
    SubsidyDueState,
    SubsidyPayment,
)

CENT = Decimal("0.01")
# 发放周期 per project (补贴项目编号 → monthly/quarterly); a city overrides it with SUBSIDY_PAYMENT_CYCLES.
# 高层次人才租房补贴 is paid quarterly (its rule set's 每季度发放金额 = monthly × months_per_payment 3).
DEFAULT_PAYMENT_CYCLES = {"rencai": "quarterly"}
CHUNK = 2000
MAX_RESULT_LINES = 200_000


def parse_period(period: str) -> tuple[datetime.date, datetime.date]:
    """``"2026-03"`` → first and last day of the month; a Chinese ValidationError otherwise."""
    try:
        start = datetime.datetime.strptime((period or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"period": _("补贴期间应为“年-月”，例如 2026-03。")}) from None
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def payment_cycle_of(project_code: str) -> str:
    """发放周期 of a project: ``"monthly"`` or ``"quarterly"`` (setting ``SUBSIDY_PAYMENT_CYCLES``)."""
    cycles = getattr(settings, "SUBSIDY_PAYMENT_CYCLES", DEFAULT_PAYMENT_CYCLES)
    return cycles.get(project_code, "monthly")


def period_months(
    period: str, *, project_code: str | None = None
) -> list[tuple[datetime.date, datetime.date]]:
    """The months of a period: ``"2026-03"`` → one, ``"2026-Q1"`` → three (first and last day of each).

    With ``project_code`` the period must match the project's payment cycle, so a quarterly project is
    never run month by month (and paid a month twice in two shapes) nor a monthly one by quarter.
    """
    text = (period or "").strip().upper()
    if "-Q" in text:
        try:
            year, quarter = text.split("-Q")
            year, quarter = int(year), int(quarter)
            if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            raise ValidationError({"period": _("季度应为“年-Q季度”，例如 2026-Q1。")}) from None
        months = [parse_period(f"{year}-{m:02d}") for m in range(quarter * 3 - 2, quarter * 3 + 1)]
    else:
        months = [parse_period(text)]
    if project_code is not None:
        cycle = payment_cycle_of(project_code)
        if cycle == "quarterly" and len(months) == 1:
            raise ValidationError({"period": _("该项目按季度发放，补贴期间请填写季度，例如 2026-Q1。")})
        if cycle != "quarterly" and len(months) == 3:
            raise ValidationError({"period": _("该项目按月发放，补贴期间请填写月份，例如 2026-03。")})
    return months


def period_label(period: str) -> str:
    """The normal spelling of a period: ``"2026-3"`` → ``"2026-03"``, ``"2026-q1"`` → ``"2026-Q1"``."""
    months = period_months(period)
    if len(months) == 3:
        return f"{months[0][0].year}-Q{(months[0][0].month + 2) // 3}"
    return months[0][0].strftime("%Y-%m")


def agreement_coverage(agreement: Contract) -> tuple[datetime.date, datetime.date | None]:
    """First and last day the agreement pays for (inclusive); the last is open when it has no end."""
    start = agreement.subsidy_starts_on or agreement.effective_on
    ends = [d for d in (agreement.expires_on, agreement.terminated_on) if d is not None]
    return start, min(ends) if ends else None


def prorated_amount(
    monthly: Decimal, *, start: datetime.date, end: datetime.date | None, month_start: datetime.date,
    month_end: datetime.date,
) -> tuple[Decimal, int]:  # fmt: skip
    """The month's amount: whole when the agreement covers the month, else by days (half-up to 0.01)."""
    first = max(start, month_start)
    last = min(end, month_end) if end is not None else month_end
    days = (last - first).days + 1
    if days <= 0:
        return Decimal("0.00"), 0
    total = month_end.day
    if days == total:
        return monthly.quantize(CENT, ROUND_HALF_UP), days
    return (monthly * days / total).quantize(CENT, ROUND_HALF_UP), days


def _event(due: SubsidyDue, *, from_state: str, to_state: str, actor, opinion: str = "") -> None:
    SubsidyDueEvent.objects.create(
        due=due, from_state=from_state, to_state=to_state, actor=actor, opinion=opinion
    )


def subsidy_agreements_for(*, period_start, period_end, project_code: str, actor=None):
    """Rent-subsidy agreements in force for some day of the month (signed, or ended inside the month)."""
    queryset = Contract.objects.filter(
        kind=ContractKind.RENT_SUBSIDY,
        state__in=(ContractState.SIGNED, ContractState.TERMINATED, ContractState.EXPIRED),
        registry_entry__project_code=project_code,
        subsidy_amount__isnull=False,
    ).exclude(number="")
    queryset = queryset.filter(
        Q(subsidy_starts_on__lte=period_end) | Q(subsidy_starts_on__isnull=True, effective_on__lte=period_end)
    )
    queryset = queryset.exclude(expires_on__lt=period_start).exclude(terminated_on__lt=period_start)
    if actor is not None:
        queryset = scope_queryset(queryset, actor)
    return queryset


def subsidy_due_run(
    *, period: str, project_code: str, actor=None, progress: Callable[[dict[str, int]], None] | None = None
) -> dict[str, int]:
    """补贴应发: one row per agreement and month in force during ``period`` (idempotent; chunked, set-based).

    ``period`` is a month ("2026-03") or, for a project paid quarterly (``payment_cycle_of``), a quarter
    ("2026-Q1"): a quarter's run writes the three months' rows in the same chunk transaction, so the
    unique agreement + month constraint still makes a second payment impossible. Each chunk is its own
    transaction: a run killed half-way keeps the chunks it finished, and the next run adds exactly the
    agreements still missing. ``progress`` is called after each chunk with the running counts.
    """
    months = period_months(period, project_code=project_code)
    first_start, last_end = months[0][0], months[-1][1]
    labels = [m.strftime("%Y-%m") for m, _end in months]
    agreements = subsidy_agreements_for(
        period_start=first_start, period_end=last_end, project_code=project_code, actor=actor
    )
    done = SubsidyDue.objects.filter(period__in=labels, agreement_id__in=agreements.values("pk"))
    done_count = done.values("agreement_id").distinct().count()
    pending_ids = list(
        agreements.exclude(pk__in=done.values("agreement_id")).order_by("pk").values_list("pk", flat=True)
    )
    counts = {"total": done_count + len(pending_ids), "existing": done_count, "processed": done_count,
              "created": 0, "held": 0}  # fmt: skip
    if progress is not None:
        progress(dict(counts))
    for offset in range(0, len(pending_ids), CHUNK):
        ids = pending_ids[offset : offset + CHUNK]
        with transaction.atomic():
            rows = _due_rows_for_chunk(ids, months=months, actor=actor)
            made = SubsidyDue.objects.bulk_create(rows, ignore_conflicts=True)
        counts["created"] += len(made)
        counts["held"] += sum(1 for r in rows if r.state == SubsidyDueState.HELD)
        counts["processed"] += len(ids)
        if progress is not None:
            progress(dict(counts))
    return {"created": counts["created"], "held": counts["held"]}


def _due_rows_for_chunk(ids: list[int], *, months, actor) -> list[SubsidyDue]:
    """The unsaved due rows of one chunk of agreements for each month (a fixed number of queries)."""
    labels = [m.strftime("%Y-%m") for m, _end in months]
    chunk = list(
        Contract.objects.filter(pk__in=ids)
        .select_related("registry_entry")
        .only(
            "pk", "region_code", "subsidy_amount", "subsidy_starts_on", "effective_on", "expires_on",
            "terminated_on", "amount_basis", "registry_entry__id", "registry_entry__family_id",
            "registry_entry__id_number_digest", "registry_entry__special_group",
            "registry_entry__project_code",
        )
        .order_by("pk")
    )  # fmt: skip
    entry_ids = {c.registry_entry_id for c in chunk}
    received = defaultdict(
        int,
        SubsidyDue.objects.filter(registry_entry_id__in=entry_ids)
        .exclude(state=SubsidyDueState.CANCELLED)
        .exclude(period__in=labels)
        .values("registry_entry_id")
        .annotate(n=Count("pk"))
        .values_list("registry_entry_id", "n"),
    )
    rows = []
    for month_start, month_end in months:
        label = month_start.strftime("%Y-%m")
        outcomes = run_checks(chunk, period_start=month_start, months_received=dict(received))
        # 逾期未年审: suspended from the month after the deadline, never paid back (allocation.annual_review).
        suspended = annual_review_suspended(entry_ids, label)
        # 年审变更标准: the new monthly amount from the month after the decision; 原标准金额 stays the
        # agreement's, so the change is visible on the row (A.7.5).
        changes = annual_review_standard_changes(entry_ids, label)
        for agreement in chunk:
            start, end = agreement_coverage(agreement)
            change = changes.get(agreement.registry_entry_id)
            monthly = agreement.subsidy_amount
            if change is not None and change.monthly_subsidy is not None:
                monthly = change.monthly_subsidy
            amount, days = prorated_amount(
                monthly, start=start, end=end, month_start=month_start, month_end=month_end
            )
            if days == 0:
                continue
            outcome = outcomes[agreement.pk]
            state = SubsidyDueState.HELD if outcome.hold_reasons else SubsidyDueState.PAYABLE
            reasons = outcome.hold_reasons
            if agreement.registry_entry_id in suspended:
                state = SubsidyDueState.CANCELLED
                reasons = [_("逾期未参加年审，本月补贴暂停发放；年审通过后自次月恢复，暂停期间不补发。")]
            else:
                received[agreement.registry_entry_id] += 1  # the quarter's later months count this one
            rows.append(
                SubsidyDue(
                    number=f"YF{month_start:%Y%m}{agreement.pk:010d}",
                    registry_entry_id=agreement.registry_entry_id,
                    project_code=agreement.registry_entry.project_code,
                    standard_amount=agreement.subsidy_amount,
                    amount=amount,
                    year=month_start.year,
                    month=month_start.month,
                    due_on=months[-1][1],  # a quarter is paid once, after its last month
                    created_by=actor,
                    updated_by=actor,
                    agreement=agreement,
                    period=label,
                    days_covered=days,
                    days_in_month=month_end.day,
                    state=state,
                    hold_reasons=reasons,
                    check_results=outcome.results,
                    region_code=agreement.region_code,
                )
            )
    return rows


@transaction.atomic
def subsidy_due_release(*, due: SubsidyDue, actor, opinion: str) -> SubsidyDue:
    """复核通过: a held row becomes payable, with the caseworker's opinion."""
    return _review(
        due=due, actor=actor, opinion=opinion, target=SubsidyDueState.PAYABLE, sources=(SubsidyDueState.HELD,)
    )


@transaction.atomic
def subsidy_due_cancel(*, due: SubsidyDue, actor, opinion: str) -> SubsidyDue:
    """取消发放: a held (or not yet batched) row is not paid, with the caseworker's opinion."""
    return _review(
        due=due, actor=actor, opinion=opinion, target=SubsidyDueState.CANCELLED,
        sources=(SubsidyDueState.HELD, SubsidyDueState.PAYABLE),
    )  # fmt: skip


def _review(*, due: SubsidyDue, actor, opinion: str, target: str, sources: tuple[str, ...]) -> SubsidyDue:
    due = SubsidyDue.objects.select_for_update().get(pk=due.pk)
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写复核意见。")})
    if due.state not in sources:
        raise ValidationError(
            _("该应发记录当前为“%(state)s”，不能办理。") % {"state": due.get_state_display()}
        )
    previous = due.state
    due.state = target
    due.review_opinion = opinion.strip()
    due.reviewed_by = actor
    due.reviewed_at = timezone.now()
    due.updated_by = actor
    due.save(
        update_fields=["state", "review_opinion", "reviewed_by", "reviewed_at", "updated_by", "updated_at"]
    )
    _event(due, from_state=previous, to_state=target, actor=actor, opinion=due.review_opinion)
    return due


# --- payment batches ------------------------------------------------------------------------------------


@transaction.atomic
def payment_batch_create(
    *, period: str, project_code: str, region_code: str, actor, layout: str = "default"
) -> PaymentBatch:
    """批次: every payable due row of the month (or, for a quarterly project, the quarter's three months)
    and project in ``region_code``, each in one batch only."""
    months = period_months(period, project_code=project_code)
    period_start = months[0][0]
    period = period_label(period)
    dues = SubsidyDue.objects.filter(
        period__in=[m.strftime("%Y-%m") for m, _end in months], project_code=project_code,
        state=SubsidyDueState.PAYABLE,
        region_code__startswith=scope_prefix(region_code),
    )  # fmt: skip
    if actor is not None:
        dues = scope_queryset(dues, actor)
    dues = list(
        dues.select_for_update(skip_locked=True, of=("self",)).select_related("agreement").order_by("pk")
    )
    if not dues:
        raise ValidationError(_("%(period)s 没有待发放的补贴（待复核的须先复核）。") % {"period": period})
    batch = PaymentBatch.objects.create(
        number=f"PC-TMP-{timezone.now().timestamp()}", period=period, project_code=project_code,
        layout=layout, region_code=region_code, created_by=actor,
    )  # fmt: skip
    batch.number = f"PC{period_start:%Y%m}{batch.pk:06d}"  # from the id: unique without a counter race
    payments = []
    for seq, due in enumerate(dues, start=1):
        agreement = due.agreement
        payments.append(
            SubsidyPayment(
                number=f"SF{batch.pk:06d}{seq:06d}",
                due=due,
                batch=batch,
                amount=due.amount,
                account_name=agreement.signer_name,
                bank_name=agreement.bank_name,
                bank_account=agreement.bank_account,
                bank_account_masked=agreement.bank_account_masked or mask_account(agreement.bank_account),
                created_by=actor,
                updated_by=actor,
                region_code=due.region_code,
            )
        )
    try:
        SubsidyPayment.objects.bulk_create(payments)
    except IntegrityError:
        raise ValidationError(_("部分补贴已在其他批次中，请刷新后重试。")) from None
    SubsidyDue.objects.filter(pk__in=[d.pk for d in dues]).update(
        state=SubsidyDueState.IN_BATCH, updated_by=actor, updated_at=timezone.now()
    )
    SubsidyDueEvent.objects.bulk_create(
        SubsidyDueEvent(due=d, from_state=SubsidyDueState.PAYABLE, to_state=SubsidyDueState.IN_BATCH, actor=actor,
                        opinion=batch.number)
        for d in dues
    )  # fmt: skip
    batch.payment_count = len(payments)
    batch.total_amount = sum((p.amount for p in payments), Decimal("0.00"))
    batch.save(update_fields=["number", "payment_count", "total_amount"])
    return batch


def _export_rows(batch: PaymentBatch, spec: dict):
    payments = batch.payments.select_related("due__registry_entry").order_by("pk")
    for seq, payment in enumerate(payments.iterator(chunk_size=CHUNK), start=1):
        values = {
            "seq": seq,
            "reference": payment.number,
            "account_name": payment.account_name,
            "account": payment.bank_account,
            "bank_name": payment.bank_name,
            "amount": amount_out(payment.amount, spec.get("amount_format", "yuan")),
            "memo": _("%(period)s住房租赁补贴") % {"period": batch.period},
            "period": batch.period,
            "id_number_masked": payment.due.registry_entry.id_number_masked,
        }
        yield [values.get(name, "") for name, _label in spec["columns"]]


def payment_batch_export(*, batch: PaymentBatch, actor, file_format: str = "csv") -> tuple[str, bytes]:
    """The bank's bulk-payment file: (file name, content) as CSV (UTF-8 with BOM) or Excel."""
    from housing.audit.services import AuditAction, audit_record
    from housing.documents.excel import xlsx_write

    spec = layout_get(batch.layout)
    headers = [label for _name, label in spec["columns"]]
    if file_format == "xlsx":
        buffer = io.BytesIO()
        xlsx_write(file=buffer, headers=headers, rows=_export_rows(batch, spec), sheet_title=batch.number)
        content, name = buffer.getvalue(), f"{batch.number}.xlsx"
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(_export_rows(batch, spec))
        content, name = text.getvalue().encode("utf-8-sig"), f"{batch.number}.csv"
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk, state=PaymentBatchState.CREATED).update(
            state=PaymentBatchState.EXPORTED, exported_at=timezone.now()
        )
        audit_record(
            action=AuditAction.EXPORT, object_type="allocation.paymentbatch",
            description=_("导出补贴发放批次 %(number)s 的银行代发文件") % {"number": batch.number},
        )  # fmt: skip
    return name, content


# --- the bank's result file -------------------------------------------------------------------------------


def _read_result_file(content: bytes, spec: dict) -> list[dict]:
    """Every line of the result CSV, validated; a ValidationError naming the lines when anything is wrong."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": _("文件无法识别，请上传银行回执的 CSV 文件（UTF-8 或 GBK 编码）。")})
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationError({"file": _("文件为空。")})
    columns = spec["result_columns"]
    header = [cell.strip() for cell in rows[0]]
    missing = [label for key, label in columns.items() if key != "reason" and label not in header]
    if missing:
        raise ValidationError(
            {"file": _("文件缺少列：%(cols)s（应有：%(all)s）。")
             % {"cols": "、".join(missing), "all": "、".join(columns.values())}}
        )  # fmt: skip
    if len(rows) - 1 > MAX_RESULT_LINES:
        raise ValidationError({"file": _("文件行数超过上限 %(n)s。") % {"n": MAX_RESULT_LINES}})
    index = {key: header.index(label) for key, label in columns.items() if label in header}
    success = {w.lower() for w in spec.get("success_words", ["成功"])}
    lines, errors = [], []
    for number, row in enumerate(rows[1:], start=2):

        def cell(key: str, row: list[str] = row) -> str:
            return row[index[key]].strip() if key in index and index[key] < len(row) else ""

        try:
            amount = amount_in(cell("amount"), spec.get("amount_format", "yuan"))
        except (ArithmeticError, ValueError):
            errors.append(_("第%(n)s行：金额“%(v)s”不是有效数字") % {"n": number, "v": cell("amount")})
            continue
        status = cell("status")
        if not status:
            errors.append(_("第%(n)s行：缺少处理结果") % {"n": number})
            continue
        lines.append({
            "line_number": number, "reference": cell("reference")[:64], "amount": amount, "bank_status": status[:50],
            "bank_reason": cell("reason")[:500], "raw": row, "is_success": status.lower() in success,
        })  # fmt: skip
    if errors:
        shown = "；".join(errors[:20]) + ("……" if len(errors) > 20 else "")
        raise ValidationError({"file": _("文件有误，未导入任何内容：%(errors)s。") % {"errors": shown}})
    return lines


@transaction.atomic
def bank_result_import(*, batch: PaymentBatch, file_name: str, content: bytes, actor) -> BankResultImport:
    """Reconcile the bank's result file line by line: 已发放, 发放失败 (with the bank's reason), 金额不符;
    a line that matches no pending payment of the batch is kept as 无法匹配. A bad file changes nothing.

    Set-based, because a city's batch has 100,000 lines: payments that take the same values (the same
    outcome and bank reason; for 金额不符 also the same amounts) are updated together, one UPDATE per
    group and chunk of ids, so a typical file is a few dozen statements. ``bulk_update`` built a CASE of
    every row of a chunk for every field instead — about 2.5 ms a line, over 4 minutes a batch.
    """
    from django.db.models import F

    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    spec = layout_get(batch.layout)
    lines = _read_result_file(content, spec)
    sha256 = hashlib.sha256(content).hexdigest()
    if BankResultImport.objects.filter(batch=batch, sha256=sha256).exists():
        raise ValidationError({"file": _("该回执文件已导入过本批次。")})
    if batch.state == PaymentBatchState.RECONCILED:
        # Every line already has the bank's answer: another file could only add 无法匹配 lines.
        raise ValidationError({"file": _("本批次每一笔都已有银行回执（已对账），不能再导入回执。")})
    result = BankResultImport.objects.create(
        batch=batch, file_name=file_name[:200], sha256=sha256, line_count=len(lines), imported_by=actor
    )
    # Only what matching needs (the encrypted account is not decrypted); locked against a second import
    # or a reissue running at the same time.
    pending = {
        number: (pk, amount, due_id)
        for pk, number, amount, due_id in batch.payments.select_for_update()
        .filter(status=PaymentStatus.PENDING)
        .values_list("pk", "number", "amount", "due_id")
    }
    now = timezone.now()
    seen: set[str] = set()
    records, due_moves = [], defaultdict(list)
    # (status, bank reason, bank's amount, shortfall, shortfall reason) → payment ids; the bank's amount
    # is None when it is the payment's own (已发放).
    payment_moves: dict[tuple, list[int]] = defaultdict(list)
    for line in lines:
        match = pending.get(line["reference"])
        is_success = line.pop("is_success")
        if match is None or line["reference"] in seen:
            note = (
                _("本批次中无此业务编号，或该笔已对账。")
                if line["reference"] not in seen
                else _("同一业务编号重复出现。")
            )
            records.append(
                BankResultLine(result_import=result, outcome=BankResultOutcome.UNMATCHED, note=note, **line)
            )
            continue
        seen.add(line["reference"])
        payment_id, amount, due_id = match
        reason, note = line["bank_reason"] or line["bank_status"], ""
        if not is_success:
            outcome = BankResultOutcome.FAILED
            payment_moves[(PaymentStatus.FAILED, reason, None, None, "")].append(payment_id)
            due_moves[SubsidyDueState.FAILED].append(due_id)
        elif line["amount"] == amount:
            outcome = BankResultOutcome.PAID
            payment_moves[(PaymentStatus.PAID, reason, None, None, "")].append(payment_id)
            due_moves[SubsidyDueState.PAID].append(due_id)
        else:
            outcome = BankResultOutcome.MISMATCH
            # Also shown on the line in the batch's result list.
            note = _("银行实付 %(paid)s 元，应付 %(due)s 元") % {"paid": line["amount"], "due": amount}
            key = (PaymentStatus.MISMATCH, reason, line["amount"], amount - line["amount"], note)
            payment_moves[key].append(payment_id)
            due_moves[SubsidyDueState.PAID].append(due_id)
        records.append(
            BankResultLine(result_import=result, outcome=outcome, payment_id=payment_id, note=note, **line)
        )
    BankResultLine.objects.bulk_create(records, batch_size=CHUNK)
    for (status, reason, paid_amount, shortfall, shortfall_reason), ids in payment_moves.items():
        values = {"status": status, "bank_reason": reason, "updated_by": actor, "updated_at": now}
        if status == PaymentStatus.PAID:
            values.update(paid_at=now, paid_amount=F("amount"))
        elif status == PaymentStatus.MISMATCH:
            values.update(
                paid_at=now,
                paid_amount=paid_amount,
                shortfall_amount=shortfall,
                shortfall_reason=shortfall_reason,
            )
        for offset in range(0, len(ids), CHUNK):  # bounded IN lists (SQLite's parameter limit)
            SubsidyPayment.objects.filter(pk__in=ids[offset : offset + CHUNK]).update(**values)
    for state, due_ids in due_moves.items():
        for offset in range(0, len(due_ids), CHUNK):
            SubsidyDue.objects.filter(pk__in=due_ids[offset : offset + CHUNK]).update(
                state=state, updated_by=actor, updated_at=now
            )
        SubsidyDueEvent.objects.bulk_create(
            (SubsidyDueEvent(due_id=pk, from_state=SubsidyDueState.IN_BATCH, to_state=state, actor=actor,
                             opinion=_("银行回执 %(file)s") % {"file": result.file_name})
             for pk in due_ids),
            batch_size=CHUNK,
        )  # fmt: skip
    if not batch.payments.filter(status=PaymentStatus.PENDING).exists():
        batch.state = PaymentBatchState.RECONCILED
        batch.save(update_fields=["state"])
    return result


@transaction.atomic
def subsidy_payment_reissue(
    *, payment: SubsidyPayment, actor, bank_name: str, bank_account: str, opinion: str = ""
) -> SubsidyDue:
    """重新发放: after a failed payment the bank account is corrected on the agreement and the due row is
    payable again, to join the next batch; the failed payment stays as history."""
    payment = SubsidyPayment.objects.select_for_update().select_related("due__agreement").get(pk=payment.pk)
    if payment.status != PaymentStatus.FAILED:
        raise ValidationError(_("只有发放失败的补贴才能重新发放。"))
    account = (bank_account or "").replace(" ", "")
    if not account.isdigit() or not 8 <= len(account) <= 32:
        raise ValidationError({"bank_account": _("银行账号应为8至32位数字。")})
    due = SubsidyDue.objects.select_for_update().get(pk=payment.due_id)
    if due.state != SubsidyDueState.FAILED:
        raise ValidationError(
            _("该应发记录当前为“%(state)s”，不能重新发放。") % {"state": due.get_state_display()}
        )
    agreement = due.agreement
    agreement.bank_name = (bank_name or agreement.bank_name).strip()
    agreement.bank_account = account
    agreement.bank_account_masked = mask_account(account)
    agreement.updated_by = actor
    agreement.save(
        update_fields=["bank_name", "bank_account", "bank_account_masked", "updated_by", "updated_at"]
    )
    due.state = SubsidyDueState.PAYABLE
    due.updated_by = actor
    due.save(update_fields=["state", "updated_by", "updated_at"])
    note = opinion.strip() or _("更正银行账号后重新发放（原实发 %(n)s）") % {"n": payment.number}
    _event(
        due, from_state=SubsidyDueState.FAILED, to_state=SubsidyDueState.PAYABLE, actor=actor, opinion=note
    )
    return due


def batch_totals(batch: PaymentBatch) -> dict:
    return batch.payments.aggregate(
        total=Sum("amount"), paid=Sum("paid_amount", filter=Q(status__in=("paid", "mismatch")))
    )


# --- the run record: progress on the page, resume after a crash --------------------------------------------


def subsidy_due_run_start(*, period: str, project_code: str, actor) -> SubsidyDueRun:
    """生成补贴应发 from the page: a run record, the task queued after commit; the page polls its progress.

    A run of the same period and project still alive is returned instead of starting a second one.
    """
    if actor is not None and not actor.has_perm(RUN_PERMISSION):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    period_months(period, project_code=project_code)
    label = period_label(period)
    with transaction.atomic():
        alive = [
            r
            for r in SubsidyDueRun.objects.select_for_update().filter(
                period=label, project_code=project_code, state=SubsidyDueRunState.RUNNING
            )
            if not r.is_interrupted
        ]
        if alive:
            return alive[0]
        run = SubsidyDueRun.objects.create(
            period=label, project_code=project_code, started_by=actor, heartbeat_at=timezone.now()
        )
        transaction.on_commit(lambda: _queue_run(run.pk))
    return run


def subsidy_due_run_resume(*, run: SubsidyDueRun, actor) -> SubsidyDueRun:
    """继续: a failed or interrupted (中断) run is queued again; it adds only the rows still missing."""
    if actor is not None and not actor.has_perm(RUN_PERMISSION):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    with transaction.atomic():
        run = SubsidyDueRun.objects.select_for_update().get(pk=run.pk)
        if not run.can_resume:
            raise ValidationError(_("该次生成没有中断，无需继续。"))
        run.state, run.error, run.heartbeat_at, run.finished_at = (
            SubsidyDueRunState.RUNNING, "", timezone.now(), None,
        )  # fmt: skip
        run.save(update_fields=["state", "error", "heartbeat_at", "finished_at"])
        transaction.on_commit(lambda: _queue_run(run.pk))
    return run


def _queue_run(run_id: int) -> None:
    from .tasks import subsidy_due_run_record_task

    subsidy_due_run_record_task.delay(run_id)


def subsidy_due_run_execute(*, run_id: int) -> SubsidyDueRun:
    """The task's body: run the period, one UPDATE of the record per chunk (progress and heartbeat)."""
    run = SubsidyDueRun.objects.select_related("started_by").get(pk=run_id)
    first_attempt = run.attempts == 0
    SubsidyDueRun.objects.filter(pk=run.pk).update(
        attempts=F("attempts") + 1, state=SubsidyDueRunState.RUNNING, heartbeat_at=timezone.now()
    )
    base_created, base_held = run.created, run.held

    def progress(counts: dict[str, int]) -> None:
        fields = {
            "total": counts["total"], "processed": counts["processed"],
            "created": base_created + counts["created"], "held": base_held + counts["held"],
            "heartbeat_at": timezone.now(),
        }  # fmt: skip
        if first_attempt:  # what was there before this run began, not what an earlier attempt of it made
            fields["existing"] = counts["existing"]
        SubsidyDueRun.objects.filter(pk=run.pk).update(**fields)

    try:
        subsidy_due_run(
            period=run.period, project_code=run.project_code, actor=run.started_by, progress=progress
        )
    except Exception as exc:  # the page shows the failure; 继续 runs it again
        SubsidyDueRun.objects.filter(pk=run.pk).update(
            state=SubsidyDueRunState.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        raise
    SubsidyDueRun.objects.filter(pk=run.pk).update(state=SubsidyDueRunState.DONE, finished_at=timezone.now())
    return SubsidyDueRun.objects.get(pk=run.pk)
