"""Portal pages of allocation's subsidy part: 我的补贴 — every month of the applicant's own subsidy with its
state in plain words and the published reason, and 提出异议 with evidence. Own rows only: another
applicant's 应发编号 is a 404. No caseworker's opinion is shown, only the reasons meant for the family."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.backoffice.forms import add_service_errors

from .publicity_views import EvidenceField
from .views import applicant_required

PER_PAGE = 24


class SubsidyObjectionForm(forms.Form):
    content = forms.CharField(
        label=gettext_lazy("异议内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=gettext_lazy("写明您认为哪里不对：例如金额、未到账、暂缓发放的原因与事实不符。"),
    )
    evidence = EvidenceField(
        label=gettext_lazy("证据材料"),
        required=False,
        help_text=gettext_lazy("可选，最多 5 个文件：照片、PDF、Word、Excel 或 OFD，按内容检查类型。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["class"] = "form-control"


def _month(due) -> dict:
    from allocation.subsidies.selectors import public_status

    return {"due": due, **public_status(due)}


@applicant_required
def my_subsidies(request):
    from allocation.subsidies.selectors import subsidy_months_of_applicant

    page = Paginator(subsidy_months_of_applicant(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/subsidies/list.html",
        {"page": page, "months": [_month(d) for d in page.object_list], "title": _("我的补贴")},
    )


@applicant_required
def my_subsidy_objection(request, number: str):
    """提出异议 on one of my months; the list of my objections on it with the replies."""
    from allocation.subsidies.objections import subsidy_objection_submit
    from allocation.subsidies.selectors import subsidy_due_of_applicant_or_404

    due = subsidy_due_of_applicant_or_404(user=request.user, number=number)
    form = SubsidyObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            subsidy_objection_submit(
                due=due, applicant=request.user, content=form.cleaned_data["content"],
                evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("异议已提交，处理后会在这里答复您。"))
            return redirect("portal:subsidy_objection", number=due.number)
    return render(
        request,
        "portal/subsidies/objection.html",
        {
            "month": _month(due),
            "form": form,
            # only what this account raised: a second account of the family does not read the first one's
            "objections": [o for o in due.objections.all() if o.applicant_id == request.user.pk],
            "title": _("提出异议"),
        },
    )


urlpatterns: list = [
    path("", my_subsidies, name="subsidy_list"),
    path("<str:number>/objection/", my_subsidy_objection, name="subsidy_objection"),
]


def _panel_context(request):
    from allocation.subsidies.selectors import subsidy_months_of_applicant

    months = [_month(d) for d in subsidy_months_of_applicant(user=request.user)[:3]]
    return {"months": months} if months else None


def register_panel() -> None:
    """Adds 我的补贴 to 「我的」 (``portal.me_panels``); called from ``PortalConfig.ready()``."""
    from .me_panels import MePanel, register

    register(
        MePanel(code="subsidies", template="portal/subsidies/_panel.html", context=_panel_context, order=140)
    )
