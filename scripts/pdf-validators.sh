#!/usr/bin/env bash
# Installs the independent PDF signature validators the sealing tests use:
#  - pyHanko (PyPI: pyhanko + pyhanko-cli), the reference open-source PAdES validator, in a virtual environment
#    at ${XDG_CACHE_HOME:-$HOME/.cache}/testigo/pyhanko-venv (reused when it already has these versions);
#  - pdfsig (Debian: poppler-utils) is installed by .ci/run; this script only reports whether it is there.
# The tests find pyHanko there, or wherever PYHANKO points.
set -euo pipefail
PYHANKO_VERSION=0.38.0
PYHANKO_CLI_VERSION=0.6.0
venv="${XDG_CACHE_HOME:-$HOME/.cache}/testigo/pyhanko-venv"
stamp="$venv/.testigo-versions"
want="pyhanko==$PYHANKO_VERSION pyhanko-cli==$PYHANKO_CLI_VERSION"

if [ -x "$venv/bin/pyhanko" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "pyHanko $PYHANKO_VERSION (cli $PYHANKO_CLI_VERSION) already in $venv"
else
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check $want
  echo "$want" > "$stamp"
  echo "pyHanko $PYHANKO_VERSION (cli $PYHANKO_CLI_VERSION) installed in $venv"
fi
"$venv/bin/pyhanko" --version
# sed, not head: it reads to the end, so under pipefail pdfsig never dies of SIGPIPE (exit 141, a CI failure seen once)
if command -v pdfsig >/dev/null; then pdfsig -v 2>&1 | sed -n 1p; else echo "pdfsig missing: apt-get install poppler-utils" >&2; fi
