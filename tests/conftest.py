"""Shared fixtures. Real parts only: real Chromium (Debian's), real Xvfb, real OCR, real PostgreSQL.

The ledger backend: every test runs on SQLite (the default), and a module marked
``pytestmark = pytest.mark.both_ledgers`` runs each test a second time on PostgreSQL — a
throw-away server (Debian's binaries, :mod:`daiko.ledger.pgcluster`) started once per session,
a fresh database per test copied from a migrated template. The database reaches the code under
test the way it reaches a robot PC: ``DAIKO_LEDGER_URL`` (so subprocesses get it too).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator

import pytest

from daiko.config.schema import LEDGER_URL_ENV

BACKENDS = ("sqlite", "postgresql")

# The files that take longest (``--durations``: mostly waiting on Chromium, a robot process or a
# mock), in the order they start. `make test` gives whole files to two workers in collection order
# (--dist loadfile --no-loadscope-reorder); left to xdist's own order (most tests first) the
# one-test soak and fleet files ran last and one core sat idle for minutes at the end.
LONGEST_FIRST = (
    "robots/test_haisha_robot.py",
    "robots/test_robot_safety.py",
    "robots/test_multihost.py",
    "robots/test_soak.py",
    "adapters/test_keitax_adapter.py",
    "console/test_console_browser.py",
    "survey/test_survey_robot.py",
    "kernel/test_validate_hardening.py",
    "test_demo.py",
    "desktop/test_shuno_adapter.py",
    "desktop/test_kouza_robot.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(os.path.relpath(item.path, here).replace(os.sep, "/"), len(rank)))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("both_ledgers")
    if marker is None:
        return
    backends = marker.kwargs.get("backends", BACKENDS)  # a test may narrow its module's marker
    if marker.kwargs.get("scope") == "module" and "module_ledger_backend" in metafunc.fixturenames:
        # One database per module and backend, for modules whose fixtures build their ledger once
        # per module (the console's hall): they ask for ``module_ledger_backend``. The module's
        # other tests get a database each, as usual.
        metafunc.parametrize("module_ledger_backend", backends, indirect=True, scope="module")
    else:
        metafunc.parametrize("ledger_backend", backends, indirect=True)


class PgServer:
    """The session's PostgreSQL: ``new_url()`` is a fresh, migrated database; ``empty_url()`` has no tables."""

    TEMPLATE = "daiko_template"

    def __init__(self, cluster):
        self.cluster = cluster

    def migrate_template(self) -> None:
        from daiko.ledger.db import upgrade_database

        upgrade_database(self.cluster.create_database(self.TEMPLATE))

    def new_url(self) -> str:
        return self.cluster.create_database(template=self.TEMPLATE)

    def empty_url(self) -> str:
        return self.cluster.create_database()

    def drop(self, url: str) -> None:
        from daiko.ledger.db import dispose
        from daiko.ledger.pgcluster import database_name

        dispose(url)
        self.cluster.drop_database(database_name(url))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    from daiko.ledger.pgcluster import PostgresUnavailable, temp_cluster

    try:
        with temp_cluster() as cluster:
            server = PgServer(cluster)
            server.migrate_template()
            yield server
    except PostgresUnavailable as exc:
        pytest.fail(str(exc))


@contextlib.contextmanager
def _backend_env(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """``DAIKO_LEDGER_URL`` unset (SQLite in data_dir) or a fresh PostgreSQL database, then restored.

    The environment is set by hand, not with ``monkeypatch``, which is function-scoped only.
    """
    saved = os.environ.pop(LEDGER_URL_ENV, None)
    server: PgServer | None = None
    url = None
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.new_url()
        os.environ[LEDGER_URL_ENV] = url
    try:
        yield backend
    finally:
        os.environ.pop(LEDGER_URL_ENV, None)
        if saved is not None:
            os.environ[LEDGER_URL_ENV] = saved
        if server is not None and url is not None:
            server.drop(url)


@pytest.fixture(scope="module")
def module_ledger_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    with _backend_env(request, getattr(request, "param", "sqlite")) as backend:
        yield backend


@pytest.fixture(autouse=True)
def ledger_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """ "sqlite" (the ledger in data_dir, whatever the caller's environment says) or "postgresql"."""
    if "module_ledger_backend" in request.fixturenames:  # the module chose, once for all its tests
        yield request.getfixturevalue("module_ledger_backend")
        return
    with _backend_env(request, getattr(request, "param", "sqlite")) as backend:
        yield backend


@pytest.fixture
def fresh_ledger_url(ledger_backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """For a test inside a module-scoped backend that needs a ledger of its own: a new database
    (PostgreSQL) in ``DAIKO_LEDGER_URL`` for this test only; on SQLite nothing to do (data_dir)."""
    if ledger_backend != "postgresql":
        return None
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.new_url()
    monkeypatch.setenv(LEDGER_URL_ENV, url)
    request.addfinalizer(lambda: server.drop(url))
    return url


@pytest.fixture
def ledger_url(ledger_backend: str, tmp_path) -> str:
    """The test's ledger: this test's PostgreSQL database, or a SQLite file in tmp_path."""
    return os.environ.get(LEDGER_URL_ENV) or f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed; run `make setup` (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def chromium(chromium_path: str) -> Iterator[object]:
    """A real Chromium for one test module.

    Module scope, not session: Playwright's sync API allows one instance per thread at a time, and
    the robot and demo tests run robots in-process, which start their own.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--disable-gpu", "--disable-quic"])
        yield browser
        browser.close()
