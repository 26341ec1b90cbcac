from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _process_sync_after_migrate(**kwargs) -> None:
    from .services import annual_plan_process_sync

    annual_plan_process_sync()


class PlansConfig(AppConfig):
    name = "projects.plans"
    label = "plans"
    verbose_name = _("规划计划")

    def ready(self) -> None:
        from housing.backoffice.navigation import NavItem, register

        # The 「年度计划申报下达」 workflow exists after every migrate or flush (live_server tests flush).
        post_migrate.connect(_process_sync_after_migrate, sender=self)
        register(
            section="plans",
            section_title=_("规划计划"),
            order=450,
            items=[
                NavItem(_("住房建设规划"), "plans:plans", permission="plans.view_housingplan"),
                NavItem(_("年度计划"), "plans:annual_plans", permission="plans.view_annualplan"),
                NavItem(_("补助标准"), "plans:standards", permission="plans.view_subsidystandard"),
                NavItem(_("以奖代补因素值"), "plans:factors", permission="plans.view_rewardfactor"),
                NavItem(
                    _("中央省级补助资金分配"), "plans:allocations", permission="plans.view_subsidyallocation"
                ),
            ],
        )
