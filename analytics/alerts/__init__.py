"""Alerts: per-workspace settings, in-app notifications, and delivery by email and webhook.

Dependencies run one way: ``models`` <- ``selectors`` <- ``services`` (``alert_raise``, the
one entry point, decides on state changes and cool-downs) -> ``delivery`` (email, webhook;
run by the ``alerts.deliver`` task) <- ``api``, ``views``. ``alert_raise`` and
``alert_state_record`` are re-exported lazily: ``analytics.models`` imports
``analytics.alerts.models`` while apps load, before services could be imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["alert_raise", "alert_state_record"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from analytics.alerts import services

        return getattr(services, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
