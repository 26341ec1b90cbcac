"""Staff log in by username; applicants by phone or ID number. Each backend refuses the other kind."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .identity import id_number_digest
from .models import User, UserKind


class StaffBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if kwargs.get("portal"):
            return None
        user = User.objects.filter(username=username, kind=UserKind.STAFF).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        if user is None:
            User().set_password(password)  # same cost either way: no timing oracle for usernames
        return None

    def _get_group_permissions(self, user_obj):
        # Permissions come from the roles a user holds (RoleAssignment), not from ad-hoc groups.
        return Permission.objects.filter(group__role__roleassignment__user=user_obj)


class ApplicantBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not kwargs.get("portal") or not username:
            return None
        identifier = username.strip()
        candidates = User.objects.filter(kind=UserKind.APPLICANT)
        if len(identifier) == 11 and identifier.isdigit():
            user = candidates.filter(phone=identifier).first()
        else:
            user = candidates.filter(id_number_digest=id_number_digest(identifier)).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_all_permissions(self, user_obj, obj=None):
        return set()  # applicants hold no back-office permission
