"""Models of 经适房退回与再上市 (A.8.1–A.8.2): a sold unit returned to the stock, resale requests
(政府回购 before 5 years, 上市交易 with 土地收益等价款 after), the price index they use, and their events."""

from __future__ import annotations

import django_fsm
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = [
    "PriceIndex",
    "Resale",
    "ResaleEvent",
    "ResaleRoute",
    "ResaleState",
    "SaleReturn",
    "SaleReturnState",
]

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
RESALE_MANAGE_PERMISSION = "allocation.manage_resale"


class PriceIndex(RegionScoped):
    """价格指数: the housing price index of a region for one month (e.g. the statistics bureau's 新建住宅
    价格指数, any fixed base). The buy-back price is scaled by index at request ÷ index at purchase.

    ``region_code`` is the region the figure is published for (a city or a county); a unit uses the
    figure of its county if there is one, else its city's. Administrators keep it in the admin.
    """

    year = models.PositiveSmallIntegerField(_("指数年度"))
    month = models.PositiveSmallIntegerField(_("指数月份"))
    value = models.DecimalField(
        _("价格指数"), max_digits=10, decimal_places=4, validators=[MinValueValidator(0.0001)]
    )
    source = models.CharField(_("数据来源"), max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("价格指数")
        verbose_name_plural = _("价格指数")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "month"], name="allocation_priceindex_once"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="allocation_pi_month"
            ),
        ]
        ordering = ["region_code", "-year", "-month"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year:04d}-{self.month:02d} {self.value}"


class SaleReturnState(models.TextChoices):
    PENDING = "pending", _("待退回")
    RETURNED = "returned", _("已退回")


