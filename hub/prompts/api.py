"""/api/workspaces/<slug>/prompts/…: the prompt library for scripts, as the pages offer it.

Reading, exporting and rendering take the view permission (rendering writes nothing); every
write takes ``use_models``, as on the prompt pages, so an API key needs the ``inference``
scope for it. Prompts come from querysets scoped to the caller's workspace, so another
workspace's prompt is a 404. Thin over ``hub.prompts`` services, selectors and exchange.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hub.prompts import selectors, services
from hub.prompts.exchange import prompts_export, prompts_import
from hub.prompts.models import PromptTemplate, PromptVersion
from hub.prompts.rendering import RenderError
from hub.prompts.serializers import (
    PromptCreateSerializer,
    PromptDetailSerializer,
    PromptImportResultSerializer,
    PromptImportUploadSerializer,
    PromptRenderSerializer,
    PromptSerializer,
    PromptUpdateSerializer,
    PromptVersionAddedSerializer,
    PromptVersionCreateSerializer,
    PromptVersionSerializer,
    RenderedPromptSerializer,
)
from routing.pipeline.errors import error_body
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.roles import Permission
from workspaces.uploads import upload_read

WRITE = Permission.USE_MODELS
MAX_SEARCH = 200


class _PromptView(WorkspaceScopedView[PromptTemplate]):
    queryset = PromptTemplate.objects.none()
    serializer_class = PromptDetailSerializer
    required_permissions = {
        "GET": Permission.VIEW,
        "POST": WRITE,
        "PATCH": WRITE,
        "DELETE": WRITE,
    }

    def scoped_queryset(self) -> QuerySet[PromptTemplate]:
        return selectors.prompt_list(workspace=self.actor.workspace)

    @property
    def template(self) -> PromptTemplate:
        return self.url_object

    def render_prompt(self, template_id: int, *, status: int = 200) -> Response:
        """Read the prompt again, so its counts include the write just made."""
        template = selectors.prompt_list(workspace=self.actor.workspace).get(pk=template_id)
        return self.render(template, status=status, serializer_class=PromptDetailSerializer)

    def version_numbered(self, number: int) -> PromptVersion:
        try:
            return selectors.prompt_version_by_number(template=self.template, number=number)
        except PromptVersion.DoesNotExist:
            raise Http404(f"This prompt has no version {number}.") from None


class PromptListView(WorkspaceScopedListView[PromptTemplate], _PromptView):
    serializer_class = PromptSerializer

    def scoped_queryset(self) -> QuerySet[PromptTemplate]:
        params = self.request.query_params
        return selectors.prompt_list(
            workspace=self.actor.workspace,
            search=params.get("q", "")[:MAX_SEARCH],
            category=params.get("category", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches names, descriptions and texts."),
            OpenApiParameter("category", str, description="Exact category."),
        ]
    )
    def get(self, request: Request, workspace_slug: str) -> Response:
        return super().get(request, workspace_slug)

    @extend_schema(request=PromptCreateSerializer, responses={201: PromptDetailSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        template = services.prompt_create(actor=self.actor, **self.parsed(PromptCreateSerializer))
        return self.render_prompt(template.pk, status=status.HTTP_201_CREATED)


class PromptDetailView(_PromptView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.template)

    @extend_schema(request=PromptUpdateSerializer, responses=PromptDetailSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Name, category, description; the text changes by adding a version."""
        fields = self.parsed(PromptUpdateSerializer, partial=True)
        template = self.template
        services.prompt_update(
            actor=self.actor,
            template=template,
            name=fields.get("name", template.name),
            category=fields.get("category", template.category),
            description=fields.get("description", template.description),
        )
        return self.render_prompt(template.pk)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.prompt_delete(actor=self.actor, template=self.template)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PromptVersionAddView(_PromptView):
    serializer_class = PromptVersionAddedSerializer
    required_permissions = {"POST": WRITE}

    @extend_schema(
        request=PromptVersionCreateSerializer,
        responses={201: PromptVersionAddedSerializer, 200: PromptVersionAddedSerializer},
    )
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """201 with the new version; 200 with the latest one (``created`` false) when the
        text and variables are unchanged, since saving them again adds nothing."""
        fields = self.parsed(PromptVersionCreateSerializer)
        version = services.prompt_version_add(actor=self.actor, template=self.template, **fields)
        if version is not None:
            return self.render(version, status=status.HTTP_201_CREATED, created=True)
        latest = selectors.prompt_version_latest(template=self.template)
        assert latest is not None  # an unchanged text means there is a latest version
        return self.render(latest, created=False)


