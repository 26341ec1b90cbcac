"""退出通知书: rendered from an editable ``housing.documents`` template after the notice commits, with the
reason, the basis, the move-out deadline and the overstay rent, filed in the archive; then an SMS."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..contracts.documents import _issuer, _unit_address, chinese_date, rmb_upper
from .models import ExitCase

logger = logging.getLogger(__name__)

NOTICE_CODE = "allocation_exit_notice"
NOTICE_TITLE = "住房保障退出通知书"

NOTICE_BODY = """<p style="text-align:center">编号：{{ number }}</p>
<p>{{ applicant_name }}（申请编号 {{ application_number }}）：</p>
<p>经核查，您家庭存在“{{ trigger }}”情形：{{ reason }}</p>
<p>依据《住房保障信息系统技术规范》配后管理规定及本市住房保障管理办法，决定您家庭退出住房保障。</p>
<table>
  <tr><th style="width:30%">通知日期</th><td>{{ notice_on }}</td></tr>
  {% if unit_address %}<tr><th>保障住房</th><td>{{ unit_address }}</td></tr>
  <tr><th>腾退期限</th><td>请于{{ deadline }}前腾退房屋并办理退房手续。</td></tr>
  <tr><th>逾期租金</th><td>逾期未腾退的，自期限届满次月起按市场租金每月{{ overstay_rent }}元（{{ overstay_upper }}）计收租金。</td></tr>
  {% else %}<tr><th>补贴</th><td>自退出之日起停止发放租赁补贴。</td></tr>{% endif %}
</table>
<p style="text-align:right">{{ issuer }}<br>{{ notice_on }}</p>"""

SAMPLE = {
    "number": "TC-2026-000001",
    "applicant_name": "陈翠香",
    "application_number": "SQ-440402-2026-000123",
    "trigger": "欠租",
    "reason": "自2026-01起欠缴租金，累计未缴 3750.00 元，已满6个月。",
    "notice_on": "2026年7月1日",
    "deadline": "2026年9月1日",
    "unit_address": "珠海市香洲区演示路1号1号楼101",
    "overstay_rent": "2100.00",
    "overstay_upper": "贰仟壹佰元整",
    "issuer": "珠海市住房保障中心",
}


def notice_template_ensure(*, region_code: str) -> None:
    from housing.documents.models import DocumentTemplate
    from housing.documents.services import document_template_create

    if DocumentTemplate.objects.filter(code=NOTICE_CODE).exists():
        return
    template = document_template_create(code=NOTICE_CODE, name=NOTICE_TITLE, body=NOTICE_BODY,
                                        region_code=region_code, sample_context=SAMPLE, actor=None)  # fmt: skip
    template.activate()
    template.save()


def notice_context(case: ExitCase) -> dict[str, Any]:
    entry = case.registry_entry
    unit = case.move_in.unit if case.move_in_id else None
    return {
        "number": case.number, "applicant_name": entry.applicant_name,
        "application_number": entry.application_number, "trigger": case.get_trigger_display(),
        "reason": case.reason, "notice_on": chinese_date(case.notice_on),
        "deadline": chinese_date(case.move_out_deadline), "unit_address": _unit_address(unit) if unit else "",
        "overstay_rent": str(case.market_monthly_rent or ""), "overstay_upper": rmb_upper(case.market_monthly_rent),
        "issuer": _issuer(case.region_code),
    }  # fmt: skip


def exit_notice_issue(*, case_id: int, actor=None) -> ExitCase:
    """Render, archive and notify; idempotent. Never raises: a failure is kept on the case for a retry."""
    try:
        return _exit_notice_issue(case_id=case_id, actor=actor)
    except Exception as exc:  # noqa: BLE001 — the notice state is committed; the PDF can be retried
        logger.exception("Exit case %s notice could not be issued", case_id)
        messages = getattr(exc, "messages", None) or [str(exc) or exc.__class__.__name__]
        ExitCase.objects.filter(pk=case_id, notice_document__isnull=True).update(
            pdf_error="；".join(str(m) for m in messages)[:2000]
        )
        return ExitCase.objects.get(pk=case_id)


@transaction.atomic
def _exit_notice_issue(*, case_id: int, actor) -> ExitCase:
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload
    from housing.documents.services import document_issue

    case = (
        ExitCase.objects.select_for_update(of=("self",))
        .select_related("registry_entry__family", "move_in__unit__building__project")
        .get(pk=case_id)
    )
    if case.notice_document_id or case.notice_on is None:
        return case
    actor = actor if actor is not None and actor.is_staff else system_actor()
    notice_template_ensure(region_code=case.region_code[:4] + "00000000")
    _document, pdf = document_issue(template_code=NOTICE_CODE, context=notice_context(case), title=NOTICE_TITLE,
                                    region_code=case.region_code, actor=actor, owner=case)  # fmt: skip
    case.notice_document = document_upload(
        actor=actor, upload=ContentFile(pdf, name=f"{case.number}.pdf"), name=f"{NOTICE_TITLE}（{case.number}）",
        category=Category.NOTICE, stage=Stage.POST_ALLOCATION, region_code=case.region_code,
        owner_kind=OwnerKind.CASE, owner=case, application_number=case.registry_entry.application_number,
    )  # fmt: skip
    case.pdf_error = ""
    case.save(update_fields=["notice_document", "pdf_error", "updated_at"])
    _notify(case)
    return case


MESSAGE_TEMPLATES = tuple(
    ("allocation.exit_notified", channel, "住房保障退出通知", "【保障退出】{{ number }}",
     "{{ name }}，您好！因“{{ trigger }}”，您家庭将退出住房保障（编号 {{ number }}）。{{ deadline_text }}"
     "《住房保障退出通知书》可到住房保障部门领取。")
    for channel in ("sms", "site")
)  # fmt: skip


def exit_message_templates_sync() -> list:
    from housing.notify.models import MessageTemplate

    for code, channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )
    return []


def _notify(case: ExitCase) -> None:
    from admission.registry.notices import notify_applicant

    exit_message_templates_sync()
    deadline_text = (
        _("请于%(d)s前腾退房屋。") % {"d": chinese_date(case.move_out_deadline)} if case.move_in_id else ""
    )
    notify_applicant(
        family=case.registry_entry.family, template_code="allocation.exit_notified",
        context={"number": case.number, "trigger": case.get_trigger_display(), "deadline_text": deadline_text},
    )  # fmt: skip
