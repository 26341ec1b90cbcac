"""Reads of 补贴发放: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

from django.db.models import QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import BankResultLine, PaymentBatch, SubsidyDue, SubsidyPayment


def subsidy_due_list(*, user) -> QuerySet[SubsidyDue]:
    return (
        scope_queryset(SubsidyDue.objects.all(), user)
        .select_related("registry_entry", "agreement")
        .only(
            "pk",
            "number",
            "period",
            "project_code",
            "amount",
            "standard_amount",
            "days_covered",
            "state",
            "hold_reasons",
            "region_code",
            "registry_entry__application_number",
            "registry_entry__applicant_name",
            "agreement__number",
        )  # fmt: skip
    )


def subsidy_due_get_for_user(*, user, pk) -> SubsidyDue:
    return get_in_scope_or_404(
        SubsidyDue.objects.select_related("registry_entry", "agreement", "reviewed_by"), user, pk=pk
    )


def payment_batch_list(*, user) -> QuerySet[PaymentBatch]:
    return scope_queryset(PaymentBatch.objects.select_related("created_by"), user)


def payment_batch_get_for_user(*, user, pk) -> PaymentBatch:
    return get_in_scope_or_404(PaymentBatch.objects.all(), user, pk=pk)


def batch_payments(*, batch: PaymentBatch) -> QuerySet[SubsidyPayment]:
    return batch.payments.select_related("due__registry_entry").defer("bank_account").order_by("pk")


def batch_result_lines(*, batch: PaymentBatch) -> QuerySet[BankResultLine]:
    return (
        BankResultLine.objects.filter(result_import__batch=batch)
        .select_related("payment")
        .order_by("result_import_id", "line_number")
    )


def subsidy_payment_get_for_user(*, user, pk) -> SubsidyPayment:
    return get_in_scope_or_404(SubsidyPayment.objects.select_related("due", "batch"), user, pk=pk)
