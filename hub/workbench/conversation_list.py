"""The chat sidebar's list: conversations grouped by day (pins first), each with a short date,
and, for a search, the passage of the message that matched so the list can show it and open it.

Pure over rows already scoped by ``selectors.conversation_list``; one query for the matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format

from hub.workbench.models import Conversation, Message

SNIPPET_AROUND = 48  # characters shown either side of the match


@dataclass(frozen=True)
class SearchHit:
    message_id: int
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class ListedConversation:
    conversation: Conversation
    when: str  # "14:05" today, "Nov 28" this year, "Nov 28, 2025" before
    hit: SearchHit | None = None


@dataclass
class ConversationGroup:
    label: str
    items: list[ListedConversation] = field(default_factory=list)


def conversation_groups(
    conversations: Iterable[Conversation], *, search: str = "", now: datetime | None = None
) -> list[ConversationGroup]:
    """Pinned chats, then Today, Yesterday, Previous 7 days, Previous 30 days, then by month;
    the order within a group is the queryset's."""
    rows = list(conversations)
    now = timezone.localtime(now)
    hits = search_hits(rows, search) if search.strip() else {}
    groups: dict[str, ConversationGroup] = {}
    for conversation in rows:
        changed = timezone.localtime(conversation.updated_at)
        label = "Pinned" if conversation.pinned_at else day_group(changed.date(), now.date())
        groups.setdefault(label, ConversationGroup(label)).items.append(
            ListedConversation(conversation, short_when(changed, now), hits.get(conversation.pk))
        )
    return list(groups.values())


def day_group(day: date, today: date) -> str:
    age = (today - day).days
    if age <= 0:
        return "Today"
    if age == 1:
        return "Yesterday"
    if age < 7:
        return "Previous 7 days"
    if age < 30:
        return "Previous 30 days"
    return date_format(day, "F Y")


def short_when(moment: datetime, now: datetime) -> str:
    if moment.date() == now.date():
        return date_format(moment, "H:i")
    if moment.year == now.year:
        return date_format(moment, "M j")
    return date_format(moment, "M j, Y")


def search_hits(conversations: Sequence[Conversation], search: str) -> dict[int, SearchHit]:
    """The first message of each conversation that contains ``search`` (any case)."""
    search = search.strip()
    hits: dict[int, SearchHit] = {}
    matching = (
        Message.objects.filter(
            conversation_id__in=[c.pk for c in conversations], content__icontains=search
        )
        .order_by("conversation_id", "id")
        .values_list("conversation_id", "id", "content")
    )
    for conversation_id, message_id, content in matching:
        if conversation_id not in hits and (hit := hit_in(content, search, message_id)):
            hits[conversation_id] = hit
    return hits


def hit_in(text: str, search: str, message_id: int) -> SearchHit | None:
    """The match in ``text`` with a few words either side, on one line."""
    flat = " ".join(text.split())
    found = re.search(re.escape(" ".join(search.split())), flat, re.IGNORECASE)
    if found is None:
        return None
    start, end = found.span()
    before, after = flat[max(0, start - SNIPPET_AROUND) : start], flat[end : end + SNIPPET_AROUND]
    if start > SNIPPET_AROUND:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if end + SNIPPET_AROUND < len(flat):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return SearchHit(message_id, before, flat[start:end], after)
