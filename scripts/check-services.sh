#!/usr/bin/env bash
# Fails with a clear message when a service the test suite needs is not reachable.
set -uo pipefail
url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/eepa}
hostport=${url#*@}; hostport=${hostport%%/*}
pg_host=${hostport%%:*}; pg_port=${hostport##*:}; [ "$pg_port" = "$hostport" ] && pg_port=5432
ok=0
if ! (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; then
  echo "error: PostgreSQL is not reachable at $pg_host:$pg_port (DATABASE_URL=$url)." >&2
  echo "  start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  ok=1
fi
redis=${CELERY_TEST_BROKER_URL:-redis://127.0.0.1:6379/15}
rhostport=${redis#redis://}; rhostport=${rhostport%%/*}
if ! (exec 3<>"/dev/tcp/${rhostport%%:*}/${rhostport##*:}") 2>/dev/null; then
  echo "error: Redis is not reachable at $rhostport (needed by the Celery worker integration test)." >&2
  echo "  start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no" >&2
  ok=1
fi
exit $ok
