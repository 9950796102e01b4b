"""How much scrypt an unauthenticated caller can make the server spend (issue 11).

The stored token prefix (first 12 characters) is public: it is in every listing and in audit output.
A bearer string that starts with a real prefix reaches the scrypt check (tens of ms) while any other
string is refused after one indexed lookup. These run the app in-process to count the scrypt checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from influxdb3_local_api import store as store_module
from influxdb3_local_api.app import create_app
from influxdb3_local_api.bootstrap import BootstrapOptions, bootstrap
from influxdb3_local_api.settings import Settings
from influxdb3_local_api.store import Store
from support.local_api import ACCOUNT_A, CLUSTER_A1

ADMIN = "M.V1.cost-test-admin-token-0123456789abcdef"
TOKENS = f"/api/v0/accounts/{ACCOUNT_A}/clusters/{CLUSTER_A1}/managementTokens"


@pytest.fixture
def scrypt_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every scrypt comparison the store makes, in order (the prefix of what was presented)."""
    calls: list[str] = []
    real = store_module.token_matches

    def counting(token: str, salt: bytes, expected: bytes, cost: int) -> bool:
        calls.append(token[:12])
        return real(token, salt, expected, cost)

    monkeypatch.setattr(store_module, "token_matches", counting)
    return calls


@contextmanager
def serving(data_dir: Path, **settings: float) -> Iterator[TestClient]:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir)
    bootstrap(store, data_dir, "http://testserver", BootstrapOptions(ACCOUNT_A, CLUSTER_A1, ADMIN))
    store.close()
    with TestClient(create_app(Settings(data_dir=data_dir, **settings))) as test_client:  # type: ignore[arg-type]
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_wrong_string_with_a_real_prefix_costs_one_scrypt_however_often_it_is_sent(
    tmp_path: Path, scrypt_checks: list[str]
) -> None:
    wrong = ADMIN[:12] + "not-the-rest-of-the-admin-token"
    with serving(tmp_path / "data") as http:
        for _ in range(20):
            response = http.get(TOKENS, headers=bearer(wrong))
            assert response.status_code == 401
    assert len(scrypt_checks) == 1


def test_failed_scrypt_checks_are_bounded_and_a_known_token_still_gets_in(
    tmp_path: Path, scrypt_checks: list[str]
) -> None:
    # A budget of 3 failed checks that refills once in 1,000 s: the refill never comes within this test.
    with serving(tmp_path / "data", failed_auth_per_s=0.001, failed_auth_burst=3) as http:
        assert http.get(TOKENS, headers=bearer(ADMIN)).status_code == 200  # verified once, then remembered
        statuses = [http.get(TOKENS, headers=bearer(f"{ADMIN[:12]}guess-{n:04d}")).status_code for n in range(12)]
        assert statuses == [401] * 3 + [429] * 9
        refused = http.get(TOKENS, headers=bearer(f"{ADMIN[:12]}guess-final"))
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["code"] == 429
        assert len(scrypt_checks) == 1 + 3  # the admin token's first check, then the three guesses
        assert http.get(TOKENS, headers=bearer(ADMIN)).status_code == 200
        # A string whose prefix matches no token costs no scrypt, so it is answered 401 even now.
        assert http.get(TOKENS, headers=bearer("M.V1.zzzzzzz-unknown-prefix")).status_code == 401
