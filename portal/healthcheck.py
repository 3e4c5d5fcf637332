"""python -m portal.healthcheck [URL]: exit 0 if the web server answers the library with 200 (the compose health check).

It asks as the first of DJANGO_ALLOWED_HOSTS would, and as if through the TLS proxy, so that neither the
host check nor the HTTPS redirect turns a healthy server into a failed check. It does not import Django.
"""
from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/policies/"


def host_header() -> str:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    return "localhost" if host == "*" else host.lstrip(".")


def main(argv: list[str]) -> int:
    url = argv[0] if argv else DEFAULT_URL
    request = urllib.request.Request(url, headers={"Host": host_header(), "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed local URL
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
