"""Conversations in and out of the hub: import ChatGPT, Claude and hub exports into the
workbench's conversations; export one as JSON, Markdown, or code that repeats its call.

Dependencies run one way: ``views`` (thin) call ``importing`` (the shared writer) with
conversations parsed by one reader per format (``chatgpt``, ``claude``, ``hub_format``),
and ``exporting`` / ``snippets`` for the way out. Conversations and messages are
``hub.workbench``'s; ``models`` only records where an imported one came from.
"""
