from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"

    def ready(self) -> None:
        from agents.v1_models import agent_model_answer  # models are loaded only now
        from routing.pipeline.agent_hook import agent_answerer_register

        agent_answerer_register(agent_model_answer)
