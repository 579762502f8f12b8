#!/bin/sh
# Builds the libFuzzer harnesses: `make fuzz` runs this from the build
# directory with the configured flags in the environment (see
# fuzz/local.mk). The core is compiled once with clang and coverage
# instrumentation into fuzz/obj/libescore-fuzz.a; each harness links it with
# -fsanitize=fuzzer,address,undefined into fuzz/bin/fuzz_TARGET.
#
# usage: build.sh SRCDIR TARGET...
# env:   FUZZ_CC (clang), FUZZ_DEFS, FUZZ_DEP_CFLAGS (AM_CFLAGS), FUZZ_LIBS,
#        FUZZ_CORE_SOURCES (libescore_a_SOURCES, headers ignored)
set -eu
srcdir=$1
shift
cc=${FUZZ_CC:-clang}

die() {
    echo "make fuzz: $*" >&2
    exit 1
}

command -v "$cc" >/dev/null 2>&1 ||
    die "$cc not found; install Debian's clang (apt-get install clang libclang-rt-14-dev) or set FUZZ_CC"
probe=fuzz/obj/probe
mkdir -p fuzz/obj fuzz/bin
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; return (int)n * 0; }\n' >"$probe.c"
"$cc" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>"$probe.log" ||
    die "$cc cannot link -fsanitize=fuzzer,address,undefined (libFuzzer's runtime libclang_rt.fuzzer is missing: apt-get install libclang-rt-14-dev, or the package matching $("$cc" --version | head -1)); see $probe.log"
rm -f "$probe" "$probe.c" "$probe.log"

# Coverage for libFuzzer, ASan and UBSan everywhere; UBSan findings abort
# so the fuzzer records them as crashes.
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-command-line-argument $san"
# The core's flags minus what would clash: -Werror (clang warns about other
# things than gcc) and --enable-sanitizers' own -fsanitize choices.
dep=""
for f in ${FUZZ_DEP_CFLAGS:-}; do
    case $f in -Werror* | -fsanitize* | -fno-sanitize* | -std=*) ;; *) dep="$dep $f" ;; esac
done
cppflags="-D_GNU_SOURCE ${FUZZ_INCLUDES:?} -I$srcdir/fuzz ${FUZZ_DEFS:-} $dep"
cppflags="$cppflags -DFUZZ_LEXICON_DIR=\\\"$srcdir/contrib/lexicons\\\""

# An object is rebuilt when its source or any header of the tree is newer.
newest_h=$(ls -t "$srcdir"/core/*.h "$srcdir"/core/*/*.h "$srcdir"/plugins/*/*.h "$srcdir"/fuzz/*.h 2>/dev/null | head -1)
compile() { # SRC OBJ
    if [ -f "$2" ] && [ ! "$srcdir/$1" -nt "$2" ] && [ ! "$newest_h" -nt "$2" ]; then
        return 0
    fi
    echo "  FUZZCC   $1"
    eval "\"\$cc\" $cflags $cppflags -I\"\$srcdir/\$(dirname \"\$1\")\" -c -o \"\$2\" \"\$srcdir/\$1\""
}
objname() { echo "fuzz/obj/$(echo "$1" | sed 's|/|_|g; s|\.c$|.o|')"; }

lib=fuzz/obj/libescore-fuzz.a
stale=0
[ -f "$lib" ] || stale=1
objs=""
for src in ${FUZZ_CORE_SOURCES:?}; do
    case $src in *.c) ;; *) continue ;; esac
    case $src in core/cli/main.c) continue ;; esac
    obj=$(objname "$src")
    compile "$src" "$obj"
    [ "$obj" -nt "$lib" ] && stale=1
    objs="$objs $obj"
done
if [ "$stale" = 1 ]; then
    echo "  AR       $lib"
    rm -f "$lib"
    # shellcheck disable=SC2086
    ar cr "$lib" $objs
fi

# The sources beyond the core that each harness compiles in.
extra_sources() {
    case $1 in
    rss) echo plugins/rss/parse.c plugins/rss/repair.c ;;
    twitter) echo plugins/twitter/scan.c plugins/twitter/tweet.c plugins/twitter/tjson.c plugins/twitter/notes.c ;;
    discourse) echo plugins/forum/item.c plugins/forum/discourse.c ;;
    reddit) echo plugins/forum/item.c plugins/forum/reddit.c ;;
    jsonl) echo plugins/jsonl/line.c ;;
    nats) echo plugins/nats/decode.c ;;
    esac
}
include_dirs() {
    case $1 in
    rss) echo "-I$srcdir/plugins/rss" ;;
    twitter) echo "-I$srcdir/plugins/twitter" ;;
    discourse | reddit) echo "-I$srcdir/plugins/forum" ;;
    jsonl) echo "-I$srcdir/plugins/jsonl" ;;
    nats) echo "-I$srcdir/plugins/nats" ;;
    esac
}

built=""
for t in "$@"; do
    [ -f "$srcdir/fuzz/$t.c" ] || die "no harness fuzz/$t.c"
    tobjs=""
    for src in "fuzz/$t.c" fuzz/fuzz_util.c $(extra_sources "$t"); do
        obj=$(objname "$src")
        cppflags_saved=$cppflags
        cppflags="$cppflags $(include_dirs "$t")"
        # Harness objects depend on their target's include path: one per target.
        case $src in fuzz/$t.c) ;; *) obj="${obj%.o}-$t.o" ;; esac
        compile "$src" "$obj"
        cppflags=$cppflags_saved
        tobjs="$tobjs $obj"
    done
    bin=fuzz/bin/fuzz_$t
    need=0
    [ -f "$bin" ] || need=1
    for o in $tobjs $lib; do [ "$o" -nt "$bin" ] && need=1; done
    if [ "$need" = 1 ]; then
        echo "  FUZZLD   $bin"
        # shellcheck disable=SC2086
        eval "\"\$cc\" -fsanitize=fuzzer,address,undefined -o \"\$bin\" $tobjs $lib ${FUZZ_LIBS:-}"
    fi
    built="$built $t"
done
echo "fuzz targets built in $(pwd)/fuzz/bin:$built"
echo "run them with: $srcdir/contrib/fuzz.sh (FUZZ_SECONDS=60 per target by default)"
