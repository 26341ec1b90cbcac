from conftest import PASSWORD, STREET_A1, STREET_A2
from housing.accounts.models import Organisation


def test_street_caseworker_cannot_open_another_streets_organisation(
    client, street_caseworker, other_street_caseworker
):
    other_org = Organisation.objects.get(region_code=STREET_A2)
    own_org = Organisation.objects.get(region_code=STREET_A1)
    client.force_login(street_caseworker)
    assert client.get(own_org.get_absolute_url()).status_code == 200
    assert client.get(other_org.get_absolute_url()).status_code == 404


def test_organisation_list_shows_only_scope(client, street_caseworker, other_street_caseworker):
    client.force_login(street_caseworker)
    page = client.get("/office/organisations/").content.decode()
    assert "翠香街道机构" in page
    assert "梅华街道机构" not in page


def test_admin_changelist_is_scoped_like_the_back_office(
    client, street_caseworker, other_street_caseworker, superuser
):
    street_caseworker.user_permissions.add(*_perms("view_organisation"))
    client.force_login(street_caseworker)
    page = client.get("/admin/accounts/organisation/").content.decode()
    assert "翠香街道机构" in page
    assert "梅华街道机构" not in page
    other_org = Organisation.objects.get(region_code=STREET_A2)
    response = client.get(f"/admin/accounts/organisation/{other_org.pk}/change/")
    assert response.status_code in (302, 404)  # admin answers "not found" for an object outside the queryset
    assert "梅华街道机构" not in response.content.decode()


def test_staff_login_page_is_chinese_and_logs_in(client, street_caseworker):
    page = client.get("/accounts/login/").content.decode()
    assert "工作人员登录" in page
    response = client.post("/accounts/login/", {"username": "street_caseworker", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/office/").content.decode()
    assert "我的待办" in home and "翠香街道" in home and "街道经办" in home


def _perms(codename):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename=codename)
