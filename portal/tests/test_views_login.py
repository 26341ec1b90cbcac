"""Applicant login, logout, "我的", and the wall between the portal and the back office."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number

LOGIN = "/portal/login/"


@pytest.fixture(autouse=True)
def own_cache_namespace(settings):
    """Failed logins are counted in the shared cache (the CAPTCHA after 3): a namespace of this test's own."""
    settings.PORTAL_ACCOUNTS_CACHE_PREFIX = f"test-portal-login-{uuid.uuid4().hex}"


def _logged_in_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


@pytest.mark.django_db
def test_applicant_logs_in_by_phone_and_lands_on_me(client, citizen):
    response = client.post(LOGIN, {"username": citizen.phone, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("portal:me")
    assert _logged_in_id(client) == citizen.pk


@pytest.mark.django_db
def test_applicant_logs_in_by_id_number_with_a_lower_case_x(client):
    from housing.accounts.services import applicant_register

    body = next(b for b in (f"44040219880115{n:03d}" for n in range(1000)) if demo_id_number(b).endswith("X"))
    user = applicant_register(
        phone="13600000009", id_number=demo_id_number(body), real_name="赵六", password=PASSWORD
    )
    response = client.post(LOGIN, {"username": demo_id_number(body).lower(), "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_id(client) == user.pk


@pytest.mark.django_db
def test_applicant_logs_in_by_id_number(client, citizen):
    response = client.post(LOGIN, {"username": demo_id_number("44040219850505432"), "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_id(client) == citizen.pk


@pytest.mark.django_db
def test_wrong_password_shows_a_message_and_keeps_the_identifier(client, citizen):
    response = client.post(LOGIN, {"username": citizen.phone, "password": "Wrong@Pass9"})
    content = response.content.decode()

    assert response.status_code == 200
    assert "手机号码/身份证号码或密码不正确。连续失败5次将锁定30分钟。" in content
    assert f'value="{citizen.phone}"' in content
    assert _logged_in_id(client) is None


@pytest.mark.django_db
def test_staff_account_cannot_log_in_on_the_portal(client, street_caseworker):
    response = client.post(LOGIN, {"username": street_caseworker.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "手机号码/身份证号码或密码不正确" in response.content.decode()
    assert _logged_in_id(client) is None


@pytest.mark.django_db
def test_applicant_cannot_log_in_on_the_staff_login(client, citizen):
    client.post(reverse("accounts:login"), {"username": citizen.phone, "password": PASSWORD})

    assert _logged_in_id(client) is None


@pytest.mark.django_db
def test_applicant_cannot_open_the_back_office(client, citizen):
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")

    response = client.get("/office/")

    assert response.status_code == 302
    assert not response.url.startswith("/office/")
    assert "我的待办" not in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_lockout_message_on_the_portal_login_after_five_failures(client, citizen, settings, monkeypatch):
    # From the 4th try the image CAPTCHA is asked for (portal/accounts/tests); answered here in its test mode.
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    captcha = {"captcha_0": "x", "captcha_1": "passed"}
    for _attempt in range(5):
        client.post(LOGIN, {"username": citizen.phone, "password": "Wrong@Pass9", **captcha})

    # Even the right password is refused while the account is locked.
    response = client.post(LOGIN, {"username": citizen.phone, "password": PASSWORD, **captcha})
    content = response.content.decode()

    assert response.status_code == 403
    assert response.context["locked_out"] is True
    assert 'id="lockout-message"' in content
    assert "连续登录失败次数过多，账号已锁定30分钟" in content
    assert "住房保障服务平台" in content  # the portal's page, not the staff login
    assert _logged_in_id(client) is None


@pytest.mark.django_db
def test_me_requires_login_and_sends_staff_to_the_back_office(client, street_caseworker):
    anonymous = client.get("/portal/me/")
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("portal:login"))

    client.force_login(street_caseworker, backend="housing.accounts.backends.StaffBackend")
    staff = client.get("/portal/me/")
    assert staff.status_code == 302
    assert staff.url == reverse("backoffice:home")


@pytest.mark.django_db
def test_me_shows_masked_details_and_no_applications(client, citizen):
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")

    content = client.get("/portal/me/").content.decode()

    assert "李*民" in content
    assert "139****0002" in content
    assert citizen.id_number_masked in content
    assert "李市民" not in content
    assert "暂无申请" in content
    assert 'href="/portal/messages/"' in content


@pytest.mark.django_db
def test_logout_is_a_post_and_returns_home(client, citizen):
    client.force_login(citizen, backend="housing.accounts.backends.ApplicantBackend")

    response = client.post("/portal/logout/")

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert _logged_in_id(client) is None


@pytest.mark.django_db
def test_home_welcomes_visitors_and_links_staff_login(client):
    content = client.get("/").content.decode()

    for text in ("住房保障服务平台", "申请保障性住房", "查询办理进度", "查看公示公告"):
        assert text in content
    assert f'href="{reverse("portal:register")}"' in content
    assert f'href="{reverse("portal:login")}"' in content
    assert 'href="/accounts/login/"' in content
    assert "/portal/messages/" not in content  # only applicants get the messages link
