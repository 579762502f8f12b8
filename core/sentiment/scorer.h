/*
 * earshot sentiment scorer: a lexicon-and-rules model of the VADER family
 * (Hutto & Gilbert, ICWSM 2014) for short social texts, with an emoji
 * lexicon (Novak et al. 2015) and French rules. See docs/sentiment.md.
 */
#ifndef EARSHOT_SENTIMENT_SCORER_H
#define EARSHOT_SENTIMENT_SCORER_H

#include <stddef.h>

#include "../plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_scorer es_scorer_t;

typedef struct es_scorer_opts {
    const char *lexicon_dir;    /* directory with the converted files */
    const char *extra_lexicon;  /* NULL or path of word<TAB>valence overrides */
    double pos_threshold;       /* label positive when compound >= this (0 -> 0.05) */
    double neg_threshold;       /* label negative when compound <= -this (0 -> 0.05) */
} es_scorer_opts_t;

/* Loads every lexicon of opts->lexicon_dir (en.tsv, fr.tsv and emoji.tsv are
 * required; en_extra.tsv and fr_extra.tsv are read when present), then the
 * admin file opts->extra_lexicon if not NULL, whose entries override the
 * shipped ones. On success stores a new scorer in *out (the caller frees it
 * with es_scorer_free()) and returns 0. On failure *out is left NULL, err
 * (when errlen > 0) receives "file:line: message" or a message naming the
 * file, and the result is ES_EINVAL (bad opts), ES_ENOENT (missing file),
 * ES_EIO, ES_EPARSE (bad line) or ES_ENOMEM. Any thread; the loaded scorer is
 * immutable, so any number of threads may then score with it concurrently. */
int es_scorer_load(es_scorer_t **out, const es_scorer_opts_t *opts, char *err, size_t errlen);

/* Frees a scorer and all its tables. NULL is a no-op. No call on it may be
 * running in another thread. */
void es_scorer_free(es_scorer_t *s);

/* Scores the UTF-8 text[0..len) (invalid bytes are tolerated and scored as
 * unknown letters). lang_hint NULL or "" means detect; "en"/"fr" (also
 * "en-GB", "fr_CA", ...) force a language; any other code scores emoji and
 * emoticons only. Fills *out (label points to a static string) and writes
 * "en", "fr" or "other" into lang_out. Reentrant and lock-free: it reads the
 * scorer only and works in stack buffers, falling back to one malloc/free
 * pair for texts over a few kilobytes. Returns 0, or ES_EINVAL when s, out or
 * lang_out is NULL or text is NULL with len > 0, or ES_ENOMEM when that
 * fallback allocation fails (*out then holds a neutral zero score). */
int es_scorer_score(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                    es_sentiment_t *out, char lang_out[8]);

/* Bytes allocated by the scorer for its lexicons and tables (hash slots and
 * key storage), for the memory report. 0 for NULL. Any thread. */
size_t es_scorer_memory(const es_scorer_t *s);

#ifdef __cplusplus
}
#endif

#endif
