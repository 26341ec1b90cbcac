"""The demo seeder: batches for the cases in publicity, some closed and some running, three objections."""

from __future__ import annotations

from admission.models import Application, ApplicationState, RefusalReason
from admission.publicity.demo import seed_demo_publicity
from admission.publicity.models import BatchState, Objection, ObjectionState, PublicityBatch, PublicityEntry

S = ApplicationState


def test_seed_demo_publicity_makes_closed_and_running_batches_and_three_objections_once(
    in_street_publicity, street_caseworker
):
    apps = [in_street_publicity(f"演示{i}") for i in range(6)]
    seed_demo_publicity()
    counts = (PublicityBatch.objects.count(), PublicityEntry.objects.count(), Objection.objects.count())
    seed_demo_publicity()
    assert (
        PublicityBatch.objects.count(),
        PublicityEntry.objects.count(),
        Objection.objects.count(),
    ) == counts
    assert set(PublicityBatch.objects.values_list("state", flat=True)) == {
        BatchState.CLOSED,
        BatchState.PUBLISHED,
    }
    assert sorted(Objection.objects.values_list("state", flat=True)) == sorted(
        [ObjectionState.PENDING, ObjectionState.UPHELD, ObjectionState.NOT_UPHELD]
    )
    states = [Application.objects.get(pk=a.pk).state for a in apps]
    assert states.count(S.DISTRICT_REVIEW) == 3  # the closed batch's cases moved on
    assert {S.FROZEN, S.REFUSED, S.STREET_PUBLICITY} <= set(states)
    refused = Application.objects.get(state=S.REFUSED)
    assert refused.refusal_reason == RefusalReason.OBJECTION_UPHELD
