"""Models of 轮候 in allocation: refusals, removal after the limit, readable position changes, the waiting-period limit.

The waitlist itself (轮候编号, 排序键, 轮候状态) is admission's ``WaitlistEntry``; this part adds what happens to a
family while it waits: each refusal of an offered unit (``WaitlistRefusal``) and each event that takes a family
off the list (``WaitlistEvent``: 已配租配售, 撤回申请, 移出轮候, 退出轮候), so a family can read why its position
changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from admission.registry.models import WaitlistEntry
from housing.regions.models import RegionScoped

from ..common import user_fk


class RefusalKind(models.TextChoices):
    REFUSED = "refused", _("拒绝选房（配租）")
    ABSENT = "absent", _("缺席或逾期未选")


class WaitlistRefusal(RegionScoped):
    """轮候家庭拒绝选房记录: one refused offer (or absence at selection), counted towards the limit.

    ``sequence`` is the family's running count (第几次); the row that reaches
    ``settings.ALLOCATION_REFUSAL_LIMIT`` has ``caused_removal`` and the family left the waitlist with it.
    ``region_code`` is the family's (the waitlist entry's), for scope.
    """

    entry = models.ForeignKey(
        WaitlistEntry, verbose_name=_("轮候"), on_delete=models.PROTECT, related_name="refusals"
    )
    kind = models.CharField(_("拒绝类别"), max_length=12, choices=RefusalKind.choices)
    reason = models.CharField(_("拒绝原因"), max_length=500)
    source = models.CharField(_("来源"), max_length=100, blank=True, default="")
    sequence = models.PositiveSmallIntegerField(_("累计次数"))
    caused_removal = models.BooleanField(_("是否导致移出轮候"), default=False)
    recorded_at = models.DateTimeField(_("增加时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("增加人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("拒绝选房记录")
        verbose_name_plural = _("拒绝选房记录")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["region_code", "-recorded_at"], name="alloc_wl_refusal_rgn_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["entry", "sequence"], name="alloc_wl_refusal_one_per_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.entry.waitlist_number} 第{self.sequence}次"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("allocation:waitlist_entry_detail", args=[self.entry_id])


class WaitlistEventKind(models.TextChoices):
    """Why a family left the waitlist, in words the families behind it read on the portal."""

    HOUSED = "housed", _("已配租配售")
    WITHDREW = "withdrew", _("撤回申请")
    REMOVED = "removed", _("因多次拒绝被移出")
    EXITED = "exited", _("因其他原因退出轮候")


class WaitlistEvent(RegionScoped):
    """轮候变动记录: one family leaving the waitlist, with who, when and why.

    Written by the services of this part (removal after refusals, withdrawal) and by
    ``waitlist_event_record`` (contracts report 已配租配售). The position summary never depends on these rows
    alone: a family that left through the registry without one is still counted, from its waitlist status.
    """

    entry = models.ForeignKey(
        WaitlistEntry, verbose_name=_("轮候"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("变动类别"), max_length=12, choices=WaitlistEventKind.choices)
    reason = models.CharField(_("变动原因"), max_length=500, blank=True, default="")
    occurred_at = models.DateTimeField(_("变动时间"), default=timezone.now)
    actor = user_fk(_("经办人"))

    class Meta:
        verbose_name = _("轮候变动记录")
        verbose_name_plural = _("轮候变动记录")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["entry", "-occurred_at"], name="alloc_wl_event_entry_at"),
        ]

    def __str__(self) -> str:
        return f"{self.entry.waitlist_number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("allocation:waitlist_entry_detail", args=[self.entry_id])


__all__ = ["RefusalKind", "WaitlistEvent", "WaitlistEventKind", "WaitlistRefusal"]
