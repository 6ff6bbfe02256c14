from django.apps import AppConfig


class RagConfig(AppConfig):
    name = "rag"

    def ready(self) -> None:
        from rag.v1_grounding import v1_grounder  # models are loaded only now
        from routing.pipeline.grounding_hook import grounder_register

        grounder_register(v1_grounder)
