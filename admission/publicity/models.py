"""Models of this part of admission. Imported at the end of ``admission/models.py`` so Django registers them
under the ``admission`` app label.

公示 (CJJ/T 196 A.3.12 公示信息) and 公示期间举报 (A.3.13 公示期间举报信息):

* ``PublicityBatch`` — one posting by the street, district or city that publishes it (公示方式, 公示地点,
  start and end in working days); draft → published → closed (django-fsm-2, each step recorded in the
  workflow process ``admission_publicity``).
* ``PublicityEntry`` — one A.3.12 row: one application in one batch, with the masked snapshot that was
  made public (the posting never changes when the family record does).
* ``Objection`` — one A.3.13 row: a report received during the case's publicity; pending → upheld /
  not upheld, recorded in the workflow process ``admission_objection``.
"""

from __future__ import annotations

import django_fsm
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import mask_phone
from housing.regions.models import RegionScoped

from ..models import LEVEL_PERMISSION, Application, ApplicationState, ReviewLevel, phone_validator

__all__ = [
    "BatchState",
    "Objection",
    "ObjectionChannel",
    "ObjectionState",
    "PublicityBatch",
    "PublicityEntry",
    "PublicityMethod",
]


class PublicityMethod(models.TextChoices):
    """公示方式 (CJJ/T 196 §15 条文说明: 公告、报纸、电视、网络)."""

    NOTICE = "notice", _("公告张贴")
    NEWSPAPER = "newspaper", _("报纸")
    TELEVISION = "television", _("电视")
    WEBSITE = "website", _("网络")


class BatchState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("公示结束")


def _may_act_at_batch_level(batch: PublicityBatch, user) -> bool:
    """django-fsm ``permission=``: the reviewer role of the level that publishes the batch."""
    return user.has_perm(LEVEL_PERMISSION[batch.level])


