"""The local inference system page, one per provider of kind ``local``."""

from django.urls import path

from providers.local import views

urlpatterns = [
    path(
        "w/<slug:workspace_slug>/providers/<int:provider_id>/system/",
        views.LocalSystemView.as_view(),
        name="local-system",
    ),
]
