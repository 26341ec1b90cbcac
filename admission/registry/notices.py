"""准予登记通知书 and 不予登记通知书 (issue 4 part 9): numbered, verifiable PDFs from editable templates.

The decision (``registry_on_decision``) writes a ``DecisionNotice`` row in its own transaction; after
commit a Celery task renders the PDF from the active version of the notice's document template
(``housing.documents``: number, QR code to /documents/verify/<number>/), files it in the case's archive
(电子档案, 一事一档) and tells the applicant by SMS (and 站内信 when they have a portal account). A failed
rendering leaves the row “出具失败” with the reason; anyone who may review at that level can retry.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.regions.models import Region

from ..models import Application, ApplicationState, RefusalReason, ReviewLevel
from .models import DecisionNotice, DecisionNoticeKind, DecisionNoticeStatus

logger = logging.getLogger(__name__)

REGISTERED_TEMPLATE = "admission_registered_notice"
REFUSED_TEMPLATE = "admission_refused_notice"
TEMPLATE_OF = {
    DecisionNoticeKind.REGISTERED: REGISTERED_TEMPLATE,
    DecisionNoticeKind.REFUSED: REFUSED_TEMPLATE,
}
DEFAULT_APPEAL_DAYS = 5


def appeal_days() -> int:
    """复核申请期限 in calendar days after the refusal notice (setting ``ADMISSION_APPEAL_DAYS``, default 5)."""
    return int(getattr(settings, "ADMISSION_APPEAL_DAYS", DEFAULT_APPEAL_DAYS))


def appeal_deadline(notice: DecisionNotice) -> datetime.date:
    """The last day an appeal is accepted: the notice's date (its decision's, if not yet issued) + the period."""
    start = notice.issued_at or notice.decision_at
    return timezone.localtime(start).date() + datetime.timedelta(days=appeal_days())


def chinese_date(day: datetime.date | datetime.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


# --- templates (reference data) -----------------------------------------------------------------------

REGISTERED_BODY = """<p>{{ applicant_name }}：</p>
<p>您家庭于{{ applied_on }}提交的{{ project_name }}（{{ mode_name }}）申请（申请编号：{{ receipt_number }}），\
经街道审核、区级审核、市级审核并公示无异议，符合保障条件，准予登记，已记入住房保障对象登记簿。</p>
<table>
  <tr><th>申请人</th><td>{{ applicant_name }}</td><th>证件号码</th><td>{{ id_number_masked }}</td></tr>
  <tr><th>家庭人口</th><td>{{ household_size }}人</td><th>登记日期</th><td>{{ registered_on }}</td></tr>
  <tr><th>保障项目</th><td>{{ project_name }}</td><th>保障方式</th><td>{{ mode_name }}</td></tr>
  {% if waitlist_number %}<tr><th>轮候编号</th><td colspan="3">{{ waitlist_number }}</td></tr>{% endif %}
</table>
<p>{% if waitlist_number %}您家庭已进入轮候，请留意配租、配售通知。{% else %}请按通知办理保障待遇的后续手续。{% endif %}\
家庭人口、收入、住房、资产等情况发生变化的，请及时向所在街道申报。</p>
<p style="text-align:right">{{ issuer }}<br>{{ issued_on }}</p>"""

REFUSED_BODY = """<p>{{ applicant_name }}：</p>
<p>您家庭于{{ applied_on }}提交的{{ project_name }}（{{ mode_name }}）申请（申请编号：{{ receipt_number }}），\
经{{ level_name }}审核，不符合保障条件，决定不予登记。</p>
<table>
  <tr><th style="width:30%">不予登记原因</th><td>{{ reason }}（代码：{{ reason_code }}）</td></tr>
  <tr><th>具体说明</th><td>{{ reason_text|linebreaksbr }}</td></tr>
