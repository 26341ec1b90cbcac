"""Archive test helpers: a private MEDIA_ROOT per test and real files of every kind."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import STREET_A1
from housing.archive.models import Category, OwnerKind, Stage
from housing.archive.services import document_upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its blobs under its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(root) -> list:
    """Every file under MEDIA_ROOT (temporary upload files included, so leftovers are caught)."""
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def pdf_bytes(text: str | None = None) -> bytes:
    """A real PDF: WeasyPrint with CJK fonts when text is given, else a blank pypdf page."""
    if text:
        from weasyprint import HTML

        html = (
            f'<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'"><p>{text}</p></body></html>'
        )
        return HTML(string=html).write_pdf()
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "收入"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ofd_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        archive.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            '<?xml version="1.0"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>'
            f'<ofd:TextObject><ofd:TextCode X="0" Y="0">{text}</ofd:TextCode></ofd:TextObject>'
            "</ofd:Layer></ofd:Content></ofd:Page>",
        )
    return buffer.getvalue()


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def make_document(street_caseworker):
    """Archive a document through the real service (defaults: a blank PDF in street A1)."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        actor=None,
        region_code=STREET_A1,
        name=None,
        content: bytes | None = None,
        filename="材料.pdf",
        **extra,
    ):
        n = next(counter)
        return document_upload(
            actor=actor or street_caseworker,
            upload=upload(filename, content if content is not None else pdf_bytes() + f"%{n}\n".encode()),
            name=name or f"申请材料{n}",
            category=extra.pop("category", Category.INCOME_PROOF),
            stage=extra.pop("stage", Stage.ACCEPTANCE),
            region_code=region_code,
            owner_kind=extra.pop("owner_kind", OwnerKind.CASE),
            **extra,
        )

    return make
