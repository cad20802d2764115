"""What a browser or a proxy may keep of the portal's answers."""

from django.utils.cache import add_never_cache_headers


class NoStoreWhenSignedInMiddleware:
    """Nothing a signed-in user receives, page or file, is stored by the browser or a proxy:
    on an office's shared PC the back button or the disk cache must not show the last user's
    reports after they sign out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
