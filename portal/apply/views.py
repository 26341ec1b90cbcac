"""导航式网上申请: thin views over ``portal.apply.services`` and ``selectors``.

Every step's POST is checked on the server; an invalid POST re-renders the page with the input kept and each
message beside its field, and changes nothing in the draft. A valid one saves and goes on (or, with
"保存并退出", back to 「我的」). A draft is its owner's alone: anyone else gets a 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from housing.backoffice.forms import add_service_errors
from portal.views import applicant_required

from . import services
from .forms import (
    ApplicantForm,
    AssetForm,
    ChooseForm,
    DocumentUploadForm,
    FamilyIncomeForm,
    HousingFamilyForm,
    HousingRowForm,
    MemberForm,
    PersonIncomeForm,
    PromiseForm,
)
from .models import ApplicationDraft
from .selectors import (
    draft_get_for_owner,
    draft_review,
    draft_summary,
    drafts_open_for_owner,
    people_of,
)

SELFCHECK_SALT = "portal.apply.selfcheck"


def _progress(draft: ApplicationDraft | None, step: str) -> dict:
    number = services.step_index(step) + 1
    total = len(services.STEPS)
    done = set(draft.data.get("done", [])) if draft else set()
    return {
        "step": step,
        "step_number": number,
        "step_total": total,
        "step_percent": round(number * 100 / total),
        "step_title": services.STEPS[number - 1].title,
        "steps": [
            {"code": s.code, "title": s.title, "done": s.code in done, "current": s.code == step}
            for s in services.STEPS
        ],
        "previous_step": services.step_before(step),
        "draft": draft,
    }


def _render(request, draft, step: str, template: str, context: dict, status: int = 200):
    return render(request, f"portal/apply/{template}", {**_progress(draft, step), **context}, status=status)


def _go_on(request, draft: ApplicationDraft):
    if request.POST.get("action") == "save_exit":
        messages.success(
            request, _("已保存。您可以随时在「我的」里点“继续填写申请”接着填写，换一台手机或电脑也可以。")
        )
        return redirect("portal:me")
    return redirect("portal:apply_step", draft.pk, draft.current_step)


def _go_to(request, step: str) -> str | None:
    """ "保存并退出" resumes at this same step next time; "下一步" at the next one."""
    return step if request.POST.get("action") == "save_exit" else None


# --- start ---------------------------------------------------------------------------------------------


@applicant_required
def apply_start(request):
    """选择保障项目和方式: the modes in force today, each explained in a sentence."""
    modes = services.available_modes()
    prefill_token = request.POST.get("prefill", "")
    form = ChooseForm(request.POST or None, modes=modes)
    if request.method == "POST" and form.is_bound and form.is_valid():
        prefill = None
        if prefill_token:
            try:
                prefill = signing.loads(prefill_token, salt=SELFCHECK_SALT, max_age=3600)
            except signing.BadSignature:
                prefill = None
        project, mode = form.chosen()
        try:
            draft = services.draft_start(
                owner=request.user, project_code=project, mode_code=mode, prefill=prefill
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("portal:apply_step", draft.pk, draft.current_step)
    return _render(
        request,
        None,
        "choose",
        "choose.html",
        {
            "form": form,
            "modes": modes,
            "prefill": prefill_token,
            "open_drafts": drafts_open_for_owner(user=request.user),
            "title": _("网上申请"),
        },
    )


@applicant_required
@require_POST
def apply_from_selfcheck(request):
    """「用这些信息开始申请」: the self-check's answers come along, signed, to the choice of mode; they are
    stored only when the applicant starts a draft with them."""
    from django.conf import settings

    from portal.selfcheck.forms import SelfCheckForm
    from portal.selfcheck.services import questions_for, rule_sets_in_force

    today = timezone.localdate()
    city = settings.PORTAL_CITY_CODE
    steps = questions_for(rule_sets_in_force(region_code=city, on_date=today))
    selfcheck = SelfCheckForm(request.POST, steps=steps, city_code=city)
    if not selfcheck.is_valid():
        messages.error(request, _("自测的回答有误，请回到资格自测改正后再开始申请。"))
        return redirect("portal:selfcheck")
    answers = services._jsonable(selfcheck.answers())
    answers["region_code"] = selfcheck.cleaned_data["region_code"]
    token = signing.dumps(answers, salt=SELFCHECK_SALT)
    modes = services.available_modes()
    return _render(
        request,
        None,
        "choose",
        "choose.html",
        {
            "form": ChooseForm(modes=modes),
            "modes": modes,
            "prefill": token,
            "from_selfcheck": True,
            "open_drafts": drafts_open_for_owner(user=request.user),
            "title": _("网上申请"),
        },
    )


# --- the steps -----------------------------------------------------------------------------------------


@applicant_required
def apply_step(request, pk: int, step: str):
    draft = draft_get_for_owner(user=request.user, pk=pk)
    if step not in services.STEP_CODES:
        raise Http404
    if draft.is_submitted:
        return redirect("portal:apply_receipt", draft.pk)
    return STEP_VIEWS[step](request, draft)


def _choose(request, draft):
    modes = services.available_modes()
    form = ChooseForm(
        request.POST or None, modes=modes, initial={"choice": f"{draft.project_code}:{draft.mode_code}"}
    )
    if request.method == "POST" and form.is_valid():
        project, mode = form.chosen()
        try:
            draft = services.draft_choose(draft=draft, project_code=project, mode_code=mode)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _go_on(request, draft)
    return _render(request, draft, "choose", "choose.html", {"form": form, "modes": modes})


def _applicant_initial(request, draft) -> dict:
    saved = {k: v for k, v in draft.data.get("applicant", {}).items() if k != "id_number"}
    return saved or {"applicant_name": request.user.real_name, "phone": request.user.phone}


def _applicant(request, draft):
    stored_id = draft.data.get("applicant", {}).get("id_number")
    form = ApplicantForm(
        request.POST or None,
        user=request.user,
        stored_id=stored_id,
        initial=_applicant_initial(request, draft),
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items()}
        draft = services.draft_step_save(
            draft=draft, step="applicant", values=values, go_to=_go_to(request, "applicant")
        )
        return _go_on(request, draft)
    return _render(request, draft, "applicant", "form_step.html", {"form": form})


def _taken(draft) -> dict[str, str]:
    taken = {draft.owner.id_number_digest: _("申请人本人")} if draft.owner.id_number_digest else {}
    applicant_id = draft.data.get("applicant", {}).get("id_number")
    if applicant_id:
        taken[applicant_id["digest"]] = _("申请人本人")
    for member in draft.data.get("members", []):
        taken[member["id_number"]["digest"]] = _("家庭成员（%(name)s）") % {"name": member.get("name", "")}
    return taken


def _members(request, draft):
    action = request.POST.get("action", "")
    form = MemberForm(request.POST if action == "add" else None, taken=_taken(draft))
    if request.method == "POST":
        if action == "add":
            if form.is_valid():
                try:
                    services.draft_member_add(draft=draft, values=form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request, _("已添加家庭成员：%(name)s。") % {"name": form.cleaned_data["name"]}
                    )
                    return redirect("portal:apply_step", draft.pk, "members")
        elif action == "remove":
            services.draft_row_remove(draft=draft, kind="members", uid=request.POST.get("uid", ""))
            messages.success(request, _("已删除该家庭成员。"))
            return redirect("portal:apply_step", draft.pk, "members")
        elif action in ("next", "save_exit"):
            draft = services.draft_step_save(
                draft=draft, step="members", values={}, go_to=_go_to(request, "members")
            )
            return _go_on(request, draft)
    status = 400 if form.is_bound and form.errors else 200
    return _render(
        request,
        draft,
        "members",
        "members.html",
        {"form": form, "members": draft.data.get("members", [])},
        status,
    )


def _income(request, draft):
    saved = draft.data.get("income", {})
    people = saved.get("people", {})
    selfcheck = draft.data.get("selfcheck", {})
    data = request.POST or None
    forms = []
    for key, name, _person in people_of(draft):
        initial = people.get(key)
        if initial is None and key == "self" and selfcheck.get("household_size") == 1:
            monthly = selfcheck.get("monthly_income_total")
            # Money stays Decimal: 1,000 a month is 12000, not 12000.0 (a float's text).
            initial = {"annual_income": f"{Decimal(str(monthly)) * 12:f}"} if monthly else None
        forms.append((key, PersonIncomeForm(data, prefix=f"p-{key}", person_name=name, initial=initial)))
    family_form = FamilyIncomeForm(data, prefix="family", initial=saved.get("family"))
    if request.method == "POST":
        if family_form.is_valid() and all(form.is_valid() for _key, form in forms):
            draft = services.draft_income_save(
                draft=draft,
                family=family_form.cleaned_data,
                people={key: form.cleaned_data for key, form in forms},
                go_to=_go_to(request, "income"),
            )
            return _go_on(request, draft)
    return _render(
        request,
        draft,
        "income",
        "income.html",
        {
            "person_forms": [f for _k, f in forms],
            "family_form": family_form,
            "selfcheck": selfcheck,
            "has_errors": request.method == "POST",
        },
        400 if request.method == "POST" else 200,
    )


def _person_choices(draft) -> list[tuple[str, str]]:
    return [(key, name) for key, name, _p in people_of(draft)]


def _housing(request, draft):
    action = request.POST.get("action", "")
    housing = draft.data.get("housing", {})
    selfcheck = draft.data.get("selfcheck", {})
    family_initial = housing.get("family")
    if family_initial is None and selfcheck:
        family_initial = {
            k: v
            for k, v in (
                ("total_floor_area", selfcheck.get("floor_area_total")),
                ("has_received_housing_support", selfcheck.get("enjoys_housing_security")),
            )
            if v not in (None, "")
        }
    row_form = HousingRowForm(
        request.POST if action == "add" else None, prefix="row", people=_person_choices(draft)
    )
    family_form = HousingFamilyForm(
        request.POST if action in ("next", "save_exit") else None, prefix="family", initial=family_initial
    )
    if request.method == "POST":
        if action == "add" and row_form.is_valid():
            services.draft_row_add(draft=draft, kind="housing", values=row_form.row_values())
            messages.success(request, _("已添加一处住房。"))
            return redirect("portal:apply_step", draft.pk, "housing")
        if action == "remove":
            services.draft_row_remove(draft=draft, kind="housing", uid=request.POST.get("uid", ""))
            return redirect("portal:apply_step", draft.pk, "housing")
        if action in ("next", "save_exit") and family_form.is_valid():
            draft = services.draft_step_save(
                draft=draft, step="housing", values=family_form.cleaned_data, go_to=_go_to(request, "housing")
            )
            return _go_on(request, draft)
    names = dict(_person_choices(draft))
    return _render(
        request,
        draft,
        "housing",
        "housing.html",
        {
            "row_form": row_form,
            "family_form": family_form,
            "rows": [
                {**r, "owner_label": names.get(r.get("owner", ""), "")} for r in housing.get("rows", [])
            ],
        },
        400 if request.method == "POST" else 200,
    )


def _assets(request, draft):
    action = request.POST.get("action", "")
    names = [name for _key, name, _p in people_of(draft)]
    form = AssetForm(request.POST if action == "add" else None, prefix="asset", member_names=names)
    if request.method == "POST":
        if action == "add" and form.is_valid():
            services.draft_row_add(draft=draft, kind="assets", values=form.cleaned_data)
            messages.success(request, _("已添加一项资产。"))
            return redirect("portal:apply_step", draft.pk, "assets")
        if action == "remove":
            services.draft_row_remove(draft=draft, kind="assets", uid=request.POST.get("uid", ""))
            return redirect("portal:apply_step", draft.pk, "assets")
        if action in ("next", "save_exit"):
            draft = services.draft_step_save(
                draft=draft, step="assets", values={}, go_to=_go_to(request, "assets")
            )
            return _go_on(request, draft)
    from admission.models import AssetCategory

    categories = dict(AssetCategory.choices)
    rows = [
        {**r, "category_label": categories.get(r.get("category", ""), "")}
        for r in draft.data.get("assets", {}).get("rows", [])
    ]
    return _render(
        request,
        draft,
        "assets",
        "assets.html",
        {"form": form, "rows": rows},
        400 if request.method == "POST" else 200,
    )


def _documents(request, draft):
    action = request.POST.get("action", "")
    failed = None
    if request.method == "POST":
        if action == "upload":
            failed = DocumentUploadForm(request.POST, request.FILES)
            if failed.is_valid():
                try:
                    services.draft_document_add(
                        draft=draft,
                        requirement_code=failed.cleaned_data["requirement"],
                        upload=failed.cleaned_data["file"],
                    )
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        add_service_errors(failed, exc)
                    else:
                        failed.add_error("file", exc)
                else:
                    messages.success(
                        request, _("已上传：%(name)s。") % {"name": failed.cleaned_data["file"].name}
                    )
                    return redirect("portal:apply_step", draft.pk, "documents")
        elif action == "remove":
            try:
                index = int(request.POST.get("index", ""))
            except ValueError:
                index = -1
            services.draft_document_remove(
                draft=draft, requirement_code=request.POST.get("requirement", ""), index=index
            )
            return redirect("portal:apply_step", draft.pk, "documents")
        elif action in ("next", "save_exit"):
            draft = services.draft_step_save(
                draft=draft, step="documents", values={}, go_to=_go_to(request, "documents")
            )
            return _go_on(request, draft)
    items = []
    for requirement in services.draft_requirements(draft):
        if failed is not None and failed.data.get("requirement") == requirement.code:
            form = failed
        else:
            form = DocumentUploadForm(initial={"requirement": requirement.code}, prefix=None)
        form.fields["file"].widget.attrs["id"] = f"file-{requirement.code}"
        items.append(
            {"requirement": requirement, "files": draft.documents.get(requirement.code, []), "form": form}
        )
    return _render(
        request, draft, "documents", "documents.html", {"items": items}, 400 if failed is not None else 200
    )


def _promise(request, draft):
    agreed = bool(draft.data.get("promise", {}).get("agreed"))
    form = PromiseForm(request.POST or None, initial={"agree": agreed})
    if request.method == "POST" and form.is_valid():
        draft = services.draft_step_save(
            draft=draft, step="promise", values={}, go_to=_go_to(request, "promise")
        )
        return _go_on(request, draft)
    return _render(request, draft, "promise", "promise.html", {"form": form}, 400 if form.is_bound else 200)


def _review(request, draft, *, submit_errors: list[str] | None = None, status: int = 200):
    return _render(
        request,
        draft,
        "review",
        "review.html",
        {**draft_review(draft), "submit_errors": submit_errors},
        status,
    )


STEP_VIEWS = {
    "choose": _choose,
    "applicant": _applicant,
    "members": _members,
    "income": _income,
    "housing": _housing,
    "assets": _assets,
    "documents": _documents,
    "promise": _promise,
    "review": _review,
}


# --- submission and receipt ----------------------------------------------------------------------------


@applicant_required
@require_POST
def apply_submit(request, pk: int):
    draft = draft_get_for_owner(user=request.user, pk=pk)
    if draft.is_submitted:
        messages.info(
            request,
            _("本申请已经提交（申请编号 %(number)s），不能重复提交。")
            % {"number": draft.submitted_application.receipt_number},
        )
        return redirect("portal:apply_receipt", draft.pk)
    try:
        services.draft_submit(draft=draft, user=request.user)
    except ValidationError as exc:
        draft.refresh_from_db()
        if draft.is_submitted:
            return redirect("portal:apply_receipt", draft.pk)
        return _review(request, draft, submit_errors=exc.messages, status=400)
    messages.success(request, _("申请已提交。"))
    return redirect("portal:apply_receipt", draft.pk)


def _affairs_url() -> str:
    try:
        return reverse("portal:affairs_list")
    except NoReverseMatch:
        return reverse("portal:me")


def _receipt_context(draft: ApplicationDraft) -> dict:
    application = draft.submitted_application
    return {
        "draft": draft,
        "application": application,
        "submitted_at": timezone.localtime(draft.submitted_at),
        "sections": draft_summary(draft),
        "affairs_url": _affairs_url(),
        "has_affairs": _affairs_url() != reverse("portal:me"),
    }


@applicant_required
def apply_receipt(request, pk: int):
    draft = draft_get_for_owner(user=request.user, pk=pk)
    if not draft.is_submitted:
        return redirect("portal:apply_step", draft.pk, draft.current_step)
    return render(request, "portal/apply/receipt.html", {**_receipt_context(draft), "title": _("申请回执")})


@applicant_required
def apply_receipt_pdf(request, pk: int):
    """The receipt as a PDF (WeasyPrint, Noto Sans CJK SC), for the owner only."""
    from housing.documents.pdf import html_to_pdf

    draft = draft_get_for_owner(user=request.user, pk=pk)
    if not draft.is_submitted:
        raise Http404
    html = render_to_string("portal/apply/receipt_pdf.html", _receipt_context(draft))
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    number = draft.submitted_application.receipt_number
    response["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    return response


# --- 「我的」 card ---------------------------------------------------------------------------------------


def _panel_context(request):
    from .selectors import drafts_submitted_for_owner

    drafts = list(drafts_open_for_owner(user=request.user))
    submitted = list(drafts_submitted_for_owner(user=request.user)[:5])
    if not drafts and not submitted:
        return {"drafts": [], "submitted": [], "start_url": reverse("portal:apply_start")}
    return {"drafts": drafts, "submitted": submitted, "start_url": reverse("portal:apply_start")}


def register_panel() -> None:
    """「继续填写申请」 on 「我的」 (``portal.me_panels``)."""
    from portal.me_panels import MePanel, register

    register(MePanel(code="apply", template="portal/apply/_me_panel.html", context=_panel_context, order=50))
