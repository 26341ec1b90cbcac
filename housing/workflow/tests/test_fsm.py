import pytest
from django.core.exceptions import ImproperlyConfigured
from django_fsm import FSMField, can_proceed, transition

from housing.workflow.fsm import records_workflow

STATE = FSMField(default="submitted")
STATE.set_attributes_from_name("state")


class Application:
    """A stand-in with django-fsm's state handling; a real business model declares the same."""

    def __init__(self):
        self.__dict__["state"] = "submitted"
        self.pk = 7
        self.region_code = "440402001001"

    @records_workflow("admission_review", next_node="district_review")
    @transition(field=STATE, source="submitted", target="street_approved")
    def street_approve(self, *, actor, opinion=""):
        self.checked_by = actor


def test_decorated_transition_changes_state_and_records_the_workflow(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "housing.workflow.services.workflow_record_transition", lambda **kwargs: calls.append(kwargs)
    )
    application = Application()
    assert can_proceed(application.street_approve)
    application.street_approve(actor="王街道", opinion="同意")
    assert application.state == "street_approved" and application.checked_by == "王街道"
    assert calls == [
        {
            "obj": application,
            "actor": "王街道",
            "transition": "street_approve",
            "from_state": "submitted",
            "to_state": "street_approved",
            "opinion": "同意",
            "process_code": "admission_review",
            "next_node_code": "district_review",
        }
    ]


def test_decorator_must_wrap_a_transition():
    with pytest.raises(ImproperlyConfigured):
        records_workflow("x")(lambda self, *, actor, opinion="": None)
