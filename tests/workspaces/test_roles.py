"""The role matrix, as the README documents it."""

import pytest

from workspaces.roles import ROLE_PERMISSIONS, Permission, Role, role_allows

EXPECTED = {
    Role.OWNER: set(Permission),
    Role.ADMIN: set(Permission) - {Permission.MANAGE_OWNERS, Permission.MANAGE_WORKSPACE},
    Role.MEMBER: {Permission.VIEW, Permission.USE_MODELS, Permission.CREATE_OWN_KEYS},
    Role.VIEWER: {Permission.VIEW},
}


@pytest.mark.parametrize("role", list(Role))
def test_role_grants_exactly_the_documented_permissions(role):
    assert set(ROLE_PERMISSIONS[role]) == EXPECTED[role]
    for permission in Permission:
        assert role_allows(role, permission) == (permission in EXPECTED[role])


def test_unknown_role_grants_nothing():
    assert not any(role_allows("intruder", p) for p in Permission)
