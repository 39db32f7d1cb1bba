#!/usr/bin/env bash
# Writes rtxctl's man pages into DIR (default dist/man).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-dist/man}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
go run ./scripts/genman "$dir"
echo "man pages written to $dir"
