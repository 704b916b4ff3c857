import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from plans.models import Membership
from tests import factories, servers


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _rendered_cleared() -> Iterator[None]:
    """Each test starts with no report body rendered: a test database's keys are used
    again by the next test (SQLite's, rolled back), where a web process's never are."""
    caches["rendered"].clear()
    yield


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[servers.S3Server]:
    """A real S3-compatible server (SeaweedFS) for the session; each test makes buckets."""
    directory = tmp_path_factory.mktemp("seaweedfs")
    server = servers.seaweedfs(directory)
    yield server
    server.process.stop()
    shutil.rmtree(directory / "data", ignore_errors=True)


@pytest.fixture
def s3_storage(s3_server, settings) -> str:
    """The default storage is a new bucket of the S3 server, as in production; the
    bucket's name is returned."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "csp_tracker.storage.S3Storage",
            "OPTIONS": s3_server.storage_options(bucket),
        },
    }
    return bucket


@pytest.fixture
def require_postgres(db):
    """For tests that need PostgreSQL: in CI (CSP_REQUIRE_SERVICES) missing is a failure."""
    if connection.vendor != "postgresql":
        if settings.CSP_REQUIRE_SERVICES:
            pytest.fail(
                "PostgreSQL is required here (DATABASE_URL) but the tests run on "
                f"{connection.vendor}"
            )
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def county(db):
    return factories.CountyFactory(
        slug="kent", name="Kent Community Safety Partnership", short_name="KCSP"
    )


def _district(county, name: str):
    return factories.DistrictFactory(
        parent=county,
        slug=name.lower(),
        short_name=f"{name} CSP",
        name=f"{name} Community Safety Partnership",
    )


@pytest.fixture
def district(county):
    return _district(county, "Swale")


@pytest.fixture
def other_district(county):
    return _district(county, "Gravesham")


@pytest.fixture
def agency(db):
    return factories.AgencyFactory(short_name="Swale BC", name="Swale Borough Council")


def _member(partnership, role, agency=None):
    return factories.MembershipFactory(partnership=partnership, role=role, agency=agency).user


@pytest.fixture
def officer(district, agency):
    return _member(district, Membership.Role.OFFICER, agency)


@pytest.fixture
def coordinator(district):
    return _member(district, Membership.Role.COORDINATOR)


@pytest.fixture
def executive(district):
    return _member(district, Membership.Role.EXECUTIVE)


@pytest.fixture
def county_admin(county):
    return _member(county, Membership.Role.COUNTY_ADMIN)
