"""登记簿 (A.3.16 保障对象准入登记簿交换信息), 轮候, 准予/不予登记通知书 and 复核申请 (issue 4 parts 9, 10).

Imported at the end of ``admission/models.py`` so Django registers them under the ``admission`` app label.
"""

from __future__ import annotations

import django_fsm
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.regions.models import RegionScoped
from rules.models.reference import IncomeClass, ModeKind, SpecialGroup

from ..fields import EncryptedCharField
from ..models import AREA, LEVEL_PERMISSION, MONEY, Application, Family, IdType, RefusalReason, ReviewLevel

# 实物配租、实物配售 put a family on a waitlist for a flat; subsidies are paid without one.
HOUSING_MODE_KINDS = (ModeKind.RENTAL_IN_KIND, ModeKind.SALE_IN_KIND)
REGISTRY_MANAGE_PERMISSION = "admission.change_registryentry"


class GuaranteeStatus(models.TextChoices):
    """保障状态 (A.3.16)."""

    WAITING = "waiting", _("轮候中")
    GUARANTEED = "guaranteed", _("保障中")
    EXITED = "exited", _("已退出")


class RegistryEntry(RegionScoped):
    """保障对象准入登记簿 (A.3.16): one registered application, as exchanged with other departments.

    A snapshot of the family and the application taken at registration (准予登记); later changes of the
    family file do not rewrite it. The guarantee status moves 轮候中 → 保障中 → 已退出 through the services
    (the allocation and exit subsystems call them). ``region_code`` is the application's.
    """

    application = models.OneToOneField(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="registry_entry"
    )
    family = models.ForeignKey(
        Family, verbose_name=_("申请家庭"), on_delete=models.PROTECT, related_name="registry_entries"
    )
    # --- the standard's fields (A.3.16), in its order ---
    application_number = models.CharField(_("申请编号"), max_length=32, unique=True)
    survey_number = models.CharField(_("调查编号"), max_length=32, blank=True, default="")
    applicant_name = models.CharField(_("申请人姓名"), max_length=50)
    id_type = models.CharField(_("证件类别"), max_length=24, choices=IdType.choices)
    id_number = EncryptedCharField(_("证件号码"), clear_max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, default="")
    hukou_county = models.CharField(_("户籍所在地-县（市）-区"), max_length=50, blank=True, default="")
    hukou_street = models.CharField(_("户籍所在地-街道"), max_length=50, blank=True, default="")
    hukou_community = models.CharField(_("户籍所在地-社区"), max_length=50, blank=True, default="")
    hukou_road = models.CharField(
        _("户籍所在地-路（街、里、巷、小区）"), max_length=100, blank=True, default=""
    )
    hukou_number = models.CharField(_("户籍所在地-号"), max_length=20, blank=True, default="")
    hukou_building = models.CharField(_("户籍所在地-座（栋）"), max_length=20, blank=True, default="")
    hukou_room = models.CharField(_("户籍所在地-室"), max_length=20, blank=True, default="")
    household_size = models.PositiveSmallIntegerField(_("家庭人口数"), default=0)
    per_capita_income = models.DecimalField(_("家庭人均年收入"), default=0, **MONEY)
    total_income = models.DecimalField(_("家庭年总收入"), default=0, **MONEY)
    per_capita_assets = models.DecimalField(_("家庭人均资产"), default=0, **MONEY)
    total_assets = models.DecimalField(_("家庭总资产"), default=0, **MONEY)
    per_capita_floor_area = models.DecimalField(_("家庭人均建筑面积"), default=0, **AREA)
    total_floor_area = models.DecimalField(_("家庭总建筑面积"), default=0, **AREA)
    lives_in_shantytown = models.BooleanField(_("是否居住在棚户区"), default=False)
    is_subsistence_allowance_family = models.BooleanField(_("是否为最低生活保障家庭"), default=False)
    subsistence_certificate_number = models.CharField(
        _("最低生活保障证号"), max_length=50, blank=True, default=""
    )
    applied_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    income_class = models.CharField(
        _("申请家庭收入层次类别"), max_length=16, choices=IncomeClass.choices, blank=True, default=""
    )
    special_group = models.CharField(
        _("特定群体类别"), max_length=32, choices=SpecialGroup.choices, blank=True, default=""
    )
    project_code = models.CharField(_("申请保障项目类别"), max_length=32)
    mode_code = models.CharField(_("申请保障方式"), max_length=32)
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    guarantee_started_at = models.DateTimeField(_("实施保障时间"), null=True, blank=True)
    implemented_mode = models.CharField(
        _("实施住房保障方式"), max_length=32, choices=ModeKind.choices, blank=True, default=""
    )
    exited_at = models.DateTimeField(_("保障退出时间"), null=True, blank=True)
    status = django_fsm.FSMField(
        _("保障状态"),
        max_length=12,
        choices=GuaranteeStatus.choices,
        default=GuaranteeStatus.WAITING,
        protected=True,
    )
    last_annual_review_year = models.PositiveSmallIntegerField(_("最后年审年度"), null=True, blank=True)
    # --- kept beside them (not exchanged) ---
    id_number_digest = models.CharField(_("证件号码检索码"), max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=18, editable=False)
    project_name = models.CharField(_("保障项目名称"), max_length=100, blank=True, default="")
    mode_kind = models.CharField(_("保障方式类别"), max_length=32, choices=ModeKind.choices, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["id_number_digest"])

    class Meta:
        verbose_name = _("保障对象准入登记簿")
        verbose_name_plural = _("保障对象准入登记簿")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["region_code", "status"], name="admission_registry_rgn_status"),
            models.Index(fields=["-registered_at", "-id"], name="admission_registry_registered"),
        ]

    def __str__(self) -> str:
        return f"{self.application_number} {self.applicant_name}"

    def get_absolute_url(self) -> str:
        return reverse("admission:registry_detail", args=[self.pk])

    @property
    def is_housing_mode(self) -> bool:
        return self.mode_kind in HOUSING_MODE_KINDS

    @property
    def hukou_address(self) -> str:
        parts = [
            self.hukou_county,
            self.hukou_street,
            self.hukou_community,
            self.hukou_road,
            f"{self.hukou_number}号" if self.hukou_number else "",
            f"{self.hukou_building}座" if self.hukou_building else "",
            f"{self.hukou_room}室" if self.hukou_room else "",
        ]
        return "".join(p for p in parts if p)

    # Transitions: the services record each one in process ``admission_registry``.
    @django_fsm.transition(
        field=status,
        source=GuaranteeStatus.WAITING,
        target=GuaranteeStatus.GUARANTEED,
        permission=REGISTRY_MANAGE_PERMISSION,
    )
    def start_guarantee(self) -> None:
        """实施保障 (配租配售入住或补贴开始发放)."""

    @django_fsm.transition(
        field=status,
        source=[GuaranteeStatus.WAITING, GuaranteeStatus.GUARANTEED],
        target=GuaranteeStatus.EXITED,
        permission=REGISTRY_MANAGE_PERMISSION,
    )
    def exit(self) -> None:
        """保障退出."""


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("轮候中")
    ALLOCATED = "allocated", _("已配租配售")
    LEFT = "left", _("已退出轮候")


