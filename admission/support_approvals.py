"""支持对象管理: support-object approvals of those who supply affordable housing (CJJ/T 196 §6.2.1).

A.3.17 保障住房供给单位登记审批信息 (a developer, an enterprise building for its staff, a park, a rental
operator) and A.3.18 保障住房供给个人登记审批信息 (a private landlord). Each is recorded by the city
centre (申请登记), then reviewed once (审核核定: 核定额度, 审核单位, 审核时间) or refused. The support
project, mode and condition come from the rules subsystem (A.1.8–A.1.10) by their stable codes.

Imported by ``admission/models.py`` so the models live under the ``admission`` app label.
"""

from __future__ import annotations

import django_fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.regions.models import RegionScoped
from rules.models import SupplierType, SupportModeKind

from .fields import EncryptedCharField
from .models import MONEY, EncryptedIdNumberMixin, IdType

__all__ = [
    "SupportApprovalState",
    "SupplierUnitApproval",
    "SupplierPersonApproval",
]


class SupportApprovalState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    APPROVED = "approved", _("已核定")
    REFUSED = "refused", _("不予核定")


class SupportApproval(django_fsm.FSMModelMixin, RegionScoped):
    """The fields A.3.17 and A.3.18 share: what is applied for, the amounts, and the review."""

    approval_number = models.CharField(_("审批编号"), max_length=32, unique=True, editable=False)
    supplier_type = models.CharField(_("申请支持对象类别"), max_length=16, choices=SupplierType.choices)
    support_project_code = models.CharField(_("申请支持项目类别"), max_length=32)
    support_mode = models.CharField(_("申请支持方式"), max_length=16, choices=SupportModeKind.choices)
    support_condition_code = models.CharField(_("申请支持条件编号"), max_length=32, blank=True, default="")
    standard_amount = models.DecimalField(_("标准额度"), default=0, **MONEY)
    subsidy_due = models.DecimalField(_("应补贴额度"), default=0, **MONEY)
    payable_amount = models.DecimalField(_("应缴纳额度"), default=0, **MONEY)
    deduction_amount = models.DecimalField(_("核减额度"), default=0, **MONEY)
    requested_amount = models.DecimalField(_("申请额度"), **MONEY)
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    approved_amount = models.DecimalField(_("核定额度"), null=True, blank=True, **MONEY)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewing_unit = models.CharField(_("审核单位"), max_length=100, blank=True, default="")
    state = django_fsm.FSMField(
        _("审批状态"),
        max_length=12,
        choices=SupportApprovalState.choices,
        default=SupportApprovalState.APPLIED,
        protected=True,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_opinion = models.TextField(_("审核意见"), blank=True, default="")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.deduction_amount is not None and self.subsidy_due is not None:
            if self.deduction_amount > self.subsidy_due:
                errors["deduction_amount"] = [str(_("核减额度不能大于应补贴额度。"))]
        if self.approved_amount is not None and self.requested_amount is not None:
            if self.approved_amount > self.requested_amount:
                errors["approved_amount"] = [str(_("核定额度不能大于申请额度。"))]
        if errors:
            raise ValidationError(errors)

    # The lifecycle: 申请 → 审核核定 | 不予核定. The service records the workflow and the reviewer.
    @django_fsm.transition(
        field=state,
        source=SupportApprovalState.APPLIED,
        target=SupportApprovalState.APPROVED,
        permission=lambda instance, user: user.has_perm(instance.approve_permission()),
    )
    def approve(self) -> None:
        pass

    @django_fsm.transition(
        field=state,
        source=SupportApprovalState.APPLIED,
        target=SupportApprovalState.REFUSED,
        permission=lambda instance, user: user.has_perm(instance.approve_permission()),
    )
    def refuse(self) -> None:
        pass

    @classmethod
    def approve_permission(cls) -> str:
        return f"{cls._meta.app_label}.approve_{cls._meta.model_name}"

    @property
    def is_open(self) -> bool:
        return self.state == SupportApprovalState.APPLIED


class SupplierUnitApproval(SupportApproval):
    """A.3.17 保障住房供给单位登记审批信息."""

    unit_code = models.CharField(_("单位编号"), max_length=32)
    unit_name = models.CharField(_("单位名称"), max_length=100)
    project_number = models.CharField(_("项目编号"), max_length=32)
    project_name = models.CharField(_("项目名称"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("保障住房供给单位登记审批信息")
        verbose_name_plural = _("保障住房供给单位登记审批信息")
        ordering = ["-applied_at", "-pk"]
        indexes = [
            # RegionScoped's prefix index, named by hand: the generated name passes 30 characters.
            models.Index(
                fields=["region_code"], name="admission_supunit_rgn", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["state", "applied_at"], name="admission_supunit_state"),
        ]
        permissions = [("approve_supplierunitapproval", _("审核核定保障住房供给单位申请"))]

    def __str__(self) -> str:
        return f"{self.approval_number} {self.unit_name}"

    def get_absolute_url(self) -> str:
        return reverse("admission:support_unit_detail", args=[self.pk])


class SupplierPersonApproval(EncryptedIdNumberMixin, SupportApproval):
    """A.3.18 保障住房供给个人登记审批信息: a private landlord; the ID number is stored encrypted."""

    ID_NUMBER_FIELDS = {"applicant_id_number": ("applicant_id_number_digest", "applicant_id_number_masked")}

    applicant_name = models.CharField(_("申请人姓名"), max_length=50)
    applicant_id_type = models.CharField(
        _("申请人证件类别"), max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    applicant_id_number = EncryptedCharField(_("申请人证件证号"), clear_max_length=18)
    applicant_id_number_digest = models.CharField(
        _("证件号码检索码"), max_length=64, editable=False, db_index=True
    )
    applicant_id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=18, editable=False)

    history = HistoricalRecords(excluded_fields=["applicant_id_number_digest"])

    class Meta:
        verbose_name = _("保障住房供给个人登记审批信息")
        verbose_name_plural = _("保障住房供给个人登记审批信息")
        ordering = ["-applied_at", "-pk"]
        indexes = [
            # RegionScoped's prefix index, named by hand: the generated name passes 30 characters.
            models.Index(
                fields=["region_code"], name="admission_supperson_rgn", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["state", "applied_at"], name="admission_supperson_state"),
        ]
        permissions = [("approve_supplierpersonapproval", _("审核核定保障住房供给个人申请"))]

    def __str__(self) -> str:
        return f"{self.approval_number} {self.applicant_name}"

    def get_absolute_url(self) -> str:
        return reverse("admission:support_person_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list[str]] = self.clean_id_numbers()
        try:
            super().clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)
