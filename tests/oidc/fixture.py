"""A real OpenID Connect provider for the tests: tests/oidc/provider.mjs (npm's oidc-provider) run with node.

`oidc_provider` starts one on a free port of 127.0.0.1 for a test and stops it afterwards. Its node packages
are installed from tests/oidc/package-lock.json (`npm ci`) the first time, so a clean checkout needs only node.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

MAP = Path(__file__).resolve().parent
WACHTWOORD = "gemeente-wachtwoord"
FOUTEN = ("handtekening", "verlopen", "uitgever", "herhaald")

# Accounts at the municipality's identity provider; the e-mail addresses are those of tests/conftest.py's Wereld.
ACCOUNTS = [
    {"login": "mila", "sub": "sub-mila", "claims": {"email": "manager@test.local", "email_verified": True,
                                                    "name": "Mila Manager", "groups": ["kk-feyenoord-managers"]}},
    {"login": "bea", "sub": "sub-bea", "claims": {"email": "beheer@test.local", "email_verified": True,
                                                  "name": "Bea Beheer", "groups": ["kk-beheer"]}},
    {"login": "mo", "sub": "sub-mo", "claims": {"email": "medewerker@test.local", "email_verified": False,
                                                "name": "Mo Medewerker", "groups": []}},
    {"login": "onbekend", "sub": "sub-onbekend", "claims": {"email": "onbekend@test.local", "email_verified": True,
                                                            "name": "Otto Onbekend", "groups": ["kk-andere-afdeling"]}},
    {"login": "nieuw", "sub": "sub-nieuw", "claims": {"email": "nieuwe.collega@test.local", "email_verified": True,
                                                      "name": "Nina Nieuw", "groups": ["kk-feyenoord-medewerkers"]}},
]


@dataclass
class OidcProvider:
    issuer: str
    proces: subprocess.Popen
    log: Path
    clients: dict[str, str] = field(default_factory=dict)  # client_id -> secret

    def geheim(self, client_id: str = "knipkaart") -> str:
        return self.clients[client_id]

    def inloggen(self, authorize_url: str, login: str, wachtwoord: str = WACHTWOORD,
                 sessie: requests.Session | None = None) -> str:
        """Go through the provider's login page like a browser; return the URL it sends back to Knipkaart."""
        sessie = sessie or requests.Session()
        url, methode, data = authorize_url, "GET", None
        for _ in range(10):
            r = sessie.request(methode, url, data=data, allow_redirects=False, timeout=10)
            if r.status_code in (302, 303):
                volgende = urljoin(url, r.headers["Location"])
                if not volgende.startswith(self.issuer):
                    return volgende
                url, methode, data = volgende, "GET", None
            elif r.status_code == 200 and 'name="wachtwoord"' in r.text:
                url, methode, data = url, "POST", {"login": login, "wachtwoord": wachtwoord}
            else:
                raise AssertionError(f"provider answered {r.status_code}: {r.text[:300]}")
        raise AssertionError("the provider did not send the browser back")


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _node_pakketten() -> None:
    """npm ci once (under a lock: parallel runs share the folder)."""
    with open(MAP / ".npm-ci.lock", "w") as slot:
        fcntl.flock(slot, fcntl.LOCK_EX)
        if (MAP / "node_modules" / "oidc-provider" / "package.json").exists():
            return
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=MAP, check=True,
                       timeout=300)


def start_provider(tmp_path: Path, redirect_uris: list[str], post_logout_redirect_uris: list[str]) -> OidcProvider:
    if not shutil.which("node") or not shutil.which("npm"):
        if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail("node and npm are needed for the OpenID Connect provider of the tests")
        pytest.skip(reason="node and npm are not installed: the OpenID Connect tests need them")
    _node_pakketten()
    poort = _vrije_poort()
    issuer = f"http://127.0.0.1:{poort}"
    clients = {"knipkaart": "geheim-knipkaart", **{f"knipkaart-{f}": f"geheim-{f}" for f in FOUTEN}}
    cfg = {
        "port": poort, "issuer": issuer,
        "clients": [{"client_id": c, "client_secret": s, "redirect_uris": redirect_uris,
                     "post_logout_redirect_uris": post_logout_redirect_uris,
                     "fout": c.removeprefix("knipkaart-") if c != "knipkaart" else ""} for c, s in clients.items()],
        "accounts": [{**a, "wachtwoord": WACHTWOORD} for a in ACCOUNTS],
    }
    pad = tmp_path / f"oidc-{poort}.json"
    pad.write_text(json.dumps(cfg))
    log = tmp_path / f"oidc-{poort}.log"
    with log.open("w") as uitvoer:  # the child keeps its own copy of the descriptor
        proces = subprocess.Popen(["node", str(MAP / "provider.mjs")], cwd=MAP, stdout=uitvoer,
                                  stderr=subprocess.STDOUT, env={**os.environ, "KNIPKAART_OIDC_CONFIG": str(pad),
                                                                  "NODE_ENV": "test"})
    tot = time.monotonic() + 30
    while True:
        try:
            if requests.get(issuer + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if proces.poll() is not None or time.monotonic() > tot:
            proces.kill()
            raise RuntimeError(f"the OpenID Connect provider did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    return OidcProvider(issuer=issuer, proces=proces, log=log, clients=clients)


def stop_provider(provider: OidcProvider) -> None:
    provider.proces.terminate()
    try:
        provider.proces.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.proces.kill()
        provider.proces.wait()


# The app's BASE_URL in the integration tests: the provider sends the browser back there, and the test hands
# that URL's path and query to Flask's test client.
TEST_BASE = "http://127.0.0.1:5000"


@pytest.fixture
def oidc_provider(tmp_path):
    provider = start_provider(tmp_path, [f"{TEST_BASE}/login/sso/terug"], [f"{TEST_BASE}/login"])
    try:
        yield provider
    finally:
        stop_provider(provider)
