"""公示公告: the public page of publicity batches (no login). Names, ID numbers and addresses come only from
the masked snapshot each batch posted (张*三, 4404**********1234, address to the street; DESIGN §4 rule 8)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admission.models import ReviewLevel
from admission.publicity.models import BatchState, PublicityEntry
from admission.publicity.selectors import (
    public_batch_get,
    public_batches,
    public_districts,
    public_entries,
    public_entry_search,
)
from admission.publicity.services import objection_submit_online
from housing.accounts.identity import mask_name, mask_phone
from housing.backoffice.forms import add_service_errors

from .views import applicant_required

PER_PAGE = 20
MAX_EVIDENCE_FILES = 5
ENTRIES_PER_PAGE = 50


def publicity_list(request):
    """Current (公示中) and past batches by level and district; search by 申请编号."""
    level = request.GET.get("level", "")
    district = request.GET.get("district", "")
    period = request.GET.get("period", "")
    current = {"current": True, "past": False}.get(period)
    q = request.GET.get("q", "").strip()[:32]
    batches = public_batches(level=level, district=district, current=current)
    page = Paginator(batches, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "portal/publicity/list.html",
        {
            "title": _("公示公告"),
            "page": page,
            "levels": ReviewLevel.choices,
            "districts": public_districts(),
            "level": level,
            "district": district,
            "period": period,
            "q": q,
            "matches": list(public_entry_search(receipt_number=q)[:20]) if q else None,
            "querystring": query.urlencode(),
        },
    )
    return response


def publicity_detail(request, number: str):
    batch = public_batch_get(number=number)
    page = Paginator(public_entries(batch=batch), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request, "portal/publicity/detail.html", {"title": batch.title, "batch": batch, "page": page}
    )
    return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files in one input (each is checked by content when it is archived)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("证据材料最多 %(n)s 个文件。") % {"n": MAX_EVIDENCE_FILES})
        return [super(EvidenceField, self).clean(f, initial) for f in files]


class OnlineObjectionForm(forms.Form):
    content = forms.CharField(
        label=gettext_lazy("举报内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=gettext_lazy(
            "写明您了解的事实：例如隐瞒收入、另有住房、虚报家庭人口，以及您是怎么知道的。"
        ),
    )
    evidence = EvidenceField(
        label=gettext_lazy("证据材料"),
        required=False,
        help_text=gettext_lazy("可选，最多 5 个文件：照片、PDF、Word、Excel 或 OFD，按内容检查类型。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["class"] = "form-control"


@applicant_required
def publicity_objection(request, number: str, entry_pk: int):
    """网上举报 during the publicity period only, with a real-name account; nothing is saved on an error."""
    batch = public_batch_get(number=number)
    entry = get_object_or_404(
        PublicityEntry.objects.select_related("batch", "application"), pk=entry_pk, batch=batch
    )
    if batch.state != BatchState.PUBLISHED:
        raise Http404
    form = OnlineObjectionForm(request.POST or None, request.FILES or None)
    objection = None
    if request.method == "POST" and form.is_valid():
        try:
            objection = objection_submit_online(
                entry=entry,
                reporter=request.user,
                content=form.cleaned_data["content"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "portal/publicity/objection.html",
        {
            "title": _("网上举报"),
            "batch": batch,
            "entry": entry,
            "form": form,
            "objection": objection,
            "masked_name": mask_name(request.user.real_name),
            "masked_phone": mask_phone(request.user.phone),
        },
    )


# Included from ``portal/urls.py`` (names ``portal:publicity_list`` and ``portal:publicity_detail``).
urlpatterns = [
    path("", publicity_list, name="publicity_list"),
    path("<str:number>/", publicity_detail, name="publicity_detail"),
    path("<str:number>/objection/<int:entry_pk>/", publicity_objection, name="publicity_objection"),
]
