"""回购通知书 / 准予上市通知书: rendered from an editable ``housing.documents`` template after the decision
commits, with the computed figures and the formula, filed in the archive (一事一档, 档案类型「通知书」);
then an SMS (and a 站内信) to the family. A failure is kept on the request and can be retried."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..contracts.documents import _issuer, _unit_address, chinese_date, rmb_upper
from .models import Resale, ResaleState

logger = logging.getLogger(__name__)

BUY_BACK_CODE = "allocation_resale_buy_back"
APPROVED_CODE = "allocation_resale_approved"

_HEAD = """<p style="text-align:center">编号：{{ number }}</p>
<p>{{ applicant_name }}（申请编号 {{ application_number }}）：</p>
<p>您于{{ requested_on }}提出的经济适用住房再上市申请（房屋编号 {{ unit_number }}，坐落 {{ unit_address }}，
产权证号 {{ certificate_number }}），经审核，{{ decision_text }}</p>
<table>
  <tr><th style="width:30%">原购房价款</th><td>{{ original_price }}元（购房合同 {{ contract_number }}）</td></tr>
  <tr><th>购房取得日期</th><td>{{ purchased_on }}（房屋所有权证日期与契税完税凭证日期中较早者）</td></tr>
  <tr><th>满{{ lock_years }}年日期</th><td>{{ lock_ends_on }}</td></tr>
</table>"""

BUY_BACK_BODY = (
    _HEAD
    + """<p>回购价格计算如下：</p>
<table>
  <tr><th style="width:30%">持有时间</th><td>{{ months_held }}个月（{{ years_held }}）</td></tr>
  <tr><th>年折旧率</th><td>{{ depreciation_rate }}</td></tr>
  <tr><th>成新率</th><td>1 − {{ depreciation_rate }} × {{ months_held }} ÷ 12 = {{ condition_factor }}（不低于{{ depreciation_floor }}）</td></tr>
  <tr><th>价格指数</th><td>申请时 {{ index_at_request }} ÷ 购房时 {{ index_at_purchase }}</td></tr>
  <tr><th>计算公式</th><td>回购价格 = 原购房价款 × 成新率 × 申请时价格指数 ÷ 购房时价格指数</td></tr>
  <tr><th>回购价格</th><td>{{ buy_back_price }}元（{{ buy_back_upper }}）</td></tr>
</table>
<p>请于接到本通知之日起30日内持房屋所有权证、契税完税凭证和身份证件到住房保障部门办理回购手续。</p>
<p style="text-align:right">{{ issuer }}<br>{{ decided_on }}</p>"""
)

APPROVED_BODY = (
    _HEAD
    + """<p>土地收益等价款计算如下：</p>
<table>
  <tr><th style="width:30%">指导价格</th><td>{{ guide_price }}元</td></tr>
  <tr><th>缴纳比例</th><td>{{ land_revenue_share }}</td></tr>
  <tr><th>计算公式</th><td>土地收益等价款 = （成交参考价 − 原购房价款）× 缴纳比例，差额为负时按0计</td></tr>
  <tr><th>土地收益等价款</th><td>（{{ market_price }} − {{ original_price }}）× {{ land_revenue_share }} = {{ land_revenue }}元（{{ land_revenue_upper }}）</td></tr>
