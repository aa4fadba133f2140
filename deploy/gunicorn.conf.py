"""gunicorn's settings for HEFT Hub's app servers (docs/deploy.md):

    gunicorn --config deploy/gunicorn.conf.py --bind 127.0.0.1:8001 --workers 3

Options given on the command line win over this file.
"""

wsgi_app = "heft.wsgi:application"
# Sync workers: what served the deadline rush best (docs/benchmarks.md). How many: cores + 1 where
# PostgreSQL shares the host (measured on 2 cores: 3 beat 5); on a host of its own, gunicorn's usual
# 2 x cores + 1 (not measured here). Given on the command line.
worker_class = "sync"
# The app is loaded once, in the master process, and the workers fork from it ready to answer. Loaded in
# each worker instead, the first request of every new worker (after a restart, or a recycle below) would
# wait seconds for the imports; on a busy host long enough for the timeout to kill the worker, again and
# again. A code change therefore needs a restart, not a reload (HUP).
preload_app = True
timeout = 60
graceful_timeout = 30
# Workers are replaced now and then, so that no slow leak grows without bound.
max_requests = 5000
max_requests_jitter = 500
errorlog = "-"
# gunicorn's control socket is not used; by default it is one path per user ($HOME/.gunicorn/gunicorn.ctl),
# which two app servers on one host would fight over.
control_socket_disable = True
accesslog = None  # nginx keeps the access log, with the secret tokens in some addresses taken out


def on_starting(server):
    """Import the URLconf too (every view, the API, the engines) before the workers fork: loading the app
    sets Django up but leaves the URLconf to the first request."""
    import gc

    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for what importing it loads
    from heft.core.warmup import warm_in_process

    warm_in_process()  # the compiled engines and the chart fonts, from the cache `warm_engines` filled
    connections.close_all()  # a connection opened here must not be shared by the forked workers
    # Everything loaded so far lives as long as the process: the garbage collector need not walk it again
    # in every full collection (nor, by touching it, copy the memory the workers share with the master).
    gc.freeze()
