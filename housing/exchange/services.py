"""Writes of the exchange: reference datasets, file imports; and the person check admission calls."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.identity import id_number_digest, mask_id_number, normalise_id_number

from .adapters import AdapterError, adapter_for
from .datasets import DEFAULT_DATASETS, ID_COLUMN_LABELS, coerce_values
from .models import Dataset, ImportBatch, ImportStatus, MirrorRecord

DEFAULT_MAX_ROWS = 50_000
# The report keeps this many row errors; a file with more is plainly the wrong file.
MAX_REPORTED_ERRORS = 1_000


def datasets_sync() -> None:
    """Create the reference datasets that are missing; a city's edits to existing ones are kept."""
    for code, name, department, fields in DEFAULT_DATASETS:
        Dataset.objects.get_or_create(
            code=code, defaults={"name": name, "department": department, "fields": fields}
        )


def max_import_rows() -> int:
    return int(getattr(settings, "EXCHANGE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- reading files ---------------------------------------------------------------------------------


def _rows_from_xlsx(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ValidationError(_("无法读取Excel文件，请确认是 .xlsx 格式。")) from exc
    try:
        sheet = workbook.worksheets[0]
        # The stored <dimension> is written by whatever tool made the file and is often wrong
        # (e.g. "A1"), which would silently cut rows off: read every row that is really there.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows_from_csv(content: bytes) -> Iterator[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):  # departments still export GBK from older systems
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("无法识别CSV文件的编码，请保存为UTF-8。"))
    yield from csv.reader(io.StringIO(text))


def read_rows(*, file_name: str, content: bytes) -> Iterator[list[Any]]:
    name = file_name.lower()
    if name.endswith(".xlsx"):
        return _rows_from_xlsx(content)
    if name.endswith(".csv"):
        return _rows_from_csv(content)
    raise ValidationError(_("只支持 .xlsx 或 .csv 文件。"))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class ParsedRow:
    row_number: int
    id_number: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def parse_rows(*, dataset: Dataset, rows: Iterator[list[Any]]) -> list[ParsedRow]:
    """Header row (field labels or names) then data rows; each data row checked in full."""
    header = next(rows, None)
    if header is None:
        raise ValidationError(_("文件是空的。"))
    names = [_cell_text(h) for h in header]
    by_label = {}
    for f in dataset.fields:
        by_label[f["name"]] = f["name"]
        by_label[f.get("label") or f["name"]] = f["name"]
    id_col = next((i for i, h in enumerate(names) if h in ID_COLUMN_LABELS), None)
    if id_col is None:
        raise ValidationError(_("第1行（表头）缺少“身份证号码”列。"))
    columns = {i: by_label[h] for i, h in enumerate(names) if h in by_label}
    missing = [
        f.get("label") or f["name"]
        for f in dataset.fields
        if f.get("required") and f["name"] not in columns.values()
    ]
    if missing:
        raise ValidationError(_("表头缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
    limit = max_import_rows()
    parsed: list[ParsedRow] = []
    for number, row in enumerate(rows, start=2):
        if all(_cell_text(c) == "" for c in row):
            continue
        if len(parsed) >= limit:
            raise ValidationError(_("文件超过 %(limit)s 行数据，请拆分后导入。") % {"limit": limit})
        item = ParsedRow(row_number=number)
        raw_id = _cell_text(row[id_col]) if id_col < len(row) else ""
        try:
            item.id_number = normalise_id_number(raw_id)
        except ValidationError as exc:
            item.errors.extend(f"{_('身份证号码')}：{m}" for m in exc.messages)
        raw = {name: row[i] if i < len(row) else None for i, name in columns.items()}
        item.values, errors = coerce_values(dataset.fields, raw)
        item.errors.extend(errors)
        parsed.append(item)
    if not parsed:
        raise ValidationError(_("文件中没有数据行。"))
    return parsed


# --- importing -------------------------------------------------------------------------------------


@transaction.atomic
def dataset_import(
    *,
    dataset: Dataset,
    file_name: str,
    content: bytes,
    source_date: dt.date,
    import_valid_rows: bool = False,
    actor,
) -> ImportBatch:
    """Import one department file into the mirror, all or nothing unless ``import_valid_rows``.

    The batch is written either way, so its report (row by row, in Chinese) can be shown; a file
    whose rows were imported once is refused the second time (same SHA-256), whatever its name.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    previous = ImportBatch.objects.filter(
        sha256=sha256, status__in=[ImportStatus.IMPORTED, ImportStatus.PARTIAL]
    ).first()
    if previous is not None:
        raise ValidationError(
            _("该文件已于 %(when)s 导入（批次 %(id)s），不能重复导入。")
            % {"when": timezone.localtime(previous.imported_at).strftime("%Y-%m-%d %H:%M"), "id": previous.pk}
        )
    parsed = parse_rows(dataset=dataset, rows=read_rows(file_name=file_name, content=content))
    good = [p for p in parsed if not p.errors]
    bad = [p for p in parsed if p.errors]
    if not bad:
        status = ImportStatus.IMPORTED
    elif import_valid_rows and good:
        status = ImportStatus.PARTIAL
    else:
        status = ImportStatus.REJECTED
    batch = ImportBatch(
        dataset=dataset,
        file_name=file_name[:200],
        sha256=sha256,
        source_date=source_date,
        rows_ok=len(good) if status != ImportStatus.REJECTED else 0,
        rows_failed=len(bad),
        errors=[{"row": p.row_number, "messages": p.errors} for p in bad[:MAX_REPORTED_ERRORS]],
        status=status,
        imported_by=actor,
    )
    batch.full_clean()
    batch.save()
    if status != ImportStatus.REJECTED:
        MirrorRecord.objects.bulk_create(
            (
                MirrorRecord(
                    dataset=dataset,
                    id_number_digest=id_number_digest(p.id_number),
                    id_number_masked=mask_id_number(p.id_number),
                    values=p.values,
                    source=file_name[:200],
                    source_date=source_date,
                    batch=batch,
                )
                for p in good
            ),
            batch_size=1000,
        )
    return batch


def mirror_record_add(
    *, dataset: Dataset, id_number: str, values: dict, source: str, source_date: dt.date
) -> MirrorRecord:
    """One record typed by the schema (demo data and tests; files go through ``dataset_import``)."""
    id_number = normalise_id_number(id_number)
    typed, errors = coerce_values(dataset.fields, values)
    if errors:
        raise ValidationError(errors)
    record = MirrorRecord(
        dataset=dataset,
        id_number_digest=id_number_digest(id_number),
        id_number_masked=mask_id_number(id_number),
        values=typed,
        source=source,
        source_date=source_date,
    )
    record.full_clean()
    record.save()
    return record


# --- checking a person ----------------------------------------------------------------------------


class CheckOutcome:
    FOUND = "found"
    NOT_FOUND = "not_found"
    ERROR = "error"


OUTCOME_LABELS = {
    CheckOutcome.FOUND: "有记录",
    CheckOutcome.NOT_FOUND: "无记录",
    CheckOutcome.ERROR: "查询失败",
}


@dataclass(frozen=True)
class CheckResult:
    """One dataset asked about one person: where the answer came from, when, and what it said."""

    dataset_code: str
    dataset_name: str
    source: str
    checked_at: dt.datetime
    outcome: str
    records: list[dict] = field(default_factory=list)
    error: str = ""

    @property
    def found(self) -> bool:
        return self.outcome == CheckOutcome.FOUND

    @property
    def outcome_label(self) -> str:
        return _(OUTCOME_LABELS[self.outcome])


def person_check(*, id_number: str, dataset_codes: list[str] | tuple[str, ...]) -> list[CheckResult]:
    """Ask each dataset's source about one person; a failing source gives an error result, not an exception,
    so one department's outage never hides the others' answers."""
    id_number = normalise_id_number(id_number)
    datasets = {d.code: d for d in Dataset.objects.filter(code__in=dataset_codes)}
    results = []
    for code in dataset_codes:
        dataset = datasets.get(code)
        if dataset is None:
            raise ValidationError(_("数据集“%(code)s”不存在。") % {"code": code})
        adapter = adapter_for(code)
        source = getattr(adapter, "url", "") or _("本地镜像")
        try:
            records = adapter.lookup(code, id_number)
        except AdapterError as exc:
            results.append(
                CheckResult(code, dataset.name, source, timezone.now(), CheckOutcome.ERROR, [], str(exc))
            )
            continue
        outcome = CheckOutcome.FOUND if records else CheckOutcome.NOT_FOUND
        results.append(CheckResult(code, dataset.name, source, timezone.now(), outcome, records))
    return results
