"""The casework demo seeder works on the demo city's applications and adds nothing the second time."""

from __future__ import annotations

from admission.applications import application_create, application_transition
from admission.casework.demo import seed_demo_casework
from admission.casework.models import HomeInspection, InspectionState
from admission.demo import seed_demo_families
from admission.models import Application, ApplicationAsset, ApplicationHousing, Family
from housing.accounts.demo import seed_demo_accounts
from housing.accounts.models import User


def test_seed_demo_casework_adds_rows_and_visits_once(regions):
    seed_demo_accounts()
    seed_demo_families()
    admin = User.objects.get(username="admin")
    # 翠香 and 梅华 have a demo street caseworker to send someone; 前山 stays a draft.
    for street, steps in (
        ("440402001", ("submit", "accept")),
        ("440402002", ("submit", "accept")),
        ("440402003", ()),
    ):
        family = Family.objects.filter(region_code__startswith=street).order_by("pk").first()
        app = application_create(family=family, project_code="lianzu", mode_code="rent_subsidy", actor=admin)
        for name in steps:
            app = application_transition(application=app, actor=admin, name=name, opinion="演示。")

    seed_demo_casework()
    counts = (
        ApplicationHousing.objects.count(),
        ApplicationAsset.objects.count(),
        HomeInspection.objects.count(),
    )
    assert counts[0] == Application.objects.count() == 3 and counts[1] >= 1
    assert counts[2] == 2  # the two cases in 街道审核
    done = HomeInspection.objects.get(state=InspectionState.COMPLETED)
    assert done.photos.count() == 1 and done.findings
    assert HomeInspection.objects.filter(state=InspectionState.ASSIGNED).count() == 1
    # Sent from another street than the case's, so the grant is what lets the inspector in.
    assert not done.region_code.startswith(done.inspector.role_grants[0][2][:9])

    seed_demo_casework()
    again = (
        ApplicationHousing.objects.count(),
        ApplicationAsset.objects.count(),
        HomeInspection.objects.count(),
    )
    assert again == counts
