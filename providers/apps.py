from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"

    def ready(self) -> None:
        """A Celery worker loads the translated adapters before it forks its pool, when the
        installation uses them; web workers do it in their ASGI lifespan (hub.lifespan)."""
        from celery.signals import worker_init
        from django.db import connections

        from providers.warm_up import warm_up_at_start

        def translated_adapters_warm(**_: object) -> None:
            warm_up_at_start()
            connections.close_all()  # the pool's processes open connections of their own

        worker_init.connect(translated_adapters_warm, weak=False, dispatch_uid="warm-up")
