"""Writing parsed conversations into the workbench's tables, once each.

Each conversation is written in its own transaction together with its ImportedConversation
row, whose unique key (workspace, user, source, external id) is what makes a second import
of the same file, or two imports at once, add nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hub.workbench.models import Conversation, ImportedConversation, Message
from hub.workbench.portability.parsed import ConversationSkipped, ParsedConversation, newest_key
from hub.workbench.portability.reading import export_read
from hub.workbench.services import params_clean
from workspaces.access import Actor

MAX_REPORTED_PROBLEMS = 50


@dataclass
class ImportedItem:
    conversation_id: int
    title: str
    message_count: int


@dataclass
class ImportResult:
    source_label: str
    imported: list[ImportedItem] = field(default_factory=list)
    already_present: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(text)


def conversations_import(*, actor: Actor, raw: bytes) -> ImportResult:
    """Import every conversation of the file the actor does not have yet. Raises
    FileRejected when the file as a whole is unusable; a broken conversation inside a
    good file is reported in the result and the rest are imported."""
    export = export_read(raw)
    result = ImportResult(source_label=export.source_label)
    for position, item in enumerate(export.items, start=1):
        try:
            parsed = export.parse(item)
        except ConversationSkipped as reason:
            result.problem(f"Conversation {position} was skipped: {reason}.")
            continue
        if not parsed.messages:
            result.problem(f"“{parsed.title}” was skipped: it has no messages with text.")
            continue
        origin = ImportedConversation.objects.filter(
            workspace=actor.workspace,
            user=actor.user,
            source=parsed.source,
            external_id=parsed.external_id,
        )
        if origin.exists():
            result.already_present += 1
            continue
        try:
            conversation = conversation_write(actor=actor, parsed=parsed)
        except IntegrityError:  # the same conversation, imported at this moment elsewhere
            result.already_present += 1
            continue
        result.imported.append(
            ImportedItem(conversation.pk, conversation.title, len(parsed.messages))
        )
    return result


@transaction.atomic
def conversation_write(*, actor: Actor, parsed: ParsedConversation) -> Conversation:
    """One conversation with its message tree; ``parsed.messages`` lists parents first."""
    try:
        params = params_clean(parsed.params)
    except ValidationError:
        params = {}
    conversation = Conversation.objects.create(
        workspace=actor.workspace,
        user=actor.user,
        title=parsed.title[:200],
        model=parsed.model[:300],
        system_prompt=parsed.system_prompt,
        params=params,
    )
    ImportedConversation.objects.create(
        conversation=conversation,
        workspace=actor.workspace,
        user=actor.user,
        source=parsed.source,
        external_id=parsed.external_id,
    )
    # One insert for all messages, then one update to link parents and keep the times:
    # bulk_create stamps created_at itself and parents need the rows' ids first.
    rows = Message.objects.bulk_create(
        [
            Message(
                conversation=conversation,
                role=m.role,
                content=m.content,
                model=m.model,
                **m.extra,
            )
            for m in parsed.messages
        ]
    )
    by_key = {m.key: row for m, row in zip(parsed.messages, rows, strict=True)}
    for message, row in zip(parsed.messages, rows, strict=True):
        row.parent = by_key.get(message.parent_key) if message.parent_key else None
        if message.created_at is not None:
            row.created_at = message.created_at
    Message.objects.bulk_update(rows, ["parent", "created_at"], batch_size=500)
    leaf = by_key.get(parsed.current_key or "") or by_key[newest_key(parsed.messages) or ""]
    total = sum((row.cost_usd for row in rows), Decimal(0))
    Conversation.objects.filter(pk=conversation.pk).update(
        active_leaf=leaf,
        total_cost_usd=total,
        created_at=parsed.created_at or conversation.created_at,
        updated_at=parsed.updated_at or parsed.created_at or conversation.updated_at,
    )
    conversation.refresh_from_db()
    return conversation
