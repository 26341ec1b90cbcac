from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _review_process_sync_after_migrate(**kwargs) -> None:
    # One 「保障资格申请审核」 template for admission and the workflow demo (housing.workflow.demo).
    from housing.workflow.demo import ensure_admission_review_template

    ensure_admission_review_template()


class AdmissionConfig(AppConfig):
    name = "admission"
    label = "admission"
    verbose_name = _("准入登记")

    def ready(self) -> None:
        from housing.accounts.identity import mask_id_number, mask_phone
        from housing.audit.reveal import RevealSpec
        from housing.audit.reveal import register as register_reveal
        from housing.backoffice.navigation import NavItem
        from housing.backoffice.navigation import register as register_nav

        from .selectors import family_get_for_user, family_member_get_for_user

        # The clear numbers are shown only on the family's detail page, one at a time, each view
        # logged (DESIGN §4 rule 8); the getters answer 404 outside the user's scope.
        for model_label, field, getter, mask in (
            ("admission.family", "id_number", family_get_for_user, mask_id_number),
            ("admission.family", "phone", family_get_for_user, mask_phone),
            ("admission.familymember", "id_number", family_member_get_for_user, mask_id_number),
        ):
            register_reveal(
                RevealSpec(
                    model_label=model_label,
                    field=field,
                    get_object=getter,
                    mask=mask,
                    permission="admission.view_family",
                )
            )
        register_nav(
            section="admission",
            section_title=_("准入登记"),
            order=200,
            items=[
                NavItem(_("家庭档案"), "admission:family_list", permission="admission.view_family"),
                NavItem(
                    _("待办申请"), "admission:application_queue", permission="admission.view_application"
                ),
                NavItem(_("申请查询"), "admission:application_list", permission="admission.view_application"),
            ],
        )
        # Admission owns the family's facts (家庭人口数, 人均收入, 人均面积, 低保 …) for the rules engine.
        from rules.factors import provider_register

        from .applications import FamilyFactsProvider

        provider_register(FamilyFactsProvider())
        from .casework import hooks as casework_hooks
        from .checks import hooks as checks_hooks
        from .publicity import hooks as publicity_hooks
        from .registry import hooks as registry_hooks

        for hooks in (casework_hooks, checks_hooks, publicity_hooks, registry_hooks):
            hooks.ready()
        from .timeline_parts import register as register_timeline_parts

        register_timeline_parts()
        from . import support_views

        support_views.ready()  # 支持对象管理 (A.3.17/A.3.18): admin and menu
        post_migrate.connect(_review_process_sync_after_migrate, sender=self)
