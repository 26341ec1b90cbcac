"""试算 page: the trace, the amounts, the version used, two dates side by side, the sample family."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from rules.models import QuantitativeCondition
from rules.services import guarantee_project_create, ruleset_activate, ruleset_copy_to_draft, ruleset_create
from rules.tests.helpers import FAMILY_REGION, LIANZU_OK

pytestmark = pytest.mark.django_db

URL = reverse("rules:trial")


def _query(facts: dict, **extra) -> dict:
    query = {
        "source": "in_force",
        "project": "lianzu",
        "mode": "rent_subsidy",
        "region_code": FAMILY_REGION,
        "on_date": "2025-06-01",
    }
    query.update(
        {
            f"f_{code}": str(value).lower() if isinstance(value, bool) else value
            for code, value in facts.items()
        }
    )
    query.update(extra)
    return query


def _results(content: str) -> list[str]:
    """The text of each result card, in order."""
    parts = content.split('class="card h-100 trial-result"')[1:]
    return parts


def test_trial_explains_an_ineligible_family_condition_by_condition(client, city_admin, default_rules):
    client.force_login(city_admin)
    response = client.get(URL, _query({**LIANZU_OK, "per_capita_monthly_income": "1700"}))
    assert response.status_code == 200
    content = response.content.decode()
    [card] = _results(content)
    assert "不符合条件" in card
    assert "家庭人均月收入 1,700 元，超过 1,549 元的标准" in card
    assert "家庭人均月收入 ＜ 1,549 元（不含 1,549 元）" in card
    assert "第1版" in card and "演示〔2024〕1号" in card
    assert "不计算保障标准" in card


def test_trial_shows_the_amounts_of_an_eligible_family(client, city_admin, default_rules):
    client.force_login(city_admin)
    content = client.get(URL, _query(LIANZU_OK)).content.decode()
    [card] = _results(content)
    assert "符合条件" in card and "不符合条件" not in card
    assert "保障标准" in card
    assert "元" in card


def test_missing_facts_are_reported_as_unknown(client, city_admin, default_rules):
    facts = {k: v for k, v in LIANZU_OK.items() if k != "per_capita_monthly_income"}
    client.force_login(city_admin)
    [card] = _results(client.get(URL, _query(facts)).content.decode())
    assert "无法判断（缺少事实）" in card
    assert "缺少“家庭人均月收入”，无法判断" in card


def test_trial_on_two_dates_uses_the_version_in_force_on_each(client, city_admin, default_rules):
    lianzu = default_rules["lianzu"]
    draft = ruleset_copy_to_draft(ruleset=lianzu, actor=city_admin)
    QuantitativeCondition.objects.filter(rule_set=draft, code="income").update(upper=Decimal("1800"))
    ruleset_activate(
        ruleset=draft,
        actor=city_admin,
        effective_from=datetime.date(2030, 1, 1),
        policy_title="新收入线",
        policy_number="珠建〔2029〕9号",
    )
    client.force_login(city_admin)
    query = _query({**LIANZU_OK, "per_capita_monthly_income": "1700"}, compare_date="2030-06-01")
    content = client.get(URL, query).content.decode()
    assert "两个日期对比" in content
    before, after = _results(content)
    assert "不符合条件" in before and "第1版" in before
    assert "不符合条件" not in after and "符合条件" in after and "第2版" in after
    assert "珠建〔2029〕9号" in after


def test_a_draft_can_be_tried_before_activation(client, city_admin, default_rules):
    draft = ruleset_copy_to_draft(ruleset=default_rules["lianzu"], actor=city_admin)
    QuantitativeCondition.objects.filter(rule_set=draft, code="income").update(upper=Decimal("1800"))
    client.force_login(city_admin)
    query = _query(
        {**LIANZU_OK, "per_capita_monthly_income": "1700"}, source="ruleset", ruleset=draft.pk, project=""
    )
    [card] = _results(client.get(URL, query).content.decode())
    assert "符合条件" in card and "不符合条件" not in card
    assert "第2版" in card and "草稿" in card


def test_the_form_lists_the_factors_the_rule_set_uses_first(client, city_admin, default_rules):
    client.force_login(city_admin)
    content = client.get(URL, {"project": "lianzu"}).content.decode()
    used, _sep, other = content.partition("其他因素")
    assert "家庭人均月收入（元）" in used
    assert "本市户籍年限（年）" in used
    assert "专业技术职称" in other and "专业技术职称" not in used


def test_the_sample_family_button_fills_the_form(client, city_admin, default_rules):
    client.force_login(city_admin)
    content = client.get(URL, {"project": "lianzu", "mode": "rent_subsidy", "sample": "1"}).content.decode()
    assert 'name="f_per_capita_monthly_income" value="1000"' in content
    assert 'name="f_household_size" value="3"' in content
    assert "trial-result" not in content


def test_a_fact_of_the_wrong_type_is_reported_beside_its_field(client, city_admin, default_rules):
    client.force_login(city_admin)
    response = client.get(URL, _query({**LIANZU_OK, "household_size": "三口"}))
    content = response.content.decode()
    assert 'id="id_f_household_size-error"' in content
    assert 'value="三口"' in content
    assert "trial-result" not in content


def test_another_citys_rule_set_cannot_be_tried(client, city_admin, default_rules):
    project = guarantee_project_create(code="x", name="外市项目", region_code="440300000000", actor=None)
    foreign = ruleset_create(project=project, region_code="440300000000", name="外市规则", actor=None)
    client.force_login(city_admin)
    query = _query(LIANZU_OK, source="ruleset", ruleset=foreign.pk)
    content = client.get(URL, query).content.decode()
    assert 'id="id_ruleset-error"' in content
    assert "trial-result" not in content
    assert "外市规则" not in content