class PromptVersionProductionView(_PromptView):
    """POST puts the ``production`` label on the version (taking it off any other);
    DELETE takes it off."""

    serializer_class = PromptVersionSerializer
    required_permissions = {"POST": WRITE, "DELETE": WRITE}

    @extend_schema(request=None, responses=PromptVersionSerializer)
    def post(self, request: Request, workspace_slug: str, pk: int, number: int) -> Response:
        version = self.version_numbered(number)
        return self.render(
            services.prompt_version_mark_production(actor=self.actor, version=version)
        )

    @extend_schema(request=None, responses={200: PromptVersionSerializer})
    def delete(self, request: Request, workspace_slug: str, pk: int, number: int) -> Response:
        version = self.version_numbered(number)
        return self.render(
            services.prompt_version_unmark_production(actor=self.actor, version=version)
        )


class PromptRenderView(_PromptView):
    """Fill in the variables of one version; viewers may render, as on the pages."""

    serializer_class = RenderedPromptSerializer
    required_permissions = {"POST": Permission.VIEW}

    @extend_schema(request=PromptRenderSerializer, responses=RenderedPromptSerializer)
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        fields = self.parsed(PromptRenderSerializer)
        version = self._version(fields.get("version"))
        try:
            rendered = services.prompt_render(version=version, values=fields["values"])
        except RenderError as error:
            return render_error_response(error)
        return Response(RenderedPromptSerializer(rendered).data)

    def _version(self, number: int | None) -> PromptVersion:
        """The version asked for; by default the production one, else the latest."""
        if number is None:
            version = selectors.prompt_version_current(template=self.template)
            if version is None:
                raise ValidationError({"version": "This prompt has no version yet."})
            return version
        try:
            return selectors.prompt_version_by_number(template=self.template, number=number)
        except PromptVersion.DoesNotExist:
            raise ValidationError({"version": f"This prompt has no version {number}."}) from None


def render_error_response(error: RenderError) -> Response:
    """400 naming the first bad variable in ``param`` and every one in ``missing``,
    ``unknown`` and ``invalid``."""
    names = [*error.missing, *error.unknown, *error.invalid]
    body = error_body(
        error.message,
        status_code=status.HTTP_400_BAD_REQUEST,
        code="invalid_values",
        param=f"values.{names[0]}" if names else "values",
        missing=error.missing,
        unknown=error.unknown,
        invalid=error.invalid,
    )
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class PromptExportView(WorkspaceScopedView[PromptTemplate]):
    """Every prompt with all its versions, in the file format the Export page downloads."""

    queryset = PromptTemplate.objects.none()
    required_permissions = {"GET": Permission.VIEW}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(prompts_export(actor=self.actor))


class PromptImportView(WorkspaceScopedView[PromptTemplate]):
    """Adds what the workspace lacks from an export, as the Import page does; a broken file
    is a 400 naming what is wrong, and nothing of it is written."""

    queryset = PromptTemplate.objects.none()
    serializer_class = PromptImportResultSerializer
    required_permissions = {"POST": WRITE}

    @extend_schema(
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": PromptImportUploadSerializer,
        },
        responses=PromptImportResultSerializer,
    )
    def post(self, request: Request, workspace_slug: str) -> Response:
        try:
            result = prompts_import(actor=self.actor, raw=self._file())
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        return Response(PromptImportResultSerializer(result).data)

    def _file(self) -> bytes:
        """A multipart ``file`` field, else the body itself. Read raw, one byte past the
        limit, so the exchange module judges size, encoding and JSON as for the page."""
        if self.request.content_type.startswith("multipart/"):
            upload = self.request.FILES.get("file")
            if upload is None:
                raise ValidationError("Send the export as the body, or as the file field.")
            return upload_read(upload)
        return upload_read(self.request.stream)
