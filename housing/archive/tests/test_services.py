"""Services: write-once storage, versions, withdrawal, text extraction, and nothing stored on refusal."""

from __future__ import annotations

import os
import stat

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from conftest import STREET_A1, STREET_A2
from housing.archive import tasks
from housing.archive.models import ArchiveNumberSequence, Document, DocumentStatus, ExtractionStatus, FileKind
from housing.archive.services import (
    document_extract_text,
    document_new_version,
    document_upload,
    document_withdraw,
)
from housing.archive.storage import StorageIntegrityError, blob_path, blob_store, hash_chunks
from housing.archive.text import segment
from housing.audit.models import AuditAction, AuditEvent

from .conftest import docx_bytes, image_bytes, ofd_bytes, pdf_bytes, stored_files, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_upload_stores_the_file_once_under_its_hash(make_document, media_root):
    document = make_document()
    path = blob_path(document.sha256)
    assert path.relative_to(media_root).as_posix() == (
        f"archive/{document.sha256[:2]}/{document.sha256[2:4]}/{document.sha256}"
    )
    assert hash_chunks([path.read_bytes()]) == (document.sha256, document.size)
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222, "a stored blob is read-only"
    assert document.file_kind == FileKind.PDF and document.mime_type == "application/pdf"
    assert document.original_filename == "材料.pdf"
    assert document.archive_number == f"DA-440402-{document.uploaded_at.year}-000001"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(document.pk)).exists()


def test_archive_numbers_count_up_per_district(make_document):
    first, second = make_document(), make_document()
    assert first.archive_number.endswith("-000001")
    assert second.archive_number.endswith("-000002")


def test_same_bytes_uploaded_twice_share_one_blob(make_document, media_root):
    content = pdf_bytes()
    one = make_document(content=content)
    two = make_document(content=content)
    assert one.sha256 == two.sha256 and one.pk != two.pk
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("收入证明.pdf", b"MZ\x90\x00" + b"\x00" * 100, "executable"),
        ("收入证明.pdf", b"", "empty"),
        ("动画.gif", b"GIF89a" + b"\x00" * 30, "wrong_type"),
        ("收入证明.pdf", image_bytes("PNG"), "extension_mismatch"),
    ],
)
def test_refused_upload_stores_nothing(street_caseworker, media_root, name, content, code):
    with pytest.raises(ValidationError) as excinfo:
        document_upload(
            actor=street_caseworker,
            upload=upload(name, content),
            name="材料",
            category="income_proof",
            stage="acceptance",
            region_code=STREET_A1,
            owner_kind="case",
        )
    assert excinfo.value.code == code
    assert not Document.objects.exists()
    assert not ArchiveNumberSequence.objects.exists()
    assert stored_files(media_root) == []


def test_oversize_upload_stores_nothing(settings, street_caseworker, media_root):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="超过了上限"):
        document_upload(
            actor=street_caseworker,
            upload=upload("大.pdf", pdf_bytes()),
            name="材料",
            category="income_proof",
            stage="acceptance",
            region_code=STREET_A1,
            owner_kind="case",
        )
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_invalid_metadata_stores_no_file(street_caseworker, media_root):
    with pytest.raises(ValidationError) as excinfo:
        document_upload(
            actor=street_caseworker,
            upload=upload("证明.pdf", pdf_bytes()),
            name="材料",
            category="no-such-category",
            stage="acceptance",
            region_code=STREET_A1,
            owner_kind="case",
        )
    assert "category" in excinfo.value.message_dict
    assert stored_files(media_root) == []


def test_upload_outside_scope_is_refused(street_caseworker, media_root):
    with pytest.raises(ValidationError) as excinfo:
        document_upload(
            actor=street_caseworker,
            upload=upload("证明.pdf", pdf_bytes()),
            name="材料",
            category="income_proof",
            stage="acceptance",
            region_code=STREET_A2,
            owner_kind="case",
        )
    assert excinfo.value.message_dict["region_code"] == ["所选区划不在您的数据范围内。"]
    assert stored_files(media_root) == []


def test_new_version_links_to_the_old_and_keeps_it(make_document, street_caseworker, media_root):
    old = make_document(name="收入证明")
    old_bytes = blob_path(old.sha256).read_bytes()
    new = document_new_version(
        actor=street_caseworker,
        document=old,
        upload=upload("收入证明（更正）.pdf", pdf_bytes() + b"%corrected\n"),
        version_note="原件金额有误",
    )
    old.refresh_from_db()
    assert new.supersedes == old and old.superseded_by == new
    assert (new.archive_number, new.version) == (old.archive_number, 2)
    assert new.sha256 != old.sha256
    assert blob_path(old.sha256).read_bytes() == old_bytes, "the old version's file is untouched"
    assert len(stored_files(media_root)) == 2
    assert ArchiveNumberSequence.objects.get().last_serial == 1, "a version keeps its archive number"


