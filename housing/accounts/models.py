"""Users, organisations, roles and the region scope that every list is filtered by."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.regions.codes import minimal_prefixes
from housing.regions.models import Region


class OrganisationKind(models.TextChoices):
    CITY_CENTRE = "city_centre", _("市住房保障中心")
    DISTRICT_CENTRE = "district_centre", _("区住房保障中心")
    STREET_OFFICE = "street_office", _("街道住房保障机构")
    FINANCE = "finance", _("财政部门")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    PUBLIC_SECURITY = "public_security", _("公安部门")
    HUMAN_RESOURCES = "human_resources", _("人社部门")
    HOUSING_FUND = "housing_fund", _("公积金中心")
    REAL_ESTATE = "real_estate", _("不动产登记部门")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    """机构: an office tied to the region it serves."""

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("机构名称"), max_length=100)
    kind = models.CharField(_("机构类型"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    region_code = models.CharField(_("行政区划代码"), max_length=12, editable=False)

    history = HistoricalRecords(verbose_name=_("机构历史"), verbose_name_plural=_("机构历史"))

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["region_code", "code"]
        indexes = [
            models.Index(fields=["region_code"], name="accounts_org_rgn", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Denormalised so the organisation list is scoped with the same one-column prefix filter.
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("backoffice:organisation_detail", args=[self.pk])


class Role(models.Model):
    """角色: a persona of DESIGN §1; its permissions live in the linked auth group."""

    code = models.CharField(_("角色编号"), max_length=32, unique=True)
    name = models.CharField(_("角色名称"), max_length=50)
    group = models.OneToOneField(Group, verbose_name=_("权限组"), on_delete=models.PROTECT)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class UserKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    APPLICANT = "applicant", _("申请人")


class User(AbstractUser):
    """A person who logs in: staff in the back office, applicants on the portal; never both."""

    kind = models.CharField(_("用户类别"), max_length=16, choices=UserKind.choices, default=UserKind.STAFF)
    real_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True, db_index=True)
    id_number_digest = models.CharField(
        _("证件号码摘要"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("证件号码的密钥散列，用于查找。"),
    )
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=32, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT
    )

    # The password hash and the ID-number digest are secrets; last_login changes at every login
    # and would drown the real changes. None of them belongs in the history.
    history = HistoricalRecords(
        verbose_name=_("用户历史"),
        verbose_name_plural=_("用户历史"),
        excluded_fields=["password", "last_login", "id_number_digest"],
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(kind="applicant") & ~models.Q(phone=""),
                name="unique_applicant_phone",
            ),
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=models.Q(kind="applicant") & ~models.Q(id_number_digest=""),
                name="unique_applicant_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:staff_detail", args=[self.pk])

    def audit_region_code(self) -> str:
        """Audit events about a staff account belong to its organisation's region."""
        return self.organisation.region_code if self.organisation_id else ""

    @property
    def is_applicant(self) -> bool:
        return self.kind == UserKind.APPLICANT

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @cached_property
    def role_grants(self) -> tuple[tuple[str, str, str, str], ...]:
        """(role code, role name, region code, region name) of every role held; one query per request."""
        if not self.is_active or self.is_applicant:
            return ()
        rows = self.role_assignments.values_list("role__code", "role__name", "region__code", "region__name")
        return tuple(rows.order_by("region__code", "role__code"))

    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(row[0] for row in self.role_grants)

    @property
    def role_names(self) -> list[str]:
        return list(dict.fromkeys(row[1] for row in self.role_grants))

    @cached_property
    def scope_prefixes(self) -> list[str] | None:
        """Region prefixes this user may see; None means everything (superuser); [] means nothing."""
        if self.is_superuser:
            return None
        from housing.regions.codes import scope_prefix

        return minimal_prefixes({scope_prefix(row[2]) for row in self.role_grants})

    @property
    def scope_names(self) -> list[str]:
        """Names of the regions that make up the scope (a region inside another is not repeated)."""
        if self.scope_prefixes is None:
            return [str(_("全部区划"))]
        from housing.regions.codes import scope_prefix

        names = {scope_prefix(row[2]): row[3] for row in self.role_grants}
        return [names[prefix] for prefix in self.scope_prefixes]


class RoleAssignment(models.Model):
    """A user holds a role over a region; scopes of several assignments unite."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("管辖区划"), on_delete=models.PROTECT)

    history = HistoricalRecords(verbose_name=_("角色授权历史"), verbose_name_plural=_("角色授权历史"))

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="unique_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.region.name}"

    def audit_region_code(self) -> str:
        """Audit events about a grant belong to the region it grants."""
        return self.region.code


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so none of the last five is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
