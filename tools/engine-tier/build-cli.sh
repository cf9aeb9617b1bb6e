#!/usr/bin/env bash
# Builds the Pulumi CLI and the engine tier's Node.js language host (tools/engine-tier/langhost)
# from the Go module proxy into a cache outside the repository. Idempotent: skips what is already
# built.
#
#   tools/engine-tier/build-cli.sh            # build (or reuse) and print the bin dir
#   PULUMI_ENGINE_TIER_VERSION=3.248.0 ...    # override the pinned version (not recommended)
#
# Prints, as its last line, the directory to put first on PATH.
set -euo pipefail

VERSION="${PULUMI_ENGINE_TIER_VERSION:-3.248.0}"   # matches PULUMI_VERSION in the workflows
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/keyvault-estate/pulumi/${VERSION}"
BIN="${CACHE}/bin"
WRAP="${CACHE}/wrapper"
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${VERSION}"
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

log() { printf '[build-cli] %s\n' "$*" >&2; }
mkdir -p "$BIN" "$WRAP"

# ---- the wrapper module ---------------------------------------------------------------------
# pkg/v3's go.mod carries `replace` directives (sdk/v3 => ../sdk, atotto/clipboard => fork), so
# `go install pkg/v3/cmd/pulumi@v` is refused. A wrapper module requires pkg and sdk at the same
# version and re-states the non-local replaces of pkg's go.mod.
make_wrapper() {
  if [[ -f "$WRAP/.ready" ]]; then return; fi
  log "downloading pkg/v3 and sdk/v3 v${VERSION}"
  local pkgdir
  pkgdir="$(cd "$WRAP" && go mod download -json "github.com/pulumi/pulumi/pkg/v3@v${VERSION}" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  go mod download "github.com/pulumi/pulumi/sdk/v3@v${VERSION}"
  [[ -f "$pkgdir/go.mod" ]] || { log "no go.mod for pkg/v3 at $pkgdir"; exit 1; }
  local goline
  goline="$(grep -m1 '^go ' "$pkgdir/go.mod")"
  {
    echo "module keyvault-estate/engine-tier/wrapper"
    echo
    echo "$goline"
    echo
    echo "require ("
    echo "	github.com/pulumi/pulumi/pkg/v3 v${VERSION}"
    echo "	github.com/pulumi/pulumi/sdk/v3 v${VERSION}"
    echo ")"
    echo
    # single-line and block replaces whose target is a module (not a ../ path)
    awk '
      /^replace \(/ {blk=1; next}
      blk && /^\)/ {blk=0; next}
      blk {print "replace " $0; next}
      /^replace / {print}
    ' "$pkgdir/go.mod" | sed 's/^replace[[:space:]]*/replace /' | grep -v '=> *\.' || true
  } > "$WRAP/go.mod"
  cat > "$WRAP/tools.go" <<'GO'
//go:build tools

package wrapper

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
GO
  cp "$pkgdir/go.sum" "$WRAP/go.sum" 2>/dev/null || true
  chmod u+w "$WRAP/go.sum" 2>/dev/null || true
  log "go mod tidy in $WRAP"
  (cd "$WRAP" && go mod tidy)
  touch "$WRAP/.ready"
}

build_cli() {
  if [[ -x "$BIN/pulumi" ]] && "$BIN/pulumi" version 2>/dev/null | grep -qx "v${VERSION}"; then
    log "pulumi v${VERSION} already built"; return
  fi
  make_wrapper
  log "building pulumi v${VERSION} (about 8 min on 2 cores with a warm module cache)"
  local t0=$SECONDS
  (cd "$WRAP" && go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/pulumi.tmp" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv "$BIN/pulumi.tmp" "$BIN/pulumi"
  log "pulumi built in $((SECONDS - t0))s"
}

# ---- the Node.js language host --------------------------------------------------------------
# Pulumi's own host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is
# not served by the Go module proxy, so the engine tier uses its own small host, langhost/ (our
# code; it requires only sdk/v3, grpc and protobuf, all from the proxy, pinned by the committed
# go.sum). Rebuilt whenever its sources change (the marker holds their hash).
build_langhost() {
  local src="$HERE/langhost" sum
  sum="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)"
  if [[ -x "$BIN/pulumi-language-nodejs" && -f "$BIN/.langhost-$sum" ]]; then
    log "pulumi-language-nodejs (langhost $sum) already built"; return
  fi
  log "building pulumi-language-nodejs from tools/engine-tier/langhost"
  local t0=$SECONDS
  (cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath \
    -ldflags "-X main.version=${VERSION}" -o "$BIN/pulumi-language-nodejs.tmp" .)
  mv "$BIN/pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
  rm -f "$BIN"/.langhost-*
  touch "$BIN/.langhost-$sum"
  log "pulumi-language-nodejs built in $((SECONDS - t0))s"
}

# ---- the node shims the CLI tarball ships next to pulumi --------------------------------------
# The CLI tarball also ships pulumi-resource-pulumi-nodejs (the bundled provider behind
# pulumi.dynamic.Resource); @pulumi/pulumi's npm package carries the same script. Node policy packs
# need no shim: with the nodejs language host found, the engine runs them through its RunPlugin
# (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer), which starts
# @pulumi/pulumi/cmd/run-policy-pack; pulumi-analyzer-policy is only the fallback without one.
install_shims() {
  local shim="$HERE/../../node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [[ -f "$shim" && ! -x "$BIN/pulumi-resource-pulumi-nodejs" ]]; then
    install -m 0755 "$shim" "$BIN/pulumi-resource-pulumi-nodejs"
  fi
}

build_cli
build_langhost
install_shims
ls -l "$BIN" >&2
echo "$BIN"
