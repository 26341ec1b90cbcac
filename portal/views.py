"""The public portal shell: home, applicant registration, login, logout and "我的"."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from housing.accounts.identity import mask_name, mask_phone
from housing.accounts.services import applicant_register

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
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = applicant_register(
                phone=data["phone"],
                id_number=data["id_number"],
                real_name=data["real_name"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            login(request, user, backend=APPLICANT_BACKEND)
            messages.success(request, _("注册成功，欢迎使用住房保障服务平台！"))
            return redirect("portal:me")
    return render(request, "portal/register.html", {"form": form})


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("portal:me")


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
