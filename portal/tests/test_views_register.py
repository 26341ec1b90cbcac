"""Applicant registration on the portal: errors beside their fields, values kept, success logs in.
The SMS code itself is tested in portal/accounts/tests/."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number
from housing.accounts.models import User, UserKind
from housing.notify.services import notify_templates_sync
from portal.accounts.tests.helpers import last_sms_code

URL = "/portal/register/"
GOOD_ID = demo_id_number("44040219920315123")


@pytest.fixture(autouse=True)
def own_cache_namespace(settings):
    """The SMS codes and their limits live in the shared cache: a namespace of this test's own."""
    settings.PORTAL_ACCOUNTS_CACHE_PREFIX = f"test-portal-register-{uuid.uuid4().hex}"


def _bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def _data(**overrides) -> dict:
    data = {
        "phone": "13712345678",
        "real_name": "王小红",
        "id_number": GOOD_ID,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "agree": "on",
    }
    data.update(overrides)
    return data


def _code_for(client, phone: str) -> str:
    """获取验证码 as the page does; the code as the SMS in the outbox carries it."""
    notify_templates_sync()
    client.post("/portal/sms-code/", {"phone": phone, "purpose": "register"})
    return last_sms_code(phone)


def _field_errors(response, name: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(name, [])]


def _error_beside(content: str, field_id: str, message: str) -> bool:
    """The message is rendered in the feedback element tied to that input (aria-describedby)."""
    return f'id="{field_id}-error">{message}</div>' in content


@pytest.mark.django_db
def test_registration_page_shows_every_field(client):
    response = client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    for label in (
        "手机号码",
        "短信验证码",
        "获取验证码",
        "姓名",
        "身份证号码",
        "密码",
        "确认密码",
        "同意住房保障部门",
    ):
        assert label in content
    assert 'for="id_agree"' in content


@pytest.mark.django_db
def test_bad_id_checksum_is_reported_beside_the_id_field_and_values_are_kept(client):
    bad = _bad_checksum(GOOD_ID)
    response = client.post(URL, _data(id_number=bad))
    content = response.content.decode()

    assert response.status_code == 200
    assert _field_errors(response, "id_number") == ["身份证号码校验位不正确，请核对。"]
    assert _error_beside(content, "id_id_number", "身份证号码校验位不正确，请核对。")
    assert 'aria-describedby="id_id_number-error"' in content
    assert f'value="{bad}"' in content
    assert 'value="13712345678"' in content
    assert 'value="王小红"' in content
    assert PASSWORD not in content  # passwords are never sent back
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()


@pytest.mark.django_db
def test_duplicate_phone_is_reported_beside_the_phone_field(client, citizen):
    code = _code_for(client, citizen.phone)
    response = client.post(URL, _data(phone=citizen.phone, sms_code=code))
    content = response.content.decode()

    assert _field_errors(response, "phone") == ["该手机号码已注册，请直接登录或找回密码。"]
    assert _error_beside(content, "id_phone", "该手机号码已注册，请直接登录或找回密码。")
    assert 'aria-invalid="true"' in content
    assert f'value="{GOOD_ID}"' in content
    assert 'value="王小红"' in content
    assert User.objects.filter(kind=UserKind.APPLICANT).count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_weak_password_is_reported_beside_the_password_field(client):
    code = _code_for(client, "13712345678")
    response = client.post(URL, _data(password1="abcdefgh1", password2="abcdefgh1", sms_code=code))
    content = response.content.decode()

    message = "密码须包含大写字母、小写字母、数字、符号中的至少3类。"
    assert message in _field_errors(response, "password1")
    assert _error_beside(content, "id_password1", message)
    assert "abcdefgh1" not in content
    assert 'value="13712345678"' in content
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()


@pytest.mark.django_db
def test_mismatched_passwords_and_bad_phone_and_missing_consent_each_get_a_message(client):
    response = client.post(URL, _data(phone="2371234567", password2="Other@Pass2", agree=""))

    assert _field_errors(response, "phone") == ["手机号码应为以1开头的11位数字。"]
    assert _field_errors(response, "password2") == ["两次输入的密码不一致。"]
    assert _field_errors(response, "agree") == ["请勾选同意后再注册。"]
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()


@pytest.mark.django_db
def test_successful_registration_logs_the_applicant_in_and_welcomes_them(client):
    code = _code_for(client, "13712345678")

    response = client.post(URL, _data(id_number=GOOD_ID.lower(), sms_code=code), follow=True)
    content = response.content.decode()

    user = User.objects.get(kind=UserKind.APPLICANT, phone="13712345678")
    assert response.redirect_chain == [(reverse("portal:me"), 302)]
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["_auth_user_backend"] == "housing.accounts.backends.ApplicantBackend"
    assert "注册成功，欢迎使用住房保障服务平台！" in content
    # "我的" shows the masks only: 王*红, 137****5678, 4404**********xxxx.
    assert "王*红" in content
    assert "137****5678" in content
    assert user.id_number_masked in content
    assert "王小红" not in content
    assert GOOD_ID not in content
    assert "暂无申请" in content
