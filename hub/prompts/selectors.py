"""Reads for the prompt library, always scoped to the actor's workspace."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from hub.prompts.models import PromptTemplate, PromptVersion, VersionLabel
from hub.workbench.models import Message
from workspaces.models import Workspace


def prompt_list(
    *, workspace: Workspace, search: str = "", category: str = ""
) -> QuerySet[PromptTemplate]:
    """Templates by name, each with ``version_count``, ``latest_number`` and
    ``production_number``; ``search`` matches names, descriptions and the text of any version."""
    production = PromptVersion.objects.filter(
        template=OuterRef("pk"), label=VersionLabel.PRODUCTION
    ).values("number")[:1]
    prompts = PromptTemplate.objects.for_workspace(workspace).annotate(
        version_count=Count("versions", distinct=True),
        latest_number=Max("versions__number"),
        production_number=Subquery(production),
    )
    search = search.strip()
    if search:
        in_text = PromptVersion.objects.filter(
            Q(body__icontains=search) | Q(system_prompt__icontains=search)
        ).values("template_id")
        prompts = prompts.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(pk__in=in_text)
        )
    if category:
        prompts = prompts.filter(category=category)
    return prompts


def prompt_categories(*, workspace: Workspace) -> list[str]:
    return list(
        PromptTemplate.objects.for_workspace(workspace)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def prompt_version_list(*, template: PromptTemplate) -> QuerySet[PromptVersion]:
    """Newest first."""
    return template.versions.select_related("created_by").order_by("-number")


def prompt_version_latest(*, template: PromptTemplate) -> PromptVersion | None:
    return template.versions.order_by("-number").first()


def prompt_version_current(*, template: PromptTemplate) -> PromptVersion | None:
    """The version callers get by default: the production one, else the newest."""
    versions = template.versions.all()
    return (
        versions.filter(label=VersionLabel.PRODUCTION).first()
        or versions.order_by("-number").first()
    )


def prompt_version_by_number(*, template: PromptTemplate, number: int) -> PromptVersion:
    """Raises PromptVersion.DoesNotExist when ``template`` has no such version."""
    return template.versions.get(number=number)


def message_of_user(*, workspace: Workspace, user_id: int, message_id: int) -> Message:
    """A chat message from one of the user's own conversations in ``workspace``; raises
    Message.DoesNotExist for anyone else's, as the chat itself does."""
    return Message.objects.select_related("conversation").get(
        pk=message_id, conversation__workspace=workspace, conversation__user_id=user_id
    )