</table>
<p>如对本决定有异议，可自收到本通知书之日起{{ appeal_days }}日内（即{{ appeal_deadline }}前，含当日），\
持本通知书向{{ issuer }}提出书面复核申请。逾期未提出的，视为无异议。</p>
<p style="text-align:right">{{ issuer }}<br>{{ issued_on }}</p>"""

SAMPLE = {
    "applicant_name": "张三",
    "applied_on": "2026年3月1日",
    "project_name": "公共租赁住房",
    "mode_name": "实物配租",
    "receipt_number": "SQ-440402-2026-000123",
    "id_number_masked": "4404**********1234",
    "household_size": 3,
    "registered_on": "2026年5月20日",
    "waitlist_number": "LH-440400-2026-000001",
    "level_name": "区级",
    "reason": "家庭收入超过标准",
    "reason_code": "income_over_limit",
    "reason_text": "经核查，家庭人均月收入超过本市公共租赁住房准入标准。",
    "appeal_days": DEFAULT_APPEAL_DAYS,
    "appeal_deadline": "2026年5月25日",
    "issuer": "珠海市住房保障中心",
    "issued_on": "2026年5月20日",
}

DOCUMENT_TEMPLATES = (
    (REGISTERED_TEMPLATE, "准予登记通知书", REGISTERED_BODY),
    (REFUSED_TEMPLATE, "不予登记通知书", REFUSED_BODY),
)

# (code, channel, name, subject, body) — administrators may reword them (sync keeps their edits).
MESSAGE_TEMPLATES = (
    (
        "admission.notice_registered",
        "site",
        "准予登记通知",
        "【准予登记】{{ receipt_number }}",
        "{{ name }}，您好！您家庭的{{ project_name }}申请（{{ receipt_number }}）已准予登记"
        "{% if waitlist_number %}，轮候编号 {{ waitlist_number }}{% endif %}。"
        "《准予登记通知书》编号 {{ number }}，可在 {{ verify_url }} 核验。",
    ),
    (
        "admission.notice_registered",
        "sms",
        "准予登记通知（短信）",
        "",
        "【住房保障】{{ name }}，您家庭的{{ project_name }}申请（{{ receipt_number }}）已准予登记，"
        "通知书编号{{ number }}。",
    ),
    (
        "admission.notice_refused",
        "site",
        "不予登记通知",
        "【不予登记】{{ receipt_number }}",
        "{{ name }}，您好！您家庭的{{ project_name }}申请（{{ receipt_number }}）经审核不予登记，"
        "原因：{{ reason }}。如有异议，可自收到通知书之日起{{ appeal_days }}日内（{{ appeal_deadline }}前，含当日）"
        "申请复核。《不予登记通知书》编号 {{ number }}。",
    ),
    (
        "admission.notice_refused",
        "sms",
        "不予登记通知（短信）",
        "",
        "【住房保障】{{ name }}，您家庭的申请（{{ receipt_number }}）不予登记，原因：{{ reason }}。"
        "如有异议请于{{ appeal_deadline }}（含当日）前申请复核。通知书编号{{ number }}。",
    ),
    (
        "admission.appeal_decided",
        "site",
        "复核结果通知",
        "【复核结果】{{ appeal_number }}",
        "{{ name }}，您好！您就申请 {{ receipt_number }} 提出的复核申请（{{ appeal_number }}）已办结："
        "{{ decision }}。复核意见：{{ opinion }}",
    ),
    (
        "admission.appeal_decided",
        "sms",
        "复核结果通知（短信）",
        "",
        "【住房保障】{{ name }}，您的复核申请（{{ appeal_number }}）已办结：{{ decision }}。",
    ),
)


def notice_message_templates_sync() -> list:
    """The SMS / 站内信 wordings of this part; idempotent (an administrator's edits are kept)."""
    from housing.notify.models import MessageTemplate

    for code, channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )
    return []


def notice_templates_ensure(*, region_code: str) -> None:
    """An active first version of each notice template, if the code has no version at all.

    Like ``housing.documents``' demo templates: reference data, activated without a workflow record.
    An administrator edits them as any document template (copy → edit the draft → 启用); a code whose
    versions were all retired stays retired — then issuing fails with the documents' own message.
    """
    from housing.documents.models import DocumentTemplate
    from housing.documents.services import document_template_create

    for code, name, body in DOCUMENT_TEMPLATES:
        if DocumentTemplate.objects.filter(code=code).exists():
            continue
        template = document_template_create(
            code=code, name=name, body=body, region_code=region_code, sample_context=SAMPLE, actor=None
        )
        template.activate()
        template.save()


