from conftest import CITY, DISTRICT_A, STREET_A1, STREET_A2
from housing.accounts.models import Organisation, OrganisationKind
from housing.accounts.scope import scope_queryset
from housing.regions.models import Region


def _orgs_for(user):
    return set(scope_queryset(Organisation.objects.all(), user).values_list("region_code", flat=True))


def _make_orgs(codes):
    for code in codes:
        Organisation.objects.get_or_create(
            code=f"T-{code}",
            defaults={"name": code, "kind": OrganisationKind.OTHER, "region": Region.objects.get(code=code)},
        )


def test_street_caseworker_sees_only_own_street(street_caseworker):
    _make_orgs([STREET_A1, STREET_A2, DISTRICT_A, CITY])
    assert _orgs_for(street_caseworker) == {STREET_A1}


def test_district_reviewer_sees_every_street_of_the_district(district_reviewer):
    _make_orgs([STREET_A1, STREET_A2, "440403001000", CITY])
    assert _orgs_for(district_reviewer) == {STREET_A1, STREET_A2, DISTRICT_A}


def test_city_centre_sees_the_whole_city(city_admin):
    _make_orgs([STREET_A1, "440403001000"])
    assert {STREET_A1, "440403001000", CITY} <= _orgs_for(city_admin)


def test_scopes_of_several_roles_unite(make_staff):
    user = make_staff(
        "two_streets", [("street_caseworker", STREET_A1), ("street_caseworker", "440403001000")]
    )
    assert user.scope_prefixes == ["440402001", "440403001"]


def test_user_without_role_sees_nothing(make_staff):
    _make_orgs([STREET_A1, CITY])
    user = make_staff("nobody", [], org_region=CITY)
    assert _orgs_for(user) == set()


def test_applicant_has_no_back_office_scope(citizen):
    assert citizen.scope_prefixes == []
