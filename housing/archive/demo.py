"""Demo documents for the seeded city (演示数据): a few files in 翠香街道, searchable at once."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from .models import Category, Document, OwnerKind, Stage
from .services import document_extract_text, document_upload

DEMO_STREET = "440402001000"  # 翠香街道
DEMO_UPLOADER = "cuixiang"


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    html = (
        '<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\', sans-serif">'
        f"<h1>{text}</h1><p>（演示数据）</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(text, level=1)
    document.add_paragraph("申请人：王演示（演示数据）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed_demo_documents() -> list[tuple[str, str, str]]:
    """Idempotent: files already archived (by name, in the demo street) are not added again."""
    from housing.accounts.models import User

    uploader = User.objects.filter(username=DEMO_UPLOADER).first()
    if uploader is None:
        return []
    samples = [
        (
            "演示：家庭收入证明",
            Category.INCOME_PROOF,
            Stage.ACCEPTANCE,
            "收入证明.pdf",
            _pdf,
            "家庭收入证明材料",
        ),
        (
            "演示：住房保障申请表",
            Category.APPLICATION_FORM,
            Stage.ACCEPTANCE,
            "申请表.docx",
            _docx,
            "住房保障申请表",
        ),
        (
            "演示：住房情况证明",
            Category.HOUSING_PROOF,
            Stage.STREET_REVIEW,
            "住房证明.pdf",
            _pdf,
            "无自有住房证明",
        ),
    ]
    for name, category, stage, filename, render, text in samples:
        if Document.objects.filter(region_code=DEMO_STREET, name=name).exists():
            continue
        document = document_upload(
            actor=uploader,
            upload=SimpleUploadedFile(filename, render(text)),
            name=name,
            category=category,
            stage=stage,
            region_code=DEMO_STREET,
            owner_kind=OwnerKind.FAMILY,
            application_number="SQ-DEMO-0001",
        )
        # The demo has no worker; extract now so search works on first start.
        document_extract_text(document_id=document.pk)
    return []
