"""Glue between django-fsm-2 transitions and the workflow record (DESIGN §4 rule 3).

A business model marks each transition method with ``@records_workflow`` *above*
``@transition``; after the transition has changed the state, the decorator calls
``workflow_record_transition`` with who, from, to and the opinion. Example::

    from django_fsm import FSMField, transition

    from housing.regions.models import RegionScoped
    from housing.workflow.fsm import records_workflow


    class Application(RegionScoped):
        state = FSMField(default="submitted", protected=True)

        @records_workflow("admission_review", next_node="district_review")
        @transition(field=state, source="street_review", target="district_review",
                    permission="admission.review_street")
        def street_approve(self, *, actor, opinion=""):
            ...  # the transition's own checks; no state assignment, no workflow code


    # in admission/services.py — the service saves; the record joins the same transaction
    @transaction.atomic
    def application_review(*, application, actor, opinion):
        application.street_approve(actor=actor, opinion=opinion)
        application.save()

Transition methods take keyword arguments ``actor`` (the user) and ``opinion`` (办理意见, may be
empty). ``next_node`` names the node template code to open next; leave it out to follow the
template's highest-priority link. A transition that ends in an error state records nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def records_workflow(process_code: str, *, next_node: str | None = None) -> Callable:
    """Decorate a django-fsm ``@transition`` method so every call writes its workflow node record."""

    def decorate(method: Callable) -> Callable:
        meta = getattr(method, "_django_fsm", None)
        if meta is None:
            raise ImproperlyConfigured("@records_workflow 必须写在 @transition 之上（外层）。")

        @functools.wraps(method)  # keeps ``_django_fsm`` so can_proceed() and the FSM admin still work
        def wrapper(self, *args: Any, actor, opinion: str = "", **kwargs: Any) -> Any:
            from .services import workflow_record_transition

            field_name = meta.field if isinstance(meta.field, str) else meta.field.name
            before = getattr(self, field_name)
            result = method(self, *args, actor=actor, opinion=opinion, **kwargs)
            workflow_record_transition(
                obj=self,
                actor=actor,
                transition=method.__name__,
                from_state=str(before),
                to_state=str(getattr(self, field_name)),
                opinion=opinion,
                process_code=process_code,
                next_node_code=next_node,
            )
            return result

        return wrapper

    return decorate
