"""Reads of accounts, always through the region scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.audit.services import mask_for_field

from .models import Organisation, RoleAssignment, User, UserKind
from .scope import get_in_scope_or_404, scope_queryset


def organisation_list(*, user) -> QuerySet[Organisation]:
    return scope_queryset(Organisation.objects.select_related("region"), user)


def organisation_get_for_user(*, user, pk: int) -> Organisation:
    return get_in_scope_or_404(Organisation.objects.select_related("region"), user, pk=pk)


def staff_list(*, user) -> QuerySet[User]:
    """Staff accounts of the organisations in the user's scope."""
    queryset = User.objects.filter(kind=UserKind.STAFF).select_related("organisation")
    return scope_queryset(queryset, user, field="organisation__region_code")


def staff_get_for_user(*, user, pk) -> User:
    """One staff account inside the user's scope; out of scope (or an applicant) is a 404."""
    try:
        return staff_list(user=user).get(pk=pk)
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _display(record, field) -> str:
    if field.is_relation:
        related = getattr(record, field.name, None)
        return "" if related is None else str(related)
    display = getattr(record, f"get_{field.name}_display", None)
    value = display() if display else getattr(record, field.attname)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    # History is a display too: phone numbers stay masked here (DESIGN §4 rule 8).
    return "" if value is None else str(mask_for_field(field.name, value))


HISTORY_LIMIT = 100


def staff_history(*, staff: User) -> list[dict]:
    """The account's change history (django-simple-history), newest first, with field diffs.

    Covers the account itself and its role grants. Saves that changed no recorded field (a
    password change: the hash is not recorded) show as such rather than disappearing.
    """
    entries: list[dict] = []
    # Oldest first, so each record is compared with the one before it in memory (no query per row).
    records = staff.history.select_related("history_user", "organisation").order_by(
        "history_date", "history_id"
    )
    fields = [f for f in User.history.model.tracked_fields if not f.primary_key]
    previous = None
    for record in records:
        changes = []
        for field in fields:
            new = _display(record, field)
            old = _display(previous, field) if previous is not None else ""
            if previous is None and not new:
                continue
            if previous is None or getattr(previous, field.attname) != getattr(record, field.attname):
                changes.append({"label": field.verbose_name, "old": old, "new": new})
        entries.append(_history_entry(record, _("用户"), changes))
        previous = record
    grants = RoleAssignment.history.filter(user_id=staff.pk).select_related("history_user", "role", "region")
    for record in grants.order_by("-history_date")[:HISTORY_LIMIT]:
        text = f"{record.role.name} · {record.region.name}（{record.region.code}）"
        removed = record.history_type == "-"
        changes = [{"label": _("角色授权"), "old": text if removed else "", "new": "" if removed else text}]
        entries.append(_history_entry(record, _("角色授权"), changes))
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:HISTORY_LIMIT]


_HISTORY_TYPES = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def _history_entry(record, source: str, changes: list[dict]) -> dict:
    who = record.history_user
    return {
        "when": record.history_date,
        "who": who.display_name if who is not None else _("系统"),
        "type": str(_HISTORY_TYPES.get(record.history_type, record.history_type)),
        "source": source,
        "changes": changes,
    }
