"""The demo seeder signs a contract of every kind, with its PDF archived, and a second run adds nothing."""

from __future__ import annotations

from allocation.contracts.demo import seed_demo_contracts
from allocation.contracts.models import Contract, ContractArchive, ContractKind, ContractState
from projects.models import GuaranteeMode

CITY = "440400000000"


def test_demo_contracts_of_every_kind_idempotent(
    family, units, make_staff, django_capture_on_commit_callbacks
):
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    family(name="陈公租")
    family("lianzu", "rental_in_kind", name="林廉租")
    family("jingshi", "sale_in_kind", name="吴经适")
    family("jingshi", "sale_in_kind", name="郑共有")
    family("lianzu", "rent_subsidy", name="林补贴")
    units(GuaranteeMode.PUBLIC_RENTAL, n=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_demo_contracts() == []
    signed = Contract.objects.filter(state=ContractState.SIGNED)
    assert set(signed.values_list("kind", flat=True)) == set(ContractKind.values)
    assert ContractArchive.objects.count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_contracts()
    assert Contract.objects.count() == 5 and ContractArchive.objects.count() == 5
