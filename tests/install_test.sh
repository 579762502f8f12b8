#!/bin/sh
# `make install` lays earshot out as an agent people already run: the
# binary and plugins, the systemd unit in systemd's unit directory (valid
# for systemd-analyze verify), earshot.conf and an empty conf.d/ in the
# configuration directory, a root-only credentials/ for LoadCredential=,
# the man pages; a second install keeps the admin's earshot.conf; the
# installed binary finds its installed plugins, lexicons and
# configuration by itself. (Issue 18.)
. "$top_srcdir/tests/lib.sh"
D="$T/root"
make -C "$top_builddir" install DESTDIR="$D" > "$T/install.log" 2>&1
is $? 0 "make install DESTDIR=... succeeds"
prefix=$(make_var prefix) bindir=$(make_var bindir) sysconfdir=$(make_var sysconfdir) unitdir=$(make_var systemdsystemunitdir)
pkglibdir=$(make_var pkglibdir) mandir=$(make_var mandir)
diag "prefix $prefix, unit directory $unitdir"
want_unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
[ -n "$want_unitdir" ] || want_unitdir="$prefix/lib/systemd/system"
is "$unitdir" "$want_unitdir" "the unit directory is systemd's (pkg-config systemd) or under the prefix"
check "the unit is installed there" test -f "$D$unitdir/earshot.service"
check "the binary is installed" test -x "$D$bindir/earshot"
check "the plugins are installed" test -f "$D$pkglibdir/rss.so" -a -f "$D$pkglibdir/sql.so"
check "earshot.conf is in the configuration directory" test -f "$D$sysconfdir/earshot/earshot.conf"
check "with an empty conf.d/ beside it" test -d "$D$sysconfdir/earshot/conf.d"
is "$(ls "$D$sysconfdir/earshot/conf.d" | wc -l | tr -d ' ')" 0 "conf.d/ holds no instance the admin did not add"
is "$(stat -c %a "$D$sysconfdir/earshot/credentials")" 700 "credentials/ is the owner's only"
check "earshot(1) is installed" test -f "$D$mandir/man1/earshot.1"
check "earshot.conf(5) is installed" test -f "$D$mandir/man5/earshot.conf.5"
check "the plugin header and its .pc are installed" test -f "$D$prefix/include/earshot/plugin.h"

# The unit, with its paths moved under DESTDIR, passes systemd's own check.
if command -v systemd-analyze > /dev/null; then
    sed "s|$bindir/earshot|$D$bindir/earshot|g" "$D$unitdir/earshot.service" > "$T/earshot.service"
    systemd-analyze verify --man=no "$T/earshot.service" > "$T/verify.log" 2>&1
    is $? 0 "systemd-analyze verify accepts the unit"
    sed 's/^#LoadCredential=/LoadCredential=/' "$T/earshot.service" > "$T/cred.service"
    systemd-analyze verify --man=no "$T/cred.service" > "$T/verify2.log" 2>&1
    is $? 0 "and its LoadCredential= lines once uncommented"
    sed 's/^DynamicUser=yes/DynamicUser=perhaps/' "$T/earshot.service" > "$T/bad.service"
    systemd-analyze verify --man=no "$T/bad.service" > /dev/null 2>&1
    is $? 1 "(the check can fail: a bad value is refused)"
else
    for i in 1 2 3; do ok 0 "# SKIP systemd-analyze not installed"; done
fi

# An upgrade keeps what the admin changed.
echo "; the admin's own" >> "$D$sysconfdir/earshot/earshot.conf"
make -C "$top_builddir" install DESTDIR="$D" > "$T/install2.log" 2>&1
is $? 0 "a second make install succeeds"
like "$D$sysconfdir/earshot/earshot.conf" "^; the admin's own$" "and keeps the admin's earshot.conf"

# The installed binary reads the installed layout by itself (no
# EARSHOT_PLUGIN_PATH, no -c): the paths are compiled in, so it is run
# from a root where they exist.
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && unshare -m true 2> /dev/null; then
    binds="mount --bind '$D$prefix' '$prefix'"
    case $sysconfdir in "$prefix"/*) ;; *) binds="$binds && mount --bind '$D$sysconfdir' '$sysconfdir'" ;; esac
    unshare -m sh -c "$binds && env -u EARSHOT_PLUGIN_PATH -u EARSHOT_LEXICON_DIR '$bindir/earshot' check; echo rc=\$?" \
        > "$T/check.out" 2>&1
    like "$T/check.out" "rc=0" "the installed binary checks its installed configuration and plugins"
else
    ok 0 "# SKIP needs root and mount namespaces"
fi
make -C "$top_builddir" uninstall DESTDIR="$D" > "$T/uninstall.log" 2>&1
is $? 0 "make uninstall succeeds"
check "and leaves the admin's configuration" test -f "$D$sysconfdir/earshot/earshot.conf"
check "but removes the binary" test ! -e "$D$bindir/earshot"
done_testing
