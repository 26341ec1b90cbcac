"""Password policy: at least 8 characters, 3 of 4 character classes; none of the last 5 again."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese.

    Django 5.2 rewrote this message's source text and its zh_Hans catalogue still carries the
    old one, so the stock validator answers in English on a Chinese page.
    """

    def get_error_message(self) -> str:
        return _("密码长度太短，至少需要%(n)d个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要%(n)d个字符。") % {"n": self.min_length}


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes}


class NoReuseValidator:
    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        # The current hash too: an account created with create_user() has no history row yet.
        hashes = [user.password, *user.password_history.values_list("password", flat=True)[: self.history]]
        for old in hashes:
            if old and check_password(password, old):
                raise ValidationError(
                    _("新密码不能与最近%(n)d次使用过的密码相同。") % {"n": self.history},
                    code="password_reused",
                )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        user.password_history.create(password=user.password)
        stale = user.password_history.all()[self.history :].values_list("pk", flat=True)
        user.password_history.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("新密码不能与最近%(n)d次使用过的密码相同。") % {"n": self.history}