</table>
<p>成交参考价暂按指导价格计；签订买卖合同后，按签约金额与指导价格中较高者重新核定。请在办理转移登记前缴纳土地收益等价款。
政府放弃优先回购权。</p>
<p style="text-align:right">{{ issuer }}<br>{{ decided_on }}</p>"""
)

TEMPLATES = {
    ResaleState.BUY_BACK: (BUY_BACK_CODE, "经济适用住房回购通知书", BUY_BACK_BODY),
    ResaleState.APPROVED: (APPROVED_CODE, "经济适用住房准予上市通知书", APPROVED_BODY),
}

SAMPLE = {
    "number": "ZS-2026-000001",
    "applicant_name": "吴经适",
    "application_number": "SQ-440402-2026-000123",
    "requested_on": "2026年3月1日",
    "decided_on": "2026年3月10日",
    "decision_text": "由政府回购。",
    "unit_number": "DEMO-HT-440402-1-101",
    "unit_address": "珠海市香洲区演示路1号1号楼101",
    "certificate_number": "粤(2021)珠海市不动产权第0001234号",
    "contract_number": "JS-2021-000001",
    "original_price": "588000.00",
    "purchased_on": "2021年1月1日",
    "lock_years": 5,
    "lock_ends_on": "2026年1月1日",
    "months_held": 40,
    "years_held": "3年4个月",
    "depreciation_rate": "0.0200",
    "depreciation_floor": "0.6000",
    "condition_factor": "0.9333",
    "index_at_purchase": "100.0000",
    "index_at_request": "103.7000",
    "buy_back_price": "569105.60",
    "buy_back_upper": "伍拾陆万玖仟壹佰零伍元陆角",
    "guide_price": "900000.00",
    "land_revenue_share": "0.5000",
    "market_price": "900000.00",
    "land_revenue": "156000.00",
    "land_revenue_upper": "壹拾伍万陆仟元整",
    "issuer": "珠海市住房保障中心",
}


def notice_templates_ensure(*, region_code: str) -> None:
    """An active first version of each notice template when its code has none (an administrator edits
    them as any document template)."""
    from housing.documents.models import DocumentTemplate
    from housing.documents.services import document_template_create

    for code, name, body in TEMPLATES.values():
        if DocumentTemplate.objects.filter(code=code).exists():
            continue
        template = document_template_create(
            code=code, name=name, body=body, region_code=region_code, sample_context=SAMPLE, actor=None
        )
        template.activate()
        template.save()


def _figure(value, places: str = "0.0001") -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return "" if value is None else str(Decimal(value).quantize(Decimal(places), ROUND_HALF_UP))


def notice_context(resale: Resale) -> dict[str, Any]:
    """What a notice may print (plain data): every factor of the formula beside the result."""
    entry = resale.registry_entry
    factor = None
    if resale.months_held is not None and resale.depreciation_rate is not None:
        factor = max(1 - resale.depreciation_rate * resale.months_held / 12, resale.depreciation_floor or 0)
    decision_text = (
        _("由政府回购（政府行使优先回购权）。") if resale.is_preemption else _("由政府回购。")
    ) if resale.state in (ResaleState.BUY_BACK, ResaleState.BOUGHT_BACK) else _("准予上市交易。")  # fmt: skip
    return {
        "number": resale.number,
        "applicant_name": entry.applicant_name,
        "application_number": entry.application_number,
        "requested_on": chinese_date(resale.requested_on),
        "decided_on": chinese_date(resale.decided_at.date() if resale.decided_at else None),
        "decision_text": decision_text + (resale.decision_opinion or ""),
        "unit_number": resale.unit.number,
        "unit_address": _unit_address(resale.unit),
        "certificate_number": resale.certificate_number,
        "contract_number": resale.contract.number,
        "original_price": str(resale.original_price),
        "purchased_on": chinese_date(resale.purchased_on),
        "lock_years": resale.lock_years,
        "lock_ends_on": chinese_date(resale.lock_ends_on),
        "months_held": resale.months_held if resale.months_held is not None else "",
        "years_held": resale.years_held_text,
        "depreciation_rate": _figure(resale.depreciation_rate),
        "depreciation_floor": _figure(resale.depreciation_floor),
        "condition_factor": _figure(factor),
        "index_at_purchase": _figure(resale.index_at_purchase),
        "index_at_request": _figure(resale.index_at_request),
        "buy_back_price": str(resale.buy_back_price or ""),
        "buy_back_upper": rmb_upper(resale.buy_back_price),
        "guide_price": str(resale.guide_price or ""),
        "land_revenue_share": _figure(resale.land_revenue_share),
        "market_price": str(resale.market_price or ""),
        "land_revenue": str(resale.land_revenue if resale.land_revenue is not None else ""),
        "land_revenue_upper": rmb_upper(resale.land_revenue),
        "issuer": _issuer(resale.region_code),
    }


def resale_notice_issue(*, resale_id: int, actor=None) -> Resale:
    """Render, number and archive the decision's notice, then notify; idempotent. Never raises."""
    try:
        return _resale_notice_issue(resale_id=resale_id, actor=actor)
    except Exception as exc:  # noqa: BLE001 — the decision is committed; the notice can be retried
        logger.exception("Resale %s notice could not be issued", resale_id)
        messages = getattr(exc, "messages", None) or [str(exc) or exc.__class__.__name__]
        Resale.objects.filter(pk=resale_id, issued_document__isnull=True).update(
            pdf_error="；".join(str(m) for m in messages)[:2000]
        )
        return Resale.objects.get(pk=resale_id)


