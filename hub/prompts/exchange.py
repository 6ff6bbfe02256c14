"""The prompt library as a JSON file: export every template, import one back.

Import is idempotent: templates are matched by name, versions by their text and variables,
so importing the same file twice (or a file exported from another workspace that shares
some versions) adds only what is new. A file is checked completely before anything is
written; a broken one changes nothing and says where it is broken. A version's RAG
collections travel by name; a name the importing workspace has no collection for is left
out of the version and listed in the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hub.prompts.models import PromptTemplate, PromptVersion, VersionLabel
from hub.prompts.rendering import variables_in, variables_spec_clean
from rag.selectors import collection_list
from workspaces.access import Actor
from workspaces.uploads import FileRejected, upload_json

FORMAT = "provider-hub.prompts"
FORMAT_VERSION = 1
MAX_PROMPTS = 5_000
MAX_TEXT = 100_000


def prompts_export(*, actor: Actor) -> dict[str, Any]:
    """Every template of the workspace with all its versions, oldest version first."""
    templates = PromptTemplate.objects.for_workspace(actor.workspace).prefetch_related("versions")
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "workspace": actor.workspace.slug,
        "prompts": [
            {
                "name": template.name,
                "category": template.category,
                "description": template.description,
                "versions": [
                    {
                        "number": version.number,
                        "system_prompt": version.system_prompt,
                        "body": version.body,
                        "variables": version.variables,
                        "collections": version.collections,
                        "label": version.label,
                        "note": version.note,
                        "created_at": version.created_at.isoformat(),
                    }
                    for version in sorted(template.versions.all(), key=lambda v: v.number)
                ],
            }
            for template in templates
        ],
    }


@dataclass
class _Version:
    system_prompt: str
    body: str
    variables: list[dict[str, Any]]
    label: str
    note: str
    collections: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        variables = json.dumps(self.variables, sort_keys=True)
        return self.system_prompt, self.body, variables, tuple(self.collections)


@dataclass
class _Prompt:
    name: str
    category: str
    description: str
    versions: list[_Version]


@dataclass
class PromptImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    versions_added: int = 0
    versions_present: int = 0
    collections_missing: list[str] = field(default_factory=list)


def prompts_parse(raw: bytes) -> list[_Prompt]:
    """The prompts of an exported file; FileRejected (a ValidationError) says what is wrong
    and where."""
    data = upload_json(raw)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FileRejected(
            f'This is not a prompt library export: expected an object with "format": "{FORMAT}".'
        )
    items = data.get("prompts")
    if not isinstance(items, list):
        raise FileRejected('"prompts" must be a list.')
    if len(items) > MAX_PROMPTS:
        raise FileRejected(f"At most {MAX_PROMPTS} prompts per file.")
    prompts: list[_Prompt] = []
    names: set[str] = set()
    for n, item in enumerate(items):
        prompt = _prompt_parse(item, where=f"prompts[{n}]")
        if prompt.name in names:
            raise ValidationError(f"prompts[{n}]: the name “{prompt.name}” appears twice.")
        names.add(prompt.name)
        prompts.append(prompt)
    return prompts


def _text(item: dict[str, Any], key: str, *, where: str, required: bool = False) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{where}.{key} must be a string.")
    if required and not value.strip():
        raise ValidationError(f"{where}.{key} cannot be empty.")
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{where}.{key} is longer than {MAX_TEXT} characters.")
    return value


def _prompt_parse(item: Any, *, where: str) -> _Prompt:
    if not isinstance(item, dict):
        raise ValidationError(f"{where} must be an object.")
    name = _text(item, "name", where=where, required=True).strip()
    if len(name) > 200:
        raise ValidationError(f"{where}.name is longer than 200 characters.")
    raw_versions = item.get("versions")
    if not isinstance(raw_versions, list) or not raw_versions:
        raise ValidationError(f"{where}.versions must be a non-empty list.")
    if not all(isinstance(v, dict) for v in raw_versions):
        raise ValidationError(f"{where}.versions must hold objects.")
    # Versions are added oldest first; the file's numbers give the order, not the numbers.
    ordered = sorted(enumerate(raw_versions), key=lambda pair: _number_of(pair[1]))
    versions = [_version_parse(v, where=f"{where}.versions[{n}]") for n, v in ordered]
    if sum(v.label == VersionLabel.PRODUCTION for v in versions) > 1:
        raise ValidationError(f"{where}: more than one version is labelled production.")
    return _Prompt(
        name=name,
        category=_text(item, "category", where=where).strip()[:80],
        description=_text(item, "description", where=where).strip(),
        versions=versions,
    )


def _number_of(item: dict[str, Any]) -> int:
    number = item.get("number")
    return number if isinstance(number, int) and not isinstance(number, bool) else 0


def _version_parse(item: dict[str, Any], *, where: str) -> _Version:
    body = _text(item, "body", where=where, required=True)
    system_prompt = _text(item, "system_prompt", where=where)
    label = _text(item, "label", where=where)
    if label not in ("", *VersionLabel.values):
        raise ValidationError(f"{where}.label must be empty or production.")
    try:
        spec = variables_spec_clean(item.get("variables"), used=variables_in(system_prompt, body))
    except ValidationError as error:
        raise ValidationError(f"{where}.variables: {' '.join(error.messages)}") from None
    return _Version(
        system_prompt=system_prompt,
        body=body,
        variables=spec,
        label=label,
        note=_text(item, "note", where=where).strip()[:300],
        collections=_names(item.get("collections"), where=f"{where}.collections"),
    )


def _names(raw: Any, *, where: str) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > 10:
        raise ValidationError(f"{where} must be a list of at most 10 collection names.")
    if not all(isinstance(name, str) and 0 < len(name.strip()) <= 100 for name in raw):
        raise ValidationError(f"{where} must hold names of 1 to 100 characters.")
    return list(dict.fromkeys(name.strip() for name in raw))


def prompts_import(*, actor: Actor, raw: bytes) -> PromptImportResult:
    """Add the file's templates and versions that the workspace does not have yet."""
    prompts = prompts_parse(raw)
    result = PromptImportResult()
    wanted = {name for p in prompts for v in p.versions for name in v.collections}
    known = set(
        collection_list(workspace=actor.workspace)
        .filter(name__in=wanted)
        .values_list("name", flat=True)
    )
    result.collections_missing = sorted(wanted - known)
    with transaction.atomic():
        for prompt in prompts:
            for version in prompt.versions:
                version.collections = [n for n in version.collections if n in known]
            _prompt_merge(actor, prompt, result)
    return result


def _prompt_merge(actor: Actor, prompt: _Prompt, result: PromptImportResult) -> None:
    template, created = PromptTemplate.objects.select_for_update().get_or_create(
        workspace=actor.workspace,
        name=prompt.name,
        defaults={
            "category": prompt.category,
            "description": prompt.description,
            "created_by": actor.user,
        },
    )
    existing = list(template.versions.all())
    present = {
        _Version(v.system_prompt, v.body, v.variables, "", "", v.collections).key for v in existing
    }
    number = max((v.number for v in existing), default=0)
    has_production = any(v.is_production for v in existing)
    added = 0
    for version in prompt.versions:
        if version.key in present:
            result.versions_present += 1
            continue
        number += 1
        label = version.label if version.label and not has_production else ""
        has_production = has_production or bool(label)
        PromptVersion.objects.create(
            template=template,
            number=number,
            system_prompt=version.system_prompt,
            body=version.body,
            variables=version.variables,
            collections=version.collections,
            label=label,
            note=version.note,
            created_by=actor.user,
        )
        present.add(version.key)
        added += 1
    result.versions_added += added
    if created:
        result.created.append(template.name)
    elif added:
        result.updated.append(template.name)
