"""部门数据交换: a local mirror of the data other departments share with the housing bureau.

Mirror rows carry no region: a department's record (户籍, 社保, 不动产 …) belongs to the person, not to
the office that imported it, and every level must check a family against the same city-wide data.
Access is by permission (city centre), and every display of a person's records is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    STRING = "str", _("文本")
    INTEGER = "int", _("整数")
    DECIMAL = "decimal", _("数值")
    DATE = "date", _("日期")
    BOOLEAN = "bool", _("是否")


class Dataset(models.Model):
    """One department's shared dataset; its field schema is data, so a city can add columns without code."""

    code = models.SlugField(_("数据集编码"), max_length=40, unique=True)
    name = models.CharField(_("数据集名称"), max_length=60)
    department = models.CharField(_("提供部门"), max_length=60)
    fields = models.JSONField(
        _("字段定义"),
        default=list,
        help_text=_(
            '列表，每项形如 {"name": "monthly_base", "label": "缴费基数", "type": "decimal", "required": true}'
        ),
    )
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门数据集")
        verbose_name_plural = verbose_name
        ordering = ["code"]
        permissions = [("import_dataset", _("可以导入部门数据"))]

    def __str__(self) -> str:
        return f"{self.name}（{self.department}）"


class ImportStatus(models.TextChoices):
    IMPORTED = "imported", _("已导入")
    PARTIAL = "partial", _("部分导入")
    REJECTED = "rejected", _("未导入")


class ImportBatch(models.Model):
    """One uploaded file: its digest refuses a second import of the same file."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="batches", verbose_name=_("数据集")
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, db_index=True)
    source_date = models.DateField(_("数据日期"))
    rows_ok = models.PositiveIntegerField(_("有效行数"), default=0)
    rows_failed = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("校验错误"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入人")
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = verbose_name
        ordering = ["-imported_at", "-id"]
        constraints = [
            # A rejected file may come back with "import the valid rows"; an imported one never twice.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=models.Q(status__in=["imported", "partial"]),
                name="exchange_batch_file_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset.name} {self.file_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exchange:batch_detail", args=[self.pk])


class MirrorRecord(models.Model):
    """One department record about one person; the clear ID number is never stored (keyed hash + mask)."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="records", verbose_name=_("数据集")
    )
    id_number_digest = models.CharField(_("身份证号码摘要"), max_length=64)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18)
    values = models.JSONField(_("数据内容"), default=dict)
    source = models.CharField(_("数据来源"), max_length=200)
    source_date = models.DateField(_("数据日期"))
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("导入批次"),
    )

    class Meta:
        verbose_name = _("部门数据记录")
        verbose_name_plural = verbose_name
        ordering = ["dataset", "-source_date", "-id"]
        indexes = [models.Index(fields=["id_number_digest", "dataset"], name="exchange_record_person_idx")]

    def __str__(self) -> str:
        return f"{self.dataset.name} {self.id_number_masked}"
