"""Rule-set versions: drafts, activation with effective dates, frozen active versions, workflow records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import DISTRICT_A, DISTRICT_B
from rules.models import QuantitativeCondition, RuleSetState, Standard
from rules.services import (
    ruleset_activate,
    ruleset_copy_to_draft,
    ruleset_item_delete,
    ruleset_item_save,
    ruleset_retire,
    ruleset_update,
    ruleset_validate,
)

from .helpers import LIANZU_OK, outcome, run

pytestmark = pytest.mark.django_db

NEW_YEAR = datetime.date(2030, 1, 1)


def _raise_income_limit(draft, value: str, actor) -> None:
    for condition in QuantitativeCondition.objects.filter(rule_set=draft, code="income"):
        condition.upper = Decimal(value)
        ruleset_item_save(item=condition, actor=actor)


def test_a_family_before_the_new_effective_date_gets_the_old_result(default_rules, city_admin):
    old = default_rules["lianzu"]
    draft = ruleset_copy_to_draft(ruleset=old, actor=city_admin)
    assert draft.state == RuleSetState.DRAFT and draft.version == 2 and draft.copied_from == old
    _raise_income_limit(draft, "2000", city_admin)
    ruleset_activate(
        ruleset=draft, actor=city_admin, effective_from=NEW_YEAR, policy_number="珠建〔2029〕9号"
    )

    family = {**LIANZU_OK, "per_capita_monthly_income": "1800"}
    before = run("lianzu", family, on_date=NEW_YEAR - datetime.timedelta(days=1))
    after = run("lianzu", family, on_date=NEW_YEAR)
    assert (before.eligible, before.version.version) == (False, 1)
    assert (after.eligible, after.version.version) == (True, 2)
    assert after.version.policy_number == "珠建〔2029〕9号"
    old.refresh_from_db()
    assert old.state == RuleSetState.ACTIVE
    assert old.effective_to == datetime.date(2029, 12, 31)


def test_an_active_version_cannot_be_edited(default_rules, city_admin):
    active = default_rules["lianzu"]
    condition = QuantitativeCondition.objects.filter(rule_set=active, code="income").first()
    condition.upper = Decimal("9999")
    with pytest.raises(ValidationError, match="不能修改"):
        ruleset_item_save(item=condition, actor=city_admin)
    with pytest.raises(ValidationError, match="不能修改"):
        condition.full_clean()  # the model refuses too, whoever calls it (admin, forms)
    with pytest.raises(ValidationError, match="不能修改"):
        ruleset_item_delete(item=condition, actor=city_admin)
    with pytest.raises(ValidationError, match="不能修改"):
        ruleset_update(ruleset=active, actor=city_admin, name="改名")
    active.name = "改名"
    with pytest.raises(ValidationError, match="不能修改"):
        active.full_clean(exclude=["state"])
    condition.refresh_from_db()
    assert condition.upper == Decimal("1549")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2024, 1, 1), None),  # same start as version 1
        (datetime.date(2023, 6, 1), None),  # earlier start, open-ended: runs into version 1
        (datetime.date(2023, 6, 1), datetime.date(2024, 1, 1)),  # ends on version 1's first day
    ],
)
def test_overlapping_periods_are_refused(default_rules, city_admin, start, end):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    with pytest.raises(ValidationError, match="重叠"):
        ruleset_activate(ruleset=draft, actor=city_admin, effective_from=start, effective_to=end)
    draft.refresh_from_db()
    assert draft.state == RuleSetState.DRAFT


def test_a_closed_period_refuses_a_later_overlap(default_rules, city_admin):
    second = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    ruleset_activate(ruleset=second, actor=city_admin, effective_from=NEW_YEAR)
    third = ruleset_copy_to_draft(ruleset=second, actor=city_admin)
    with pytest.raises(ValidationError, match="重叠"):
        ruleset_activate(ruleset=third, actor=city_admin, effective_from=datetime.date(2029, 6, 1))
    # a period before every other version is fine
    ruleset_activate(
        ruleset=third,
        actor=city_admin,
        effective_from=datetime.date(2023, 1, 1),
        effective_to=datetime.date(2023, 12, 31),
    )
    assert run("lianzu", LIANZU_OK, on_date=datetime.date(2023, 5, 1)).version.version == 3


def test_a_version_with_a_broken_formula_cannot_be_activated(default_rules, city_admin):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    standard = Standard.objects.get(rule_set=draft, code="monthly_subsidy")
    # Written around the service (as a bad import or a raw edit would) so activation must catch it.
    Standard.objects.filter(pk=standard.pk).update(formula="subsidy_before_cap / 0")
    problems = ruleset_validate(ruleset=draft)
    assert any("除数为零" in p for p in problems)
    with pytest.raises(ValidationError, match="除数为零"):
        ruleset_activate(ruleset=draft, actor=city_admin, effective_from=NEW_YEAR)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("subsidy_price * unknown_thing", "未知的名称“unknown_thing”"),
        ("education * 2", "算术运算只能用于数值"),
        ("subsidy_price / (area_cap - 60)", "除数为零"),
        ("subsidy_price.real", "不支持的写法"),
        ("open('x')", "只能调用 min、max、round_half_up"),
        ("subsidy_price *", "语法错误"),
        ("is_dibao", "结果应为数值或文字"),
    ],
)
def test_a_broken_formula_is_refused_when_saved(default_rules, city_admin, formula, message):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    standard = Standard.objects.get(rule_set=draft, code="monthly_subsidy")
    standard.formula = formula
    with pytest.raises(ValidationError) as excinfo:
        ruleset_item_save(item=standard, actor=city_admin)
    assert message in str(excinfo.value.message_dict["formula"])


def test_activation_needs_the_policy_document(default_rules, city_admin):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    with pytest.raises(ValidationError, match="政策文件"):
        ruleset_activate(ruleset=draft, actor=city_admin, effective_from=NEW_YEAR, policy_number="")


def test_activation_needs_the_publish_permission(default_rules, city_admin, district_reviewer):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    with pytest.raises(PermissionDenied):
        ruleset_activate(ruleset=draft, actor=district_reviewer, effective_from=NEW_YEAR)


def test_transitions_are_recorded_in_the_workflow(default_rules, city_admin):
    from housing.workflow.models import NodeInstance

    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    ruleset_activate(ruleset=draft, actor=city_admin, effective_from=NEW_YEAR, opinion="依新文件调整")
    ruleset_retire(ruleset=draft, actor=city_admin, effective_to=datetime.date(2030, 12, 31))
    nodes = NodeInstance.objects.filter(
        process__process_code="rule_set", process__object_id=str(draft.pk)
    ).order_by("pk")
    assert [(n.from_state, n.to_state, n.actor_id) for n in nodes if n.transition] == [
        ("draft", "active", city_admin.pk),
        ("active", "retired", city_admin.pk),
    ]
    assert nodes.first().opinion == "依新文件调整"


def test_a_retired_version_still_decides_dates_inside_its_period(default_rules, city_admin):
    ruleset_retire(
        ruleset=default_rules["lianzu"], actor=city_admin, effective_to=datetime.date(2025, 12, 31)
    )
    assert run("lianzu", LIANZU_OK, on_date=datetime.date(2025, 12, 31)).eligible is True
    from rules.engine import NoRuleSetError

    with pytest.raises(NoRuleSetError, match="没有适用于"):
        run("lianzu", LIANZU_OK, on_date=datetime.date(2026, 1, 1))


def test_a_district_version_wins_over_the_city_for_its_own_families(default_rules, city_admin):
    district = ruleset_copy_to_draft(
        ruleset=default_rules["lianzu"], actor=city_admin, region_code=DISTRICT_A
    )
    _raise_income_limit(district, "1700", city_admin)
    ruleset_activate(ruleset=district, actor=city_admin, effective_from=datetime.date(2025, 1, 1))
    family = {**LIANZU_OK, "per_capita_monthly_income": "1600"}
    in_a = run("lianzu", family, region=DISTRICT_A[:9] + "001")
    in_b = run("lianzu", family, region=DISTRICT_B[:9] + "001")
    assert (in_a.eligible, in_a.version.region_code) == (True, DISTRICT_A)
    assert (in_b.eligible, in_b.version.region_code) == (False, "440400000000")


def test_a_draft_can_be_trial_evaluated_before_activation(default_rules, city_admin):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    _raise_income_limit(draft, "2000", city_admin)
    result = run("lianzu", {**LIANZU_OK, "per_capita_monthly_income": "1800"}, ruleset=draft)
    assert result.eligible is True and result.version.state == "draft"
    assert outcome(result, "income") == "pass"


def test_an_exclusive_lower_bound_refuses_the_bound_itself(default_rules, city_admin):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    condition = QuantitativeCondition.objects.filter(rule_set=draft, code="hukou_years").first()
    condition.lower_operator = ">"
    ruleset_item_save(item=condition, actor=city_admin)
    mode = condition.mode.code
    for years, expected in (("2.99", "fail"), ("3", "fail"), ("3.01", "pass")):
        result = run("lianzu", {**LIANZU_OK, "local_hukou_years": years}, ruleset=draft, mode=mode)
        assert outcome(result, "hukou_years") == expected
    assert "须超过 3 年" in next(
        i.explanation
        for i in run("lianzu", {**LIANZU_OK, "local_hukou_years": 3}, ruleset=draft, mode=mode).trace
        if i.code == "hukou_years"
    )


def test_a_not_group_inverts_its_conditions(default_rules, city_admin):
    from rules.models import ConditionGroup, QualitativeCondition

    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    blacklist = QualitativeCondition.objects.get(
        rule_set=draft, code="not_blacklisted", mode__code="rent_subsidy"
    )
    group = ruleset_item_save(
        item=ConditionGroup(
            rule_set=draft, mode=blacklist.mode, code="not_listed", name="非失信", logic="not"
        ),
        actor=city_admin,
    )
    blacklist.group = group
    blacklist.values = [True]  # NOT (on the blacklist)
    ruleset_item_save(item=blacklist, actor=city_admin)
    assert run("lianzu", LIANZU_OK, ruleset=draft).eligible is True
    assert run("lianzu", {**LIANZU_OK, "on_credit_blacklist": True}, ruleset=draft).eligible is False


def test_seeding_the_defaults_twice_changes_nothing(default_rules):
    from rules.defaults import rules_seed_defaults
    from rules.models import RuleSet

    count = RuleSet.objects.count()
    assert rules_seed_defaults() == default_rules
    assert RuleSet.objects.count() == count == 4
