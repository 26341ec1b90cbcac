"""Back-office pages of 轮候 in allocation: waiting-period list, refusals, one entry with its refusals. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admission.registry.models import WaitlistStatus
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .filters import RefusalFilter
from .forms import RefusalForm, WithdrawForm
from .services import refusal_limit, waiting_years, waitlist_refusal_record, waitlist_withdraw

VIEW = "allocation.view_waitlistrefusal"
RUN = "allocation.add_waitlistrefusal"
WITHDRAW = "admission.change_registryentry"


def _entry_url(entry) -> str:
    return reverse("allocation:waitlist_entry_detail", args=[entry.pk])


class _Linked:
    """A list row whose first column links to this part's entry page (not admission's registry page)."""

    def __init__(self, row, url: str):
        self.row, self.url = row, url

    def get_absolute_url(self) -> str:
        return self.url


class WaitingPeriodListView(ScopedListView):
    title = gettext_lazy("轮候期限")
    permission_required = VIEW
    columns = [
        Column(gettext_lazy("轮候编号"), "waitlist_number", sort="waitlist_number", link=True),
        Column(gettext_lazy("申请人"), "registry_entry.applicant_name"),
        Column(gettext_lazy("区划"), "region_name"),
        Column(gettext_lazy("保障项目类别"), "project_code"),
        Column(
            gettext_lazy("登记时间"),
            lambda e: timezone.localtime(e.registered_at).date(),
            sort="registered_at",
        ),
        Column(gettext_lazy("轮候期限届满日"), lambda e: selectors.waiting_deadline(e.registered_at)),
        Column(gettext_lazy("期限状态"), lambda e: selectors.waiting_status_text(e.registered_at)),
        Column(gettext_lazy("拒绝次数"), "refusal_count"),
    ]
    search_fields = ("waitlist_number", "registry_entry__application_number")
    search_placeholder = gettext_lazy("轮候编号或申请编号")
    default_ordering = ("registered_at", "pk")
    export_filename = "轮候期限"

    def get_base_queryset(self):
        return selectors.waiting_period_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(_Linked(row, _entry_url(row)), values) for row, values in context["rows"]]
        return context


class RefusalListView(ScopedListView):
    title = gettext_lazy("拒绝选房记录")
    permission_required = VIEW
    filterset_class = RefusalFilter
    columns = [
        Column(gettext_lazy("轮候编号"), "entry.waitlist_number", link=True),
        Column(gettext_lazy("申请人"), "entry.registry_entry.applicant_name"),
        Column(gettext_lazy("区划"), "region_name"),
        Column(gettext_lazy("拒绝类别"), "kind", sort="kind"),
        Column(gettext_lazy("拒绝原因"), "reason"),
        Column(gettext_lazy("来源"), "source"),
        Column(gettext_lazy("累计次数"), "sequence", sort="sequence"),
        Column(gettext_lazy("是否导致移出轮候"), lambda r: _("是") if r.caused_removal else _("否")),
        Column(gettext_lazy("增加时间"), "recorded_at", sort="recorded_at"),
        Column(gettext_lazy("增加人"), "recorded_by"),
    ]
    search_fields = ("entry__waitlist_number", "source")
    search_placeholder = gettext_lazy("轮候编号或来源")
    default_ordering = ("-recorded_at", "-pk")
    export_filename = "拒绝选房记录"

    def get_base_queryset(self):
        return selectors.refusal_list(user=self.request.user)


def _crumbs(entry=None, *tail):
    crumbs = [(_("轮候期限"), reverse("allocation:waitlist_waiting_period"))]
    if entry is not None:
        crumbs.append((entry.waitlist_number, _entry_url(entry) if tail else None))
    return [*crumbs, *tail]


@staff_permission_required(VIEW)
def waitlist_entry_detail(request, pk: int):
    entry = selectors.waitlist_entry_get_for_user(user=request.user, pk=pk)
    user = request.user
    waiting = entry.status == WaitlistStatus.WAITING
    summary = selectors.waitlist_position_summary(entry=entry)
    context = {
        "object": entry,
        "entry": entry,
        "title": _("轮候 %(number)s") % {"number": entry.waitlist_number},
        "breadcrumbs": _crumbs(entry),
        "summary": summary,
        "refusals": selectors.entry_refusals(entry=entry),
        "events": selectors.entry_events(entry=entry),
        "limit": refusal_limit(),
        "years": waiting_years(),
        "deadline": selectors.waiting_deadline(entry.registered_at),
        "deadline_text": selectors.waiting_status_text(entry.registered_at) if waiting else "",
        "can_refuse": waiting and user.has_perm(RUN),
        "can_withdraw": waiting and user.has_perm(WITHDRAW),
        "tabs": [
            ("info", _("轮候信息"), "allocation/waitlist/_entry_info.html"),
            ("refusals", _("拒绝选房记录"), "allocation/waitlist/_entry_refusals.html"),
            ("events", _("轮候变动"), "allocation/waitlist/_entry_events.html"),
        ],
    }
    return render(request, "allocation/waitlist/entry_detail.html", context)


def _entry_form(request, pk, *, form_class, service, title, submit_label, done, intro):
    entry = selectors.waitlist_entry_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(entry=entry, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, done() if callable(done) else done)
            return redirect(_entry_url(entry))
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": _crumbs(entry, (title, None)),
            "cancel_url": _entry_url(entry),
            "submit_label": submit_label,
            "intro": intro(entry) if callable(intro) else intro,
        },
    )


@staff_permission_required(RUN)
def waitlist_refusal_create(request, pk: int):
    def intro(entry):
        return _(
            "家庭 %(name)s（轮候编号 %(number)s）已拒绝 %(count)s 次；累计 %(limit)s 次将自动移出轮候并通知家庭。"
        ) % {
            "name": entry.registry_entry.applicant_name,
            "number": entry.waitlist_number,
            "count": entry.refusal_count,
            "limit": refusal_limit(),
        }

    return _entry_form(
        request,
        pk,
        form_class=RefusalForm,
        service=waitlist_refusal_record,
        title=_("记录拒绝选房"),
        submit_label=_("记录"),
        done=_("已记录，并已通知家庭。"),
        intro=intro,
    )


@staff_permission_required(WITHDRAW)
def waitlist_withdraw_view(request, pk: int):
    return _entry_form(
        request,
        pk,
        form_class=WithdrawForm,
        service=waitlist_withdraw,
        title=_("登记撤回申请"),
        submit_label=_("确认撤回"),
        done=_("家庭已撤回申请，退出轮候，登记簿同时退出保障。"),
        intro=_("家庭书面申请放弃轮候时登记。撤回后不能恢复，家庭须重新申请。"),
    )
