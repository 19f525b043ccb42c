"""Real Chromium (Debian's, /usr/bin/chromium) against the app served over HTTP on 127.0.0.1."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RESULTATEN = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def server(app, database_url, db_session):
    if not database_url.startswith("sqlite"):
        pytest.skip(reason="the browser journeys drive the screens; database behaviour is covered on both databases elsewhere")
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (REQUIRE_BROWSER is set)")
        pytest.skip(reason=f"Chromium not installed at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    oud = app.config["BASE_URL"]
    app.config["BASE_URL"] = f"http://127.0.0.1:{httpd.server_port}"  # links in pages and mail point here
    try:
        yield app.config["BASE_URL"]
    finally:
        app.config["BASE_URL"] = oud
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def pagina(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        RESULTATEN.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTATEN / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    uitkomst = yield
    rapport = uitkomst.get_result()
    setattr(item, f"rep_{rapport.when}", rapport)
