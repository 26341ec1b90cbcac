"""The system actor (系统): who automatic steps are recorded under.

Automatic acceptance and approval, a publicity batch closed by Celery beat, an annual-review run: each is
recorded through the same transitions and workflow records as a person's step, with this user as the actor,
so the record says plainly that nobody clicked. It holds every permission (superuser) but has no usable
password and cannot log in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


def system_actor():
    """The one system user, created on first use."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "系统", "is_staff": False, "is_superuser": True, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
