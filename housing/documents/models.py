"""文书: versioned document templates (e.g. 合同、通知书、资格证明) and the documents issued from them."""

from __future__ import annotations

import django_fsm
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from .sandbox import TemplateSyntaxError, sandbox_compile

PUBLISH_PERMISSION = "documents.publish_documenttemplate"


class TemplateState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("已启用")
    RETIRED = "retired", _("已停用")


class DocumentTemplate(django_fsm.FSMModelMixin, RegionScoped):
    """One version of a document template; the standard asks for customisable contract templates.

    An active version is never edited (documents issued from it must stay reproducible): "修改"
    copies it into a new draft version. For one code only one version is active at a time.
    """

    code = models.CharField(_("模板编码"), max_length=64)
    name = models.CharField(_("模板名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    body = models.TextField(
        _("模板正文"),
        help_text=_("HTML，Django 模板语法；只能使用变量、过滤器和 if/for 等基本标签。"),
    )
    sample_context = models.JSONField(
        _("预览示例数据"), default=dict, blank=True, help_text=_("“预览PDF”时代入模板的示例数据（JSON）。")
    )
    state = django_fsm.FSMField(
        _("状态"), max_length=16, choices=TemplateState.choices, default=TemplateState.DRAFT, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta(RegionScoped.Meta):
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="documents_template_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(state="active"), name="documents_template_one_active"
            ),
        ]
        permissions = [("publish_documenttemplate", _("可以启用或停用文书模板"))]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} 第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("documents_office:template_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == TemplateState.DRAFT

    def clean(self) -> None:
        try:
            sandbox_compile(self.body, autoescape=True)
        except TemplateSyntaxError as exc:
            raise ValidationError({"body": _("模板语法错误：%(error)s") % {"error": exc}}) from exc

    # Transitions: called only by the services, which record them in the workflow.
    @django_fsm.transition(
        field=state, source=TemplateState.DRAFT, target=TemplateState.ACTIVE, permission=PUBLISH_PERMISSION
    )
    def activate(self) -> None:
        """启用"""

    @django_fsm.transition(
        field=state, source=TemplateState.ACTIVE, target=TemplateState.RETIRED, permission=PUBLISH_PERMISSION
    )
    def retire(self) -> None:
        """停用"""


TRANSITION_LABELS = {"activate": _("启用"), "retire": _("停用")}


class DocumentNumberSequence(models.Model):
    """The last number used for one prefix and year; incremented under a row lock."""

    prefix = models.CharField(_("编号前缀"), max_length=16)
    year = models.PositiveSmallIntegerField(_("年度"))
    last_value = models.PositiveIntegerField(_("当前序号"), default=0)

    class Meta:
        verbose_name = _("文书编号序列")
        verbose_name_plural = _("文书编号序列")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="documents_sequence_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


class IssuedDocument(RegionScoped):
    """A document issued as PDF; anyone can check its number on the public verification page."""

    number = models.CharField(_("文书编号"), max_length=32, unique=True)
    title = models.CharField(_("文书标题"), max_length=200)
    issued_at = models.DateTimeField(_("出具时间"), default=timezone.now)
    template = models.ForeignKey(
        DocumentTemplate, verbose_name=_("模板版本"), on_delete=models.PROTECT, related_name="issued"
    )
    sha256 = models.CharField(_("PDF摘要（SHA-256）"), max_length=64)
    owner_content_type = models.ForeignKey(
        ContentType, verbose_name=_("所属对象类型"), null=True, blank=True, on_delete=models.PROTECT
    )
    owner_object_id = models.CharField(_("所属对象编号"), max_length=64, blank=True)
    owner = GenericForeignKey("owner_content_type", "owner_object_id")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(RegionScoped.Meta):
        verbose_name = _("已出具文书")
        verbose_name_plural = _("已出具文书")
        ordering = ["-issued_at", "-id"]
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["owner_content_type", "owner_object_id"], name="documents_issued_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_verify_url(self) -> str:
        return reverse("documents:verify", args=[self.number])
