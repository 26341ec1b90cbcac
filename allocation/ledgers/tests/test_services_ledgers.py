"""Ledgers are computed from movements: they balance, match the stock and the registry, and re-run cleanly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.ledgers.models import GuaranteeLedger, GuaranteeMovement, SupportLedger, SupportMovement
from allocation.ledgers.periods import period_parse
from allocation.ledgers.services import ledger_build, movements_sync
from allocation.ledgers.sources import GUARANTEE, MovementSource, MovementSpec, register_source

from .conftest import DISTRICT_A, DISTRICT_B, stock_by_county, stock_by_mode_and_county

pytestmark = pytest.mark.django_db
MONTHS = ("2026-08", "2026-09", "2026-10", "2026-11")
QUANTITIES = ("money", "units", "area", "households", "persons")


def _build_months():
    for month in MONTHS:
        ledger_build(period_kind="month", period=month)


def _rows(period):
    return {(r.ledger_class, r.region_code): r for r in GuaranteeLedger.objects.filter(period=period)}


def test_every_period_and_region_balances_and_the_next_opening_is_this_closing(city):
    _build_months()
    assert GuaranteeLedger.objects.filter(period_kind="month").count() > 0
    for ledger in GuaranteeLedger.objects.all():
        for q in QUANTITIES:
            opening, inc, dec, closing = (
                getattr(ledger, f"{p}_{q}") for p in ("opening", "increase", "decrease", "closing")
            )
            assert closing == opening + inc - dec, (ledger.number, q)
    for earlier, later in zip(MONTHS, MONTHS[1:], strict=False):
        before, after = _rows(earlier), _rows(later)
        for key, row in before.items():
            for q in QUANTITIES:
                assert getattr(after[key], f"opening_{q}") == getattr(row, f"closing_{q}"), (key, q)


def test_the_months_show_the_handovers_the_cancellation_the_transfer_and_the_families(city):
    _build_months()
    aug, sep, octo, nov = (_rows(m) for m in MONTHS)
    a, b = ("public_rental", DISTRICT_A), ("public_rental", DISTRICT_B)
    assert (aug[a].increase_units, aug[a].closing_units, aug[a].closing_area) == (6, 6, Decimal("360.00"))
    assert (sep[b].increase_units, sep[b].closing_units) == (5, 5)
    assert sep[a].increase_money == Decimal("500000.00")
    sizes = [e.household_size for e in city["entries"]]
    assert (sep[a].increase_households, sep[a].increase_persons) == (2, sizes[0] + sizes[1])
    assert (octo[a].increase_units, octo[a].decrease_households, octo[a].closing_households) == (4, 1, 1)
    assert octo[b].closing_households == 1
    # 11月: 一套注销 and 一套改作廉租房 (−2 in A), 一套从斗门调剂到香洲 (−1 in B, +1 in A).
    assert (nov[a].increase_units, nov[a].decrease_units, nov[a].closing_units) == (1, 2, 9)
    assert (nov[("low_rent", DISTRICT_A)].increase_units, nov[("low_rent", DISTRICT_A)].closing_units) == (
        1,
        1,
    )
    assert (nov[b].decrease_units, nov[b].closing_units) == (1, 4)
    assert aug[("low_rent", DISTRICT_A)].closing_households == 1


def test_closing_units_equal_the_stock_and_closing_households_the_registry(city):
    _build_months()
    nov = GuaranteeLedger.objects.filter(period="2026-11")
    closing_units: dict[str, int] = {}
    for row in nov:
        closing_units[row.region_code] = closing_units.get(row.region_code, 0) + row.closing_units
    assert {k: v for k, v in closing_units.items() if v} == stock_by_county()
    guaranteed = RegistryEntry.objects.filter(status=GuaranteeStatus.GUARANTEED)
    assert sum(r.closing_households for r in nov) == guaranteed.count() == 3
    assert sum(r.closing_persons for r in nov) == sum(e.household_size for e in guaranteed)


def test_each_ledger_class_matches_the_stock_after_a_change_of_mode_and_area(city):
    _build_months()
    ledgers = {
        (r.ledger_class, r.region_code): (r.closing_units, r.closing_area)
        for r in GuaranteeLedger.objects.filter(period="2026-11")
        if r.closing_units
    }
    assert ledgers == stock_by_mode_and_county()
    assert ledgers[("low_rent", DISTRICT_A)] == (1, Decimal("65.50"))
    # In October the changed unit was still a 公租房 of 60 m².
    octo = GuaranteeLedger.objects.get(period="2026-10", ledger_class="public_rental", region_code=DISTRICT_A)
    assert (octo.closing_units, octo.closing_area) == (10, Decimal("600.00"))


def test_rerunning_a_build_creates_no_duplicates_and_changes_nothing(city):
    _build_months()
    snapshot = sorted(
        GuaranteeLedger.objects.values_list("number", "closing_units", "closing_households", "closing_money")
    )
    moves = GuaranteeMovement.objects.count()
    result = ledger_build(period_kind="month", period="2026-10")
    assert result.movements_created == 0
    _build_months()
    assert GuaranteeMovement.objects.count() == moves
    assert (
        sorted(
            GuaranteeLedger.objects.values_list(
                "number", "closing_units", "closing_households", "closing_money"
            )
        )
        == snapshot
    )
    assert movements_sync(date_to=period_parse("year", "2026").end) == 0


def test_quarter_and_year_agree_with_the_months(city):
    _build_months()
    ledger_build(period_kind="quarter", period="2026-Q4")
    ledger_build(period_kind="year", period="2026")
    key = {"ledger_class": "public_rental", "region_code": DISTRICT_A}
    q4 = GuaranteeLedger.objects.get(period="2026-Q4", **key)
    year = GuaranteeLedger.objects.get(period="2026", **key)
    sep = GuaranteeLedger.objects.get(period="2026-09", **key)
    nov = GuaranteeLedger.objects.get(period="2026-11", **key)
    assert q4.opening_units == sep.closing_units and q4.closing_units == nov.closing_units
    assert year.opening_units == 0 and year.closing_units == nov.closing_units
    assert year.increase_units == 6 + 4 + 1


def test_movement_rows_carry_the_batch_the_handover_person_and_a_stable_number(city):
    ledger_build(period_kind="month", period="2026-08")
    move = GuaranteeMovement.objects.filter(source_kind="unit_handover").first()
    assert (
        move.batch_number == "YJ-A-1"
        and move.handed_over_by == "市建设局"
        and move.received_by == "project_officer"
    )
    assert move.number.startswith("BZMX") and move.direction == "income"


def test_a_later_part_plugs_in_its_movements_through_the_source_registry(city):
    import datetime

    def payments(date_from, date_to):
        day = datetime.date(2026, 10, 10)
        if (date_from is None or day >= date_from) and day <= date_to:
            yield MovementSpec(
                ledger=GUARANTEE,
                source_kind="test_payment",
                source_key="1",
                ledger_class="public_rental",
                region_code=DISTRICT_A,
                direction="expense",
                resource_category="money",
                received_on=day,
                amount=Decimal("1200.00"),
            )

    register_source(MovementSource(kind="test_payment", label="测试拨付", movements=payments))
    try:
        _build_months()
        octo = GuaranteeLedger.objects.get(
            period="2026-10", ledger_class="public_rental", region_code=DISTRICT_A
        )
        assert octo.decrease_money == Decimal("1200.00")
        assert octo.closing_money == Decimal("500000.00") - Decimal("1200.00")
    finally:
        from allocation.ledgers import sources

        sources._SOURCES.pop("test_payment")


def test_support_ledgers_take_land_supply_and_payment_plans(
    city, approved_supplier, finance_officer, project_officer
):
    import datetime

    from allocation.ledgers.services import land_supply_create, payment_plan_create

    land_supply_create(
        actor=project_officer,
        region_code=DISTRICT_A,
        parcel_number="ZD-01",
        parcel_name="前山地块",
        approval_document_name="建设用地批准书",
        approval_document_number="珠国土〔2026〕12号",
        approved_on=datetime.date(2026, 9, 1),
        acquisition_mode="allocation",
        land_area=Decimal("12000.50"),
    )
    payment_plan_create(
        actor=finance_officer,
        supplier_number=approved_supplier.approval_number,
        total_amount=Decimal("600000.00"),
        period_kind="month",
        cycles=12,
        starts_on=datetime.date(2026, 10, 1),
    )
    _build_months()
    land = SupportLedger.objects.get(period="2026-11", ledger_class="land", region_code=DISTRICT_A)
    funds = SupportLedger.objects.get(period="2026-10", ledger_class="funds", region_code=DISTRICT_A)
    assert land.opening_land == land.closing_land == Decimal("12000.50")
    assert funds.increase_money == funds.closing_money == Decimal("600000.00") and funds.direction == "income"
    assert SupportMovement.objects.count() == 2


def test_bad_periods_and_regions_are_refused_in_chinese(city):
    with pytest.raises(ValidationError) as bad:
        ledger_build(period_kind="month", period="2026-13")
    assert "月份" in str(bad.value)
    with pytest.raises(ValidationError) as bad:
        ledger_build(period_kind="quarter", period="2026-11")
    assert "2026-Q4" in str(bad.value)
    with pytest.raises(ValidationError) as bad:
        ledger_build(period_kind="month", period="2026-11", region_code="440402001000")
    assert "区县" in str(bad.value)


def test_a_district_build_touches_only_that_district(city):
    ledger_build(period_kind="month", period="2026-10", region_code=DISTRICT_B)
    assert set(GuaranteeLedger.objects.values_list("region_code", flat=True)) == {DISTRICT_B}


def test_the_command_builds_a_period(city, capsys):
    call_command("ledger_build", "--period-kind", "month", "--period", "2026-10")
    assert "2026-10" in capsys.readouterr().out
    assert GuaranteeLedger.objects.filter(period="2026-10").exists()


def test_the_scheduled_task_builds_the_recent_periods(city):
    from allocation.ledgers.tasks import build_recent_ledgers

    result = build_recent_ledgers.apply().get()
    assert result["guarantee"] > 0
    assert GuaranteeLedger.objects.filter(period_kind="month").exists()
    assert GuaranteeLedger.objects.filter(period_kind="year").exists()
