"""SMS verification codes: sent through the outbox, kept only as a hash, limited, voided after wrong tries."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from housing.accounts.demo import demo_id_number
from housing.notify.models import Channel, Message
from portal.accounts import services
from portal.accounts.services import CodePurpose, RateLimited, sms_code_send, sms_code_verify

from .helpers import last_sms_code, sms_count

PHONE = "13712345678"
CITIZEN_ID = demo_id_number("44040219850505432")  # the citizen persona's


def _open_gate(phone: str) -> None:
    """Skip the 60-second interval, to reach the daily limit without waiting."""
    cache.delete(services._key("sms-wait", phone))


@pytest.mark.django_db
def test_a_code_goes_out_as_an_sms_through_the_outbox_and_only_its_hash_is_kept():
    sent = sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER, ip="10.0.0.1")

    message = Message.objects.get(address=PHONE)
    assert message.channel == Channel.SMS
    assert message.template_code == "portal.sms_code"
    assert f"验证码为{sent.code}" in message.body
    assert "10分钟内有效" in message.body
    assert re.fullmatch(r"\d{6}", sent.code)
    stored = cache.get(services._key("sms-code", "register", PHONE))
    assert sent.code not in str(stored)


@pytest.mark.django_db
def test_the_right_code_is_accepted_and_a_wrong_one_refused_with_a_message():
    sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)
    code = last_sms_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(ValidationError) as exc:
        sms_code_verify(phone=PHONE, purpose=CodePurpose.REGISTER, code=wrong)
    assert exc.value.messages == ["验证码不正确或已过期。"]
    sms_code_verify(phone=PHONE, purpose=CodePurpose.REGISTER, code=code)  # no exception


@pytest.mark.django_db
def test_a_code_for_registration_does_not_reset_a_password():
    sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)

    with pytest.raises(ValidationError):
        sms_code_verify(phone=PHONE, purpose=CodePurpose.PASSWORD_RESET, code=last_sms_code(PHONE))


@pytest.mark.django_db
def test_an_expired_code_is_refused(settings):
    settings.PORTAL_SMS_CODE_TTL_SECONDS = 1
    sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)
    time.sleep(1.5)

    with pytest.raises(ValidationError) as exc:
        sms_code_verify(phone=PHONE, purpose=CodePurpose.REGISTER, code=last_sms_code(PHONE))
    assert exc.value.messages == ["验证码不正确或已过期。"]


@pytest.mark.django_db
def test_five_wrong_tries_void_the_code():
    sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)
    code = last_sms_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(4):
        with pytest.raises(ValidationError):
            sms_code_verify(phone=PHONE, purpose=CodePurpose.REGISTER, code=wrong)
    with pytest.raises(ValidationError) as fifth:
        sms_code_verify(phone=PHONE, purpose=CodePurpose.REGISTER, code=wrong)
    assert fifth.value.messages == ["验证码错误次数过多，已失效，请重新获取。"]

    with pytest.raises(ValidationError):
        sms_code_verify(phone=PHONE, purpose=CodePurpose.REGISTER, code=code)


@pytest.mark.django_db
def test_one_code_per_phone_per_minute_says_how_long_to_wait():
    sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)

    with pytest.raises(RateLimited) as exc:
        sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)
    assert re.fullmatch(r"请在 (59|60) 秒后重试。", exc.value.messages[0])
    assert sms_count(PHONE) == 1


@pytest.mark.django_db
def test_five_codes_per_phone_per_day():
    for _n in range(5):
        _open_gate(PHONE)
        sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)
    _open_gate(PHONE)

    with pytest.raises(RateLimited) as exc:
        sms_code_send(phone=PHONE, purpose=CodePurpose.REGISTER)
    assert exc.value.messages == ["该手机号码今日获取验证码已达5次，请明天再试。"]
    assert sms_count(PHONE) == 5


@pytest.mark.django_db
def test_codes_per_client_address_per_hour(settings):
    settings.PORTAL_SMS_CODE_IP_PER_HOUR = 3
    for n in range(3):
        sms_code_send(phone=f"1370000000{n}", purpose=CodePurpose.REGISTER, ip="10.0.0.9")

    with pytest.raises(RateLimited) as exc:
        sms_code_send(phone="13700000009", purpose=CodePurpose.REGISTER, ip="10.0.0.9")
    assert exc.value.messages == ["获取验证码过于频繁，请1小时后再试。"]
    assert sms_count("13700000009") == 0
    sms_code_send(phone="13700000009", purpose=CodePurpose.REGISTER, ip="10.0.0.10")  # another address


@pytest.mark.django_db
def test_a_reset_code_goes_out_only_for_a_matching_account_but_counts_either_way(citizen):
    unknown = sms_code_send(phone="13600000000", purpose=CodePurpose.PASSWORD_RESET, id_number=CITIZEN_ID)
    mismatch = sms_code_send(
        phone=citizen.phone, purpose=CodePurpose.PASSWORD_RESET, id_number=demo_id_number("44040219900101001")
    )
    assert not unknown.delivered and not mismatch.delivered
    assert Message.objects.count() == 0
    with pytest.raises(RateLimited):  # the limit counted the refused send
        sms_code_send(phone="13600000000", purpose=CodePurpose.PASSWORD_RESET, id_number=CITIZEN_ID)

    _open_gate(citizen.phone)
    matching = sms_code_send(phone=citizen.phone, purpose=CodePurpose.PASSWORD_RESET, id_number=CITIZEN_ID)
    assert matching.delivered
    assert sms_count(citizen.phone) == 1


@pytest.mark.django_db
def test_password_reset_needs_the_code_and_the_matching_id_number(citizen):
    sms_code_send(phone=citizen.phone, purpose=CodePurpose.PASSWORD_RESET, id_number=CITIZEN_ID)
    code = last_sms_code(citizen.phone)

    with pytest.raises(ValidationError) as exc:
        services.applicant_password_reset(
            phone=citizen.phone,
            id_number=demo_id_number("44040219900101001"),
            code=code,
            password="New@Pass22",
        )
    assert exc.value.message_dict == {"sms_code": ["验证码不正确或已过期。"]}
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)

    services.applicant_password_reset(
        phone=citizen.phone, id_number=CITIZEN_ID, code=code, password="New@Pass22"
    )
    citizen.refresh_from_db()
    assert citizen.check_password("New@Pass22")
    with pytest.raises(ValidationError):  # the code is used up
        sms_code_verify(phone=citizen.phone, purpose=CodePurpose.PASSWORD_RESET, code=code)
