#!/bin/sh
# Builds the Debian packages (debian/, debhelper) from a copy of the
# tracked tree and checks what they hold; prints TAP. contrib/test.sh runs
# it after the test suites, so `.ci/run` builds the package every time.
# The suite already ran in the build trees: the package build skips it
# (DEB_BUILD_OPTIONS=nocheck).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/earshot-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
t() { d=$1; shift; if "$@" > /dev/null 2>&1; then ok 0 "$d"; else ok 1 "$d"; fi; }

mkdir "$work/src"
if [ -d "$top/.git" ]; then
    # Tracked files and new ones not yet committed, never build trees.
    (cd "$top" && git ls-files -z --cached --others --exclude-standard) |
        (cd "$top" && xargs -0 cp --parents -t "$work/src" 2>/dev/null)
else
    (cd "$top" && tar cf - --exclude=./build --exclude='./bench/*/node_modules' .) | (cd "$work/src" && tar xf -)
fi
rm -rf "$work/src/build"
(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1
st=$?
ok $st "dpkg-buildpackage -us -uc -b builds the packages"
[ $st -ne 0 ] && tail -n 30 "$work/build.log" | sed 's/^/#   | /'
deb=$(ls "$work"/earshot_*.deb 2>/dev/null | head -n 1)
dev=$(ls "$work"/earshot-dev_*.deb 2>/dev/null | head -n 1)
t "it gives earshot_*.deb" test -f "$deb"
t "and earshot-dev_*.deb" test -f "$dev"
if [ -f "$deb" ] && [ -f "$dev" ]; then
    dpkg-deb -c "$deb" > "$work/list"
    dpkg-deb -c "$dev" > "$work/dev-list"
    has() { grep -qE " \./$1\$" "$work/list"; }
    t "the package holds the binary" has usr/bin/earshot
    want=$(ls -d "$top"/plugins/*/ | wc -l)
    got=$(grep -cE ' \./usr/lib/[^/]+/earshot/[a-z]+\.so$' "$work/list")
    ok $([ "$got" -eq "$want" ] && echo 0 || echo 1) "every plugin ($got of $want), in the multiarch plugin directory"
    t "no libtool .la files" sh -c "! grep -q '\\.la\$' '$work/list'"
    t "the lexicons" has usr/share/earshot/lexicons/en.tsv
    t "the systemd unit" has lib/systemd/system/earshot.service
    t "the configuration" has etc/earshot/earshot.conf
    t "conf.d/" has etc/earshot/conf.d/
    t "credentials/, root's only" grep -qE '^drwx------ .* \./etc/earshot/credentials/$' "$work/list"
    t "both manual pages" sh -c "grep -q 'man1/earshot.1.gz' '$work/list' && grep -q 'man5/earshot.conf.5.gz' '$work/list'"
    t "the example drop-ins" has usr/share/doc/earshot/examples/conf.d/rss-example.conf
    dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles > "$work/conffiles" 2> /dev/null
    t "earshot.conf is a conffile (an upgrade keeps the admin's)" grep -qx /etc/earshot/earshot.conf "$work/conffiles"
    t "earshot-dev holds the plugin header" grep -qE ' \./usr/include/earshot/plugin\.h$' "$work/dev-list"
    t "and its pkg-config file" grep -qE ' \./usr/lib/[^/]+/pkgconfig/earshot\.pc$' "$work/dev-list"
    # The packaged binary and plugins work from an extracted copy.
    dpkg -x "$deb" "$work/x"
    dpkg -x "$dev" "$work/x"
    pdir=$(ls -d "$work"/x/usr/lib/*/earshot | head -n 1)
    EARSHOT_PLUGIN_PATH="$pdir" "$work/x/usr/bin/earshot" plugins > "$work/plugins.out" 2>&1
    ok $? "the packaged binary runs and lists its plugins"
    got=$(awk 'NR > 1 {print $1}' "$work/plugins.out" | sort -u | wc -l | tr -d ' ')
    ok $([ "$got" -eq "$want" ] && echo 0 || echo 1) "all $want packaged plugins load ($got)"
    pc=$(ls -d "$work"/x/usr/lib/*/pkgconfig | head -n 1)
    PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$work/x" pkg-config --cflags earshot > "$work/cflags" 2>&1
    t "pkg-config finds the packaged earshot.pc" grep -q "include" "$work/cflags"
    if command -v lintian > /dev/null; then
        lintian "$work"/earshot_*.changes > "$work/lintian" 2>&1
        grep -E '^[EW]: ' "$work/lintian" | sed 's/^/#   /'
        t "lintian: no errors or warnings at the default level" sh -c "! grep -qE '^[EW]: ' '$work/lintian'"
    else
        n=$((n + 1)); echo "ok $n - # SKIP lintian not installed"
    fi
fi
echo "1..$n"
[ "$failed" -eq 0 ]
