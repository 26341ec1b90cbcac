"""The draft of an online application (网上申请草稿), kept on the server so it resumes on any device.

Personal numbers never sit in the JSON in the clear: every ID number in ``data`` is stored as a Fernet token
(``admission.encryption``, the same key as the family register) beside its masked copy; see
``portal.apply.services`` (``_seal`` / ``_unseal``) and docs/portal_apply.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

__all__ = ["ApplicationDraft", "DraftStatus"]


class DraftStatus(models.TextChoices):
    OPEN = "open", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class ApplicationDraft(models.Model):
    """网上申请草稿: one applicant's application for one project and mode, filled in step by step."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账号"),
        on_delete=models.CASCADE,
        related_name="application_drafts",
    )
    project_code = models.CharField(_("拟保障项目类别"), max_length=32)
    project_name = models.CharField(_("保障项目"), max_length=100, blank=True, default="")
    mode_code = models.CharField(_("拟住房保障方式"), max_length=32)
    mode_name = models.CharField(_("保障方式"), max_length=100, blank=True, default="")
    current_step = models.CharField(_("当前步骤"), max_length=16, default="applicant")
    # Per step: {"applicant": {...}, "members": [...], "income": {...}, "housing": {...}, "assets": [...],
    # "promise": {...}, "selfcheck": {...}, "done": [step, ...]}. ID numbers sealed (see module docstring).
    data = models.JSONField(_("填写内容"), default=dict, blank=True)
    # Uploaded materials by requirement code: [{"sha256", "name", "size", "kind", "uploaded_at"}, ...];
    # the bytes live in the archive's content-addressed store until submission archives them.
    documents = models.JSONField(_("已上传材料"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.OPEN)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_application = models.ForeignKey(
        "admission.Application",
        verbose_name=_("申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("网上申请草稿")
        verbose_name_plural = _("网上申请草稿")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            # One open draft per applicant, project and mode: a second start resumes the first.
            models.UniqueConstraint(
                fields=["owner", "project_code", "mode_code"],
                condition=models.Q(status="open"),
                name="portal_one_open_draft_per_mode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_name or self.project_code} · {self.mode_name or self.mode_code}"

    def get_absolute_url(self) -> str:
        if self.is_submitted:
            return reverse("portal:apply_receipt", args=[self.pk])
        return reverse("portal:apply_step", args=[self.pk, self.current_step])

    @property
    def is_submitted(self) -> bool:
        return self.status == DraftStatus.SUBMITTED
