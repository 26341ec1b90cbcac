"""Back-office pages of rule sets: list, detail, drafts, activation, copy, export/import, diff."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import CITY
from rules.models import (
    QuantitativeCondition,
    RuleExchangeRecord,
    RuleSet,
    RuleSetState,
    Standard,
)
from rules.services import (
    guarantee_project_create,
    ruleset_copy_to_draft,
    ruleset_create,
    ruleset_export,
)

pytestmark = pytest.mark.django_db

OTHER_CITY = "440300000000"
DISTRICT_A = "440402000000"


def _detail(ruleset) -> str:
    return reverse("rules:ruleset_detail", args=[ruleset.pk])


def _income(ruleset, mode="rent_subsidy") -> QuantitativeCondition:
    return QuantitativeCondition.objects.get(rule_set=ruleset, mode__code=mode, code="income")


@pytest.fixture
def lianzu(default_rules):
    return default_rules["lianzu"]


@pytest.fixture
def draft(lianzu, city_admin):
    return ruleset_copy_to_draft(ruleset=lianzu, actor=city_admin)


@pytest.fixture
def other_city_ruleset(regions):
    project = guarantee_project_create(code="lianzu", name="廉租住房", region_code=OTHER_CITY, actor=None)
    return ruleset_create(project=project, region_code=OTHER_CITY, name="外市廉租住房保障规则", actor=None)


# --- list -------------------------------------------------------------------------------------------


def test_city_admin_sees_every_default_rule_set_with_its_policy_and_region(client, city_admin, default_rules):
    client.force_login(city_admin)
    response = client.get(reverse("rules:ruleset_list"))
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("廉租住房", "公共租赁住房", "经济适用住房", "高层次人才租房补贴"):
        assert name in content
    assert "演示〔2024〕1号" in content
    assert "珠海市" in content
    assert "2024-01-01 至 长期" in content
    assert "新建规则集" in content


def test_rule_set_list_filters_by_state_and_pins_its_query_count(
    client, city_admin, default_rules, django_assert_max_num_queries
):
    project = default_rules["gongzu"].project
    for number in range(25):
        ruleset_create(project=project, region_code=CITY, name=f"草稿{number}", actor=None)
    client.force_login(city_admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("rules:ruleset_list"), {"state": "draft"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "草稿24" in content
    assert "高层次人才租房补贴保障规则" not in content
    assert "共 25 条" in content
    with django_assert_max_num_queries(16):
        client.get(reverse("rules:ruleset_list"), {"page": 2})


def test_rule_set_list_exports_plain_text_to_excel(client, city_admin, default_rules):
    client.force_login(city_admin)
    response = client.get(reverse("rules:ruleset_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]


def test_district_reviewer_sees_the_city_rule_sets_read_only(client, district_reviewer, lianzu):
    client.force_login(district_reviewer)
    assert "廉租住房" in client.get(reverse("rules:ruleset_list")).content.decode()
    content = client.get(_detail(lianzu)).content.decode()
    assert "家庭人均月收入" in content
    assert "复制为新草稿" not in content
    assert "停用" not in content
    assert client.post(reverse("rules:ruleset_copy", args=[lianzu.pk])).status_code == 403


def test_another_citys_rule_set_is_not_found(client, city_admin, district_reviewer, other_city_ruleset):
    for user in (city_admin, district_reviewer):
        client.force_login(user)
        assert client.get(_detail(other_city_ruleset)).status_code == 404
        assert client.get(reverse("rules:ruleset_diff", args=[other_city_ruleset.pk])).status_code == 404
    client.force_login(city_admin)
    assert client.post(reverse("rules:ruleset_export", args=[other_city_ruleset.pk])).status_code == 404
    assert "外市" not in client.get(reverse("rules:ruleset_list")).content.decode()


def test_staff_without_the_view_permission_are_refused(client, finance_officer, lianzu):
    client.force_login(finance_officer)
    assert client.get(reverse("rules:ruleset_list")).status_code == 403
    assert client.get(_detail(lianzu)).status_code == 403
    assert client.get(reverse("rules:trial")).status_code == 403


def test_street_caseworker_may_read_but_not_activate(client, street_caseworker, draft):
    client.force_login(street_caseworker)
    assert client.get(_detail(draft)).status_code == 200
    response = client.post(
        reverse("rules:ruleset_activate", args=[draft.pk]),
        {"effective_from": "2030-01-01", "policy_title": "x", "policy_number": "y"},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == RuleSetState.DRAFT


# --- detail -----------------------------------------------------------------------------------------


def test_detail_shows_bounds_with_inclusive_and_exclusive_ends(client, city_admin, lianzu):
    client.force_login(city_admin)
    content = client.get(_detail(lianzu)).content.decode()
    assert "家庭人均月收入 ＜ 1,549 元（不含 1,549 元）" in content
    assert "3 年 ≤ 本市户籍年限（含 3 年）" in content
    assert "仅适用于1–2人家庭" in content
    assert "或者（OR）" in content
    assert "拥有其他住房 为 否" in content
    assert "演示〔2024〕1号" in content
    # Active: change by copying, stop by retiring; never edit in place.
    assert "修改（复制为新草稿）" in content
    assert "停用" in content
    assert reverse("rules:ruleset_edit", args=[lianzu.pk]) not in content


def test_active_version_items_cannot_be_edited(client, city_admin, lianzu):
    client.force_login(city_admin)
    condition = _income(lianzu)
    url = reverse("rules:item_edit", args=[lianzu.pk, "quantitative", condition.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("rules:ruleset_edit", args=[lianzu.pk])).status_code == 302


# --- copy, draft editing ----------------------------------------------------------------------------


def test_city_admin_copies_the_city_version_into_a_district_version(client, city_admin, lianzu):
    client.force_login(city_admin)
    page = client.get(_detail(lianzu)).content.decode()
    assert 'name="region_code"' in page and "香洲区" in page
    response = client.post(reverse("rules:ruleset_copy", args=[lianzu.pk]), {"region_code": DISTRICT_A})
    draft = RuleSet.objects.get(project=lianzu.project, region_code=DISTRICT_A)
    assert response["Location"] == _detail(draft)
    assert (draft.version, draft.state, draft.copied_from_id) == (1, RuleSetState.DRAFT, lianzu.pk)
    assert _income(draft).upper == Decimal("1549")


def test_copy_to_a_region_outside_the_version_changes_nothing(client, city_admin, lianzu):
    client.force_login(city_admin)
    before = RuleSet.objects.count()
    response = client.post(
        reverse("rules:ruleset_copy", args=[lianzu.pk]), {"region_code": OTHER_CITY}, follow=True
    )
    assert "不能复制到区划 440300000000" in response.content.decode()
    assert RuleSet.objects.count() == before


def test_copy_makes_a_new_draft_with_the_same_content(client, city_admin, lianzu):
    client.force_login(city_admin)
    response = client.post(reverse("rules:ruleset_copy", args=[lianzu.pk]))
    draft = RuleSet.objects.get(project=lianzu.project, version=2)
    assert response.status_code == 302
    assert response["Location"] == _detail(draft)
    assert draft.state == RuleSetState.DRAFT
    assert draft.copied_from_id == lianzu.pk
    assert _income(draft).upper == Decimal("1549")
    content = client.get(_detail(draft)).content.decode()
    for button in ("编辑", "添加条件", "添加标准", "校验", "启用"):
        assert button in content


def test_draft_condition_is_changed_through_the_form(client, city_admin, draft):
    client.force_login(city_admin)
    condition = _income(draft)
    url = reverse("rules:item_edit", args=[draft.pk, "quantitative", condition.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "家庭人均月收入（per_capita_monthly_income）" in form.content.decode()
    response = client.post(
        url,
        {
            "mode": condition.mode_id,
            "code": "income",
            "name": "家庭人均月收入低于1,800元",
            "category": condition.category_id,
            "factor": "per_capita_monthly_income",
            "upper": "1800",
            "upper_operator": "<",
            "lower_operator": ">=",
            "order": condition.order,
            "is_enabled": "on",
        },
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.upper == Decimal("1800")


def test_bounds_in_the_wrong_order_are_reported_beside_the_field_and_kept(client, city_admin, draft):
    client.force_login(city_admin)
    condition = _income(draft)
    url = reverse("rules:item_edit", args=[draft.pk, "quantitative", condition.pk])
    response = client.post(
        url,
        {
            "mode": condition.mode_id,
            "code": "income",
            "name": "收入",
            "factor": "per_capita_monthly_income",
            "lower": "2000",
            "lower_operator": ">=",
            "upper": "1000",
            "upper_operator": "<",
            "order": 1,
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "条件终止值不能小于起始值。" in content
    assert 'value="2000"' in content
    condition.refresh_from_db()
    assert condition.upper == Decimal("1549")


def test_a_broken_formula_is_shown_beside_the_formula_field_and_not_saved(client, city_admin, draft):
    client.force_login(city_admin)
    mode = draft.project.modes.get(code="rent_subsidy")
    response = client.post(
        reverse("rules:item_add", args=[draft.pk, "standard"]),
        {
            "mode": mode.pk,
            "code": "extra_subsidy",
            "name": "额外补贴",
            "formula": "no_such_fact * 2",
            "is_result": "on",
            "order": 99,
            "is_enabled": "on",
        },
    )
    assert response.status_code == 200
    errors = re.findall(r'id="id_formula-error">([^<]+)<', response.content.decode())
    assert errors and "no_such_fact" in errors[0]
    assert not Standard.objects.filter(rule_set=draft, code="extra_subsidy").exists()


def test_qualitative_condition_values_are_typed_by_the_factor(client, city_admin, draft):
    client.force_login(city_admin)
    mode = draft.project.modes.get(code="rent_subsidy")
    response = client.post(
        reverse("rules:item_add", args=[draft.pk, "qualitative"]),
        {
            "mode": mode.pk,
            "code": "not_tekun",
            "name": "非特困供养人员",
            "factor": "is_tekun",
            "values": "否",
            "order": 50,
            "is_enabled": "on",
        },
    )
    assert response.status_code == 302
    assert draft.qualitativecondition_set.get(code="not_tekun").values == [False]


def test_deleting_an_item_asks_first_then_removes_it(client, city_admin, draft):
    client.force_login(city_admin)
    condition = _income(draft)
    url = reverse("rules:item_delete", args=[draft.pk, "quantitative", condition.pk])
    assert "确定删除" in client.get(url).content.decode()
    assert QuantitativeCondition.objects.filter(pk=condition.pk).exists()
    assert client.post(url).status_code == 302
    assert not QuantitativeCondition.objects.filter(pk=condition.pk).exists()


# --- activation -------------------------------------------------------------------------------------


def test_activation_is_refused_with_the_problems_listed(client, city_admin, draft):
    mode = draft.project.modes.get(code="rent_subsidy")
    # Written past the service (as a broken import or an old row could be) to reach activation.
    Standard.objects.create(
        rule_set=draft, mode=mode, code="broken", name="坏公式", formula="unknown_name * 2", order=99
    )
    client.force_login(city_admin)
    url = reverse("rules:ruleset_activate", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "校验发现 1 个问题" in page
    assert "坏公式" in page
    response = client.post(
        url, {"effective_from": "2030-01-01", "policy_title": "新政策", "policy_number": "珠建〔2030〕1号"}
    )
    assert response.status_code == 200
    assert "unknown_name" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == RuleSetState.DRAFT


def test_activation_without_policy_number_keeps_the_values_and_says_why(client, city_admin, draft):
    client.force_login(city_admin)
    response = client.post(
        reverse("rules:ruleset_activate", args=[draft.pk]),
        {"effective_from": "2030-01-01", "policy_title": "新政策", "policy_number": ""},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_policy_number-error"' in content
    assert 'value="2030-01-01"' in content


def test_activation_from_a_future_date_closes_the_old_version_the_day_before(
    client, city_admin, lianzu, draft
):
    client.force_login(city_admin)
    response = client.post(
        reverse("rules:ruleset_activate", args=[draft.pk]),
        {"effective_from": "2030-01-01", "policy_title": "新政策", "policy_number": "珠建〔2030〕1号"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    lianzu.refresh_from_db()
    assert draft.state == RuleSetState.ACTIVE
    assert lianzu.effective_to == datetime.date(2029, 12, 31)


def test_retiring_needs_an_opinion_and_the_publish_permission(client, city_admin, district_reviewer, lianzu):
    url = reverse("rules:ruleset_retire", args=[lianzu.pk])
    client.force_login(district_reviewer)
    assert client.post(url, {"opinion": "停止"}).status_code == 403
    client.force_login(city_admin)
    client.post(url, {"opinion": ""})
    lianzu.refresh_from_db()
    assert lianzu.state == RuleSetState.ACTIVE
    client.post(url, {"opinion": "政策废止"})
    lianzu.refresh_from_db()
    assert lianzu.state == RuleSetState.RETIRED


# --- export, import ---------------------------------------------------------------------------------


def test_export_carries_the_sha256_shown_on_the_page(client, city_admin, lianzu):
    client.force_login(city_admin)
    shown = re.search(
        r'id="ruleset-sha256"[^>]*>([0-9a-f]{64})<', client.get(_detail(lianzu)).content.decode()
    )
    assert shown
    response = client.post(reverse("rules:ruleset_export", args=[lianzu.pk]))
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == shown.group(1)
    assert response["Content-Disposition"].startswith("attachment;")
    assert RuleExchangeRecord.objects.filter(rule_set=lianzu, sha256=shown.group(1)).exists()
    assert shown.group(1) in client.get(_detail(lianzu)).content.decode()


def test_import_with_a_wrong_hash_is_refused_and_creates_nothing(client, city_admin, lianzu):
    text, digest = ruleset_export(ruleset=lianzu)
    before = RuleSet.objects.count()
    client.force_login(city_admin)
    response = client.post(
        reverse("rules:ruleset_import"),
        {"file": SimpleUploadedFile("r.json", text.replace("1549", "1649").encode()), "sha256": digest},
    )
    assert response.status_code == 200
    assert "SHA-256 校验值不符" in response.content.decode()
    assert RuleSet.objects.count() == before


def test_import_with_the_right_hash_makes_a_draft(client, city_admin, lianzu):
    text, digest = ruleset_export(ruleset=lianzu)
    client.force_login(city_admin)
    response = client.post(
        reverse("rules:ruleset_import"),
        {"file": SimpleUploadedFile("r.json", text.encode()), "sha256": digest.upper()},
    )
    imported = RuleSet.objects.get(project=lianzu.project, version=2)
    assert response.status_code == 302
    assert response["Location"] == _detail(imported)
    assert imported.state == RuleSetState.DRAFT
    assert _income(imported).upper == Decimal("1549")


def test_import_into_a_region_outside_the_users_scope_is_refused(client, district_reviewer, lianzu):
    district_reviewer.user_permissions.add(Permission.objects.get(codename="add_ruleset"))
    text, digest = ruleset_export(ruleset=lianzu)
    before = RuleSet.objects.count()
    client.force_login(district_reviewer)
    response = client.post(
        reverse("rules:ruleset_import"),
        {"file": SimpleUploadedFile("r.json", text.encode()), "sha256": digest},
    )
    assert response.status_code == 200
    assert "不在您的数据范围内" in response.content.decode()
    assert RuleSet.objects.count() == before


# --- diff -------------------------------------------------------------------------------------------


def test_diff_shows_the_changed_income_limit(client, city_admin, draft):
    for condition in QuantitativeCondition.objects.filter(rule_set=draft, code="income"):
        condition.upper = Decimal("1800")
        condition.save()
    client.force_login(city_admin)
    response = client.get(reverse("rules:ruleset_diff", args=[draft.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "第1版" in content and "第2版" in content
    table = content[content.index('id="diff-table"') :]
    assert "条件终止值" in table
    assert "1,549" in table and "1,800" in table
    assert "家庭人均月收入低于1,549元" in table
