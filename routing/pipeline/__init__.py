"""The /v1 call path: every model call, from the API or from inside the hub, runs the steps
that ``spine`` puts in order. Features call ``chat``, ``chat_stream``, ``embed`` and
``rerank`` here and never an adapter; ``views`` and ``urls`` serve the same steps as /v1.

Dependencies run one way: ``spine`` -> the steps (``auth``, ``admission``, ``route``,
``calling``, ``streaming``, ``record``) -> ``call_log``, ``workspace_routing``, ``errors``,
``tokens``, ``validation``; ``shapes`` translate the wire formats at the edges. ``dry_run``
runs admission and route read-only for the routing page's "Try a route", calling nothing.
"""

from routing.pipeline.spine import chat, chat_stream, embed, rerank

__all__ = ["chat", "chat_stream", "embed", "rerank"]
