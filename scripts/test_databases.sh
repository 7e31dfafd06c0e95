#!/usr/bin/env bash
# The whole suite on SQLite and, when PostgreSQL answers, on PostgreSQL, side by side.
# The two runs share nothing (separate databases, live-server ports chosen by the OS), and
# together take the time of the slower one instead of the sum. SQLite's run prints as it goes;
# PostgreSQL's is kept in var/test-postgres.log and printed when it ends. Either failing fails.
# Browser tests run once, on one database or the other: each run takes them one at a time after
# its other tests, claiming each in a shared folder (BROWSER_TESTS_CLAIMS, see conftest.py), so
# the run that is ahead takes more and both end together. A second set of Chromium runs pushed
# the whole run past CI's 40 minutes on two cores.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
PY=.venv/bin/python

postgres_answers() {
    [ -n "${TEST_DATABASE_URL:-}" ] && return 0
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
    $PY -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null
}

claims="$PWD/var/browser-test-claims"
rm -rf "$claims"
if postgres_answers; then
    mkdir -p "$claims"
    BROWSER_TESTS_CLAIMS=$claims make --no-print-directory test-postgres \
        >var/test-postgres.log 2>&1 &
    postgres_pid=$!
    trap 'kill "$postgres_pid" 2>/dev/null' INT TERM
else
    postgres_pid=""
    echo "PostgreSQL is not answering on 127.0.0.1:5432 and TEST_DATABASE_URL is unset: skipped." \
        >var/test-postgres.log
fi

BROWSER_TESTS_CLAIMS=$([ -n "$postgres_pid" ] && echo "$claims") \
    make --no-print-directory test-sqlite 2>&1 | tee var/test-sqlite.log
sqlite_rc=${PIPESTATUS[0]}
postgres_rc=0
if [ -n "$postgres_pid" ]; then wait "$postgres_pid"; postgres_rc=$?; fi

cat var/test-postgres.log
echo "== SQLite: $([ $sqlite_rc -eq 0 ] && echo passed || echo "FAILED ($sqlite_rc)")"
echo "== PostgreSQL: $([ $postgres_rc -eq 0 ] && echo passed || echo "FAILED ($postgres_rc)")"
[ $sqlite_rc -eq 0 ] && [ $postgres_rc -eq 0 ]