class SaleReturn(RegionScoped):
    """已配售房源退回 (A.8.1): a sold 经适房 unit that goes back to the stock (合同解除、政府回购 …).

    ``region_code`` is the sale contract's. Completing it takes the unit back (projects' ``take_back``:
    已配给/已入住 → 已交付) and ends the sale contract in the same transaction.
    """

    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="sale_returns"
    )
    reason = models.CharField(_("回退原因"), max_length=500)
    due_on = models.DateField(_("应回退时间"))
    returned_on = models.DateField(_("实回退时间"), null=True, blank=True)
    is_printed = models.BooleanField(_("是否打印单据"), default=False)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    contract = models.ForeignKey(
        "allocation.Contract",
        verbose_name=_("购房合同"),
        on_delete=models.PROTECT,
        related_name="sale_returns",
    )
    state = django_fsm.FSMField(
        _("退回状态"), max_length=12, choices=SaleReturnState.choices, default=SaleReturnState.PENDING,
        protected=True,
    )  # fmt: skip

    class Meta:
        verbose_name = _("已配售房源退回")
        verbose_name_plural = _("已配售房源退回")
        indexes = [*RegionScoped.Meta.indexes]
        constraints = [
            # one open return per sale contract: a second would take the same unit back twice
            models.UniqueConstraint(
                fields=["contract"], condition=models.Q(state="pending"), name="allocation_salereturn_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id and self.unit.number} {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:resale_return_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @django_fsm.transition(
        field=state, source=SaleReturnState.PENDING, target=SaleReturnState.RETURNED,
        permission=RESALE_MANAGE_PERMISSION,
    )  # fmt: skip
    def complete(self) -> None:
        """退回完成: the unit is back in the stock."""


class ResaleRoute(models.TextChoices):
    """处置方式 asked for."""

    BUY_BACK = "buy_back", _("政府回购")
    MARKET = "market", _("上市交易")


class ResaleState(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    BUY_BACK = "buy_back", _("政府回购")
    APPROVED = "approved", _("准予上市")
    REFUSED = "refused", _("不予")
    BOUGHT_BACK = "bought_back", _("回购完成")
    SOLD = "sold", _("上市完成")


class Resale(RegionScoped):
    """已配售房源再上市 (A.8.2): one owner's request to sell a 经适房 unit, with the computed amounts.

    Before 5 years from the purchase (the earlier of 房屋所有权证日期 and 契税完税凭证日期) only 政府回购
    is possible; after, 上市交易 with 土地收益等价款, unless the centre exercises the government's first
    right to buy (是否优先回购). Each factor of a computation is stored beside its result so that the
    detail page and the notice show how it was reached, and a later change of the settings or the index
    does not rewrite a decided request.
    """

    # --- the standard's fields (A.8.2), in its order ---
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="resales"
    )
    certificate_number = models.CharField(_("产权证号"), max_length=60)
    asking_price = models.DecimalField(_("预售价格"), null=True, blank=True, **MONEY)
    guide_price = models.DecimalField(_("指导价格"), null=True, blank=True, **MONEY)
    contract_amount = models.DecimalField(_("签约金额"), null=True, blank=True, **MONEY)
    certificate_date = models.DateField(_("房屋所有权证日期"))
    deed_tax_date = models.DateField(_("契税完税凭证日期"))
    requested_on = models.DateField(_("再上市申请时间"))
    is_preemption = models.BooleanField(_("是否优先回购"), default=False)
    is_printed = models.BooleanField(_("是否打印单据"), default=False)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    contract = models.ForeignKey(
        "allocation.Contract", verbose_name=_("购房合同"), on_delete=models.PROTECT, related_name="resales"
    )
    route = models.CharField(_("申请处置方式"), max_length=12, choices=ResaleRoute.choices)
    state = django_fsm.FSMField(
        _("办理状态"),
        max_length=12,
        choices=ResaleState.choices,
        default=ResaleState.REQUESTED,
        protected=True,
    )
    original_price = models.DecimalField(_("原购房价款"), **MONEY)
    purchased_on = models.DateField(_("购房取得日期"))
    lock_years = models.PositiveSmallIntegerField(_("限制上市年限"))
    lock_ends_on = models.DateField(_("满限制年限日期"))
    # 政府回购价 = 原购房价款 × max(1 − 年折旧率 × 持有年数, 最低成新率) × 申请时指数 ÷ 购房时指数
    months_held = models.PositiveIntegerField(_("持有月数"), null=True, blank=True)
    depreciation_rate = models.DecimalField(
        _("年折旧率"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    depreciation_floor = models.DecimalField(
        _("最低成新率"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    index_at_purchase = models.DecimalField(
        _("购房时价格指数"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    index_at_request = models.DecimalField(
        _("申请时价格指数"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    buy_back_price = models.DecimalField(_("政府回购价格"), null=True, blank=True, **MONEY)
    # 土地收益等价款 = max(0, 成交参考价 − 原购房价款) × 缴纳比例
    land_revenue_share = models.DecimalField(
        _("土地收益缴纳比例"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    market_price = models.DecimalField(_("成交参考价"), null=True, blank=True, **MONEY)
    land_revenue = models.DecimalField(_("土地收益等价款"), null=True, blank=True, **MONEY)
    land_revenue_paid_on = models.DateField(_("土地收益缴纳日期"), null=True, blank=True)
    decision_opinion = models.CharField(_("审批意见"), max_length=500, blank=True, default="")
    decided_by = user_fk(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    sale_return = models.OneToOneField(
        SaleReturn, verbose_name=_("房源退回记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="resale",
    )  # fmt: skip
    issued_document = models.ForeignKey(
        "documents.IssuedDocument", verbose_name=_("通知书"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    notice_document = models.ForeignKey(
        "archive.Document", verbose_name=_("通知书电子档案"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    pdf_error = models.CharField(_("通知书生成错误"), max_length=2000, blank=True, default="")

    class Meta:
        verbose_name = _("已配售房源再上市")
        verbose_name_plural = _("已配售房源再上市")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["state", "-requested_on"], name="allocation_resale_state"),
        ]
        constraints = [
            # one request in progress per sale contract
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(state__in=["requested", "buy_back", "approved"]),
                name="allocation_resale_open",
            )
        ]
        permissions = [("manage_resale", _("可以办理经适房退回、回购与上市"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("allocation:resale_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def years_held_text(self) -> str:
        if self.months_held is None:
            return ""
        return _("%(y)s年%(m)s个月") % {"y": self.months_held // 12, "m": self.months_held % 12}

    @property
    def notice_title(self) -> str:
        if self.state in (ResaleState.BUY_BACK, ResaleState.BOUGHT_BACK):
            return str(_("经济适用住房回购通知书"))
        if self.state in (ResaleState.APPROVED, ResaleState.SOLD):
            return str(_("经济适用住房准予上市通知书"))
        return ""

    # --- lifecycle: the services check scope and write the event row of each transition ---
    @django_fsm.transition(
        field=state, source=ResaleState.REQUESTED, target=ResaleState.BUY_BACK,
        permission=RESALE_MANAGE_PERMISSION,
    )  # fmt: skip
    def decide_buy_back(self) -> None:
        """政府回购 (before 5 years the only way; after, the government's first right exercised)."""

    @django_fsm.transition(
        field=state, source=ResaleState.REQUESTED, target=ResaleState.APPROVED,
        permission=RESALE_MANAGE_PERMISSION,
    )  # fmt: skip
    def approve(self) -> None:
        """准予上市: the first right is not exercised; the land revenue is due."""

    @django_fsm.transition(
        field=state, source=ResaleState.REQUESTED, target=ResaleState.REFUSED,
        permission=RESALE_MANAGE_PERMISSION,
    )  # fmt: skip
    def refuse(self) -> None:
        """不予: with the reason."""

    @django_fsm.transition(
        field=state, source=ResaleState.BUY_BACK, target=ResaleState.BOUGHT_BACK,
        permission=RESALE_MANAGE_PERMISSION,
    )  # fmt: skip
    def complete_buy_back(self) -> None:
        """回购完成: paid, the unit back in the stock (A.8.1 row)."""

    @django_fsm.transition(
        field=state, source=ResaleState.APPROVED, target=ResaleState.SOLD,
        permission=RESALE_MANAGE_PERMISSION,
    )  # fmt: skip
    def complete_sale(self) -> None:
        """上市完成: sold, the land revenue paid, the family's guarantee ended."""


class ResaleEvent(models.Model):
    """One state change of a resale request or a return: who, when, from, to, and the opinion."""

    resale = models.ForeignKey(Resale, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    sale_return = models.ForeignKey(
        SaleReturn, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("原状态"), max_length=12, blank=True, default="")
    to_state = models.CharField(_("新状态"), max_length=12)
    opinion = models.CharField(_("意见"), max_length=500, blank=True, default="")
    actor = user_fk(_("办理人"))
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("经适房退回与上市办理记录")
        verbose_name_plural = _("经适房退回与上市办理记录")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resale__isnull=False) | models.Q(sale_return__isnull=False),
                name="allocation_resaleevent_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"

    def _label(self, value: str) -> str:
        choices = dict(ResaleState.choices if self.resale_id else SaleReturnState.choices)
        return str(choices.get(value, value)) if value else "—"

    @property
    def from_label(self) -> str:
        return self._label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)
