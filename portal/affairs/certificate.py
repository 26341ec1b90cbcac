"""住房保障资格证明: the PDF a registered family downloads from 我的办事.

Made with the documents machinery like the decision notices (``admission.registry.notices``): an editable
document template (code ``admission_qualification_certificate``, 系统管理 → 文书模板), a gap-free
verifiable number with a QR code to /documents/verify/<number>/, Noto Sans CJK SC. It is issued once per
registry entry, on the first download; the PDF is filed in the case's archive (一事一档, SHA-256) and every
later download serves that same file after re-checking its digest, so the number never changes.

The content comes from the registry entry (登记簿), the official snapshot taken at registration.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

CERTIFICATE_TEMPLATE = "admission_qualification_certificate"
CERTIFICATE_NAME = "住房保障资格证明"

CERTIFICATE_BODY = """<p>兹证明：</p>
<p>{{ applicant_name }}（证件号码 {{ id_number_masked }}）家庭于{{ applied_on }}申请{{ project_name }}（{{ mode_name }}），\
经街道审核、区级审核、市级审核并公示，于{{ registered_on }}准予登记，已记入住房保障对象登记簿，具备住房保障资格。</p>
<table>
  <tr><th style="width:25%">申请编号</th><td>{{ receipt_number }}</td><th style="width:20%">家庭人口</th><td>{{ household_size }}人</td></tr>
  <tr><th>保障项目</th><td>{{ project_name }}</td><th>保障方式</th><td>{{ mode_name }}</td></tr>
  <tr><th>登记日期</th><td>{{ registered_on }}</td><th>保障状态</th><td>{{ status }}</td></tr>
  {% if waitlist_number %}<tr><th>轮候编号</th><td colspan="3">{{ waitlist_number }}</td></tr>{% endif %}
</table>
<p>本证明反映出具之日的登记情况。家庭人口、收入、住房、资产等情况发生变化或退出保障的，以登记簿的记录为准。\
可扫描二维码或访问页脚地址核验本证明编号。</p>
<p style="text-align:right">{{ issuer }}<br>{{ issued_on }}</p>"""

SAMPLE = {
    "applicant_name": "张三",
    "id_number_masked": "4404**********1234",
    "applied_on": "2026年3月1日",
    "project_name": "公共租赁住房",
    "mode_name": "实物配租",
    "registered_on": "2026年5月20日",
    "receipt_number": "SQ-440402-2026-000123",
    "household_size": 3,
    "status": "轮候中",
    "waitlist_number": "LH-440400-2026-000001",
    "issuer": "珠海市住房保障中心",
    "issued_on": "2026年5月21日",
}


def certificate_template_ensure(*, region_code: str) -> None:
    """An active first version of the certificate template if the code has none (reference data, like the
    notices' templates). An administrator edits it as any document template; if every version was retired,
    issuing fails with the documents' own message."""
    from housing.documents.models import DocumentTemplate
    from housing.documents.services import document_template_create

    if DocumentTemplate.objects.filter(code=CERTIFICATE_TEMPLATE).exists():
        return
    template = document_template_create(
        code=CERTIFICATE_TEMPLATE,
        name=CERTIFICATE_NAME,
        body=CERTIFICATE_BODY,
        region_code=region_code,
        sample_context=SAMPLE,
        actor=None,
    )
    # Reference data, not a user's decision: no workflow record, as for the other default templates.
    template.activate()
    template.save()


def certificate_refusal(application, registry_entry) -> str:
    """Why no certificate can be given for this application now ("" when it can)."""
    from admission.models import ApplicationState
    from admission.registry.models import GuaranteeStatus
    from admission.registry.notices import chinese_date

    if application.state != ApplicationState.REGISTERED:
        return _("只有准予登记的申请可以下载住房保障资格证明。")
    if registry_entry is None:
        return _("登记簿记录尚在生成，请稍后再试。")
    if registry_entry.status == GuaranteeStatus.EXITED:
        return _("您家庭已于%(date)s退出住房保障，不能再出具资格证明。") % {
            "date": chinese_date(registry_entry.exited_at) or _("此前")
        }
    return ""


def certificate_context(entry, *, issued_on: datetime.date) -> dict[str, Any]:
    """What the certificate template may print (plain data: the documents sandbox sees nothing else)."""
    from admission.registry.notices import chinese_date
    from housing.regions.models import Region

    application = entry.application
    city_code = entry.region_code[:4] + "00000000"
    city = Region.objects.filter(code=city_code).values_list("name", flat=True).first() or ""
    waitlist = getattr(entry, "waitlist_entry", None)
    _project, mode = _project_and_mode(application)
    return {
        "applicant_name": entry.applicant_name,
        "id_number_masked": entry.id_number_masked,
        "applied_on": chinese_date(entry.applied_at or application.submitted_at or application.created_at),
        "project_name": entry.project_name or application.project_code,
        "mode_name": (mode.name or mode.get_kind_display()) if mode else application.mode_code,
        "registered_on": chinese_date(entry.registered_at),
        "receipt_number": entry.application_number,
        "household_size": entry.household_size,
        "status": entry.get_status_display(),
        "waitlist_number": waitlist.waitlist_number if waitlist else "",
        "issuer": _("%(name)s住房保障中心") % {"name": city},
        "issued_on": chinese_date(issued_on),
    }


def _project_and_mode(application):
    from admission.registry.services import project_and_mode

    return project_and_mode(
        project_code=application.project_code,
        mode_code=application.mode_code,
        region_code=application.region_code,
    )
