"""Forms of the portal accounts: asking for an SMS code, and 找回密码."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import normalise_id_number
from housing.backoffice.forms import BootstrapFormMixin, add_service_errors
from portal.forms import clean_phone_value, clean_sms_code_value, sms_code_field

from .captcha import PortalCaptchaField
from .services import CodePurpose

SMS_CAPTCHA_FIELD = "sms_captcha"


class SmsCodeSendForm(BootstrapFormMixin, forms.Form):
    """获取验证码: the phone (and for 找回密码 the ID number); the CAPTCHA after repeated sends."""

    phone = forms.CharField(max_length=11, error_messages={"required": _("请先填写手机号码。")})
    id_number = forms.CharField(
        max_length=18, required=False, error_messages={"required": _("请先填写身份证号码。")}
    )

    def __init__(self, *args, purpose: str, require_captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = CodePurpose(purpose).value
        if self.purpose == CodePurpose.PASSWORD_RESET:
            self.fields["id_number"].required = True
        if require_captcha:
            self.fields[SMS_CAPTCHA_FIELD] = PortalCaptchaField()
            self.fields[SMS_CAPTCHA_FIELD].widget.attrs["class"] = "form-control"

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data["phone"])

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        if self.purpose != CodePurpose.PASSWORD_RESET:
            return ""
        return normalise_id_number(value)


class PasswordResetForm(BootstrapFormMixin, forms.Form):
    """找回密码: the account's phone and ID number, the SMS code, the new password twice."""

    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
        help_text=_("注册时填写的手机号码。"),
        error_messages={"required": _("请填写手机号码。")},
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("注册时填写的18位身份证号码。"),
        error_messages={"required": _("请填写身份证号码。")},
    )
    sms_code = sms_code_field()
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "至少8位，须包含大写字母、小写字母、数字、符号中的至少3类；不能与最近5次使用过的密码相同。"
        ),
        error_messages={"required": _("请设置新密码。")},
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("请再输入一次新密码。"),
        error_messages={"required": _("请再次输入新密码。")},
    )

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data["phone"])

    def clean_id_number(self) -> str:
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean_sms_code(self) -> str:
        return clean_sms_code_value(self.cleaned_data["sms_code"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if password1 and password2 and password1 != password2:
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        return cleaned

    def add_service_errors(self, exc) -> None:
        add_service_errors(self, exc)
