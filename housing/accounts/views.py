from __future__ import annotations

import base64
import io

import qrcode
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import OtpTokenForm, StaffLoginForm, StaffPasswordChangeForm
from .middleware import IDLE_REASON
from .selectors import staff_get_for_user, staff_history


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.GET.get("reason") == IDLE_REASON:
            context["idle_message"] = _("您已超过30分钟未操作，为保护数据安全已自动退出，请重新登录。")
        return context


class StaffLogoutView(auth_views.LogoutView):
    pass


def lockout_response(request, credentials, *args, **kwargs):
    """django-axes calls this when an account is locked: the login page says so plainly."""
    form = StaffLoginForm(
        request, initial={"username": credentials.get("username", "")} if credentials else None
    )
    template = "portal/login.html" if request.path.startswith("/portal/") else "accounts/login.html"
    context = {
        "form": form,
        "locked_out": True,
        "lockout_message": _("连续登录失败次数过多，账号已锁定30分钟，请稍后再试或联系管理员。"),
    }
    return render(request, template, context, status=403)


def _totp_qr_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_verify(request):
    """Second factor: set up a TOTP device on first use, then enter its 6-digit code."""
    device = TOTPDevice.objects.filter(user=request.user).first()
    is_new = device is None or not device.confirmed
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("身份验证器"), confirmed=False)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = "/"
            return redirect(next_url)
        form.add_error("token", _("动态验证码不正确或已过期，请重新输入。"))
    context = {"form": form, "is_new": is_new, "qr": _totp_qr_data_uri(device) if is_new else None}
    return render(request, "accounts/otp.html", context)


class StaffPasswordChangeView(auth_views.PasswordChangeView):
    """修改密码 for back-office staff; applicants change theirs on the portal."""

    form_class = StaffPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("backoffice:home")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_applicant:
            return redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("修改密码"), breadcrumbs=[(_("修改密码"), None)])
        return context


@login_required
def staff_detail(request, pk: int):
    """A staff account: details (phone masked, revealable and logged), role grants, history."""
    if request.user.is_applicant:
        return redirect("portal:home")
    staff = staff_get_for_user(user=request.user, pk=pk)
    context = {
        "object": staff,
        "title": staff.display_name,
        "breadcrumbs": [(_("工作人员"), reverse("backoffice:staff")), (staff.display_name, None)],
        "assignments": staff.role_assignments.select_related("role", "region").order_by("region__code"),
        "history": staff_history(staff=staff),
        "tabs": [
            ("info", _("基本信息"), "accounts/_staff_info.html"),
            ("roles", _("角色授权"), "accounts/_staff_roles.html"),
            ("history", _("变更历史"), "accounts/_staff_history.html"),
        ],
        "transitions": [],
    }
    return render(request, "backoffice/detail.html", context)
