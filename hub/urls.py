"""URL map: pages, admin, REST (/api/), the OpenAI-compatible API (/v1/)."""

from django.contrib import admin
from django.urls import include, path

from hub.overview import OverviewView
from hub.views import favicon, healthz
from routing.pipeline.views import unknown_path

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Pages name their icon; the admin's and the API docs' do not, so browsers ask here.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/", include("hub.api_urls")),
    path("v1", unknown_path),
    path("v1/", include("routing.pipeline.urls")),
    path("w/<slug:workspace_slug>/", OverviewView.as_view(), name="workspace-overview"),
    path("", include("workspaces.urls")),
    path("", include("providers.urls")),
    path("", include("routing.urls")),
    path("", include("analytics.urls")),
    path("", include("providers.local.urls")),
    path("", include("hub.workbench.urls")),
    path("", include("hub.prompts.urls")),
    path("", include("hub.evals.urls")),
    path("", include("rag.urls")),
    path("", include("agents.urls")),
    path("", include("hub.workbench.portability.urls")),
    path("", include("analytics.health.urls")),
    path("", include("analytics.alerts.urls")),
]

handler404 = "hub.views.not_found"
handler500 = "hub.views.server_error"
