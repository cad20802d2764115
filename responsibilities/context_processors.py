from .selectors import memberships_for_user


def memberships(request):
    """The signed-in user's roles, for the header; evaluated only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_memberships": memberships_for_user(user)}
