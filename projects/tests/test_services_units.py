from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import DISTRICT_B
from housing.workflow.models import NodeInstance, ProcessInstance
from projects.models import Unit, UnitState, UnitTransfer
from projects.services import handover_batch_create, unit_change, unit_transfer, unit_transition

pytestmark = pytest.mark.django_db


def _handover(project, buildings, actor, number="YJ-2026-001"):
    return handover_batch_create(
        project=project,
        buildings=buildings,
        number=number,
        handed_over_by="王移交",
        handed_over_on=datetime.date(2026, 5, 1),
        actor=actor,
    )


def test_unit_cannot_be_allocated_before_handover(building, project_officer):
    unit = building.units.first()
    with pytest.raises(ValidationError, match="尚未竣工移交"):
        unit_transition(unit=unit, transition="allocate", actor=project_officer)
    unit.refresh_from_db()
    assert unit.state == UnitState.UNDELIVERED


def test_handover_batch_delivers_every_unit_in_one_go(project, building, project_officer):
    batch = _handover(project, [building], project_officer)

    assert batch.unit_count == 12
    assert set(building.units.values_list("state", flat=True)) == {UnitState.DELIVERED}
    assert set(building.units.values_list("handover_batch_number", flat=True)) == {"YJ-2026-001"}
    building.refresh_from_db()
    project.refresh_from_db()
    assert building.is_handed_over and project.is_handed_over
    # Per-unit history rows were written set-based; one workflow record on the batch, none per unit.
    unit = building.units.first()
    assert unit.history.filter(state=UnitState.DELIVERED, history_change_reason__contains="竣工移交").exists()
    assert ProcessInstance.objects.filter(process_code="housing_unit").count() == 1
    node = NodeInstance.objects.get(process__process_code="housing_unit", transition="handover")
    assert node.actor == project_officer


def test_handover_twice_is_refused(project, building, project_officer):
    _handover(project, [building], project_officer)
    with pytest.raises(ValidationError):
        _handover(project, [building], project_officer, number="YJ-2026-002")


def test_unit_lifecycle_follows_only_allowed_transitions(project, building, project_officer):
    _handover(project, [building], project_officer)
    unit = building.units.first()

    with pytest.raises(ValidationError, match="不能执行"):
        unit_transition(unit=unit, transition="move_in", actor=project_officer)  # not allocated yet
    for step, expected in (
        ("allocate", UnitState.ALLOCATED),
        ("move_in", UnitState.OCCUPIED),
        ("vacate", UnitState.DELIVERED),
        ("start_repair", UnitState.REPAIRING),
        ("finish_repair", UnitState.DELIVERED),
        ("cancel", UnitState.CANCELLED),
    ):
        unit = unit_transition(unit=unit, transition=step, actor=project_officer, opinion=step)
        assert unit.state == expected
    for step in ("allocate", "finish_repair", "vacate"):
        with pytest.raises(ValidationError):
            unit_transition(unit=unit, transition=step, actor=project_officer)
    with pytest.raises(ValidationError):
        unit_transition(unit=unit, transition="delete", actor=project_officer)

    # Every transition is a workflow node (who, from, to, opinion); 注销 ends the case.
    nodes = NodeInstance.objects.filter(process__object_id=str(unit.pk), transition__gt="").order_by("pk")
    assert [(n.from_state, n.to_state) for n in nodes][:2] == [
        (UnitState.DELIVERED, UnitState.ALLOCATED),
        (UnitState.ALLOCATED, UnitState.OCCUPIED),
    ]
    assert ProcessInstance.objects.get(object_id=str(unit.pk)).state == "finished"


def test_state_cannot_be_assigned_directly(building):
    unit = building.units.first()
    with pytest.raises(AttributeError):
        unit.state = UnitState.OCCUPIED


def test_reviewer_without_permission_cannot_allocate(project, building, project_officer, district_reviewer):
    _handover(project, [building], project_officer)
    with pytest.raises(PermissionDenied):
        unit_transition(unit=building.units.first(), transition="allocate", actor=district_reviewer)


def test_transfer_and_change_keep_history(project, building, project_officer, city_admin, make_staff):
    _handover(project, [building], project_officer)
    unit = building.units.first()
    city_officer = make_staff("city_project", [("project_officer", "440400000000")], is_staff=True)

    unit_change(unit=unit, changes={"layout": "三室一厅"}, reason="改造后户型变化", actor=project_officer)
    transfer = unit_transfer(
        unit=unit, to_region_code=DISTRICT_B, reason="斗门区房源不足，调剂", actor=city_officer
    )

    unit.refresh_from_db()
    assert unit.region_code == DISTRICT_B and unit.layout == "三室一厅"
    assert UnitTransfer.objects.get() == transfer and transfer.from_region_code == project.region_code
    reasons = list(unit.history.values_list("history_change_reason", flat=True))
    assert any("调剂" in (r or "") for r in reasons) and any("变更" in (r or "") for r in reasons)
    assert unit.changes.get().changes == {"layout": ["两室一厅", "三室一厅"]}
    # The district that gave the unit away can no longer touch it.
    with pytest.raises(PermissionDenied):
        unit_transfer(unit=unit, to_region_code=project.region_code, reason="调回", actor=project_officer)


def test_occupied_unit_cannot_be_transferred(project, building, project_officer):
    _handover(project, [building], project_officer)
    unit = unit_transition(unit=building.units.first(), transition="allocate", actor=project_officer)
    with pytest.raises(ValidationError, match="不能调剂"):
        unit_transfer(unit=unit, to_region_code=DISTRICT_B, reason="x", actor=project_officer)
    assert Unit.objects.get(pk=unit.pk).region_code == project.region_code
