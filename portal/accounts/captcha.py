"""The image CAPTCHA (django-simple-captcha) as the portal shows it: a label, the image, the answer
box and a 换一张 link, with the image served under the portal's own URLs."""

from __future__ import annotations

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PortalCaptchaInput(CaptchaTextInput):
    template_name = "portal/accounts/_captcha_widget.html"

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        # The library checks that its own un-namespaced URLs exist; the portal serves the image
        # itself (portal:captcha_image), so the check is skipped.
        key = CaptchaStore.generate_key(generator)
        self._value = [key, ""]
        self._key = key
        self.id_ = self.build_attrs(attrs).get("id", None)

    def image_url(self):
        return reverse("portal:captcha_image", kwargs={"key": self._key})

    def audio_url(self):
        return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["refresh_url"] = reverse("portal:captcha_refresh") + f"?name={name}"
        context["field_name"] = name
        return context


class PortalCaptchaField(CaptchaField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("图形验证码"))
        kwargs.setdefault("help_text", _("请输入图片中的4个字母（不区分大小写）。看不清可点“换一张”。"))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("图形验证码不正确，请重新输入。"),
                "required": _("请输入图形验证码。"),
                "incomplete": _("请输入图形验证码。"),
            },
        )
        kwargs.setdefault("widget", PortalCaptchaInput())
        super().__init__(**kwargs)


def captcha_widget_html(name: str) -> str:
    """A fresh CAPTCHA for the field ``name`` (the 换一张 link swaps it in)."""
    widget = PortalCaptchaInput(attrs={"class": "form-control"})
    return widget.render(name, None, attrs={"id": f"id_{name}"})
