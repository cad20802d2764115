"""Password and sign-in rules of 等保 2.0 level 2 and above: Django password validators, and
the lockout handler django-axes uses (by user name, and separately by address)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
import unicodedata

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db.models import Sum
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


# Common passwords: a common word or place name dressed up with digits and symbols -------------

# Stems Chinese users pick (pinyin phrases, keyboard runs, system words), and the portal's own
# names. Jurisdiction names in Chinese come from the database; their pinyin is not known, so the
# larger places' pinyin is listed here.
_COMMON_STEMS_TEXT = """
    woaini aini woaiwojia woainimama iloveyou zhongguo china zhonghua chinese
    admin administrator root system sysadmin super superadmin manager guest user test tester
    password passwd passw pass pwd mima welcome letmein hello nihao
    qwerty qwert qwer qwertyuiop asdf asdfgh asdfghjkl zxcv zxcvbn zxcvbnm qaz qazwsx qazwsxedc
    wsx qweasd qweasdzxc asd abc abcd abcde abcdef aaa
    zhiliangqiangshi qiangshi zlqs zhiliangju shichang scjg scjgj zhengfu gov jiangsu suzhou
    beijing shanghai tianjin chongqing guangzhou shenzhen hangzhou nanjing wuhan chengdu xian
    taicang kunshan changshu zhangjiagang wuxi changzhou nantong yangzhou zhenjiang
    质量强市 质强办 质量 强市 管理员 密码 我爱你 中国
"""
COMMON_STEMS = frozenset(_COMMON_STEMS_TEXT.split())
# Digits and symbols people use for letters (P@ssw0rd, Adm1n).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_NOT_LETTER = re.compile(r"[^a-z\u3400-\u9fff]+")
_ENDS = re.compile(r"^[^a-z\u3400-\u9fff]+|[^a-z\u3400-\u9fff]+$")
_JURISDICTION_SUFFIX = re.compile(r"(?:省|市|县|区|旗|自治州|自治县|地区)$")
MIN_STEM = 3


def password_stems(password: str) -> set[str]:
    """The words a password is built on: lower case, full width made half, then the letters and
    Chinese characters left once digits and symbols are dropped, read as typed and with look-alike
    digits inside the word read as letters (P@ssw0rd123 → password)."""
    text = unicodedata.normalize("NFKC", password).lower()
    inner = _ENDS.sub("", text).translate(_LEET)
    return {_NOT_LETTER.sub("", text), _NOT_LETTER.sub("", inner)}


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from django.contrib.auth.password_validation import CommonPasswordValidator

    return frozenset(CommonPasswordValidator().passwords) | COMMON_STEMS


def _place_names() -> set[str]:
    from .models import Jurisdiction

    names = set()
    for name in Jurisdiction.objects.values_list("name", flat=True):
        names.add(name)
        names.add(_JURISDICTION_SUFFIX.sub("", name))
    return {n for n in names if len(n) >= 2}


class CommonStemValidator:
    """A password whose word is a common password, a common Chinese password stem or the name of
    a jurisdiction of the portal, whatever digits and symbols surround it, is refused
    (Admin@123, Passw0rd!, 太仓@123)."""

    def validate(self, password, user=None):
        stems = {s for s in password_stems(password) if s}
        common = {s for s in stems if len(s) >= MIN_STEM and s in _common_words()}
        places = stems & _place_names()
        if common or places:
            raise ValidationError(
                _("密码过于常见：常用词、系统名称或地名加上数字和符号很容易被猜到，请换一个"),
                code="password_common_stem",
            )

    def get_help_text(self):
        return _("不能是常用词、系统名称或地名加上数字和符号（如 Admin@123、太仓@2026）。")


# Lockout: by user name, and separately by address ------------------------------------------


class NameAndAddressLockoutHandler(AxesDatabaseHandler):
    """django-axes counts failures per lockout parameter but holds them all to one limit. We lock
    a user name after AXES_FAILURE_LIMIT failures, and an address after AXES_ADDRESS_FAILURE_LIMIT
    (a bureau behind one NAT address is many people), each within the cool-off time.

    get_failures answers axes' single question ("are the failures at the limit?"): the user
    name's failures, or the whole limit once the address has reached its own."""

    def get_failures(self, request, credentials=None) -> int:
        counts = {}
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            key = parameter if isinstance(parameter, str) else "+".join(parameter)
            counts[key] = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        by_name = counts.get("username", 0)
        if counts.get("ip_address", 0) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(by_name, get_failure_limit(request, credentials))
        return by_name

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in forgives that user name's failures only: axes would also forget
        every failure from the address, so a sprayer could clear the address's count by signing
        in to an account of their own."""
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _by_model = AccessAttempt.objects.filter(username=username).delete()
        return count
