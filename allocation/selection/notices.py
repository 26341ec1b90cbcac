"""入住通知书: a numbered, verifiable PDF per reviewed pick, from an editable template, archived.

Like ``admission/registry/notices.py``: the review commits, then a Celery task renders the active version
of the template ``allocation_entry_notice`` (``housing.documents``: number + QR code to the public
verification page), files it in the family's case archive (一事一档, stage 配租配售) and tells the
family by SMS (and 站内信 when it has a portal account). A failure is recorded on the pick for a retry.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from admission.registry.notices import chinese_date, notify_applicant

from .models import SelectionPick

logger = logging.getLogger(__name__)

TEMPLATE_CODE = "allocation_entry_notice"
MESSAGE_CODE = "allocation.selection_entry_notice"

BODY = """<p>{{ applicant_name }}：</p>
<p>您家庭（申请编号：{{ application_number }}）在{{ session_name }}（活动编号：{{ session_number }}）中按配给顺序\
第{{ order_number }}号选定以下住房，经审核确认，现予通知。</p>
<table>
  <tr><th>申请人</th><td>{{ applicant_name }}</td><th>证件号码</th><td>{{ id_number_masked }}</td></tr>
  <tr><th>家庭人口</th><td>{{ household_size }}人</td><th>保障项目</th><td>{{ project_name }}</td></tr>
  <tr><th>项目</th><td colspan="3">{{ project }}</td></tr>
  <tr><th>房屋</th><td colspan="3">{{ building }} {{ room }}（房屋编号 {{ unit_number }}）</td></tr>
  <tr><th>户型</th><td>{{ layout }}</td><th>建筑面积</th><td>{{ floor_area }} 平方米</td></tr>
  <tr><th>选房时间</th><td>{{ picked_on }}</td><th>审核时间</th><td>{{ reviewed_on }}</td></tr>
</table>
<p>请您自收到本通知书之日起三十日内，持本通知书及身份证件到住房保障中心签订合同，办理入住手续。\
逾期未签订合同的，视为放弃本次选房结果。</p>
<p style="text-align:right">{{ issuer }}<br>{{ issued_on }}</p>"""

SAMPLE = {
    "applicant_name": "张三",
    "application_number": "SQ-440402-2026-000123",
    "session_name": "2026年第一批公共租赁住房选房",
    "session_number": "XF-440400-2026-0001",
    "order_number": 12,
    "id_number_masked": "4404**********1234",
    "household_size": 3,
    "project_name": "公共租赁住房",
    "project": "香洲区翠华公租房小区",
    "building": "1号楼",
    "room": "803",
    "unit_number": "DEMO-440402-A-1-803",
    "layout": "两室一厅",
    "floor_area": "65.50",
    "picked_on": "2026年11月20日",
    "reviewed_on": "2026年11月20日",
    "issuer": "珠海市住房保障中心",
    "issued_on": "2026年11月20日",
}

MESSAGE_TEMPLATES = (
    (
        "site",
        "入住通知",
        "【入住通知】{{ unit_number }}",
        "{{ name }}，您好！您家庭在{{ session_name }}中选定的 {{ building }} {{ room }} 已审核确认。"
        "《入住通知书》编号 {{ number }}，可在 {{ verify_url }} 核验；请于三十日内签订合同。",
    ),
    (
        "sms",
        "入住通知（短信）",
        "",
        "【住房保障】{{ name }}，您家庭选定的{{ building }}{{ room }}已确认，入住通知书编号{{ number }}，"
        "请于三十日内签订合同。",
    ),
)


def entry_notice_templates_ensure(*, region_code: str) -> None:
    """An active first version of the template and the message wordings; an administrator's edits stay."""
    from housing.documents.models import DocumentTemplate
    from housing.documents.services import document_template_create
    from housing.notify.models import MessageTemplate

    if not DocumentTemplate.objects.filter(code=TEMPLATE_CODE).exists():
        template = document_template_create(
            code=TEMPLATE_CODE,
            name="入住通知书",
            body=BODY,
            region_code=region_code,
            sample_context=SAMPLE,
            actor=None,
        )
        template.activate()
        template.save()
    for channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=MESSAGE_CODE, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )


