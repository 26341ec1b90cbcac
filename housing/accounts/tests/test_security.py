"""Account security as a user meets it: lockout, password policy, idle logout, second factor."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from housing.accounts.middleware import SESSION_KEY as LAST_ACTIVITY

LOCKOUT = "连续登录失败次数过多，账号已锁定30分钟"
LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


# --- lockout (django-axes) -----------------------------------------------------------------


def test_five_failures_lock_the_account_and_the_login_page_says_so(client, street_caseworker):
    for _attempt in range(4):
        response = _login(client, "street_caseworker", "Wrong@Pass1")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = _login(client, "street_caseworker", "Wrong@Pass1")
    assert response.status_code == 403
    page = response.content.decode()
    assert LOCKOUT in page and "工作人员登录" in page


def test_the_right_password_is_refused_while_locked(client, street_caseworker):
    for _attempt in range(5):
        _login(client, "street_caseworker", "Wrong@Pass1")
    response = _login(client, "street_caseworker", PASSWORD)
    assert response.status_code == 403
    assert LOCKOUT in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lockout_is_per_account_not_per_office_address(client, street_caseworker, other_street_caseworker):
    for _attempt in range(5):
        _login(client, "street_caseworker", "Wrong@Pass1")
    assert _login(client, "other_street_caseworker", PASSWORD).status_code == 302


def test_the_lock_lifts_after_30_minutes(client, street_caseworker):
    for _attempt in range(5):
        _login(client, "street_caseworker", "Wrong@Pass1")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=31))
    assert _login(client, "street_caseworker", PASSWORD).status_code == 302


def test_applicant_credentials_fail_on_the_staff_login_page(client, citizen):
    for identifier in (citizen.phone, citizen.username):
        response = _login(client, identifier, PASSWORD)
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_logged_in_applicant_is_sent_away_from_the_back_office(client, citizen):
    client.force_login(citizen)
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(LOGIN).status_code == 302


# --- password policy (the 修改密码 page) ----------------------------------------------------

PASSWORD_PAGE = "/accounts/password/"


def _change(client, new, old=PASSWORD):
    return client.post(PASSWORD_PAGE, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.fixture
def logged_in(client, street_caseworker):
    client.force_login(street_caseworker)
    return street_caseworker


def test_password_page_is_chinese(client, logged_in):
    page = client.get(PASSWORD_PAGE).content.decode()
    assert "修改密码" in page and "原密码" in page and "确认新密码" in page


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ab1@xyz", "密码长度太短，至少需要8个字符"),
        ("abcdefgh12", "至少3类"),
        ("ABCDEFGHIJ", "至少3类"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason_beside_the_field(client, logged_in, new, message):
    response = _change(client, new)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="id_new_password2-error"' in page and "is-invalid" in page
    logged_in.refresh_from_db()
    assert logged_in.check_password(PASSWORD)


def test_wrong_old_password_is_refused(client, logged_in):
    page = _change(client, "Fresh@Pass77", old="Wrong@Pass1").content.decode()
    assert "原密码不正确" in page


def test_none_of_the_last_five_passwords_may_be_reused(client, logged_in):
    history = ["First@Pass11", "Second@Pass22", "Third@Pass33", "Fourth@Pass44", "Fifth@Pass55"]
    old = PASSWORD
    for new in history:
        assert _change(client, new, old=old).status_code == 302
        old = new
    for reused in [PASSWORD, *history]:
        if reused == PASSWORD:
            continue  # the initial one has rolled out of the last five
        page = _change(client, reused, old=old).content.decode()
        assert "新密码不能与最近5次使用过的密码相同" in page
    assert _change(client, PASSWORD, old=old).status_code == 302


def test_the_current_password_cannot_be_set_again(client, logged_in):
    page = _change(client, PASSWORD).content.decode()
    assert "新密码不能与最近5次使用过的密码相同" in page


def test_a_good_password_is_saved_and_the_session_survives(client, logged_in):
    response = _change(client, "Fresh@Pass77")
    assert response.status_code == 302
    logged_in.refresh_from_db()
    assert logged_in.check_password("Fresh@Pass77")
    assert "密码已修改" in client.get(response["Location"]).content.decode()


def test_password_page_needs_a_login(client):
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- idle timeout -------------------------------------------------------------------------


def _set_last_activity(client, seconds_ago):
    session = client.session
    session[LAST_ACTIVITY] = time.time() - seconds_ago
    session.save()


def test_staff_is_logged_out_after_30_idle_minutes(client, logged_in):
    assert client.get("/office/").status_code == 200
    _set_last_activity(client, 31 * 60)
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "您已超过30分钟未操作" in page and "工作人员登录" in page


def test_activity_within_30_minutes_keeps_the_session(client, logged_in):
    client.get("/office/")
    _set_last_activity(client, 29 * 60)
    assert client.get("/office/").status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY] < 60


# --- second factor ------------------------------------------------------------------------


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@override_settings(OTP_REQUIRED_ROLES=["city_centre"])
def test_role_listed_in_settings_must_pass_totp(client, city_admin):
    device = TOTPDevice.objects.create(user=city_admin, name="手机", confirmed=True)
    assert _login(client, "city_admin", PASSWORD).status_code == 302
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    response = client.post("/accounts/otp/?next=/office/", {"token": _token(device)})
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert client.get("/office/").status_code == 200


@override_settings(OTP_REQUIRED_ROLES=["city_centre"])
def test_a_wrong_code_is_refused_with_a_message(client, city_admin):
    device = TOTPDevice.objects.create(user=city_admin, name="手机", confirmed=True)
    client.force_login(city_admin)
    wrong = "000000" if _token(device) != "000000" else "111111"
    page = client.post("/accounts/otp/?next=/office/", {"token": wrong}).content.decode()
    assert "动态验证码不正确" in page
    assert client.get("/office/").status_code == 302


@override_settings(OTP_REQUIRED_ROLES=["city_centre"])
def test_first_use_shows_the_setup_qr_code(client, city_admin):
    client.force_login(city_admin)
    page = client.get("/accounts/otp/").content.decode()
    assert "扫描下方二维码" in page and "data:image/png;base64," in page


@override_settings(OTP_REQUIRED_ROLES=["city_centre"])
def test_roles_not_listed_need_no_second_factor(client, street_caseworker):
    assert _login(client, "street_caseworker", PASSWORD).status_code == 302
    assert client.get("/office/").status_code == 200
