"""Project photos for the portal's 房源展示: content-checked, re-encoded, thumbnailed on upload.

Every upload is opened with Pillow and accepted only when its *content* is a JPEG or PNG (the file
name and the browser's content type are not trusted: DESIGN §4 rule 10). It is then re-encoded, which
drops camera metadata (EXIF GPS, device) and bounds the size a phone downloads; the thumbnail for the
listing cards is made once here, never per request.
"""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.audit.services import AuditAction, audit_record

from ..models import Project, ProjectPhoto

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # a 40-megapixel camera at most; larger is refused, not decoded
PHOTO_SIZE = (1600, 1600)  # the gallery's full view
THUMBNAIL_SIZE = (480, 360)  # the listing card (a 375 px phone at 2× still looks sharp)
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def _refuse(message: str) -> ValidationError:
    return ValidationError({"image": [message]})


def photo_image_check(upload):
    """Open the upload as an image; a JPEG or PNG by content, not too large. Returns the Pillow image."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise _refuse(_("照片不能超过 %(mb)s MB。") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    upload.seek(0)
    data = upload.read()
    try:
        probe = Image.open(io.BytesIO(data))
        fmt = probe.format
        width, height = probe.size
        probe.verify()  # a truncated or forged file fails here, before it is decoded
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(_("上传的文件不是有效的图片，请上传 JPEG 或 PNG 格式的照片。")) from None
    if fmt not in ACCEPTED_FORMATS:
        raise _refuse(
            _("只接受 JPEG 或 PNG 格式的照片（该文件是 %(fmt)s）。") % {"fmt": fmt or _("未知格式")}
        )
    if width * height > PHOTO_MAX_PIXELS:
        raise _refuse(_("照片像素过多（%(w)s×%(h)s），请缩小后再上传。") % {"w": width, "h": height})
    image = Image.open(io.BytesIO(data))  # verify() leaves the image unusable: open again
    try:
        image.load()
    except OSError:
        raise _refuse(_("图片文件已损坏，请重新导出后上传。")) from None
    return image


def _encode(image, *, size: tuple[int, int], fmt: str) -> bytes:
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image)  # a phone's portrait photo stays upright once EXIF is gone
    image.thumbnail(size)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _require(actor, project: Project) -> None:
    # A photo is part of the project: whoever may change the project in their scope manages its photos.
    if actor is None:
        return  # the demo seeder
    if not actor.has_perm("projects.change_project"):
        raise PermissionDenied(_("您没有执行该操作的权限。"))
    if not code_in_scope(actor, project.region_code):
        raise PermissionDenied(_("该项目不在您的数据范围内。"))


@transaction.atomic
def project_photo_save(*, photo: ProjectPhoto, actor, upload=None) -> ProjectPhoto:
    """Save a new or changed photo; with ``upload``, check it and store the re-encoded image and thumbnail."""
    project = photo.project
    _require(actor, project)
    is_new = photo.pk is None
    photo.region_code = project.region_code
    if upload is not None:
        image = photo_image_check(upload)
        fmt = image.format
        stem = uuid.uuid4().hex
        full = _encode(image.copy(), size=PHOTO_SIZE, fmt=fmt)
        thumb = _encode(image, size=THUMBNAIL_SIZE, fmt="JPEG")
        # The files stored before this upload (the instance may already hold the upload itself).
        old = ProjectPhoto.objects.filter(pk=photo.pk).values_list("image", "thumbnail").first() or ()
        photo.image.save(f"{stem}.{ACCEPTED_FORMATS[fmt]}", ContentFile(full), save=False)
        photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumb), save=False)
        if actor is not None and photo.uploaded_by_id is None:
            photo.uploaded_by = actor
        transaction.on_commit(lambda: _delete_files(*old))
    elif not photo.image:
        raise _refuse(_("请选择照片。"))
    photo.full_clean()
    photo.save()
    audit_record(
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        obj=photo,
        actor=actor,
        description=_("项目照片：%(project)s %(caption)s")
        % {"project": project.name, "caption": photo.caption},
    )
    return photo


def project_photo_add(*, project: Project, actor, upload, caption: str = "", order: int = 0) -> ProjectPhoto:
    return project_photo_save(
        photo=ProjectPhoto(project=project, caption=caption, order=order), actor=actor, upload=upload
    )


@transaction.atomic
def project_photo_delete(*, photo: ProjectPhoto, actor) -> None:
    """A photo is presentation, not a business record: it is removed with its files."""
    _require(actor, photo.project)
    names = (photo.image.name, photo.thumbnail.name)
    audit_record(
        action=AuditAction.DELETE,
        obj=photo,
        actor=actor,
        description=_("删除项目照片：%(project)s %(caption)s")
        % {"project": photo.project.name, "caption": photo.caption},
    )
    photo.delete()
    transaction.on_commit(lambda: _delete_files(*names))


def _delete_files(*names: str) -> None:
    storage = ProjectPhoto._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)
