"""Upload checks by content (DESIGN §4 rule 10): what is allowed, and the message for each refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from housing.archive.models import FileKind
from housing.archive.validators import validate_upload

from .conftest import docx_bytes, image_bytes, ofd_bytes, pdf_bytes, upload, xlsx_bytes, zip_bytes


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("证明.pdf", pdf_bytes(), FileKind.PDF),
        ("身份证.jpg", image_bytes("JPEG"), FileKind.JPEG),
        ("身份证.JPEG", image_bytes("JPEG"), FileKind.JPEG),
        ("照片.png", image_bytes("PNG"), FileKind.PNG),
        ("通知书.ofd", ofd_bytes("通知"), FileKind.OFD),
        ("申请表.docx", docx_bytes("申请表"), FileKind.DOCX),
        ("收入.xlsx", xlsx_bytes([["月份", "收入"]]), FileKind.XLSX),
    ],
)
def test_allowed_formats_are_recognised_by_content(name, content, kind):
    assert validate_upload(upload(name, content)).kind == kind


def _refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(name, content))
    return excinfo.value


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
        b"#!/bin/sh\nrm -rf /\n",
    ],
    ids=["windows-exe", "elf", "shell-script"],
)
def test_executable_renamed_pdf_is_refused(content):
    error = _refusal("收入证明.pdf", content)
    assert error.code == "executable"
    assert "可执行程序或脚本" in error.messages[0]


def test_empty_file_is_refused():
    error = _refusal("空文件.pdf", b"")
    assert error.code == "empty"
    assert "文件为空" in error.messages[0]


def test_gif_is_refused_naming_what_it_is():
    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    error = _refusal("动画.gif", gif)
    assert error.code == "wrong_type"
    assert "GIF" in error.messages[0] and "只允许上传" in error.messages[0]


def test_zip_with_other_content_is_refused():
    error = _refusal("材料.docx", zip_bytes({"readme.txt": "hello"}))
    assert error.code == "wrong_type"
    assert "ZIP 压缩包" in error.messages[0]


def test_macro_enabled_office_file_is_refused():
    content = zip_bytes({"word/document.xml": "<w/>", "word/vbaProject.bin": "macro"})
    assert _refusal("申请表.docx", content).code == "macro"


def test_unknown_bytes_are_refused():
    assert _refusal("说明.pdf", "纯文本内容".encode()).code == "wrong_type"


def test_oversize_file_is_refused_with_the_limit(settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 1024
    error = _refusal("大文件.pdf", pdf_bytes() + b"0" * 2048)
    assert error.code == "too_large"
    assert "超过了上限 1.0\xa0KB" in error.messages[0]


def test_png_named_pdf_is_refused_saying_it_is_a_png():
    error = _refusal("收入证明.pdf", image_bytes("PNG"))
    assert error.code == "extension_mismatch"
    assert "“.pdf”与内容不符" in error.messages[0]
    assert "PNG 图片" in error.messages[0]


def test_file_without_extension_is_refused():
    assert _refusal("收入证明", pdf_bytes()).code == "extension_mismatch"
