"""Images (JPEG, PNG, TIFF): scans, checked for the structure a viewer needs."""

from __future__ import annotations

import struct

from django.utils.translation import gettext as _

from infostrada.documents.uploads.errors import UploadRejected
from infostrada.documents.uploads.names import FileFormat


def check_image(fmt: FileFormat, data: bytes) -> None:
    """Catch truncated scans: the structure a viewer needs first and last is there."""
    if fmt.key == "png":
        intact = data[12:16] == b"IHDR" and b"IEND" in data[-1024:]
    elif fmt.key == "jpeg":
        intact = b"\xff\xd9" in data[-1024:]
    else:
        order = "<" if data.startswith(b"II") else ">"
        first_ifd = struct.unpack(order + "I", data[4:8])[0] if len(data) >= 8 else 0
        intact = 8 <= first_ifd < len(data) - 2
    if not intact:
        raise UploadRejected(
            "image_corrupt",
            _(
                "The %(format)s image is damaged or incomplete. Scan or save it again and "
                "send it again."
            ),
            {"format": fmt.name},
        )
