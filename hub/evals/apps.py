from django.apps import AppConfig


class EvalsConfig(AppConfig):
    """Evaluations; tables named ``evals_*``."""

    name = "hub.evals"
    label = "evals"
    verbose_name = "Evaluations"
