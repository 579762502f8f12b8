#!/bin/sh
# Installs the Debian packages earshot needs to build and to run its whole
# test suite (real PostgreSQL and SMTP servers included). Does nothing when
# they are all present; uses apt-get as root, sudo -n otherwise.
# --screenshot also installs chromium for `make report-screenshot` and
# tests/report_layout_test.sh (which skips without it);
# --fuzz installs clang, libFuzzer's runtime and valgrind for `make fuzz`
# and `make check-valgrind`; --deb installs debhelper and lintian for the
# Debian package (contrib/deb-check.sh).
set -eu
PKGS="build-essential autoconf automake libtool pkg-config
libuv1-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev libinih-dev
libxml2-dev libssl-dev libpq-dev libarchive-dev libmicrohttpd-dev libnats-dev libxxhash-dev libutf8proc-dev zlib1g-dev
sqlite3 python3 python3-aiosmtpd python3-prometheus-client postgresql nats-server ca-certificates openssl"
for opt in "$@"; do
    case $opt in
    --screenshot) PKGS="$PKGS chromium" ;;                       # make report-screenshot
    --fuzz) PKGS="$PKGS clang libclang-rt-14-dev valgrind" ;;    # make fuzz, make check-valgrind
    --deb) PKGS="$PKGS debhelper dpkg-dev fakeroot lintian systemd" ;; # contrib/deb-check.sh
    *) echo "install-deps.sh: unknown option $opt" >&2; exit 2 ;;
    esac
done

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "earshot: missing Debian packages:$missing" >&2
    echo "install them with: sudo apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
