import datetime

from housing.notify.models import Message
from housing.notify.services import notify_templates_sync
from housing.workflow.models import NodeInstance
from housing.workflow.services import nodes_remind_due
from housing.workflow.tasks import remind_due_nodes

from .conftest import at

D = datetime.date


def test_reminders_go_once_per_node_and_kind(make_case, street_caseworker, other_street_caseworker):
    notify_templates_sync()
    # Received Fri 26 Sep 2025, 受理 due Fri 10 Oct 2025.
    due_soon = make_case("将到期案件", "440402001001", "accept", received=at(D(2025, 9, 26)))
    overdue = make_case("超期案件", "440402001002", "accept", received=at(D(2025, 9, 19)))
    make_case("不急案件", "440402001003", "accept", received=at(D(2025, 10, 9)))

    # On Thu 9 Oct: one node due by the next working day, one past its due date (29 Sep).
    first = nodes_remind_due(today=D(2025, 10, 9))
    assert (first.due_soon, first.overdue) == (1, 1)
    assert NodeInstance.objects.get(pk=due_soon.current_node_id).due_reminded_at is not None
    assert NodeInstance.objects.get(pk=overdue.current_node_id).overdue_reminded_at is not None
    messages = Message.objects.filter(recipient=street_caseworker)
    assert sorted(messages.values_list("template_code", flat=True)) == [
        "workflow.node_due",
        "workflow.node_overdue",
    ]
    assert any("超期案件" in m.body for m in messages)
    assert not Message.objects.filter(recipient=other_street_caseworker).exists()

    again = nodes_remind_due(today=D(2025, 10, 9))
    assert (again.due_soon, again.overdue) == (0, 0)
    assert Message.objects.filter(recipient=street_caseworker).count() == 2

    # Once the due-soon node passes its date it gets its one overdue reminder too.
    later = nodes_remind_due(today=D(2025, 10, 13))
    assert (later.due_soon, later.overdue) == (0, 1)


def test_the_celery_task_runs_the_reminders(make_case):
    make_case("案件", "440402001001", "accept", received=at(D(2025, 9, 19)))
    assert remind_due_nodes() == {"due_soon": 0, "overdue": 1}
    assert remind_due_nodes() == {"due_soon": 0, "overdue": 0}
