from django.apps import AppConfig


class PromptsConfig(AppConfig):
    """The prompt library; tables named ``prompts_*``."""

    name = "hub.prompts"
    label = "prompts"
    verbose_name = "Prompt library"
