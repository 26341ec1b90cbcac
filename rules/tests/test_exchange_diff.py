"""Export/import with SHA-256 (A.1.12), the diff between versions, selectors' scope."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from conftest import DISTRICT_A, DISTRICT_B
from rules.models import ExchangeDirection, QuantitativeCondition, RuleExchangeRecord, RuleSetState, Standard
from rules.selectors import ruleset_get_for_edit, ruleset_get_for_user, ruleset_list
from rules.services import (
    ruleset_copy_to_draft,
    ruleset_diff,
    ruleset_export,
    ruleset_import,
    ruleset_item_save,
)

pytestmark = pytest.mark.django_db


def test_export_is_canonical_json_with_its_sha256(default_rules, city_admin):
    text, digest = ruleset_export(ruleset=default_rules["lianzu"], actor=city_admin)
    assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert data["project"]["code"] == "lianzu"
    record = RuleExchangeRecord.objects.get(direction=ExchangeDirection.EXPORT)
    assert record.sha256 == digest and record.year == 2024
    assert "per_capita_monthly_income" in record.condition_factors


def test_import_round_trip_creates_an_identical_draft(default_rules, city_admin):
    source = default_rules["gongzu"]
    text, digest = ruleset_export(ruleset=source, actor=city_admin)
    # re-indenting the file in transit does not change the canonical hash
    pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    imported = ruleset_import(
        json_text=pretty, expected_sha256=digest, actor=city_admin, region_code=DISTRICT_A
    )
    assert imported.state == RuleSetState.DRAFT
    assert imported.region_code == DISTRICT_A
    assert ruleset_diff(source, imported).is_empty
    assert imported.ordering_criteria.count() == 4
    assert RuleExchangeRecord.objects.filter(direction=ExchangeDirection.IMPORT, sha256=digest).exists()


def test_import_refuses_a_changed_file(default_rules, city_admin):
    text, digest = ruleset_export(ruleset=default_rules["lianzu"], actor=city_admin)
    tampered = text.replace('"upper":"1549"', '"upper":"1600"')
    assert tampered != text
    with pytest.raises(ValidationError, match="SHA-256 校验值不符"):
        ruleset_import(json_text=tampered, expected_sha256=digest, actor=city_admin)
    with pytest.raises(ValidationError, match="不是有效的 JSON"):
        ruleset_import(json_text="{", expected_sha256=digest, actor=city_admin)


def test_diff_lists_changed_added_and_removed_conditions_and_standards(default_rules, city_admin):
    old = default_rules["lianzu"]
    new = ruleset_copy_to_draft(ruleset=old, actor=city_admin)
    income = QuantitativeCondition.objects.get(rule_set=new, code="income", mode__code="rent_subsidy")
    income.upper = Decimal("2000")
    ruleset_item_save(item=income, actor=city_admin)
    Standard.objects.get(rule_set=new, code="area_cap").delete()
    price = Standard.objects.get(rule_set=new, code="subsidy_price")
    ruleset_item_save(
        item=Standard(
            rule_set=new, mode=price.mode, code="heating_bonus", name="取暖补贴", value=Decimal("50")
        ),
        actor=city_admin,
    )
    diff = ruleset_diff(old, new)
    [changed] = diff.conditions["changed"]
    assert (changed.code, changed.mode) == ("income", "rent_subsidy")
    assert [(c.label, c.before, c.after) for c in changed.changes] == [("条件终止值", "1549", "2000")]
    assert [s.code for s in diff.standards["removed"]] == ["area_cap"]
    assert [s.code for s in diff.standards["added"]] == ["heating_bonus"]
    assert not diff.is_empty


def test_a_district_sees_the_city_rules_but_cannot_edit_them(default_rules, district_reviewer, city_admin):
    city_version = default_rules["lianzu"]
    assert city_version in ruleset_list(user=district_reviewer)
    assert ruleset_get_for_user(user=district_reviewer, pk=city_version.pk) == city_version
    with pytest.raises(Http404):
        ruleset_get_for_edit(user=district_reviewer, pk=city_version.pk)
    assert ruleset_get_for_edit(user=city_admin, pk=city_version.pk) == city_version


def test_another_districts_own_version_is_out_of_scope(default_rules, city_admin, other_district_reviewer):
    district = ruleset_copy_to_draft(
        ruleset=default_rules["lianzu"], actor=city_admin, region_code=DISTRICT_A
    )
    with pytest.raises(Http404):
        ruleset_get_for_user(user=other_district_reviewer, pk=district.pk)
    assert district not in ruleset_list(user=other_district_reviewer)


def test_ruleset_list_query_count_is_fixed(default_rules, city_admin, django_assert_max_num_queries):
    for _ in range(5):
        ruleset_copy_to_draft(ruleset=default_rules["gongzu"], actor=city_admin)
    with django_assert_max_num_queries(3):
        rows = [(r.project.name, r.created_by) for r in ruleset_list(user=city_admin)]
    assert len(rows) == 9


def test_import_refuses_a_region_outside_the_actors_scope(default_rules, city_admin, district_reviewer):
    text, digest = ruleset_export(ruleset=default_rules["lianzu"], actor=city_admin)
    with pytest.raises(ValidationError, match="只能把规则模版导入到您管辖的区划"):
        ruleset_import(
            json_text=text, expected_sha256=digest, actor=district_reviewer, region_code=DISTRICT_B
        )
    assert not RuleExchangeRecord.objects.filter(direction=ExchangeDirection.IMPORT).exists()
