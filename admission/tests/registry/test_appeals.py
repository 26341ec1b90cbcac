"""复核申请: within the appeal period of the refusal notice, decided by another reviewer of the refusing level."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from admission.application_selectors import application_nodes
from admission.models import Application, ApplicationState
from admission.registry.appeals import appeal_create, appeal_decide
from admission.registry.models import DecisionNotice, ReviewAppeal, ReviewAppealState
from conftest import DISTRICT_A, STREET_A1
from housing.notify.models import Message
from housing.workflow.models import NodeInstance

from .conftest import new_case, refuse_at_district, step

pytestmark = pytest.mark.django_db

S = ApplicationState
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
REFUSED_ON = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=TZ)


def _at(day: int, hour: int = 16):
    """Travel to June ``day`` 2026 (the refusal notice is issued on June 1)."""
    return time_machine.travel(datetime.datetime(2026, 6, day, hour, 0, tzinfo=TZ), tick=False)


@pytest.fixture
def other_district_colleague(make_staff):
    return make_staff("district_colleague", [("district_reviewer", DISTRICT_A)], is_staff=True)


@pytest.fixture
def refused(filer, reviewers, django_capture_on_commit_callbacks):
    """A case refused at district review on 1 June, its notice issued the same day."""
    with _at(1, 10), django_capture_on_commit_callbacks(execute=True):
        app = refuse_at_district(new_case(filer, name="黄梅华"), reviewers)
    assert DecisionNotice.objects.get(application=app).is_issued
    return app


def test_an_appeal_on_the_fifth_day_after_the_notice_is_recorded(refused, reviewers):
    with _at(6, 17):
        appeal = appeal_create(
            application=refused, actor=reviewers["street"], reason="收入证明有误，请求复核。"
        )
    assert appeal.state == ReviewAppealState.PENDING and appeal.number.startswith("FH-440402-2026-")
    assert appeal.level == "district" and appeal.refused_by == reviewers["district"]
    assert appeal.received_on == datetime.date(2026, 6, 6) and appeal.deadline == datetime.date(2026, 6, 6)
    assert appeal.appellant_name == "黄梅华"
    node = NodeInstance.objects.get(process__process_code="admission_appeal", transition="submit")
    assert node.actor == reviewers["street"]
    # The new task waits at the district's 复核 node.
    assert node.process.current_node.node_template.code == "district"


def test_an_appeal_after_five_days_is_refused_with_the_dates(refused, reviewers):
    with _at(7, 9), pytest.raises(ValidationError) as caught:
        appeal_create(application=refused, actor=reviewers["street"], reason="迟交的复核申请。")
    message = " ".join(caught.value.messages)
    assert "已超过复核申请期限" in message and "2026年6月1日" in message and "2026年6月6日" in message
    assert not ReviewAppeal.objects.exists()


def test_the_appeal_period_is_a_setting(refused, reviewers, settings):
    settings.ADMISSION_APPEAL_DAYS = 10
    with _at(10):
        assert appeal_create(application=refused, actor=reviewers["street"], reason="请求复核。").pk


def test_one_appeal_per_refusal_and_only_for_a_refused_case(refused, filer, reviewers):
    with _at(2):
        with pytest.raises(ValidationError, match="复核理由"):
            appeal_create(application=refused, actor=reviewers["street"], reason="  ")
        appeal_create(application=refused, actor=reviewers["street"], reason="请求复核。")
        with pytest.raises(ValidationError, match="不能重复申请"):
            appeal_create(application=refused, actor=reviewers["street"], reason="再次申请。")
        with pytest.raises(ValidationError, match="只有不予登记的申请"):
            appeal_create(application=new_case(filer, name="乙"), actor=reviewers["street"], reason="x")


def test_an_upheld_appeal_reopens_the_case_at_the_refusing_levels_review(
    refused, reviewers, other_district_colleague
):
    with _at(3):
        appeal = appeal_create(application=refused, actor=reviewers["street"], reason="已补交失业证明。")
        appeal = appeal_decide(
            appeal=appeal, actor=other_district_colleague, upheld=True, opinion="失业证明属实，重新审核。"
        )
    assert appeal.state == ReviewAppealState.UPHELD and appeal.decided_by == other_district_colleague
    app = Application.objects.get(pk=refused.pk)
    assert app.state == S.DISTRICT_REVIEW and app.refusal_reason == "" and app.decided_at is None
    nodes = list(application_nodes(application=app))
    reopen = next(n for n in nodes if n.transition == "reopen")
    assert reopen.actor == other_district_colleague and reopen.from_state == S.REFUSED
    assert appeal.number in reopen.opinion and nodes[-1].node_template.code == "district_review"
    # The refusal notice stays as issued; the applicant is told the outcome.
    assert DecisionNotice.objects.get(application=app).refusal_reason == "income_over_limit"
    assert "复核成立" in Message.objects.get(template_code="admission.appeal_decided", channel="sms").body
    # The reopened case goes on as any other: a district reviewer (not the refuser's colleague rule) approves.
    app = step(app, other_district_colleague, "district_approve")
    assert app.state == S.DISTRICT_PUBLICITY


def test_the_refuser_may_not_decide_the_appeal_nor_another_levels_reviewer(refused, reviewers):
    with _at(2):
        appeal = appeal_create(application=refused, actor=reviewers["street"], reason="请求复核。")
        with pytest.raises(ValidationError, match="原决定人以外"):
            appeal_decide(appeal=appeal, actor=reviewers["district"], upheld=True, opinion="自己复核自己。")
        with pytest.raises(PermissionDenied):
            appeal_decide(
                appeal=appeal, actor=reviewers["street"], upheld=True, opinion="街道不能复核区级决定。"
            )
        with pytest.raises(ValidationError, match="复核意见"):
            appeal_decide(appeal=appeal, actor=reviewers["city"], upheld=False, opinion=" ")
    assert ReviewAppeal.objects.get(pk=appeal.pk).state == ReviewAppealState.PENDING


def test_a_dismissed_appeal_leaves_the_case_refused_and_is_recorded(
    refused, reviewers, other_district_colleague
):
    with _at(2):
        appeal = appeal_create(application=refused, actor=reviewers["street"], reason="请求复核。")
        appeal = appeal_decide(
            appeal=appeal, actor=other_district_colleague, upheld=False, opinion="复核后收入仍超过标准。"
        )
        with pytest.raises(ValidationError, match="已办结"):
            appeal_decide(appeal=appeal, actor=other_district_colleague, upheld=True, opinion="改主意。")
    assert appeal.state == ReviewAppealState.DISMISSED and appeal.decision_opinion.startswith("复核后")
    assert Application.objects.get(pk=refused.pk).state == S.REFUSED
    node = NodeInstance.objects.get(process__process_code="admission_appeal", transition="dismiss")
    assert node.actor == other_district_colleague and node.opinion == "复核后收入仍超过标准。"
    assert (
        "维持不予登记决定"
        in Message.objects.get(template_code="admission.appeal_decided", channel="sms").body
    )


def test_a_street_refusal_is_reviewed_again_by_another_street_caseworker(
    filer, reviewers, make_staff, django_capture_on_commit_callbacks
):
    colleague = make_staff("street_colleague", [("street_caseworker", STREET_A1)], is_staff=True)
    app = new_case(filer)
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("submit", "accept"):
            app = step(app, reviewers["street"], name)
        app = step(app, reviewers["street"], "refuse", "材料不全。", refusal_reason="missing_documents")
    appeal = appeal_create(application=app, actor=colleague, reason="材料已补齐。")
    assert appeal.level == "street"
    appeal_decide(appeal=appeal, actor=colleague, upheld=True, opinion="材料齐全。")
    assert Application.objects.get(pk=app.pk).state == S.STREET_REVIEW


def test_appeal_pages_record_and_decide_with_errors_beside_fields(
    refused, reviewers, other_district_colleague, client
):
    detail = refused.get_absolute_url()
    create = reverse("admission:registry_appeal_create", args=[refused.pk])
    client.force_login(reviewers["street"])
    with _at(4):
        assert create in client.get(detail).content.decode()  # 「登记复核申请」 on the case page
        page = client.post(create, {"reason": ""}).content.decode()
        assert "is-invalid" in page and ReviewAppeal.objects.count() == 0
        response = client.post(create, {"reason": "收入证明有误。", "appellant_name": ""})
        appeal = ReviewAppeal.objects.get()
        assert response.status_code == 302 and response["Location"] == appeal.get_absolute_url()
        assert create not in client.get(detail).content.decode()  # one appeal per refusal
        # The refuser sees the appeal but no decision form; a colleague decides it.
        client.force_login(reviewers["district"])
        assert 'name="decision"' not in client.get(appeal.get_absolute_url()).content.decode()
        client.force_login(other_district_colleague)
        assert 'name="decision"' in client.get(appeal.get_absolute_url()).content.decode()
        decide = reverse("admission:registry_appeal_decide", args=[appeal.pk])
        assert "is-invalid" in client.post(decide, {"decision": "upheld", "opinion": ""}).content.decode()
        assert client.post(decide, {"decision": "upheld", "opinion": "复核成立。"}).status_code == 302
    assert Application.objects.get(pk=refused.pk).state == S.DISTRICT_REVIEW


def test_no_appeal_button_after_the_period(refused, reviewers, client):
    client.force_login(reviewers["street"])
    with _at(8):
        page = client.get(refused.get_absolute_url()).content.decode()
        assert reverse("admission:registry_appeal_create", args=[refused.pk]) not in page
        response = client.post(
            reverse("admission:registry_appeal_create", args=[refused.pk]), {"reason": "迟到的申请。"}
        )
        assert "已超过复核申请期限" in response.content.decode()


def test_appeal_detail_is_404_outside_the_users_scope(
    refused, reviewers, other_street_caseworker, other_district_reviewer, client
):
    with _at(2):
        appeal = appeal_create(application=refused, actor=reviewers["street"], reason="请求复核。")
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        assert client.get(appeal.get_absolute_url()).status_code == 404
        decide = reverse("admission:registry_appeal_decide", args=[appeal.pk])
        assert client.post(decide, {"decision": "upheld", "opinion": "x"}).status_code == 404
        create = reverse("admission:registry_appeal_create", args=[refused.pk])
        assert client.get(create).status_code == 404


def test_a_reopened_case_can_be_registered_and_gets_its_own_notice(
    refused, reviewers, other_district_colleague, django_capture_on_commit_callbacks
):
    with _at(2):
        appeal = appeal_create(application=refused, actor=reviewers["street"], reason="请求复核。")
        appeal_decide(appeal=appeal, actor=other_district_colleague, upheld=True, opinion="复核成立。")
    app = Application.objects.get(pk=refused.pk)
    for name in ("district_approve", "district_publicity_close"):
        app = step(app, other_district_colleague, name)
    app = step(app, reviewers["city"], "city_approve")
    with django_capture_on_commit_callbacks(execute=True):
        app = step(app, reviewers["city"], "city_publicity_close")
    kinds = sorted(DecisionNotice.objects.filter(application=app).values_list("kind", flat=True))
    assert kinds == ["refused", "registered"] and app.registry_entry.status == "waiting"
