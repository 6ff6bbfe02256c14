"""The browser workbench: chat with a branching message tree, and the side-by-side playground.

Dependencies run one way: ``views`` and ``consumers`` (thin) call ``services`` (writes) and
``selectors`` (reads, always scoped to the actor's workspace and user); ``generation`` runs
model calls through ``routing.pipeline`` in server tasks and persists them through
``persistence``; ``interruptions`` (called by views, consumers and the beat task in
``tasks``) finishes answers a dead process left streaming; ``portability`` imports and exports
conversations; ``models`` depends on nothing here. A Django app of its own, label ``workbench``.
"""
