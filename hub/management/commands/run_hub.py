"""``make run``: migrate, set up on first run, then run web, worker and beat together.

Each part is a child process; Ctrl-C (or SIGTERM) stops them all, and if one dies the
others are stopped too, so nothing is left running in the background.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hub.bootstrap import bootstrap_admin_and_workspace
from hub.embedded import embedded_processes, prepare_embedded_services
from hub.static_collect import collect_static_if_changed


class Command(BaseCommand):
    help = "Set up (migrate, first admin, Default workspace) and run the whole hub on this machine."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HUB_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("HUB_PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Run the web process only.")

    def handle(self, *args, host: str, port: int, no_worker: bool, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:  # hashed, compressed copies that browsers may cache for a year
            self.stdout.write("Preparing static files…")
            sys.stdout.flush()
            if collect_static_if_changed():
                self.stdout.write("  collected (they change only with an update)")
        result = bootstrap_admin_and_workspace(
            username=os.environ.get("HUB_ADMIN_USERNAME", "admin"),
            password=os.environ.get("HUB_ADMIN_PASSWORD") or None,
        )
        notes = prepare_embedded_services(workspace=result.workspace)
        processes = embedded_processes(host=host, port=port, with_worker=not no_worker)

        self.stdout.write(
            self.style.SUCCESS(f"\nProvider Hub is starting on http://{host}:{port}/")
        )
        self.stdout.write(f"  admin user: {result.username}")
        if result.generated_password:
            self.stdout.write(
                self.style.WARNING(f"  admin password (shown once): {result.generated_password}")
            )
        for note in notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(
            f"  database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
            f", broker: {'redis' if settings.REDIS_URL else 'local files'}"
        )
        self.stdout.write("  Press Ctrl-C to stop.\n")
        sys.stdout.flush()
        _supervise(processes)


def _supervise(commands: dict[str, list[str]]) -> None:
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, command in commands.items():
        # Own process group: the terminal's Ctrl-C reaches us, and we stop children in order.
        children[name] = subprocess.Popen(command, start_new_session=True)
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    sys.stderr.write(
                        f"{name} exited with code {child.returncode}; stopping the hub.\n"
                    )
                    stopping = True
                    break
            time.sleep(0.3)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                sys.stderr.write(f"{name} did not stop in time; killed.\n")
                child.kill()
        sys.stdout.write("Provider Hub stopped.\n")
