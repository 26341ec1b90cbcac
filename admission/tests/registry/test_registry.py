"""登记簿 (A.3.16) and 轮候: a registered case enters the registry and, for a housing mode, the waitlist."""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from admission.registry.models import (
    GuaranteeStatus,
    RegistryEntry,
    WaitlistEntry,
    WaitlistStatus,
)
from admission.registry.services import (
    registry_entry_create,
    registry_entry_exit,
    registry_entry_record_annual_review,
    registry_entry_start_guarantee,
)
from admission.registry.sortkey import encode_rule_key, waitlist_sort_key
from housing.workflow.models import NodeInstance

from .conftest import new_case, refuse_at_district, register

pytestmark = pytest.mark.django_db

APPENDIX_A = Path("/work/shared/cjj196_appendix_a.json")


def _standard_fields() -> list[str]:
    """A.3.16's field names; the JSON splits 户籍所在地-路（街、里、巷、小区） at its 、 into four."""
    table = next(t for t in json.loads(APPENDIX_A.read_text()) if t["clause"] == "A.3.16")
    names, pending = [], ""
    for name in table["fields"]:
        if pending:
            pending += "、" + name
            if name.endswith("）"):
                names.append(pending)
                pending = ""
        elif name.startswith("户籍所在地-路（"):
            pending = name
        else:
            names.append(name)
    return names


def test_registry_entry_has_every_field_of_a_3_16_by_its_standard_name():
    names = _standard_fields()
    assert len(names) == 34 and "户籍所在地-路（街、里、巷、小区）" in names
    verbose = {str(f.verbose_name) for f in RegistryEntry._meta.get_fields() if hasattr(f, "verbose_name")}
    assert [n for n in names if n not in verbose] == []


def test_a_registered_housing_case_enters_the_registry_and_the_waitlist(filer, reviewers):
    app = register(new_case(filer, name="陈翠香"), reviewers)
    entry = RegistryEntry.objects.get(application=app)
    family = app.family
    assert entry.status == GuaranteeStatus.WAITING and entry.get_status_display() == "轮候中"
    assert (entry.application_number, entry.applicant_name) == (app.receipt_number, "陈翠香")
    assert entry.id_number == family.id_number and entry.id_number_masked == family.id_number_masked
    assert entry.household_size == 2 and entry.per_capita_income == family.per_capita_income
    assert entry.project_name == "公共租赁住房" and entry.mode_kind == "rental_in_kind"
    assert entry.income_class == "lower_middle" and entry.registered_at == app.decided_at
    assert entry.applied_at == app.submitted_at and entry.created_by == reviewers["city"]
    waitlist = WaitlistEntry.objects.get(registry_entry=entry)
    assert waitlist.status == WaitlistStatus.WAITING and waitlist.waitlist_number.startswith("LH-440400-")
    assert waitlist.sort_key.startswith("0") and waitlist.ruleset_version == 1 and not waitlist.sort_error
    assert [label for label, _value in waitlist.sort_values][0] == "优先群体"
    # The registration is recorded in the registry's own process (who, when, opinion).
    node = NodeInstance.objects.get(process__process_code="admission_registry", transition="register")
    assert node.actor == reviewers["city"] and node.to_state == "waiting"


def test_a_subsidy_case_is_registered_without_a_waitlist_place(filer, reviewers):
    app = register(new_case(filer, project="lianzu", mode="rent_subsidy"), reviewers)
    entry = RegistryEntry.objects.get(application=app)
    assert entry.mode_kind == "rent_subsidy" and not entry.is_housing_mode
    assert not WaitlistEntry.objects.filter(registry_entry=entry).exists()


def test_registration_writes_one_entry_however_often_it_is_asked(filer, reviewers):
    app = register(new_case(filer), reviewers)
    first = RegistryEntry.objects.get(application=app)
    again = registry_entry_create(application=app, actor=reviewers["city"])
    assert again.pk == first.pk and RegistryEntry.objects.count() == 1 and WaitlistEntry.objects.count() == 1


def test_a_refused_case_gets_no_registry_entry(filer, reviewers):
    app = refuse_at_district(new_case(filer), reviewers)
    assert not RegistryEntry.objects.filter(application=app).exists()
    with pytest.raises(ValidationError, match="只有准予登记"):
        registry_entry_create(application=app, actor=reviewers["city"])


