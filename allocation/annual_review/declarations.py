"""年审申报 (annual-review declaration): what the family declares for its 保障对象年审, in the portal or at
the window. Versioned: a correction before the decision is a new version and every version is kept; the
latest is what the caseworker compares with the registered family. A declaration never writes to the
family file or the registry entry — the caseworker decides on it (继续保障 / 变更标准 / 退出)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from admission.fields import EncryptedCharField
from admission.models import EncryptedIdNumberMixin, Relation
from housing.regions.models import RegionScoped

from ..common import user_fk
from .models import AnnualReview

__all__ = ["AnnualReviewDeclaration", "DeclarationChannel"]

MONEY = {"max_digits": 14, "decimal_places": 2}
AREA = {"max_digits": 10, "decimal_places": 2}
CENT = Decimal("0.01")


class DeclarationChannel(models.TextChoices):
    PORTAL = "portal", _("门户")
    WINDOW = "window", _("窗口")


class AnnualReviewDeclaration(EncryptedIdNumberMixin, RegionScoped):
    """年审申报: one version of the family's declared situation for one annual review.

    ``members`` holds one row per registered member: ``{"member_id", "name", "relation",
    "living_together", "annual_income", "left_on"}`` (amounts as strings of Decimals), so a later change
    of the family file does not change what was declared.
    """

    ID_NUMBER_FIELDS = {
        "new_member_id_number": ("new_member_id_number_digest", "new_member_id_number_masked")
    }

    review = models.ForeignKey(
        AnnualReview, verbose_name=_("保障对象年审"), on_delete=models.PROTECT, related_name="declarations"
    )
    version = models.PositiveSmallIntegerField(_("申报版本"))
    channel = models.CharField(_("申报渠道"), max_length=8, choices=DeclarationChannel.choices)
    submitted_at = models.DateTimeField(_("申报时间"))
    submitted_by = user_fk(_("申报人"))
    members = models.JSONField(_("家庭成员申报情况"), default=list)
    new_member_name = models.CharField(_("新增成员姓名"), max_length=50, blank=True, default="")
    new_member_id_number = EncryptedCharField(
        _("新增成员证件号码"), clear_max_length=18, blank=True, default=""
    )
    new_member_id_number_digest = models.CharField(
        _("新增成员证件号码检索码"), max_length=64, blank=True, default="", editable=False
    )
    new_member_id_number_masked = models.CharField(
        _("新增成员证件号码（脱敏）"), max_length=18, blank=True, default="", editable=False
    )
    new_member_relation = models.CharField(
        _("新增成员与户主关系"), max_length=16, choices=Relation.choices, blank=True, default=""
    )
    new_member_income = models.DecimalField(
        _("新增成员年收入"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    new_member_joined_on = models.DateField(_("新增成员加入日期"), null=True, blank=True)
    floor_area = models.DecimalField(_("现住房建筑面积"), validators=[MinValueValidator(0)], **AREA)
    owns_property_in_city = models.BooleanField(_("是否在本市拥有住房"))
    phone = models.CharField(_("联系电话"), max_length=20)
    address = models.CharField(_("现居住地址"), max_length=200)
    is_employed = models.BooleanField(_("是否就业"))
    has_local_social_insurance = models.BooleanField(_("是否缴纳本市社保"))
    commitment_signed = models.BooleanField(_("已签署承诺"), default=False)
    evidence_document_ids = models.JSONField(_("证明材料"), default=list, blank=True)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年审申报")
        verbose_name_plural = _("年审申报")
        ordering = ["review_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="allocation_declaration_version"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.version}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = self.clean_id_numbers()
        if not self.commitment_signed:
            errors.setdefault("commitment_signed", []).append(str(_("请阅读并勾选承诺。")))
        if errors:
            raise ValidationError(errors)

    # --- derived facts of this one declaration, in Decimal, rounded half-up once at the end ---
    @property
    def living_members(self) -> list[dict]:
        return [m for m in self.members if m.get("living_together")]

    @property
    def left_members(self) -> list[dict]:
        return [m for m in self.members if not m.get("living_together")]

    @property
    def has_new_member(self) -> bool:
        return bool(self.new_member_name)

    @property
    def household_size(self) -> int:
        return len(self.living_members) + (1 if self.has_new_member else 0)

    @property
    def total_income(self) -> Decimal:
        total = sum((Decimal(m.get("annual_income") or "0") for m in self.living_members), Decimal(0))
        if self.has_new_member and self.new_member_income is not None:
            total += self.new_member_income
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def per_capita_income(self) -> Decimal | None:
        size = self.household_size
        if not size:
            return None
        return (self.total_income / size).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def per_capita_floor_area(self) -> Decimal | None:
        size = self.household_size
        if not size:
            return None
        return (self.floor_area / size).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def masked_phone(self) -> str:
        from housing.accounts.identity import mask_phone

        return mask_phone(self.phone)
