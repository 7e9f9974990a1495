"""Production server settings: ``gunicorn -c python:wattelt.gunicorn_conf wattelt.wsgi:app``
(in a checkout also ``gunicorn -c gunicorn.conf.py app:app``).

Every value can be overridden with the usual GUNICORN_CMD_ARGS or WATTELT_* variables below."""

import multiprocessing
import os

bind = os.environ.get("WATTELT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WATTELT_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WATTELT_THREADS", "2"))
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
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
