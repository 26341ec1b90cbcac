"""Publicity batches and objections through the services: periods in working days, beat closing, freezes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from admission.models import Application, ApplicationState, RefusalReason
from admission.publicity.models import BatchState, Objection, ObjectionState, PublicityBatch, PublicityEntry
from admission.publicity.selectors import objection_list, workflow_nodes
from admission.publicity.services import (
    BATCH_PROCESS_CODE,
    objection_assign,
    objection_decide,
    objection_record,
    publicity_batch_create,
    publicity_batch_publish,
)
from admission.publicity.tasks import close_due_publicity_batches
from conftest import STREET_A1
from housing.accounts.system import system_actor
from housing.workflow.models import CalendarDay, NodeTemplate

from .conftest import COMMUNITY_A2, at, step

S = ApplicationState
D = datetime.date.fromisoformat


def _batch(actor, *apps, region_code=STREET_A1, level="street"):
    return publicity_batch_create(
        level=level,
        region_code=region_code,
        method="notice",
        location="翠香街道办事处公告栏",
        actor=actor,
        applications=list(apps) or None,
    )


def _published(actor, *apps, when="2025-03-03"):
    with time_machine.travel(at(when), tick=False):
        return publicity_batch_publish(batch=_batch(actor, *apps), actor=actor)


def _object(app, actor, **extra):
    data = {
        "channel": "phone",
        "content": "该户在本市另有住房一套。",
        "reporter_name": "王举报",
        "reporter_phone": "13712345678",
    }
    return objection_record(application=app, actor=actor, **{**data, **extra})


def _state(app) -> str:
    return Application.objects.get(pk=app.pk).state


# --- batches and the publicity period -----------------------------------------------------------


def test_publicity_opens_the_next_working_day_and_lasts_seven_working_days_over_a_holiday(
    in_street_publicity, street_caseworker
):
    app = in_street_publicity()
    CalendarDay.objects.create(date=D("2025-03-06"), is_working_day=False, name="测试假日")
    batch = _published(street_caseworker, app)  # published on Monday 2025-03-03
    assert batch.state == BatchState.PUBLISHED and batch.working_days == 7
    # Tue 4, Wed 5, (Thu 6 holiday), Fri 7, Mon 10, Tue 11, Wed 12, Thu 13.
    assert (batch.start_date, batch.end_date) == (D("2025-03-04"), D("2025-03-13"))
    entry = PublicityEntry.objects.get(application=app)
    assert entry.publicity_number == f"{batch.number}-001" and entry.stage == S.STREET_PUBLICITY
    assert entry.applicant_name_masked == "陈*香" and entry.address == "珠海市香洲区翠香街道"
    assert [n.transition for n in workflow_nodes(obj=batch, process_code=BATCH_PROCESS_CODE)][:1] == [
        "publish"
    ]


def test_beat_closes_the_batch_only_after_its_end_date_and_moves_the_cases_on(
    in_street_publicity, street_caseworker
):
    first, second = in_street_publicity("陈翠香"), in_street_publicity("李翠华")
    CalendarDay.objects.create(date=D("2025-03-06"), is_working_day=False, name="测试假日")
    batch = _published(street_caseworker)
    with time_machine.travel(at("2025-03-13", 23), tick=False):
        assert close_due_publicity_batches() == {"batches": 0, "cases": 0}  # the last day still counts
    assert _state(first) == S.STREET_PUBLICITY
    with time_machine.travel(at("2025-03-14", 1), tick=False):
        assert close_due_publicity_batches() == {"batches": 1, "cases": 2}
        assert close_due_publicity_batches() == {"batches": 0, "cases": 0}  # a second run changes nothing
    batch = PublicityBatch.objects.get(pk=batch.pk)
    assert batch.state == BatchState.CLOSED
    assert _state(first) == _state(second) == S.DISTRICT_REVIEW
    assert set(PublicityEntry.objects.values_list("passed", flat=True)) == {True}
    close = [n for n in workflow_nodes(obj=batch, process_code=BATCH_PROCESS_CODE) if n.transition == "close"]
    assert close and close[0].actor == system_actor()


def test_publicity_length_is_read_from_the_workflow_template(in_street_publicity, street_caseworker):
    NodeTemplate.objects.filter(
        process__code="admission_review", process__is_active=True, code="street_publicity"
    ).update(publicity_days=3)
    batch = _published(street_caseworker, in_street_publicity())
    assert (batch.working_days, batch.start_date, batch.end_date) == (3, D("2025-03-04"), D("2025-03-06"))


def test_a_batch_takes_only_its_levels_unbatched_cases_in_the_publishing_region(
    in_street_publicity, street_caseworker, superuser
):
    mine = in_street_publicity()
    other_street = in_street_publicity("黄梅华", region_code=COMMUNITY_A2)
    batch = _batch(street_caseworker)
    assert list(batch.entries.values_list("application", flat=True)) == [mine.pk]
    with pytest.raises(ValidationError, match="尚未列入批次"):
        _batch(street_caseworker)  # nothing left to list
    with pytest.raises(ValidationError, match="不在本级公示阶段或已列入其他批次"):
        _batch(superuser, other_street)  # another street's case is not this street's to publish
    with pytest.raises(ValidationError):
        _batch(street_caseworker, region_code="440402002000")  # not the caseworker's street


def test_a_district_reviewer_cannot_compile_a_street_batch(in_street_publicity, district_reviewer):
    in_street_publicity()
    with pytest.raises(PermissionDenied):
        _batch(district_reviewer)


def test_a_case_withdrawn_while_the_batch_is_a_draft_leaves_it_on_publishing(
    in_street_publicity, street_caseworker
):
    stays, leaves = in_street_publicity("陈翠香"), in_street_publicity("李翠华")
    batch = _batch(street_caseworker)
    step(leaves, street_caseworker, "withdraw", "申请人书面撤回。")
    with time_machine.travel(at("2025-03-03"), tick=False):
        publicity_batch_publish(batch=batch, actor=street_caseworker)
    assert list(batch.entries.values_list("application", flat=True)) == [stays.pk]


def test_people_cannot_cut_a_batchs_publicity_short_but_the_system_actor_can(
    in_street_publicity, street_caseworker
):
    app = in_street_publicity()
    _published(street_caseworker, app)
    with pytest.raises(ValidationError, match="由系统自动"):
        step(app, street_caseworker, "street_publicity_close")
    assert step(app, system_actor(), "street_publicity_close", "公示期满无异议").state == S.DISTRICT_REVIEW


# --- objections ---------------------------------------------------------------------------------


def test_an_objection_freezes_the_case_and_an_upheld_finding_refuses_it(
    in_street_publicity, street_caseworker, make_staff
):
    app = in_street_publicity()
    _published(street_caseworker, app)
    with time_machine.travel(at("2025-03-05"), tick=False):
        objection = _object(app, street_caseworker)
    assert _state(app) == S.FROZEN and objection.state == ObjectionState.PENDING
    # 10 working days after Wed 2025-03-05.
    assert objection.due_date == D("2025-03-19") and objection.number.startswith("JB-440402-")
    investigator = make_staff("inspector", [("street_caseworker", STREET_A1)], is_staff=True)
    objection_assign(objection=objection, investigator=investigator, actor=street_caseworker)
    objection_decide(
        objection=objection,
        actor=investigator,
        upheld=True,
        verification_method="不动产登记数据比对",
        verification_result="该户名下确有住房一套。",
    )
    refused = Application.objects.get(pk=app.pk)
    assert refused.state == S.REFUSED and refused.refusal_reason == RefusalReason.OBJECTION_UPHELD
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.UPHELD
    assert PublicityEntry.objects.get(application=app).passed is False


def test_a_dismissed_objection_returns_the_case_to_its_publicity(in_street_publicity, street_caseworker):
    app = in_street_publicity()
    _published(street_caseworker, app)
    with time_machine.travel(at("2025-03-05"), tick=False):
        objection = _object(app, street_caseworker)
        objection_assign(objection=objection, investigator=street_caseworker, actor=street_caseworker)
        objection_decide(
            objection=objection,
            actor=street_caseworker,
            upheld=False,
            verification_method="入户调查",
            verification_result="举报所称住房为其亲属所有。",
        )
    assert _state(app) == S.STREET_PUBLICITY
    assert PublicityEntry.objects.get(application=app).passed is None  # still in its publicity


def test_a_case_frozen_past_the_end_date_waits_then_moves_on_when_released(
    in_street_publicity, street_caseworker
):
    frozen, clean = in_street_publicity("陈翠香"), in_street_publicity("李翠华")
    _published(street_caseworker)
    with time_machine.travel(at("2025-03-11"), tick=False):
        objection = _object(frozen, street_caseworker)
        objection_assign(objection=objection, investigator=street_caseworker, actor=street_caseworker)
    with time_machine.travel(at("2025-03-14"), tick=False):
        assert close_due_publicity_batches() == {"batches": 1, "cases": 1}
        assert _state(frozen) == S.FROZEN and _state(clean) == S.DISTRICT_REVIEW
        assert close_due_publicity_batches() == {"batches": 0, "cases": 0}
        objection_decide(
            objection=objection,
            actor=street_caseworker,
            upheld=False,
            verification_method="走访邻里",
            verification_result="举报不属实。",
        )
    assert _state(frozen) == S.DISTRICT_REVIEW  # as if its publicity had just closed
    assert PublicityEntry.objects.get(application=frozen).passed is True


def test_a_second_objection_keeps_the_case_frozen_until_both_are_decided(
    in_street_publicity, street_caseworker
):
    app = in_street_publicity()
    _published(street_caseworker, app)
    with time_machine.travel(at("2025-03-05"), tick=False):
        one = _object(app, street_caseworker)
        two = _object(app, street_caseworker, channel="letter", reporter_name="赵来信")
        for objection in (one, two):
            objection_assign(objection=objection, investigator=street_caseworker, actor=street_caseworker)
        finding = {"upheld": False, "verification_method": "入户调查", "verification_result": "不属实。"}
        objection_decide(objection=one, actor=street_caseworker, **finding)
        assert _state(app) == S.FROZEN
        objection_decide(objection=two, actor=street_caseworker, **finding)
    assert _state(app) == S.STREET_PUBLICITY


def test_objections_are_taken_only_during_the_publicity_and_need_a_real_name(
    in_street_publicity, street_caseworker
):
    app = in_street_publicity()
    batch = _batch(street_caseworker, app)
    with pytest.raises(ValidationError, match="不在公示期内"):
        _object(app, street_caseworker)  # a draft batch is not public yet
    with time_machine.travel(at("2025-03-03"), tick=False):
        publicity_batch_publish(batch=batch, actor=street_caseworker)
    with time_machine.travel(at("2025-03-05"), tick=False):
        with pytest.raises(ValidationError) as caught:
            _object(app, street_caseworker, reporter_name=" ", reporter_phone="")
        assert {"reporter_name", "reporter_phone"} <= set(caught.value.error_dict)
        with pytest.raises(ValidationError, match="不在本案公示期内"):
            _object(app, street_caseworker, received_at=at("2025-03-01"))
    with time_machine.travel(at("2025-03-14"), tick=False):
        close_due_publicity_batches()
    with pytest.raises(ValidationError, match="不在公示期内"):
        _object(app, street_caseworker)
    assert not Objection.objects.exists()


def test_only_the_named_investigator_records_the_finding(
    in_street_publicity, street_caseworker, make_staff, district_reviewer
):
    app = in_street_publicity()
    _published(street_caseworker, app)
    with time_machine.travel(at("2025-03-05"), tick=False):
        objection = _object(app, street_caseworker)
    finding = {"upheld": True, "verification_method": "入户调查", "verification_result": "属实。"}
    with pytest.raises(ValidationError, match="请先指派查证人"):
        objection_decide(objection=objection, actor=street_caseworker, **finding)
    with pytest.raises(ValidationError, match="查证人须为本级"):
        objection_assign(objection=objection, investigator=district_reviewer, actor=street_caseworker)
    colleague = make_staff("colleague", [("street_caseworker", STREET_A1)], is_staff=True)
    objection_assign(objection=objection, investigator=colleague, actor=street_caseworker)
    with pytest.raises(PermissionDenied):
        objection_decide(objection=objection, actor=street_caseworker, **finding)
    assert _state(app) == S.FROZEN


def test_overdue_objections_are_listed_after_ten_working_days(in_street_publicity, street_caseworker):
    app = in_street_publicity()
    _published(street_caseworker, app)
    with time_machine.travel(at("2025-03-05"), tick=False):
        objection = _object(app, street_caseworker)
    with time_machine.travel(at("2025-03-19"), tick=False):  # the due date itself is on time
        assert not objection_list(user=street_caseworker, filters={"overdue": True}).exists()
    with time_machine.travel(at("2025-03-20"), tick=False):
        overdue = objection_list(user=street_caseworker, filters={"overdue": True})
        assert list(overdue) == [objection] and overdue[0].is_overdue


def test_the_publicity_records_nothing_when_the_batch_is_published_twice(
    in_street_publicity, street_caseworker
):
    batch = _published(street_caseworker, in_street_publicity())
    with pytest.raises(ValidationError, match="不能执行"):
        publicity_batch_publish(batch=batch, actor=street_caseworker)
    assert PublicityBatch.objects.get(pk=batch.pk).published_at == at("2025-03-03")
