"""The page tests' signed-in clients, for the import and export pages."""

from tests.pages.conftest import member_of, owner_client, signed_in

__all__ = ["member_of", "owner_client", "signed_in"]
