"""Code lists of the construction subsystem (CJJ/T 196 §8, A.5). Stable codes, Chinese labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectType(models.TextChoices):
    """项目类别."""

    PUBLIC_RENTAL = "public_rental", _("公共租赁住房")
    LOW_RENT = "low_rent", _("廉租住房")
    AFFORDABLE = "affordable", _("经济适用住房")
    PRICE_CAPPED = "price_capped", _("限价商品住房")
    SHANTY_RENOVATION = "shanty", _("棚户区改造")
    TALENT = "talent", _("人才住房")
    SHARED_OWNERSHIP = "shared_ownership", _("共有产权住房")


class ConstructionMode(models.TextChoices):
    """建设方式."""

    NEW_BUILD = "new_build", _("集中新建")
    BUNDLED = "bundled", _("商品房项目配建")
    PURCHASE = "purchase", _("收购")
    CONVERSION = "conversion", _("改建")
    LEASE = "lease", _("长期租赁")


class GuaranteeMode(models.TextChoices):
    """保障方式类别 / 初始房屋性质: what kind of guaranteed housing a unit is."""

    PUBLIC_RENTAL = "public_rental", _("公租房")
    LOW_RENT = "low_rent", _("廉租房")
    AFFORDABLE = "affordable", _("经适房")
    TALENT = "talent", _("人才房")
    SHARED_OWNERSHIP = "shared_ownership", _("共有产权房")


class UnitSource(models.TextChoices):
    """房屋来源: every source ends in the one stock (seed 001)."""

    NEW_BUILD = "new_build", _("新建")
    PURCHASE = "purchase", _("收购")
    LEASE = "lease", _("租赁")
    BUNDLED = "bundled", _("配建")
    EXISTING_PUBLIC = "existing_public", _("既有公房")


class UnitState(models.TextChoices):
    """房屋交付状态 (figure 3 of the standard) plus 维修中 and 注销."""

    UNDELIVERED = "undelivered", _("未交付")
    DELIVERED = "delivered", _("已交付")
    ALLOCATED = "allocated", _("已配给")
    OCCUPIED = "occupied", _("已入住")
    REPAIRING = "repairing", _("维修中")
    CANCELLED = "cancelled", _("注销")


class BuildingStatus(models.TextChoices):
    """建设状态 / 单体建设进度状态."""

    PLANNED = "planned", _("未开工")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    SUSPENDED = "suspended", _("停工")
    COMPLETED = "completed", _("已竣工")


class IncomeLevel(models.TextChoices):
    """收入层次类别."""

    LOWEST = "lowest", _("最低收入")
    LOW = "low", _("低收入")
    LOWER_MIDDLE = "lower_middle", _("中等偏下收入")
    MIDDLE = "middle", _("中等收入")


class CompensationMode(models.TextChoices):
    """安置补偿方式类别."""

    CASH = "cash", _("货币补偿")
    IN_KIND = "in_kind", _("实物安置")
    MIXED = "mixed", _("货币与实物相结合")


class LandAcquisitionMode(models.TextChoices):
    """土地取得方式."""

    ALLOCATION = "allocation", _("划拨")
    TRANSFER = "transfer", _("出让")
    LEASE = "lease", _("租赁")
    OTHER = "other", _("其他")


class FundSource(models.TextChoices):
    """资金来源渠道类别."""

    CENTRAL = "central", _("中央补助")
    PROVINCIAL = "provincial", _("省级补助")
    LOCAL = "local", _("市县财政")
    LAND_PROCEEDS = "land_proceeds", _("土地出让收益")
    HOUSING_FUND = "housing_fund", _("住房公积金增值收益")
    BANK_LOAN = "bank_loan", _("银行贷款")
    SOCIAL = "social", _("社会资金")


class InvestmentKind(models.TextChoices):
    """投资构成类别."""

    CONSTRUCTION = "construction", _("建安工程")
    LAND = "land", _("土地费用")
    RELOCATION = "relocation", _("拆迁安置")
    FACILITIES = "facilities", _("配套设施")
    OTHER = "other", _("其他费用")


class CertificateKind(models.TextChoices):
    """项目建设审批重要证件: the certificates a project collects before and during construction."""

    LAND_USE = "land_use", _("国有土地使用证")
    LAND_PLANNING = "land_planning", _("建设用地规划许可证")
    WORKS_PLANNING = "works_planning", _("建设工程规划许可证")
    CONSTRUCTION = "construction", _("建筑工程施工许可证")
    PRESALE = "presale", _("商品房预售许可证")
    RELOCATION = "relocation", _("房屋拆迁许可证")


class CompanyRole(models.TextChoices):
    """参与单位分类."""

    DEVELOPER = "developer", _("开发建设单位")
    DESIGNER = "designer", _("设计单位")
    CONTRACTOR = "contractor", _("施工单位")
    SUPERVISOR = "supervisor", _("监理单位")
    SURVEYOR = "surveyor", _("勘察单位")
    RELOCATOR = "relocator", _("拆迁单位")
    PROPERTY = "property", _("物业服务企业")
