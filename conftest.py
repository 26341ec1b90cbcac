"""Personas and reference data shared by every test (CONVENTIONS: Healthchecks' alice/bob)."""

from __future__ import annotations

import pytest
from hypothesis import settings as hypothesis_settings

from housing.accounts.demo import demo_id_number
from housing.accounts.models import Organisation, OrganisationKind, User
from housing.accounts.services import applicant_register, role_assign
from housing.regions.models import Region
from housing.regions.services import regions_load_demo

PASSWORD = "Test@Pass1"

# Property tests check behaviour, not speed (speed is measured in bench/): no per-example time limit,
# which on a loaded two-core CI machine fails examples that are merely slow.
hypothesis_settings.register_profile("housing", deadline=None)
hypothesis_settings.load_profile("housing")

CITY = "440400000000"
DISTRICT_A = "440402000000"  # 香洲区
DISTRICT_B = "440403000000"  # 斗门区
STREET_A1 = "440402001000"  # 翠香街道
STREET_A2 = "440402002000"  # 梅华街道


@pytest.fixture(autouse=True)
def _portal_counters_of_this_test(settings):
    """The portal's SMS and login-failure counters live in Redis, which outlives a test run: each test
    counts in a namespace of its own, so an earlier run's sends never bring up the picture CAPTCHA."""
    import uuid

    settings.PORTAL_ACCOUNTS_CACHE_PREFIX = f"test-portal-accounts-{uuid.uuid4().hex}"


@pytest.fixture
def regions(db):
    """The demo region tree (珠海市, 3 districts × 3 streets × 3 communities)."""
    result = regions_load_demo()
    assert not result.errors
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def make_staff(regions):
    def make(username: str, roles: list[tuple[str, str]], *, org_region: str | None = None, **extra) -> User:
        region_code = org_region or (roles[0][1] if roles else CITY)
        organisation, _ = Organisation.objects.get_or_create(
            code=f"ORG-{region_code}",
            defaults={
                "name": f"{regions[region_code].name}机构",
                "kind": OrganisationKind.OTHER,
                "region": regions[region_code],
            },
        )
        user = User.objects.create_user(
            username=username, password=PASSWORD, real_name=username, organisation=organisation, **extra
        )
        for role_code, code in roles:
            role_assign(user=user, role_code=role_code, region_code=code)
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def city_admin(make_staff):
    return make_staff("city_admin", [("city_centre", CITY)], is_staff=True)


@pytest.fixture
def district_reviewer(make_staff):
    return make_staff("district_reviewer", [("district_reviewer", DISTRICT_A)], is_staff=True)


@pytest.fixture
def other_district_reviewer(make_staff):
    return make_staff("other_district_reviewer", [("district_reviewer", DISTRICT_B)], is_staff=True)


@pytest.fixture
def street_caseworker(make_staff):
    return make_staff("street_caseworker", [("street_caseworker", STREET_A1)], is_staff=True)


@pytest.fixture
def other_street_caseworker(make_staff):
    return make_staff("other_street_caseworker", [("street_caseworker", STREET_A2)], is_staff=True)


@pytest.fixture
def finance_officer(make_staff):
    return make_staff("finance_officer", [("finance_officer", CITY)], is_staff=True)


@pytest.fixture
def auditor(make_staff):
    return make_staff("auditor", [("auditor", CITY)], is_staff=True)


@pytest.fixture
def superuser(regions):
    return User.objects.create_superuser(username="root", password=PASSWORD)


@pytest.fixture
def citizen(db):
    return applicant_register(
        phone="13900000002",
        id_number=demo_id_number("44040219850505432"),
        real_name="李市民",
        password=PASSWORD,
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium (no browser download on these machines)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
