"""Provider health: active checks, passive numbers from real traffic, status and score.

Dependencies run one way: ``models`` <- ``status`` (pure arithmetic) <- ``selectors``
(reads) <- ``checks`` (runs checks, writes rows, raises alerts through analytics.alerts)
<- ``api``, ``views``, the Celery task and the ``check_providers`` command. Nothing is
re-exported here: ``analytics.models`` imports ``analytics.health.models`` while apps load,
so this package must stay import-light.
"""
