"""The personas of DESIGN §1 as roles, with the permissions each holds.

Codes are stable strings (never database ids). Permissions are named ``app_label.codename``;
a permission whose app is not installed yet is skipped, so later subsystems only add lines here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    description: str
    permissions: tuple[str, ...] = ()


_CASEWORK = ("archive.view_document", "archive.add_document", "workflow.view_processinstance")

# 规划计划 (projects.plans): everyone concerned reads plans; project officers edit plans and the
# subsidy tables; districts draft, fill the project reserve and submit (上报) their annual plans;
# the city approves, issues (下达) or returns them.
_PLANS_VIEW = tuple(
    f"plans.view_{model}"
    for model in (
        "housingplan",
        "planhouseholdtarget",
        "planmacroindicator",
        "annualplan",
        "annualprojectreserve",
        "subsidystandard",
        "rewardfactor",
        "subsidyallocation",
    )
)
_PLANS_EDIT = (
    *_PLANS_VIEW,
    *(
        f"plans.{action}_{model}"
        for model in (
            "housingplan",
            "planhouseholdtarget",
            "planmacroindicator",
            "subsidystandard",
            "rewardfactor",
            "subsidyallocation",
        )
        for action in ("add", "change")
    ),
)
_PLANS_DISTRICT = (
    *_PLANS_VIEW,
    "plans.add_annualplan",
    "plans.change_annualplan",
    "plans.submit_annualplan",
    "plans.add_annualprojectreserve",
    "plans.change_annualprojectreserve",
    "plans.delete_annualprojectreserve",
)
_PLANS_CITY = (*_PLANS_VIEW, "plans.approve_annualplan")

# 建设项目 (projects): project officers keep land, projects, buildings and units and run the unit
# lifecycle and handover; the city centre and the districts read them (and their 楼盘表).
_PROJECTS_MODELS = (
    "landreserve", "project", "building", "unit", "handoverbatch", "unittransfer", "unitchange",
    "participatingcompany", "participatingperson", "progresslog", "approvalcertificate",
    "certificatescan", "constructioncontract", "relocationcontract",
)  # fmt: skip
_PROJECTS_VIEW = tuple(f"projects.view_{model}" for model in _PROJECTS_MODELS)
_PROJECTS_EDIT = (
    *_PROJECTS_VIEW,
    *(f"projects.{action}_{model}" for model in _PROJECTS_MODELS for action in ("add", "change")),
    "projects.handover_unit", "projects.allocate_unit", "projects.occupy_unit",
    "projects.repair_unit", "projects.cancel_unit", "projects.transfer_unit",
)  # fmt: skip

# 准入登记 applications: the street takes cases in (受理, 补件, 撤回) and reviews; each level reviews its own.
_ADMISSION_STREET = (
    "admission.view_application",
    "admission.add_application",
    "admission.change_application",
    "admission.review_street",
    "admission.view_homeinspection",  # 入户核查: may be sent on a home visit, sees the region's visits
)
_ADMISSION_DISTRICT = (
    "admission.view_application",
    "admission.review_district",
    "admission.view_homeinspection",
)
_ADMISSION_CITY = ("admission.view_application", "admission.review_city", "admission.view_homeinspection")
# 部门核查 (issue 4 part 5): every review level sees the department checks of its cases.
_DEPARTMENT_CHECKS = ("admission.view_departmentcheck",)
_ADMISSION_STREET += _DEPARTMENT_CHECKS
_ADMISSION_DISTRICT += _DEPARTMENT_CHECKS
_ADMISSION_CITY += _DEPARTMENT_CHECKS
# 登记簿、轮候名册、复核申请 (issue 4 parts 9–10): every level reads them and records appeals at its window;
# the city keeps the guarantee status (实施保障、保障退出、年审年度).
_REGISTRY = (
    "admission.view_registryentry",
    "admission.view_waitlistentry",
    "admission.view_reviewappeal",
    "admission.add_reviewappeal",
)
_ADMISSION_STREET += _REGISTRY
_ADMISSION_DISTRICT += _REGISTRY
_ADMISSION_CITY += (*_REGISTRY, "admission.change_registryentry")
# 公示与举报 (issue 4 part 8): every level reads batches and objections and records reports; compiling,
# publishing, assigning and deciding need that level's review permission (review_street …).
_PUBLICITY = ("admission.view_publicitybatch", "admission.view_objection", "admission.add_objection")
_ADMISSION_STREET += _PUBLICITY
_ADMISSION_DISTRICT += _PUBLICITY
_ADMISSION_CITY += _PUBLICITY
# 支持对象管理 (A.3.17/A.3.18): the city records suppliers' applications and reviews them (审核核定).
_ADMISSION_CITY += tuple(
    f"admission.{action}_{model}"
    for model in ("supplierunitapproval", "supplierpersonapproval")
    for action in ("view", "add", "approve")
)

# 门户内容管理 (issue 6 part 1): the city centre writes, publishes and withdraws the portal's articles.
_PORTAL_CONTENT = (
    "portal.view_article",
    "portal.add_article",
    "portal.change_article",
    "portal.publish_article",
)

# 配给管理 (allocation): each part keeps its own lines below (permission strings only).
# *_VIEW: read; *_RUN: the city centre's work; *_FINANCE / *_PROJECT: the finance and project officers'.
_ALLOCATION_LEDGERS_VIEW: tuple[str, ...] = (
    "allocation.view_guaranteeledger",
    "allocation.view_supportledger",
    "allocation.view_guaranteemovement",
    "allocation.view_supportmovement",
    "allocation.view_supportpaymentplan",
    "allocation.view_landsupplyrecord",
)
_ALLOCATION_LEDGERS_FINANCE: tuple[str, ...] = (
    "allocation.add_supportpaymentplan",
    "allocation.change_supportpaymentplan",
    "allocation.rebuild_ledger",
)
_ALLOCATION_LEDGERS_PROJECT: tuple[str, ...] = (
    "allocation.add_landsupplyrecord",
    "allocation.change_landsupplyrecord",
)
_ALLOCATION_PLANS_VIEW: tuple[str, ...] = (
    "allocation.view_allocationplan",
    "allocation.view_allocationplanfamily",
    "allocation.view_allocationplanresource",
    "allocation.view_supportallocationplan",
    "allocation.view_supportallocationplanobject",
)
_ALLOCATION_PLANS_RUN: tuple[str, ...] = ("allocation.run_allocationplan",)
_ALLOCATION_WAITLIST_VIEW: tuple[str, ...] = (
    "allocation.view_waitlistrefusal",
    "allocation.view_waitlistevent",
)
_ALLOCATION_WAITLIST_RUN: tuple[str, ...] = ("allocation.add_waitlistrefusal",)
_ALLOCATION_SELECTION_VIEW: tuple[str, ...] = (
    "allocation.view_selectionsession",
    "allocation.view_allocationorder",
    "allocation.view_selectionpick",
)
_ALLOCATION_SELECTION_RUN: tuple[str, ...] = (
    "allocation.run_selection",
    "allocation.review_selection",
    "projects.allocate_unit",
    "allocation.add_waitlistrefusal",  # 缺席、放弃 count as refusals (allocation.waitlist)
)
_ALLOCATION_CONTRACTS_VIEW: tuple[str, ...] = ("allocation.view_contract", "allocation.view_contractarchive")
_ALLOCATION_CONTRACTS_RUN: tuple[str, ...] = ("allocation.sign_contract", "projects.allocate_unit")
_ALLOCATION_TENANCY_VIEW: tuple[str, ...] = (
    "allocation.view_movein",
    "allocation.view_vacating",
    "allocation.view_rentreceivable",
    "allocation.view_rentreceipt",
    "allocation.view_monthlyfixedcharge",  # 每月固定费用 (A.8.7), shown beside the rent
)
_ALLOCATION_TENANCY_RUN: tuple[str, ...] = (
    "allocation.manage_tenancy",
    "allocation.collect_rent",
    "projects.occupy_unit",  # 入住: 已配给 → 已入住; 腾退 back to stock
)
_ALLOCATION_TENANCY_FINANCE: tuple[str, ...] = ("allocation.collect_rent",)
_ALLOCATION_SUBSIDIES_VIEW: tuple[str, ...] = (
    "allocation.view_subsidydue",
    "allocation.view_subsidypayment",
    "allocation.view_paymentbatch",
)
_ALLOCATION_SUBSIDIES_RUN: tuple[str, ...] = ("allocation.run_subsidy", "allocation.review_subsidy")
_ALLOCATION_ANNUAL_REVIEW_VIEW: tuple[str, ...] = ("allocation.view_annualreview",)
_ALLOCATION_ANNUAL_REVIEW_RUN: tuple[str, ...] = (
    "allocation.run_annual_review",
    "allocation.decide_annual_review",
)
_ALLOCATION_RESALE_VIEW: tuple[str, ...] = (
    "allocation.view_resale",
    "allocation.view_salereturn",
    "allocation.view_priceindex",
)
_ALLOCATION_RESALE_RUN: tuple[str, ...] = (
    "allocation.manage_resale",
    "projects.allocate_unit",  # 回购、退回: 收回入库; 上市: 注销出保障房源库
    "allocation.sign_contract",  # the sale contract ends
)
_ALLOCATION_EXITS_VIEW: tuple[str, ...] = ("allocation.view_exitcase", "allocation.view_creditentry")
_ALLOCATION_EXITS_RUN: tuple[str, ...] = (
    "allocation.manage_exit",
    "allocation.manage_tenancy",  # 腾退 through tenancy
    "projects.occupy_unit",  # 腾退: the unit back in the stock
    "allocation.sign_contract",  # 终止 the agreement
)
_ALLOCATION_VIEW = (
    *_ALLOCATION_EXITS_VIEW,
    *_ALLOCATION_RESALE_VIEW,
    *_ALLOCATION_TENANCY_VIEW,
    *_ALLOCATION_SUBSIDIES_VIEW,
    *_ALLOCATION_ANNUAL_REVIEW_VIEW,
    *_ALLOCATION_LEDGERS_VIEW,
    *_ALLOCATION_PLANS_VIEW,
    *_ALLOCATION_WAITLIST_VIEW,
    *_ALLOCATION_SELECTION_VIEW,
    *_ALLOCATION_CONTRACTS_VIEW,
)
_ALLOCATION_RUN = (
    *_ALLOCATION_VIEW,
    *_ALLOCATION_PLANS_RUN,
    *_ALLOCATION_WAITLIST_RUN,
    *_ALLOCATION_SELECTION_RUN,
    *_ALLOCATION_CONTRACTS_RUN,
    *_ALLOCATION_TENANCY_RUN,
    *_ALLOCATION_SUBSIDIES_RUN,
    *_ALLOCATION_ANNUAL_REVIEW_RUN,
    *_ALLOCATION_RESALE_RUN,
    *_ALLOCATION_EXITS_RUN,
)

ROLE_SPECS: tuple[RoleSpec, ...] = (
    RoleSpec(
        "street_caseworker",
        _("街道经办"),
        _("受理申请、入户核查、街道初审与公示"),
        (
            *_CASEWORK,
            "admission.view_family",
            "admission.add_family",
            "admission.change_family",
            "rules.view_ruleset",
            *_ADMISSION_STREET,
        ),
    ),
    RoleSpec(
        "district_reviewer",
        _("区审核"),
        _("区级复审、区级公示、区级房源与补贴；年度计划编制上报"),
        (
            *_CASEWORK,
            *_PLANS_DISTRICT,
            *_PROJECTS_VIEW,
            "admission.view_family",
            "rules.view_ruleset",
            *_ADMISSION_DISTRICT,
            *_ALLOCATION_VIEW,
        ),
    ),
    RoleSpec(
        "city_centre",
        _("市保障中心"),
        _("市级终审与公示、登记、配租配售、摇号、合同"),
        (
            *_CASEWORK,
            "admission.view_family",
            *_ADMISSION_CITY,
            "workflow.view_processtemplate",
            "archive.withdraw_document",
            "notify.view_message",
            "exchange.view_dataset",
            "exchange.import_dataset",
            "exchange.view_importbatch",
            "exchange.view_mirrorrecord",
            "documents.view_documenttemplate",
            "documents.add_documenttemplate",
            "documents.change_documenttemplate",
            "documents.publish_documenttemplate",
            "rules.view_ruleset",
            "rules.add_ruleset",
            "rules.change_ruleset",
            "rules.publish_ruleset",
            "rules.view_guaranteeproject",
            "rules.view_ruleexchangerecord",
            *_PLANS_CITY,
            *_PROJECTS_VIEW,
            "allocation.view_lottery",
            "allocation.run_lottery",
            "allocation.void_lottery",
            *_ALLOCATION_RUN,
            *_PORTAL_CONTENT,
        ),
    ),
    RoleSpec(
        "finance_officer",
        _("财务"),
        _("预算、拨付、对账、租金收入"),
        (
            "archive.view_document",
            *_ALLOCATION_LEDGERS_VIEW,
            *_ALLOCATION_LEDGERS_FINANCE,
            *_ALLOCATION_TENANCY_VIEW,
            *_ALLOCATION_TENANCY_FINANCE,
            *_ALLOCATION_SUBSIDIES_VIEW,
            "allocation.run_subsidy",  # 发放批次、银行文件、回盘对账
        ),
    ),
    RoleSpec(
        "project_officer",
        _("项目"),
        _("土地、项目、楼栋、房屋、移交；规划计划"),
        (*_CASEWORK, *_PLANS_EDIT, *_PROJECTS_EDIT, *_ALLOCATION_LEDGERS_VIEW, *_ALLOCATION_LEDGERS_PROJECT),
    ),
    RoleSpec(
        "supervisor",
        _("监督"),
        _("专项检查、投诉、信用、考核、预警"),
        (
            "archive.view_document",
            "workflow.view_processinstance",
            "audit.view_auditevent",
            # 作废摇号须两人：监督员可复核市保障中心提出的作废申请。
            "allocation.view_lottery",
            "allocation.void_lottery",
            *_ALLOCATION_VIEW,
        ),
    ),
    RoleSpec(
        "statistician",
        _("统计"),
        _("报表、填报、汇总、调查"),
        ("workflow.view_processinstance", *_ALLOCATION_LEDGERS_VIEW),
    ),
    RoleSpec(
        "auditor", _("审计员"), _("查询和导出操作日志"), ("audit.view_auditevent", "audit.export_auditevent")
    ),
)

ROLE_CODES = tuple(spec.code for spec in ROLE_SPECS)


def roles_sync() -> None:
    """Create or update every role and its permission group; idempotent."""
    from django.contrib.auth.models import Group, Permission

    from .models import Role

    for spec in ROLE_SPECS:
        group, _created = Group.objects.get_or_create(name=f"role:{spec.code}")
        Role.objects.update_or_create(
            code=spec.code,
            defaults={"name": str(spec.name), "description": str(spec.description), "group": group},
        )
        wanted = []
        for dotted in spec.permissions:
            app_label, codename = dotted.split(".", 1)
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def roles_sync_after_migrate(*, app_config, **kwargs) -> None:
    """post_migrate fires once per app; roles need every app's permissions, which exist only
    after the last app's turn, so sync then (a flush in tests fires it the same way)."""
    from django.apps import apps

    # Django sends post_migrate only for apps that have a models module.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if app_config.label == last.label:
        roles_sync()
