"""Archive pages as a user meets them: scope, upload refusals, versions, checked downloads, search."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.urls import reverse

from conftest import DISTRICT_A, STREET_A1, STREET_A2
from housing.archive import tasks
from housing.archive.models import Document
from housing.archive.storage import blob_path
from housing.audit.models import AuditAction, AuditEvent

from .conftest import image_bytes, pdf_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

LIST_URL = reverse("archive:list")
UPLOAD_URL = reverse("archive:upload")


def _upload_post(client, name: str, content: bytes, **fields):
    data = {
        "name": "家庭收入证明",
        "category": "income_proof",
        "stage": "acceptance",
        "owner_kind": "family",
        "region_code": STREET_A1,
        "application_number": "SQ-2026-0001",
        "file": upload(name, content),
        **fields,
    }
    return client.post(UPLOAD_URL, data)


def test_caseworker_uploads_and_sees_the_document(client, street_caseworker, media_root):
    client.force_login(street_caseworker)
    response = _upload_post(client, "收入证明.pdf", pdf_bytes())
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    page = client.get(document.get_absolute_url()).content.decode()
    for text in (
        "基本信息",
        "版本历史",
        "预览",
        document.archive_number,
        document.sha256,
        "一户一档",
        "SQ-2026-0001",
    ):
        assert text in page
    assert "<iframe" in page and "data-preview-src" in page
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("收入证明.pdf", b"MZ\x90\x00" + b"\x00" * 100, "可执行程序或脚本"),
        ("收入证明.pdf", b"", "文件为空"),
        ("动画.gif", b"GIF89a" + b"\x00" * 30, "只允许上传"),
        ("收入证明.pdf", image_bytes("PNG"), "文件内容实际是PNG 图片"),
    ],
    ids=["executable", "empty", "wrong-type", "extension-mismatch"],
)
def test_bad_upload_is_refused_beside_the_field_and_stores_nothing(
    client, street_caseworker, media_root, name, content, message
):
    client.force_login(street_caseworker)
    response = _upload_post(client, name, content)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors["file"])
    page = response.content.decode()
    assert 'id="id_file-error"' in page and message in page
    assert 'value="家庭收入证明"' in page, "the form keeps what the user typed"
    assert 'value="SQ-2026-0001"' in page
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_oversize_upload_is_refused_and_stores_nothing(client, settings, street_caseworker, media_root):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 512
    client.force_login(street_caseworker)
    response = _upload_post(client, "收入证明.pdf", pdf_bytes() + b"0" * 1024)
    assert "超过了上限" in " ".join(response.context["form"].errors["file"])
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_upload_region_choices_are_limited_to_scope(client, street_caseworker, media_root):
    client.force_login(street_caseworker)
    choices = dict(client.get(UPLOAD_URL).context["form"].fields["region_code"].choices)
    assert STREET_A1 in choices and STREET_A2 not in choices
    response = _upload_post(client, "收入证明.pdf", pdf_bytes(), region_code=STREET_A2)
    assert "region_code" in response.context["form"].errors
    assert stored_files(media_root) == []


def test_unknown_owner_reference_is_refused_beside_the_field(
    client, street_caseworker, other_street_caseworker
):
    client.force_login(street_caseworker)
    other = other_street_caseworker.organisation
    response = _upload_post(
        client, "收入证明.pdf", pdf_bytes(), owner_ref=f"accounts.organisation:{other.pk}"
    )
    assert "找不到该归属对象" in " ".join(response.context["form"].errors["owner_ref"])
    own = street_caseworker.organisation
    response = _upload_post(client, "收入证明.pdf", pdf_bytes(), owner_ref=f"accounts.organisation:{own.pk}")
    assert response.status_code == 302
    assert Document.objects.get().owner == own


def test_documents_panel_lists_an_owners_documents(rf, street_caseworker, make_document):
    from django.template.loader import render_to_string

    from housing.archive.views import documents_panel_context

    owner = street_caseworker.organisation
    make_document(owner=owner, name="机构档案")
    make_document(name="别的档案")
    context = documents_panel_context(user=street_caseworker, owner=owner, owner_kind="case")
    assert [d.name for d in context["archive_documents"]] == ["机构档案"]
    request = rf.get("/")
    request.user = street_caseworker
    html = render_to_string("archive/_documents_panel.html", context, request=request)
    assert "机构档案" in html and "owner_ref=accounts.organisation" in html


def test_list_shows_only_scope_with_pinned_queries(
    client, street_caseworker, other_street_caseworker, make_document, django_assert_max_num_queries
):
    for _ in range(30):
        make_document()
    make_document(actor=other_street_caseworker, region_code=STREET_A2, name="梅华街道档案")
    client.force_login(street_caseworker)
    # Session, user, permissions, scope, layout context: about a dozen, none per row.
    with django_assert_max_num_queries(15):
        response = client.get(LIST_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "共 30 条" in page and "梅华街道档案" not in page
    assert "翠香街道" in page and "收入证明" in page and "street_caseworker" in page


def test_list_filters_by_category_and_exports(client, street_caseworker, make_document):
    make_document(name="身份证正面", category="id_card", content=image_bytes("JPEG"), filename="id.jpg")
    make_document(name="合同正本", category="contract")
    client.force_login(street_caseworker)
    page = client.get(LIST_URL, {"category": "id_card"}).content.decode()
    assert "身份证正面" in page and "合同正本" not in page
    export = client.get(LIST_URL, {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_shows_only_the_latest_version(client, street_caseworker, make_document):
    old = make_document(name="原件")
    client.force_login(street_caseworker)
    client.post(
        reverse("archive:new_version", args=[old.pk]),
        {"name": "更正件", "version_note": "金额有误", "file": upload("更正.pdf", pdf_bytes() + b"%2\n")},
    )
    page = client.get(LIST_URL).content.decode()
    assert "更正件" in page and "原件" not in page


def test_new_version_page_links_versions(client, street_caseworker, make_document):
    old = make_document(name="收入证明")
    client.force_login(street_caseworker)
    response = client.post(
        reverse("archive:new_version", args=[old.pk]),
        {
            "name": "收入证明",
            "version_note": "原件金额有误",
            "file": upload("更正.pdf", pdf_bytes() + b"%2\n"),
        },
    )
    new = Document.objects.get(supersedes=old)
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    page = client.get(new.get_absolute_url()).content.decode()
    assert "第1版" in page and "第2版" in page and old.sha256 in page and new.sha256 in page
    old_page = client.get(old.get_absolute_url()).content.decode()
    assert "非最新版本" in old_page and "上传新版本" not in old_page.split("版本历史")[0]
    refused = client.post(
        reverse("archive:new_version", args=[old.pk]),
        {"name": "x", "version_note": "再改", "file": upload("x.pdf", pdf_bytes() + b"%3\n")},
    )
    assert "只能在最新版本上上传新版本" in refused.content.decode()


def test_bad_new_version_file_is_refused(client, street_caseworker, make_document, media_root):
    old = make_document()
    client.force_login(street_caseworker)
    response = client.post(
        reverse("archive:new_version", args=[old.pk]),
        {"name": "x", "version_note": "更正", "file": upload("x.pdf", b"#!/bin/sh\necho hi\n")},
    )
    assert "可执行程序或脚本" in " ".join(response.context["form"].errors["file"])
    assert Document.objects.count() == 1 and len(stored_files(media_root)) == 1


def test_download_streams_the_checked_file_and_is_audited(client, street_caseworker, make_document):
    document = make_document()
    client.force_login(street_caseworker)
    response = client.get(reverse("archive:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == blob_path(document.sha256).read_bytes()
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD, object_id=str(document.pk))
    assert event.changes["result"] == "ok" and event.actor == street_caseworker
    inline = client.get(reverse("archive:download", args=[document.pk]), {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline") and inline["X-Frame-Options"] == "SAMEORIGIN"
    b"".join(inline.streaming_content)
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).count() == 2


def test_tampered_file_is_not_downloaded_and_is_audited(client, street_caseworker, make_document):
    document = make_document()
    path = blob_path(document.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes() + b"%tampered\n")
    client.force_login(street_caseworker)
    response = client.get(reverse("archive:download", args=[document.pk]))
    page = response.content.decode()
    assert response.status_code == 500
    assert "文件校验失败" in page and document.archive_number in page
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD, object_id=str(document.pk))
    assert event.changes["result"] == "hash_mismatch" and event.changes["actual_sha256"] != document.sha256


def test_missing_file_is_reported_as_a_failed_check(client, street_caseworker, make_document):
    document = make_document()
    os.unlink(blob_path(document.sha256))
    client.force_login(street_caseworker)
    response = client.get(reverse("archive:download", args=[document.pk]))
    assert response.status_code == 500 and "文件校验失败" in response.content.decode()


def test_another_streets_document_is_a_404_everywhere(
    client, street_caseworker, other_street_caseworker, make_document
):
    other = make_document(actor=other_street_caseworker, region_code=STREET_A2, name="梅华街道档案")
    client.force_login(street_caseworker)
    assert "梅华街道档案" not in client.get(LIST_URL).content.decode()
    assert list(client.get(LIST_URL, {"q": "梅华街道档案"}).context["object_list"]) == []
    for name in ("detail", "download", "new_version"):
        assert client.get(reverse(f"archive:{name}", args=[other.pk])).status_code == 404, name
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_district_reviewer_sees_the_streets_of_the_district(client, district_reviewer, make_document):
    document = make_document()
    client.force_login(district_reviewer)
    assert client.get(document.get_absolute_url()).status_code == 200
    assert DISTRICT_A[:6] in document.archive_number


def test_withdraw_page_keeps_the_document(client, city_admin, street_caseworker, make_document):
    document = make_document()
    client.force_login(street_caseworker)
    assert client.get(reverse("archive:withdraw", args=[document.pk])).status_code == 403
    client.force_login(city_admin)
    empty = client.post(reverse("archive:withdraw", args=[document.pk]), {"reason": ""})
    assert "reason" in empty.context["form"].errors
    response = client.post(reverse("archive:withdraw", args=[document.pk]), {"reason": "重复上传"})
    assert response.status_code == 302
    page = client.get(document.get_absolute_url()).content.decode()
    assert "已撤回" in page and "重复上传" in page


def test_finance_officer_may_view_but_not_upload(client, finance_officer, make_document):
    make_document()
    client.force_login(finance_officer)
    assert client.get(LIST_URL).status_code == 200
    assert client.get(UPLOAD_URL).status_code == 403


def test_applicant_cannot_open_the_archive(client, citizen, make_document):
    document = make_document()
    client.force_login(citizen)
    assert client.get(document.get_absolute_url()).status_code == 302
    assert client.get(LIST_URL).status_code in (302, 403)


def test_navigation_has_the_archive_section(client, street_caseworker):
    client.force_login(street_caseworker)
    page = client.get(LIST_URL).content.decode()
    assert "电子档案" in page and "档案查询" in page and "上传档案" in page


def test_admin_changelist_is_scoped_and_read_only(
    client, street_caseworker, other_street_caseworker, make_document
):
    from django.contrib.auth.models import Permission

    make_document(name="翠香档案")
    other = make_document(actor=other_street_caseworker, region_code=STREET_A2, name="梅华档案")
    street_caseworker.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(street_caseworker)
    page = client.get("/admin/archive/document/").content.decode()
    assert "翠香档案" in page and "梅华档案" not in page
    response = client.get(f"/admin/archive/document/{other.pk}/change/")
    assert response.status_code in (302, 404)
    assert client.get("/admin/archive/document/add/").status_code == 403


def test_full_text_search_finds_chinese_words_in_a_pdf(
    client, street_caseworker, make_document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        wanted = make_document(name="扫描件001", content=pdf_bytes("申请人提交的家庭收入证明材料"))
        other = make_document(name="扫描件002", content=pdf_bytes("婚姻状况说明"))
    assert len(callbacks) == 2, "text extraction is queued after commit"
    for document in (wanted, other):
        tasks.extract_document_text.apply(args=[document.pk]).get()
    wanted.refresh_from_db()
    if connection.vendor == "postgresql":  # the suite's database: the GIN-indexed tsvector is filled
        assert wanted.search_vector is not None
    client.force_login(street_caseworker)
    page = client.get(LIST_URL, {"q": "收入证明"}).content.decode()
    assert "扫描件001" in page and "扫描件002" not in page
    assert "扫描件002" in client.get(LIST_URL, {"q": "婚姻"}).content.decode()
    assert "扫描件001" in client.get(LIST_URL, {"q": wanted.archive_number}).content.decode()
