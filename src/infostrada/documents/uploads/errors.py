"""The refusal an official or an API client sees: a stable code and a message for people."""

from __future__ import annotations

from typing import Final

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ERROR_CODES: Final = (
    "too_large",
    "empty",
    "extension_missing",
    "extension_not_allowed",
    "double_extension",
    "content_mismatch",
    "pdf_corrupt",
    "pdf_encrypted",
    "image_corrupt",
    "xml_malformed",
    "xml_dtd_forbidden",
    "txt_encoding",
    "archive_corrupt",
    "archive_too_many_entries",
    "archive_too_large",
    "archive_ratio",
    "archive_nested",
    "archive_unsafe_path",
    "archive_encrypted",
    "archive_method",
)


class UploadRejected(ValidationError):
    """An upload we refuse; ``code`` is stable for API clients, the message is for people.

    A ``ValidationError`` so that a form can raise it from ``clean_<field>`` and the API
    can turn it into a problem+json field error without translation tables.
    """

    def __init__(self, code: str, message: str, params: dict[str, object] | None = None):
        assert code in ERROR_CODES, code
        super().__init__(message, code=code, params=params)

    @property
    def text(self) -> str:
        """The message with its placeholders filled in."""
        return self.message % self.params if self.params else self.message

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type[UploadRejected], tuple[object, ...]]:
        # ValidationError's args are (message, code, params); ours start with the code.
        return (self.__class__, (self.code, self.message, self.params))


def too_large(limit: int, size: int | None) -> UploadRejected:
    if size is None:
        return UploadRejected(
            "too_large",
            _(
                "The file is larger than the limit of %(limit)s. Split it into smaller "
                "files, or scan it again at 200-300 dpi in black and white or greyscale."
            ),
            {"limit": filesizeformat(limit)},
        )
    return UploadRejected(
        "too_large",
        _(
            "The file is %(size)s, more than the limit of %(limit)s. Split it into smaller "
            "files, or scan it again at 200-300 dpi in black and white or greyscale."
        ),
        {"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )
