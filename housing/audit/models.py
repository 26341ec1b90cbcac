"""操作审计: append-only events (who, when, from where, what, which fields)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("状态变更")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    VIEW_SENSITIVE = "view_sensitive", _("查看敏感信息")
    DOWNLOAD = "download", _("下载")
    PURGE = "purge", _("清除过期审计事件")


class AuditEvent(models.Model):
    """One event. Rows are only ever inserted; the purge command removes old ones in bulk."""

    occurred_at = models.DateTimeField(_("发生时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作类型"), max_length=20, choices=AuditAction.choices, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # Empty for events that belong to no region (logins, exports, purges): see selectors.audit_event_list.
    region_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    changes = models.JSONField(_("变更字段"), default=dict, blank=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]
        permissions = [("export_auditevent", _("可以导出审计事件"))]
        indexes = [
            # The scope filter (region_code LIKE '440402%'), as housing.regions.models.RegionScoped does.
            models.Index(
                fields=["region_code"], name="audit_auditevent_rgn", opclasses=["varchar_pattern_ops"]
            ),
            # "Everything that happened to this object" (a record's audit tab, the auditor's filter).
            models.Index(fields=["object_type", "object_id"], name="audit_auditevent_object"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("audit:event_detail", args=[self.pk])
