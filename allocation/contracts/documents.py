"""Contract PDFs (A.7.4 配给合同电子档案): one editable ``housing.documents`` template per contract kind.

After a contract is signed, ``contract_pdf_issue`` renders the active version of its kind's template
(numbered, with a QR code to the public verification page), files the PDF in the archive owned by the
contract (一事一档, 档案类型「合同」) and writes the A.7.4 row linking contract and archived document.
A failure is recorded on the contract (``pdf_error``) and can be retried from the detail page.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from housing.regions.models import Region

from .models import Contract, ContractArchive, ContractKind

logger = logging.getLogger(__name__)

_PARTIES = """<table>
  <tr><th style="width:22%">出租方/出卖方/发放方（甲方）</th><td colspan="3">{{ issuer }}</td></tr>
  <tr><th>承租人/买受人/受领人（乙方）</th><td>{{ signer_name }}</td><th>身份证号</th><td>{{ signer_id_masked }}</td></tr>
  {% if agent_name %}<tr><th>代理人</th><td>{{ agent_name }}</td><th>身份证号</th><td>{{ agent_id_masked }}</td></tr>{% endif %}
  <tr><th>申请编号</th><td>{{ application_number }}</td><th>家庭人口</th><td>{{ household_size }}人</td></tr>
</table>"""

_UNIT = """<table>
  <tr><th style="width:22%">房屋编号</th><td>{{ unit_number }}</td><th>坐落</th><td>{{ unit_address }}</td></tr>
  <tr><th>户型</th><td>{{ unit_layout }}</td><th>建筑面积</th><td>{{ unit_area }}平方米</td></tr>
</table>"""

_SIGN = """<p>本合同一式三份，甲乙双方各执一份，住房保障部门存档一份，自{{ effective_on }}起生效。</p>
<table>
  <tr><th style="width:22%">甲方（盖章）</th><td>{{ issuer }}</td><th>乙方（签字）</th><td>{{ signer_name }}</td></tr>
  <tr><th>签署日期</th><td>{{ signed_on }}</td><th>签署日期</th><td>{{ signed_on }}</td></tr>
</table>"""

RENTAL_BODY = (
    """<p style="text-align:center">合同编号：{{ contract_number }}</p>
<p>根据住房保障有关规定，经审核登记及配租，甲乙双方就乙方承租{{ housing_name }}事宜订立本合同。</p>"""
    + _PARTIES
    + """<p>第一条　租赁房屋</p>"""
    + _UNIT
    + """<p>第二条　租赁期限：自{{ effective_on }}至{{ expires_on }}，共{{ term_months }}个月。\
{% if is_auto_renew %}期满前乙方仍符合保障条件的，本合同自动续签。{% else %}期满需继续承租的，乙方应于期满前三个月提出续租申请。{% endif %}</p>
<p>第三条　租金：市场月租金{{ market_rent }}元，租金系数{{ rent_factor }}，乙方每月应缴租金人民币{{ monthly_rent }}元\
（{{ monthly_rent_upper }}），于每月5日前缴纳。租金按{{ ruleset_name }}（第{{ ruleset_version }}版）计算。</p>
<p>第四条　乙方应按约定用途自住，不得转租、转借、闲置或改变用途；家庭人口、收入、住房等情况发生变化的，应及时申报。</p>
<p>第五条　乙方有违反前条约定或不再符合保障条件情形的，甲方可以解除合同，收回房屋。</p>"""
    + _SIGN
)

SALE_BODY = (
    """<p style="text-align:center">合同编号：{{ contract_number }}</p>
<p>根据住房保障有关规定，经审核登记及配售，甲乙双方就乙方购买{{ housing_name }}事宜订立本合同。</p>"""
    + _PARTIES
    + """<p>第一条　房屋</p>"""
    + _UNIT
    + """<p>第二条　价款：售价标准每平方米{{ unit_price }}元，{% if is_shared %}乙方产权份额{{ ownership_share }}%，\
