"""Re-encrypt every stored secret under the first key of HUB_ENCRYPTION_KEYS."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from providers.models import Credential
from providers.secrets import SecretUnreadable, reencrypt_secret


class Command(BaseCommand):
    help = (
        "Re-encrypt all provider secrets with the first key in HUB_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args: object, **options: object) -> None:
        rotated = 0
        with transaction.atomic():
            for credential in Credential.objects.select_for_update().only("pk", "secret_encrypted"):
                try:
                    token = reencrypt_secret(credential.secret_encrypted)
                except SecretUnreadable:
                    raise CommandError(
                        f"Credential {credential.pk} cannot be decrypted with any key in "
                        "HUB_ENCRYPTION_KEYS; nothing was changed."
                    ) from None
                Credential.objects.filter(pk=credential.pk).update(secret_encrypted=token)
                rotated += 1
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {rotated} credential(s) under the first key.")
        )
