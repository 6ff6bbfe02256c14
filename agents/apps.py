from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"

    def ready(self) -> None:
        from agents.v1_models import agent_in_hub_chunks, agent_model_answer  # models loaded now
        from routing.pipeline.agent_hook import agent_answerer_register

        agent_answerer_register(agent_model_answer, agent_in_hub_chunks)
