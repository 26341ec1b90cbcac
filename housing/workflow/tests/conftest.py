"""Workflow fixtures: the demo 「保障资格申请审核」 template and cases on real organisations."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from housing.accounts.models import Organisation, OrganisationKind
from housing.workflow.demo import ensure_admission_review_template
from housing.workflow.services import process_instance_advance, process_instance_start


@pytest.fixture
def admission_template(db):
    return ensure_admission_review_template()


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def make_case(admission_template):
    """A case at ``node`` (a node template code), its current node received at ``received``."""
    codes = list(admission_template.nodes.order_by("order").values_list("code", flat=True))

    def make(title: str, region_code: str, node: str = "accept", *, received=None, actor=None):
        received = received or timezone.now()
        instance = process_instance_start(
            process_code=admission_template.code, region_code=region_code, title=title, now=received
        )
        for index in range(codes.index(node)):
            process_instance_advance(
                instance=instance,
                actor=actor,
                transition=f"to_{codes[index + 1]}",
                from_state=codes[index],
                to_state=codes[index + 1],
                opinion="同意",
                next_node_code=codes[index + 1],
                now=received,
            )
        instance.refresh_from_db()
        return instance

    return make


@pytest.fixture
def street_org(regions):
    """A street office used as the subject of transitions (any model with pk and region_code works)."""
    organisation, _ = Organisation.objects.get_or_create(
        code="TEST-CX",
        defaults={
            "name": "翠香街道住房保障工作站",
            "kind": OrganisationKind.STREET_OFFICE,
            "region": regions["440402001001"],
        },
    )
    return organisation