@transaction.atomic
def _resale_notice_issue(*, resale_id: int, actor) -> Resale:
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload
    from housing.documents.services import document_issue

    resale = (
        Resale.objects.select_for_update(of=("self",))
        .select_related("registry_entry__family", "unit__building__project", "contract")
        .get(pk=resale_id)
    )
    state = {ResaleState.BOUGHT_BACK: ResaleState.BUY_BACK, ResaleState.SOLD: ResaleState.APPROVED}.get(
        resale.state, resale.state
    )
    if resale.issued_document_id or state not in TEMPLATES:
        return resale
    actor = actor if actor is not None and actor.is_staff else system_actor()
    notice_templates_ensure(region_code=resale.region_code[:4] + "00000000")
    code, title, _body = TEMPLATES[state]
    document, pdf = document_issue(
        template_code=code, context=notice_context(resale), title=title, region_code=resale.region_code,
        actor=actor, owner=resale,
    )  # fmt: skip
    archived = document_upload(
        actor=actor,
        upload=ContentFile(pdf, name=f"{resale.number}.pdf"),
        name=f"{title}（{resale.number}）",
        category=Category.NOTICE,
        stage=Stage.POST_ALLOCATION,
        region_code=resale.region_code,
        owner_kind=OwnerKind.CASE,
        owner=resale,
        application_number=resale.registry_entry.application_number,
    )
    resale.issued_document = document
    resale.notice_document = archived
    resale.pdf_error = ""
    resale.save(update_fields=["issued_document", "notice_document", "pdf_error", "updated_at"])
    _notify(resale, title)
    return resale


MESSAGE_TEMPLATES = tuple(
    (
        "allocation.resale_decided",
        channel,
        "经适房再上市审批结果",
        "【再上市】{{ number }}",
        "{{ name }}，您好！您的经济适用住房再上市申请（编号 {{ number }}）已审批：{{ decision }}"
        "{{ amount_text }}《{{ title }}》可到住房保障部门领取。",
    )
    for channel in ("sms", "site")
)


def resale_message_templates_sync() -> list:
    """The SMS / 站内信 wording of the decision; idempotent (an administrator's edits are kept)."""
    from housing.notify.models import MessageTemplate

    for code, channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )
    return []


def _notify(resale: Resale, title: str) -> None:
    from admission.registry.notices import notify_applicant

    resale_message_templates_sync()
    if resale.state in (ResaleState.BUY_BACK, ResaleState.BOUGHT_BACK):
        amount_text = _("回购价格 %(a)s 元。") % {"a": resale.buy_back_price}
    else:
        amount_text = _("应缴土地收益等价款 %(a)s 元。") % {"a": resale.land_revenue}
    notify_applicant(
        family=resale.registry_entry.family,
        template_code="allocation.resale_decided",
        context={"number": resale.number, "decision": resale.get_state_display() + "。",
                 "amount_text": amount_text, "title": title},
    )  # fmt: skip
