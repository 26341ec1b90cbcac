"""Automatic audit events for every create, update and delete, and for logins and logouts.

Why signals here, when CONVENTIONS keeps business logic out of them: auditing is a cross-cutting
concern, not business logic. The issue asks for an event for *every* write of *every* model of
the project, including apps not written yet. Calling ``audit_record`` by hand in each service
would be forgotten in the next one, and writes made through the admin, a shell or a management
command would escape. One receiver set connected in ``AuditConfig.ready()`` covers them all,
decides nothing about the business, and writes in the same transaction as the change itself
(so a rolled-back write leaves no event).

Which models: those defined in the project's own source tree (decided by the module's file
path, so ``rules``, ``admission`` … are covered the day they are added), except the audit
trail itself, simple-history's historical copies (history of history) and password history.
Third-party models (sessions, axes, django-otp, guardian …) live in site-packages and are not
tracked; nor are the "fake" models of data migrations.

What this cannot see: ``QuerySet.update()``, ``bulk_create()`` and raw SQL send no signals.
A set-based batch (a monthly subsidy run) records one event for the batch itself by calling
``audit_record`` in its service. Fixture loading (``raw=True``) is a deployment step, not a
user's write, and is not recorded.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext as _

from .models import AuditAction
from .services import audit_record

# Models of the project's own apps that are not audited, by ``app_label.model_name``.
EXCLUDED_MODELS = frozenset({"audit.auditevent", "accounts.passwordhistory"})

# Fields whose change alone is bookkeeping, not a user's write (every login saves last_login).
IGNORED_FIELDS = {"accounts.user": frozenset({"last_login"})}

_OLD_VALUES_ATTR = "_audit_old_values"


@cache
def is_tracked(model: type[models.Model]) -> bool:
    """True for concrete models whose source file lies in the project tree (not site-packages)."""
    from simple_history.models import HistoricalChanges

    meta = model._meta
    if meta.abstract or meta.label_lower in EXCLUDED_MODELS or issubclass(model, HistoricalChanges):
        return False
    module = sys.modules.get(model.__module__)
    filename = getattr(module, "__file__", None)
    if not filename:
        return False  # the __fake__ models of migrations
    path = Path(filename).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts


def _tracked_fields(instance: models.Model, update_fields=None) -> list[models.Field]:
    """Concrete fields loaded on the instance (deferred ones are not saved), minus bookkeeping."""
    ignored = IGNORED_FIELDS.get(instance._meta.label_lower, frozenset())
    fields = []
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in ignored or field.attname not in instance.__dict__:
            continue
        if (
            update_fields is not None
            and field.name not in update_fields
            and field.attname not in update_fields
        ):
            continue
        fields.append(field)
    return fields


def _on_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not is_tracked(sender) or instance._state.adding or instance.pk is None:
        return
    fields = _tracked_fields(instance, update_fields)
    if not fields:
        setattr(instance, _OLD_VALUES_ATTR, {})
        return
    # One read per update so the event can say "old → new"; a write is rare next to reads.
    old = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    setattr(instance, _OLD_VALUES_ATTR, old)


def _on_post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not is_tracked(sender):
        return
    old = instance.__dict__.pop(_OLD_VALUES_ATTR, None)
    fields = _tracked_fields(instance, update_fields)
    if created or old is None:
        changes = {
            f.name: [None, f.value_from_object(instance)]
            for f in fields
            if f.value_from_object(instance) not in (None, "")
        }
        audit_record(action=AuditAction.CREATE, obj=instance, changes=changes)
        return
    changes = {}
    for field in fields:
        before, after = old.get(field.attname), field.value_from_object(instance)
        if before != after:
            changes[field.name] = [before, after]
    if changes:
        audit_record(action=AuditAction.UPDATE, obj=instance, changes=changes)


def _on_post_delete(sender, instance, **kwargs):
    if not is_tracked(sender):
        return
    changes = {
        f.name: [f.value_from_object(instance), None]
        for f in _tracked_fields(instance)
        if f.value_from_object(instance) not in (None, "")
    }
    audit_record(action=AuditAction.DELETE, obj=instance, changes=changes)


def _on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not is_tracked(type(instance)):
        return
    relation = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    change = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    audit_record(
        action=AuditAction.UPDATE,
        obj=instance,
        changes={relation: {change: sorted(pk_set or [])}},
    )


def _user_label(user) -> tuple[str, str, str]:
    return user._meta.label_lower, str(user.pk), (getattr(user, "display_name", "") or str(user))[:200]


def _on_logged_in(sender, request, user, **kwargs):
    object_type, object_id, object_repr = _user_label(user)
    # A login is about a person, not about a region's data: region-less, seen city-wide only.
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code="",
        description=_("登录成功"),
    )


def _on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    object_type, object_id, object_repr = _user_label(user)
    audit_record(
        action=AuditAction.LOGOUT,
        actor=user,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code="",
        description=_("退出登录"),
    )


def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django already replaces the password by stars in ``credentials``; only the name is kept.
    typed = str(credentials.get("username", "") or "")[:150]
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        object_type=settings.AUTH_USER_MODEL.lower(),
        object_repr=typed,
        region_code="",
        changes={"username": typed},
        description=_("登录失败，输入的用户名：%(name)s") % {"name": typed},
    )


def connect() -> None:
    """Connect every receiver once (``dispatch_uid`` keeps a second ``ready()`` harmless)."""
    pre_save.connect(_on_pre_save, dispatch_uid="audit_pre_save")
    post_save.connect(_on_post_save, dispatch_uid="audit_post_save")
    post_delete.connect(_on_post_delete, dispatch_uid="audit_post_delete")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="audit_m2m_changed")
    user_logged_in.connect(_on_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(_on_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit_login_failed")
