"""Loading the translated adapters (Anthropic, Gemini, Cohere through litellm) before the
first call needs them: importing litellm and what it imports lazily costs about 4 s of CPU
and 140 MiB per process, which a client with a short timeout would see as a failed first
call on every new replica. So a process loads them at start-up when the installation has
such a provider, and in the background as soon as one is created or switched on."""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError

from providers.adapters import translated
from providers.models import Provider

logger = logging.getLogger(__name__)
TRANSLATED_KINDS = tuple(translated.ROUTES)
_lock = threading.Lock()
_loaded = False


def translated_adapters_in_use() -> bool:
    """True when an enabled provider needs a translated adapter, or when the database cannot
    say (loading them costs seconds; a first call that waits for them may fail)."""
    try:
        return Provider.objects.filter(kind__in=TRANSLATED_KINDS, enabled=True).exists()
    except DatabaseError:
        return True


def translated_adapters_load() -> bool:
    """Load them once per process; True when this call did."""
    global _loaded
    with _lock:
        if _loaded:
            return False
        translated.warm_up()
        _loaded = True
        logger.info("translated adapters loaded")
        return True


def warm_up_at_start() -> bool:
    """At a process's start: load them when the installation uses them."""
    return translated_adapters_in_use() and translated_adapters_load()


def warm_up_for(provider: Provider) -> None:
    """After ``provider`` is saved: load them in the background when it needs them."""
    if provider.enabled and provider.kind in TRANSLATED_KINDS and not _loaded:
        threading.Thread(target=translated_adapters_load, name="warm-up", daemon=True).start()
