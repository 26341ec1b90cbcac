"""找回密码 by SMS: a neutral answer, the code and the matching ID number, the lock lifted."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number
from housing.notify.models import Message

from .helpers import last_sms_code, sms_count

RESET = "/portal/password-reset/"
SEND = "/portal/sms-code/"
LOGIN = "/portal/login/"
CITIZEN_ID = demo_id_number("44040219850505432")
NEW_PASSWORD = "Fresh@Pass7"
NEUTRAL = "如该手机号码与身份证号码属于已注册的账号，验证码已发送，请查收短信。"


def _send(client, phone: str, id_number: str = CITIZEN_ID, ip: str = "127.0.0.1"):
    return client.post(
        SEND,
        {"phone": phone, "id_number": id_number, "purpose": "reset"},
        headers={"HX-Request": "true"},
        REMOTE_ADDR=ip,
    )


def _reset(client, phone: str, code: str, id_number: str = CITIZEN_ID, **overrides):
    data = {
        "phone": phone,
        "id_number": id_number,
        "sms_code": code,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post(RESET, data)


@pytest.mark.django_db
def test_login_page_links_to_password_reset(client):
    content = client.get(LOGIN).content.decode()

    assert f'href="{RESET}"' in content
    assert "忘记密码" in content


@pytest.mark.django_db
def test_reset_page_has_every_field(client):
    content = client.get(RESET).content.decode()

    for label in ("手机号码", "身份证号码", "短信验证码", "新密码", "确认新密码", "获取验证码"):
        assert label in content


@pytest.mark.django_db
def test_unknown_phone_gets_the_same_neutral_answer_and_no_sms(client, citizen):
    # From two addresses, so that neither answer asks for the image CAPTCHA (sent from one address later).
    known = _send(client, citizen.phone, ip="10.3.3.1").content.decode()
    unknown = _send(client, "13600000000", ip="10.3.3.2").content.decode()

    assert NEUTRAL in known
    assert NEUTRAL in unknown
    assert known.replace(citizen.phone, "") == unknown.replace("13600000000", "")
    assert sms_count(citizen.phone) == 1
    assert not Message.objects.filter(address="13600000000").exists()


@pytest.mark.django_db
def test_unknown_phone_without_javascript_gets_the_neutral_answer_too(client, citizen):
    response = client.post(RESET, {"phone": "13600000000", "id_number": CITIZEN_ID, "send_code": "1"})
    content = response.content.decode()

    assert NEUTRAL in content
    assert 'value="13600000000"' in content
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_the_right_code_and_matching_id_number_set_the_new_password(client, citizen):
    _send(client, citizen.phone)

    response = _reset(client, citizen.phone, last_sms_code(citizen.phone))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert "密码已重置，请使用新密码登录。" in client.get(LOGIN).content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    old = client.post(LOGIN, {"username": citizen.phone, "password": PASSWORD})
    assert old.status_code == 200
    new = client.post(LOGIN, {"username": citizen.phone, "password": NEW_PASSWORD})
    assert new.status_code == 302


@pytest.mark.django_db
def test_a_wrong_code_changes_nothing(client, citizen):
    _send(client, citizen.phone)
    code = last_sms_code(citizen.phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = _reset(client, citizen.phone, wrong)
    content = response.content.decode()

    assert 'id="id_sms_code-error">验证码不正确或已过期。</div>' in content
    assert f'value="{citizen.phone}"' in content
    assert NEW_PASSWORD not in content
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


@pytest.mark.django_db
def test_another_id_number_with_the_code_changes_nothing(client, citizen):
    _send(client, citizen.phone)

    other_id = demo_id_number("44040219900101001")
    response = _reset(client, citizen.phone, last_sms_code(citizen.phone), id_number=other_id)

    assert "验证码不正确或已过期。" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_new_password_follows_the_platform_rules(client, citizen):
    _send(client, citizen.phone)
    code = last_sms_code(citizen.phone)

    weak = _reset(client, citizen.phone, code, new_password1="abcdefgh1", new_password2="abcdefgh1")
    assert 'id="id_new_password1-error">密码须包含大写字母、小写字母、数字、符号中的至少3类。</div>' in (
        weak.content.decode()
    )
    reused = _reset(client, citizen.phone, code, new_password1=PASSWORD, new_password2=PASSWORD)
    assert "新密码不能与最近5次使用过的密码相同。" in reused.content.decode()
    mismatch = _reset(client, citizen.phone, code, new_password2="Other@Pass8")
    assert "两次输入的密码不一致。" in mismatch.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


@pytest.mark.django_db
def test_reset_lifts_the_lockout(client, citizen, captcha_test_mode):
    for _attempt in range(5):
        client.post(
            LOGIN,
            {"username": citizen.phone, "password": "Wrong@Pass9", "captcha_0": "x", "captcha_1": "passed"},
        )
    locked = client.post(
        LOGIN, {"username": citizen.phone, "password": PASSWORD, "captcha_0": "x", "captcha_1": "passed"}
    )
    assert locked.status_code == 403

    _send(client, citizen.phone)
    assert _reset(client, citizen.phone, last_sms_code(citizen.phone)).status_code == 302

    # No lock and no CAPTCHA any more for this account (from a fresh address).
    response = client.post(
        LOGIN, {"username": citizen.phone, "password": NEW_PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == citizen.pk
