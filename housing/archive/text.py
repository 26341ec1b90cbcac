"""Text out of archived files, and Chinese word segmentation for search.

PostgreSQL's parsers do not split Chinese into words, so text is segmented with jieba first and
stored space-joined; the ``simple`` configuration then indexes each segment as a lexeme.
"""

from __future__ import annotations

import io
import logging
import zipfile
from functools import cache

from .models import FileKind

# Bounds that keep one huge document from blowing up a worker or PostgreSQL's 1 MB tsvector limit.
MAX_CONTENT_CHARS = 200_000
MAX_PDF_PAGES = 500
MAX_XLSX_CELLS = 200_000

logger = logging.getLogger(__name__)


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def segment(text: str) -> list[str]:
    """Search-mode segments (long words also yield their sub-words), punctuation dropped."""
    return [
        token.strip().lower()
        for token in _jieba().cut_for_search(text or "")
        if token.strip() and any(ch.isalnum() for ch in token)
    ]


def segment_for_index(text: str) -> str:
    return " ".join(segment(text))


def segment_query(query: str) -> list[str]:
    """The finest segments of a query, all of which a document must contain.

    jieba may cut "家庭收入证明材料" as 家庭收入/证明/材料 while a query "收入证明" is one word; the
    index holds sub-words of long words, so matching on the query's smallest words finds both.
    """
    tokens = list(dict.fromkeys(segment(query)))
    return [t for t in tokens if not any(o != t and o in t for o in tokens)]


def extract_text(kind: str, data: bytes) -> str | None:
    """The file's text, or None when the format carries none (images)."""
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        return None
    text = extractor(data)
    return text[:MAX_CONTENT_CHARS]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(len(p) for p in parts) > MAX_CONTENT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(p for p in parts if p)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts: list[str] = []
    cells = 0
    try:
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            # Stored dimensions can be wrong or missing; reset and let iteration find the real extent.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                values = [str(v) for v in row if v is not None and str(v).strip()]
                cells += len(row)
                if values:
                    parts.append(" ".join(values))
                if cells > MAX_XLSX_CELLS:
                    return "\n".join(parts)
    finally:
        workbook.close()
    return "\n".join(parts)


def _ofd_text(data: bytes) -> str:
    """OFD (GB/T 33190) keeps page text in ``TextCode`` elements of each page's Content.xml."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    parts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(n for n in archive.namelist() if n.endswith("Content.xml")):
            root = etree.fromstring(archive.read(name), parser)
            parts.extend(el.text or "" for el in root.iter() if etree.QName(el).localname == "TextCode")
    return "".join(parts)


_EXTRACTORS = {
    FileKind.PDF: _pdf_text,
    FileKind.DOCX: _docx_text,
    FileKind.XLSX: _xlsx_text,
    FileKind.OFD: _ofd_text,
}
