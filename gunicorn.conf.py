"""gunicorn settings for the web container (read from the working directory; command-line flags win).

Threaded workers: a thread waiting on PostgreSQL lets another request use the core, and an idle keep-alive
connection waits in the worker's poller without holding a thread. Keep-alive is longer than any pause between
a user's pages, so a client never reuses a connection the server is just closing (a "connection reset").
Sized for 2 cores; WEB_CONCURRENCY and WEB_THREADS change it (README "Page response times").
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 75
timeout = 120
control_socket_disable = True  # several servers may share a machine (the benchmarks); nothing uses it
