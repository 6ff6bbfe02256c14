"""The browser workbench: chat with a branching message tree, and the side-by-side playground.

Dependencies run one way: ``views`` and ``consumers`` (thin) call ``services`` (writes) and
``selectors`` (reads, always scoped to the actor's workspace and user); ``generation`` runs
model calls through ``routing.pipeline`` in server tasks and persists them through
``persistence``; ``interruptions`` (called by views, consumers and the beat task in
``tasks``) finishes answers a dead process left streaming; ``models`` depends on nothing here.
The tables belong to the ``hub`` app (``hub/models.py`` imports them; migrations live in
``hub/migrations``).
"""
