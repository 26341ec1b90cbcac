"""Demo: a land supply record, a payment plan for an approved supplier, and the recent ledgers.

Idempotent: the land record and the plan are found by their approval numbers on a second run, and a
ledger build never duplicates. Runs after the projects, admission and lottery seeders.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from housing.accounts.models import User

from .models import LandSupplyRecord, SupportPaymentPlan
from .periods import period_containing
from .services import approved_suppliers, land_supply_create, ledger_build, payment_plan_create

CITY = "440400000000"
DISTRICT = "440402000000"
LAND_DOCUMENT_NUMBER = "珠府地批〔2026〕演示1号"
SUPPLIER_CODE = "91440400DEMO00001X"


def _land(project_user) -> None:
    from projects.models import LandReserve, Project

    if LandSupplyRecord.objects.filter(approval_document_number=LAND_DOCUMENT_NUMBER).exists():
        return
    reserve = LandReserve.objects.order_by("number").first()
    project = Project.objects.filter(land_reserve=reserve).order_by("number").first() if reserve else None
    land_supply_create(
        actor=project_user,
        region_code=None if reserve else DISTRICT,
        land_reserve=reserve,
        project=project,
        parcel_number="" if reserve else "ZD-DEMO-01",
        parcel_name="" if reserve else "前山保障房地块（演示）",
        approval_document_name="国有建设用地划拨决定书",
        approval_document_number=LAND_DOCUMENT_NUMBER,
        approved_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=40),
        acquisition_mode="allocation",
        land_area=reserve.land_area if reserve and reserve.land_area else Decimal("18500.00"),
        land_value=Decimal("92500000.00"),
        use_years=70,
    )


def _approved_supplier(city_user) -> str | None:
    """An approved supplier to plan money for: the first one there is, or a demo developer approved now."""
    from admission.support_approvals import SupplierUnitApproval
    from admission.support_views import support_approval_approve, support_approval_record
    from rules.models import SupportMode, SupportProject

    existing = SupplierUnitApproval.objects.filter(unit_code=SUPPLIER_CODE).first()
    if existing is None:
        project, _created = SupportProject.objects.get_or_create(
            code="ZC-KF",
            region_code=CITY,
            defaults={"name": "保障性住房配建贴息（演示）", "supplier_type": "developer"},
        )
        SupportMode.objects.get_or_create(code="ZC-KF-HB", project=project, defaults={"kind": "money"})
        try:
            existing = support_approval_record(
                kind="unit",
                data={
                    "region_code": DISTRICT,
                    "unit_code": SUPPLIER_CODE,
                    "unit_name": "珠海华发城市运营投资控股有限公司（演示）",
                    "project_number": "XM-DEMO-SUPPORT",
                    "project_name": "华发保障房配建项目（演示）",
                    "support_project_code": "ZC-KF",
                    "support_mode": "money",
                    "requested_amount": Decimal("1200000.00"),
                    "applied_at": timezone.now(),
                },
                actor=city_user,
            )
            support_approval_approve(
                approval=existing,
                actor=city_user,
                approved_amount=Decimal("1000000.00"),
                opinion="按标准核定。",
            )
        except ValidationError:
            return None
        existing.refresh_from_db()
    return existing.approval_number if existing.state == "approved" else None


def seed_demo_ledgers() -> list[tuple[str, str, str]]:
    project_user = User.objects.filter(username="project").first()
    finance = User.objects.filter(username="finance").first()
    city_user = User.objects.filter(username="city").first()
    if project_user is None or finance is None or city_user is None:
        return []
    _land(project_user)
    supplier = _approved_supplier(city_user)
    if supplier and supplier in {row[0] for row in approved_suppliers(user=finance)}:
        if not SupportPaymentPlan.objects.filter(supplier_number=supplier).exists():
            payment_plan_create(
                actor=finance,
                supplier_number=supplier,
                total_amount=Decimal("1000000.00"),
                period_kind="quarter",
                cycles=4,
                starts_on=timezone.localdate().replace(day=1) - datetime.timedelta(days=20),
            )
    today = timezone.localdate()
    month = period_containing("month", today)
    months = [month.previous().previous(), month.previous(), month]
    for target in months:
        ledger_build(period_kind="month", period=target.label)
    ledger_build(period_kind="quarter", period=period_containing("quarter", today).label)
    ledger_build(period_kind="year", period=str(today.year))
    return []
