"""The JSON API against its own OpenAPI document: schemathesis generates requests for
every operation (a few examples each, bounded in time) and checks status codes, content
types and response bodies against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from serve_helpers import TOKEN, copy_db, make_app

HEADERS = {"Host": "127.0.0.1:8000", "X-Parallax-Token": TOKEN}
BOUNDS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def api_schema(examples_db: Path, tmp_path_factory: pytest.TempPathFactory):
    db = copy_db(examples_db, tmp_path_factory.mktemp("schema") / "schema.db")
    return schemathesis.openapi.from_asgi(
        "/openapi.json", make_app(db), headers={"Host": HEADERS["Host"]}
    )


def test_every_api_operation_conforms_to_the_schema(api_schema) -> None:
    checked = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @BOUNDS
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=HEADERS)

        check()
        checked.append(operation.label)
    assert "POST /api/corrections" in checked
    assert len(checked) >= 8