政府产权份额{{ public_share }}%，{% endif %}乙方应付房屋价款人民币{{ price }}元（{{ price_upper }}）。</p>
<p>第三条　乙方购买的房屋为保障性住房，{% if is_shared %}转让、上市须按共有产权住房管理规定办理，政府享有优先购买权。\
{% else %}取得不动产权证满5年方可按规定上市交易，并按规定缴纳土地收益等价款。{% endif %}</p>
<p>第四条　乙方应在本合同生效后按约定付清价款，办理不动产登记。</p>"""
    + _SIGN
)

SUBSIDY_BODY = (
    """<p style="text-align:center">协议编号：{{ contract_number }}</p>
<p>根据住房保障有关规定，经审核登记，甲方向乙方发放住房租赁补贴，双方订立本协议。</p>"""
    + _PARTIES
    + """<table>
  <tr><th style="width:22%">月补贴金额</th><td>{{ subsidy_amount }}元（{{ subsidy_upper }}）</td><th>发放起始时间</th><td>{{ subsidy_starts_on }}</td></tr>
  <tr><th>发放方式</th><td>{{ payment_method }}</td><th>发放周期</th><td>{{ payment_cycle }}</td></tr>
  <tr><th>开户银行</th><td>{{ bank_name }}</td><th>银行账号</th><td>{{ bank_account_masked }}</td></tr>
