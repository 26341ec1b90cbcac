"""Demo: signed contracts of every kind for the demo city's waiting families, with PDFs in the archive.

Two 公租房 leases and two 租赁补贴 agreements, one of every other kind. They began six months ago (the
first of that month), so the after-allocation demos have months of rent and subsidy history; a family
registered after that date is shown as registered a month before its contract began.

Idempotent: a kind that already has its number of signed contracts is skipped on a second run. Runs after the admission
demo (registered families) and the projects demo (handed-over 公租房 stock). The demo stock has no
handed-over 经适房 or 共有产权房 yet, so a small handed-over 配售 building is added once for the sale
contracts (marked 演示, ``is_demo``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.models import User
from projects.models import GuaranteeMode, Unit, UnitState
from rules.models.reference import ModeKind

from .documents import contract_pdf_issue
from .models import Contract, ContractKind, ContractState
from .services import KIND_SPECS, contract_draft, contract_sign, unit_holder

SALE_PROJECT = "DEMO-HT-{district}"
ATTEMPTS = 8
HISTORY_MONTHS = 6

# kind → (how many, project codes of the family, mode kind, extra draft arguments)
PLAN = (
    (ContractKind.PUBLIC_RENTAL, 2, ("gongzu",), ModeKind.RENTAL_IN_KIND, {}),
    (ContractKind.LOW_RENT, 1, ("lianzu",), ModeKind.RENTAL_IN_KIND, {}),
    (ContractKind.AFFORDABLE_SALE, 1, ("jingshi",), ModeKind.SALE_IN_KIND, {}),
    (
        ContractKind.SHARED_OWNERSHIP_SALE,
        1,
        ("jingshi",),
        ModeKind.SALE_IN_KIND,
        {"ownership_share": Decimal("70")},
    ),
    (
        ContractKind.RENT_SUBSIDY,
        2,
        ("lianzu",),
        ModeKind.RENT_SUBSIDY,
        {
            "bank_name": "中国工商银行珠海分行",
            "bank_account": "622202040001234567{n}",
            "payment_cycle": "monthly",
        },
    ),
)


def _sale_units(district: str) -> None:
    """A handed-over demo building of 4 经适房 and 4 共有产权房 units in ``district`` (once)."""
    from projects.models import Building, Project, ProjectType

    number = SALE_PROJECT.format(district=district[:6])
    if Project.objects.filter(number=number).exists():
        return
    project = Project.objects.create(
        number=number, name="配售演示楼", region_code=district, project_type=ProjectType.SHARED_OWNERSHIP,
        planned_units=8, is_demo=True, latitude=Decimal("22.27"), longitude=Decimal("113.56"),
    )  # fmt: skip
    building = Building.objects.create(
        number=f"{number}-1", project=project, region_code=district, name="1号楼", total_floors=2
    )
    Unit.objects.bulk_create(
        Unit(
            number=f"{building.number}-{floor}{pos:02d}",
            building=building,
            region_code=district,
            start_floor=floor,
            end_floor=floor,
            room_number=f"{floor}{pos:02d}",
            floor_area=Decimal("70.00") + Decimal(pos * 5),
            layout="两室一厅",
            rooms=2,
            guarantee_mode=GuaranteeMode.AFFORDABLE if floor == 1 else GuaranteeMode.SHARED_OWNERSHIP,
            initial_nature=GuaranteeMode.AFFORDABLE if floor == 1 else GuaranteeMode.SHARED_OWNERSHIP,
            price_standard=Decimal("6800.00") if floor == 1 else Decimal("9800.00"),
            state=UnitState.DELIVERED,
            is_handed_over=True,
            is_demo=True,
            handed_over_at=datetime.date(2026, 6, 30),
            handed_over_by="演示移交人",
        )  # fmt: skip
        for floor in (1, 2)
        for pos in range(1, 5)
    )


def _unit_for(kind: str, district: str) -> Unit | None:
    modes = KIND_SPECS[kind].unit_modes
    candidates = Unit.objects.filter(state=UnitState.DELIVERED, guarantee_mode__in=modes).order_by("number")
    for queryset in (candidates.filter(region_code__startswith=district[:6]), candidates):
        for unit in queryset[:20]:
            if unit_holder(unit) is None:
                return unit
    return None


def demo_contracts_start(today: datetime.date) -> datetime.date:
    """The first day of the month ``HISTORY_MONTHS`` months before ``today``'s."""
    return today.replace(day=1) - relativedelta(months=HISTORY_MONTHS)


def _registered_before(entry: RegistryEntry, starts_on: datetime.date) -> None:
    """A family cannot sign before it is registered: the demo family was registered a month earlier."""
    moment = timezone.make_aware(
        datetime.datetime.combine(starts_on - relativedelta(months=1), datetime.time(9))
    )
    if entry.registered_at > moment:
        RegistryEntry.objects.filter(pk=entry.pk).update(registered_at=moment)


def seed_demo_contracts() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    starts_on = demo_contracts_start(timezone.localdate())
    for kind, wanted, projects, mode_kind, extra in PLAN:
        for _n in range(wanted - Contract.objects.filter(kind=kind, state=ContractState.SIGNED).count()):
            if not _sign_one(kind, projects, mode_kind, extra, city, starts_on):
                break
    return []


def _sign_one(kind, projects, mode_kind, extra, city, starts_on) -> bool:
    families = RegistryEntry.objects.filter(
        status=GuaranteeStatus.WAITING, project_code__in=projects, mode_kind=mode_kind
    ).order_by("registered_at", "pk")
    arguments = dict(extra)
    if "bank_account" in arguments:  # one account per family
        arguments["bank_account"] = arguments["bank_account"].format(
            n=Contract.objects.filter(kind=kind).count()
        )
    for entry in families[:ATTEMPTS]:
        unit = None
        if KIND_SPECS[kind].unit_modes:
            if kind in (ContractKind.AFFORDABLE_SALE, ContractKind.SHARED_OWNERSHIP_SALE):
                _sale_units(entry.region_code[:6] + "000000")
            unit = _unit_for(kind, entry.region_code)
            if unit is None:
                return False
        try:
            with transaction.atomic():
                _registered_before(entry, starts_on)
                contract = contract_draft(
                    registry_entry=entry, kind=kind, actor=city, unit=unit, starts_on=starts_on, **arguments
                )
                contract = contract_sign(contract=contract, actor=city, signed_on=starts_on)
        except ValidationError:
            continue  # this family no longer qualifies under today's rules: try the next one
        contract_pdf_issue(contract_id=contract.pk, actor=city)
        return True
    return False
