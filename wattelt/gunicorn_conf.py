"""Production server settings: ``gunicorn -c python:wattelt.gunicorn_conf wattelt.wsgi:app``
(in a checkout also ``gunicorn -c gunicorn.conf.py app:app``).

Every value can be overridden with the usual GUNICORN_CMD_ARGS or WATTELT_* variables below."""

import os

bind = os.environ.get("WATTELT_BIND", "127.0.0.1:8000")
# A fixed number, not one per CPU: inside a container the host's CPU count says nothing, and
# every worker keeps its own database connections (WATTELT_DB_POOL_SIZE, at most
# WATTELT_DB_MAX_OVERFLOW more). With the defaults a host uses at most 2 x (4 + 2) = 12 of
# PostgreSQL's 100 connections; docs/operations.md explains the sizing (and PgBouncer).
workers = int(os.environ.get("WATTELT_WORKERS", "2"))
# One request per thread, one pooled connection per thread: keep WATTELT_DB_POOL_SIZE >= this.
threads = int(os.environ.get("WATTELT_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak can never grow unbounded.
max_requests = 2000
max_requests_jitter = 200
# Behind the TLS proxy; set WATTELT_PROXY_HOPS=1 so the app trusts its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("WATTELT_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Never log query strings: invitation tokens and search terms stay out of the logs.
# The request id (X-Request-Id, also in the app's own log lines) ties the two logs together.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss %({x-request-id}o)s'
