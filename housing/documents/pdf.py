"""PDF rendering with WeasyPrint, in Chinese: A4, page numbers, the document number, a QR code.

Missing CJK glyphs fail silently in a PDF, so every font stack (page-margin boxes included) names
"Noto Sans CJK SC" (Debian ``fonts-noto-cjk``) and the tests extract the Chinese text back.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe


def verify_url(number: str) -> str:
    """The public page where anyone checks that a document number is genuine."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("documents:verify", args=[number])


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data URI (no file, no network)."""
    image = qrcode.make(text, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def document_html(*, body_html: str, title: str, number: str, issued_at: datetime | None = None) -> str:
    """The full HTML page: ``body_html`` (already rendered in the sandbox) inside the A4 frame."""
    url = verify_url(number)
    return render_to_string(
        "documents/pdf/base.html",
        {
            "body_html": mark_safe(body_html),  # noqa: S308 — output of the autoescaping sandbox engine
            "title": title,
            "number": number,
            "issued_at": timezone.localtime(issued_at or timezone.now()),
            "verify_url": url,
            "qr_data_uri": qr_data_uri(url),
        },
    )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow and only PDF work needs it

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
