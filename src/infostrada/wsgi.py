"""The WSGI application that ``infostrada serve`` (granian) runs.

After the application is loaded, everything alive (modules, URL patterns,
templates compiled so far, settings) is moved out of the garbage collector's
reach with ``gc.freeze()``: otherwise each worker stops for a full collection
of that long-lived heap, about 160 ms every few thousand requests on the bench
data, which set the 99th percentile of fast endpoints (bench/README.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infostrada.settings")
application = get_wsgi_application()

# Load the URL configuration (and the views it imports) before freezing.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 (imports every view module)
gc.collect()
gc.freeze()