</table>
<p>第一条　补贴期限：自{{ effective_on }}至{{ expires_on }}，共{{ term_months }}个月。补贴金额按{{ ruleset_name }}\
（第{{ ruleset_version }}版）计算，保障标准调整的，按调整后的标准执行。</p>
<p>第二条　乙方应将补贴用于租赁住房，并按规定参加年度审核；家庭人口、收入、住房等情况发生变化的，应及时申报。</p>
<p>第三条　乙方不再符合保障条件或以不正当手段领取补贴的，甲方停止发放并追回已发放的补贴。</p>"""
    + _SIGN
)

TEMPLATES = {
    ContractKind.PUBLIC_RENTAL: ("allocation_contract_public_rental", "公共租赁住房租赁合同", RENTAL_BODY),
    ContractKind.LOW_RENT: ("allocation_contract_low_rent", "廉租住房租赁合同", RENTAL_BODY),
    ContractKind.AFFORDABLE_SALE: ("allocation_contract_affordable_sale", "经济适用住房买卖合同", SALE_BODY),
    ContractKind.SHARED_OWNERSHIP_SALE: (
        "allocation_contract_shared_ownership_sale",
        "共有产权住房买卖合同",
        SALE_BODY,
    ),
    ContractKind.RENT_SUBSIDY: ("allocation_contract_rent_subsidy", "住房租赁补贴协议", SUBSIDY_BODY),
}

SAMPLE = {
    "contract_number": "GZ-2026-000001",
    "housing_name": "公共租赁住房",
    "issuer": "珠海市住房保障中心",
    "signer_name": "张三",
    "signer_id_masked": "4404**********1234",
    "agent_name": "",
    "agent_id_masked": "",
    "application_number": "SQ-440402-2026-000123",
    "household_size": 3,
    "unit_number": "DEMO-440402-01-1-1001",
    "unit_address": "珠海市香洲区演示路1号1号楼1001",
    "unit_layout": "两室一厅",
    "unit_area": "65.50",
    "effective_on": "2026年1月1日",
    "expires_on": "2028年12月31日",
    "term_months": 36,
    "is_auto_renew": False,
    "market_rent": "818.75",
    "rent_factor": "0.3",
    "monthly_rent": "245.63",
    "monthly_rent_upper": "贰佰肆拾伍元陆角叁分",
    "ruleset_name": "公共租赁住房保障规则",
    "ruleset_version": 1,
    "unit_price": "9800.00",
    "is_shared": True,
    "ownership_share": "70.00",
    "public_share": "30.00",
    "price": "449400.00",
    "price_upper": "肆拾肆万玖仟肆佰元整",
    "subsidy_amount": "675.00",
    "subsidy_upper": "陆佰柒拾伍元整",
    "subsidy_starts_on": "2026年1月",
    "payment_method": "银行代发至保障对象账户",
    "payment_cycle": "按月发放",
    "bank_name": "中国工商银行珠海分行",
    "bank_account_masked": "***************1234",
    "signed_on": "2026年1月1日",
}


def chinese_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")


def rmb_upper(amount: Decimal | None) -> str:
    """人民币大写 of an amount in yuan, as printed on contracts (e.g. 贰佰肆拾伍元陆角叁分)."""
    if amount is None:
        return ""
    cents = int((Decimal(amount) * 100).quantize(Decimal("1")))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = ""
    if yuan:
        sections, section_index, need_zero = [], 0, False
        while yuan:
            yuan, part = divmod(yuan, 10000)
            words, zero = "", False
            for position in range(4):
                part, digit = divmod(part, 10)
                if digit:
                    words = _DIGITS[digit] + _UNITS[position] + ("零" if zero and words else "") + words
                    zero = False
                else:
                    zero = True
            if words:
                sections.append(words + _SECTIONS[section_index] + ("零" if need_zero and sections else ""))
            need_zero = zero or not words
            section_index += 1
        text = "".join(reversed(sections)).replace("零零", "零") + "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


def contract_templates_ensure(*, region_code: str) -> None:
    """An active first version of each contract template, if its code has no version at all (reference
    data, like admission's notices; an administrator edits them as any document template)."""
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


def _issuer(region_code: str) -> str:
    city = Region.objects.filter(code=region_code[:4] + "00000000").values_list("name", flat=True).first()
    return _("%(name)s住房保障中心") % {"name": city or ""}


def _unit_address(unit) -> str:
    building = unit.building
    project = building.project
    address = getattr(project, "address", "") or getattr(project, "name", "")
    return f"{address}{building.name}{unit.room_number}"


def contract_context(contract: Contract) -> dict[str, Any]:
    """What the contract template may print (plain data: the documents sandbox sees nothing else)."""
    entry = contract.registry_entry
    unit = contract.unit
    housing_name = {
        ContractKind.PUBLIC_RENTAL: "公共租赁住房",
        ContractKind.LOW_RENT: "廉租住房",
        ContractKind.AFFORDABLE_SALE: "经济适用住房",
        ContractKind.SHARED_OWNERSHIP_SALE: "共有产权住房",
        ContractKind.RENT_SUBSIDY: "住房租赁补贴",
    }[contract.kind]
    share = contract.ownership_share
    return {
        "contract_number": contract.number,
        "contract_kind": contract.get_kind_display(),
        "housing_name": housing_name,
        "issuer": _issuer(contract.region_code),
        "signer_name": contract.signer_name,
        "signer_id_masked": contract.signer_id_number_masked,
        "agent_name": contract.agent_name,
        "agent_id_masked": contract.agent_id_number_masked,
        "application_number": entry.application_number,
        "household_size": entry.household_size,
        "unit_number": unit.number if unit else "",
        "unit_address": _unit_address(unit) if unit else "",
        "unit_layout": unit.layout if unit else "",
        "unit_area": str(unit.floor_area) if unit else "",
        "effective_on": chinese_date(contract.effective_on),
        "expires_on": chinese_date(contract.expires_on),
        "term_months": contract.term_months,
        "is_auto_renew": contract.is_auto_renew,
        "market_rent": str(contract.market_monthly_rent or ""),
        "rent_factor": str((contract.rent_factor or Decimal("0")).normalize())
        if contract.rent_factor is not None
        else "",
        "monthly_rent": str(contract.monthly_rent or ""),
        "monthly_rent_upper": rmb_upper(contract.monthly_rent),
        "ruleset_name": contract.ruleset_name or "保障规则",
        "ruleset_version": contract.ruleset_version or "",
        "unit_price": str(contract.unit_price or ""),
        "is_shared": contract.kind == ContractKind.SHARED_OWNERSHIP_SALE,
        "ownership_share": str(share or ""),
        "public_share": str(Decimal("100") - share) if share is not None else "",
        "price": str(contract.price or ""),
        "price_upper": rmb_upper(contract.price),
        "subsidy_amount": str(contract.subsidy_amount or ""),
        "subsidy_upper": rmb_upper(contract.subsidy_amount),
        "subsidy_starts_on": (
            f"{contract.subsidy_starts_on.year}年{contract.subsidy_starts_on.month}月"
            if contract.subsidy_starts_on
            else ""
        ),
        "payment_method": contract.get_subsidy_payment_method_display(),
        "payment_cycle": contract.get_payment_cycle_display(),
        "bank_name": contract.bank_name,
        "bank_account_masked": contract.bank_account_masked,
        "signed_on": chinese_date(contract.signed_on),
    }


def contract_pdf_issue(*, contract_id: int, actor=None) -> Contract:
    """Render, number and archive the signed contract's PDF; idempotent. Never raises: a failure is kept."""
    try:
        return _contract_pdf_issue(contract_id=contract_id, actor=actor)
    except Exception as exc:  # noqa: BLE001 — the signing is committed; the PDF can be retried
        logger.exception("Contract %s PDF could not be issued", contract_id)
        messages = getattr(exc, "messages", None) or [str(exc) or exc.__class__.__name__]
        Contract.objects.filter(pk=contract_id, issued_document__isnull=True).update(
            pdf_error="；".join(str(m) for m in messages)[:2000]
        )
        return Contract.objects.get(pk=contract_id)


@transaction.atomic
def _contract_pdf_issue(*, contract_id: int, actor) -> Contract:
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload
    from housing.documents.services import document_issue

    contract = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("registry_entry__family", "unit__building__project")
        .get(pk=contract_id)
    )
    if contract.issued_document_id or not contract.number:
        return contract
    actor = actor if actor is not None and actor.is_staff else system_actor()
    contract_templates_ensure(region_code=contract.region_code[:4] + "00000000")
    code, title, _body = TEMPLATES[contract.kind]
    document, pdf = document_issue(
        template_code=code,
        context=contract_context(contract),
        title=title,
        region_code=contract.region_code,
        actor=actor,
        owner=contract,
    )
    entry = contract.registry_entry
    archive_name = f"{title}（{contract.number}）"
    archived = document_upload(
        actor=actor,
        upload=ContentFile(pdf, name=f"{contract.number}.pdf"),
        name=archive_name,
        category=Category.CONTRACT,
        stage=Stage.CONTRACT,
        region_code=contract.region_code,
        owner_kind=OwnerKind.CASE,
        owner=contract,
        application_number=entry.application_number,
    )
    ContractArchive.objects.create(
        region_code=contract.region_code,
        archive_number=archived.archive_number,
        contract=contract,
        application_number=entry.application_number,
        name=archive_name,
        description=_("%(kind)s签署文本，文书编号 %(doc)s，签署日期 %(day)s，SHA-256 %(sha)s。")
        % {
            "kind": title,
            "doc": document.number,
            "day": chinese_date(contract.signed_on),
            "sha": archived.sha256,
        },
        document=archived,
        created_by=actor,
        updated_by=actor,
    )
    contract.issued_document = document
    contract.pdf_error = ""
    contract.save(update_fields=["issued_document", "pdf_error", "updated_at"])
    _notify_signed(contract, document.number)
    return contract


