"""Progress logs, approval certificates and their scans, contracts: CJJ/T 196 A.5.6–A.5.10."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import mask_name
from housing.regions.models import RegionScoped

from ._fields import area, choice, count, date, money, region_index, text
from .choices import (
    BuildingStatus,
    CertificateKind,
    CompensationMode,
    FundSource,
    GuaranteeMode,
    IncomeLevel,
    InvestmentKind,
    LandAcquisitionMode,
)
from .construction import Building, Project
from .parties import ParticipatingCompany


class ProgressLog(RegionScoped):
    """项目进度日志信息 (A.5.6): one dated report of construction, investment and relocation progress."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目编号"), on_delete=models.PROTECT, related_name="progress_logs"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("单体工程编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_logs",
    )
    recorded_on = models.DateField(_("记录日期"))
    building_status = choice(_("单体建设进度状态"), BuildingStatus.choices)
    fund_source = choice(_("资金来源渠道类别"), FundSource.choices)
    investment_kind = choice(_("投资构成类别"), InvestmentKind.choices)
    disbursed_amount = money(_("拨付额度"))
    completed_investment = money(_("已完成投资"))
    income_level = choice(_("收入层次类别"), IncomeLevel.choices)
    guarantee_mode = choice(_("保障方式类别"), GuaranteeMode.choices)
    agreements_signed = count(_("已签订拆迁安置补偿协议户数"))
    relocated_households = count(_("拆迁居民户数"))
    relocated_floor_area = area(_("拆迁房屋面积"))
    relocated_residential_area = area(_("拆迁住宅面积"))
    relocated_units = count(_("拆迁住宅套数"))
    compensation_mode = choice(_("安置补偿方式类别"), CompensationMode.choices)
    cash_compensation = money(_("货币补偿金额"))
    resettled_households = count(_("安置居民户数"))
    resettled_floor_area = area(_("安置房屋面积"))
    resettled_residential_area = area(_("安置住宅面积"))
    resettled_units = count(_("安置住宅套数"))
    land_supplied_total = area(_("供地总面积"))
    land_acquisition_mode = choice(_("土地取得方式"), LandAcquisitionMode.choices)
    land_supplied_area = area(_("供地面积"))
    land_approval_number = text(_("土地使用批准文号"), 60)
    land_certificate_number = text(_("国有土地使用权证号"), 60)

    class Meta(RegionScoped.Meta):
        verbose_name = _("项目进度日志")
        verbose_name_plural = _("项目进度日志")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project.number} {self.recorded_on}"


