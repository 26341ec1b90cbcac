"""栏目与文章: what the portal publishes (通知公告、政策法规、政策解读 …).

An article's body is HTML from the rich-text editor, cleaned on every save (``services.clean_html``), so
nothing a browser would run is ever stored. An article is public while it is 已发布 and its 发布时间 has
come: a future 发布时间 is a scheduled publication that needs no job to go live.
"""

from __future__ import annotations

import django_fsm
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

__all__ = ["ArticleState", "ContentColumn", "Article"]


class ContentColumn(models.Model):
    """栏目: 通知公告, 政策法规 … (administrators add more in the admin)."""

    code = models.SlugField(_("栏目代码"), max_length=40, unique=True)
    name = models.CharField(_("栏目名称"), max_length=40, unique=True)
    description = models.CharField(_("栏目说明"), max_length=200, blank=True, default="")
    position = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("是否启用"), default=True)

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:content_column", args=[self.code])


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤下")


class Article(django_fsm.FSMModelMixin, RegionScoped):
    """文章: one piece of policy, news or guidance in a column, with its attachments in the archive."""

    column = models.ForeignKey(
        ContentColumn, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True, default="")
    body_html = models.TextField(_("正文"), blank=True, default="")
    source = models.CharField(_("来源"), max_length=60, blank=True, default="")
    document_number = models.CharField(_("文号"), max_length=60, blank=True, default="")
    state = django_fsm.FSMField(
        _("状态"), max_length=12, choices=ArticleState.choices, default=ArticleState.DRAFT, protected=True
    )
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_reason = models.CharField(_("撤下原因"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰稿人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    # Title and body as jieba-segmented words (for PostgreSQL full text, and icontains on SQLite).
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)
    search_vector = SearchVectorField(_("全文索引"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta(RegionScoped.Meta):
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-publish_at", "-pk"]
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["column", "state", "-publish_at"], name="portal_article_public"),
        ]
        permissions = [("publish_article", _("可以发布和撤下文章"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal_content:article_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("portal:content_article", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return (
            self.state == ArticleState.PUBLISHED
            and self.publish_at is not None
            and (self.publish_at <= timezone.now())
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.state == ArticleState.PUBLISHED
            and self.publish_at is not None
            and (self.publish_at > timezone.now())
        )

    @django_fsm.transition(
        field=state, source=[ArticleState.DRAFT, ArticleState.WITHDRAWN], target=ArticleState.PUBLISHED
    )
    def publish(self) -> None:
        pass

    @django_fsm.transition(field=state, source=ArticleState.PUBLISHED, target=ArticleState.WITHDRAWN)
    def withdraw(self) -> None:
        pass
