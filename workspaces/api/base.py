"""The base of every workspace-scoped REST view: resolve the actor, check, fetch the object.

Resolution happens in ``initial()``, before any handler runs, so a foreign workspace or a
foreign object id answers 404 whatever the method, and a missing permission answers 403
before the body is even parsed.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import generics, mixins
from rest_framework.request import Request
from rest_framework.response import Response

from workspaces.access import Actor
from workspaces.api_permissions import actor_for_request, require_permission
from workspaces.roles import Permission

WORKSPACE_KWARG = "workspace_slug"
OBJECT_KWARG = "pk"

ModelT = TypeVar("ModelT", bound=Model)


class WorkspaceScopedView(generics.GenericAPIView, Generic[ModelT]):
    """Subclasses set ``queryset`` (for the schema), ``required_permissions`` and ``scoped_queryset()``;
    ``ModelT`` is the model of that queryset, so ``url_object`` has its type. The object is
    named by the ``lookup_url_kwarg`` of the URL (``pk`` unless a view says otherwise)."""

    parent_model: ClassVar[type[Model] | None] = None

    required_permissions: ClassVar[dict[str, Permission]] = {"GET": Permission.VIEW}
    lookup_url_kwarg = OBJECT_KWARG
    actor: Actor
    object: ModelT | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.actor = actor_for_request(request, workspace_slug=kwargs[WORKSPACE_KWARG])
        self.resolve_parent(**kwargs)
        if self.lookup_url_kwarg in kwargs:
            self.object = self.get_object()
        permission = self.required_permissions.get(request.method or "", Permission.VIEW)
        require_permission(self.actor, permission)

    @property
    def url_object(self) -> ModelT:
        """The object the URL's ``pk`` names, fetched by ``initial()``: detail routes only."""
        assert self.object is not None, "only a route with a pk has an object"
        return self.object

    def scoped_queryset(self) -> QuerySet[ModelT]:
        raise NotImplementedError

    def resolve_parent(self, **kwargs: Any) -> None:
        """Views of rows under another (a collection's documents) fetch that row here, in the
        actor's workspace, or raise Http404; they name its model in ``parent_model``."""

    def get_queryset(self) -> QuerySet[ModelT]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.scoped_queryset()

    def render(self, instance: Model, *, status: int = 200, **context: Any) -> Response:
        serializer_class = context.pop("serializer_class", self.get_serializer_class())
        data = serializer_class(instance, context={**self.get_serializer_context(), **context}).data
        return Response(data, status=status)

    def parsed(self, serializer_class: type, *, partial: bool = False) -> dict[str, Any]:
        """The request body validated by ``serializer_class``; 400 naming the field otherwise."""
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class WorkspaceScopedListView(mixins.ListModelMixin, WorkspaceScopedView[ModelT]):
    """A paginated GET of ``scoped_queryset()``."""

    def get(self, request: Request, workspace_slug: str) -> Response:
        return self.list(request)
