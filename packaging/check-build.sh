#!/usr/bin/env bash
# Prove a build works on its own: unpack the tarball (or copy the folder) into a fresh temporary
# directory, then run `sli --version`, `sli-desktop --version` and `sli-desktop --self-test`
# from there with an empty environment (no PATH into the .venv, no PYTHONPATH, a throwaway
# HOME) and / as the working directory, so neither the source tree nor the .venv can help.
#
#   packaging/check-build.sh dist/sli-desktop-0.1.0-linux-x86_64.tar.gz
#   packaging/check-build.sh dist/sli-desktop
set -euo pipefail
build=${1:?usage: packaging/check-build.sh TARBALL-or-FOLDER}
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/pyproject.toml" | head -n1)

place=$(mktemp -d)
home=$(mktemp -d)
trap 'rm -rf "$place" "$home"' EXIT
if [ -d "$build" ]; then
    cp -a "$build" "$place/sli-desktop"
else
    tar -C "$place" -xzf "$build"
fi
app="$place/sli-desktop"

run() {
    (cd / && env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
        XDG_RUNTIME_DIR="$home/run" "$@")
}
mkdir -m 700 "$home/run"

fail() { echo "check-build: $*" >&2; exit 1; }

# Every bundled library finds what it links, inside the folder or from the base system.
missing=$(find "$app/_internal" -name '*.so*' -type f | while read -r lib; do
    LD_LIBRARY_PATH="$app/_internal:$app/_internal/PySide6/Qt/lib" ldd "$lib" 2>/dev/null |
        awk -v lib="${lib#"$app"/}" '/not found/ {print lib ": " $1}'
done)
[ -z "$missing" ] || fail "libraries not found: $missing"

got=$(run "$app/sli" --version) || fail "sli --version failed"
[ "$got" = "sli $version" ] || fail "sli --version says '$got', expected 'sli $version'"
got=$(run "$app/sli-desktop" --version) || fail "sli-desktop --version failed"
[ "$got" = "sli-desktop $version" ] || fail "sli-desktop --version says '$got'"

start=$(date +%s%N)
run "$app/sli-desktop" --self-test || fail "sli-desktop --self-test failed in $app"
took=$(( ($(date +%s%N) - start) / 1000000 ))

# The command line on its own: a vault made and read back by the frozen `sli`.
export_pass=$(head -c 18 /dev/urandom | base64)
run env SLI_PASSPHRASE="$export_pass" SLI_VAULT="$home/v/vault.sli" \
    "$app/sli" init --name "Check Build" >/dev/null || fail "sli init failed"
run env SLI_PASSPHRASE="$export_pass" SLI_VAULT="$home/v/vault.sli" \
    "$app/sli" vault info >/dev/null || fail "sli vault info failed"

# The sync server from the same folder: SQLite store, JSON logs, /readyz answered over HTTP.
port=$(( 20000 + RANDOM % 20000 ))
run "$app/sli" server serve --db "sqlite:///$home/server/sync.sqlite" --port "$port" \
    --log-format json >"$home/server.log" 2>&1 &
server=$!
probe() {  # GET /readyz with bash alone: the CI image need not have curl
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    cat <&3
}
ready=
for _ in $(seq 150); do
    case $(probe 2>/dev/null) in *'"status":"ready"'*) ready=yes; break ;; esac
    sleep 0.2
done
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
[ -n "$ready" ] || fail "sli server serve did not answer /readyz: $(cat "$home/server.log")"
grep -q '"path": "/readyz"' "$home/server.log" || fail "the server wrote no JSON access log"
rm -rf "$home/server" "$home/server.log"
# PostgreSQL support is in the build: a refused connection, not a missing driver.
pg=$(run "$app/sli" server list-devices --db "postgresql://nobody@127.0.0.1:1/none" 2>&1 || true)
case $pg in *"cannot open the server database"*) ;; *) fail "PostgreSQL driver: $pg" ;; esac
case $pg in *odule*) fail "PostgreSQL driver missing: $pg" ;; esac

[ -z "$(ls -A "$home" | grep -v -x -e run -e v -e .local -e .config -e .cache)" ] ||
    fail "the self-test left files in HOME: $(ls -A "$home")"
echo "check-build: sli $version runs from $app (self-test ${took} ms; $(du -sh "$app" | cut -f1))"
