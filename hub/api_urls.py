"""REST API under /api/: schema, docs and each app's endpoints."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("workspaces.api_urls")),
    path("", include("providers.api_urls")),
    path("", include("providers.local.api_urls")),
    path("", include("analytics.api_urls")),
    path("", include("routing.api_urls")),
    path("", include("hub.prompts.api_urls")),
    path("", include("hub.evals.api_urls")),
    path("", include("rag.api_urls")),
    path("", include("agents.api_urls")),
]
