"""消息通知: an outbox of SMS, in-site messages (站内信) and email, rendered from editable templates."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.documents.sandbox import TemplateSyntaxError, sandbox_compile


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    SITE = "site", _("站内信")
    EMAIL = "email", _("电子邮件")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class MessageTemplate(models.Model):
    """One wording of one notice on one channel; administrators edit it in the admin.

    A notice (``code``) may have one template per channel: an SMS is short, a 站内信 may say more.
    """

    code = models.CharField(_("模板编码"), max_length=64)
    channel = models.CharField(_("发送渠道"), max_length=8, choices=Channel.choices)
    name = models.CharField(_("模板名称"), max_length=100)
    subject = models.CharField(
        _("标题"), max_length=200, blank=True, help_text=_("Django 模板语法，例如 {{ node_name }}。")
    )
    body = models.TextField(_("正文"), help_text=_("Django 模板语法；只能使用变量和过滤器。"))
    is_active = models.BooleanField(_("是否启用"), default=True, help_text=_("停用后不再发送此类消息。"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        ordering = ["code", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["code", "channel"], name="notify_template_code_channel")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} · {self.get_channel_display()}）"

    def clean(self) -> None:
        # A template that does not compile would fail only when a notice is sent: refuse it here.
        errors = {}
        for field in ("subject", "body"):
            try:
                sandbox_compile(getattr(self, field), autoescape=False)
            except TemplateSyntaxError as exc:
                errors[field] = _("模板语法错误：%(error)s") % {"error": exc}
        if errors:
            raise ValidationError(errors)


class Message(models.Model):
    """One message in the outbox. Rows are written in the caller's transaction, sent after commit."""

    channel = models.CharField(_("发送渠道"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    address = models.CharField(_("接收地址"), max_length=254, blank=True, help_text=_("手机号码或电子邮箱"))
    template_code = models.CharField(_("模板编码"), max_length=64)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("发送状态"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notify_msg_inbox"),
            models.Index(fields=["status", "created_at"], name="notify_msg_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.subject or self.template_code}"

    def get_absolute_url(self) -> str:
        return reverse("notify_portal:detail", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
