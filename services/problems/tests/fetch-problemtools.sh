#!/usr/bin/env bash
# Downloads the source distribution of Kattis problemtools (the problem package format's
# reference tool) from PyPI and unpacks its example packages (examples/: different, guess,
# hello, oddecho) into <cache dir>/problemtools-<version>/examples. The archive is checked
# against its SHA-256; nothing of it is kept in the repository.
# Usage: fetch-problemtools.sh <version> <sha256> <cache dir>
set -euo pipefail
version="$1" sha256="$2" cache="$3"
target="$cache/problemtools-$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$work" "problemtools==$version"
archive="$work/problemtools-$version.tar.gz"
echo "$sha256  $archive" | sha256sum --check --quiet
tar -xzf "$archive" -C "$work" "problemtools-$version/examples"
mkdir -p "$cache"
rm -rf "$target"
mv "$work/problemtools-$version" "$target"
echo "problemtools $version examples in $target/examples"
