"""电子档案 (CJJ/T 196 A.3.15 电子档案信息): immutable, hashed documents attached to any owner.

A document row never changes its file: a correction is a new version that points to the one it
supersedes (DESIGN §4 rule 7). Deletion is the ``withdrawn`` state with a reason. Files live under
``MEDIA_ROOT`` at content-addressed paths, so two uploads of the same bytes share one file.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from housing.regions.models import RegionScoped


class OwnerKind(models.TextChoices):
    """档案归属方式: the three ways the standard files documents."""

    FAMILY = "family", _("一户一档")
    UNIT = "unit", _("一套一档")
    CASE = "case", _("一事一档")


class Category(models.TextChoices):
    """档案类型."""

    ID_CARD = "id_card", _("身份证")
    HOUSEHOLD_REGISTER = "household_register", _("户口簿")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("结婚证")
    APPLICATION_FORM = "application_form", _("申请表")
    INCOME_PROOF = "income_proof", _("收入证明")
    HOUSING_PROOF = "housing_proof", _("住房证明")
    ASSET_PROOF = "asset_proof", _("资产证明")
    CONTRACT = "contract", _("合同")
    NOTICE = "notice", _("通知书")
    PHOTO = "photo", _("照片")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    """办理阶段: where in the business the document was filed."""

    ACCEPTANCE = "acceptance", _("受理")
    STREET_REVIEW = "street_review", _("街道审核")
    DISTRICT_REVIEW = "district_review", _("区审核")
    CITY_REVIEW = "city_review", _("市审核")
    ALLOCATION = "allocation", _("配租配售")
    CONTRACT = "contract", _("合同")
    POST_ALLOCATION = "post_allocation", _("配后管理")
    OTHER = "other", _("其他")


class FileKind(models.TextChoices):
    """The file formats accepted, decided by content (see validators.py), never by name."""

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    OFD = "ofd", "OFD"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


class DocumentStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("已撤回")


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("待提取")
    DONE = "done", _("已提取")
    NOT_APPLICABLE = "not_applicable", _("无文本")
    FAILED = "failed", _("提取失败")


class ArchiveNumberSequence(models.Model):
    """The last serial issued per (district, year): archive numbers are gap-free and readable."""

    district_code = models.CharField(_("区县代码"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    last_serial = models.PositiveIntegerField(_("当前序号"), default=0)

    class Meta:
        verbose_name = _("档案编号序列")
        verbose_name_plural = _("档案编号序列")
        constraints = [
            models.UniqueConstraint(fields=["district_code", "year"], name="archive_sequence_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.district_code}-{self.year}: {self.last_serial}"


class Document(RegionScoped):
    """One version of one archived file (电子档案信息, A.3.15)."""

    archive_number = models.CharField(
        _("档案编号"),
        max_length=32,
        help_text=_("同一档案的各版本共用档案编号，以版本号区分。"),
    )
    version = models.PositiveIntegerField(_("版本号"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    version_note = models.CharField(_("版本说明"), max_length=500, blank=True, default="")

    owner_kind = models.CharField(_("归档方式"), max_length=10, choices=OwnerKind.choices)
    # The owner may be any model, including ones later subsystems add; both parts are nullable so a
    # document can be filed before (or without) its owner row.
    owner_content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("归属对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_object_id = models.CharField(_("归属对象编号"), max_length=64, blank=True, default="")
    owner = GenericForeignKey("owner_content_type", "owner_object_id")
    application_number = models.CharField(_("申请编号"), max_length=40, blank=True, default="")

    category = models.CharField(_("档案类型"), max_length=24, choices=Category.choices)
    stage = models.CharField(_("办理阶段"), max_length=20, choices=Stage.choices)
    name = models.CharField(_("档案名称"), max_length=200)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    sha256 = models.CharField(_("SHA-256摘要"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    file_kind = models.CharField(_("文件格式"), max_length=8, choices=FileKind.choices)
    mime_type = models.CharField(_("MIME类型"), max_length=100)
    original_filename = models.CharField(_("原文件名"), max_length=255)

    content_text = models.TextField(_("档案内容"), blank=True, default="")
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)
    # PostgreSQL only fills and indexes this (GIN index created by migration 0002 on PostgreSQL);
    # on the SQLite demo it stays empty and search falls back to icontains on search_text.
    search_vector = SearchVectorField(_("全文索引"), null=True, blank=True, editable=False)
    extraction_status = models.CharField(
        _("文本提取状态"), max_length=16, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )

    status = models.CharField(
        _("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ACTIVE
    )
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=500, blank=True, default="")
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("电子档案")
        verbose_name_plural = _("电子档案")
        ordering = ["-uploaded_at", "-pk"]
        permissions = [("withdraw_document", _("可以撤回电子档案"))]
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["owner_content_type", "owner_object_id"], name="archive_doc_owner"),
            models.Index(fields=["sha256"], name="archive_doc_sha256"),
            models.Index(fields=["application_number"], name="archive_doc_application"),
            models.Index(fields=["-uploaded_at", "-id"], name="archive_doc_uploaded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["archive_number", "version"], name="archive_doc_number_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="archive_doc_version_positive"),
            models.CheckConstraint(
                condition=models.Q(status="active") | ~models.Q(withdrawn_reason=""),
                name="archive_doc_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_number} v{self.version} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("archive:detail", args=[self.pk])

    @property
    def storage_name(self) -> str:
        """Content-addressed path relative to MEDIA_ROOT: ``archive/ab/cd/<sha256>``."""
        return storage_name_for(self.sha256)

    @property
    def is_withdrawn(self) -> bool:
        return self.status == DocumentStatus.WITHDRAWN

    @property
    def is_image(self) -> bool:
        return self.file_kind in (FileKind.JPEG, FileKind.PNG)

    @property
    def is_pdf(self) -> bool:
        return self.file_kind == FileKind.PDF

    @property
    def owner_label(self) -> str:
        if not self.owner_content_type_id:
            return ""
        return f"{self.owner_content_type.name} #{self.owner_object_id}"


def storage_name_for(sha256: str) -> str:
    return f"archive/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class DocumentUserObjectPermission(UserObjectPermissionBase):
    """A grant of one document to one user outside their region (django-guardian, direct FK)."""

    content_object = models.ForeignKey(Document, verbose_name=_("档案"), on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("档案授权")
        verbose_name_plural = _("档案授权")
