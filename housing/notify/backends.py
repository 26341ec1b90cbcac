"""SMS backends. ``settings.SMS_BACKEND`` names the class; every backend has ``send(phone=, body=)``.

A backend raises ``DeliveryError`` when the message did not go out, so the Celery task retries it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from housing.accounts.identity import mask_phone

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel did not accept the message (network, gateway refusal, misconfiguration)."""


class LoggingSmsBackend:
    """The default: writes the SMS to the log (phone masked) instead of sending it; for demo and tests."""

    def send(self, *, phone: str, body: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), body)


class HttpGatewaySmsBackend:
    """POSTs ``{"phone", "content"}`` as JSON to ``SMS_GATEWAY_URL`` with the key in ``X-Api-Key``.

    Any answer other than 2xx, a timeout or a refused connection raises ``DeliveryError``.
    """

    def __init__(self, *, url: str | None = None, key: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.key = key if key is not None else settings.SMS_GATEWAY_KEY
        self.timeout = timeout if timeout is not None else getattr(settings, "SMS_GATEWAY_TIMEOUT", 10)

    def send(self, *, phone: str, body: str) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise DeliveryError("短信网关地址未配置（SMS_GATEWAY_URL）")
        payload = json.dumps({"phone": phone, "content": body}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "X-Api-Key": self.key},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"短信网关返回 HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"短信网关无法连接：{exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"短信网关返回 HTTP {status}")
        logger.info("SMS to %s accepted by gateway", mask_phone(phone))


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
