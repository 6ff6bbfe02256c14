"""Provider secrets are encrypted at rest, write-only, and survive key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from providers.models import Credential
from providers.secrets import SecretUnreadable, mask_secret
from tests import factories

SECRET = "sk-live-A1b2C3d4E5f6G7h8I9j0KLmnOPqr"


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Credential._meta.db_table}")  # noqa: S608
        return cursor.fetchall()


def test_database_rows_hold_no_plaintext_secret(workspace):
    credential = factories.make_credential(workspace, secret=SECRET)
    dump = repr(raw_rows())
    assert SECRET not in dump
    assert SECRET[3:-4] not in dump
    assert credential.reveal_secret() == SECRET


def test_secret_is_shown_only_as_a_masked_hint(workspace):
    credential = factories.make_credential(workspace, secret=SECRET)
    assert credential.secret_hint == "sk-…OPqr"
    assert SECRET not in str(credential)
    assert SECRET not in repr(credential.__dict__.get("secret_hint"))


def test_short_secrets_reveal_nothing_in_their_hint():
    assert mask_secret("abc123") == "…••••"


def test_rotation_reencrypts_every_secret_under_the_new_first_key(workspace, settings):
    old_key = settings.HUB_ENCRYPTION_KEYS[0]
    credentials = [factories.make_credential(workspace, secret=f"{SECRET}{n}") for n in range(3)]
    new_key = Fernet.generate_key().decode()
    settings.HUB_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    settings.HUB_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    for n, credential in enumerate(credentials):
        credential.refresh_from_db()
        assert credential.reveal_secret() == f"{SECRET}{n}"
        assert (
            Fernet(new_key.encode()).decrypt(credential.secret_encrypted.encode()).decode()
            == f"{SECRET}{n}"
        )


def test_secret_under_an_unknown_key_is_reported_not_leaked(workspace, settings):
    credential = factories.make_credential(workspace, secret=SECRET)
    settings.HUB_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(SecretUnreadable) as error:
        Credential.objects.get(pk=credential.pk).reveal_secret()
    assert SECRET not in str(error.value)
    with pytest.raises(CommandError):
        call_command("rotate_encryption_keys")
