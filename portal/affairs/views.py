"""我的办事 (issue 6 part 5): my applications and their progress, 补件, 撤回, 复核, 站内信, 资格证明.

Thin views: the applicant's own case is fetched by ``selectors.affair_get`` (another person's is a 404),
writes go through ``services`` (which call admission's own services), and every refusal is shown in
Chinese beside the field with what the applicant typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from housing.archive.storage import StorageIntegrityError

from ..views import applicant_required
from . import selectors, services
from .forms import AppealForm, SupplementForm, WithdrawForm

PAGE_SIZE = 10


def _detail_url(application) -> str:
    return reverse("portal:affairs_detail", args=[application.pk])


@applicant_required
def affairs_list(request):
    """我的申请: newest first; a badge where the applicant has something to do."""
    page = Paginator(selectors.affair_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/affairs/list.html",
        {"title": _("我的办事"), "page_obj": page, "rows": selectors.affair_rows(page.object_list)},
    )


@applicant_required
def affairs_detail(request, pk: int):
    application = selectors.affair_get(user=request.user, pk=pk)
    detail = selectors.affair_detail(application=application)
    return render(
        request,
        "portal/affairs/detail.html",
        {"title": _("申请详情 %(number)s") % {"number": application.receipt_number}, "d": detail},
    )


@applicant_required
def affairs_supplement(request, pk: int):
    """补件: upload per requested item, then resubmit; the case goes back to the level that returned it."""
    application = selectors.affair_get(user=request.user, pk=pk)
    if application.state != selectors.S.RETURNED:
        messages.info(request, _("本申请当前不需要补件。"))
        return redirect(_detail_url(application))
    items = selectors.supplement_item_list(application.supplement_items)
    form = SupplementForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.affair_supplement_submit(
                application=application,
                user=request.user,
                uploads=form.uploads(),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("补件材料已提交，申请已回到审核环节，请留意办理进度。"))
            return redirect(_detail_url(application))
    return render(
        request,
        "portal/affairs/supplement.html",
        {
            "title": _("补交材料"),
            "application": application,
            "items_text": application.supplement_items,
            "form": form,
        },
    )


def _service_errors(form, exc: ValidationError) -> None:
    from housing.backoffice.forms import add_service_errors

    add_service_errors(form, exc)


@applicant_required
def affairs_withdraw(request, pk: int):
    """撤回申请: a confirmation page with the reason; only while the lifecycle allows it."""
    import django_fsm

    application = selectors.affair_get(user=request.user, pk=pk)
    if not django_fsm.can_proceed(application.withdraw):
        messages.info(
            request,
            _("本申请当前为“%(state)s”，不能撤回。") % {"state": application.get_state_display()},
        )
        return redirect(_detail_url(application))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.affair_withdraw(
                application=application, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("申请已撤回，办理结束。"))
            return redirect(_detail_url(application))
    return render(
        request,
        "portal/affairs/withdraw.html",
        {"title": _("撤回申请"), "application": application, "form": form},
    )


@applicant_required
def affairs_appeal(request, pk: int):
    """申请复核 of a refusal within the appeal period; after it, the page says why it is closed."""
    application = selectors.affair_get(user=request.user, pk=pk)
    if application.state != selectors.S.REFUSED:
        messages.info(request, _("只有不予登记的申请可以申请复核。"))
        return redirect(_detail_url(application))
    status = selectors.appeal_statuses([application])[application.pk]
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.affair_appeal(
                application=application, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("复核申请已提交（编号 %(number)s），复核结果将以短信和站内信通知您。")
                % {"number": appeal.number},
            )
            return redirect(_detail_url(application))
    return render(
        request,
        "portal/affairs/appeal.html",
        {"title": _("申请复核"), "application": application, "status": status, "form": form},
    )


def _pdf(handle, filename: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


@applicant_required
def affairs_certificate(request, pk: int):
    """住房保障资格证明 (PDF) of my registered application; issued on the first download."""
    from housing.archive.services import document_open_verified

    application = selectors.affair_get(user=request.user, pk=pk)
    try:
        document = services.affair_certificate(application=application, user=request.user)
        handle = document_open_verified(actor=request.user, document=document)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_detail_url(application))
    except StorageIntegrityError as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(application))
    except PermissionDenied as exc:
        raise Http404 from exc
    return _pdf(handle, f"住房保障资格证明-{application.receipt_number}.pdf")


@applicant_required
def affairs_notice(request, pk: int, notice_pk: int):
    """The archived PDF of a 准予/不予登记通知书 of my application (checked against its SHA-256)."""
    from housing.archive.services import document_open_verified

    application = selectors.affair_get(user=request.user, pk=pk)
    notice = selectors.notice_of_affair(application=application, pk=notice_pk)
    try:
        handle = document_open_verified(actor=request.user, document=notice.archive_document)
    except StorageIntegrityError as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(application))
    return _pdf(handle, f"{notice.get_kind_display()}-{notice.number}.pdf")


@applicant_required
def affairs_messages(request):
    """站内信: unread first (marked), then newest; paginated."""
    from housing.notify.selectors import unread_site_message_count

    page = Paginator(selectors.my_messages(user=request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/affairs/messages.html",
        {
            "title": _("站内消息"),
            "page_obj": page,
            "unread_count": unread_site_message_count(user=request.user),
        },
    )


@applicant_required
def affairs_message_detail(request, pk: int):
    """Opening a message marks it read (``housing.notify.services.message_mark_read``)."""
    from housing.notify.services import message_mark_read

    message = selectors.my_message_get(user=request.user, pk=pk)
    message_mark_read(message=message, actor=request.user)
    return render(
        request,
        "portal/affairs/message_detail.html",
        {"title": message.subject or _("站内消息"), "message": message},
    )
