"""Upload checks by content, not by name (DESIGN §4 rule 10).

The first bytes decide what a file is; the name's extension must then agree with it. ZIP-based
formats (OFD, DOCX, XLSX) are told apart by the parts inside the archive. Every refusal is a
``ValidationError`` with a Chinese message that says what was wrong, raised before anything is
written, so a refused upload leaves no row and no file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import FileKind

HEAD_BYTES = 8192
# A ZIP whose parts expand to more than this is refused: openpyxl and python-docx read parts whole.
MAX_ZIP_EXPANDED_BYTES = 500 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileFormat:
    kind: str
    mime_type: str
    extensions: tuple[str, ...]
    label: str


FORMATS: dict[str, FileFormat] = {
    FileKind.PDF: FileFormat(FileKind.PDF, "application/pdf", (".pdf",), "PDF 文档"),
    FileKind.JPEG: FileFormat(FileKind.JPEG, "image/jpeg", (".jpg", ".jpeg"), "JPEG 图片"),
    FileKind.PNG: FileFormat(FileKind.PNG, "image/png", (".png",), "PNG 图片"),
    FileKind.OFD: FileFormat(FileKind.OFD, "application/ofd", (".ofd",), "OFD 版式文档"),
    FileKind.DOCX: FileFormat(
        FileKind.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "Word 文档（DOCX）",
    ),
    FileKind.XLSX: FileFormat(
        FileKind.XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        "Excel 表格（XLSX）",
    ),
}

ALLOWED_TEXT = "PDF、JPEG、PNG、OFD、DOCX、XLSX"

# Magic numbers of programs and scripts: Windows PE, ELF, Mach-O (both endians, fat), shebang.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "ARCHIVE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def validate_upload(upload) -> FileFormat:
    """Check an uploaded file (Django ``UploadedFile`` or any seekable binary file with ``name``).

    Returns the detected format; raises ``ValidationError`` with the reason otherwise.
    """
    size = _size_of(upload)
    if size == 0:
        raise ValidationError(_("文件为空（0 字节），请选择有内容的文件。"), code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("文件大小为 %(size)s，超过了上限 %(limit)s，请压缩或拆分后再上传。")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )

    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(EXECUTABLE_MAGIC) or _filetype_says_executable(head):
        raise ValidationError(
            _("文件内容是可执行程序或脚本，不允许作为档案上传（与文件名无关）。"), code="executable"
        )

    fmt = _detect(upload, head)
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if extension not in fmt.extensions:
        raise ValidationError(
            _("文件扩展名“%(ext)s”与内容不符：文件内容实际是%(label)s，应使用扩展名 %(expected)s。")
            % {
                "ext": extension or _("（无）"),
                "label": fmt.label,
                "expected": "、".join(fmt.extensions),
            },
            code="extension_mismatch",
        )
    return fmt


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def _filetype_says_executable(head: bytes) -> bool:
    kind = filetype.guess(head)
    return kind is not None and kind.extension in {"exe", "elf", "dll", "dex", "msi", "sh", "bat"}


def _detect(upload, head: bytes) -> FileFormat:
    if head.startswith(b"%PDF-"):
        return FORMATS[FileKind.PDF]
    if head.startswith(b"\xff\xd8\xff"):
        return FORMATS[FileKind.JPEG]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FORMATS[FileKind.PNG]
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(upload)
    kind = filetype.guess(head)
    if kind is not None:
        raise ValidationError(
            _("不支持的文件类型：文件内容是 %(ext)s（%(mime)s），只允许上传 %(allowed)s。")
            % {"ext": kind.extension.upper(), "mime": kind.mime, "allowed": ALLOWED_TEXT},
            code="wrong_type",
        )
    raise ValidationError(
        _("无法识别的文件类型，只允许上传 %(allowed)s。") % {"allowed": ALLOWED_TEXT}, code="wrong_type"
    )


def _detect_zip(upload) -> FileFormat:
    """OFD, DOCX and XLSX are ZIP packages; the parts inside say which one (if any) this is."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_EXPANDED_BYTES:
                raise ValidationError(_("压缩文档解压后过大，疑似恶意文件，不允许上传。"), code="zip_bomb")
            names = {m.filename for m in members}
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("文件已损坏：ZIP 结构无法读取。"), code="corrupt") from exc
    finally:
        upload.seek(0)

    if "OFD.xml" in names:
        return FORMATS[FileKind.OFD]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        # A macro-enabled Office file renamed .docx/.xlsx carries code; the archive keeps documents only.
        raise ValidationError(_("文档包含宏代码，不允许上传，请另存为不含宏的文档。"), code="macro")
    if "word/document.xml" in names:
        return FORMATS[FileKind.DOCX]
    if "xl/workbook.xml" in names:
        return FORMATS[FileKind.XLSX]
    raise ValidationError(
        _("不支持的文件类型：文件内容是 ZIP 压缩包，但不是 OFD、DOCX 或 XLSX 文档，只允许上传 %(allowed)s。")
        % {"allowed": ALLOWED_TEXT},
        code="wrong_type",
    )
