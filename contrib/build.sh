#!/bin/sh
# Bootstraps and builds earshot out of tree: contrib/build.sh DIR [configure args]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
cd "$top"
# configure and make run inside DIR, so a relative DIR is made absolute first.
case $dir in /*) ;; *) dir="$PWD/$dir" ;; esac
if ! { [ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ]; }; then
    autoreconf -fi >/dev/null 2>"$top/autoreconf.err" || { cat "$top/autoreconf.err" >&2; exit 1; }
    rm -f "$top/autoreconf.err"
fi
mkdir -p "$dir"
cd "$dir"
# configure's own cleanup runs `rm -f core`, which complains about the
# object directory core/; that one line is noise, everything else is shown.
quiet() {
    rc=0
    "$@" 2>"$dir/.stderr" || rc=$?
    grep -v "^rm: cannot remove 'core': Is a directory" "$dir/.stderr" >&2 || true
    return $rc
}
[ -f Makefile ] || quiet "$top/configure" -q "$@"
quiet make -j"$(nproc)" >/dev/null
