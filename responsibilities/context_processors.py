from .models import Role
from .selectors import roles_for_user, user_scope


def memberships(request):
    """The signed-in user's roles for the header and navigation, from the same query as the
    user's scope."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = user_scope(user)
    roles = roles_for_user(user)
    return {
        "my_memberships": roles,
        "nav_is_office": bool(scope.office_jurisdiction_ids) or scope.is_superuser,
        # the links a user would be refused are not offered: people are the office's alone (the
        # superuser's separated administrators do not manage them), and the three administrators
        # have no dashboard (they read no jurisdiction's work and belong to no department)
        "nav_manages_people": bool(scope.office_jurisdiction_ids),
        "nav_has_dashboard": scope.is_superuser
        or bool(scope.overseen_jurisdiction_ids or scope.department_ids),
        "nav_reads_audit": lambda: (
            scope.is_superuser
            or bool(scope.office_jurisdiction_ids)
            or any(m.role == Role.AUDIT_ADMIN for m in roles)
        ),
    }
