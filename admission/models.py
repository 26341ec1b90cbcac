"""准入登记: the family register (家庭档案), CJJ/T 196 A.3.8 申请家庭基本信息 and A.3.10 申请家庭成员信息.

A family (申请家庭) is the region-owned root every later part of admission hangs from: applications and
their review lifecycle, housing, assets, publicity and the registry. The standard's application-specific
columns of A.3.8/A.3.10 (申请编号, 办理阶段, 审核人, 审核时间, 审核状态) are kept here as the standard's
record, read-only in the UI; they move to the application model when the review lifecycle lands
(see docs/admission.md).
"""

from __future__ import annotations

import datetime as dt

import django_fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.accounts.identity import id_number_digest, mask_id_number, mask_phone, normalise_id_number
from housing.regions.models import RegionScoped

from .fields import EncryptedCharField

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
AREA = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(0)]}

phone_validator = RegexValidator(
    r"^[0-9][0-9\-]{6,19}$", _("联系电话只能包含数字和连字符，7至20位。"), code="phone"
)


def current_year() -> int:
    return timezone.localdate().year


class IdType(models.TextChoices):
    """证件类别. All three carry an 18-character GB 11643 number (check digit, birth date)."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit", _("港澳台居民居住证")
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent", _("外国人永久居留身份证")


class ShantytownType(models.TextChoices):
    """棚户区类型 (国发〔2013〕25号: 城市、国有工矿、国有林区、国有垦区棚户区)."""

    URBAN = "urban", _("城市棚户区")
    STATE_MINING = "state_mining", _("国有工矿棚户区")
    STATE_FOREST = "state_forest", _("国有林区棚户区")
    STATE_RECLAMATION = "state_reclamation", _("国有垦区棚户区")


class StateShantytownAffiliation(models.TextChoices):
    """国有棚户区隶属关系."""

    CENTRAL = "central", _("中央")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    COUNTY = "county", _("县级")


class SupportMode(models.TextChoices):
    """享受住房保障待遇方式."""

    LOW_RENT_HOUSING = "low_rent_housing", _("廉租住房实物配租")
    RENT_SUBSIDY = "rent_subsidy", _("租赁补贴")
    PUBLIC_RENTAL = "public_rental", _("公共租赁住房")
    AFFORDABLE_HOUSING = "affordable_housing", _("经济适用住房")
    PRICE_CAPPED = "price_capped", _("限价商品住房")
    SHANTYTOWN_RENOVATION = "shantytown_renovation", _("棚户区改造安置")
    OTHER = "other", _("其他")


class Stage(models.TextChoices):
    """办理阶段 (the stages of issue 4's lifecycle; a family without an application is 已建档)."""

    FILED = "filed", _("已建档")
    SUBMITTED = "submitted", _("已受理")
    STREET_REVIEW = "street_review", _("街道审核")
    STREET_PUBLICITY = "street_publicity", _("街道公示")
    DISTRICT_REVIEW = "district_review", _("区级审核")
    DISTRICT_PUBLICITY = "district_publicity", _("区级公示")
    CITY_REVIEW = "city_review", _("市级审核")
    CITY_PUBLICITY = "city_publicity", _("市级公示")
    REGISTERED = "registered", _("准予登记")
    REFUSED = "refused", _("不予登记")


class ReviewStatus(models.TextChoices):
    """审核状态."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核不通过")
    RETURNED = "returned", _("退回补件")


class ReviewRecordMixin(models.Model):
    """The standard's review columns (办理阶段, 审核人, 审核时间, 审核状态), shared by A.3.8 and A.3.10.

    Read-only in the UI; written only by the review lifecycle once it lands (DESIGN §4 rule 3).
    """

    application_number = models.CharField(_("申请编号"), max_length=32, blank=True, default="")
    stage = models.CharField(_("办理阶段"), max_length=20, choices=Stage.choices, default=Stage.FILED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_status = models.CharField(
        _("审核状态"), max_length=10, choices=ReviewStatus.choices, blank=True, default=""
    )

    class Meta:
        abstract = True


class EncryptedIdNumberMixin:
    """Keep the keyed hash and the masked copy of every encrypted ID number in step with it.

    ``ID_NUMBER_FIELDS`` maps an encrypted field to its (digest field or None, masked field).
    """

    ID_NUMBER_FIELDS: dict[str, tuple[str | None, str]] = {}

    def clean_id_numbers(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for field, (digest_field, masked_field) in self.ID_NUMBER_FIELDS.items():
            value = getattr(self, field) or ""
            if not value:
                if digest_field:
                    setattr(self, digest_field, "")
                setattr(self, masked_field, "")
                continue
            try:
                value = normalise_id_number(value)
            except ValidationError as exc:
                errors[field] = exc.messages
                continue
            setattr(self, field, value)
            if digest_field:
                setattr(self, digest_field, id_number_digest(value))
            setattr(self, masked_field, mask_id_number(value))
        return errors


class Family(EncryptedIdNumberMixin, ReviewRecordMixin, RegionScoped):
    """申请家庭 (A.3.8 申请家庭基本信息): one household in the register (一户一档)."""

    ID_NUMBER_FIELDS = {
        "id_number": ("id_number_digest", "id_number_masked"),
        "agent_id_number": (None, "agent_id_number_masked"),
    }

    registration_year = models.PositiveSmallIntegerField(
        _("准入登记年度"), default=current_year, validators=[MinValueValidator(1990)]
    )
    applicant_name = models.CharField(_("申请人姓名"), max_length=50)
    id_type = models.CharField(
        _("证件类别"), max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = EncryptedCharField(_("证件号码"), clear_max_length=18)
    id_number_digest = models.CharField(_("证件号码检索码"), max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=18, editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    agent_name = models.CharField(_("代理人姓名"), max_length=50, blank=True, default="")
    agent_id_type = models.CharField(
        _("代理人证件类别"), max_length=24, choices=IdType.choices, blank=True, default=""
    )
    agent_id_number = EncryptedCharField(_("代理人证件号码"), clear_max_length=18, blank=True, default="")
    agent_id_number_masked = models.CharField(
        _("代理人证件号码（脱敏）"), max_length=18, editable=False, blank=True, default=""
    )
    agent_phone = models.CharField(
        _("代理人联系电话"), max_length=20, blank=True, default="", validators=[phone_validator]
    )
    # 户籍所在地: free text, as on the 户口簿 (the household may be registered outside this city).
    hukou_county = models.CharField(_("户籍所在地-县（市）-区"), max_length=50, blank=True, default="")
    hukou_street = models.CharField(_("户籍所在地-街道"), max_length=50, blank=True, default="")
    hukou_community = models.CharField(_("户籍所在地-社区"), max_length=50, blank=True, default="")
    hukou_road = models.CharField(
        _("户籍所在地-路（街、里、巷、小区）"), max_length=100, blank=True, default=""
    )
    hukou_number = models.CharField(_("户籍所在地-号"), max_length=20, blank=True, default="")
    hukou_building = models.CharField(_("户籍所在地-座（栋）"), max_length=20, blank=True, default="")
    hukou_room = models.CharField(_("户籍所在地-室"), max_length=20, blank=True, default="")
    # Derived from the active members (services.family_recount), never typed in.
    household_size = models.PositiveSmallIntegerField(_("家庭人口数"), default=0)
    per_capita_income = models.DecimalField(_("家庭人均年收入"), default=0, **MONEY)
    total_income = models.DecimalField(_("家庭年总收入"), default=0, **MONEY)
    per_capita_floor_area = models.DecimalField(_("家庭人均建筑面积"), default=0, **AREA)
    total_floor_area = models.DecimalField(_("家庭总建筑面积"), default=0, **AREA)
    lives_in_shantytown = models.BooleanField(_("是否居住在棚户区"), default=False)
    shantytown_name = models.CharField(_("棚户区名称"), max_length=100, blank=True, default="")
    shantytown_type = models.CharField(
        _("棚户区类型"), max_length=20, choices=ShantytownType.choices, blank=True, default=""
    )
    state_shantytown_affiliation = models.CharField(
        _("国有棚户区隶属关系"),
        max_length=12,
        choices=StateShantytownAffiliation.choices,
        blank=True,
        default="",
    )
    is_low_income = models.BooleanField(_("是否低收入家庭"), default=False)
    is_subsistence_allowance_family = models.BooleanField(_("是否为最低生活保障家庭"), default=False)
    subsistence_certificate_number = models.CharField(
        _("最低生活保障证号"), max_length=50, blank=True, default=""
    )
    has_received_housing_support = models.BooleanField(_("是否享受过住房保障待遇"), default=False)
    previous_support_mode = models.CharField(
        _("享受住房保障待遇方式"), max_length=24, choices=SupportMode.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("建档人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["id_number_digest", "updated_at"])

    class Meta:
        verbose_name = _("申请家庭")
        verbose_name_plural = _("申请家庭")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["region_code", "stage"], name="admission_family_rgn_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name}（{self.id_number_masked or '—'}）"

    def get_absolute_url(self) -> str:
        return reverse("admission:family_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_agent_phone(self) -> str:
        return mask_phone(self.agent_phone)

    @property
    def hukou_address(self) -> str:
        """户籍所在地 as one line, for display."""
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

    def clean(self) -> None:
        errors = self.clean_id_numbers()
        if self.agent_name and not self.agent_id_number:
            errors.setdefault("agent_id_number", []).append(str(_("填写代理人时须填写代理人证件号码。")))
        if self.agent_id_number and not self.agent_id_type:
            errors.setdefault("agent_id_type", []).append(str(_("请选择代理人证件类别。")))
        if self.lives_in_shantytown and not self.shantytown_name:
            errors.setdefault("shantytown_name", []).append(str(_("居住在棚户区的家庭须填写棚户区名称。")))
        if self.is_subsistence_allowance_family and not self.subsistence_certificate_number:
            errors.setdefault("subsistence_certificate_number", []).append(
                str(_("最低生活保障家庭须填写最低生活保障证号。"))
            )
        if self.has_received_housing_support and not self.previous_support_mode:
            errors.setdefault("previous_support_mode", []).append(
                str(_("享受过住房保障待遇的家庭须选择享受方式。"))
            )
        if self.registration_year and self.registration_year > current_year() + 1:
            errors.setdefault("registration_year", []).append(str(_("准入登记年度不能晚于明年。")))
        if errors:
            raise ValidationError(errors)


class Relation(models.TextChoices):
    """与户主关系 (GB/T 4761 家庭关系代码, 归并)."""

    SELF = "self", _("本人（户主）")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("子")
    DAUGHTER = "daughter", _("女")
    PARENT = "parent", _("父母")
    PARENT_IN_LAW = "parent_in_law", _("岳父母或公婆")
    GRANDPARENT = "grandparent", _("祖父母或外祖父母")
    GRANDCHILD = "grandchild", _("孙子女或外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class HukouType(models.TextChoices):
    """户口性质."""

    URBAN = "urban", _("非农业户口")
    RURAL = "rural", _("农业户口")
    RESIDENT = "resident", _("居民户口")
    NONE_LOCAL = "non_local", _("非本地户籍")


class Sex(models.TextChoices):
    """性别 (GB/T 2261.1)."""

    MALE = "1", _("男")
    FEMALE = "2", _("女")


class EmploymentStatus(models.TextChoices):
    """就业情况."""

    EMPLOYED = "employed", _("在业")
    FLEXIBLE = "flexible", _("灵活就业")
    UNEMPLOYED = "unemployed", _("失业")
    RETIRED = "retired", _("离退休")
    STUDENT = "student", _("在校学生")
    PRESCHOOL = "preschool", _("学龄前")
    NOT_WORKING = "not_working", _("无业")


class EmployerType(models.TextChoices):
    """单位性质."""

    GOVERNMENT = "government", _("机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    COLLECTIVE = "collective", _("集体企业")
    PRIVATE = "private", _("私营企业")
    FOREIGN = "foreign", _("外资企业")
    SELF_EMPLOYED = "self_employed", _("个体工商户")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    """文化程度 (GB/T 4658, 归并)."""

    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等专科")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_HIGH = "junior_high", _("初中")
    PRIMARY = "primary", _("小学")
    NONE = "none", _("其他")


class MaritalStatus(models.TextChoices):
    """婚姻状况 (GB/T 2261.2)."""

    UNMARRIED = "10", _("未婚")
    MARRIED = "20", _("已婚")
    WIDOWED = "30", _("丧偶")
    DIVORCED = "40", _("离婚")
    OTHER = "90", _("其他")


class DisabilityType(models.TextChoices):
    """残疾类别 (GB/T 26341)."""

    VISION = "1", _("视力残疾")
    HEARING = "2", _("听力残疾")
    SPEECH = "3", _("言语残疾")
    PHYSICAL = "4", _("肢体残疾")
    INTELLECTUAL = "5", _("智力残疾")
    MENTAL = "6", _("精神残疾")
    MULTIPLE = "7", _("多重残疾")


class DisabilityGrade(models.TextChoices):
    """残疾等级."""

    FIRST = "1", _("一级")
    SECOND = "2", _("二级")
    THIRD = "3", _("三级")
    FOURTH = "4", _("四级")


class MemberStatus(models.TextChoices):
    """Removing a member is a state (DESIGN §4 rule 7): the row and its history stay."""

    ACTIVE = "active", _("在册")
    REMOVED = "removed", _("已移除")


class FamilyMember(EncryptedIdNumberMixin, ReviewRecordMixin, models.Model):
    """家庭成员 (A.3.10 申请家庭成员信息). Scoped through its family's ``region_code``."""

    ID_NUMBER_FIELDS = {"id_number": ("id_number_digest", "id_number_masked")}

    family = models.ForeignKey(
        Family, verbose_name=_("申请家庭"), on_delete=models.PROTECT, related_name="members"
    )
    member_number = models.CharField(_("家庭成员编号"), max_length=32, blank=True, default="", editable=False)
    registration_year = models.PositiveSmallIntegerField(_("准入登记年度"), default=current_year)
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("家庭成员姓名"), max_length=50)
    id_type = models.CharField(
        _("身份证件类别"), max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = EncryptedCharField(_("身份证件号码"), clear_max_length=18)
    id_number_digest = models.CharField(_("证件号码检索码"), max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=18, editable=False)
    hukou_type = models.CharField(
        _("户口性质"), max_length=12, choices=HukouType.choices, blank=True, default=""
    )
    hukou_years = models.PositiveSmallIntegerField(_("户口年限"), null=True, blank=True)
    is_permanent_resident = models.BooleanField(_("是否常住"), default=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True, default="")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    phone = models.CharField(
        _("联系电话"), max_length=20, blank=True, default="", validators=[phone_validator]
    )
    employment_status = models.CharField(
        _("就业情况"), max_length=16, choices=EmploymentStatus.choices, blank=True, default=""
    )
    employer = models.CharField(_("工作单位"), max_length=100, blank=True, default="")
    employer_type = models.CharField(
        _("单位性质"), max_length=20, choices=EmployerType.choices, blank=True, default=""
    )
    occupation_type = models.CharField(_("职业性质"), max_length=50, blank=True, default="")
    education = models.CharField(
        _("文化程度"), max_length=24, choices=Education.choices, blank=True, default=""
    )
    marital_status = models.CharField(
        _("婚姻状况"), max_length=2, choices=MaritalStatus.choices, blank=True, default=""
    )
    annual_income = models.DecimalField(_("年收入"), default=0, **MONEY)
    special_group_code = models.CharField(_("特殊人员代码"), max_length=20, blank=True, default="")
    disability_type = models.CharField(
        _("残疾类别"), max_length=1, choices=DisabilityType.choices, blank=True, default=""
    )
    disability_grade = models.CharField(
        _("残疾等级"), max_length=1, choices=DisabilityGrade.choices, blank=True, default=""
    )
    honour_level = models.CharField(_("荣誉称号级别"), max_length=20, blank=True, default="")
    honour_category = models.CharField(_("荣誉称号类别"), max_length=50, blank=True, default="")
    medal_category = models.CharField(_("荣誉奖章类别"), max_length=50, blank=True, default="")
    is_introduced_talent = models.BooleanField(_("是否引进人才"), default=False)
    is_migrant_worker = models.BooleanField(_("是否外来务工人员"), default=False)
    has_housing_provident_fund = models.BooleanField(_("是否享受住房公积金"), default=False)
    has_had_welfare_housing = models.BooleanField(_("是否享受过福利房"), default=False)
    receives_housing_subsidy = models.BooleanField(_("是否享受住房补贴"), default=False)
    lives_with_family = models.BooleanField(_("是否共同居住"), default=True)
    income_source = models.CharField(_("收入来源"), max_length=100, blank=True, default="")
    has_criminal_record = models.BooleanField(_("是否有犯罪记录"), default=False)
    pension_insurance_number = models.CharField(_("养老保险号"), max_length=30, blank=True, default="")
    medical_insurance_number = models.CharField(_("医疗保险号"), max_length=30, blank=True, default="")
    unemployment_insurance_number = models.CharField(_("失业保险号"), max_length=30, blank=True, default="")
    maternity_insurance_number = models.CharField(_("生育保险号"), max_length=30, blank=True, default="")
    injury_insurance_number = models.CharField(_("工伤保险号"), max_length=30, blank=True, default="")
    combined_insurance_number = models.CharField(_("五保合一号"), max_length=30, blank=True, default="")
    provident_fund_account = models.CharField(_("公积金账号"), max_length=30, blank=True, default="")
    five_guarantees_certificate_number = models.CharField(
        _("五保证编号"), max_length=30, blank=True, default=""
    )
    hardship_worker_certificate_number = models.CharField(
        _("职工特困证号码"), max_length=30, blank=True, default=""
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.CharField(_("移除原因"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["id_number_digest", "updated_at"])

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["family", "pk"]
        constraints = [
            # One 户主 per family: the applicant's own row (DESIGN §4 rule 7: removed rows keep their place).
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(relation="self", status="active"),
                name="admission_one_active_self_per_family",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relation_display()}）"

    def audit_region_code(self) -> str:
        # The audit trail files a member's events under its family's region (scope of the trail).
        return self.family.region_code

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self) -> None:
        errors = self.clean_id_numbers()
        if "id_number" not in errors and self.id_number and len(self.id_number) == 18:
            born, sex = _birth_and_sex(self.id_number)
            if born is not None:
                if self.birth_date is None:
                    self.birth_date = born
                elif self.birth_date != born:
                    errors["birth_date"] = [str(_("出生日期与身份证件号码不一致。"))]
            if not self.sex:
                self.sex = sex
            elif self.sex != sex:
                errors["sex"] = [str(_("性别与身份证件号码不一致。"))]
        if self.disability_grade and not self.disability_type:
            errors["disability_type"] = [str(_("填写残疾等级时须选择残疾类别。"))]
        if errors:
            raise ValidationError(errors)


def _birth_and_sex(id_number: str) -> tuple[dt.date | None, str]:
    """Birth date (digits 7–14) and sex (digit 17: odd 男, even 女) of a validated GB 11643 number."""
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        born = None
    return born, Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE


# --- applications (申请) and their review lifecycle --------------------------------------------------


class ApplicationState(models.TextChoices):
    """办理阶段 of one application (issue 4 part 3: 三审核三公示, with the side paths)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    STREET_REVIEW = "street_review", _("街道审核")
    STREET_PUBLICITY = "street_publicity", _("街道公示")
    DISTRICT_REVIEW = "district_review", _("区级审核")
    DISTRICT_PUBLICITY = "district_publicity", _("区级公示")
    CITY_REVIEW = "city_review", _("市级审核")
    CITY_PUBLICITY = "city_publicity", _("市级公示")
    REGISTERED = "registered", _("准予登记")
    REFUSED = "refused", _("不予登记")
    RETURNED = "returned", _("退回补件")
    WITHDRAWN = "withdrawn", _("已撤回")
    FROZEN = "frozen", _("异议冻结")


class ReviewLevel(models.TextChoices):
    STREET = "street", _("街道")
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")


S = ApplicationState
REVIEW_STATES = (S.STREET_REVIEW, S.DISTRICT_REVIEW, S.CITY_REVIEW)
PUBLICITY_STATES = (S.STREET_PUBLICITY, S.DISTRICT_PUBLICITY, S.CITY_PUBLICITY)
# An application in one of these holds its people: nobody in it may be in another application.
INACTIVE_STATES = (S.DRAFT, S.WITHDRAWN, S.REFUSED)
OPEN_STATES = (S.SUBMITTED, *REVIEW_STATES, *PUBLICITY_STATES, S.RETURNED, S.FROZEN)
STATE_LEVEL = {
    S.SUBMITTED: ReviewLevel.STREET,
    S.STREET_REVIEW: ReviewLevel.STREET,
    S.STREET_PUBLICITY: ReviewLevel.STREET,
    S.DISTRICT_REVIEW: ReviewLevel.DISTRICT,
    S.DISTRICT_PUBLICITY: ReviewLevel.DISTRICT,
    S.CITY_REVIEW: ReviewLevel.CITY,
    S.CITY_PUBLICITY: ReviewLevel.CITY,
}
LEVEL_PERMISSION = {
    ReviewLevel.STREET: "admission.review_street",
    ReviewLevel.DISTRICT: "admission.review_district",
    ReviewLevel.CITY: "admission.review_city",
}


class RefusalReason(models.TextChoices):
    """不予登记原因 (coded, so refusals can be counted by cause)."""

    INCOME_OVER_LIMIT = "income_over_limit", _("家庭收入超过标准")
    HOUSING_OVER_LIMIT = "housing_over_limit", _("住房面积超过标准")
    ASSETS_OVER_LIMIT = "assets_over_limit", _("家庭资产超过标准")
    HUKOU_NOT_MET = "hukou_not_met", _("户籍或居住年限不符合条件")
    FALSE_DECLARATION = "false_declaration", _("虚报、隐瞒家庭情况")
    OBJECTION_UPHELD = "objection_upheld", _("公示异议经核查属实")
    MISSING_DOCUMENTS = "missing_documents", _("逾期未补齐材料")
    OTHER = "other", _("其他")


def _application_level(application: Application) -> str | None:
    state = application.state
    if state == S.RETURNED:
        state = application.returned_from
    elif state == S.FROZEN:
        state = application.frozen_from
    return STATE_LEVEL.get(state)


def _may_act_at_level(application: Application, user) -> bool:
    """django-fsm ``permission=``: the reviewer role of the level the case is at."""
    level = _application_level(application)
    return bool(level) and user.has_perm(LEVEL_PERMISSION[level])


# 复核申请成立 (issue 4 part 9): a refused case goes back to the review of the level that refused.
LEVEL_REVIEW_STATE = {
    ReviewLevel.STREET: S.STREET_REVIEW,
    ReviewLevel.DISTRICT: S.DISTRICT_REVIEW,
    ReviewLevel.CITY: S.CITY_REVIEW,
}


def _may_reopen(application: Application, user) -> bool:
    """django-fsm ``permission=`` of ``reopen``: the reviewer role of the level that refused."""
    level = application.reopen_level
    return bool(level) and user.has_perm(LEVEL_PERMISSION[level])


class Application(RegionScoped):
    """申请 (A.3.8 申请编号 onward): one family's application for one guarantee project and mode.

    ``region_code`` is the family's (the street/community that takes the case in).
    """

    receipt_number = models.CharField(_("申请编号"), max_length=32, unique=True, editable=False)
    family = models.ForeignKey(
        Family, verbose_name=_("申请家庭"), on_delete=models.PROTECT, related_name="applications"
    )
    project_code = models.CharField(_("拟保障项目类别"), max_length=32)
    mode_code = models.CharField(_("拟住房保障方式"), max_length=32)
    state = django_fsm.FSMField(
        _("办理阶段"), max_length=20, choices=ApplicationState.choices, default=S.DRAFT, protected=True
    )
    # Where a 补件 return or an objection freeze goes back to (same level, issue 4 part 3).
    returned_from = models.CharField(
        _("退回时所处阶段"), max_length=20, choices=ApplicationState.choices, blank=True, default=""
    )
    supplement_items = models.TextField(_("需补正材料"), blank=True, default="")
    frozen_from = models.CharField(
        _("冻结时所处阶段"), max_length=20, choices=ApplicationState.choices, blank=True, default=""
    )
    street_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("街道审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("区级审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    city_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("市级审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal_reason = models.CharField(
        _("不予登记原因"), max_length=24, choices=RefusalReason.choices, blank=True, default=""
    )
    refusal_text = models.TextField(_("不予登记说明"), blank=True, default="")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("进入本阶段时间"), default=timezone.now)
    # The open workflow node's due date, copied here at every step so the work queue sorts by an index
    # instead of a subquery per waiting case (bench/admission_scale.py: 2 s → 55 ms for the city).
    due_date = models.DateField(_("办理期限"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["region_code", "state"], name="admission_app_rgn_state"),
            models.Index(fields=["due_date", "stage_entered_at", "id"], name="admission_app_due"),
        ]
        permissions = [
            ("review_street", _("街道审核与公示")),
            ("review_district", _("区级审核与公示")),
            ("review_city", _("市级审核与公示")),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number}"

    def get_absolute_url(self) -> str:
        return reverse("admission:application_detail", args=[self.pk])

    @property
    def level(self) -> str | None:
        """审核层级 the case is at (a returned or frozen case: the level it left)."""
        return _application_level(self)

    @property
    def is_active(self) -> bool:
        return self.state not in INACTIVE_STATES

    # The transitions: no side effects here (services record the workflow and the reviewers).
    @django_fsm.transition(
        field=state, source=S.DRAFT, target=S.SUBMITTED, permission="admission.add_application"
    )
    def submit(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.SUBMITTED, target=S.STREET_REVIEW, permission=_may_act_at_level
    )
    def accept(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.STREET_REVIEW, target=S.STREET_PUBLICITY, permission=_may_act_at_level
    )
    def street_approve(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.STREET_PUBLICITY, target=S.DISTRICT_REVIEW, permission=_may_act_at_level
    )
    def street_publicity_close(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.DISTRICT_REVIEW, target=S.DISTRICT_PUBLICITY, permission=_may_act_at_level
    )
    def district_approve(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.DISTRICT_PUBLICITY, target=S.CITY_REVIEW, permission=_may_act_at_level
    )
    def district_publicity_close(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.CITY_REVIEW, target=S.CITY_PUBLICITY, permission=_may_act_at_level
    )
    def city_approve(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=S.CITY_PUBLICITY, target=S.REGISTERED, permission=_may_act_at_level
    )
    def city_publicity_close(self) -> None:
        pass

    @django_fsm.transition(
        field=state,
        source=[S.SUBMITTED, *REVIEW_STATES, S.FROZEN],
        target=S.REFUSED,
        permission=_may_act_at_level,
    )
    def refuse(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=list(REVIEW_STATES), target=S.RETURNED, permission=_may_act_at_level
    )
    def request_supplement(self) -> None:
        pass

    @django_fsm.transition(
        field=state,
        source=S.RETURNED,
        target=django_fsm.RETURN_VALUE(*REVIEW_STATES),
        permission="admission.review_street",
    )
    def resubmit(self) -> str:
        # 补件后回到退回时的同一级审核 (issue 4 part 3).
        return self.returned_from

    @django_fsm.transition(
        field=state,
        source=[S.DRAFT, S.SUBMITTED, *REVIEW_STATES, *PUBLICITY_STATES, S.RETURNED],
        target=S.WITHDRAWN,
        permission="admission.review_street",
    )
    def withdraw(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=list(PUBLICITY_STATES), target=S.FROZEN, permission=_may_act_at_level
    )
    def freeze(self) -> None:
        pass

    @django_fsm.transition(
        field=state,
        source=S.FROZEN,
        target=django_fsm.RETURN_VALUE(*PUBLICITY_STATES),
        permission=_may_act_at_level,
    )
    def release(self) -> str:
        return self.frozen_from

    # Set by the appeal service (admission.registry.appeals) just before ``reopen``; not a column.
    reopen_level: str | None = None

    @django_fsm.transition(
        field=state,
        source=S.REFUSED,
        target=django_fsm.RETURN_VALUE(*REVIEW_STATES),
        permission=_may_reopen,
    )
    def reopen(self) -> str:
        return LEVEL_REVIEW_STATE[self.reopen_level]


class ApplicationHousing(models.Model):
    """申请家庭住房信息 (A.3.9): a dwelling the family lives in or owns."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请编号"), on_delete=models.CASCADE, related_name="housings"
    )
    housing_number = models.CharField(_("房屋编号"), max_length=32, blank=True, default="")
    registration_year = models.PositiveSmallIntegerField(_("准入登记年度"), default=current_year)
    address_county = models.CharField(_("房屋地址-县（市）-区"), max_length=50, blank=True, default="")
    address_street = models.CharField(_("房屋地址-街道"), max_length=50, blank=True, default="")
    address_community = models.CharField(_("房屋地址-社区"), max_length=50, blank=True, default="")
    address_road = models.CharField(
        _("房屋地址-路（街、里、巷、小区）"), max_length=100, blank=True, default=""
    )
    address_number = models.CharField(_("房屋地址-号"), max_length=20, blank=True, default="")
    address_building = models.CharField(_("房屋地址-座（栋）"), max_length=20, blank=True, default="")
    address_room = models.CharField(_("房屋地址-室"), max_length=20, blank=True, default="")
    occupancy = models.CharField(_("房屋住用状况"), max_length=50, blank=True, default="")
    title_certificate_number = models.CharField(_("产权证编号"), max_length=50, blank=True, default="")
    owner_name = models.CharField(_("产权人姓名"), max_length=50, blank=True, default="")
    owner_id_masked = models.CharField(_("产权人身份证"), max_length=18, blank=True, default="")
    owner_is_member = models.BooleanField(_("产权人是否家庭成员"), default=False)
    owner_organisation = models.CharField(_("产权单位"), max_length=100, blank=True, default="")
    owner_organisation_code = models.CharField(
        _("产权单位组织机构代码"), max_length=18, blank=True, default=""
    )
    nature = models.CharField(_("房屋性质"), max_length=50, blank=True, default="")
    housing_type = models.CharField(_("房屋类型"), max_length=50, blank=True, default="")
    completeness = models.CharField(_("成套情况"), max_length=20, blank=True, default="")
    condition = models.CharField(_("房屋完好程度"), max_length=20, blank=True, default="")
    structure = models.CharField(_("房屋结构"), max_length=20, blank=True, default="")
    layout = models.CharField(_("房屋户型"), max_length=20, blank=True, default="")
    facilities = models.CharField(_("房屋配套设施"), max_length=100, blank=True, default="")
    property_management = models.CharField(_("小区物业管理模式"), max_length=50, blank=True, default="")
    floor_area = models.DecimalField(_("建筑面积"), default=0, **AREA)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    rent = models.DecimalField(_("租金"), default=0, **MONEY)
    ownership_share_class = models.CharField(_("住房产权比例分类"), max_length=20, blank=True, default="")
    tenure = models.CharField(_("产权性质"), max_length=20, blank=True, default="")
    ownership_share = models.DecimalField(
        _("产权比例"), max_digits=5, decimal_places=2, default=100, validators=[MinValueValidator(0)]
    )
    value = models.DecimalField(_("房屋价值"), default=0, **MONEY)
    property_company = models.CharField(_("物业单位"), max_length=100, blank=True, default="")
    address_category = models.CharField(_("家庭成员房屋地址类别"), max_length=20, blank=True, default="")
    disposal_intention = models.CharField(
        _("房屋配给后原住房处置意向"), max_length=100, blank=True, default=""
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请家庭住房信息")
        verbose_name_plural = _("申请家庭住房信息")

    def __str__(self) -> str:
        return self.housing_number or f"{self.address_road}{self.address_number}"


class AssetCategory(models.TextChoices):
    """资产类别."""

    DEPOSIT = "deposit", _("存款")
    SECURITIES = "securities", _("有价证券")
    VEHICLE = "vehicle", _("机动车辆")
    BUSINESS = "business", _("经营性资产")
    REAL_ESTATE = "real_estate", _("非住宅房产")
    OTHER = "other", _("其他")


class ApplicationAsset(models.Model):
    """申请家庭资产信息 (A.3.11)."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请编号"), on_delete=models.CASCADE, related_name="assets"
    )
    asset_number = models.CharField(_("资产编号"), max_length=32, blank=True, default="")
    registration_year = models.PositiveSmallIntegerField(_("准入登记年度"), default=current_year)
    owner_name = models.CharField(_("所有人姓名"), max_length=50)
    category = models.CharField(_("资产类别"), max_length=16, choices=AssetCategory.choices)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    total_value = models.DecimalField(_("总价值"), default=0, **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请家庭资产信息")
        verbose_name_plural = _("申请家庭资产信息")

    def __str__(self) -> str:
        return f"{self.owner_name} {self.get_category_display()}"


class ProposedPlan(models.Model):
    """拟保障实施方案信息 (A.3.14): what the rules engine proposed at street review, with its trace."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请编号"), on_delete=models.CASCADE, related_name="plans"
    )
    plan_number = models.CharField(_("方案编号"), max_length=40, blank=True, default="")
    stage = models.CharField(_("办理阶段"), max_length=20, choices=ApplicationState.choices)
    project_code = models.CharField(_("拟保障项目类别"), max_length=32)
    mode_code = models.CharField(_("拟住房保障方式"), max_length=32)
    ruleset_id = models.PositiveIntegerField(_("保障准入条件编号"), null=True, blank=True)
    ruleset_version = models.PositiveIntegerField(_("规则模版版本"), null=True, blank=True)
    ruleset_name = models.CharField(_("规则模版名称"), max_length=200, blank=True, default="")
    eligible = models.BooleanField(_("是否符合条件"), null=True, blank=True)
    standard_amount = models.DecimalField(
        _("标准额度"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    subsidy_amount = models.DecimalField(
        _("拟补贴额度"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    allotted_area = models.DecimalField(
        _("拟配给房屋面积"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    allotted_layout = models.CharField(_("拟配给房屋户型"), max_length=50, blank=True, default="")
    facts = models.JSONField(_("核算依据"), default=dict, blank=True)
    evaluation = models.JSONField(_("核算过程"), default=dict, blank=True)
    error = models.TextField(_("核算失败原因"), blank=True, default="")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when a later level changes the street's proposal (issue 4 part 7); blank: confirmed or proposed.
    change_reason = models.TextField(_("调整理由"), blank=True, default="")
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("拟保障实施方案")
        verbose_name_plural = _("拟保障实施方案")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return self.plan_number


# The other parts of admission keep their models in their own packages; importing them here registers
# them under the ``admission`` app label.
from .casework.models import *  # noqa: E402, F403
from .checks.models import *  # noqa: E402, F403
from .publicity.models import *  # noqa: E402, F403
from .registry.models import *  # noqa: E402, F403
from .support_approvals import *  # noqa: E402, F403
