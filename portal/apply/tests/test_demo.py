"""The demo applicant (13800000001) finds a case returned for supplement in 我的办事 and a draft to resume."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from admission.application_selectors import application_nodes
from admission.models import Application, ApplicationState
from admission.selectors import applications_of_applicant
from housing.accounts.demo import DEMO_APPLICANT, seed_demo_accounts
from housing.accounts.models import User, UserKind
from housing.archive.models import Document
from portal.apply.demo import seed_demo_applicant_cases
from portal.apply.models import ApplicationDraft, DraftStatus
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

pytestmark = pytest.mark.django_db

APPLICANT_BACKEND = "housing.accounts.backends.ApplicantBackend"


@pytest.fixture
def demo_applicant(regions, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rules_cache_clear()
    rules_seed_defaults()
    seed_demo_accounts()
    yield User.objects.get(kind=UserKind.APPLICANT, phone=DEMO_APPLICANT["phone"])
    rules_cache_clear()


def test_seeding_twice_gives_one_returned_application_and_one_open_draft(demo_applicant):
    assert seed_demo_applicant_cases() == []
    assert seed_demo_applicant_cases() == []  # the second run creates nothing

    application = applications_of_applicant(user=demo_applicant).get()
    assert application.state == ApplicationState.RETURNED
    assert application.returned_from == ApplicationState.STREET_REVIEW  # accepted by the street first
    assert application.supplement_items == "近6个月收入证明"
    assert (application.project_code, application.mode_code) == ("gongzu", "rental_in_kind")
    assert application.region_code == "440402001001"
    assert application.family.household_size == 3
    assert Document.objects.filter(application_number=application.receipt_number).count() == 4
    assert any("网上申请" in node.opinion for node in application_nodes(application=application))
    assert Application.objects.count() == 1

    submitted = ApplicationDraft.objects.get(owner=demo_applicant, status=DraftStatus.SUBMITTED)
    assert submitted.submitted_application == application
    draft = ApplicationDraft.objects.get(owner=demo_applicant, status=DraftStatus.OPEN)
    assert (draft.project_code, draft.mode_code, draft.current_step) == ("lianzu", "rent_subsidy", "income")
    assert ApplicationDraft.objects.count() == 2


def test_the_demo_applicant_sees_what_to_do_and_where_to_resume(demo_applicant):
    seed_demo_applicant_cases()
    application = applications_of_applicant(user=demo_applicant).get()
    draft = ApplicationDraft.objects.get(owner=demo_applicant, status=DraftStatus.OPEN)
    client = Client()
    client.force_login(demo_applicant, backend=APPLICANT_BACKEND)

    listing = client.get(reverse("portal:affairs_list")).content.decode()
    assert "需要您处理" in listing and application.receipt_number in listing

    detail = client.get(reverse("portal:affairs_detail", args=[application.pk])).content.decode()
    assert "退回补件" in detail and "需补正材料" in detail and "近6个月收入证明" in detail
    assert "只有近3个月" not in detail  # the caseworker's internal opinion stays internal

    supplement = client.get(reverse("portal:affairs_supplement", args=[application.pk]))
    assert supplement.status_code == 200
    assert 'name="item_0"' in supplement.content.decode()

    me = client.get(reverse("portal:me")).content.decode()
    resume = re.search(r'href="(/apply/\d+/[a-z]+/)"[^>]*>继续填写申请', me).group(1)
    assert resume == reverse("portal:apply_step", args=[draft.pk, "income"])
    income = client.get(resume).content.decode()
    assert 'value="36000' in income and "李丽" in income
