"""门户账号: SMS verification codes, their rate limits, login-failure counting and password reset by SMS.

Nothing here is a model: a code lives in the cache (Redis in production) as a keyed hash with an
expiry, the counters are cache integers with a time-to-live. Web nodes share them through Redis.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.identity import id_number_digest, normalise_id_number
from housing.accounts.models import User, UserKind
from housing.notify.services import notify_send

logger = logging.getLogger(__name__)

SMS_TEMPLATE_CODE = "portal.sms_code"
DAY_SECONDS = 24 * 60 * 60
HOUR_SECONDS = 60 * 60


class CodePurpose(models.TextChoices):
    """验证码用途: a code for one purpose never answers for another."""

    REGISTER = "register", gettext_lazy("注册")
    PASSWORD_RESET = "reset", gettext_lazy("找回密码")


class RateLimited(ValidationError):
    """Sending refused by a limit; ``wait_seconds`` when the limit is the per-phone interval."""

    def __init__(self, message: str, *, wait_seconds: int = 0):
        super().__init__(message, code="rate_limited")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class SentCode:
    """What a send returns. ``code`` is the clear code, only for the demo's on-screen hint; it is
    never stored. ``delivered`` is False when a password-reset code was not sent because no account
    matches (the caller answers the same neutral message either way)."""

    code: str
    delivered: bool
    resend_after: int


def _key(*parts: str) -> str:
    return ":".join([settings.PORTAL_ACCOUNTS_CACHE_PREFIX, *parts])


def _code_hash(phone: str, purpose: str, code: str) -> str:
    # Keyed: a leaked cache dump does not let anyone try the million codes offline.
    message = f"{purpose}:{phone}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _today() -> str:
    return timezone.localdate().isoformat()  # Asia/Shanghai calendar day


def _this_hour() -> str:
    return timezone.localtime().strftime("%Y%m%d%H")


def _incr(key: str, timeout: int) -> int:
    """Atomic counter with a time-to-live set when it is created."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def sms_sends_from_ip(ip: str | None) -> int:
    return cache.get(_key("sms-ip", _this_hour(), ip or "unknown"), 0)


def sms_captcha_required(ip: str | None) -> bool:
    """Sending asks for the image CAPTCHA once this address sent a few codes within the hour."""
    return sms_sends_from_ip(ip) >= settings.PORTAL_SMS_CODE_CAPTCHA_AFTER


def _check_limits(*, phone: str, ip: str | None) -> None:
    if sms_sends_from_ip(ip) >= settings.PORTAL_SMS_CODE_IP_PER_HOUR:
        raise RateLimited(_("获取验证码过于频繁，请1小时后再试。"))
    if cache.get(_key("sms-day", _today(), phone), 0) >= settings.PORTAL_SMS_CODE_PHONE_PER_DAY:
        raise RateLimited(
            _("该手机号码今日获取验证码已达%(n)d次，请明天再试。")
            % {"n": settings.PORTAL_SMS_CODE_PHONE_PER_DAY}
        )
    # The per-phone interval is the gate: cache.add is atomic, so two quick requests send one code.
    interval = settings.PORTAL_SMS_CODE_RESEND_SECONDS
    gate = _key("sms-wait", phone)
    if not cache.add(gate, time.time() + interval, interval):
        until = cache.get(gate) or time.time() + 1
        wait = max(1, int(until - time.time() + 0.999))
        raise RateLimited(_("请在 %(n)d 秒后重试。") % {"n": wait}, wait_seconds=wait)


def _password_reset_account(phone: str, id_number: str) -> User | None:
    try:
        number = normalise_id_number(id_number)
    except ValidationError:
        return None
    return User.objects.filter(
        kind=UserKind.APPLICANT, phone=phone, id_number_digest=id_number_digest(number), is_active=True
    ).first()


