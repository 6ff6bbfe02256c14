"""Writes and rules of the prompt library. Callers pass templates found through
``hub.prompts.selectors`` (already scoped to the actor's workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from hub.prompts.models import PromptTemplate, PromptVersion, VersionLabel
from hub.prompts.rendering import (
    RenderError,
    substitute,
    values_check,
    variables_in,
    variables_spec_clean,
)
from hub.workbench.models import Message
from rag.selectors import collection_list
from workspaces.access import Actor
from workspaces.models import Workspace

MAX_TEXT = 100_000


@dataclass(frozen=True)
class RenderedPrompt:
    """A version with its variables filled in, ready to send as system + user messages."""

    version: PromptVersion
    system: str
    text: str

    def messages(self) -> list[dict[str, str]]:
        system = [{"role": "system", "content": self.system}] if self.system.strip() else []
        return [*system, {"role": "user", "content": self.text}]


def _text_clean(value: Any, *, field: str, required: bool) -> str:
    text = value if isinstance(value, str) else ""
    if required and not text.strip():
        raise ValidationError({field: "This cannot be empty."})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: f"At most {MAX_TEXT} characters."})
    return text


def _name_clean(workspace_id: int, name: Any, *, exclude_pk: int | None = None) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        raise ValidationError({"name": "A name of 1 to 200 characters is needed."})
    taken = PromptTemplate.objects.filter(workspace_id=workspace_id, name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": f"A prompt named “{name}” already exists."})
    return name


def prompt_create(
    *,
    actor: Actor,
    name: str,
    body: str,
    system_prompt: str = "",
    variables: Any = None,
    category: str = "",
    description: str = "",
    note: str = "",
    collections: Any = None,
) -> PromptTemplate:
    """A template and its version 1."""
    name = _name_clean(actor.workspace.pk, name)
    with transaction.atomic():
        try:
            with transaction.atomic():
                template = PromptTemplate.objects.create(
                    workspace=actor.workspace,
                    name=name,
                    category=category.strip()[:80],
                    description=description.strip(),
                    created_by=actor.user,
                )
        except IntegrityError:
            raise ValidationError({"name": f"A prompt named “{name}” already exists."}) from None
        prompt_version_add(
            actor=actor,
            template=template,
            body=body,
            system_prompt=system_prompt,
            variables=variables,
            note=note,
            collections=collections,
        )
    return template


def prompt_update(
    *, actor: Actor, template: PromptTemplate, name: str, category: str, description: str
) -> PromptTemplate:
    """Rename or re-describe; the text lives in versions and changes through
    ``prompt_version_add``."""
    template.name = _name_clean(template.workspace_id, name, exclude_pk=template.pk)
    template.category = category.strip()[:80]
    template.description = description.strip()
    template.save(update_fields=["name", "category", "description", "updated_at"])
    return template


def prompt_version_add(
    *,
    actor: Actor,
    template: PromptTemplate,
    body: str,
    system_prompt: str = "",
    variables: Any = None,
    note: str = "",
    collections: Any = None,
) -> PromptVersion | None:
    """Append a version with the next number; None when the text, variables and collections
    are those of the latest version already (saving unchanged text does not pile up copies)."""
    body = _text_clean(body, field="body", required=True)
    system_prompt = _text_clean(system_prompt, field="system_prompt", required=False)
    spec = variables_spec_clean(variables, used=variables_in(system_prompt, body))
    named = collection_names_clean(collections, workspace=template.workspace)
    with transaction.atomic():
        # Lock the template so two saves at once cannot take the same number.
        PromptTemplate.objects.select_for_update().filter(pk=template.pk).first()
        latest = template.versions.order_by("-number").first()
        same = (
            (latest.body, latest.system_prompt, latest.variables, latest.collections)
            if latest
            else None
        )
        if same == (body, system_prompt, spec, named):
            return None
        version = PromptVersion.objects.create(
            template=template,
            number=(latest.number + 1) if latest else 1,
            body=body,
            system_prompt=system_prompt,
            variables=spec,
            collections=named,
            note=note.strip()[:300],
            created_by=actor.user,
        )
        PromptTemplate.objects.filter(pk=template.pk).update(updated_at=version.created_at)
    return version


def collection_names_clean(raw: Any, *, workspace: Workspace) -> list[str]:
    """Names of the workspace's collections, each once, in the order given."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw) or len(raw) > 10:
        raise ValidationError({"collections": "A list of at most 10 collection names."})
    names = list(dict.fromkeys(n.strip() for n in raw if n.strip()))
    known = set(
        collection_list(workspace=workspace).filter(name__in=names).values_list("name", flat=True)
    )
    missing = [n for n in names if n not in known]
    if missing:
        raise ValidationError({"collections": f"This workspace has no collection “{missing[0]}”."})
    return names


