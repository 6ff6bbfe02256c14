"""The prompt library: named templates with numbered versions, ``{{variable}}`` rendering,
a production label, JSON export and import.

Dependencies run one way: ``views`` (thin) call ``services`` (writes), ``selectors`` (reads,
scoped to the workspace) and ``exchange`` (the JSON file); ``rendering`` and ``diffing`` are
pure; ``models`` depends on nothing here. A Django app of its own, label ``prompts``; it sits
above the workbench (a chat message can be saved as a prompt), never below it.
"""
