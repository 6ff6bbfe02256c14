"""The Django project: settings, URLs, ASGI, the Celery app and the browser workbench."""

from hub.celery import app as celery_app

__all__ = ["celery_app"]
