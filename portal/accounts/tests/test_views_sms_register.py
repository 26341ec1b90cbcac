"""Registration with an SMS code: 获取验证码 by htmx and without JavaScript, limits, the demo hint."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number
from housing.accounts.models import User, UserKind
from housing.notify.models import Message

from .helpers import last_sms_code, sms_count

REGISTER = "/portal/register/"
SEND = "/portal/sms-code/"
PHONE = "13712345678"
GOOD_ID = demo_id_number("44040219920315123")


def _data(**overrides) -> dict:
    data = {
        "phone": PHONE,
        "sms_code": "",
        "real_name": "王小红",
        "id_number": GOOD_ID,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "agree": "on",
    }
    data.update(overrides)
    return data


def _send(client, phone: str = PHONE, **extra):
    return client.post(SEND, {"phone": phone, "purpose": "register", **extra}, headers={"HX-Request": "true"})


@pytest.mark.django_db
def test_register_page_has_the_code_field_and_the_send_button(client):
    content = client.get(REGISTER).content.decode()

    assert 'for="id_sms_code"' in content
    assert "短信验证码" in content
    assert 'name="send_code"' in content and "获取验证码" in content
    assert 'hx-post="/portal/sms-code/"' in content


@pytest.mark.django_db
def test_send_code_by_htmx_answers_with_the_block_and_writes_the_outbox(client):
    response = _send(client)
    content = response.content.decode()

    assert response.status_code == 200
    assert "验证码已发送，请查收短信。" in content
    assert 'data-sms-wait="60"' in content
    assert "重新获取验证码" in content
    assert "<html" not in content  # a fragment, not a page
    assert sms_count(PHONE) == 1


@pytest.mark.django_db
def test_a_second_send_within_a_minute_is_refused_with_the_wait(client):
    _send(client)
    content = _send(client).content.decode()

    assert "秒后重试" in content
    assert sms_count(PHONE) == 1


@pytest.mark.django_db
def test_send_code_refuses_a_bad_phone(client):
    content = _send(client, phone="2371234567").content.decode()

    assert "手机号码应为以1开头的11位数字。" in content
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_send_code_without_javascript_keeps_every_typed_value_except_passwords(client):
    response = client.post(REGISTER, {**_data(), "send_code": "1"})
    content = response.content.decode()

    assert response.status_code == 200
    assert "验证码已发送，请查收短信。" in content
    assert f'value="{PHONE}"' in content
    assert 'value="王小红"' in content
    assert f'value="{GOOD_ID}"' in content
    assert re.search(r'<input[^>]*name="agree"[^>]*checked', content)
    assert PASSWORD not in content
    assert "请勾选同意后再注册。" not in content  # no error shown for the rest of the form yet
    assert sms_count(PHONE) == 1
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()

    again = client.post(REGISTER, {**_data(), "send_code": "1"}).content.decode()
    assert "秒后重试" in again
    assert 'value="王小红"' in again


@pytest.mark.django_db
def test_registration_needs_a_code(client):
    response = client.post(REGISTER, _data())

    assert [str(e) for e in response.context["form"].errors["sms_code"]] == ["请填写短信验证码。"]
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()


@pytest.mark.django_db
def test_a_wrong_code_is_refused_beside_the_field_and_nothing_is_created(client):
    _send(client)
    code = last_sms_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post(REGISTER, _data(sms_code=wrong))
    content = response.content.decode()

    assert 'id="id_sms_code-error">验证码不正确或已过期。</div>' in content
    assert 'value="王小红"' in content
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_code_never_sent_is_refused(client):
    response = client.post(REGISTER, _data(sms_code="123456"))

    assert "验证码不正确或已过期。" in response.content.decode()
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()


@pytest.mark.django_db
def test_the_right_code_registers_and_cannot_be_used_twice(client):
    _send(client)
    code = last_sms_code(PHONE)

    # A weak password is refused first; the code stays usable for the corrected form.
    weak = client.post(REGISTER, _data(sms_code=code, password1="abcdefgh1", password2="abcdefgh1"))
    assert "密码须包含大写字母、小写字母、数字、符号中的至少3类。" in weak.content.decode()
    assert not User.objects.filter(kind=UserKind.APPLICANT).exists()

    response = client.post(REGISTER, _data(sms_code=code))
    assert response.status_code == 302
    user = User.objects.get(kind=UserKind.APPLICANT, phone=PHONE)
    assert int(client.session["_auth_user_id"]) == user.pk

    client.post("/portal/logout/")
    reused = client.post(REGISTER, _data(phone="13712345679", sms_code=code))
    assert "验证码不正确或已过期。" in reused.content.decode()


@pytest.mark.django_db
def test_demo_shows_the_code_only_in_debug_with_the_logging_backend(client, settings):
    settings.DEBUG = True
    content = _send(client).content.decode()
    assert f"（演示环境）验证码：{last_sms_code(PHONE)}" in content

    settings.SMS_BACKEND = "housing.notify.backends.HttpGatewaySmsBackend"
    content = _send(client, phone="13712340000").content.decode()
    assert "演示环境" not in content

    settings.DEBUG = False
    settings.SMS_BACKEND = "housing.notify.backends.LoggingSmsBackend"
    content = _send(client, phone="13712340001").content.decode()
    assert "演示环境" not in content


@pytest.mark.django_db
def test_demo_hint_appears_on_the_page_when_sent_without_javascript(client, settings):
    settings.DEBUG = True
    content = client.post(REGISTER, {**_data(), "send_code": "1"}).content.decode()

    assert f"（演示环境）验证码：{last_sms_code(PHONE)}" in content


@pytest.mark.django_db
def test_repeated_sends_from_one_address_ask_for_the_captcha(client, settings):
    settings.PORTAL_SMS_CODE_CAPTCHA_AFTER = 1
    first = _send(client).content.decode()
    assert "图形验证码" in first  # the next send will need it

    refused = _send(client, phone="13712340002").content.decode()
    assert "请输入图形验证码。" in refused
    assert sms_count("13712340002") == 0
    assert "换一张" in refused
    assert 'for="id_sms_captcha_1"' in refused


@pytest.mark.django_db
def test_the_send_captcha_accepts_the_right_answer(client, settings, captcha_test_mode):
    settings.PORTAL_SMS_CODE_CAPTCHA_AFTER = 1
    _send(client)
    page = client.get(REGISTER).content.decode()
    assert 'name="sms_captcha_1"' in page

    content = _send(client, phone="13712340003", sms_captcha_0="x", sms_captcha_1="passed").content.decode()

    assert "验证码已发送，请查收短信。" in content
    assert sms_count("13712340003") == 1
