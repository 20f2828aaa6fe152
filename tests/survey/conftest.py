"""Fixtures of the survey tests: the database a project runs on, and a project on it.

``backend`` runs a test module twice, on SQLite (the default of ``carenet survey init``) and on
PostgreSQL (a fresh database per module, created through ``CARENET_TEST_POSTGRES_URL`` and
dropped afterwards; without that variable the PostgreSQL half skips on a developer's machine and
fails in CI). ``survey_project`` is the Lippe example initialised on that backend, with every
organisation's personal link.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.survey_server import SurveyProject, create_project, postgres_admin_url, postgres_database

try:
    import django  # noqa: F401
except ImportError:  # the README's test command installs the extra; a missing one must not pass silently
    pytest.fail("the survey tests need the survey extra: pip install '.[test,survey]'", pytrace=False)

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database under test: "sqlite" or "postgresql" (each test module runs on both)."""
    return str(request.param)


@pytest.fixture(scope="module")
def database_url(backend: str) -> Iterator[str | None]:
    """None for SQLite; for PostgreSQL the URL of a new database, dropped after the module."""
    if backend == "sqlite":
        yield None
        return
    with postgres_database(postgres_admin_url()) as url:
        yield url


@pytest.fixture(scope="module")
def survey_project(database_url: str | None, tmp_path_factory: pytest.TempPathFactory,
                   example_workbooks: dict[str, Path]) -> SurveyProject:
    """The Lippe example (133 organisations) as a survey project on the module's backend, with links."""
    folder = tmp_path_factory.mktemp("survey") / "project"
    return create_project(folder, example_workbooks["lippe"], database_url=database_url)