class PublicityBatch(RegionScoped):
    """公示批次: the cases one street, district or city posts together.

    ``region_code`` is the publishing body's own code (a street, district or city code), so a district
    reviewer sees the district's batch and its streets' batches, and a street only its own.
    """

    number = models.CharField(_("公示批次编号"), max_length=40, unique=True, editable=False)
    level = models.CharField(_("公示层级"), max_length=10, choices=ReviewLevel.choices)
    title = models.CharField(_("公示标题"), max_length=200)
    method = models.CharField(
        _("公示方式"), max_length=16, choices=PublicityMethod.choices, default=PublicityMethod.NOTICE
    )
    location = models.CharField(_("公示地点"), max_length=200)
    working_days = models.PositiveSmallIntegerField(_("公示天数（工作日）"), null=True, blank=True)
    start_date = models.DateField(_("公示开始时间"), null=True, blank=True)
    end_date = models.DateField(_("公示截止时间"), null=True, blank=True)
    state = django_fsm.FSMField(
        _("状态"), max_length=12, choices=BatchState.choices, default=BatchState.DRAFT, protected=True
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["state", "end_date"], name="admission_pubbatch_state_end"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("admission:publicity_batch_detail", args=[self.pk])

    @property
    def publicity_state(self) -> str:
        """The application state this batch's cases are in while it runs (街道公示 …)."""
        return f"{self.level}_publicity"

    @property
    def is_open_for_objections(self) -> bool:
        return self.state == BatchState.PUBLISHED

    @django_fsm.transition(
        field=state, source=BatchState.DRAFT, target=BatchState.PUBLISHED, permission=_may_act_at_batch_level
    )
    def publish(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=BatchState.PUBLISHED, target=BatchState.CLOSED, permission=_may_act_at_batch_level
    )
    def close(self) -> None:
        pass


class PublicityEntry(models.Model):
    """公示信息 (A.3.12): one application in one batch.

    公示开始时间、公示截止时间、公示方式、公示地点 are the batch's (``start_date`` … properties below).
    The masked columns are the snapshot that was posted: public pages and the PDF read only these.
    """

    batch = models.ForeignKey(
        PublicityBatch, verbose_name=_("公示批次"), on_delete=models.PROTECT, related_name="entries"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("申请编号"), on_delete=models.PROTECT, related_name="publicity_entries"
    )
    level = models.CharField(_("公示层级"), max_length=10, choices=ReviewLevel.choices)
    sequence = models.PositiveIntegerField(_("序号"))
    publicity_number = models.CharField(_("公示编号"), max_length=48, unique=True)
    stage = models.CharField(_("办理阶段"), max_length=20, choices=ApplicationState.choices)
    passed = models.BooleanField(_("公示是否通过"), null=True, blank=True)
    decided_at = models.DateTimeField(_("公示结果时间"), null=True, blank=True)
    # The posted snapshot (DESIGN §4 rule 8: never a full name or ID number in public).
    receipt_number = models.CharField(_("申请编号（公示）"), max_length=32)
    applicant_name_masked = models.CharField(_("申请人（脱敏）"), max_length=50)
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=18)
    household_size = models.PositiveSmallIntegerField(_("家庭人口数"), default=0)
    address = models.CharField(_("所在地（至街道）"), max_length=100, blank=True, default="")
    mode_name = models.CharField(_("拟保障方式"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("公示信息")
        verbose_name_plural = _("公示信息")
        ordering = ["batch", "sequence"]
        constraints = [
            # 一案一级只公示一次: a case is in at most one batch per level (and the beat run stays idempotent).
            models.UniqueConstraint(fields=["application", "level"], name="admission_pubentry_app_level"),
            models.UniqueConstraint(fields=["batch", "sequence"], name="admission_pubentry_batch_seq"),
        ]

    def __str__(self) -> str:
        return self.publicity_number

    # A.3.12 columns kept on the batch.
    @property
    def start_date(self):
        return self.batch.start_date

    @property
    def end_date(self):
        return self.batch.end_date

    @property
    def method_display(self) -> str:
        return self.batch.get_method_display()

    @property
    def location(self) -> str:
        return self.batch.location

    @property
    def passed_display(self) -> str:
        if self.passed is None:
            return str(_("公示中")) if self.batch.state == BatchState.PUBLISHED else str(_("待定"))
        return str(_("通过")) if self.passed else str(_("未通过"))


class ObjectionChannel(models.TextChoices):
    """举报方式."""

    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("网络")
    OTHER = "other", _("其他")


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("待查证")
    UPHELD = "upheld", _("举报属实")
    NOT_UPHELD = "not_upheld", _("举报不属实")


def _may_decide(objection: Objection, user) -> bool:
    """The level's reviewer role: a finding refuses or releases the case at that level."""
    return user.has_perm(LEVEL_PERMISSION[objection.level])


class Objection(RegionScoped):
    """公示期间举报信息 (A.3.13). ``region_code`` is the case's; the reporter's name and phone are required
    (实名举报) and shown to back-office users only (the phone masked unless revealed, audited)."""

    number = models.CharField(_("举报编号"), max_length=40, unique=True, editable=False)
    entry = models.ForeignKey(
        PublicityEntry, verbose_name=_("公示编号"), on_delete=models.PROTECT, related_name="objections"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("申请编号"), on_delete=models.PROTECT, related_name="objections"
    )
    level = models.CharField(_("公示层级"), max_length=10, choices=ReviewLevel.choices)
    received_at = models.DateTimeField(_("举报时间"), default=timezone.now)
    content = models.TextField(_("举报内容"))
    channel = models.CharField(_("举报方式"), max_length=10, choices=ObjectionChannel.choices)
    reporter_name = models.CharField(_("举报人姓名"), max_length=50)
    reporter_phone = models.CharField(_("举报人联系电话"), max_length=20, validators=[phone_validator])
    state = django_fsm.FSMField(
        _("状态"),
        max_length=12,
        choices=ObjectionState.choices,
        default=ObjectionState.PENDING,
        protected=True,
    )
    due_date = models.DateField(_("查证期限"))
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查证人"),  # the standard prints 查证入, a misprint of 查证人
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指派人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification_method = models.CharField(_("查证方式"), max_length=200, blank=True, default="")
    verification_result = models.TextField(_("查证结果"), blank=True, default="")
    decided_at = models.DateTimeField(_("查证办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查证结论人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 网上举报: the real-name portal account that reported (the name and phone above are copied from it).
    reporter_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("举报人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示期间举报信息")
        verbose_name_plural = _("公示期间举报信息")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["state", "due_date"], name="admission_objection_state_due"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("admission:publicity_objection_detail", args=[self.pk])

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def is_pending(self) -> bool:
        return self.state == ObjectionState.PENDING

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_date < timezone.localdate()

    @property
    def progress_display(self) -> str:
        if self.is_pending:
            return str(_("核查中")) if self.investigator_id else str(_("待指派"))
        return self.get_state_display()

    @django_fsm.transition(
        field=state, source=ObjectionState.PENDING, target=ObjectionState.UPHELD, permission=_may_decide
    )
    def uphold(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=ObjectionState.PENDING, target=ObjectionState.NOT_UPHELD, permission=_may_decide
    )
    def dismiss(self) -> None:
        pass
