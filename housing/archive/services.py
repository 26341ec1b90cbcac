"""Writes of the electronic archive: upload, new version, withdrawal, text extraction, checked download.

Nothing here overwrites a stored file or deletes a row (DESIGN §4 rule 7): a correction is a new
version linked to the one it supersedes; removal is the ``withdrawn`` state with a reason.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import PurePath
from typing import IO

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.audit.services import AuditAction, audit_record

from . import text as archive_text
from .models import ArchiveNumberSequence, Document, DocumentStatus, ExtractionStatus
from .storage import (
    CHUNK_SIZE,
    StorageIntegrityError,
    blob_path,
    blob_store,
    hash_chunks,
    sha256_of_file,
)
from .validators import FileFormat, validate_upload

logger = logging.getLogger(__name__)


def _chunks(upload):
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK_SIZE)
        return
    upload.seek(0)
    yield from iter(lambda: upload.read(CHUNK_SIZE), b"")


def _next_archive_number(region_code: str) -> str:
    """DA-<district>-<year>-<serial>, serial gap-free per district and year (row lock on the counter)."""
    district = region_code[:6]
    year = timezone.localdate().year
    sequence, _created = ArchiveNumberSequence.objects.select_for_update().get_or_create(
        district_code=district, year=year
    )
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return f"DA-{district}-{year}-{sequence.last_serial:06d}"


def _require_scope(actor, region_code: str) -> None:
    if not code_in_scope(actor, region_code):
        raise ValidationError({"region_code": _("所选区划不在您的数据范围内。")})


def _store(*, document: Document, upload, fmt: FileFormat, actor) -> Document:
    """Hash, validate the row, then write the blob and insert: a refused upload leaves nothing behind."""
    sha256, size = hash_chunks(_chunks(upload))
    document.sha256 = sha256
    document.size = size
    document.file_kind = fmt.kind
    document.mime_type = fmt.mime_type
    document.original_filename = PurePath(getattr(upload, "name", "") or "").name[:255] or fmt.kind
    document.uploaded_by = actor
    document.uploaded_at = timezone.now()
    document.full_clean()
    blob_store(sha256=sha256, chunks=_chunks(upload))
    document.save()
    pk = document.pk
    transaction.on_commit(lambda: _queue_extraction(pk))
    return document


def _queue_extraction(document_id: int) -> None:
    from .tasks import extract_document_text

    extract_document_text.delay(document_id)


@transaction.atomic
def document_upload(
    *,
    actor,
    upload,
    name: str,
    category: str,
    stage: str,
    region_code: str,
    owner_kind: str,
    owner: models.Model | None = None,
    application_number: str = "",
) -> Document:
    """Archive a new document (version 1) after checking its content, size and type."""
    _require_scope(actor, region_code)
    if owner is not None and not code_in_scope(actor, getattr(owner, "region_code", "") or ""):
        raise ValidationError({"owner_ref": _("归属对象不在您的数据范围内。")})
    fmt = validate_upload(upload)
    document = Document(
        region_code=region_code,
        name=name.strip(),
        category=category,
        stage=stage,
        owner_kind=owner_kind,
        application_number=application_number.strip(),
    )
    if owner is not None:
        document.owner_content_type = ContentType.objects.get_for_model(owner)
        document.owner_object_id = str(owner.pk)
    document.archive_number = _next_archive_number(region_code)
    document = _store(document=document, upload=upload, fmt=fmt, actor=actor)
    audit_record(
        action=AuditAction.CREATE,
        obj=document,
        actor=actor,
        changes={"sha256": document.sha256, "size": document.size, "file_kind": document.file_kind},
        description=_("上传档案 %(number)s") % {"number": document.archive_number},
    )
    return document


@transaction.atomic
def document_new_version(
    *,
    actor,
    document: Document,
    upload,
    version_note: str,
    name: str | None = None,
) -> Document:
    """A correction: a new row with the next version number that supersedes ``document``.

    The previous version and its file stay exactly as they were. Only the newest version of a
    document may be superseded, so the history stays one straight line.
    """
    previous = Document.objects.select_for_update().get(pk=document.pk)
    _require_scope(actor, previous.region_code)
    if previous.is_withdrawn:
        raise ValidationError(_("已撤回的档案不能上传新版本。"))
    newer = Document.objects.filter(supersedes=previous).values_list("version", flat=True).first()
    if newer is not None:
        raise ValidationError(
            _("该版本已被第 %(version)s 版取代，只能在最新版本上上传新版本。") % {"version": newer}
        )
    if not version_note.strip():
        raise ValidationError({"version_note": _("请填写版本说明（更正原因）。")})
    fmt = validate_upload(upload)
    document = Document(
        archive_number=previous.archive_number,
        version=previous.version + 1,
        supersedes=previous,
        version_note=version_note.strip(),
        region_code=previous.region_code,
        name=(name or previous.name).strip(),
        category=previous.category,
        stage=previous.stage,
        owner_kind=previous.owner_kind,
        owner_content_type_id=previous.owner_content_type_id,
        owner_object_id=previous.owner_object_id,
        application_number=previous.application_number,
    )
    document = _store(document=document, upload=upload, fmt=fmt, actor=actor)
    audit_record(
        action=AuditAction.CREATE,
        obj=document,
        actor=actor,
        changes={"supersedes": previous.pk, "version": document.version, "sha256": document.sha256},
        description=_("上传档案 %(number)s 第 %(version)s 版")
        % {"number": document.archive_number, "version": document.version},
    )
    return document


@transaction.atomic
def document_withdraw(*, actor, document: Document, reason: str) -> Document:
    """撤回: the document stays stored and listed as withdrawn, with who, when and why."""
    if not actor.has_perm("archive.withdraw_document"):
        raise PermissionDenied(_("您没有撤回档案的权限。"))
    document = Document.objects.select_for_update().get(pk=document.pk)
    _require_scope(actor, document.region_code)
    if document.is_withdrawn:
        raise ValidationError(_("该档案已撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    document.status = DocumentStatus.WITHDRAWN
    document.withdrawn_reason = reason.strip()
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = actor
    document.full_clean()
    document.save(update_fields=["status", "withdrawn_reason", "withdrawn_at", "withdrawn_by"])
    audit_record(
        action=AuditAction.TRANSITION,
        obj=document,
        actor=actor,
        changes={
            "status": [DocumentStatus.ACTIVE, DocumentStatus.WITHDRAWN],
            "reason": document.withdrawn_reason,
        },
        description=_("撤回档案 %(number)s") % {"number": document.archive_number},
    )
    return document


def document_open_verified(*, actor, document: Document, inline: bool = False) -> IO[bytes]:
    """Open the stored file for download after re-hashing it; every attempt is audited.

    The same open handle is hashed and then streamed, so the bytes sent are the bytes checked.
    Raises ``StorageIntegrityError`` (after recording the failure) if the file is missing or altered.
    """
    path = blob_path(document.sha256)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who streams and closes it
    except FileNotFoundError:
        _audit_download(document, actor, result="missing", inline=inline)
        raise StorageIntegrityError(_("文件校验失败：存储中找不到该档案的文件。")) from None
    actual = sha256_of_file(handle)
    if actual != document.sha256:
        handle.close()
        _audit_download(document, actor, result="hash_mismatch", inline=inline, actual=actual)
        raise StorageIntegrityError(
            _("文件校验失败：文件内容与登记时的 SHA-256 摘要不一致，可能已被篡改或损坏。")
        )
    handle.seek(0)
    _audit_download(document, actor, result="ok", inline=inline)
    return handle


def _audit_download(document: Document, actor, *, result: str, inline: bool, actual: str = "") -> None:
    changes = {"result": result, "sha256": document.sha256, "inline": inline}
    if actual:
        changes["actual_sha256"] = actual
    description = (
        _("下载档案 %(number)s 第 %(version)s 版")
        if result == "ok"
        else _("文件校验失败，拒绝下载档案 %(number)s 第 %(version)s 版")
    ) % {"number": document.archive_number, "version": document.version}
    audit_record(
        action=AuditAction.DOWNLOAD, obj=document, actor=actor, changes=changes, description=description
    )


def document_extract_text(*, document_id: int) -> Document | None:
    """Fill 档案内容 and the search fields from the stored file (runs in a Celery task).

    Idempotent: running it twice writes the same values. The document's name is always indexed,
    so images and files whose text cannot be read are still found by name.
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    status = ExtractionStatus.DONE
    content = ""
    try:
        with open(blob_path(document.sha256), "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != document.sha256:
            raise StorageIntegrityError(_("文件校验失败"))
        extracted = archive_text.extract_text(document.file_kind, data)
        if extracted is None:
            status = ExtractionStatus.NOT_APPLICABLE
        else:
            content = extracted
    except Exception:
        # A damaged or exotic file must not stop the archive: record the failure, keep the name indexed.
        logger.exception("archive text extraction failed for document %s", document_id)
        status = ExtractionStatus.FAILED
    search_text = archive_text.segment_for_index(f"{document.name}\n{content}")
    fields = {"content_text": content, "search_text": search_text, "extraction_status": status}
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        fields["search_vector"] = SearchVector(Value(search_text), config="simple")
    Document.objects.filter(pk=document.pk).update(**fields)
    document.refresh_from_db()
    return document
