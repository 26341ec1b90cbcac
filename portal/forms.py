"""Portal forms: applicant registration (with an SMS code) and login (by phone or ID number, with an
image CAPTCHA after repeated failures)."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import normalise_id_number
from housing.backoffice.forms import BootstrapFormMixin, add_service_errors
from portal.accounts.captcha import PortalCaptchaField

# 中国大陆手机号码: 11 digits starting with 1.
PHONE_RE = re.compile(r"^1\d{10}$")
SMS_CODE_RE = re.compile(r"^\d{6}$")


def clean_phone_value(value: str) -> str:
    phone = (value or "").strip().replace(" ", "")
    if not PHONE_RE.match(phone):
        raise ValidationError(_("手机号码应为以1开头的11位数字。"), code="phone_format")
    return phone


def sms_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        help_text=_("点击“获取验证码”，将6位数字验证码发送到上面的手机号码，10分钟内有效。"),
        error_messages={"required": _("请填写短信验证码。")},
    )


def clean_sms_code_value(value: str) -> str:
    code = (value or "").strip()
    if not SMS_CODE_RE.match(code):
        raise ValidationError(_("短信验证码为6位数字。"), code="sms_code_format")
    return code


class ApplicantRegistrationForm(BootstrapFormMixin, forms.Form):
    """申请人注册. Uniqueness and the password policy are checked by the service, mapped back here."""

    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
        help_text=_("用于登录和接收办理通知。"),
    )
    sms_code = sms_code_field()
    real_name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("请填写与身份证一致的姓名。"),
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("18位居民身份证号码，最后一位可能是字母X。"),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # The full policy lives in AUTH_PASSWORD_VALIDATORS; the service reports each broken rule.
        help_text=_(
            "至少8位，须包含大写字母、小写字母、数字、符号中的至少3类；不要使用常见密码或与个人信息相近的密码。"
        ),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("请再输入一次密码。"),
    )
    agree = forms.BooleanField(
        label=_("我承诺以上信息真实有效，并同意住房保障部门为办理住房保障业务使用和核验我的个人信息。"),
        error_messages={"required": _("请勾选同意后再注册。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].error_messages["required"] = _("请填写手机号码。")
        self.fields["real_name"].error_messages["required"] = _("请填写姓名。")
        self.fields["id_number"].error_messages["required"] = _("请填写身份证号码。")
        self.fields["password1"].error_messages["required"] = _("请设置密码。")
        self.fields["password2"].error_messages["required"] = _("请再次输入密码。")

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data["phone"])

    def clean_sms_code(self) -> str:
        return clean_sms_code_value(self.cleaned_data["sms_code"])

    def clean_real_name(self) -> str:
        name = self.cleaned_data["real_name"].strip()
        if not name:
            raise ValidationError(_("请填写姓名。"), code="required")
        return name

    def clean_id_number(self) -> str:
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)


class PortalLoginForm(BootstrapFormMixin, AuthenticationForm):
    """申请人登录. The field is named ``username`` because django-axes counts failures by it."""

    error_messages = {
        "invalid_login": _("手机号码/身份证号码或密码不正确。连续失败5次将锁定30分钟。"),
        "inactive": _("该账号已停用，请联系住房保障部门。"),
    }

    def __init__(self, request=None, *args, require_captcha: bool = False, **kwargs):
        super().__init__(request, *args, **kwargs)
        if require_captcha:
            self.add_captcha()
        self.fields["username"].label = _("手机号码或身份证号码")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["username"].error_messages["required"] = _("请填写手机号码或身份证号码。")
        self.fields["password"].label = _("密码")
        self.fields["password"].error_messages["required"] = _("请填写密码。")

    def add_captcha(self) -> None:
        """After repeated failures (portal.accounts.services.login_captcha_required)."""
        self.fields["captcha"] = PortalCaptchaField()
        self.fields["captcha"].widget.attrs["class"] = "form-control"

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if "captcha" in self.errors:
            # A wrong CAPTCHA stops here: the password is not tried, so it is no guess at all.
            return self.cleaned_data
        if username is not None and password:
            # portal=True: only the applicant backend answers; staff accounts cannot log in here.
            self.user_cache = authenticate(self.request, username=username, password=password, portal=True)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
