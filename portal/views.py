"""The public portal shell: home, applicant registration (with an SMS code), login (with a CAPTCHA after\nrepeated failures), logout and "我的". 找回密码 and 获取验证码 live in portal/accounts/."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from housing.accounts.identity import mask_name, mask_phone
from housing.accounts.services import applicant_register

from .accounts.services import (
    CodePurpose,
    login_captcha_required,
    login_failure_record,
    login_failures_reset,
    sms_code_consume,
    sms_code_verify,
)
from .accounts.views import request_ip, sms_block_context, sms_send_handle, typed_values
from .forms import ApplicantRegistrationForm, PortalLoginForm
from .me_panels import panels_for

APPLICANT_BACKEND = "housing.accounts.backends.ApplicantBackend"


def applicant_required(view):
    """Applicants only: anonymous visitors go to the portal login, staff to the back office."""

    @wraps(view)
    @login_required(login_url="portal:login")
    def wrapper(request, *args, **kwargs):
        if not request.user.is_applicant:
            return redirect("backoffice:home")
        return view(request, *args, **kwargs)

    return wrapper


def home(request):
    from .content.selectors import home_columns

    return render(request, "portal/home.html", {"home_columns": home_columns()})


def register(request):
    if request.user.is_authenticated and request.user.is_applicant:
        return redirect("portal:me")
    purpose = CodePurpose.REGISTER.value
    if request.method == "POST" and "send_code" in request.POST:
        # 获取验证码 without JavaScript: send, then show the page again with what was typed.
        form = ApplicantRegistrationForm(initial=typed_values(request.POST))
        context = {"form": form, **sms_send_handle(request, purpose=purpose)}
        return render(request, "portal/register.html", context)
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sms_code_verify(phone=data["phone"], purpose=purpose, code=data["sms_code"])
            user = applicant_register(
                phone=data["phone"],
                id_number=data["id_number"],
                real_name=data["real_name"],
                password=data["password1"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_service_errors(exc)
            else:  # the SMS code's answer
                form.add_service_errors(ValidationError({"sms_code": exc.messages}))
        else:
            # Used only now: a code checked before a refused password can still be used.
            sms_code_consume(phone=data["phone"], purpose=purpose)
            login(request, user, backend=APPLICANT_BACKEND)
            messages.success(request, _("注册成功，欢迎使用住房保障服务平台！"))
            return redirect("portal:me")
    context = {"form": form, **sms_block_context(request, purpose=purpose)}
    return render(request, "portal/register.html", context)


class PortalLoginView(auth_views.LoginView):
    """申请人登录; after repeated failures from this address or for this account, an image CAPTCHA."""

    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("portal:me")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        username = self.request.POST.get("username", "") if self.request.method == "POST" else ""
        kwargs["require_captcha"] = login_captcha_required(ip=request_ip(self.request), username=username)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["captcha_field"] = form["captcha"] if "captcha" in form.fields else None
        return context

    def form_valid(self, form):
        login_failures_reset(usernames=[form.cleaned_data.get("username", "")])
        return super().form_valid(form)

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            login_failure_record(ip=request_ip(self.request), username=form.data.get("username", ""))
            if "captcha" not in form.fields and login_captcha_required(
                ip=request_ip(self.request), username=form.data.get("username", "")
            ):
                # The failure that reached the limit: the page shown now already asks for the CAPTCHA.
                form.add_captcha()
        return super().form_invalid(form)


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:home")


@applicant_required
def me(request):
    """我的: the applicant's own account, masked; applications open in a later release."""
    user = request.user
    context = {
        "masked_name": mask_name(user.real_name),
        "masked_phone": mask_phone(user.phone),
        "masked_id_number": user.id_number_masked,
        "panels": panels_for(request),
    }
    return render(request, "portal/me.html", context)
