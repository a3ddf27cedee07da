"""Every API operation, fed generated input from its own OpenAPI description.

Schemathesis derives valid and invalid requests (wrong types, out-of-range
numbers, odd strings, missing and extra fields) from `/api/v1/openapi.json`,
so operations added later are fuzzed without touching this file. Whatever a
client sends, the answer is never a 5xx, every documented status comes with a
problem+json body, and the response matches the schema the API publishes.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from infostrada.accounts import services
from infostrada.accounts.roles import API_SCOPES, Role
from infostrada.testing import official
from infostrada.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly would close the test's database connection
    at the end of each request (Django's test client avoids it the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(lubicz, keep_test_connection):
    admin = official(lubicz, Role.UNIT_ADMIN)
    _client, secret = services.issue_api_client(
        actor=services.actor_for_user(admin), unit=lubicz, name="fuzz", scopes=sorted(API_SCOPES)
    )
    return secret


@schema.parametrize()
@settings(
    # The same examples on every run, so that CI is reproducible; raise
    # max_examples locally to explore further.
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_no_input_breaks_the_api(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
