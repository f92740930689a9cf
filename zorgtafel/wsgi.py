"""WSGI entry point: ``gunicorn zorgtafel.wsgi:app``. A bad config stops it in one line."""

from __future__ import annotations

import gc
import sys

from zorgtafel import create_app
from zorgtafel.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    print(f"zorgtafel: {exc}", file=sys.stderr)
    raise SystemExit(2) from None

# What the app holds from start-up (modules, templates, the convenant) lives as long as the
# process: move it out of the collector's sight, so a request's collections stay short.
gc.collect()
gc.freeze()
