"""English pages write dates as the Polish ones do: the same document in either
language shows the same date (see infostrada.formats)."""

from infostrada.formats.pl.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)
