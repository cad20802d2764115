"""开放接口: the REST API (/api/v1/), the office's token and publication pages, and the public
results page (公示)."""

from django.urls import path

from . import views
from .api import api

app_name = "interfaces"

urlpatterns = [
    path("api/v1/", api.urls),
    path("interfaces/tokens/", views.tokens, name="tokens"),
    path("interfaces/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("interfaces/publication/", views.publication, name="publication"),
    path("public/<int:pk>/", views.public_page, name="public_page"),
    path("public/<int:pk>.json", views.public_json, name="public_json"),
]
