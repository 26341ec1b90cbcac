"""Small pieces the allocation parts' models share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def user_fk(verbose_name, **extra) -> models.ForeignKey:
    """Who did it (增加人, 审核人 …): a user kept even if the account is later disabled."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **extra,
    )


class PeriodKind(models.TextChoices):
    """周期类型 / 期别类型 (台账, 配置方案)."""

    MONTH = "month", _("月")
    QUARTER = "quarter", _("季")
    YEAR = "year", _("年")
