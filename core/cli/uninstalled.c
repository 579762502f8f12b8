/* Why: from a build, `build/earshot check` used to fail with "no rss.so in
 * /usr/local/lib/earshot", the path only `make install` fills, so the
 * README's tour could not run as written and every script had to export
 * EARSHOT_PLUGIN_PATH first. libtool solves this with wrapper scripts;
 * earshot's binary links no libtool library, so it recognises its own
 * build directory instead, as CPython does with its build tree. */
#include "uninstalled.h"

#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/strbuf.h>

#ifndef ES_BUILD_DIR
#define ES_BUILD_DIR ""
#endif
#ifndef ES_SOURCE_DIR
#define ES_SOURCE_DIR ""
#endif

static int running_from_build_dir(void)
{
    char exe[PATH_MAX], build[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !*ES_BUILD_DIR || !realpath(ES_BUILD_DIR, build))
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    return strcmp(exe, build) == 0;
}

void es__uninstalled_setup(void)
{
    if (!running_from_build_dir())
        return;
    if (!getenv("EARSHOT_PLUGIN_PATH")) {
        glob_t g;
        if (glob(ES_BUILD_DIR "/plugins/*/.libs", GLOB_ONLYDIR, NULL, &g) == 0) {
            es_strbuf_t b = {0};
            for (size_t i = 0; i < g.gl_pathc; i++) {
                if (i)
                    es_strbuf_put(&b, ":", 1);
                es_strbuf_put(&b, g.gl_pathv[i], strlen(g.gl_pathv[i]));
            }
            char *path = es_strbuf_take(&b, NULL);
            if (path)
                setenv("EARSHOT_PLUGIN_PATH", path, 0);
            free(path);
            globfree(&g);
        }
    }
    if (!getenv("EARSHOT_LEXICON_DIR") && *ES_SOURCE_DIR)
        setenv("EARSHOT_LEXICON_DIR", ES_SOURCE_DIR "/contrib/lexicons", 0);
}
