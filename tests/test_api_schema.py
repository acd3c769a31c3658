"""schemathesis against /openapi.json, in process over the ASGI app: every operation, bounded.

Each operation gets generated requests (valid and invalid, by schemathesis' defaults) and every
response is checked: no server error (5xx), status documented, body matching the documented
model (extra keys forbidden), one error shape. POST /api/articles runs without a token, with
a wrong one and with the right one. Real ids of the store are also checked, so the success
models of story and article are proven on real data, not only on 404s.
STORYLINE_SCHEMA_EXAMPLES sets the examples per operation (default 25).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import positive_data_acceptance

from storyline.app.api import create_app
from storyline.settings import Settings
from webfixtures import build_store

TOKEN = "schema-test-token"
EXAMPLES = int(os.environ.get("STORYLINE_SCHEMA_EXAMPLES", "25"))
SERVER_ERRORS = {"ST101", "ST102"}  # 5xx, and a 5xx with a bad content type
SCHEMA_VIOLATIONS = {"ST103", "ST104", "ST105", "ST106", "ST107", "ST108", "ST110", "ST111"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The spec as the app serves it, bound to the app (requests never leave the process)."""
    db = build_store(tmp_path_factory.mktemp("schema") / "s.db")
    app = create_app(Settings(db=str(db), api_token=TOKEN, api_max_request_bytes=200_000))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


class Tally:
    """Requests sent and distinct failures by code."""

    def __init__(self) -> None:
        self.requests = 0
        self.failures: dict[tuple[str, str, str], str] = {}

    def run(self, case: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        """Send one case and validate its response, recording failures instead of raising."""
        self.requests += 1
        try:
            case.call_and_validate(headers=headers, **kwargs)
        except BaseExceptionGroup as group:
            for failure in group.exceptions:
                assert isinstance(failure, Failure), failure
                key = (case.operation.label, failure.code, failure.title)
                self.failures.setdefault(key, str(failure.message)[:400])

    def codes(self) -> Counter[str]:
        """Distinct failures per code."""
        return Counter(code for _, code, _ in self.failures)


def _fuzz(tally: Tally, operation: Any, headers: dict[str, str] | None, **kwargs: Any) -> None:
    @seed(20261123)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy())
    def run(case: Any) -> None:
        tally.run(case, headers, **kwargs)

    run()


def test_every_operation_conforms_to_the_spec(
    schema: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        if operation.method.upper() == "POST":
            # An article the schema allows can still hold nothing to ingest (an empty array,
            # text with no sentence): the API answers 422 with the ingest report, by design.
            skip = {"excluded_checks": [positive_data_acceptance]}
            for headers in (None, {"Authorization": "Bearer wrong"}):
                _fuzz(tally, operation, headers, **skip)
            _fuzz(tally, operation, {"Authorization": f"Bearer {TOKEN}"}, **skip)
        else:
            _fuzz(tally, operation, None)
    real = _real_id_cases(schema)
    for case in real:
        tally.run(case)
    codes = tally.codes()
    server_errors = sum(n for c, n in codes.items() if c in SERVER_ERRORS)
    violations = sum(n for c, n in codes.items() if c in SCHEMA_VIOLATIONS)
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations, {tally.requests} requests "
            f"({len(real)} on real ids), server errors: {server_errors}, "
            f"schema violations: {violations}, distinct failures in all: {len(tally.failures)}"
        )
    assert tally.failures == {}


def _real_id_cases(schema: Any) -> list[Any]:
    """Cases for every stored story and article (random ids only ever reach the 404s)."""
    stories = schema["/api/stories"]["GET"].Case(query={"limit": 500})
    articles = schema["/api/articles"]["GET"].Case(query={"limit": 500})
    story_ids = [s["id"] for s in stories.call().json()]
    article_ids = [a["id"] for a in articles.call().json()]
    assert story_ids and article_ids
    cases = [stories, articles]
    for tail in ("", "/quotes", "/entities"):
        operation = schema["/api/stories/{story_id}" + tail]["GET"]
        cases += [operation.Case(path_parameters={"story_id": i}) for i in story_ids]
    operation = schema["/api/articles/{article_id}"]["GET"]
    cases += [operation.Case(path_parameters={"article_id": i}) for i in article_ids]
    cases.append(schema["/api/search"]["GET"].Case(query={"q": "summit"}))
    return cases


def test_the_spec_documents_one_error_shape(schema: Any) -> None:
    """Every non-2xx response of every operation is the one error model."""
    spec = schema.raw_schema
    error_ref = "#/components/schemas/ErrorBody"
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json", {})
                if not status.startswith("2"):
                    assert content["schema"] == {"$ref": error_ref}, (path, method, status)
                else:
                    assert content["schema"] not in ({}, {"type": "object"}), (path, status)


def test_a_database_path_is_not_needed_to_read_the_spec(tmp_path: Path) -> None:
    """The spec is served by an app without a token too, and POST is refused there."""
    app = create_app(Settings(db=str(tmp_path / "empty.db")))
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    case = loaded["/api/articles"]["POST"].Case(
        body={"text": "Something happened."}, media_type="application/json"
    )
    response = case.call(headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
