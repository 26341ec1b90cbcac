"""Project photos (房源展示照片): shown on the public listings, never a person's document."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from .construction import Project


class ProjectPhoto(RegionScoped):
    """A photo of a project for the portal's 房源展示, with its thumbnail made on upload.

    Both files are re-encoded by ``projects.services.photos`` (JPEG or PNG content only), so no
    camera metadata (EXIF: the photographer's position, device) reaches the public.
    ``region_code`` is the project's, so the admin scopes photos like their project.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("建设项目"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to="projects/photos/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="projects/photos/%Y/%m/", blank=True)
    caption = models.CharField(_("说明"), max_length=100, blank=True, default="")
    order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("数字小的在前，第一张作封面。")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta(RegionScoped.Meta):
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["project_id", "order", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{_('项目照片')} {self.pk}"
