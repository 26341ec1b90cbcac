import datetime

import pytest
from django.core.exceptions import ValidationError

from housing.audit.models import AuditAction, AuditEvent
from housing.workflow.models import NodeInstance, NodeState, ProcessInstance, ProcessState
from housing.workflow.selectors import task_inbox
from housing.workflow.services import (
    process_instance_advance,
    process_instance_cancel,
    process_instance_start,
    process_template_activate,
    process_template_new_version,
    workflow_record_transition,
)

from .conftest import at

D = datetime.date


def record(obj, actor, transition, from_state, to_state, opinion="", next_node_code=None):
    return workflow_record_transition(
        obj=obj,
        actor=actor,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        opinion=opinion,
        process_code="admission_review",
        next_node_code=next_node_code,
    )


def test_first_transition_starts_the_case_records_the_start_node_and_opens_the_next(
    admission_template, street_org, street_caseworker
):
    node = record(street_org, street_caseworker, "submit", "draft", "submitted", "网上申请")
    case = ProcessInstance.objects.get()
    assert case.subject == street_org and case.region_code == street_org.region_code
    assert case.template == admission_template and case.state == ProcessState.RUNNING
    assert node.name == "申请提交" and node.state == NodeState.DONE
    assert (node.actor, node.from_state, node.to_state, node.opinion) == (
        street_caseworker,
        "draft",
        "submitted",
        "网上申请",
    )
    assert case.current_node.name == "受理" and case.current_node.state == NodeState.OPEN
    assert case.current_node.assigned_role_code == "street_caseworker"
    assert case.current_node.previous == node and case.current_node.due_date is not None


def test_each_transition_closes_the_current_node_writes_an_audit_event_and_follows_links(
    admission_template, street_org, street_caseworker
):
    record(street_org, street_caseworker, "submit", "draft", "submitted")
    accepted = record(street_org, street_caseworker, "accept", "submitted", "accepted", "材料齐全")
    assert accepted.name == "受理" and accepted.state == NodeState.DONE and accepted.finished_at
    case = ProcessInstance.objects.get()
    assert case.current_node.name == "街道审核"  # the highest-priority link, not the 退回 link
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION).latest("id")
    assert event.changes == {"from": "submitted", "to": "accepted"}
    assert event.description == "材料齐全" and event.object_id == str(street_org.pk)
    assert event.region_code == street_org.region_code

    returned = record(street_org, street_caseworker, "send_back", "accepted", "submitted", "补正", "accept")
    assert returned.name == "街道审核"
    case.refresh_from_db()
    assert case.current_node.name == "受理"
    assert NodeInstance.objects.filter(process=case).count() == 4


def test_an_unknown_next_node_is_refused_and_nothing_is_written(
    admission_template, street_org, street_caseworker
):
    record(street_org, street_caseworker, "submit", "draft", "submitted")
    with pytest.raises(ValidationError, match="没有编号为“nowhere”的节点"):
        record(street_org, street_caseworker, "x", "submitted", "x", next_node_code="nowhere")
    assert NodeInstance.objects.count() == 2
    assert ProcessInstance.objects.get().current_node.name == "受理"


def test_a_case_is_finished_after_the_last_node(make_case, city_admin):
    case = make_case("演示：完成", "440402001001", "register")
    node = process_instance_advance(
        instance=case,
        actor=city_admin,
        transition="register",
        from_state="city_publicity",
        to_state="registered",
    )
    case.refresh_from_db()
    assert node.name == "登记" and node.state == NodeState.DONE
    assert case.state == ProcessState.FINISHED and case.current_node is None and case.finished_at
    with pytest.raises(ValidationError):
        process_instance_advance(
            instance=case, actor=city_admin, transition="x", from_state="a", to_state="b"
        )


def test_a_running_case_stays_on_its_template_version(
    admission_template, street_org, street_caseworker, regions
):
    record(street_org, street_caseworker, "submit", "draft", "submitted")
    draft = process_template_new_version(template=admission_template)
    accept = draft.nodes.get(code="accept")
    accept.time_limit_days = 2
    accept.save()
    process_template_activate(template=draft)
    admission_template.refresh_from_db()
    assert not admission_template.is_active and draft.is_active and draft.version == 2
    assert draft.links.count() == admission_template.links.count()

    record(street_org, street_caseworker, "accept", "submitted", "accepted")
    old_case = ProcessInstance.objects.get(object_id=str(street_org.pk))
    assert (
        old_case.template == admission_template
        and old_case.current_node.node_template.process == admission_template
    )

    new_case = process_instance_start(
        process_code="admission_review", region_code="440402001002", title="新案件"
    )
    assert new_case.template == draft


def test_a_subject_without_region_code_is_refused(admission_template, street_caseworker):
    with pytest.raises(ValidationError, match="行政区划代码"):
        record(street_caseworker, street_caseworker, "submit", "a", "b")


def test_due_date_skips_the_holiday_and_counts_the_make_up_days(make_case, street_caseworker):
    # Received on Friday 26 Sept 2025, 5 working days: 28 Sep (Sun, make-up), 29, 30, 9 Oct, 10 Oct.
    case = make_case("国庆案件", "440402001001", "accept", received=at(D(2025, 9, 26)))
    node = case.current_node
    assert node.due_date == D(2025, 10, 10)
    assert not node.is_overdue(today=D(2025, 10, 10))  # the due date itself is on time
    assert node.is_overdue(today=D(2025, 10, 11))
    inbox = task_inbox(user=street_caseworker, today=D(2025, 10, 11))
    assert [t.overdue for t in inbox] == [True]
    assert [t.overdue for t in task_inbox(user=street_caseworker, today=D(2025, 10, 9))] == [False]

    # Finished on the make-up Saturday: 6 working days taken, one day late.
    done = process_instance_advance(
        instance=case,
        actor=street_caseworker,
        transition="accept",
        from_state="submitted",
        to_state="accepted",
        now=at(D(2025, 10, 11)),
    )
    assert done.working_days_taken == 6 and done.is_overdue()


def test_publicity_node_runs_for_its_publicity_days(make_case):
    # Seven working days after Fri 25 Sep 2026: 28, 29, 30 Sep, (1–7 Oct National Day) 8, 9 Oct,
    # the make-up Saturday 10 Oct, and Mon 12 Oct.
    case = make_case("公示案件", "440402001001", "street_publicity", received=at(D(2026, 9, 25)))
    assert case.current_node.due_date == D(2026, 10, 12)


def test_cancelling_a_case_closes_its_open_node(make_case, street_caseworker):
    case = make_case("撤回案件", "440402001001", "street_review")
    process_instance_cancel(instance=case, actor=street_caseworker, reason="申请人撤回")
    case.refresh_from_db()
    assert case.state == ProcessState.CANCELLED and case.current_node is None
    assert not NodeInstance.objects.filter(process=case, state=NodeState.OPEN).exists()
    assert not task_inbox(user=street_caseworker).exists()


def test_the_handlers_of_the_new_node_get_a_new_task_message(
    admission_template, street_org, street_caseworker, other_street_caseworker
):
    from housing.notify.models import Message
    from housing.notify.services import notify_templates_sync

    notify_templates_sync()
    record(street_org, street_caseworker, "submit", "draft", "submitted")
    messages = Message.objects.filter(template_code="workflow.node_opened")
    assert [m.recipient for m in messages] == [street_caseworker]  # not the other street's caseworker
    assert "受理" in messages.get().subject