def notice_templates_seed_demo() -> list:
    """Demo: both notice templates under the demo city and the message wordings; idempotent."""
    from housing.regions.codes import Level

    city = Region.objects.filter(level=Level.CITY).order_by("code").first()
    if city is not None:
        notice_templates_ensure(region_code=city.code)
    notice_message_templates_sync()
    return []


# --- the decision's notice ------------------------------------------------------------------------------


def notice_prepare(*, application: Application, actor, level: str | None) -> DecisionNotice:
    """The notice row of this decision (once per decision); the PDF is rendered after commit."""
    kind = (
        DecisionNoticeKind.REGISTERED
        if application.state == ApplicationState.REGISTERED
        else DecisionNoticeKind.REFUSED
    )
    decision_at = application.decided_at or timezone.now()
    notice, created = DecisionNotice.objects.get_or_create(
        application=application,
        kind=kind,
        decision_at=decision_at,
        defaults={
            "region_code": application.region_code,
            "level": level or ReviewLevel.CITY,
            "decided_by": actor,
            "refusal_reason": application.refusal_reason if kind == DecisionNoticeKind.REFUSED else "",
            "refusal_text": application.refusal_text if kind == DecisionNoticeKind.REFUSED else "",
        },
    )
    if created:
        notice_id, actor_id = notice.pk, getattr(actor, "pk", None)
        transaction.on_commit(lambda: _queue_issue(notice_id, actor_id))
    return notice


def _queue_issue(notice_id: int, actor_id: int | None) -> None:
    from .tasks import issue_decision_notice

    issue_decision_notice.delay(notice_id, actor_id)


def _issuer_codes(region_code: str) -> dict[str, str]:
    return {
        ReviewLevel.STREET: region_code[:9] + "000",
        ReviewLevel.DISTRICT: region_code[:6] + "000000",
        ReviewLevel.CITY: region_code[:4] + "00000000",
    }


def _issuer(level: str, region_code: str, names: dict[str, str]) -> str:
    code = _issuer_codes(region_code)[level]
    name = names.get(code, "")
    if level == ReviewLevel.STREET:
        return _("%(name)s办事处") % {"name": name} if name else _("街道办事处")
    if level == ReviewLevel.DISTRICT:
        return _("%(name)s住房保障主管部门") % {"name": name}
    return _("%(name)s住房保障中心") % {"name": name}


def notice_context(notice: DecisionNotice, *, issued_on: datetime.date) -> dict[str, Any]:
    """What the notice template may print (plain data: the documents sandbox sees nothing else)."""
    from .services import project_and_mode

    application = notice.application
    family = application.family
    project, mode = project_and_mode(
        project_code=application.project_code,
        mode_code=application.mode_code,
        region_code=application.region_code,
    )
    codes = _issuer_codes(application.region_code)
    names = dict(Region.objects.filter(code__in=codes.values()).values_list("code", "name"))
    level = notice.level if notice.kind == DecisionNoticeKind.REFUSED else ReviewLevel.CITY
    entry = (
        getattr(application, "registry_entry", None) if notice.kind == DecisionNoticeKind.REGISTERED else None
    )
    waitlist = getattr(entry, "waitlist_entry", None) if entry is not None else None
    deadline = issued_on + datetime.timedelta(days=appeal_days())
    return {
        "applicant_name": family.applicant_name,
        "id_number_masked": family.id_number_masked,
        "household_size": family.household_size,
        "receipt_number": application.receipt_number,
        "applied_on": chinese_date(application.submitted_at or application.created_at),
        "project_name": project.name if project else application.project_code,
        "mode_name": (mode.name or mode.get_kind_display()) if mode else application.mode_code,
        "registered_on": chinese_date(notice.decision_at),
        "waitlist_number": waitlist.waitlist_number if waitlist else "",
        "level_name": ReviewLevel(notice.level).label if notice.level else "",
        "reason": RefusalReason(notice.refusal_reason).label if notice.refusal_reason else "",
        "reason_code": notice.refusal_reason,
        "reason_text": notice.refusal_text,
        "appeal_days": appeal_days(),
        "appeal_deadline": chinese_date(deadline),
        "issuer": _issuer(level, application.region_code, names),
        "issued_on": chinese_date(issued_on),
    }