class WaitlistEntry(RegionScoped):
    """轮候: a registered family's place on the waitlist of its project and housing mode.

    ``sort_key`` is the project's ordering rule (rules/ordering.py) applied to the family's facts on the
    day of registration, encoded as text that sorts the way the rule's key tuple sorts, followed by the
    registration instant (first registered first among equals). A waitlist is one
    (``project_code``, ``mode_code``, ``waitlist_region_code``); ``region_code`` is the family's, for scope.
    """

    registry_entry = models.OneToOneField(
        RegistryEntry, verbose_name=_("登记簿"), on_delete=models.PROTECT, related_name="waitlist_entry"
    )
    waitlist_number = models.CharField(_("轮候编号"), max_length=32, unique=True)
    project_code = models.CharField(_("保障项目类别"), max_length=32)
    mode_code = models.CharField(_("保障方式"), max_length=32)
    waitlist_region_code = models.CharField(_("轮候区划代码"), max_length=12)
    sort_key = models.CharField(_("排序键"), max_length=1000)
    sort_values = models.JSONField(_("排序依据"), default=list, blank=True)
    ruleset_id = models.PositiveIntegerField(_("规则模版编号"), null=True, blank=True)
    ruleset_version = models.PositiveIntegerField(_("规则模版版本"), null=True, blank=True)
    sort_error = models.CharField(_("排序说明"), max_length=500, blank=True, default="")
    registered_at = models.DateTimeField(_("登记时间"))
    # Follows the registry entry's transitions (recorded there): 实施保障 → 已配租配售, 退出 → 已退出轮候.
    status = models.CharField(
        _("轮候状态"), max_length=12, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("轮候")
        verbose_name_plural = _("轮候")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(
                fields=["project_code", "mode_code", "waitlist_region_code", "status", "sort_key"],
                name="admission_waitlist_order",
            ),
        ]

    def __str__(self) -> str:
        return self.waitlist_number

    def get_absolute_url(self) -> str:
        return reverse("admission:registry_detail", args=[self.registry_entry_id])


