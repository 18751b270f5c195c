"""Unit-test speed: nearly every test logs a user in, and production-strength password hashing
(scrypt, ~0.2 s per hash and per check) dominated the suite's runtime. The hash format stays a real
werkzeug one (pbkdf2), so login and check_password are still exercised for real."""
from functools import partial

import pytest
from werkzeug.security import generate_password_hash


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("webapp.models.people.generate_password_hash",
                   partial(generate_password_hash, method="pbkdf2:sha256:1000"))
        yield
