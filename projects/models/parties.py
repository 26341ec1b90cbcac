"""Companies and people taking part in projects: CJJ/T 196 A.5.4 and A.5.5."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ._fields import choice, count, date, money, region_index, text
from .choices import CompanyRole
from .construction import Project


class ParticipatingCompany(RegionScoped):
    """项目参与单位信息 (A.5.4): developer, designer, contractor, supervisor …"""

    number = models.CharField(_("单位编号"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    role = choice(_("参与单位分类"), CompanyRole.choices)
    authority = text(_("主管单位"), 200)
    id_kind = text(_("证件类型"), 50)
    id_number = text(_("证件号码"), 50)
    industry = text(_("所属行业"), 50)
    registered_place = text(_("注册地"), 200)
    phone = text(_("电话"), 30)
    fax = text(_("传真"), 30)
    address = text(_("地址"), 300)
    postcode = text(_("邮编"), 10)
    email = text(_("邮箱"), 100)
    website = text(_("网址"), 200)
    qualification_name = text(_("资质名称"), 100)
    qualification_number = text(_("资质证书号"), 50)
    qualification_grade = text(_("资质等级"), 30)
    qualification_from = date(_("资质起始日期"))
    qualification_to = date(_("资质终止日期"))
    company_type = text(_("参与单位类型"), 50, help_text=_("如：国有企业、民营企业、事业单位"))
    business_scope = models.TextField(_("经营范围"), blank=True, default="")
    registered_capital = models.DecimalField(
        _("注册资本（万）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employees = count(_("从业人数"))
    legal_representative = text(_("法人代表"), 50)
    founded_on = date(_("成立时间"))
    bank = text(_("开户银行"), 100)
    bank_account = text(_("银行账号"), 40)
    titled_staff = count(_("有职称专业人员数"))
    senior_titled_staff = count(_("高级职称人数"))
    registered_staff = count(_("在册人员总数"))
    middle_titled_staff = count(_("中级职称人数"))
    junior_titled_staff = count(_("初级职称人数"))
    licence_from = date(_("营业执照经营开始时间"))
    licence_to = date(_("营业执照经营结束时间"))
    net_assets = money(_("净资产"))
    total_assets = money(_("总资产"))
    projects = models.ManyToManyField(
        Project,
        verbose_name=_("参与项目"),
        through="ProjectParticipation",
        related_name="companies",
        blank=True,
    )

    class Meta(RegionScoped.Meta):
        indexes = [region_index("projects_company_rgn")]
        verbose_name = _("项目参与单位")
        verbose_name_plural = _("项目参与单位")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class ProjectParticipation(models.Model):
    """Which company takes which part in which project."""

    project = models.ForeignKey(Project, verbose_name=_("建设项目"), on_delete=models.CASCADE)
    company = models.ForeignKey(ParticipatingCompany, verbose_name=_("参与单位"), on_delete=models.PROTECT)
    role = models.CharField(_("参与单位分类"), max_length=32, choices=CompanyRole.choices)

    class Meta:
        verbose_name = _("项目参与")
        verbose_name_plural = _("项目参与")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "company", "role"], name="projects_participation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.company}（{self.get_role_display()}）"


class ParticipatingPerson(RegionScoped):
    """项目参与人员信息 (A.5.5): project managers, engineers, supervisors named on a project.

    ``region_code`` follows the person's company so the scope filter stays one indexed prefix.
    """

    number = models.CharField(_("人员编号"), max_length=40, unique=True)
    name = models.CharField(_("人员名称"), max_length=50)
    category = text(_("人员分类"), 50)
    company = models.ForeignKey(
        ParticipatingCompany, verbose_name=_("单位编号"), on_delete=models.PROTECT, related_name="people"
    )
    id_kind = text(_("证件类型"), 30)
    id_number = text(_("证件号码"), 30)
    household_place = text(_("户籍所在地"), 200)
    occupation = text(_("职业"), 50)
    sex = text(_("性别"), 4)
    nationality = text(_("国籍"), 30)
    ethnicity = text(_("民族"), 20)
    birth_date = date(_("出生日期"))
    education = text(_("学历"), 20)
    major = text(_("所学专业"), 50)
    position = text(_("职务"), 50)
    title = text(_("职称"), 50)
    phone = text(_("电话"), 30)
    fax = text(_("传真"), 30)
    address = text(_("地址"), 300)
    postcode = text(_("邮编"), 10)
    email = text(_("邮箱"), 100)
    website = text(_("网址"), 200)
    qualification_name = text(_("资格名称"), 100)
    qualification_number = text(_("资格证书号"), 50)
    qualification_issuer = text(_("发证单位"), 100)
    qualification_grade = text(_("资格等级"), 30)
    qualification_from = date(_("资格起始日期"))
    qualification_to = date(_("资格终止日期"))
    other_qualifications = text(_("其他执业资格"), 200)
    is_full_time = models.BooleanField(_("专（兼）职"), default=True, help_text=_("勾选为专职"))
    years_in_profession = models.PositiveSmallIntegerField(_("从事专业工作累计年限"), null=True, blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("参与项目"), related_name="people", blank=True)

    class Meta(RegionScoped.Meta):
        indexes = [region_index("projects_person_rgn")]
        verbose_name = _("项目参与人员")
        verbose_name_plural = _("项目参与人员")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name
