"""Reads of 轮候 in allocation: the position summary a family reads, the waiting-period list, refusals.

The position summary is derived from the waitlist rows themselves (``sort_key``, ``registered_at``,
``status``, ``status_changed_at``), so it always agrees with the position admission computes: the
position now = the position at registration + the families placed ahead since − the families ahead that
left since. The events of this part only say *why* a family left (housed, withdrew, removed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import WaitlistEntry, WaitlistStatus
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.models import Region

from .models import WaitlistEvent, WaitlistEventKind, WaitlistRefusal
from .services import waiting_years

SOON_DAYS = 90  # 轮候期限届满前 90 日起提示


def _region_name() -> Subquery:
    return Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])


def _same_waitlist(entry: WaitlistEntry) -> Q:
    return Q(
        project_code=entry.project_code,
        mode_code=entry.mode_code,
        waitlist_region_code=entry.waitlist_region_code,
    )


def _ahead_of(entry: WaitlistEntry) -> Q:
    """Rows ordered before ``entry`` (the same tie-break as admission's ``waitlist_position``)."""
    return Q(sort_key__lt=entry.sort_key) | Q(sort_key=entry.sort_key, pk__lt=entry.pk)


def leave_reason() -> Case:
    """Why a row left: its latest event's kind, else from its status (已配租配售 / 其他原因退出)."""
    latest_event = Subquery(
        WaitlistEvent.objects.filter(entry=OuterRef("pk")).order_by("-occurred_at", "-pk").values("kind")[:1],
        output_field=CharField(),
    )
    return Case(
        When(status=WaitlistStatus.WAITING, then=Value("")),
        When(status=WaitlistStatus.ALLOCATED, then=Value(WaitlistEventKind.HOUSED.value)),
        default=Coalesce(latest_event, Value(WaitlistEventKind.EXITED.value)),
        output_field=CharField(),
    )


# --- the family's own view (portal) ---------------------------------------------------------------------


@dataclass
class PositionSummary:
    """What the family reads: where it stands and why that changed since ``since`` (its registration)."""

    since: datetime.datetime
    position: int | None  # None once the family left the list
    total_waiting: int
    position_at_since: int
    joined_ahead: int  # registered later but placed ahead by the ordering rule
    left_ahead: dict[str, int] = field(default_factory=dict)  # WaitlistEventKind → count

    @property
    def left_total(self) -> int:
        return sum(self.left_ahead.values())

    @property
    def left_parts(self) -> str:
        """「3 户已配租配售，1 户撤回申请，1 户因多次拒绝被移出」 (empty when nobody ahead left)."""
        return "，".join(
            _("%(n)s 户%(reason)s") % {"n": self.left_ahead[kind], "reason": WaitlistEventKind(kind).label}
            for kind in WaitlistEventKind.values
            if self.left_ahead.get(kind)
        )

    @property
    def left_sentence(self) -> str:
        """The family's own words: 「您登记以来，排在您前面的家庭中有 3 户已配租配售，…」."""
        if not self.left_parts:
            return _("您登记以来，排在您前面的家庭没有离开轮候。")
        return _("您登记以来，排在您前面的家庭中有 %(parts)s。") % {"parts": self.left_parts}

    @property
    def staff_sentence(self) -> str:
        """The same facts for the back office (third person)."""
        text = _("登记时第 %(p)s 位。") % {"p": self.position_at_since}
        if self.left_parts:
            text += _("登记以来排在其前面的家庭中有 %(parts)s。") % {"parts": self.left_parts}
        else:
            text += _("登记以来排在其前面的家庭没有离开轮候。")
        if self.joined_ahead:
            text += _("另有 %(n)s 户后登记、按排序规则排在其前面。") % {"n": self.joined_ahead}
        return text

    @property
    def joined_sentence(self) -> str:
        if not self.joined_ahead:
            return ""
        return _("另有 %(n)s 户在您之后登记，按轮候排序规则排在您前面。") % {"n": self.joined_ahead}


def waitlist_position_summary(
    *, entry: WaitlistEntry, since: datetime.datetime | None = None
) -> PositionSummary:
    """One aggregate query over the entry's waitlist (the family's own page; no names are read)."""
    since = since or entry.registered_at
    ahead = _ahead_of(entry)
    waiting = Q(status=WaitlistStatus.WAITING)
    left_since = ~waiting & Q(status_changed_at__gt=since)
    rows = (
        WaitlistEntry.objects.filter(_same_waitlist(entry))
        .annotate(
            is_ahead=Case(When(ahead, then=Value(True)), default=Value(False), output_field=BooleanField()),
            reason=leave_reason(),
        )
        .aggregate(
            total_waiting=Count("pk", filter=waiting),
            waiting_ahead=Count("pk", filter=waiting & Q(is_ahead=True)),
            joined_ahead=Count("pk", filter=Q(is_ahead=True, registered_at__gt=since)),
            **{
                f"left_{kind}": Count("pk", filter=left_since & Q(is_ahead=True, reason=kind))
                for kind in WaitlistEventKind.values
            },
        )
    )
    left = {kind: rows[f"left_{kind}"] for kind in WaitlistEventKind.values}
    position_now = rows["waiting_ahead"] + 1
    return PositionSummary(
        since=since,
        position=position_now if entry.status == WaitlistStatus.WAITING else None,
        total_waiting=rows["total_waiting"],
        position_at_since=position_now - rows["joined_ahead"] + sum(left.values()),
        joined_ahead=rows["joined_ahead"],
        left_ahead=left,
    )


def waitlist_changes_ahead(*, entry: WaitlistEntry, since: datetime.datetime | None = None, limit: int = 10):
    """The latest changes ahead of the family, anonymous: (date, reason label) of families that left and
    of families placed ahead since ``since``; newest first."""
    since = since or entry.registered_at
    rows = (
        WaitlistEntry.objects.filter(_same_waitlist(entry))
        .filter(_ahead_of(entry))
        .filter(
            Q(status_changed_at__gt=since) & ~Q(status=WaitlistStatus.WAITING) | Q(registered_at__gt=since)
        )
        .annotate(
            reason=leave_reason(),
            changed_at=Case(
                When(
                    ~Q(status=WaitlistStatus.WAITING) & Q(status_changed_at__gt=since),
                    then=F("status_changed_at"),
                ),
                default=F("registered_at"),
            ),
        )
        .order_by("-changed_at", "-pk")
        .values("reason", "changed_at", "registered_at", "status_changed_at", "status")[:limit]
    )
    changes = []
    for row in rows:
        if (
            row["status"] != WaitlistStatus.WAITING
            and row["status_changed_at"]
            and row["status_changed_at"] > since
        ):
            changes.append(
                (
                    row["changed_at"],
                    _("前面 1 户%(r)s，您前进 1 位") % {"r": WaitlistEventKind(row["reason"]).label},
                )
            )
        else:
            changes.append((row["changed_at"], _("新登记 1 户按排序规则排在您前面，您后退 1 位")))
    return changes


def waitlist_entries_of_applicant(*, user) -> list[WaitlistEntry]:
    """The applicant's own waitlist entries (matched by the ID digest through the registry), newest first."""
    from admission.registry.selectors import registry_entries_of_applicant

    registry = registry_entries_of_applicant(user=user)
    return list(
        WaitlistEntry.objects.filter(registry_entry__in=registry.values("pk"))
        .select_related("registry_entry")
        .defer("registry_entry__id_number")
        .annotate(refusal_count=_refusal_count())
        .order_by("-registered_at", "-pk")
    )


def entry_refusals(*, entry: WaitlistEntry) -> list[WaitlistRefusal]:
    return list(WaitlistRefusal.objects.filter(entry=entry).order_by("sequence"))


def entry_events(*, entry: WaitlistEntry) -> list[WaitlistEvent]:
    return list(
        WaitlistEvent.objects.filter(entry=entry).select_related("actor").order_by("-occurred_at", "-pk")
    )


def waiting_deadline(registered_at: datetime.datetime) -> datetime.date:
    """轮候期限届满日: the registration date plus the limit in years (29 Feb → 28 Feb)."""
    day = timezone.localtime(registered_at).date()
    years = waiting_years()
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def waiting_status(
    registered_at: datetime.datetime, *, today: datetime.date | None = None
) -> tuple[str, int]:
    """("overdue" | "soon" | "", days to the deadline; negative when past it)."""
    today = today or timezone.localdate()
    days = (waiting_deadline(registered_at) - today).days
    if days < 0:
        return "overdue", days
    if days <= SOON_DAYS:
        return "soon", days
    return "", days


def waiting_status_text(registered_at: datetime.datetime) -> str:
    status, days = waiting_status(registered_at)
    if status == "overdue":
        return _("已超过轮候期限 %(d)s 天") % {"d": -days}
    if status == "soon":
        return _("距轮候期限届满还有 %(d)s 天") % {"d": days}
    return ""


# --- back office ------------------------------------------------------------------------------------------


def _refusal_count() -> Coalesce:
    counted = (
        WaitlistRefusal.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def waiting_period_cutoff(*, today: datetime.date | None = None) -> datetime.datetime:
    """Families registered on or before this instant are past the limit or within 90 days of it."""
    today = today or timezone.localdate()
    years = waiting_years()
    horizon = today + datetime.timedelta(days=SOON_DAYS)
    try:
        day = horizon.replace(year=horizon.year - years)
    except ValueError:  # 29 Feb
        day = horizon.replace(year=horizon.year - years, day=28)
    start_of_next = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start_of_next) - datetime.timedelta(microseconds=1)


def waiting_period_list(*, user) -> QuerySet[WaitlistEntry]:
    """轮候期限: waiting families in scope past the limit or within 90 days of it (oldest first)."""
    return (
        scope_queryset(WaitlistEntry.objects.all(), user)
        .filter(status=WaitlistStatus.WAITING, registered_at__lte=waiting_period_cutoff())
        .select_related("registry_entry")
        .defer("registry_entry__id_number")
        .annotate(region_name=_region_name(), refusal_count=_refusal_count())
    )


def refusal_list(*, user) -> QuerySet[WaitlistRefusal]:
    """拒绝选房记录 in scope (the removals are the rows with ``caused_removal``)."""
    return (
        scope_queryset(WaitlistRefusal.objects.all(), user)
        .select_related("entry", "entry__registry_entry", "recorded_by")
        .defer("entry__registry_entry__id_number")
        .annotate(region_name=_region_name())
    )


def waitlist_entry_get_for_user(*, user, pk) -> WaitlistEntry:
    queryset = (
        WaitlistEntry.objects.select_related("registry_entry")
        .defer("registry_entry__id_number")
        .annotate(region_name=_region_name(), refusal_count=_refusal_count())
    )
    try:
        return get_in_scope_or_404(queryset, user, pk=pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
