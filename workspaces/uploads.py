"""Uploaded files, for every import the hub has (prompts, conversations): one size limit,
``HUB_IMPORT_MAX_BYTES``, one form field that checks it, one way to read the JSON inside,
and one error, ``FileRejected``, for a file refused as a whole (nothing of it is written)."""

from __future__ import annotations

import json
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

MEGABYTE = 1024 * 1024


class FileRejected(ValidationError):
    """The file as a whole is unusable; its message can be shown to the user as it is."""


def upload_limit_bytes() -> int:
    return int(settings.HUB_IMPORT_MAX_BYTES)


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.0f} MB"


def upload_size_check(size: int, *, limit: int | None = None, what: str = "The file") -> None:
    limit = upload_limit_bytes() if limit is None else limit
    if size > limit:
        raise FileRejected(f"{what} is {size / MEGABYTE:.1f} MB; the limit is {megabytes(limit)}.")


def upload_read(stream: IO[bytes] | None) -> bytes:
    """At most one byte past the limit, so an oversized file is refused without reading it."""
    return stream.read(upload_limit_bytes() + 1) if stream is not None else b""


def upload_json(raw: bytes, *, limit: int | None = None, hint: str = "") -> Any:
    """The JSON document ``raw`` holds, no larger than ``limit`` (the upload limit unless
    given); FileRejected saying what is wrong."""
    upload_size_check(len(raw), limit=limit)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FileRejected(f"The file is not UTF-8 text{hint}.") from None
    except json.JSONDecodeError as error:
        raise FileRejected(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except RecursionError:
        raise FileRejected("The file's JSON is nested too deeply.") from None


class UploadForm(forms.Form):
    """One file, refused by its size before anything reads it."""

    file = forms.FileField()

    def __init__(self, *args: Any, label: str = "File", help_text: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        self.fields["file"].help_text = help_text

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        upload_size_check(upload.size)
        return upload

    @property
    def limit_mb(self) -> int:
        return upload_limit_bytes() // MEGABYTE
