"""Waitlist ordering of 公租房, the command line, the demo seeder."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command

from rules.ordering import ordering_rule_for, waitlist_sort_key

from .helpers import FAMILY_REGION, LIANZU_OK, ON


def test_public_rental_waitlist_order(compiled_defaults):
    rule = ordering_rule_for(compiled_defaults["gongzu"])
    families = {
        "ordinary_early": {
            "hukou_date": "2010-01-01",
            "applicant_birth_date": "1980-01-01",
            "receipt_number": "A9",
        },
        "ordinary_late": {
            "hukou_date": "2015-01-01",
            "applicant_birth_date": "1970-01-01",
            "receipt_number": "A1",
        },
        "migrant_base_by_insurance": {"social_insurance_start_date": "2012-05-01", "receipt_number": "A2"},
        "tekun": {"is_tekun": True, "hukou_date": "2020-01-01", "receipt_number": "A3"},
        "dibao": {"is_dibao": True, "hukou_date": "2021-01-01", "receipt_number": "A4"},
        "disabled_grade_2": {"disability_grade": 2, "hukou_date": "2019-01-01", "receipt_number": "A5"},
        "disabled_grade_3": {"disability_grade": 3, "hukou_date": "2009-01-01", "receipt_number": "A6"},
        "same_base_older": {
            "hukou_date": "2015-01-01",
            "applicant_birth_date": "1960-01-01",
            "receipt_number": "A7",
        },
        "no_dates": {"receipt_number": "A0"},
        "earlier_of_two_dates": {
            "hukou_date": "2016-01-01",
            "social_insurance_start_date": "2011-01-01",
            "receipt_number": "A8",
        },
    }
    ordered = sorted(families, key=lambda name: rule.key(families[name]))
    assert ordered == [
        "dibao",
        "tekun",
        "disabled_grade_2",
        "disabled_grade_3",  # grade 3 is no priority group: base date 2009 is the earliest
        "ordinary_early",
        "earlier_of_two_dates",  # 2011 (insurance) beats its own 2016 hukou date
        "migrant_base_by_insurance",
        "same_base_older",  # same base date as ordinary_late, born earlier
        "ordinary_late",
        "no_dates",  # an unknown base date sorts after every known one
    ]
    assert rule.explain(families["dibao"])[0] == ("优先群体", "低保家庭")


@pytest.mark.django_db
def test_waitlist_sort_key_uses_the_version_in_force(default_rules):
    key = waitlist_sort_key(project_code="gongzu", region_code=FAMILY_REGION, on_date=ON)
    assert key({"is_dibao": True}) < key({"is_dibao": False})


@pytest.mark.django_db
def test_rules_evaluate_prints_json(default_rules, tmp_path, capsys):
    facts_file = tmp_path / "family.json"
    facts_file.write_text(json.dumps({**LIANZU_OK, "per_capita_monthly_income": "1800"}), encoding="utf-8")
    call_command(
        "rules_evaluate",
        "--project=lianzu",
        "--mode=rent_subsidy",
        f"--date={ON.isoformat()}",
        f"--facts={facts_file}",
        f"--region={FAMILY_REGION}",
    )
    output = json.loads(capsys.readouterr().out)
    assert output["eligible"] is False
    assert output["version"]["version"] == 1
    income = next(item for item in output["trace"] if item["code"] == "income")
    assert income["outcome"] == "fail" and income["actual"] == "1800" and income["upper"] == "1549"
    assert income["explanation"] == "家庭人均月收入 1,800 元，超过 1,549 元的标准"


@pytest.mark.django_db
def test_rules_bench_prints_evaluations_per_second(default_rules, capsys):
    call_command("rules_bench", "--count=300", f"--date={datetime.date(2025, 1, 1).isoformat()}")
    assert "次/秒" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_seeder_is_idempotent(regions):
    from rules.defaults import rules_seed_demo
    from rules.models import RuleSet

    assert rules_seed_demo() == []
    assert rules_seed_demo() == []
    assert RuleSet.objects.filter(state="active").count() == 4
