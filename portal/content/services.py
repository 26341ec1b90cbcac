"""Writes of 内容管理: saving (with the HTML cleaned), publishing, withdrawing, attaching files."""

from __future__ import annotations

import datetime
import html

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.archive import text as archive_text

from .models import Article, ArticleState, ContentColumn

EDIT = "portal.change_article"
ADD = "portal.add_article"
PUBLISH = "portal.publish_article"

# What the editor produces and a policy text needs; everything else (scripts, styles, event handlers,
# iframes, images as data URIs) is dropped on save. Images go in as attachments.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td", "span", "sub", "sup", "hr",
}  # fmt: skip
ALIGN_CLASSES = {"ql-align-center", "ql-align-right", "ql-align-justify", "ql-indent-1", "ql-indent-2"}
DEFAULT_COLUMNS = (
    ("notice", "通知公告", "住房保障工作的通知、公告和公示信息"),
    ("policy", "政策法规", "住房保障的法律、法规、规章和规范性文件"),
    ("interpretation", "政策解读", "对政策的解读和常见问题解答"),
    ("news", "工作动态", "住房保障工作的进展和动态"),
    ("guide", "办事指南", "申请条件、所需材料、办理流程和时限"),
    ("enforcement", "执法监督", "监督检查、违规处理和投诉举报结果"),
)


def clean_html(value: str) -> str:
    """The body as stored: only the tags above, links made safe (no javascript:, rel=noopener)."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
        allowed_classes={tag: ALIGN_CLASSES for tag in ("p", "h2", "h3", "h4", "li")},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def plain_text(body_html: str) -> str:
    return html.unescape(strip_tags(body_html or "")).strip()


def content_columns_sync() -> None:
    """The six columns of the standard portal (seed 000); idempotent, never renames an edited column."""
    for position, (code, name, description) in enumerate(DEFAULT_COLUMNS, start=1):
        ContentColumn.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position * 10}
        )


def _require(actor, permission: str, region_code: str) -> None:
    if not actor.has_perm(permission) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有在该区划管理门户文章的权限。"))


def _index(article: Article) -> None:
    words = archive_text.segment_for_index(
        f"{article.title}\n{article.summary}\n{plain_text(article.body_html)}"
    )
    fields = {"search_text": words}
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        fields["search_vector"] = SearchVector(Value(words), config="simple")
    Article.objects.filter(pk=article.pk).update(**fields)


@transaction.atomic
def article_save(
    *,
    actor,
    column: ContentColumn,
    title: str,
    body_html: str,
    region_code: str,
    summary: str = "",
    source: str = "",
    document_number: str = "",
    article: Article | None = None,
) -> Article:
    """Create a draft, or change an article (a published one stays published: a correction)."""
    _require(actor, EDIT if article else ADD, region_code)
    body = clean_html(body_html)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写标题。")
    if not plain_text(body):
        errors["body_html"] = _("请填写正文。")
    if errors:
        raise ValidationError(errors)
    if article is None:
        article = Article(created_by=actor)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.region_code != region_code:
            _require(actor, EDIT, article.region_code)
    article.column = column
    article.title = title.strip()
    article.summary = (summary or "").strip() or plain_text(body)[:120]
    article.body_html = body
    article.source = (source or "").strip()
    article.document_number = (document_number or "").strip()
    article.region_code = region_code
    article.full_clean(exclude=["state", "search_vector"])
    article.save()
    _index(article)
    return article


@transaction.atomic
def article_publish(*, article: Article, actor, publish_at: datetime.datetime | None = None) -> Article:
    """发布 now, or 定时发布 at ``publish_at`` (the article shows from then on, with no job to run)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, PUBLISH, article.region_code)
    if article.state == ArticleState.PUBLISHED:
        raise ValidationError(_("文章已发布。"))
    now = timezone.now()
    if publish_at is not None and publish_at < now - datetime.timedelta(minutes=1):
        raise ValidationError({"publish_at": _("定时发布的时间不能早于现在。")})
    article.publish()
    article.publish_at = publish_at or now
    article.published_by = actor
    article.withdrawn_reason = ""
    article.save(update_fields=["state", "publish_at", "published_by", "withdrawn_reason", "updated_at"])
    return article


@transaction.atomic
def article_withdraw(*, article: Article, actor, reason: str) -> Article:
    """撤下: the article leaves the portal at once; it can be published again later."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(actor, PUBLISH, article.region_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤下原因。")})
    if article.state != ArticleState.PUBLISHED:
        raise ValidationError(_("只有已发布的文章可以撤下。"))
    article.withdraw()
    article.withdrawn_reason = reason[:200]
    article.save(update_fields=["state", "withdrawn_reason", "updated_at"])
    return article


def article_attach(*, article: Article, actor, upload, name: str = ""):
    """An attachment (附件): filed in the archive under the article, checked by content like any upload."""
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload

    _require(actor, EDIT, article.region_code)
    return document_upload(
        actor=actor,
        upload=upload,
        name=(name or "").strip() or getattr(upload, "name", "") or _("附件"),
        category=Category.OTHER,
        stage=Stage.OTHER,
        region_code=article.region_code,
        owner_kind=OwnerKind.CASE,
        owner=article,
    )
