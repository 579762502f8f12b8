#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suggest.h"
#include "util.h"

#ifndef ES_PLUGIN_DIR
#define ES_PLUGIN_DIR "/usr/local/lib/earshot"
#endif

char *es__loader_search_path(const char *plugin_dir)
{
    const char *env = getenv("EARSHOT_PLUGIN_PATH");
    return es__asprintf("%s%s%s%s%s", env && *env ? env : "", env && *env ? ":" : "",
                       plugin_dir && *plugin_dir ? plugin_dir : "",
                       plugin_dir && *plugin_dir ? ":" : "", ES_PLUGIN_DIR);
}

/* Names are file names: refusing '/' and leading '.' keeps `plugin = ../x`
 * from loading arbitrary objects. */
static int name_ok(const char *name)
{
    if (!name[0] || name[0] == '.' || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            return 0;
    return 1;
}

static char *find_on_path(const char *search_path, const char *name)
{
    char *copy = es__strdup(search_path);
    if (!copy)
        return NULL;
    char *save = NULL, *found = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *p = es__asprintf("%s/%s.so", dir, name);
        struct stat st;
        if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            found = p;
            break;
        }
        free(p);
    }
    free(copy);
    return found;
}

static int open_path(const char *path, const char *name, es_plugin_kind_t kind,
                     es_plugin_handle_t **out, char *err, size_t errlen)
{
    /* RTLD_LOCAL: plugins must not see each other's symbols; RTLD_NOW: a
     * missing symbol fails here, not mid-run. */
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
        return ES_EIO;
    }
    const char *sym = kind == ES_KIND_SOURCE ? ES_SOURCE_SYMBOL : ES_SINK_SYMBOL;
    const es_plugin_t *desc = dlsym(dl, sym);
    if (!desc) {
        snprintf(err, errlen, "%s: plugin '%s' has no %s descriptor (symbol %s)", path, name,
                 kind == ES_KIND_SOURCE ? "source" : "sink", sym);
        dlclose(dl);
        return ES_EINVAL;
    }
    if (desc->abi != ES_PLUGIN_ABI) {
        snprintf(err, errlen, "%s: plugin '%s' was built for ABI %u, this earshot has ABI %u; rebuild it",
                 path, name, desc->abi, ES_PLUGIN_ABI);
        dlclose(dl);
        return ES_EABI;
    }
    if (desc->kind != kind || !desc->name || !desc->init || !desc->start || !desc->stop ||
        !desc->destroy || (kind == ES_KIND_SINK && !desc->write)) {
        snprintf(err, errlen, "%s: descriptor %s is incomplete or of the wrong kind", path, sym);
        dlclose(dl);
        return ES_EINVAL;
    }
    es_plugin_handle_t *h = calloc(1, sizeof *h);
    if (!h || !(h->path = es__strdup(path))) {
        free(h);
        dlclose(dl);
        snprintf(err, errlen, "out of memory");
        return ES_ENOMEM;
    }
    h->dl = dl;
    h->desc = desc;
    *out = h;
    return 0;
}

typedef struct kind_names {
    es_plugin_kind_t kind;
    const char *names[64];
    size_t n;
} kind_names_t;

static void collect_kind(const char *name, const char *path, const es_plugin_t *d, const char *err,
                         void *arg)
{
    kind_names_t *kn = arg;
    (void)path, (void)err;
    if (d && d->kind == kn->kind && kn->n < sizeof kn->names / sizeof *kn->names)
        kn->names[kn->n++] = es__strdup(name);
}

/* What the admin needs to fix a typo: the plugins of that kind that are
 * installed (and the closest), not the search path. */
