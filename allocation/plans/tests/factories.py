"""Waiting families and allocatable units for the plan tests: rows only, in bulk (the pages and services
must not care how many there are)."""

from __future__ import annotations

from itertools import count

from django.utils import timezone

from admission.models import Application, ApplicationState
from admission.registry.models import RegistryEntry, WaitlistEntry
from admission.tests.factories import make_family
from projects.models import UnitState
from projects.tests.factories import make_building, make_project

_batch = count(1)
COMMUNITY_A = "440402001001"  # 香洲区翠香第一社区
COMMUNITY_B = "440403001001"  # 斗门区


def waiting_families(
    actor,
    n: int,
    *,
    region_code: str = COMMUNITY_A,
    project: str = "gongzu",
    mode: str = "rental_in_kind",
    sort_keys: list[str] | None = None,
    dibao: tuple[int, ...] = (),
) -> list[RegistryEntry]:
    """``n`` registered families waiting (轮候中); ``sort_keys`` gives each one's waitlist key."""
    batch = next(_batch)
    family = make_family(actor=actor, region_code=region_code, name=f"模板{batch}")
    now = timezone.now()
    apps = Application.objects.bulk_create(
        Application(
            family=family,
            region_code=region_code,
            receipt_number=f"SQ-T{batch:03d}-{i:05d}",
            project_code=project,
            mode_code=mode,
            state=ApplicationState.REGISTERED,
            decided_at=now,
        )
        for i in range(n)
    )
    entries = RegistryEntry.objects.bulk_create(
        RegistryEntry(
            application=app,
            family=family,
            region_code=region_code,
            application_number=app.receipt_number,
            applicant_name=f"轮候{batch}户{i}",
            id_type=family.id_type,
            id_number=family.id_number,
            id_number_digest=f"d{batch}-{i}",
            id_number_masked="4404**********0000",
            household_size=2,
            project_code=project,
            mode_code=mode,
            registered_at=now,
            is_subsistence_allowance_family=i in dibao,
        )
        for i, app in enumerate(apps)
    )
    WaitlistEntry.objects.bulk_create(
        WaitlistEntry(
            registry_entry=e,
            region_code=region_code,
            waitlist_number=f"LH-T{batch:03d}-{i:05d}",
            project_code=project,
            mode_code=mode,
            waitlist_region_code="440400000000",
            sort_key=sort_keys[i] if sort_keys else f"{batch:03d}{i:08d}",
            registered_at=now,
        )
        for i, e in enumerate(entries)
    )
    return entries


def allocatable_building(*, region_code: str = "440402000000", floors: int = 2, per_floor: int = 5):
    project = make_project(region_code=region_code)
    return make_building(project=project, floors=floors, per_floor=per_floor, state=UnitState.DELIVERED)
