"""gunicorn settings: `gunicorn -c gunicorn.conf.py "app:create_app()"` (README, "Running in production").

Refuses to start without BIANMIN_BASE_URL and BIANMIN_SECRET_KEY (API.md, Configuration).
Overridable by environment: BIANMIN_BIND (default 127.0.0.1:8000, behind nginx), BIANMIN_WORKERS
(default 2 x cores + 1, at most 12), BIANMIN_TIMEOUT (seconds), BIANMIN_FORWARDED_ALLOW_IPS.
"""

import gc
import glob
import multiprocessing
import os
import shutil
import sys
import tempfile

# Serving for real needs the public address (printed in every document and QR code, never taken from a
# request's Host header) and a signing key of its own (a generated one would differ between servers):
# refuse to start without them rather than print a wrong address into official documents for good.
_missing = [name for name in ("BIANMIN_BASE_URL", "BIANMIN_SECRET_KEY") if not os.environ.get(name, "").strip()]
if _missing:
    sys.stderr.write(
        f"Bianmin: {' and '.join(_missing)} must be set to serve through gunicorn.conf.py "
        "(BIANMIN_BASE_URL: the public address printed in documents, e.g. https://bianmin.harbin.gov.cn; "
        "BIANMIN_SECRET_KEY: a long random string, the same on every server; see docs/DEPLOY.md)\n"
        f"便民：使用 gunicorn.conf.py 部署时必须设置 {'、'.join(_missing)}（BIANMIN_BASE_URL 为文书和二维码上印制的"
        "对外地址；BIANMIN_SECRET_KEY 为足够长的随机字符串，各服务器相同）\n"
    )
    sys.exit(1)

bind = os.environ.get("BIANMIN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("BIANMIN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 12))
worker_class = "sync"  # the app is synchronous; nginx buffers slow clients
timeout = int(os.environ.get("BIANMIN_TIMEOUT", "60"))  # issuing a CJK PDF can take a few seconds
graceful_timeout = 30
keepalive = 5
# recycle workers now and then (a guard against slow leaks: none is measured, see bench rss_growth_mb_100k_events),
# with jitter so they do not all restart at once; BIANMIN_MAX_REQUESTS=0 never recycles
max_requests = int(os.environ.get("BIANMIN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
preload_app = True  # import the app (WeasyPrint alone takes ~1 s) once in the master: a worker
# recycled by max_requests is then up in milliseconds, not 2 s. Database
# pools are emptied in each child after the fork (app.py, register_at_fork)
forwarded_allow_ips = os.environ.get("BIANMIN_FORWARDED_ALLOW_IPS", "127.0.0.1")
control_socket_disable = True  # one fixed path per user (~/.gunicorn/gunicorn.ctl): two instances would fight

accesslog = "-"  # access log on stdout, errors on stderr: the service manager collects both
errorlog = "-"
loglevel = os.environ.get("BIANMIN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" rid=%({x-request-id}o)s'

# Prometheus counters live per process; in multiprocess mode every worker writes them to files here
# and /metrics adds them up. Set in the master before any worker imports prometheus_client. A directory
# made here (none is made when PROMETHEUS_MULTIPROC_DIR is set) is removed again when the master exits.
_made_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _made_metrics_dir = tempfile.mkdtemp(prefix="bianmin-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_metrics_dir


def pre_fork(server, worker):
    """Move everything the preloaded app made (~180,000 objects: WeasyPrint, pyHanko, SQLAlchemy, the templates)
    out of the garbage collector's sight before each fork: a worker's full collection would otherwise walk them
    all (~90 ms, a stall in whatever request it falls on) and, by touching their headers, copy the master's
    shared pages into every worker (Python's gc.freeze documentation, for servers that fork)."""
    gc.freeze()


def on_starting(server):
    """Counts from a previous run of the master would be added to this one's: start from zero."""
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(_made_metrics_dir, ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
