#!/usr/bin/env bash
# Makes the virtualenv $1 hold exactly the hashed lock $2: pip installs uv alone (its pinned, hashed entry in
# the lock), then uv installs the rest, in seconds where pip takes minutes. uv reads the package index pip is
# configured with (pip.conf or PIP_* variables), so a machine behind a mirror needs nothing more; it takes the
# best match across all of them as pip does, the lock's hashes pinning every file.
set -euo pipefail
venv=$1
lock=$2
python3 -m venv "$venv"
bootstrap=$(mktemp)
trap 'rm -f "$bootstrap"' EXIT
awk '/^uv==/ {found = 1} found {print; if ($0 !~ /\\$/) exit}' "$lock" >"$bootstrap"
"$venv/bin/python" -m pip install --quiet --require-hashes -r "$bootstrap"
pip_setting() {
	"$venv/bin/python" -m pip config list 2>/dev/null | sed -n "s/^[^.]*\.$1='\(.*\)'\$/\1/p" | head -n 1
}
index=$(pip_setting index-url)
extra=$(pip_setting extra-index-url)
links=$(pip_setting find-links)
if [ -n "$index" ]; then export UV_DEFAULT_INDEX="$index"; fi
if [ -n "$extra" ]; then export UV_INDEX="$extra"; fi
if [ -n "$links" ]; then export UV_FIND_LINKS="$links"; fi
export UV_INDEX_STRATEGY=unsafe-best-match
"$venv/bin/uv" pip sync --quiet --require-hashes --python "$venv/bin/python" "$lock"
