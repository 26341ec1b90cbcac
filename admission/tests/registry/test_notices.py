"""准予登记通知书 / 不予登记通知书: numbered Chinese PDFs from editable templates, verifiable, announced."""

from __future__ import annotations

import pytest
from django.urls import reverse

from admission.registry.models import DecisionNotice, DecisionNoticeKind, DecisionNoticeStatus
from admission.registry.notices import REFUSED_TEMPLATE, notice_issue
from housing.accounts.demo import demo_id_number
from housing.archive.models import Category, Document
from housing.documents.models import DocumentTemplate, IssuedDocument, TemplateState
from housing.documents.services import (
    document_template_activate,
    document_template_copy,
    document_template_retire,
    document_template_update,
)
from housing.notify.models import Message

from .conftest import new_case, pdf_text, refuse_at_district, step, to_city_publicity

pytestmark = pytest.mark.django_db


def _download(client, notice) -> bytes:
    response = client.get(reverse("admission:registry_notice_download", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_registration_issues_a_verifiable_notice_with_the_family_name_after_commit(
    filer, reviewers, client, django_capture_on_commit_callbacks
):
    app = to_city_publicity(new_case(filer, name="陈翠香"), reviewers)
    with django_capture_on_commit_callbacks(execute=True):
        app = step(app, reviewers["city"], "city_publicity_close", "公示期满无异议，准予登记。")
    notice = DecisionNotice.objects.get(application=app)
    assert notice.kind == DecisionNoticeKind.REGISTERED and notice.issue_status == DecisionNoticeStatus.ISSUED
    assert notice.number.startswith("ZFBZ-") and notice.decided_by == reviewers["city"]
    client.force_login(reviewers["street"])
    text = pdf_text(_download(client, notice))
    assert "准予登记通知书" in text and "陈翠香" in text and app.receipt_number in text
    assert notice.number in text and "LH-440400-" in text  # the waitlist number is printed
    # The public verification page (no login) confirms the number.
    client.logout()
    verify = client.get(reverse("documents:verify", args=[notice.number]))
    assert verify.status_code == 200 and "真实有效" in verify.content.decode()
    assert "准予登记通知书" in verify.content.decode()
    # The archived copy belongs to the case (一事一档) and the applicant was told by SMS.
    archived = Document.objects.get(pk=notice.archive_document_id)
    assert archived.category == Category.NOTICE and archived.application_number == app.receipt_number
    sms = Message.objects.get(template_code="admission.notice_registered", channel="sms")
    assert sms.address == app.family.phone and notice.number in sms.body and notice.notified_at


def test_refusal_notice_states_the_coded_reason_the_text_and_the_appeal_right(
    filer, reviewers, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = refuse_at_district(
            new_case(filer, name="黄梅华"), reviewers, text="经核查，家庭人均收入超过标准。"
        )
    notice = DecisionNotice.objects.get(application=app)
    assert notice.kind == DecisionNoticeKind.REFUSED and notice.level == "district"
    assert notice.refusal_reason == "income_over_limit" and notice.decided_by == reviewers["district"]
    client.force_login(reviewers["district"])
    text = pdf_text(_download(client, notice))
    assert "不予登记通知书" in text and "黄梅华" in text
    assert "家庭收入超过标准" in text and "income_over_limit" in text
    assert "经核查，家庭人均收入超过标准。" in text
    assert "5日内" in text and "复核申请" in text and "香洲区住房保障主管部门" in text
    sms = Message.objects.get(template_code="admission.notice_refused", channel="sms")
    assert "家庭收入超过标准" in sms.body and "复核" in sms.body


def test_the_applicant_with_a_portal_account_also_gets_an_in_site_message(
    filer, reviewers, citizen, django_capture_on_commit_callbacks
):
    # The portal account of the citizen persona was registered with this ID number.
    app = new_case(filer, name="李市民", id_number=demo_id_number("44040219850505432"))
    with django_capture_on_commit_callbacks(execute=True):
        refuse_at_district(app, reviewers)
    message = Message.objects.get(template_code="admission.notice_refused", channel="site")
    assert message.recipient == citizen and app.receipt_number in message.subject


def test_an_edited_template_version_is_used_for_the_next_notice(
    filer, reviewers, city_admin, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refuse_at_district(new_case(filer, name="甲"), reviewers)
    active = DocumentTemplate.objects.get(code=REFUSED_TEMPLATE, state=TemplateState.ACTIVE)
    draft = document_template_copy(template=active, actor=city_admin)
    document_template_update(
        template=draft,
        actor=city_admin,
        name=draft.name,
        body=draft.body + "<p>特别提示：复核申请须书面提出。</p>",
    )
    document_template_activate(template=draft, actor=city_admin, opinion="增加提示")
    with django_capture_on_commit_callbacks(execute=True):
        app = refuse_at_district(new_case(filer, name="乙"), reviewers)
    notice = DecisionNotice.objects.get(application=app)
    assert IssuedDocument.objects.get(pk=notice.document_id).template_id == draft.pk
    client.force_login(reviewers["district"])
    assert "特别提示" in pdf_text(_download(client, notice))


def test_a_notice_that_could_not_be_rendered_is_marked_and_can_be_reissued(
    filer, reviewers, city_admin, client, django_capture_on_commit_callbacks
):
    # Issue once so the template exists, then retire it: the next refusal's notice cannot be rendered.
    with django_capture_on_commit_callbacks(execute=True):
        refuse_at_district(new_case(filer, name="甲"), reviewers)
    template = DocumentTemplate.objects.get(code=REFUSED_TEMPLATE, state=TemplateState.ACTIVE)
    document_template_retire(template=template, actor=city_admin, opinion="停用")
    with django_capture_on_commit_callbacks(execute=True):
        app = refuse_at_district(new_case(filer, name="乙"), reviewers)
    notice = DecisionNotice.objects.get(application=app)
    assert notice.issue_status == DecisionNoticeStatus.FAILED and "没有已启用的版本" in notice.error
    client.force_login(reviewers["district"])
    page = client.get(app.get_absolute_url()).content.decode()
    assert "出具失败" in page and "重新出具" in page
    document_template_activate(
        template=document_template_copy(template=template, actor=city_admin), actor=city_admin
    )
    response = client.post(reverse("admission:registry_notice_reissue", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.is_issued and notice.number
    assert notice_issue(notice_id=notice.pk).number == notice.number  # issuing again changes nothing


def test_notice_download_is_404_outside_the_users_scope(
    filer,
    reviewers,
    other_street_caseworker,
    other_district_reviewer,
    client,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        app = refuse_at_district(new_case(filer), reviewers)
    notice = DecisionNotice.objects.get(application=app)
    url = reverse("admission:registry_notice_download", args=[notice.pk])
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(reverse("admission:registry_notice_reissue", args=[notice.pk])).status_code == 404


def test_the_application_page_has_a_notices_and_registry_tab(
    filer, reviewers, client, django_capture_on_commit_callbacks
):
    app = to_city_publicity(new_case(filer), reviewers)
    with django_capture_on_commit_callbacks(execute=True):
        app = step(app, reviewers["city"], "city_publicity_close")
    notice = DecisionNotice.objects.get(application=app)
    client.force_login(reviewers["street"])
    page = client.get(app.get_absolute_url()).content.decode()
    assert "通知书与登记" in page and notice.number in page
    assert reverse("admission:registry_notice_download", args=[notice.pk]) in page
    assert "轮候中" in page and "LH-440400-" in page
