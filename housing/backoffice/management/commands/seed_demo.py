"""Build the demo city: regions, organisations, one account per role. Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each subsystem adds its seeder here, in dependency order; each is idempotent.
DEMO_SEEDERS = [
    "housing.accounts.demo.seed_demo_accounts",
    "housing.notify.services.notify_templates_sync",
    "housing.documents.services.document_templates_seed_demo",
    "housing.archive.demo.seed_demo_documents",
    "housing.workflow.demo.seed_demo_workflow",
    "rules.defaults.rules_seed_demo",
    "admission.demo.seed_demo_families",
    "projects.demo.seed_demo_projects",
    "projects.plans.demo.seed_demo_plans",
    "housing.exchange.demo.seed_demo_exchange",
    # Admission's cases through every stage, then each part's records on top of them.
    "admission.demo_cases.seed_demo_cases",
    "admission.demo_cases.seed_demo_sale_families",
    "admission.checks.demo.seed_demo_checks",
    "admission.publicity.demo.seed_demo_publicity",
    "admission.casework.demo.seed_demo_casework",
    "admission.registry.demo.seed_demo_registry",
    "allocation.demo.seed_demo_lottery",
    # Allocation on top of the registry and the stock: plans, waitlist refusals, contracts of every kind
    # signed months ago, today's selection session for families still waiting, the months after, then the
    # ledgers computed from all of it.
    "allocation.plans.demo.seed_demo_plans",
    "allocation.waitlist.demo.seed_demo_waitlist",
    "allocation.contracts.demo.seed_demo_contracts",
    "allocation.selection.demo.seed_demo_selection",
    "allocation.subsidies.demo.seed_demo_subsidies",
    "allocation.tenancy.demo.seed_demo_tenancy",
    "allocation.exits.demo.seed_demo_exits",
    "allocation.annual_review.demo.seed_demo_annual_review",
    "allocation.resale.demo.seed_demo_resale",
    "allocation.ledgers.demo.seed_demo_ledgers",
    # The portal's articles (通知公告、政策法规 …).
    "portal.content.demo.seed_demo_content",
    "portal.apply.demo.seed_demo_applicant_cases",
]


class Command(BaseCommand):
    help = "生成演示城市数据（区划、机构、各角色账号），可重复执行，不会重复生成。"

    def handle(self, *args, **options):
        from housing.regions.services import regions_load_demo

        with transaction.atomic():
            result = regions_load_demo()
            if result.errors:
                raise RuntimeError("\n".join(result.errors))
            accounts = []
            for dotted in DEMO_SEEDERS:
                accounts.extend(import_string(dotted)() or [])
        self.stdout.write(self.style.SUCCESS("演示城市已就绪：珠海市（演示数据）"))
        self.stdout.write("登录账号（后台 http://127.0.0.1:8000/office/ ，门户 http://127.0.0.1:8000/ ）：")
        for description, login, password in accounts:
            self.stdout.write(f"  {description:<24} 账号 {login:<14} 密码 {password}")
