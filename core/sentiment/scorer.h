/*
 * earshot sentiment scorer: a lexicon-and-rules model of the VADER family
 * (Hutto & Gilbert, ICWSM 2014) for short social texts, with an emoji
 * lexicon (Novak et al. 2015) and French rules. See docs/sentiment.md.
 */
#ifndef EARSHOT_SENTIMENT_SCORER_H
#define EARSHOT_SENTIMENT_SCORER_H

#include <stddef.h>

#include <earshot/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_scorer es_scorer_t;

typedef struct es_scorer_opts {
    const char *lexicon_dir;    /* directory with the converted files */
    const char *extra_lexicon;  /* NULL or path of word<TAB>valence overrides */
    double pos_threshold;       /* rules label positive when compound >= this (0 -> 0.05) */
    double neg_threshold;       /* rules label negative when compound <= -this (0 -> 0.05) */
    int rules_only;             /* 1: no model files; the label comes from compound */
} es_scorer_opts_t;

/* What the learned layer adds to es_sentiment_t. */
typedef struct es_sentiment_detail {
    int model;               /* 1 when a model chose the label, 0 for the rules label */
    double prob;             /* calibrated probability of the label (model only, else 0) */
    double probs[3];         /* negative, neutral, positive (model only) */
    const char *rules_label; /* the label compound and the thresholds give */
    int floored;             /* 1: neutral because the rules found none and the model was unsure */
} es_sentiment_detail_t;

/* One feature's part in a decision, for `earshot score --explain`. */
typedef struct es_explain_item {
    char name[72];      /* "word:refund", "pair:no reply", "negated:happy", "rule:compound", "bias" */
    double value;       /* the feature's value (1 for words and pairs) */
    double contrib[3];  /* added to the negative, neutral, positive logits */
} es_explain_item_t;

/* Loads every lexicon of opts->lexicon_dir (en.tsv, fr.tsv and emoji.tsv are
 * required; en_extra.tsv and fr_extra.tsv are read when present), then the
 * admin file opts->extra_lexicon if not NULL, whose entries override the
 * shipped ones, then the models en.model and fr.model of the same directory
 * unless opts->rules_only. A model file that is missing, of another format
 * version or malformed fails the load with its path named (the label would
 * otherwise silently change meaning); rules_only is the explicit way to run
 * without models. On success stores a new scorer in *out (the caller frees it
 * with es__scorer_free()) and returns 0. On failure *out is left NULL, err
 * (when errlen > 0) receives "file:line: message" or a message naming the
 * file, and the result is ES_EINVAL (bad opts), ES_ENOENT (missing file),
 * ES_EIO, ES_EPARSE (bad line) or ES_ENOMEM. Any thread; the loaded scorer is
 * immutable, so any number of threads may then score with it concurrently. */
int es__scorer_load(es_scorer_t **out, const es_scorer_opts_t *opts, char *err, size_t errlen);

/* Frees a scorer and all its tables. NULL is a no-op. No call on it may be
 * running in another thread. */
void es__scorer_free(es_scorer_t *s);

/* Scores the UTF-8 text[0..len) (invalid bytes are tolerated and scored as
 * unknown letters). lang_hint NULL or "" means detect; "en"/"fr" (also
 * "en-GB", "fr_CA", ...) force a language; any other code scores emoji and
 * emoticons only. Fills *out (label points to a static string) and writes
 * "en", "fr" or "other" into lang_out. Reentrant and lock-free: it reads the
 * scorer only and works in stack buffers, falling back to one malloc/free
 * pair for texts over a few kilobytes. Returns 0, or ES_EINVAL when s, out or
 * lang_out is NULL or text is NULL with len > 0, or ES_ENOMEM when that
 * fallback allocation fails (*out then holds a neutral zero score). */
int es__scorer_score(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                    es_sentiment_t *out, char lang_out[8]);

/* es__scorer_score() that also fills *detail (when not NULL): the model's
 * probabilities and the rules label. */
int es__scorer_score_ex(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                       es_sentiment_t *out, char lang_out[8], es_sentiment_detail_t *detail);

/* Scores like es__scorer_score_ex() and lists up to cap features that went
 * into the model's decision in items (*n of them; the bias first, then the
 * rule features, then words and pairs in text order). *n is 0 when the
 * language has no model. Same errors as es__scorer_score(). */
int es__scorer_explain(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                      es_sentiment_t *out, char lang_out[8], es_sentiment_detail_t *detail,
                      es_explain_item_t *items, size_t cap, size_t *n);

/* Bytes allocated by the scorer for its lexicons, tables (hash slots and
 * key storage) and models, for the memory report. 0 for NULL. Any thread. */
size_t es__scorer_memory(const es_scorer_t *s);

#ifdef __cplusplus
}
#endif

#endif
