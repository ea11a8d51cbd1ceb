"""Test settings: the real settings module with test-only environment defaults.

Tests run with DEBUG off (as in production); they only supply the secret key
and switch off the HTTPS redirect, which the test client does not speak.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from cwop_portal.settings import *  # noqa: E402,F403

# Faster password hashing: the tests create many accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests render templates without running collectstatic first; one test checks
# the production storage (hashed, compressed files) through collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Notes each POST and whether it ran outside a test transaction (tests/write_paths.py).
MIDDLEWARE = [*MIDDLEWARE, "tests.write_paths.RecorderMiddleware"]  # noqa: F405

# The real settings' database cache (shared by all processes, see the settings) would
# add queries to every page (the footer's settings come from the cache) and change
# the query budgets; tests run in one process, where a local-memory cache counts the
# same. tests/cwop_portal/test_shared_cache.py checks the real settings' cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
