"""API tokens: made by the office for its own jurisdiction, kept only as a digest, scoped,
expiring, revocable, rate-limited, and every use recorded.

A key is `qc_` + 8 characters of prefix + `_` + 43 random characters (256 bits). A key that
random needs no slow hash: its SHA-256 digest is looked up directly, and a leaked table of
digests gives nobody a key. The prefix is kept in clear so the office can tell its keys apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitycity.errors import ApplicationError
from responsibilities.models import Department, Jurisdiction
from responsibilities.scope import Scope, descendant_ids, user_scope
from responsibilities.services import audit_record

from .models import ApiToken, ApiTokenUse

KEY_PREFIX = "qc_"
OFFICE_ONLY = gettext_lazy("只有本行政区的质强办可以管理接口令牌")


class ApiRefused(ApplicationError):
    """An API request refused: a stable `code` for programs, a Chinese message for people,
    and `details` where several things are wrong."""

    def __init__(self, code: str, message, *, status: int = 400, details: list | None = None):
        super().__init__(message, status=status)
        self.code = code
        self.details = details or []


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def require_token_office(*, user, jurisdiction: Jurisdiction) -> None:
    """Only the office of a jurisdiction (never one overseeing it from above) manages its tokens."""
    scope = user_scope(user)
    if not scope.is_office_of(jurisdiction.pk) or scope.is_below(jurisdiction.pk):
        raise PermissionDenied(OFFICE_ONLY)


@transaction.atomic
def token_create(
    *,
    jurisdiction: Jurisdiction,
    actor,
    name: str,
    scope: str,
    days: int,
    department: Department | None = None,
    now: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """The office makes a token for its jurisdiction, valid for 1 to API_TOKEN_MAX_DAYS days;
    the key comes back once and only its digest is kept. A task-progress token names the one
    department of the jurisdiction it writes for; no other token names one."""
    require_token_office(user=actor, jurisdiction=jurisdiction)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("请填写令牌名称"), field="name")
    if scope not in ApiToken.Scope.values:
        raise ApplicationError(_("请选择令牌权限"), field="scope")
    department = token_department_check(jurisdiction=jurisdiction, scope=scope, department=department)
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ApplicationError(
            _("有效期须在1至%(max)s天之间") % {"max": settings.API_TOKEN_MAX_DAYS}, field="days"
        )
    now = now or timezone.now()
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        jurisdiction=jurisdiction,
        name=name[:100],
        prefix=prefix,
        key_digest=key_digest(key),
        scope=scope,
        department=department,
        expires_at=now + dt.timedelta(days=days),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        jurisdiction=jurisdiction,
        summary=_("创建接口令牌“%(name)s”（%(scope)s，有效期至%(until)s）")
        % {
            "name": token.name,
            "scope": token_scope_label(token),
            "until": date_format(timezone.localtime(token.expires_at).date(), "DATE_FORMAT"),
        },
        after={
            "name": token.name,
            "prefix": prefix,
            "scope": scope,
            "department_id": department.pk if department else None,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, key


def token_department_check(
    *, jurisdiction: Jurisdiction, scope: str, department: Department | None
) -> Department | None:
    """Only a task-progress token names a department, and it must: an active unit of the
    token's own jurisdiction (never a collective name, never another jurisdiction's)."""
    if scope != ApiToken.Scope.PROGRESS:
        if department is not None:
            raise ApplicationError(_("只有“报送任务进展”权限的令牌需要选择报送部门"), field="department")
        return None
    if department is None:
        raise ApplicationError(_("请选择该令牌代为报送任务进展的部门"), field="department")
    if (
        department.jurisdiction_id != jurisdiction.pk
        or department.kind != Department.Kind.UNIT
        or not department.is_active
    ):
        raise ApplicationError(
            _("报送部门须为%(jurisdiction)s在用的成员单位") % {"jurisdiction": jurisdiction.name},
            field="department",
        )
    return department


def token_scope_label(token: ApiToken) -> str:
    """The token's scope as the office reads it, with the department a progress token writes for."""
    if token.scope == ApiToken.Scope.PROGRESS and token.department is not None:
        return _("%(scope)s（%(department)s）") % {
            "scope": token.get_scope_display(),
            "department": token.department.name,
        }
    return str(token.get_scope_display())


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """The office revokes a token of its jurisdiction; it is refused from the next request on."""
    require_token_office(user=actor, jurisdiction=token.jurisdiction)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        jurisdiction=token.jurisdiction,
        summary=_("吊销接口令牌“%(name)s”") % {"name": token.name},
        before={"revoked": False},
        after={"revoked": True},
    )
    return token


def tokens_of(*, jurisdiction: Jurisdiction):
    return ApiToken.objects.filter(jurisdiction=jurisdiction).select_related(
        "created_by", "revoked_by", "department"
    )


# Using a token ---------------------------------------------------------------------------------


def token_authenticate(key: str, *, now: dt.datetime | None = None) -> ApiToken:
    """The token a key names, if it is neither revoked nor expired; else ApiRefused saying which."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        raise ApiRefused("token_invalid", _("接口令牌无效：请检查 Authorization 请求头"), status=401)
    token = ApiToken.objects.select_related("jurisdiction").filter(key_digest=key_digest(key)).first()
    if token is None:
        raise ApiRefused("token_invalid", _("接口令牌无效：请检查 Authorization 请求头"), status=401)
    refusal = None
    if token.is_revoked:
        refusal = ApiRefused("token_revoked", _("接口令牌已被质强办吊销"), status=401)
    elif token.is_expired(now):
        refusal = ApiRefused(
            "token_expired",
            _("接口令牌已于%(at)s过期：请联系质强办重新创建")
            % {"at": f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"},
            status=401,
        )
    if refusal is not None:
        refusal.token = token  # a refused use of a real token is recorded too
        raise refusal
    return token


def token_rate_check(token: ApiToken, *, now: dt.datetime | None = None) -> None:
    """A token makes at most API_RATE_LIMIT_PER_MINUTE requests in a calendar minute (counted
    in the shared cache, so every process counts together)."""
    now = now or timezone.now()
    key = f"api-rate:{token.pk}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if count > limit:
        raise ApiRefused(
            "rate_limited",
            _("请求过于频繁：每个令牌每分钟最多%(limit)s次，请%(seconds)s秒后再试")
            % {"limit": limit, "seconds": 60 - now.second},
            status=429,
        )


def token_use_record(*, token: ApiToken, method: str, path: str, status: int, address: str | None) -> None:
    """Every request made with a token is recorded with its answer, and the token's last use
    and count move on."""
    now = timezone.now()
    ApiTokenUse.objects.create(
        token=token, method=method[:8], path=path[:300], status=status, address=address or None
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, use_count=F("use_count") + 1)


def token_scope(token: ApiToken) -> Scope:
    """A token reads as the office of its jurisdiction does, and read-only the jurisdictions
    below it; it changes nothing through the scope (writes check the token's own jurisdiction)."""
    own = token.jurisdiction_id
    below = descendant_ids([own])
    return Scope(
        jurisdiction_ids=frozenset({own}) | below,
        department_ids=frozenset(),
        office_jurisdiction_ids=frozenset(),
        leader_jurisdiction_ids=frozenset({own}),
        below_jurisdiction_ids=below,
    )