# (code, channel, name, subject, body) — administrators may reword them (sync keeps their edits).
MESSAGE_TEMPLATES = tuple(
    (
        "allocation.contract_signed",
        channel,
        "合同签订通知",
        "【合同签订】{{ number }}",
        "{{ name }}，您好！您家庭的{{ kind }}（编号 {{ number }}）已于{{ signed_on }}签订，"
        "自{{ effective_on }}起生效。合同文本可登录住房保障服务平台“我的合同”下载，或在 {{ verify_url }} 核验。",
    )
    for channel in ("sms", "site")
)


def contract_message_templates_sync() -> list:
    """The SMS / 站内信 wording of the signing notice; idempotent (an administrator's edits are kept)."""
    from housing.notify.models import MessageTemplate

    for code, channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )
    return []


def _notify_signed(contract: Contract, document_number: str) -> None:
    """SMS to the family's phone, and a 站内信 when the applicant has a portal account."""
    from admission.registry.notices import notify_applicant
    from housing.documents.pdf import verify_url

    contract_message_templates_sync()
    notify_applicant(
        family=contract.registry_entry.family,
        template_code="allocation.contract_signed",
        context={
            "kind": contract.get_kind_display(),
            "number": contract.number,
            "signed_on": chinese_date(contract.signed_on),
            "effective_on": chinese_date(contract.effective_on),
            "verify_url": verify_url(document_number),
        },
    )
