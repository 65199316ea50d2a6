"""Fixtures for the core tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Login-failure counts live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


# --- A production-like server: collected, hashed, compressed static files served by WhiteNoise ----------------

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """The whole app behind WhiteNoise as ``linli run`` serves it (static files collected by ``collectstatic``
    with the production storage, no test static handler), in a thread of this process on the test database.

    Tests using it need ``transactional_db`` (the server thread reads what they commit)."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.test.testcases import LiveServerThread

    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES, DEBUG=False, WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield type("Server", (), {"url": f"http://127.0.0.1:{thread.port}", "static_root": root})()
        finally:
            thread.terminate()
