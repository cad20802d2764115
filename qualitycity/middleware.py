import ipaddress

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


def forwarded_client_address(meta: dict, proxies: int) -> str:
    """The client's address as the outermost of our own `proxies` reverse proxies saw it: the
    proxies-th address from the right of X-Forwarded-For (each proxy appends the address it
    received the request from, so anything further left is what the client claimed and is not
    trusted); REMOTE_ADDR when there are no proxies or the header is short or not an address."""
    if proxies < 1:
        return meta.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return meta.get("REMOTE_ADDR", "")
    address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return meta.get("REMOTE_ADDR", "")


class ForwardedClientAddressMiddleware:
    """Behind the deployment's reverse proxies (settings.PROXY_COUNT of them), REMOTE_ADDR is the
    client's address rather than the nearest proxy's: the login lockout by address, the audit
    log and the API's rate limit all read REMOTE_ADDR, and with every request coming from the
    proxy they would lock, log and limit the whole portal as one address."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = settings.PROXY_COUNT

    def __call__(self, request):
        if self.proxies:
            request.META["REMOTE_ADDR"] = forwarded_client_address(request.META, self.proxies)
        return self.get_response(request)


class SessionRenewalMiddleware:
    """The idle timeout: a session ends SESSION_COOKIE_AGE after its last renewal, and a request
    renews it (and its cookie) when the last renewal is older than SESSION_RENEW_SECONDS, so the
    autosaves a liaison's page sends every few seconds write the session store about once a
    minute rather than on every request. The portal ends an idle session itself, whatever the
    store's own expiry (a cache's clock, a database row's). Right after SessionMiddleware, it
    sees the session before anything reads the user and as the view left it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = settings.SESSION_RENEW_SECONDS
        self.idle = settings.SESSION_COOKIE_AGE

    def __call__(self, request):
        session = request.session
        if session.session_key is not None:
            renewed_at = session.get(RENEWED_AT)  # reads it: an expired one loses its key
            if renewed_at is not None and _seconds_now() - renewed_at >= self.idle:
                session.flush()
        response = self.get_response(request)
        if session.session_key is None:
            return response  # no session to keep alive: anonymous, expired or signed out
        if session.modified or _seconds_now() - session.get(RENEWED_AT, 0) >= self.every:
            session_renew(session)
        return response


# The session key holding when the session was last renewed, in seconds since the epoch.
RENEWED_AT = "_renewed_at"


def _seconds_now() -> int:
    return int(timezone.now().timestamp())


def session_renew(session) -> None:
    """Marks the session renewed now; its store writes it, with a new expiry, at the response
    (a sign-in renews, so the requests of the next minute write nothing)."""
    session[RENEWED_AT] = _seconds_now()


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language (the language cookie).

    Django's own middleware follows the browser's Accept-Language; many government PCs run an
    English-language browser, and the office wants the portal in Chinese there too.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ApplicationErrorMiddleware:
    """Turns an ApplicationError that a view let through into the answer the user expects: JSON
    for the page's scripts, otherwise the message on the page they came from (a POST from a page
    of this site) or on the error page, always with the error's status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.http import HttpResponseRedirect, JsonResponse
        from django.shortcuts import render
        from django.utils.http import url_has_allowed_host_and_scheme

        from .errors import ApplicationError

        if not isinstance(exception, ApplicationError):
            return None
        text = str(exception)
        wants_json = request.headers.get(
            "x-requested-with"
        ) == "fetch" or "application/json" in request.headers.get("accept", "")
        if wants_json:
            return JsonResponse({"error": text, "field": exception.field}, status=exception.status)
        back = request.headers.get("referer", "")
        if request.method == "POST" and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            messages.error(request, text)
            response = HttpResponseRedirect(back)
            return response
        template = {403: "403.html", 404: "404.html"}.get(exception.status, "400.html")
        # Django's 404 page shows no exception text (get_object_or_404's is English and internal);
        # an ApplicationError's message is written for the user.
        context = {"exception": text, "application_message": text}
        return render(request, template, context, status=exception.status)