def test_the_ordering_rule_puts_a_dibao_family_ahead_of_an_earlier_one(filer, reviewers):
    # 公共租赁住房's rule: 优先群体 (低保家庭 first) before 轮候基准日期, 出生日期 and 受理编号.
    earlier = register(new_case(filer, name="黄先登"), reviewers)
    dibao = register(
        new_case(
            filer,
            name="林低保",
            is_subsistence_allowance_family=True,
            subsistence_certificate_number="DB-001",
        ),
        reviewers,
    )
    order = list(
        WaitlistEntry.objects.filter(project_code="gongzu")
        .order_by("sort_key")
        .values_list("registry_entry__application_id", flat=True)
    )
    assert order == [dibao.pk, earlier.pk]
    values = dict(WaitlistEntry.objects.get(registry_entry__application=dibao).sort_values)
    assert values["优先群体"] == "低保家庭"


def test_a_project_without_ordering_criteria_queues_first_registered_first(filer, reviewers):
    first = register(new_case(filer, name="甲", project="jingshi", mode="sale_in_kind"), reviewers)
    second = register(new_case(filer, name="乙", project="jingshi", mode="sale_in_kind"), reviewers)
    keys = {
        w.registry_entry.application_id: w.sort_key
        for w in WaitlistEntry.objects.select_related("registry_entry")
    }
    assert keys[first.pk] < keys[second.pk]


def test_the_stored_key_sorts_exactly_as_the_rule_key_tuple():
    rng = random.Random(196)
    words = ["SQ-440402-2026-000001", "SQ-440402-2026-00001", "SQ", "", "张三", "张三丰"]

    def element():
        kind = rng.choice(["number", "date", "text", "missing", "group"])
        if kind == "number":
            return (0, Decimal(rng.randint(-(10**6), 10**6)) / 100)
        if kind == "date":
            return (0, datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 30000)))
        if kind == "text":
            return (0, rng.choice(words))
        if kind == "missing":
            return (1, 0)
        return (0, rng.randint(0, 5))

    for _round in range(50):
        kinds = [element() for _ in range(3)]
        keys = []
        for _ in range(30):
            # Same kind per position across families, as one rule gives (a missing value may appear anywhere).
            key = []
            for template in kinds:
                if template[0] == 1 or rng.random() < 0.2:
                    key.append((1, 0))
                    continue
                sample = element()
                while type(sample[1]) is not type(template[1]) or sample[0] == 1:
                    sample = element()
                key.append(sample)
            keys.append(tuple(key))
        assert sorted(keys, key=encode_rule_key) == sorted(keys)


def test_an_uncomputable_key_sorts_after_every_computed_one():
    now = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    later = now + datetime.timedelta(days=1)
    computed = waitlist_sort_key(((1, 0), (0, "zzz")), registered_at=later)
    assert waitlist_sort_key(None, registered_at=now) > computed
    assert waitlist_sort_key((), registered_at=now) < waitlist_sort_key((), registered_at=later)


def test_guarantee_status_moves_through_start_and_exit_with_dates(filer, reviewers, street_caseworker):
    app = register(new_case(filer), reviewers)
    entry = RegistryEntry.objects.get(application=app)
    with pytest.raises(PermissionDenied):
        registry_entry_start_guarantee(entry=entry, actor=street_caseworker)
    entry = registry_entry_start_guarantee(entry=entry, actor=reviewers["city"], opinion="签订租赁合同。")
    assert entry.status == GuaranteeStatus.GUARANTEED and entry.guarantee_started_at is not None
    assert entry.implemented_mode == "rental_in_kind"
    assert WaitlistEntry.objects.get(registry_entry=entry).status == WaitlistStatus.ALLOCATED
    entry = registry_entry_record_annual_review(
        entry=entry, actor=reviewers["city"], year=entry.registered_at.year
    )
    assert entry.last_annual_review_year == entry.registered_at.year
    with pytest.raises(ValidationError, match="退出原因"):
        registry_entry_exit(entry=entry, actor=reviewers["city"], reason=" ")
    entry = registry_entry_exit(entry=entry, actor=reviewers["city"], reason="购买商品住房，自愿退出。")
    assert entry.status == GuaranteeStatus.EXITED and entry.get_status_display() == "已退出"
    assert entry.exited_at is not None and entry.exit_reason.startswith("购买")
    with pytest.raises(ValidationError, match="不能执行"):
        registry_entry_exit(entry=entry, actor=reviewers["city"], reason="再次退出")
    transitions = list(
        NodeInstance.objects.filter(process__process_code="admission_registry")
        .order_by("pk")
        .values_list("transition", flat=True)
    )
    assert transitions[:3] == ["register", "start_guarantee", "exit"]


def test_a_waiting_family_that_exits_leaves_the_waitlist(filer, reviewers):
    entry = RegistryEntry.objects.get(application=register(new_case(filer), reviewers))
    registry_entry_exit(entry=entry, actor=reviewers["city"], reason="户籍迁出本市。")
    assert WaitlistEntry.objects.get(registry_entry=entry).status == WaitlistStatus.LEFT