def test_only_the_latest_version_can_be_superseded(make_document, street_caseworker):
    old = make_document()
    document_new_version(
        actor=street_caseworker,
        document=old,
        upload=upload("v2.pdf", pdf_bytes() + b"%v2\n"),
        version_note="更正",
    )
    with pytest.raises(ValidationError, match="已被第 2 版取代"):
        document_new_version(
            actor=street_caseworker,
            document=old,
            upload=upload("v2b.pdf", pdf_bytes() + b"%x\n"),
            version_note="更正",
        )
    assert Document.objects.count() == 2


def test_database_refuses_a_second_successor(make_document, street_caseworker):
    old = make_document()
    document_new_version(
        actor=street_caseworker,
        document=old,
        upload=upload("v2.pdf", pdf_bytes() + b"%v2\n"),
        version_note="更正",
    )
    fork = Document.objects.get(pk=old.pk)
    fork.pk = None
    fork.version = 3
    fork.supersedes = old
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def test_stored_blob_is_never_overwritten(make_document):
    document = make_document()
    path = blob_path(document.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(StorageIntegrityError, match="拒绝覆盖"):
        blob_store(sha256=document.sha256, chunks=[pdf_bytes()])
    assert path.read_bytes() == b"%PDF-1.4 tampered", "the damaged blob is kept for investigation"


def test_storage_refuses_bytes_that_do_not_match_their_hash(media_root):
    with pytest.raises(StorageIntegrityError):
        blob_store(sha256="0" * 64, chunks=[b"something else"])
    assert stored_files(media_root) == []


def test_withdrawal_keeps_the_document_with_a_reason(make_document, city_admin, street_caseworker):
    document = make_document()
    with pytest.raises(PermissionDenied):
        document_withdraw(actor=street_caseworker, document=document, reason="重复上传")
    with pytest.raises(ValidationError, match="请填写撤回原因"):
        document_withdraw(actor=city_admin, document=document, reason="  ")
    document_withdraw(actor=city_admin, document=document, reason="重复上传")
    document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN
    assert (document.withdrawn_reason, document.withdrawn_by) == ("重复上传", city_admin)
    assert blob_path(document.sha256).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_id=str(document.pk)).exists()
    with pytest.raises(ValidationError, match="已撤回的档案不能上传新版本"):
        document_new_version(
            actor=city_admin,
            document=document,
            upload=upload("v2.pdf", pdf_bytes() + b"%2\n"),
            version_note="x",
        )


def test_extraction_is_queued_after_commit(make_document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        document = make_document()
    assert len(callbacks) == 1
    assert document.extraction_status == ExtractionStatus.PENDING


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("申请表.docx", docx_bytes("申请人家庭收入证明"), "家庭收入证明"),
        ("收入.xlsx", xlsx_bytes([["姓名", "月收入"], ["张三", 3200]]), "张三 3200"),
        ("通知书.ofd", ofd_bytes("保障房配租通知书"), "保障房配租通知书"),
        ("证明.pdf", pdf_bytes("家庭收入证明材料"), "家庭收入证明材料"),
    ],
)
def test_text_is_extracted_from_office_ofd_and_pdf(make_document, filename, content, expected):
    document = make_document(content=content, filename=filename)
    result = tasks.extract_document_text.apply(args=[document.pk]).get()
    document.refresh_from_db()
    assert result == ExtractionStatus.DONE
    assert expected in document.content_text
    assert set(segment(expected)) <= set(document.search_text.split())


def test_images_have_no_text_but_their_name_is_indexed(make_document):
    document = make_document(content=image_bytes("JPEG"), filename="身份证.jpg", name="申请人身份证正面")
    document = document_extract_text(document_id=document.pk)
    assert document.extraction_status == ExtractionStatus.NOT_APPLICABLE
    assert "身份证" in document.search_text.split()


def test_extraction_of_a_tampered_file_is_recorded_not_raised(make_document):
    document = make_document(name="收入证明")
    path = blob_path(document.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF-1.4 broken")
    document = document_extract_text(document_id=document.pk)
    assert document.extraction_status == ExtractionStatus.FAILED
    assert document.content_text == ""
    assert "收入" in document.search_text.split(), "still found by its name"


def test_demo_documents_are_seeded_once_and_searchable(regions, media_root):
    from housing.accounts.demo import seed_demo_accounts
    from housing.archive.demo import seed_demo_documents
    from housing.archive.selectors import document_search

    seed_demo_accounts()
    seed_demo_documents()
    seed_demo_documents()
    assert Document.objects.count() == 3
    found = document_search(Document.objects.all(), query="收入证明")
    assert list(found.values_list("name", flat=True)) == ["演示：家庭收入证明"]
