"""Portal account pages: 获取验证码 (htmx fragment and the no-JavaScript page post), 找回密码, 换一张."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .captcha import captcha_widget_html
from .forms import SMS_CAPTCHA_FIELD, PasswordResetForm, SmsCodeSendForm
from .services import (
    CodePurpose,
    RateLimited,
    applicant_password_reset,
    sms_captcha_required,
    sms_code_send,
)

LOGGING_SMS_BACKEND = "housing.notify.backends.LoggingSmsBackend"
# Never sent back into a re-rendered page.
SECRET_FIELDS = {"password1", "password2", "new_password1", "new_password2", "csrfmiddlewaretoken"}


def request_ip(request) -> str:
    """The client's address; behind ``PORTAL_TRUSTED_PROXY_COUNT`` proxies, the address the nearest
    trusted proxy saw (the left part of X-Forwarded-For can be forged by the client)."""
    proxies = settings.PORTAL_TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _is_demo_sms() -> bool:
    return settings.DEBUG and settings.SMS_BACKEND == LOGGING_SMS_BACKEND


def sms_send_handle(request, *, purpose: str) -> dict:
    """Try to send a code with the posted phone (and ID number); the send block's context."""
    ip = request_ip(request)
    form = SmsCodeSendForm(request.POST, purpose=purpose, require_captcha=sms_captcha_required(ip))
    context = {"purpose": purpose, "sms_wait": 0, "sms_sent": False, "sms_errors": [], "sms_status": ""}
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = sms_code_send(phone=data["phone"], purpose=purpose, ip=ip, id_number=data["id_number"])
        except RateLimited as exc:
            context["sms_errors"] = exc.messages
            context["sms_wait"] = exc.wait_seconds
            context["sms_sent"] = exc.wait_seconds > 0
        else:
            context["sms_sent"] = True
            context["sms_wait"] = sent.resend_after
            if purpose == CodePurpose.PASSWORD_RESET:
                # The same words whether or not an account matches: numbers cannot be probed.
                context["sms_status"] = _(
                    "如该手机号码与身份证号码属于已注册的账号，验证码已发送，请查收短信。"
                )
            else:
                context["sms_status"] = _("验证码已发送，请查收短信。")
            if sent.delivered and _is_demo_sms():
                messages.info(request, _("（演示环境）验证码：%(code)s") % {"code": sent.code})
    else:
        for name in ("phone", "id_number"):
            context["sms_errors"].extend(form.errors.get(name, []))
    # The CAPTCHA shown for the next send: the bound one keeps its error beside it.
    if SMS_CAPTCHA_FIELD in form.fields:
        context["sms_captcha"] = form[SMS_CAPTCHA_FIELD]
    elif sms_captcha_required(ip):
        context["sms_captcha"] = SmsCodeSendForm(purpose=purpose, require_captcha=True)[SMS_CAPTCHA_FIELD]
    return context


def sms_block_context(request, *, purpose: str) -> dict:
    """The send block of a freshly shown page."""
    context = {"purpose": purpose, "sms_wait": 0, "sms_sent": False, "sms_errors": [], "sms_status": ""}
    if sms_captcha_required(request_ip(request)):
        context["sms_captcha"] = SmsCodeSendForm(purpose=purpose, require_captcha=True)[SMS_CAPTCHA_FIELD]
    return context


def typed_values(post) -> dict:
    """What the person typed, to show again after 获取验证码 without JavaScript (no passwords)."""
    return {key: post.get(key) for key in post if key not in SECRET_FIELDS}


@never_cache
def sms_code_send_view(request):
    """获取验证码 by htmx: answers with the send block (status, countdown, CAPTCHA when needed)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        purpose = CodePurpose(request.POST.get("purpose", "")).value
    except ValueError:
        purpose = CodePurpose.REGISTER.value
    context = sms_send_handle(request, purpose=purpose)
    return render(request, "portal/accounts/_sms_send_block.html", context)


@never_cache
def password_reset(request):
    """找回密码: phone + ID number + SMS code + the new password twice."""
    purpose = CodePurpose.PASSWORD_RESET.value
    if request.method == "POST" and "send_code" in request.POST:
        form = PasswordResetForm(initial=typed_values(request.POST))
        context = {"form": form, **sms_send_handle(request, purpose=purpose)}
        return render(request, "portal/accounts/password_reset.html", context)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applicant_password_reset(
                phone=data["phone"],
                id_number=data["id_number"],
                code=data["sms_code"],
                password=data["new_password1"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("密码已重置，请使用新密码登录。"))
            return redirect("portal:login")
    context = {"form": form, **sms_block_context(request, purpose=purpose)}
    return render(request, "portal/accounts/password_reset.html", context)


@never_cache
def captcha_refresh(request):
    """换一张: a new CAPTCHA for the field ``name``; without htmx, back to the page (a new one there)."""
    name = request.GET.get("name", "captcha")
    if name not in ("captcha", SMS_CAPTCHA_FIELD):
        name = "captcha"
    if not request.htmx:
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/portal/login/"
        response = redirect(back)
        patch_vary_headers(response, ("HX-Request",))
        return response
    response = HttpResponse(captcha_widget_html(name))
    patch_vary_headers(response, ("HX-Request",))
    return response
