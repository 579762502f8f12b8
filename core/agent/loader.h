/*
 * Plugin loader: finds NAME.so on a colon-separated search path, dlopens it
 * and checks its descriptor. dlopen reference-counts, so opening the same
 * plugin for several instances maps it once.
 */
#ifndef ES_LOADER_H
#define ES_LOADER_H

#include <stddef.h>

#include <earshot/plugin.h>

typedef struct es_plugin_handle {
    void *dl;
    const es_plugin_t *desc;
    char *path;
} es_plugin_handle_t;

/* The effective search path: $EARSHOT_PLUGIN_PATH, then plugin_dir (may be
 * NULL), then the install directory. malloc'd. */
char *es__loader_search_path(const char *plugin_dir);

/* Opens plugin `name` of `kind`. Errors (message in err, naming the file):
 * ES_ENOENT not found on the path, ES_EINVAL bad name or missing descriptor
 * symbol for that kind, ES_EABI other ABI version, ES_EIO dlopen failed. */
int es__loader_open(const char *search_path, const char *name, es_plugin_kind_t kind,
                   es_plugin_handle_t **out, char *err, size_t errlen);
void es__loader_close(es_plugin_handle_t *h);

/* Calls visit for every plugin side found on the path (first match of a
 * name wins, as for es__loader_open). Objects that fail to load are reported
 * through visit with desc NULL and the error text. */
typedef void (*es_loader_visit_cb)(const char *name, const char *path, const es_plugin_t *desc,
                                   const char *error, void *arg);
void es__loader_list(const char *search_path, es_loader_visit_cb visit, void *arg);

#endif
