"""Document templates (versioned lifecycle), issuing Chinese PDFs, and the public verification page."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from conftest import CITY, DISTRICT_A
from housing.documents.models import DocumentTemplate, IssuedDocument, TemplateState
from housing.documents.services import (
    document_issue,
    document_number_next,
    document_template_activate,
    document_template_copy,
    document_template_create,
    document_template_retire,
    document_template_update,
    document_templates_seed_demo,
)
from housing.workflow.models import NodeInstance

pytestmark = pytest.mark.django_db

BODY = "<p>兹证明{{ name }}家庭符合住房保障条件。</p><p>{{ note }}</p>"


@pytest.fixture
def template(city_admin):
    draft = document_template_create(
        code="test_cert",
        name="住房保障资格证明",
        body=BODY,
        region_code=CITY,
        actor=city_admin,
        sample_context={"name": "王五", "note": "样张"},
    )
    return document_template_activate(template=draft, actor=city_admin, opinion="首次启用")


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_issued_pdf_has_extractable_chinese_text_number_and_page_numbers(template, city_admin):
    document, pdf = document_issue(
        template_code="test_cert",
        context={"name": "张三", "note": "<b>不应成为标签</b>"},
        title="住房保障资格证明",
        region_code=DISTRICT_A,
        actor=city_admin,
    )
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "住房保障" in text
    assert "兹证明张三家庭符合住房保障条件" in text
    assert document.number in text
    assert "第 1 页 共 1 页" in text
    assert re.fullmatch(r"ZFBZ-\d{4}-\d{6}", document.number)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.template == template
    assert document.issued_by == city_admin


def test_pdf_embeds_the_cjk_font_not_a_fallback(template, city_admin):
    _, pdf = document_issue(
        template_code="test_cert", context={"name": "张三"}, title="证明", region_code=CITY, actor=city_admin
    )
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Noto-Sans-CJK-SC" in f for f in fonts), fonts


def test_numbers_are_sequential_per_year():
    assert document_number_next(year=2031) == "ZFBZ-2031-000001"
    assert document_number_next(year=2031) == "ZFBZ-2031-000002"
    assert document_number_next(year=2032) == "ZFBZ-2032-000001"


def test_issue_refuses_a_code_without_an_active_version(city_admin):
    with pytest.raises(ValidationError, match="没有已启用的版本"):
        document_issue(template_code="nothing", context={}, title="x", region_code=CITY, actor=city_admin)


def test_verification_page_confirms_a_real_number_without_personal_data(client, template, city_admin):
    document, _ = document_issue(
        template_code="test_cert",
        context={"name": "张三"},
        title="住房保障资格证明",
        region_code=CITY,
        actor=city_admin,
    )
    response = client.get(reverse("documents:verify", args=[document.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "真实有效" in html
    assert document.number in html and "住房保障资格证明" in html
    assert "张三" not in html


def test_verification_page_rejects_a_made_up_number(client):
    response = client.get("/documents/verify/ZFBZ-2026-999999/")
    assert response.status_code == 404
    assert "未找到该文书，可能是伪造的" in response.content.decode()


def test_active_version_is_never_edited(template, city_admin):
    with pytest.raises(ValidationError, match="不能修改"):
        document_template_update(template=template, actor=city_admin, name="改名", body="<p>改</p>")
    template.refresh_from_db()
    assert template.name == "住房保障资格证明"


def test_copy_makes_a_new_draft_version_that_can_be_edited(template, city_admin):
    draft = document_template_copy(template=template, actor=city_admin)
    assert (draft.code, draft.version, draft.state) == ("test_cert", 2, TemplateState.DRAFT)
    document_template_update(
        template=draft, actor=city_admin, name="住房保障资格证明（2026版）", body="<p>新</p>"
    )
    draft.refresh_from_db()
    assert draft.body == "<p>新</p>"
    template.refresh_from_db()
    assert template.body == BODY


def test_activating_a_new_version_retires_the_old_one_and_records_both(template, city_admin):
    draft = document_template_copy(template=template, actor=city_admin)
    document_template_activate(template=draft, actor=city_admin, opinion="政策调整")
    template.refresh_from_db()
    draft.refresh_from_db()
    assert template.state == TemplateState.RETIRED
    assert draft.state == TemplateState.ACTIVE
    assert DocumentTemplate.objects.filter(code="test_cert", state=TemplateState.ACTIVE).count() == 1
    records = NodeInstance.objects.filter(transition__in=["activate", "retire"]).values_list(
        "transition", "from_state", "to_state", "actor"
    )
    assert ("retire", "active", "retired", city_admin.pk) in set(records)
    assert ("activate", "draft", "active", city_admin.pk) in set(records)


def test_the_database_refuses_two_active_versions(template, city_admin):
    draft = document_template_copy(template=template, actor=city_admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentTemplate.objects.filter(pk=draft.pk).update(state=TemplateState.ACTIVE)


def test_state_cannot_be_assigned_directly(template):
    with pytest.raises(AttributeError):
        template.state = TemplateState.DRAFT


def test_transitions_need_the_publish_permission(template, street_caseworker):
    with pytest.raises(PermissionDenied):
        document_template_retire(template=template, actor=street_caseworker)
    template.refresh_from_db()
    assert template.state == TemplateState.ACTIVE


def test_template_with_bad_syntax_is_refused(city_admin):
    with pytest.raises(ValidationError, match="模板语法错误"):
        document_template_create(code="bad", name="坏", body="{% for %}", region_code=CITY, actor=city_admin)


def test_demo_seed_is_idempotent_and_previews(client, regions, city_admin):
    document_templates_seed_demo()
    document_templates_seed_demo()
    seeded = DocumentTemplate.objects.get(code="eligibility_certificate")
    assert seeded.state == TemplateState.ACTIVE
    client.force_login(city_admin)
    response = client.get(reverse("documents_office:template_preview", args=[seeded.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "住房保障资格确认通知书" in text and "公共租赁住房" in text


# --- back office -------------------------------------------------------------------------------


def test_list_shows_templates_with_few_queries(client, city_admin, django_assert_max_num_queries):
    for i in range(25):
        document_template_create(
            code=f"c{i}", name=f"模板{i}", body="<p>x</p>", region_code=CITY, actor=city_admin
        )
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("documents_office:templates"))
    assert response.status_code == 200
    assert "模板1" in response.content.decode()


def test_detail_offers_the_users_transitions_and_preview(client, template, city_admin):
    client.force_login(city_admin)
    html = client.get(template.get_absolute_url()).content.decode()
    assert "停用" in html and "预览PDF" in html and "修改" in html
    assert 'value="activate"' not in html


def test_detail_outside_scope_is_404(client, city_admin, make_staff):
    from conftest import DISTRICT_B

    other = document_template_create(
        code="b_only", name="斗门区模板", body="<p>x</p>", region_code=DISTRICT_B, actor=city_admin
    )
    centre_of_district_a = make_staff("a_centre", [("city_centre", DISTRICT_A)], is_staff=True)
    client.force_login(centre_of_district_a)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents_office:template_preview", args=[other.pk])).status_code == 404


def test_transition_button_retires_and_copy_button_opens_a_draft(client, template, city_admin):
    client.force_login(city_admin)
    response = client.post(reverse("documents_office:template_copy", args=[template.pk]))
    draft = DocumentTemplate.objects.get(code="test_cert", version=2)
    assert response.url == draft.get_absolute_url()
    response = client.post(
        reverse("documents_office:template_edit", args=[draft.pk]),
        {"name": "新版", "body": "<p>{{ name }}</p>", "sample_context": '{"name": "赵六"}'},
    )
    assert response.status_code == 302
    client.post(reverse("documents_office:template_transition", args=[draft.pk]), {"transition": "activate"})
    draft.refresh_from_db()
    template.refresh_from_db()
    assert (draft.state, template.state) == (TemplateState.ACTIVE, TemplateState.RETIRED)
    assert draft.sample_context == {"name": "赵六"}


def test_edit_form_shows_a_syntax_error_beside_the_field(client, template, city_admin):
    draft = document_template_copy(template=template, actor=city_admin)
    client.force_login(city_admin)
    response = client.post(
        reverse("documents_office:template_edit", args=[draft.pk]),
        {"name": "x", "body": "{% if %}", "sample_context": "{}"},
    )
    assert response.status_code == 200
    assert "模板语法错误" in response.content.decode()


def test_issued_document_records_its_owner(template, city_admin):
    document, _ = document_issue(
        template_code="test_cert",
        context={},
        title="证明",
        region_code=CITY,
        actor=city_admin,
        owner=template,
    )
    assert IssuedDocument.objects.get(pk=document.pk).owner == template