def notice_issue(*, notice_id: int, actor=None) -> DecisionNotice:
    """Render, number, archive and announce one notice; idempotent. Never raises: a failure is recorded."""
    try:
        return _notice_issue(notice_id=notice_id, actor=actor)
    except Exception as exc:  # noqa: BLE001 — the decision is committed; the notice can be retried
        logger.exception("Decision notice %s could not be issued", notice_id)
        messages = getattr(exc, "messages", None) or [str(exc) or exc.__class__.__name__]
        DecisionNotice.objects.filter(pk=notice_id).exclude(issue_status=DecisionNoticeStatus.ISSUED).update(
            issue_status=DecisionNoticeStatus.FAILED, error="；".join(str(m) for m in messages)[:2000]
        )
        return DecisionNotice.objects.get(pk=notice_id)


@transaction.atomic
def _notice_issue(*, notice_id: int, actor) -> DecisionNotice:
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload
    from housing.documents.services import document_issue

    notice = (
        DecisionNotice.objects.select_for_update().select_related("application__family").get(pk=notice_id)
    )
    if notice.is_issued:
        return notice
    actor = actor or system_actor()
    application = notice.application
    notice_templates_ensure(region_code=application.region_code[:4] + "00000000")
    context = notice_context(notice, issued_on=timezone.localdate())
    title = notice.get_kind_display()
    document, pdf = document_issue(
        template_code=TEMPLATE_OF[notice.kind],
        context=context,
        title=title,
        region_code=notice.region_code,
        actor=actor,
        owner=notice,
    )
    stage = {
        ReviewLevel.STREET: Stage.STREET_REVIEW,
        ReviewLevel.DISTRICT: Stage.DISTRICT_REVIEW,
        ReviewLevel.CITY: Stage.CITY_REVIEW,
    }.get(notice.level, Stage.CITY_REVIEW)
    archived = document_upload(
        actor=actor,
        upload=ContentFile(pdf, name=f"{document.number}.pdf"),
        name=f"{title}（{document.number}）",
        category=Category.NOTICE,
        stage=stage,
        region_code=application.region_code,
        owner_kind=OwnerKind.CASE,
        owner=application,
        application_number=application.receipt_number,
    )
    notice.number = document.number
    notice.issued_at = document.issued_at
    notice.document = document
    notice.archive_document = archived
    notice.issue_status = DecisionNoticeStatus.ISSUED
    notice.error = ""
    notice.full_clean()
    notice.save()
    _notify_applicant(notice, context)
    return notice


def applicant_account(family):
    """The family's portal account (same ID number), if the applicant has one."""
    from housing.accounts.models import User, UserKind

    if not family.id_number_digest:
        return None
    return User.objects.filter(
        kind=UserKind.APPLICANT, id_number_digest=family.id_number_digest, is_active=True
    ).first()


def notify_applicant(*, family, template_code: str, context: dict[str, Any]) -> list:
    """SMS to the family's phone, and a 站内信 when the applicant has a portal account."""
    from housing.notify.services import notify_send

    notice_message_templates_sync()
    context = {"name": family.applicant_name, **context}
    sent = notify_send(template_code=template_code, address=family.phone, context=context, channels=("sms",))
    account = applicant_account(family)
    if account is not None:
        sent += notify_send(
            template_code=template_code, recipient=account, context=context, channels=("site",)
        )
    return sent


def _notify_applicant(notice: DecisionNotice, context: dict[str, Any]) -> None:
    from housing.documents.pdf import verify_url

    template_code = (
        "admission.notice_registered"
        if notice.kind == DecisionNoticeKind.REGISTERED
        else "admission.notice_refused"
    )
    notify_applicant(
        family=notice.application.family,
        template_code=template_code,
        context={**context, "number": notice.number, "verify_url": verify_url(notice.number)},
    )
    notice.notified_at = timezone.now()
    notice.save(update_fields=["notified_at"])
