"""Alerts: per-workspace settings, in-app notifications, and delivery by email and webhook.

Dependencies run one way: ``models`` <- ``selectors`` <- ``services`` (``alert_raise``, the
one entry point, decides on state changes and cool-downs) -> ``delivery`` (email, webhook;
run by the ``alerts.deliver`` task) <- ``api``, ``views``. Nothing is re-exported here:
``analytics.models`` imports ``analytics.alerts.models`` while apps load, so this package
must stay import-light; callers import ``analytics.alerts.services``.
"""