def sms_code_send(*, phone: str, purpose: str, ip: str | None = None, id_number: str = "") -> SentCode:
    """Generate a 6-digit code for ``phone`` and ``purpose``, keep only its hash, send it by SMS.

    Limits (settings): one per phone per ``PORTAL_SMS_CODE_RESEND_SECONDS``, ``…_PHONE_PER_DAY`` per
    phone per calendar day, ``…_IP_PER_HOUR`` per client address per clock hour; a refusal raises
    ``RateLimited`` with the Chinese message. A new code replaces the previous one.

    For 找回密码 the code goes out only when ``phone`` and ``id_number`` belong to one applicant
    account, but the limits count either way, so the answer never tells whether an account exists.
    """
    purpose = CodePurpose(purpose).value
    _check_limits(phone=phone, ip=ip)
    _incr(_key("sms-day", _today(), phone), DAY_SECONDS)
    _incr(_key("sms-ip", _this_hour(), ip or "unknown"), HOUR_SECONDS)

    code = f"{secrets.randbelow(1_000_000):06d}"
    resend_after = settings.PORTAL_SMS_CODE_RESEND_SECONDS
    if purpose == CodePurpose.PASSWORD_RESET and _password_reset_account(phone, id_number) is None:
        logger.info("Password-reset code not sent: no matching account")
        return SentCode(code="", delivered=False, resend_after=resend_after)

    ttl = settings.PORTAL_SMS_CODE_TTL_SECONDS
    cache.set(_key("sms-code", purpose, phone), {"hash": _code_hash(phone, purpose, code)}, ttl)
    cache.delete(_key("sms-tries", purpose, phone))
    with transaction.atomic():
        notify_send(
            template_code=SMS_TEMPLATE_CODE,
            address=phone,
            context={"code": code, "minutes": ttl // 60, "purpose": CodePurpose(purpose).label},
            channels=("sms",),
        )
    return SentCode(code=code, delivered=True, resend_after=resend_after)


def sms_code_verify(*, phone: str, purpose: str, code: str) -> None:
    """Raise a ValidationError unless ``code`` is the live code of ``phone`` for ``purpose``.

    A right answer does not use the code up (the form may still fail on another field);
    ``sms_code_consume`` does, once the action succeeded. After ``PORTAL_SMS_CODE_MAX_TRIES`` wrong
    answers the code is void, so six digits cannot be guessed.
    """
    purpose = CodePurpose(purpose).value
    invalid = ValidationError(_("验证码不正确或已过期。"), code="sms_code_invalid")
    stored = cache.get(_key("sms-code", purpose, phone))
    code = (code or "").strip()
    if stored is None:
        raise invalid
    if hmac.compare_digest(stored["hash"], _code_hash(phone, purpose, code)):
        return
    tries = _incr(_key("sms-tries", purpose, phone), settings.PORTAL_SMS_CODE_TTL_SECONDS)
    if tries >= settings.PORTAL_SMS_CODE_MAX_TRIES:
        sms_code_consume(phone=phone, purpose=purpose)
        raise ValidationError(_("验证码错误次数过多，已失效，请重新获取。"), code="sms_code_void")
    raise invalid


def sms_code_consume(*, phone: str, purpose: str) -> None:
    purpose = CodePurpose(purpose).value
    cache.delete_many([_key("sms-code", purpose, phone), _key("sms-tries", purpose, phone)])


# ---- Login failures: the CAPTCHA appears before django-axes locks the account ----


def _login_keys(ip: str | None, username: str) -> list[str]:
    keys = [_key("login-fail-ip", ip or "unknown")]
    if username:
        keys.append(_key("login-fail-user", username.strip().upper()))
    return keys


def login_failure_record(*, ip: str | None, username: str) -> None:
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    for key in _login_keys(ip, username):
        _incr(key, window)


def login_captcha_required(*, ip: str | None, username: str = "") -> bool:
    """True after ``PORTAL_LOGIN_CAPTCHA_AFTER`` failures from this address or for this username."""
    counts = cache.get_many(_login_keys(ip, username))
    return any(value >= settings.PORTAL_LOGIN_CAPTCHA_AFTER for value in counts.values())


def login_failures_reset(*, usernames: list[str]) -> None:
    """A successful login or a password reset clears the account's count (not the address's)."""
    cache.delete_many([_key("login-fail-user", name.strip().upper()) for name in usernames if name])


# ---- 找回密码 ----


@transaction.atomic
def applicant_password_reset(*, phone: str, id_number: str, code: str, password: str) -> User:
    """Set a new password for the applicant whose phone and ID number match, given the SMS code.

    The code is checked first and the error is the same whether or not such an account exists.
    The account's django-axes lock and the CAPTCHA count are cleared: the person proved they hold
    the phone.
    """
    try:
        sms_code_verify(phone=phone, purpose=CodePurpose.PASSWORD_RESET, code=code)
    except ValidationError as exc:
        raise ValidationError({"sms_code": exc.messages}) from exc
    user = _password_reset_account(phone, id_number)
    if user is None:  # the code was sent for another ID number: answer as for a wrong code
        raise ValidationError({"sms_code": _("验证码不正确或已过期。")})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(password)
    user.save()
    number = normalise_id_number(id_number)
    usernames = [phone, number, number.lower()]
    _axes_reset(usernames)
    login_failures_reset(usernames=usernames)
    sms_code_consume(phone=phone, purpose=CodePurpose.PASSWORD_RESET)
    return user


def _axes_reset(usernames: list[str]) -> None:
    """django-axes counts failures by the identifier typed: the phone or the ID number (either case)."""
    from axes.utils import reset

    for username in dict.fromkeys(usernames):
        reset(username=username)
