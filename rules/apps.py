from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _process_sync_after_migrate(**kwargs) -> None:
    from .services import ruleset_process_sync

    ruleset_process_sync()


def _forget_compiled_rules(**kwargs) -> None:
    # Not business logic: a changed version (admin, service, fixture) must not be evaluated from
    # a stale compiled copy in this process.
    from .engine import rules_cache_clear

    rules_cache_clear()


class RulesConfig(AppConfig):
    name = "rules"
    label = "rules"
    verbose_name = _("保障规则")

    def ready(self) -> None:
        from . import factors  # noqa: F401  (registers the built-in factors and the dict provider)
        from .models import RuleSet

        # The workflow process recording rule-set transitions exists after every migrate or flush.
        post_migrate.connect(_process_sync_after_migrate, sender=self)
        post_save.connect(_forget_compiled_rules, sender=RuleSet, dispatch_uid="rules_ruleset_saved")
        post_delete.connect(_forget_compiled_rules, sender=RuleSet, dispatch_uid="rules_ruleset_deleted")

        from housing.backoffice.navigation import NavItem, register

        register(
            section="rules",
            section_title=_("保障规则"),
            order=150,
            items=[
                NavItem(_("规则模版"), "rules:ruleset_list", permission="rules.view_ruleset"),
                NavItem(_("规则试算"), "rules:trial", permission="rules.view_ruleset"),
                NavItem(_("导入规则模版"), "rules:ruleset_import", permission="rules.add_ruleset"),
            ],
        )
