"""Models of this part of admission. Imported at the end of ``admission/models.py`` so Django registers them
under the ``admission`` app label.

入户核查 (核查指派, issue 4 part 4): a reviewer of the level a case is at sends a named inspector on a home
visit; the inspector records what was found, with photos from the archive. The standard's Appendix A has no
table for it, so the names here are the office's words.
"""

from __future__ import annotations

import datetime

import django_fsm
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

# ``admission.models`` imports this module at its end, after ReviewLevel and LEVEL_PERMISSION are defined.
from ..models import LEVEL_PERMISSION, ReviewLevel

__all__ = ["HomeInspection", "InspectionState"]


class InspectionState(models.TextChoices):
    ASSIGNED = "assigned", _("待核查")
    COMPLETED = "completed", _("已核查")
    REVOKED = "revoked", _("已撤销")


def _is_the_inspector(inspection: HomeInspection, user) -> bool:
    return user.is_authenticated and user.pk == inspection.inspector_id


def _may_act_at_the_case_level(inspection: HomeInspection, user) -> bool:
    return user.has_perm(LEVEL_PERMISSION[inspection.level])


class HomeInspection(RegionScoped):
    """入户核查: one home visit of one case by one named inspector (``region_code`` = the case's).

    While the visit is outstanding the inspector holds a grant on the case (its workflow case,
    ``ProcessInstanceUserObjectPermission``), so they see it even outside their own region.
    """

    application = models.ForeignKey(
        "admission.Application",
        verbose_name=_("申请编号"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    level = models.CharField(_("指派层级"), max_length=10, choices=ReviewLevel.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核查人"), on_delete=models.PROTECT, related_name="+"
    )
    instructions = models.TextField(_("核查事项"), blank=True, default="")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指派人"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"), default=timezone.now)
    due_date = models.DateField(_("核查期限"), null=True, blank=True)
    state = django_fsm.FSMField(
        _("核查状态"),
        max_length=12,
        choices=InspectionState.choices,
        default=InspectionState.ASSIGNED,
        protected=True,
    )
    visited_on = models.DateField(_("核查日期"), null=True, blank=True)
    persons_met = models.CharField(_("见到的人员"), max_length=200, blank=True, default="")
    living_situation = models.TextField(_("实际居住情况"), blank=True, default="")
    matches_declaration = models.BooleanField(_("是否与申报一致"), null=True, blank=True)
    findings = models.TextField(_("核查情况说明"), blank=True, default="")
    completed_at = models.DateTimeField(_("核查完成时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True, default="")
    # Photos are archive documents (immutable, hashed, checked by content) filed for the case.
    photos = models.ManyToManyField(
        "archive.Document", verbose_name=_("核查照片"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("入户核查")
        verbose_name_plural = _("入户核查")
        ordering = ["-assigned_at", "-pk"]
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["inspector", "state"], name="admission_insp_inspector"),
        ]
        constraints = [
            # One outstanding visit per case and inspector: a second assignment would be a duplicate.
            models.UniqueConstraint(
                fields=["application", "inspector"],
                condition=models.Q(state="assigned"),
                name="admission_insp_one_open_per_inspector",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} 入户核查"

    def get_absolute_url(self) -> str:
        return reverse("admission:casework_inspection_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == InspectionState.ASSIGNED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """超期: still outstanding after its due date (the due date itself is on time)."""
        if self.state != InspectionState.ASSIGNED or self.due_date is None:
            return False
        return (today or timezone.localdate()) > self.due_date

    @django_fsm.transition(
        field=state,
        source=InspectionState.ASSIGNED,
        target=InspectionState.COMPLETED,
        permission=_is_the_inspector,
    )
    def complete(self) -> None:
        pass

    @django_fsm.transition(
        field=state,
        source=InspectionState.ASSIGNED,
        target=InspectionState.REVOKED,
        permission=_may_act_at_the_case_level,
    )
    def revoke(self) -> None:
        pass
