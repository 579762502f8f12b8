/* A binary run from its own build tree, before `make install`. */
#ifndef ES_UNINSTALLED_H
#define ES_UNINSTALLED_H

/* When this process's executable is the one built in ES_BUILD_DIR, sets
 * EARSHOT_PLUGIN_PATH to the plugins built beside it and
 * EARSHOT_LEXICON_DIR to the source tree's lexicons, each only if the
 * caller has not set it. An installed binary is left alone. Call once,
 * first thing in main(), before any thread starts (it calls setenv). */
void es__uninstalled_setup(void);

#endif
