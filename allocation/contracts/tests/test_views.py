"""Back-office pages and the portal's 我的合同: scope, forms with Chinese errors, query counts, ownership."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from allocation.contracts.models import Contract, ContractKind, ContractState
from allocation.contracts.services import contract_draft, contract_sign
from housing.accounts.services import applicant_register
from projects.models import GuaranteeMode, UnitState

START = datetime.date(2026, 1, 1)


def signed(entry, unit, actor, capture):
    contract = contract_draft(registry_entry=entry, kind=ContractKind.PUBLIC_RENTAL, actor=actor, unit=unit,
                              starts_on=START)  # fmt: skip
    with capture(execute=True):
        contract_sign(contract=contract, actor=actor, signed_on=START)
    return Contract.objects.get(pk=contract.pk)


def test_draft_form_lists_allocatable_units_and_drafts_with_the_rules_rent(family, units, city_admin, client):
    entry = family()
    unit_a, unit_b = units(GuaranteeMode.PUBLIC_RENTAL)
    (sale_unit,) = units(GuaranteeMode.AFFORDABLE, n=1)
    client.force_login(city_admin)
    url = reverse("allocation:contracts_new")
    assert entry.application_number in client.get(url, {"q": entry.application_number}).content.decode()
    page = client.get(url, {"entry": entry.pk}).content.decode()
    assert unit_a.number in page and unit_b.number in page and sale_unit.number not in page
    response = client.post(url, {"entry": entry.pk, "kind": "public_rental", "unit": unit_a.pk,
                                 "starts_on": "2026-01-01", "term_months": 36})  # fmt: skip
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    detail = client.get(contract.get_absolute_url()).content.decode()
    assert str(contract.monthly_rent) in detail and "草拟" in detail


def test_bad_input_gets_a_chinese_message_beside_the_field_and_changes_nothing(
    family, units, city_admin, client
):
    entry = family("lianzu", "rent_subsidy", name="林补贴")
    client.force_login(city_admin)
    response = client.post(reverse("allocation:contracts_new"), {"entry": entry.pk, "kind": "rent_subsidy",
                                   "starts_on": "2026-01-01", "term_months": 12})  # fmt: skip
    assert response.status_code == 200
    assert "租赁补贴协议须填写开户银行和银行账号" in response.content.decode()
    assert not Contract.objects.exists()


def test_sign_renew_and_terminate_pages(
    family, units, city_admin, client, django_capture_on_commit_callbacks
):
    entry = family()
    (unit,) = units(n=1)
    contract = contract_draft(registry_entry=entry, kind=ContractKind.PUBLIC_RENTAL, actor=city_admin, unit=unit,
                              starts_on=START)  # fmt: skip
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("allocation:contracts_sign", args=[contract.pk]), {"signed_on": "2026-01-01"}
        )
    assert response.status_code == 302
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.number == "GZ-2026-000001"
    pdf = client.get(reverse("allocation:contracts_pdf", args=[contract.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    response = client.post(reverse("allocation:contracts_terminate", args=[contract.pk]), {"reason": ""})
    assert "请填写终止原因" in response.content.decode()
    client.post(reverse("allocation:contracts_renew", args=[contract.pk]), {"term_months": 24})
    renewal = Contract.objects.get(previous=contract)
    assert renewal.term_months == 24 and renewal.state == ContractState.DRAFT
    client.post(reverse("allocation:contracts_terminate", args=[contract.pk]), {"reason": "违规转租"})
    assert Contract.objects.get(pk=contract.pk).state == ContractState.TERMINATED


def test_detail_of_another_district_is_404(family, units, city_admin, other_district_reviewer, district_reviewer,
                                           client):  # fmt: skip
    entry = family()  # 香洲区
    (unit,) = units(n=1)
    contract = contract_draft(registry_entry=entry, kind=ContractKind.PUBLIC_RENTAL, actor=city_admin, unit=unit,
                              starts_on=START)  # fmt: skip
    client.force_login(other_district_reviewer)
    assert client.get(contract.get_absolute_url()).status_code == 404
    assert client.get(reverse("allocation:contracts_pdf", args=[contract.pk])).status_code == 404
    client.force_login(district_reviewer)
    assert client.get(contract.get_absolute_url()).status_code == 200
    assert client.post(reverse("allocation:contracts_sign", args=[contract.pk]), {"signed_on": "2026-01-01"}
                       ).status_code == 403  # fmt: skip


def test_list_filters_searches_and_keeps_its_query_count(family, units, city_admin, client,
                                                         django_assert_max_num_queries):  # fmt: skip
    entries = [family(name=f"陈{i}") for i in range(3)]
    unit_list = units(n=3)
    for entry, unit in zip(entries, unit_list, strict=True):
        contract_draft(registry_entry=entry, kind=ContractKind.PUBLIC_RENTAL, actor=city_admin, unit=unit,
                       starts_on=START)  # fmt: skip
    # Many more rows without the review lifecycle: copies of the drafts.
    template = Contract.objects.first()
    Contract.objects.bulk_create(
        Contract(region_code=template.region_code, registry_entry_id=template.registry_entry_id, kind=template.kind,
                 signer_name=f"签约人{i}", signer_id_number=template.signer_id_number,
                 signer_id_number_masked=template.signer_id_number_masked, effective_on=START)
        for i in range(60)
    )  # fmt: skip
    client.force_login(city_admin)
    url = reverse("allocation:contracts_list")
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url, {"kind": "public_rental", "state": "draft"}).content.decode()
    assert "陈" in page or "签约人" in page
    assert template.signer_id_number not in page and template.signer_id_number_masked in page
    found = client.get(url, {"q": entries[0].application_number}).content.decode()
    assert entries[0].application_number in found and entries[1].application_number not in found


@pytest.fixture
def applicant_of(family):
    def make(entry, phone):
        return applicant_register(phone=phone, id_number=entry.id_number, real_name=entry.applicant_name,
                                  password="Test@Pass1")  # fmt: skip

    return make


def test_portal_shows_own_contracts_and_404s_anybody_elses(
    family, units, city_admin, client, applicant_of, citizen, django_capture_on_commit_callbacks
):
    mine, theirs = family(name="陈本人"), family(name="黄他人")
    unit_a, unit_b = units(n=2)
    own = signed(mine, unit_a, city_admin, django_capture_on_commit_callbacks)
    other = signed(theirs, unit_b, city_admin, django_capture_on_commit_callbacks)
    applicant = applicant_of(mine, "13900000011")
    client.force_login(applicant)
    page = client.get(reverse("portal:contract_list")).content.decode()
    assert own.number in page and other.number not in page
    assert "我的合同" in client.get(reverse("portal:me")).content.decode()
    response = client.get(reverse("portal:contract_pdf", args=[own.number]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("portal:contract_pdf", args=[other.number])).status_code == 404
    client.force_login(citizen)
    assert own.number not in client.get(reverse("portal:contract_list")).content.decode()
    assert client.get(reverse("portal:contract_pdf", args=[own.number])).status_code == 404
    client.logout()
    assert client.get(reverse("portal:contract_pdf", args=[own.number])).status_code == 302
    assert UnitState.ALLOCATED == type(unit_a).objects.get(pk=unit_a.pk).state
