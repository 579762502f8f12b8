#!/bin/sh
# Bootstraps and builds earshot out of tree: contrib/build.sh DIR [configure args]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || "$top/configure" -q "$@"
make -j"$(nproc)" >/dev/null
