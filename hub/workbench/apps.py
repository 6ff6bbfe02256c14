from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """Chat, playground and conversation import/export; tables named ``workbench_*``."""

    name = "hub.workbench"
    label = "workbench"
    verbose_name = "Workbench"
