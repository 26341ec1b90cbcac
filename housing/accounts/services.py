"""Writes to accounts: staff users, role assignments, applicant registration."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from housing.regions.models import Region

from .identity import id_number_digest, mask_id_number, normalise_id_number
from .models import Organisation, Role, RoleAssignment, User, UserKind


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    password: str,
    real_name: str,
    organisation: Organisation | None = None,
    phone: str = "",
    roles: list[tuple[str, str]] = (),
) -> User:
    """A back-office account; ``roles`` are (role code, region code) pairs."""
    user = User(
        username=username, real_name=real_name, organisation=organisation, phone=phone, kind=UserKind.STAFF
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    for role_code, region_code in roles:
        role_assign(user=user, role_code=role_code, region_code=region_code)
    return user


def role_assign(*, user: User, role_code: str, region_code: str) -> RoleAssignment:
    if user.is_applicant:
        raise ValidationError(_("申请人账号不能被授予后台角色。"))
    role = Role.objects.get(code=role_code)
    region = Region.objects.get(code=region_code)
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
    user.__dict__.pop("scope_prefixes", None)
    user.__dict__.pop("role_grants", None)
    return assignment


@transaction.atomic
def applicant_register(*, phone: str, id_number: str, real_name: str, password: str) -> User:
    """A citizen's portal account: phone and ID number are both unique among applicants."""
    number = normalise_id_number(id_number)
    digest = id_number_digest(number)
    errors = {}
    if User.objects.filter(kind=UserKind.APPLICANT, phone=phone).exists():
        errors["phone"] = _("该手机号码已注册，请直接登录或找回密码。")
    if User.objects.filter(kind=UserKind.APPLICANT, id_number_digest=digest).exists():
        errors["id_number"] = _("该身份证号码已注册，请直接登录或找回密码。")
    if errors:
        raise ValidationError(errors)
    user = User(
        username=f"applicant-{digest[:24]}",
        kind=UserKind.APPLICANT,
        phone=phone,
        real_name=real_name,
        id_number_digest=digest,
        id_number_masked=mask_id_number(number),
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def object_grant_view(*, obj, user: User, actor) -> None:
    """Let ``user`` see one row outside their region (核查指派); the row's model must have a
    direct-FK guardian grant table (see ``housing.accounts.scope.object_grant_q``)."""
    from guardian.shortcuts import assign_perm

    if user.is_applicant:
        raise ValidationError(_("申请人账号不能被授予后台数据。"))
    assign_perm(f"{obj._meta.app_label}.view_{obj._meta.model_name}", user, obj)


@transaction.atomic
def object_revoke_view(*, obj, user: User, actor) -> None:
    from guardian.shortcuts import remove_perm

    remove_perm(f"{obj._meta.app_label}.view_{obj._meta.model_name}", user, obj)
