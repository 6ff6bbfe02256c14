"""Members and invitations: who belongs, their roles, and the links that let others join."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from workspaces import selectors, services
from workspaces.forms import InvitationForm, MemberRoleForm, SignupForm, assignable_roles
from workspaces.models import Invitation, Membership
from workspaces.roles import PRIVILEGED_ROLES, Permission
from workspaces.views.base import WorkspacePageView

INVITATION_UNAVAILABLE = "workspaces/invitation_unavailable.html"


class MembersView(WorkspacePageView):
    """Everyone sees who belongs; member managers also invite and see pending invitations
    (they carry e-mail addresses)."""

    nav = "members"
    template_name = "workspaces/members.html"
    permissions = {"GET": Permission.VIEW, "POST": Permission.MANAGE_MEMBERS}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page(self.context(InvitationForm(actor=self.actor)))

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        """Create an invitation; its link is in this response only, never stored or shown again."""
        form = InvitationForm(request.POST, actor=self.actor)
        if not form.is_valid():
            return self.render_page(self.context(form), status=400)
        invitation, token = services.invitation_create(
            actor=self.actor, role=form.cleaned_data["role"], email=form.cleaned_data["email"]
        )
        link = request.build_absolute_uri(reverse("invitation-accept", args=[token]))
        context = self.context(InvitationForm(actor=self.actor))
        return self.render_page({**context, "new_invitation": invitation, "invitation_link": link})

    def context(self, form: InvitationForm) -> dict[str, Any]:
        memberships = member_rows(
            self.actor, selectors.membership_list(workspace=self.actor.workspace)
        )
        invitations: QuerySet[Invitation] | list[Invitation] = []
        if self.can(Permission.MANAGE_MEMBERS):
            invitations = [
                invitation
                for invitation in selectors.invitation_list(workspace=self.actor.workspace)
                if invitation.status == "pending"
            ]
        return {"memberships": memberships, "invitations": invitations, "form": form}


def member_rows(actor: Any, memberships: QuerySet[Membership]) -> list[Membership]:
    """The memberships, each marked with whether ``actor`` may change or remove it."""
    roles = assignable_roles(actor)
    rows = list(memberships)
    for membership in rows:
        membership.can_manage = actor.can(Permission.MANAGE_OWNERS) or (  # type: ignore[attr-defined]  # row-only attribute for the template
            actor.can(Permission.MANAGE_MEMBERS) and membership.role not in PRIVILEGED_ROLES
        )
        membership.is_self = membership.user_id == actor.user.pk  # type: ignore[attr-defined]  # row-only attribute for the template
        membership.role_choices = roles  # type: ignore[attr-defined]  # row-only attribute for the template
    return rows


class _MembershipView(WorkspacePageView):
    object_kwarg = "membership_id"
    nav = "members"

    def scoped_queryset(self) -> QuerySet[Membership]:
        return selectors.membership_list(workspace=self.actor.workspace)

    def row(self, error: str = "") -> HttpResponse:
        (membership,) = member_rows(self.actor, self.scoped_queryset().filter(pk=self.object.pk))
        return render(
            self.request,
            "workspaces/_member_row.html",
            {"membership": membership, "row_error": error, "workspace": self.actor.workspace},
        )


class MemberRoleView(_MembershipView):
    permissions = {"POST": Permission.MANAGE_MEMBERS}

    def post(self, request: HttpRequest, workspace_slug: str, membership_id: int) -> HttpResponse:
        form = MemberRoleForm(request.POST)
        error = ""
        if not form.is_valid():
            error = "Choose a role."
        else:
            try:
                services.membership_set_role(
                    actor=self.actor, membership=self.object, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
            return self.row(error)
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, f"{self.object.user} is now {self.object.get_role_display()}."
            )
        return redirect("member-list", workspace_slug=workspace_slug)


class MemberRemoveView(_MembershipView):
    """Removing someone else needs the member-managing right (the service checks); leaving
    needs only membership."""

    permissions = {"POST": Permission.VIEW}

    def post(self, request: HttpRequest, workspace_slug: str, membership_id: int) -> HttpResponse:
        leaving = self.object.user_id == request.user.pk
        try:
            services.membership_remove(actor=self.actor, membership=self.object)
        except ValidationError as exc:
            if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
                return self.row(" ".join(exc.messages))
            messages.error(request, " ".join(exc.messages))
            return redirect("member-list", workspace_slug=workspace_slug)
        if leaving:
            messages.success(request, f"You left {self.actor.workspace.name}.")
            target = reverse("home")
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)  # type: ignore[attr-defined]  # set by HtmxMiddleware
        if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
            return HttpResponse("")  # the row disappears
        messages.success(request, f"{self.object.user} was removed from the workspace.")
        return redirect("member-list", workspace_slug=workspace_slug)


class InvitationRevokeView(WorkspacePageView):
    object_kwarg = "invitation_id"
    nav = "members"
    permissions = {"POST": Permission.MANAGE_MEMBERS}

    def scoped_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitation_list(workspace=self.actor.workspace)

    def post(self, request: HttpRequest, workspace_slug: str, invitation_id: int) -> HttpResponse:
        services.invitation_revoke(actor=self.actor, invitation=self.object)
        if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
            return HttpResponse("")
        messages.success(request, "Invitation revoked; its link no longer works.")
        return redirect("member-list", workspace_slug=workspace_slug)


class InvitationAcceptView(View):
    """``/invite/<token>/``: a signed-in user joins; a visitor signs up and joins in one step."""

    template_name = "workspaces/invitation_accept.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = services.invitation_find(token=kwargs["token"])
        if invitation is None or invitation.status != "pending":
            return self.unavailable()
        self.invitation: Invitation = invitation
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]  # handlers here return HttpResponse

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.page(SignupForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if request.user.is_authenticated:
            user = request.user
            try:
                membership = services.invitation_accept(token=token, user=user)
            except ValidationError:
                return self.unavailable()
        else:
            form = SignupForm(request.POST)
            if not form.is_valid():
                return self.page(form, status=400)
            try:
                with transaction.atomic():
                    user = form.save()
                    membership = services.invitation_accept(token=token, user=user)
            except ValidationError:
                return self.unavailable()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome to {membership.workspace.name}. Your role: {membership.get_role_display()}.",
        )
        return redirect("workspace-overview", workspace_slug=membership.workspace.slug)

    def page(self, form: SignupForm, *, status: int = 200) -> HttpResponse:
        user = self.request.user
        already_member = (
            user.is_authenticated
            and Membership.objects.filter(user=user, workspace=self.invitation.workspace).exists()
        )
        context = {"invitation": self.invitation, "form": form, "already_member": already_member}
        return render(self.request, self.template_name, context, status=status)

    def unavailable(self) -> HttpResponse:
        """Unknown links are 404; expired, used or revoked ones say which (410 Gone)."""
        invitation = services.invitation_find(token=self.kwargs["token"])
        state = invitation.status if invitation else "unknown"
        status = 404 if invitation is None else 410
        return render(self.request, INVITATION_UNAVAILABLE, {"state": state}, status=status)
