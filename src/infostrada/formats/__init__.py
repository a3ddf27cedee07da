"""Date formats of the platform (settings.FORMAT_MODULE_PATH).

One way of writing dates on every page of the portal and the workbench, in
both languages: ``07.12.2026`` and ``07.12.2026 14:05`` (the Polish numeric
style, PN-ISO 8601's order as Polish offices write it: day, month, year with
dots). Templates write ``{{ value|date }}`` / ``{{ value }}`` for dates and
``{{ value|date:"DATETIME_FORMAT" }}`` for moments, never a literal pattern.
Machine-readable values (``<time datetime>``, form ``value=`` of date inputs,
the accessibility statement whose national specification prescribes
``RRRR-MM-DD``) keep ISO 8601. Settings not defined here (input formats,
separators) fall back to Django's own locale formats.
"""