class ApprovalCertificate(RegionScoped):
    """项目建设审批重要证件信息 (A.5.8).

    The standard lists the fields of six certificates in one record (土地证, 用地规划许可, 工程规划
    许可, 施工许可, 预售许可, 拆迁许可); ``kind`` says which one, and only its fields are filled.
    """

    number = models.CharField(_("证书编号"), max_length=60)
    project = models.ForeignKey(
        Project, verbose_name=_("项目编号"), on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("证书类别"), max_length=32, choices=CertificateKind.choices)
    name = models.CharField(_("证书名称"), max_length=100)
    issued_on = date(_("发证日期"))
    issuer = text(_("发证机关/登记机关"), 100)
    valid_from = date(_("证书有效起始时间"))
    valid_to = date(_("证书有效终止时间"))
    # 国有土地使用证
    land_user = text(_("土地使用权人"), 200)
    land_location = text(_("坐落"), 200)
    lot_number = text(_("地号"), 50)
    map_number = text(_("图号"), 50)
    land_class = text(_("地类（用途）"), 50)
    land_grade = text(_("土地等级"), 20)
    acquisition_price = money(_("取得价格"))
    land_right_kind = text(_("使用权类型"), 30)
    land_right_area = area(_("使用权面积"))
    exclusive_area = area(_("独用面积"))
    apportioned_area = area(_("分摊面积"))
    # 建设用地规划许可证
    land_using_unit = text(_("用地单位"), 200)
    works_name = text(_("工程项目名称"), 200)
    land_site = text(_("用地位置"), 200)
    land_use_area = area(_("用地面积"))
    land_use_nature = text(_("用地性质"), 50)
    construction_scale = text(_("建设规模"), 100)
    plot_ratio = models.DecimalField(_("容积率（%）"), max_digits=7, decimal_places=2, null=True, blank=True)
    building_density = models.DecimalField(
        _("建筑密度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    green_ratio = models.DecimalField(_("绿地率（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    # 建设工程规划许可证
    planning_project_name = text(_("规划项目名称"), 200)
    planning_address = text(_("建设地址"), 200)
    permitted_floor_area = area(_("规划许可建筑面积"))
    planned_residential_area = area(_("规划住宅面积"))
    planned_commercial_area = area(_("规划商业面积"))
    planned_office_area = area(_("规划办公面积"))
    # 建筑工程施工许可证
    builder = text(_("建设单位"), 200)
    construction_project_name = text(_("建设项目名称"), 200)
    construction_site = text(_("建设位置"), 200)
    construction_address = text(_("建设地址（施工许可）"), 200, help_text=_("标准中的第二个“建设地址”字段"))
    contract_price = money(_("合同价格"))
    designer = text(_("设计单位"), 200)
    contractor = text(_("施工单位"), 200)
    supervisor = text(_("监理单位"), 200)
    contract_start_date = date(_("合同开工日期"))
    contract_completion_date = date(_("合同竣工日期"))
    # 商品房预售许可证
    seller = text(_("售房单位"), 200)
    sale_project_name = text(_("销售项目名称"), 200)
    house_location = text(_("房屋坐落地点"), 200)
    house_use = text(_("房屋用途性质"), 50)
    presale_buyers = text(_("预销售对象"), 100)
    approved_sale_area = area(_("批准售建筑面积"))
    approved_sale_units = count(_("批准售建筑套数"))
    export_sale_area = area(_("外销建筑面积"))
    export_sale_units = count(_("外销建筑套数"))
    approved_residential_sale_area = area(_("批准销售住宅面积"))
    approved_commercial_sale_area = area(_("批准销售商业面积"))
    approved_office_sale_area = area(_("批准销售办公面积"))
    approved_other_sale_area = area(_("批准销售其他面积"))
    # 房屋拆迁许可证
    relocation_company = text(_("拆迁公司"), 200)
    relocation_project_name = text(_("拆迁项目名称"), 200)
    relocation_permit_number = text(_("拆迁许可证号"), 60)
    relocation_from = date(_("拆迁许可开始时间"))
    relocation_to = date(_("拆迁许可结束时间"))
    relocation_scope = text(_("拆迁范围"), 300)
    planned_relocation_area = area(_("计划拆迁面积"))

    class Meta(RegionScoped.Meta):
        indexes = [region_index("projects_cert_rgn")]
        verbose_name = _("项目建设审批重要证件")
        verbose_name_plural = _("项目建设审批重要证件")
        ordering = ["project_id", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "number"], name="projects_certificate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.project_id]) + "#pane-certificates"


class CertificateScan(RegionScoped):
    """项目建设审批电子档案 (A.5.7): the filing of a certificate scan; the file lives in the archive."""

    number = models.CharField(_("证件电子档案编号"), max_length=60, unique=True)
    certificate = models.ForeignKey(
        ApprovalCertificate, verbose_name=_("证书编号"), on_delete=models.PROTECT, related_name="scans"
    )
    volume_seq = count(_("所属卷序号"))
    volume_code = text(_("所属卷编码"), 40)
    volume_name = text(_("所属卷名称"), 100)
    file_seq = count(_("宗序号"))
    file_code = text(_("宗编码"), 40)
    file_name = text(_("宗名称"), 100)
    volume_pages = count(_("所属卷总页数"))
    file_pages = count(_("宗总页数"))
    image_name = text(_("图像名称"), 200)
    image_start_page = count(_("图像起始页码"))
    document = models.ForeignKey(
        "archive.Document", verbose_name=_("证书扫描件"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(RegionScoped.Meta):
        verbose_name = _("项目建设审批电子档案")
        verbose_name_plural = _("项目建设审批电子档案")
        ordering = ["certificate_id", "pk"]

    def __str__(self) -> str:
        return self.number


class ConstructionContract(RegionScoped):
    """项目建设工程施工合同备案信息 (A.5.9)."""

    record_number = models.CharField(_("记录编号"), max_length=40, unique=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目唯一编号"),
        on_delete=models.PROTECT,
        related_name="construction_contracts",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("单项工程唯一编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    party_a = models.ForeignKey(
        ParticipatingCompany,
        verbose_name=_("合同甲方唯一编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_as_a",
    )
    party_b = models.ForeignKey(
        ParticipatingCompany,
        verbose_name=_("合同乙方唯一编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_as_b",
    )
    category = text(_("合同类别"), 50)
    contract_number = models.CharField(_("合同编号"), max_length=60)
    name = models.CharField(_("合同名称"), max_length=200)
    summary = models.TextField(_("合同内容简述"), blank=True, default="")
    amount = money(_("合同金额"))
    quantity = text(_("合同工程量"), 100)
    signed_on = date(_("签订时间"))
    agreed_start_date = date(_("合同约定开工时间"))
    agreed_completion_date = date(_("合同约定竣工时间"))
    valid_from = date(_("合同有效开始时间"))
    valid_to = date(_("合同有效结束时间"))
    is_valid = models.BooleanField(_("合同是否有效"), default=True)

    class Meta(RegionScoped.Meta):
        indexes = [region_index("projects_cons_contract_rgn")]
        verbose_name = _("建设工程施工合同备案")
        verbose_name_plural = _("建设工程施工合同备案")
        ordering = ["project_id", "-signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.contract_number}）"


class RelocationContract(RegionScoped):
    """项目拆迁安置合同备案 (A.5.10). The relocatee's name is personal data: masked in lists."""

    record_number = models.CharField(_("记录编号"), max_length=40, unique=True)
    project = models.ForeignKey(
        Project, verbose_name=_("项目编号"), on_delete=models.PROTECT, related_name="relocation_contracts"
    )
    contract_number = models.CharField(_("拆迁安置合同编号"), max_length=60)
    signed_on = date(_("合同签订日期"))
    effective_on = date(_("合同生效日期"))
    income_level = choice(_("收入层次类别"), IncomeLevel.choices)
    guarantee_mode = choice(_("保障方式类别"), GuaranteeMode.choices)
    compensation_mode = choice(_("安置补偿方式类别"), CompensationMode.choices)
    relocatee = models.CharField(_("被拆迁人"), max_length=50)
    relocated_floor_area = area(_("拆迁房屋面积"))
    relocated_residential_area = area(_("拆迁住宅面积"))
    cash_compensation = money(_("货币补偿额度"))
    resettled_residential_area = area(_("实物安置住宅面积"))
    resettled_floor_area = area(_("实物安置房屋面积"))

    class Meta(RegionScoped.Meta):
        indexes = [region_index("projects_reloc_contract_rgn")]
        verbose_name = _("拆迁安置合同备案")
        verbose_name_plural = _("拆迁安置合同备案")
        ordering = ["project_id", "-signed_on", "pk"]

    def __str__(self) -> str:
        return self.contract_number

    @property
    def relocatee_masked(self) -> str:
        return mask_name(self.relocatee)
