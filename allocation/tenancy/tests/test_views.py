"""Back-office pages: scope (another district sees nothing, 404 on its ids), forms with Chinese errors beside
the field, the 生成本月应收 button, bounded query counts, Excel export."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from allocation.tenancy.models import RentReceipt, RentReceivable, RentRun
from allocation.tenancy.services import move_in_register, rent_receivables_run
from housing.regions.models import Region
from projects.models import UnitState

from .conftest import TENANCY_PERMS, grant

D = datetime.date


def test_move_in_form_registers_and_shows_errors_beside_the_field(signed_contract, officer, client):
    contract = signed_contract()
    client.force_login(officer)
    url = reverse("allocation:tenancy_move_in_new")
    page = client.post(url, {"contract": "GZ-9999-000001", "moved_in_on": "2026-01-10"}).content.decode()
    assert "本辖区内没有这个合同编号" in page and "GZ-9999-000001" in page  # what was typed is kept
    page = client.post(url, {"contract": contract.number, "moved_in_on": "2025-12-01"}).content.decode()
    assert "入住时间不能早于合同生效时间" in page
    response = client.post(
        url, {"contract": contract.number, "moved_in_on": "2026-01-10", "rent_reduction": "0"}
    )
    assert response.status_code == 302
    contract.unit.refresh_from_db()
    assert contract.unit.state == UnitState.OCCUPIED
    listing = client.get(reverse("allocation:tenancy_moveins")).content.decode()
    assert contract.number in listing and "腾退" in listing


def test_vacate_page_returns_the_unit_to_stock(signed_contract, officer, client):
    contract = signed_contract()
    move_in = move_in_register(contract=contract, actor=officer, moved_in_on=D(2026, 1, 1))
    client.force_login(officer)
    url = reverse("allocation:tenancy_vacate", args=[move_in.pk])
    page = client.post(url, {"vacated_on": "2025-12-01", "inspection_result": "intact"}).content.decode()
    assert "腾退时间不能早于入住时间" in page
    response = client.post(url, {"vacated_on": "2026-02-01", "inspection_result": "intact",
                                 "deposit_amount": "500", "deposit_deducted": "0"})  # fmt: skip
    assert response.status_code == 302
    contract.unit.refresh_from_db()
    assert contract.unit.state == UnitState.DELIVERED


def test_run_button_generates_this_month_and_shows_the_counts(signed_contract, officer, client,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    client.force_login(officer)
    url = reverse("allocation:tenancy_rent_run")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"period": "2026-03"}).status_code == 302
    assert RentReceivable.objects.filter(year=2026, month=3).count() == 1
    first, second = RentRun.objects.order_by("pk")
    assert (first.state, first.created, second.created, second.existing) == ("done", 1, 0, 1)
    page = client.get(reverse("allocation:tenancy_receivables")).content.decode()
    assert "生成本月应收" in page and "新增应收 1 条" in page and "新增应收 0 条，已有 1 条" in page
    client.post(url, {"period": "2026-13"}, follow=True)
    assert RentRun.objects.count() == 2


def test_receipt_form_refuses_overpayment_beside_the_amount(signed_contract, officer, client):
    move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    rent_receivables_run("2026-01", officer)
    receivable = RentReceivable.objects.get()
    client.force_login(officer)
    url = reverse("allocation:tenancy_receipt_new", args=[receivable.pk])
    too_much = str(receivable.amount + 1)
    page = client.post(
        url, {"amount": too_much, "received_on": "2026-01-05", "method": "cash"}
    ).content.decode()
    assert "不能多收" in page and too_much in page and not RentReceipt.objects.exists()
    page = client.post(url, {"amount": "5", "received_on": "2026-01-05", "method": "cash"}).content.decode()
    assert "未足额收取" in page and not RentReceipt.objects.exists()
    response = client.post(url, {"amount": "5", "received_on": "2026-01-05", "method": "cash",
                                 "shortfall_reason": "分期"})  # fmt: skip
    assert response.status_code == 302 and RentReceipt.objects.get().amount == Decimal("5.00")


def test_other_district_staff_sees_nothing_and_gets_404(
    signed_contract, officer, other_district_reviewer, client
):
    move_in = move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    rent_receivables_run("2026-01", officer)
    receivable = RentReceivable.objects.get()
    other = grant(other_district_reviewer, *TENANCY_PERMS)
    client.force_login(other)
    for name in ("tenancy_moveins", "tenancy_receivables", "tenancy_arrears"):
        page = client.get(reverse(f"allocation:{name}")).content.decode()
        assert "没有符合条件的记录" in page, name
    assert client.get(reverse("allocation:tenancy_vacate", args=[move_in.pk])).status_code == 404
    assert client.get(reverse("allocation:tenancy_receipt_new", args=[receivable.pk])).status_code == 404
    client.force_login(officer)
    assert move_in.contract.number in client.get(reverse("allocation:tenancy_moveins")).content.decode()
    arrears = client.get(reverse("allocation:tenancy_arrears")).content.decode()
    assert move_in.registry_entry.application_number in arrears
    region = Region.objects.get(code=move_in.registry_entry.region_code)
    assert f"<td>{region.name}</td>" in arrears  # the division by name, not its code
    assert f"<td>{receivable.amount:.2f}</td>" in arrears  # the bucket in yuan to the cent


def test_lists_keep_their_query_count_with_many_rows(signed_contract, officer, client,
                                                     django_assert_max_num_queries):  # fmt: skip
    contract_a, contract_b = signed_contract(name="甲", starts_on=D(2024, 1, 1)), signed_contract(name="乙")
    move_in_register(contract=contract_a, actor=officer, moved_in_on=D(2024, 1, 1))
    move_in_register(contract=contract_b, actor=officer, moved_in_on=D(2026, 1, 1))
    for month in range(1, 13):
        for year in (2024, 2025, 2026):
            rent_receivables_run(f"{year}-{month:02d}", officer)
    assert RentReceivable.objects.count() == 36 + 12
    client.force_login(officer)
    for name in ("tenancy_moveins", "tenancy_receivables", "tenancy_arrears"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(f"allocation:{name}")).status_code == 200
    page = client.get(reverse("allocation:tenancy_receivables"), {"page": 2}).content.decode()
    assert "第 2/3 页" in page


def test_arrears_list_exports_to_excel(signed_contract, officer, client):
    move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    rent_receivables_run("2026-01", officer)
    client.force_login(officer)
    response = client.get(reverse("allocation:tenancy_arrears"), {"export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