def prompt_version_mark_production(*, actor: Actor, version: PromptVersion) -> PromptVersion:
    """Move the ``production`` label to ``version``; any other holder loses it."""
    with transaction.atomic():
        PromptTemplate.objects.select_for_update().filter(pk=version.template_id).first()
        PromptVersion.objects.filter(
            template_id=version.template_id, label=VersionLabel.PRODUCTION
        ).exclude(pk=version.pk).update(label="")
        version.label = VersionLabel.PRODUCTION
        version.save(update_fields=["label"])
    return version


def prompt_version_unmark_production(*, actor: Actor, version: PromptVersion) -> PromptVersion:
    version.label = ""
    version.save(update_fields=["label"])
    return version


def prompt_delete(*, actor: Actor, template: PromptTemplate) -> None:
    """Refused while an evaluation suite runs one of its versions (its results name it)."""
    try:
        with transaction.atomic():
            template.delete()
    except RestrictedError:
        raise ValidationError(
            {"prompt": "An evaluation suite uses a version of this prompt; remove it there first."}
        ) from None


def prompt_render(*, version: PromptVersion, values: dict[str, Any]) -> RenderedPrompt:
    """Fill in ``values``; raises RenderError naming missing, unknown or invalid variables."""
    checked = values_check(version.variables, values)
    return RenderedPrompt(
        version=version,
        system=substitute(version.system_prompt, checked),
        text=substitute(version.body, checked),
    )


def prompt_name_free(*, actor: Actor, wanted: str) -> str:
    """``wanted``, or ``wanted (2)``, ``(3)``… : the first name not taken in the workspace."""
    wanted = wanted.strip()[:190] or "Untitled prompt"
    taken = set(
        PromptTemplate.objects.for_workspace(actor.workspace)
        .filter(name__startswith=wanted)
        .values_list("name", flat=True)
    )
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted} ({n})"
    return name


def prompt_from_message(*, actor: Actor, message: Message, name: str = "") -> PromptTemplate:
    """A new template whose body is a chat message's text and whose system prompt is its
    conversation's; ``{{…}}`` in the text become free-text variables."""
    conversation = message.conversation
    if not message.content.strip():
        raise ValidationError({"message_id": "This message has no text to save."})
    wanted = name.strip() or f"{conversation.title[:150]} · {message.get_role_display()}"
    return prompt_create(
        actor=actor,
        name=prompt_name_free(actor=actor, wanted=wanted),
        body=message.content,
        system_prompt=conversation.system_prompt,
        description=f"Saved from the conversation “{conversation.title}”.",
        note=f"From a {message.role} message" + (f" ({message.model})" if message.model else ""),
    )


__all__ = [
    "RenderError",
    "RenderedPrompt",
    "prompt_create",
    "prompt_delete",
    "prompt_from_message",
    "prompt_name_free",
    "prompt_render",
    "prompt_update",
    "prompt_version_add",
    "prompt_version_mark_production",
    "prompt_version_unmark_production",
]
