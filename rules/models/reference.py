"""保障项目、保障方式、申请条件分类 and the support side (CJJ/T 196 A.1.1–A.1.3, A.1.8–A.1.11).

These rows name *what* is regulated; they are not versioned. The thresholds, formulas and values
that change with each policy live in a rule-set version (``rulesets.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped


class EnabledFields(models.Model):
    """是否启用 / 启用时间, which every A.1 table carries."""

    is_enabled = models.BooleanField(_("是否启用"), default=True)
    enabled_on = models.DateField(_("启用时间"), null=True, blank=True)

    class Meta:
        abstract = True


class IncomeClass(models.TextChoices):
    LOWEST = "lowest", _("最低收入")
    LOW = "low", _("低收入")
    LOWER_MIDDLE = "lower_middle", _("中等偏下收入")
    MIDDLE = "middle", _("中等收入")
    ANY = "any", _("不限")


class SpecialGroup(models.TextChoices):
    NONE = "none", _("无")
    NEW_EMPLOYEE = "new_employee", _("新就业无房职工")
    MIGRANT_WORKER = "migrant_worker", _("外来务工人员")
    TALENT = "talent", _("高层次人才")
    ELDERLY_DISABLED = "elderly_disabled", _("老年人、残疾人等特殊困难群体")


class GuaranteeProject(EnabledFields, RegionScoped):
    """A.1.1 保障项目: e.g. 廉租住房 of a city, for an income class or a special group."""

    code = models.CharField(_("保障项目编号"), max_length=32)
    name = models.CharField(_("保障项目"), max_length=100)
    income_class = models.CharField(
        _("收入分类"), max_length=16, choices=IncomeClass.choices, default=IncomeClass.ANY
    )
    special_group = models.CharField(
        _("特殊人群分类"), max_length=32, choices=SpecialGroup.choices, default=SpecialGroup.NONE
    )

    class Meta(RegionScoped.Meta):
        verbose_name = _("保障项目")
        verbose_name_plural = _("保障项目")
        ordering = ["region_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "region_code"], name="rules_project_code_region")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ModeKind(models.TextChoices):
    RENTAL_IN_KIND = "rental_in_kind", _("实物配租")
    SALE_IN_KIND = "sale_in_kind", _("实物配售")
    RENT_SUBSIDY = "rent_subsidy", _("租赁补贴")
    PURCHASE_SUBSIDY = "purchase_subsidy", _("购房补贴")
    RENT_REDUCTION = "rent_reduction", _("租金核减")
    OTHER = "other", _("其他")


class GuaranteeMode(EnabledFields):
    """A.1.2 保障对象保障方式: how a project helps (实物配租, 租赁补贴 …)."""

    code = models.CharField(_("保障方式编号"), max_length=32)
    project = models.ForeignKey(
        GuaranteeProject, verbose_name=_("保障项目编号"), on_delete=models.PROTECT, related_name="modes"
    )
    kind = models.CharField(_("保障方式"), max_length=32, choices=ModeKind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    # 自动受理、自动核查、自动审批 (issue 4 part 6; admission/checks decides, docs/admission_checks.md).
    auto_approval = models.BooleanField(
        _("自动审批"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "是：提交后自动受理、核查部门数据并审批，不通过的转人工；否：人工审核；"
            "留空：高层次人才项目自动，其余人工。"
        ),
    )

    class Meta:
        verbose_name = _("保障对象保障方式")
        verbose_name_plural = _("保障对象保障方式")
        ordering = ["project", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="rules_mode_project_code")]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def audit_region_code(self) -> str:
        return self.project.region_code


class ConditionCategory(models.Model):
    """A.1.3 保障对象申请条件分类: a tree (收入 › 月收入 …) that groups conditions in the trace."""

    code = models.CharField(_("保障对象申请条件分类编号"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("父级保障对象申请条件分类编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("保障对象申请条件分类名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("保障对象申请条件分类")
        verbose_name_plural = _("保障对象申请条件分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SupplierType(models.TextChoices):
    DEVELOPER = "developer", _("开发建设单位")
    ENTERPRISE = "enterprise", _("企事业单位（自建）")
    PARK = "park", _("产业园区")
    LANDLORD = "landlord", _("个人房源提供者")
    OPERATOR = "operator", _("住房租赁企业")


class SupportProject(EnabledFields, RegionScoped):
    """A.1.8 支持项目: policy support for those who supply affordable housing."""

    code = models.CharField(_("支持项目编号"), max_length=32)
    name = models.CharField(_("支持项目"), max_length=100)
    supplier_type = models.CharField(_("支持对象类型"), max_length=16, choices=SupplierType.choices)

    class Meta(RegionScoped.Meta):
        verbose_name = _("支持项目")
        verbose_name_plural = _("支持项目")
        ordering = ["region_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "region_code"], name="rules_support_project_code_region")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class SupportModeKind(models.TextChoices):
    LAND = "land", _("土地配给")
    MONEY = "money", _("货币补贴")
    TAX = "tax", _("税费减免")
    OTHER = "other", _("其他")


class SupportMode(EnabledFields):
    """A.1.9 支持对象支持方式."""

    code = models.CharField(_("支持方式编号"), max_length=32)
    project = models.ForeignKey(
        SupportProject, verbose_name=_("支持项目编号"), on_delete=models.PROTECT, related_name="modes"
    )
    kind = models.CharField(_("支持方式"), max_length=16, choices=SupportModeKind.choices)

    class Meta:
        verbose_name = _("支持对象支持方式")
        verbose_name_plural = _("支持对象支持方式")
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="rules_support_mode_project_code")
        ]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.get_kind_display()}"

    def audit_region_code(self) -> str:
        return self.project.region_code


class SupportCondition(EnabledFields):
    """A.1.10 支持对象申请条件: stated in words; suppliers are reviewed by staff, not by the engine."""

    code = models.CharField(_("支持方式申请条件编号"), max_length=32)
    mode = models.ForeignKey(
        SupportMode, verbose_name=_("支持方式编号"), on_delete=models.CASCADE, related_name="conditions"
    )
    condition = models.CharField(_("支持条件"), max_length=200)
    detail = models.TextField(_("具体条件"), blank=True)

    class Meta:
        verbose_name = _("支持对象申请条件")
        verbose_name_plural = _("支持对象申请条件")
        ordering = ["mode", "code"]
        constraints = [models.UniqueConstraint(fields=["mode", "code"], name="rules_support_condition_code")]

    def __str__(self) -> str:
        return self.condition


class SupportStandard(EnabledFields):
    """A.1.11 支持对象支持标准: the standard as published and the one actually applied."""

    code = models.CharField(_("支持方式支持标准编号"), max_length=32)
    mode = models.ForeignKey(
        SupportMode, verbose_name=_("支持方式编号"), on_delete=models.CASCADE, related_name="standards"
    )
    current_standard = models.CharField(_("现有标准"), max_length=200)
    applied_standard = models.CharField(_("执行标准"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("支持对象支持标准")
        verbose_name_plural = _("支持对象支持标准")
        ordering = ["mode", "code"]
        constraints = [models.UniqueConstraint(fields=["mode", "code"], name="rules_support_standard_code")]

    def __str__(self) -> str:
        return self.current_standard
