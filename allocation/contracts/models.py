"""Models of 合同签约 (A.7.3–A.7.4): rental, sale and rent-subsidy contracts, their numbers, PDFs and archive."""

from __future__ import annotations

import django_fsm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from admission.fields import EncryptedCharField
from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = [
    "Contract",
    "ContractArchive",
    "ContractKind",
    "ContractState",
    "PaymentCycle",
    "SubsidyPaymentMethod",
]

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
CONTRACT_MANAGE_PERMISSION = "allocation.sign_contract"


class ContractKind(models.TextChoices):
    """合同类型 (A.7.3)."""

    PUBLIC_RENTAL = "public_rental", _("公租房租赁合同")
    LOW_RENT = "low_rent", _("廉租房租赁合同")
    AFFORDABLE_SALE = "affordable_sale", _("经适房买卖合同")
    SHARED_OWNERSHIP_SALE = "shared_ownership_sale", _("共有产权房买卖合同")
    RENT_SUBSIDY = "rent_subsidy", _("租赁补贴协议")


class ContractState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SIGNED = "signed", _("已签订（生效）")
    TERMINATED = "terminated", _("已终止")
    EXPIRED = "expired", _("已到期")


class SubsidyPaymentMethod(models.TextChoices):
    """补贴发放方式."""

    BANK_TRANSFER = "bank_transfer", _("银行代发至保障对象账户")
    TO_LANDLORD = "to_landlord", _("直接支付给出租人")


class PaymentCycle(models.TextChoices):
    """发放周期."""

    MONTHLY = "monthly", _("按月发放")
    QUARTERLY = "quarterly", _("按季度发放")


def mask_account(value: str) -> str:
    """Only the last four digits of a bank account are ever shown: ``************1234``."""
    value = (value or "").replace(" ", "")
    if not value:
        return ""
    return "*" * max(len(value) - 4, 4) + value[-4:]