def entry_notice_context(pick: SelectionPick, *, issued_on) -> dict[str, Any]:
    from housing.regions.models import Region

    entry = pick.registry_entry
    unit = pick.unit
    building = unit.building
    session = pick.session
    city = session.region_code[:4] + "00000000"
    city_name = Region.objects.filter(code=city).values_list("name", flat=True).first() or ""
    return {
        "applicant_name": entry.applicant_name,
        "application_number": entry.application_number,
        "session_name": session.name,
        "session_number": session.number,
        "order_number": pick.order.order_number,
        "id_number_masked": entry.id_number_masked,
        "household_size": entry.household_size,
        "project_name": entry.project_name or entry.project_code,
        "project": building.project.name,
        "building": building.name,
        "room": str(unit),
        "unit_number": unit.number,
        "layout": unit.layout or (f"{unit.rooms}室" if unit.rooms else ""),
        "floor_area": str(unit.floor_area) if unit.floor_area is not None else "",
        "picked_on": chinese_date(pick.created_at),
        "reviewed_on": chinese_date(pick.reviewed_at),
        "issuer": f"{city_name}住房保障中心",
        "issued_on": chinese_date(issued_on),
    }


def entry_notice_issue(*, pick_id: int, actor=None) -> SelectionPick:
    """Render, number, archive and announce one notice; idempotent; a failure is recorded, not raised."""
    try:
        return _issue(pick_id=pick_id, actor=actor)
    except Exception as exc:  # noqa: BLE001 — the review is committed; the notice can be retried
        logger.exception("Entry notice of pick %s could not be issued", pick_id)
        messages = getattr(exc, "messages", None) or [str(exc) or exc.__class__.__name__]
        SelectionPick.objects.filter(pk=pick_id, notice_number="").update(
            notice_error="；".join(str(m) for m in messages)[:2000]
        )
        return SelectionPick.objects.get(pk=pick_id)


@transaction.atomic
def _issue(*, pick_id: int, actor) -> SelectionPick:
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload
    from housing.documents.pdf import verify_url
    from housing.documents.services import document_issue

    pick = (
        SelectionPick.objects.select_for_update(of=("self",))
        .select_related(
            "session",
            "order",
            "registry_entry__application",
            "registry_entry__family",
            "unit__building__project",
        )
        .get(pk=pick_id)
    )
    if pick.notice_number or not pick.is_reviewed or not pick.is_active:
        return pick
    actor = actor or system_actor()
    entry = pick.registry_entry
    entry_notice_templates_ensure(region_code=pick.session.region_code[:4] + "00000000")
    context = entry_notice_context(pick, issued_on=timezone.localdate())
    title = "入住通知书"
    document, pdf = document_issue(
        template_code=TEMPLATE_CODE,
        context=context,
        title=title,
        region_code=entry.region_code,
        actor=actor,
        owner=pick,
    )
    archived = document_upload(
        actor=actor,
        upload=ContentFile(pdf, name=f"{document.number}.pdf"),
        name=f"{title}（{document.number}）",
        category=Category.NOTICE,
        stage=Stage.ALLOCATION,
        region_code=entry.region_code,
        owner_kind=OwnerKind.CASE,
        owner=entry.application,
        application_number=entry.application_number,
    )
    pick.notice_number = document.number
    pick.notice_document = document
    pick.archive_document = archived
    pick.notice_error = ""
    pick.save(
        update_fields=["notice_number", "notice_document", "archive_document", "notice_error", "updated_at"]
    )
    notify_applicant(
        family=entry.family,
        template_code=MESSAGE_CODE,
        context={**context, "number": document.number, "verify_url": verify_url(document.number)},
    )
    return pick


def entry_notice_pdf(*, pick: SelectionPick, actor) -> bytes | None:
    """The archived PDF bytes of an issued notice, checked against their SHA-256."""
    from housing.archive.services import document_open_verified

    if pick.archive_document_id is None:
        return None
    with document_open_verified(actor=actor, document=pick.archive_document) as handle:
        return handle.read()
