"""Password rules of 等保 2.0 level 2 and above, as Django password validators."""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = (
    ("大写字母", set(string.ascii_uppercase)),
    ("小写字母", set(string.ascii_lowercase)),
    ("数字", set(string.digits)),
)


def character_classes(password: str) -> int:
    """Upper case, lower case, digits, and anything else (symbols, Chinese characters) count as four classes."""
    used = sum(1 for _, chars in CLASSES if any(c in chars for c in password))
    others = any(not (c in string.ascii_letters or c in string.digits) for c in password)
    return used + others


class CharacterClassesValidator:
    """A password uses at least N of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(count)s类")
                % {"count": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(count)s类。") % {
            "count": self.min_classes
        }


class PasswordHistoryValidator:
    """None of the user's last N passwords may be used again."""

    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        state = _state(user)
        recent = state.history[-self.remember :] if state else []
        if any(check_password(password, old) for old in recent) or (
            user.password and check_password(password, user.password)
        ):
            raise ValidationError(
                _("不能使用最近%(count)s次用过的密码") % {"count": self.remember}, code="password_reused"
            )

    def password_changed(self, password, user=None):
        """Django calls this after a password is set: remember its hash and when it changed."""
        if user is None or not user.pk:
            return
        from .models import PasswordState

        state, _created = PasswordState.objects.get_or_create(user=user)
        state.history = (state.history + [user.password])[-self.remember :]
        state.changed_at = timezone.now()
        state.must_change = False
        state.save(update_fields=["history", "changed_at", "must_change"])

    def get_help_text(self):
        return _("不能使用最近%(count)s次用过的密码。") % {"count": self.remember}


def _state(user):
    from .models import PasswordState

    return PasswordState.objects.filter(user=user).first()


def password_change_required(user) -> str | None:
    """Why a signed-in user must change their password now: first login of a created account,
    or 90 days since the last change; None when they need not."""
    state = _state(user)
    if state is None or state.exempt:
        return None
    if state.must_change:
        return _("首次登录或密码被重置，请先修改密码")
    max_age = dt.timedelta(days=getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90))
    if state.changed_at and timezone.now() - state.changed_at > max_age:
        return _("密码已超过%(days)s天未修改，请修改密码") % {"days": max_age.days}
    return None
