"""Operating an installation as a whole: backup and restore (``infostrada backup``/``restore``).

Below every context: it copies the database, the stored files and the secrets
together and knows no product by name (it asks ``documents`` and ``audit``
only to verify a restore, through their checks).
"""
