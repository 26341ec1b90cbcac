"""The image CAPTCHA on the portal login after 3 failures (before django-axes' lock at 5)."""

from __future__ import annotations

import pytest
from captcha.models import CaptchaStore

from conftest import PASSWORD

LOGIN = "/portal/login/"


def _fail(client, username: str, ip: str = "127.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": "Wrong@Pass9", **extra}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_no_captcha_before_three_failures(client, citizen):
    for _attempt in range(2):
        content = _fail(client, citizen.phone).content.decode()
        assert "图形验证码" not in content
    assert "图形验证码" not in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_the_third_failure_shows_the_captcha_with_a_label_and_a_refresh_link(client, citizen):
    for _attempt in range(2):
        _fail(client, citizen.phone)
    content = _fail(client, citizen.phone).content.decode()

    assert 'for="id_captcha_1"' in content
    assert "图形验证码" in content
    assert "换一张" in content
    assert 'alt="图形验证码图片：4个英文字母"' in content
    assert f'value="{citizen.phone}"' in content
    # The next visit from this address asks for it too.
    assert 'name="captcha_1"' in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_after_three_failures_the_right_password_alone_is_not_enough(client, citizen):
    for _attempt in range(3):
        _fail(client, citizen.phone)

    response = client.post(LOGIN, {"username": citizen.phone, "password": PASSWORD})

    assert response.status_code == 200
    assert 'id="id_captcha-error">请输入图形验证码。</div>' in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_a_wrong_captcha_answer_is_refused(client, citizen):
    for _attempt in range(3):
        _fail(client, citizen.phone)
    client.get(LOGIN)
    key = CaptchaStore.objects.latest("id").hashkey

    response = client.post(
        LOGIN, {"username": citizen.phone, "password": PASSWORD, "captcha_0": key, "captcha_1": "WRONG"}
    )

    assert "图形验证码不正确，请重新输入。" in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_the_right_captcha_answer_and_password_log_in(client, citizen):
    for _attempt in range(3):
        _fail(client, citizen.phone)
    client.get(LOGIN)
    store = CaptchaStore.objects.latest("id")

    response = client.post(
        LOGIN,
        {
            "username": citizen.phone,
            "password": PASSWORD,
            "captcha_0": store.hashkey,
            "captcha_1": store.response,
        },
    )

    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_captcha_in_test_mode_lets_the_login_through(client, citizen, captcha_test_mode):
    for _attempt in range(3):
        _fail(client, citizen.phone)

    response = client.post(
        LOGIN, {"username": citizen.phone, "password": PASSWORD, "captcha_0": "x", "captcha_1": "passed"}
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_failures_for_one_account_from_many_addresses_ask_for_the_captcha(client, citizen):
    for n in range(3):
        _fail(client, citizen.phone, ip=f"10.1.1.{n}")

    assert "图形验证码" not in client.get(LOGIN, REMOTE_ADDR="10.1.1.99").content.decode()
    response = client.post(LOGIN, {"username": citizen.phone, "password": PASSWORD}, REMOTE_ADDR="10.1.1.99")
    assert "请输入图形验证码。" in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_failures_from_one_address_on_many_accounts_ask_for_the_captcha(client, citizen):
    for n in range(3):
        _fail(client, f"1360000000{n}", ip="10.2.2.2")

    response = client.post(LOGIN, {"username": citizen.phone, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")

    assert "请输入图形验证码。" in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_captcha_image_and_refresh(client, citizen):
    for _attempt in range(3):
        _fail(client, citizen.phone)
    client.get(LOGIN)
    key = CaptchaStore.objects.latest("id").hashkey

    image = client.get(f"/portal/captcha/{key}/")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"

    fragment = client.get("/portal/captcha/refresh/?name=captcha", headers={"HX-Request": "true"})
    content = fragment.content.decode()
    assert 'id="id_captcha-box"' in content and "换一张" in content
    assert CaptchaStore.objects.latest("id").hashkey in content

    without_js = client.get(
        "/portal/captcha/refresh/?name=captcha", headers={"Referer": "http://testserver/portal/login/"}
    )
    assert without_js.status_code == 302
    assert without_js.url == "http://testserver/portal/login/"
