"""The demo seeder signs a contract of every kind, with its PDF archived, and a second run adds nothing."""

from __future__ import annotations

from django.utils import timezone

from allocation.contracts.demo import demo_contracts_start, seed_demo_contracts
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
    family("lianzu", "rent_subsidy", name="赵补贴")
    units(GuaranteeMode.PUBLIC_RENTAL, n=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_demo_contracts() == []
    signed = Contract.objects.filter(state=ContractState.SIGNED)
    assert set(signed.values_list("kind", flat=True)) == set(ContractKind.values)
    subsidies = signed.filter(kind=ContractKind.RENT_SUBSIDY)
    assert len(set(subsidies.values_list("bank_account", flat=True))) == 2  # two 租赁补贴, one account each
    assert ContractArchive.objects.count() == 6
    # They began six months ago, each family registered before its contract did: months of history.
    starts_on = demo_contracts_start(timezone.localdate())
    assert starts_on.day == 1 and (timezone.localdate() - starts_on).days > 150
    for contract in signed.select_related("registry_entry"):
        assert contract.effective_on == contract.signed_on == starts_on
        assert timezone.localdate(contract.registry_entry.registered_at) < starts_on
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_contracts()
    assert Contract.objects.count() == 6 and ContractArchive.objects.count() == 6