static void unknown_plugin(const char *search_path, const char *name, es_plugin_kind_t kind, char *err,
                           size_t errlen)
{
    kind_names_t kn = {.kind = kind};
    es__loader_list(search_path, collect_kind, &kn);
    const char *near = es__suggest(name, kn.names, kn.n);
    size_t o = (size_t)snprintf(err, errlen, "unknown plugin '%s' (", name);
    if (near && o < errlen)
        o += (size_t)snprintf(err + o, errlen - o, "did you mean '%s'? ", near);
    if (kn.n && o < errlen)
        o += (size_t)snprintf(err + o, errlen - o, "%s plugins installed:", kind == ES_KIND_SOURCE ? "source" : "sink");
    for (size_t i = 0; i < kn.n && o < errlen; i++)
        o += (size_t)snprintf(err + o, errlen - o, "%s %s", i ? "," : "", kn.names[i] ? kn.names[i] : "?");
    if (!kn.n && o < errlen)
        o += (size_t)snprintf(err + o, errlen - o, "no %s plugin on the plugin path %s",
                              kind == ES_KIND_SOURCE ? "source" : "sink", search_path);
    if (o < errlen)
        snprintf(err + o, errlen - o, ")");
    for (size_t i = 0; i < kn.n; i++)
        free((char *)kn.names[i]);
}

int es__loader_open(const char *search_path, const char *name, es_plugin_kind_t kind,
                   es_plugin_handle_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!name_ok(name)) {
        snprintf(err, errlen, "invalid plugin name '%s' (letters, digits, '_' and '-' only)", name);
        return ES_EINVAL;
    }
    char *path = find_on_path(search_path, name);
    if (!path) {
        unknown_plugin(search_path, name, kind, err, errlen);
        return ES_ENOENT;
    }
    int rc = open_path(path, name, kind, out, err, errlen);
    free(path);
    return rc;
}

void es__loader_close(es_plugin_handle_t *h)
{
    if (!h)
        return;
    if (h->dl) /* the built-in dry-run sink has none */
        dlclose(h->dl);
    free(h->path);
    free(h);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void es__loader_list(const char *search_path, es_loader_visit_cb visit, void *arg)
{
    char *copy = es__strdup(search_path);
    if (!copy)
        return;
    char **seen = NULL;
    size_t n_seen = 0;
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        DIR *d = opendir(dir);
        if (!d)
            continue;
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0)
                continue;
            char **nn = realloc(names, (n + 1) * sizeof *nn);
            if (!nn)
                break;
            names = nn;
            names[n] = es__strndup(e->d_name, len - 3);
            if (names[n])
                n++;
        }
        closedir(d);
        if (n)
            qsort(names, n, sizeof *names, cmp_str);
        for (size_t i = 0; i < n; i++) {
            int dup = 0;
            for (size_t j = 0; j < n_seen; j++)
                dup |= strcmp(seen[j], names[i]) == 0;
            if (dup || !name_ok(names[i])) {
                free(names[i]);
                continue;
            }
            char *path = es__asprintf("%s/%s.so", dir, names[i]);
            int any = 0;
            char err[512] = "";
            for (int k = ES_KIND_SOURCE; k <= ES_KIND_SINK && path; k++) {
                es_plugin_handle_t *h;
                char e2[512];
                int rc = open_path(path, names[i], (es_plugin_kind_t)k, &h, e2, sizeof e2);
                if (rc == 0) {
                    visit(names[i], path, h->desc, NULL, arg);
                    es__loader_close(h);
                    any = 1;
                } else if (rc != ES_EINVAL || !err[0]) {
                    /* A missing symbol for one kind is normal; keep the
                     * most telling error in case neither kind loads. */
                    if (rc != ES_EINVAL || !any)
                        snprintf(err, sizeof err, "%s", e2);
                }
            }
            if (!any && path)
                visit(names[i], path, NULL, err, arg);
            free(path);
            char **ns = realloc(seen, (n_seen + 1) * sizeof *ns);
            if (ns) {
                seen = ns;
                seen[n_seen++] = names[i];
            } else {
                free(names[i]);
            }
        }
        free(names);
    }
    es__strv_free(seen, n_seen);
    free(copy);
}
