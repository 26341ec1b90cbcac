from housing.accounts.demo import seed_demo_accounts
from housing.accounts.models import User
from housing.workflow.demo import seed_demo_workflow
from housing.workflow.models import NodeInstance, ProcessInstance, ProcessState
from housing.workflow.selectors import task_inbox


def test_demo_gives_the_street_caseworker_tasks_with_one_overdue_and_runs_twice(regions):
    seed_demo_accounts()
    assert seed_demo_workflow() == []
    counts = (ProcessInstance.objects.count(), NodeInstance.objects.count())
    cuixiang = User.objects.get(username="cuixiang")
    tasks = list(task_inbox(user=cuixiang))
    assert len(tasks) == 3
    assert [t.process.title for t in tasks if t.overdue] == ["演示：李*华家庭申请"]
    assert all(t.process.region_code.startswith("440402001") for t in tasks)
    assert task_inbox(user=User.objects.get(username="xiangzhou")).count() == 1
    assert ProcessInstance.objects.filter(state=ProcessState.FINISHED, is_demo=True).count() == 1

    seed_demo_workflow()
    assert (ProcessInstance.objects.count(), NodeInstance.objects.count()) == counts
