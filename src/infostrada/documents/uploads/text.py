"""Plain text: UTF-8 only (KRI names UTF-8 for text), and no binary data behind a .txt name.

Windows-1250 files are refused with a specific code and a fix-it message rather than
re-encoded: we store the bytes as received, and guessing between Windows-1250,
ISO-8859-2 and CP852 from bytes alone is unreliable; a wrong guess garbles Polish
letters silently.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from infostrada.documents.uploads.errors import UploadRejected
from infostrada.documents.uploads.identify import TEXT_CONTROL, describe, mismatch
from infostrada.documents.uploads.names import FileFormat


def check_text(fmt: FileFormat, extension: str, data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRejected(
            "txt_encoding",
            _(
                'The text file is in the UTF-16 ("Unicode") encoding; only UTF-8 is '
                "accepted. Open it in Notepad, choose Save as, set Encoding to UTF-8 and "
                "send it again."
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\x00" in data or TEXT_CONTROL.search(data.decode("cp1250", "replace")):
            raise mismatch(fmt, extension, *describe(data, None)) from None
        raise UploadRejected(
            "txt_encoding",
            _(
                "The text file is not in UTF-8; it looks like an older Polish encoding such "
                "as Windows-1250. Open it in Notepad, choose Save as, set Encoding to UTF-8 "
                "and send it again."
            ),
        ) from None
    if TEXT_CONTROL.search(text):
        raise mismatch(fmt, extension, *describe(data, None))