class Contract(RegionScoped):
    """保障对象合同签约 (A.7.3): one signed (or drafted) contract or agreement with a registered family.

    ``region_code`` is the registry entry's. A renewal (续签) is a new row whose ``previous`` is the
    contract it continues; the state moves only through the services (草拟 → 已签订 → 已终止 / 已到期).
    """

    # --- the standard's fields (A.7.3), in its order ---
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry",
        verbose_name=_("申请人编号"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    kind = models.CharField(_("合同类型"), max_length=24, choices=ContractKind.choices)
    number = models.CharField(_("合同编号"), max_length=32, blank=True, default="")
    unit = models.ForeignKey(
        "projects.Unit",
        verbose_name=_("房屋编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    subsidy_amount = models.DecimalField(_("补贴金额"), null=True, blank=True, **MONEY)
    subsidy_payment_method = models.CharField(
        _("补贴发放方式"), max_length=16, choices=SubsidyPaymentMethod.choices, blank=True, default=""
    )
    subsidy_starts_on = models.DateField(_("发放起始时间"), null=True, blank=True)
    signer_name = models.CharField(_("签约人"), max_length=50)
    signer_id_number = EncryptedCharField(_("签约人身份证号"), clear_max_length=18)
    agent_name = models.CharField(_("代理人"), max_length=50, blank=True, default="")
    agent_id_number = EncryptedCharField(_("代理人身份证号"), clear_max_length=18, blank=True, default="")
    signed_on = models.DateField(_("合同签署时间"), null=True, blank=True)
    effective_on = models.DateField(_("合同生效时间"))
    term_months = models.PositiveSmallIntegerField(
        _("合同有效期"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("单位：月"),
    )
    expires_on = models.DateField(_("合同失效时间"), null=True, blank=True)
    is_auto_renew = models.BooleanField(_("是否自动续签"), default=False)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    signer_id_number_masked = models.CharField(_("签约人身份证号（脱敏）"), max_length=18, editable=False)
    agent_id_number_masked = models.CharField(
        _("代理人身份证号（脱敏）"), max_length=18, editable=False, blank=True, default=""
    )
    market_monthly_rent = models.DecimalField(_("市场月租金"), null=True, blank=True, **MONEY)
    rent_factor = models.DecimalField(
        _("租金系数"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    monthly_rent = models.DecimalField(_("月租金"), null=True, blank=True, **MONEY)
    unit_price = models.DecimalField(_("售价标准（元/平方米）"), null=True, blank=True, **MONEY)
    ownership_share = models.DecimalField(
        _("产权份额（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    price = models.DecimalField(_("房屋价款"), null=True, blank=True, **MONEY)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True, default="")
    bank_account = EncryptedCharField(_("银行账号"), clear_max_length=32, blank=True, default="")
    bank_account_masked = models.CharField(
        _("银行账号（脱敏）"), max_length=36, editable=False, blank=True, default=""
    )
    payment_cycle = models.CharField(
        _("发放周期"), max_length=12, choices=PaymentCycle.choices, blank=True, default=""
    )
    ruleset_id = models.PositiveIntegerField(_("规则模版编号"), null=True, blank=True)
    ruleset_version = models.PositiveIntegerField(_("规则模版版本"), null=True, blank=True)
    ruleset_name = models.CharField(_("规则模版名称"), max_length=200, blank=True, default="")
    amount_basis = models.JSONField(_("金额计算依据"), default=list, blank=True)
    state = django_fsm.FSMField(
        _("合同状态"),
        max_length=12,
        choices=ContractState.choices,
        default=ContractState.DRAFT,
        protected=True,
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("续签前合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
    )
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.CharField(_("终止原因"), max_length=500, blank=True, default="")
    issued_document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("合同文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_error = models.CharField(_("合同文本生成错误"), max_length=2000, blank=True, default="")

    history = HistoricalRecords(excluded_fields=["signer_id_number", "agent_id_number", "bank_account"])

    class Meta:
        verbose_name = _("保障对象合同签约")
        verbose_name_plural = _("保障对象合同签约")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["-created_at", "-id"], name="allocation_contract_created"),
            models.Index(fields=["unit", "state"], name="allocation_contract_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="allocation_contract_number_unique"
            )
        ]
        permissions = [
            ("sign_contract", _("可以草拟、签订、续签和终止合同")),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('（草拟）')} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:contracts_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # The protected FSM field refuses re-assignment; only transitions set it.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_rental(self) -> bool:
        return self.kind in (ContractKind.PUBLIC_RENTAL, ContractKind.LOW_RENT)

    @property
    def is_sale(self) -> bool:
        return self.kind in (ContractKind.AFFORDABLE_SALE, ContractKind.SHARED_OWNERSHIP_SALE)

    @property
    def is_subsidy(self) -> bool:
        return self.kind == ContractKind.RENT_SUBSIDY

    @property
    def is_active(self) -> bool:
        return self.state in (ContractState.DRAFT, ContractState.SIGNED)

    @property
    def archive_entry(self):
        return self.archives.order_by("-id").first()

    # --- lifecycle: the services check scope and record each transition ---
    @django_fsm.transition(
        field=state,
        source=ContractState.DRAFT,
        target=ContractState.SIGNED,
        permission=CONTRACT_MANAGE_PERMISSION,
    )
    def sign(self) -> None:
        """签订: the contract is numbered and takes effect."""

    @django_fsm.transition(
        field=state,
        source=[ContractState.DRAFT, ContractState.SIGNED],
        target=ContractState.TERMINATED,
        permission=CONTRACT_MANAGE_PERMISSION,
    )
    def terminate(self) -> None:
        """终止 (a draft is voided the same way), with a reason."""

    @django_fsm.transition(
        field=state,
        source=ContractState.SIGNED,
        target=ContractState.EXPIRED,
        permission=CONTRACT_MANAGE_PERMISSION,
    )
    def expire(self) -> None:
        """到期: the term ended, or the renewal took over."""


class ContractArchive(RegionScoped):
    """配给合同电子档案 (A.7.4): the signed contract's PDF as filed in the archive (电子档案)."""

    archive_number = models.CharField(_("档案编号"), max_length=32)
    contract = models.ForeignKey(
        Contract, verbose_name=_("合同编号"), on_delete=models.PROTECT, related_name="archives"
    )
    application_number = models.CharField(_("申请编号"), max_length=32)
    name = models.CharField(_("档案名称"), max_length=200)
    description = models.TextField(_("档案内容说明"), blank=True, default="")
    document = models.ForeignKey(
        "archive.Document", verbose_name=_("电子档案"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("配给合同电子档案")
        verbose_name_plural = _("配给合同电子档案")
        indexes = [*RegionScoped.Meta.indexes]

    def __str__(self) -> str:
        return f"{self.archive_number} {self.name}"
