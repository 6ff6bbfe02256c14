from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        """A Celery worker that stops writes (or spools) the usage records it holds; web
        workers do it in their ASGI lifespan (hub.lifespan), other processes at exit."""
        from celery.signals import worker_process_shutdown, worker_shutdown

        from analytics.recorder import usage_recorder

        def records_write(**_: object) -> None:
            usage_recorder.shutdown()

        worker_shutdown.connect(records_write, weak=False, dispatch_uid="usage-records-worker")
        worker_process_shutdown.connect(
            records_write, weak=False, dispatch_uid="usage-records-process"
        )
