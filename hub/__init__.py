"""The Django project: settings, URLs, ASGI, the Celery app and the embedded-default start-up.

The workbench (``hub.workbench``) and the prompt library (``hub.prompts``) are apps of their
own inside it; nothing below ``hub`` imports this package's wiring."""

from hub.celery import app as celery_app

__all__ = ["celery_app"]
