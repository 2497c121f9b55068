"""The HTTP layer against a local server: retries, backoff, Retry-After, timeouts, resets,
truncated bodies, conditional requests, the User-Agent and the https-only rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from extract.http import FetchError, HttpClient, HttpConfig, parse_retry_after
from tests.fake_publishers import FAST_HTTP, FakePublishers, Reply, nbb_reply


@pytest.fixture(scope="module")
def server() -> Iterator[FakePublishers]:
    publishers = FakePublishers()
    yield publishers
    publishers.close()


@pytest.fixture
def fake(server: FakePublishers) -> FakePublishers:
    server.reset()
    return server


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(sleeps: Sleeps | None = None, **overrides: float) -> HttpClient:
    config = HttpConfig.from_mapping({**FAST_HTTP, **overrides})
    return HttpClient(config, sleep=sleeps if sleeps is not None else Sleeps())


def url(fake: FakePublishers) -> str:
    return f"{fake.base_url}/nbb/rest/data/BE2,DF_REGACA38,1.0/A..?startPeriod=2003"


def test_500_then_success_is_retried(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(500, b"oops", "text/plain"), nbb_reply())
    sleeps = Sleeps()
    response = client(sleeps).get("nbb_regaca38", url(fake))
    assert response.status == 200
    assert response.attempts == 2
    assert response.body.startswith(b"{")
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= FAST_HTTP["backoff_base"]


def test_429_honours_retry_after(fake: FakePublishers) -> None:
    fake.script(
        "nbb_regaca38", Reply(429, b"slow down", "text/plain", {"Retry-After": "7"}), nbb_reply()
    )
    sleeps = Sleeps()
    response = client(sleeps, backoff_max=30).get("nbb_regaca38", url(fake))
    assert response.status == 200
    assert sleeps == [7.0]  # the server's wait, not the (much shorter) backoff


def test_503_retry_after_is_capped(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(503, b"", "text/plain", {"Retry-After": "3600"}), nbb_reply())
    sleeps = Sleeps()
    client(sleeps, backoff_max=5).get("nbb_regaca38", url(fake))
    assert sleeps == [5.0]


def test_backoff_grows_exponentially_with_jitter(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(502, b"", "text/plain"))
    sleeps = Sleeps()
    with pytest.raises(FetchError) as caught:
        client(sleeps, attempts=5, backoff_base=1.0, backoff_max=100).get("nbb_regaca38", url(fake))
    assert len(sleeps) == 4
    for n, wait in enumerate(sleeps, start=1):
        assert 0 <= wait <= 2 ** (n - 1)
    assert caught.value.fault == "http-status"
    assert "HTTP 502" in str(caught.value) and "after 5 attempts" in str(caught.value)
    assert len(fake.hits("nbb_regaca38")) == 5


def test_timeout_names_source_url_and_fault(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(stall=1.5, body=b"{}"))
    with pytest.raises(FetchError) as caught:
        client(attempts=2, read_timeout=0.3).get("nbb_regaca38", url(fake))
    err = caught.value
    assert err.fault == "timeout"
    assert "'nbb_regaca38'" in str(err) and url(fake) in str(err)


def test_connection_reset_is_retried_then_reported(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(reset=True))
    with pytest.raises(FetchError) as caught:
        client(attempts=2).get("nbb_regaca38", url(fake))
    assert caught.value.fault == "connection"
    assert len(fake.hits("nbb_regaca38")) == 2


def test_reset_then_success(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(reset=True), nbb_reply())
    assert client().get("nbb_regaca38", url(fake)).attempts == 2


def test_truncated_body_is_never_returned(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", nbb_reply(cut_at=1000))
    with pytest.raises(FetchError) as caught:
        client(attempts=2).get("nbb_regaca38", url(fake))
    assert caught.value.fault == "truncated"


def test_404_is_not_retried(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", Reply(404, b"NoResultsFound", "text/plain"))
    with pytest.raises(FetchError, match="HTTP 404"):
        client().get("nbb_regaca38", url(fake))
    assert len(fake.hits("nbb_regaca38")) == 1


def test_conditional_request_and_user_agent(fake: FakePublishers) -> None:
    fake.script("nbb_regaca38", nbb_reply(etag='"v1"'))
    http = client()
    first = http.get("nbb_regaca38", url(fake), accept="application/vnd.sdmx.data+json")
    assert first.etag == '"v1"' and not first.not_modified
    second = http.get("nbb_regaca38", url(fake), etag=first.etag)
    assert second.not_modified and second.status == 304 and second.body == b""
    seen = fake.hits("nbb_regaca38")
    assert seen[1].headers.get("If-None-Match") == '"v1"'
    assert "limburg-warehouse" in seen[0].headers["User-Agent"]
    assert seen[0].headers["Accept"] == "application/vnd.sdmx.data+json"


@pytest.mark.parametrize(
    "bad_url", ["http://nsidisseminate-stat.nbb.be/rest/data/x", "ftp://127.0.0.1/x"]
)
def test_only_https_leaves_the_machine(bad_url: str) -> None:
    with pytest.raises(FetchError, match="only https"):
        client().get("nbb_regaca38", bad_url)


def test_tls_verification_cannot_be_turned_off() -> None:
    with pytest.raises(ValueError, match="unknown HTTP setting"):
        HttpConfig.from_mapping({"verify": False})


def test_parse_retry_after_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Fri, 27 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after("soon", now) is None
