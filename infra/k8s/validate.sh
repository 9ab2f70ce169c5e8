#!/usr/bin/env bash
# Renders the kustomize base and each overlay, validates every object against the schemas of
# one Kubernetes version in strict mode (unknown fields fail), then checks the deployment rules
# (check.py) on each rendering and that check.py catches each rule broken on purpose.
#   validate.sh TOOLS_BIN KUBERNETES_VERSION
# TOOLS_BIN holds kubectl (its built-in kustomize), kubernetes-validate and a python with
# PyYAML: the Makefile's k8s-validate target installs them.
set -euo pipefail
tools=$1
version=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

rendered=()
for dir in base overlays/dev overlays/prod; do
    file="$out/${dir//\//-}.yaml"
    "$tools/kubectl" kustomize "$here/$dir" >"$file"
    echo "rendered $dir: $(grep -c '^kind:' "$file") objects"
    "$tools/kubernetes-validate" --strict --quiet --kubernetes-version "$version" "$file"
    rendered+=("$file")
done
echo "every object is valid against Kubernetes $version (strict)"
"$tools/python" "$here/check.py" "${rendered[@]}"
"$tools/python" "$here/check.py" --self-test "$out/base.yaml"