class DecisionNoticeKind(models.TextChoices):
    REGISTERED = "registered", _("准予登记通知书")
    REFUSED = "refused", _("不予登记通知书")


class DecisionNoticeStatus(models.TextChoices):
    """Rendering the PDF runs after the decision commits (Celery); a failure can be retried."""

    PENDING = "pending", _("待出具")
    ISSUED = "issued", _("已出具")
    FAILED = "failed", _("出具失败")


class DecisionNotice(RegionScoped):
    """准予登记通知书 / 不予登记通知书 of one decision: the numbered PDF (``housing.documents``), its
    archived copy (电子档案, 一事一档) and who was told. The decision's facts are copied here, so a reopened
    case (复核成立) keeps the notice it received."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("通知书类别"), max_length=12, choices=DecisionNoticeKind.choices)
    decision_at = models.DateTimeField(_("决定时间"))
    level = models.CharField(_("决定层级"), max_length=10, choices=ReviewLevel.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal_reason = models.CharField(
        _("不予登记原因"), max_length=24, choices=RefusalReason.choices, blank=True, default=""
    )
    refusal_text = models.TextField(_("不予登记说明"), blank=True, default="")
    issue_status = models.CharField(
        _("出具状态"),
        max_length=8,
        choices=DecisionNoticeStatus.choices,
        default=DecisionNoticeStatus.PENDING,
    )
    number = models.CharField(_("文书编号"), max_length=32, blank=True, default="")
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    archive_document = models.ForeignKey(
        "archive.Document",
        verbose_name=_("电子档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    error = models.TextField(_("出具失败原因"), blank=True, default="")
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登记通知书")
        verbose_name_plural = _("登记通知书")
        ordering = ["-decision_at", "-pk"]
        indexes = [*RegionScoped.Meta.indexes]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "decision_at"], name="admission_notice_one_per_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or ''}".strip()

    @property
    def is_issued(self) -> bool:
        return self.issue_status == DecisionNoticeStatus.ISSUED


class ReviewAppealState(models.TextChoices):
    PENDING = "pending", _("待复核")
    UPHELD = "upheld", _("复核成立")
    DISMISSED = "dismissed", _("维持原决定")


def _may_decide_appeal(appeal: ReviewAppeal, user) -> bool:
    """django-fsm ``permission=``: a reviewer of the level that refused (the service adds: not the refuser)."""
    return bool(appeal.level) and user.has_perm(LEVEL_PERMISSION[appeal.level])


class ReviewAppeal(RegionScoped):
    """复核申请: a refused applicant asks the refusing level to look again (within the appeal period)."""

    number = models.CharField(_("复核申请编号"), max_length=32, unique=True)
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="appeals"
    )
    notice = models.OneToOneField(
        DecisionNotice, verbose_name=_("不予登记通知书"), on_delete=models.PROTECT, related_name="appeal"
    )
    level = models.CharField(_("原决定层级"), max_length=10, choices=ReviewLevel.choices)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField(_("申请日期"))
    deadline = models.DateField(_("复核申请期限"))
    appellant_name = models.CharField(_("复核申请人"), max_length=50)
    reason = models.TextField(_("复核理由"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    state = django_fsm.FSMField(
        _("复核状态"),
        max_length=12,
        choices=ReviewAppealState.choices,
        default=ReviewAppealState.PENDING,
        protected=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision_opinion = models.TextField(_("复核意见"), blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("复核申请")
        verbose_name_plural = _("复核申请")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["region_code", "state"], name="admission_appeal_rgn_state"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("admission:registry_appeal_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state == ReviewAppealState.PENDING

    @django_fsm.transition(
        field=state,
        source=ReviewAppealState.PENDING,
        target=ReviewAppealState.UPHELD,
        permission=_may_decide_appeal,
    )
    def uphold(self) -> None:
        """复核成立: the case returns to the refusing level's review."""

    @django_fsm.transition(
        field=state,
        source=ReviewAppealState.PENDING,
        target=ReviewAppealState.DISMISSED,
        permission=_may_decide_appeal,
    )
    def dismiss(self) -> None:
        """维持原决定: the case stays refused."""


__all__ = [
    "HOUSING_MODE_KINDS",
    "ReviewAppeal",
    "ReviewAppealState",
    "GuaranteeStatus",
    "DecisionNotice",
    "DecisionNoticeStatus",
    "DecisionNoticeKind",
    "RegistryEntry",
    "WaitlistEntry",
    "WaitlistStatus",
]
