/* The sentiment stage: scores each mention's text (its title when the text
 * is empty) with the lexicon scorer, and fills `lang` from the detector when
 * the source did not set it. The scorer is immutable once loaded, so a
 * reload builds a new stage and swaps it. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sentiment/scorer.h"
#include "stages.h"

struct es_sentiment_stage {
    es_scorer_t *scorer;
};

int es__sentiment_stage_new(const es_config_t *cfg, es_sentiment_stage_t **out, es_diag_t *diag)
{
    *out = NULL;
    if (!cfg->sentiment_enabled)
        return 0; /* no stage: records pass unscored */
    es_sentiment_stage_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    es_scorer_opts_t o = {
        .lexicon_dir = cfg->lexicon_dir,
        .extra_lexicon = cfg->sentiment_extra_lexicon,
        .pos_threshold = cfg->sentiment_pos,
        .neg_threshold = cfg->sentiment_neg,
    };
    char err[1024];
    int rc = es__scorer_load(&s->scorer, &o, err, sizeof err);
    if (rc < 0) {
        es__diag_add(diag, NULL, 0, "sentiment: %s", err);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void es__sentiment_stage_free(es_sentiment_stage_t *s)
{
    if (!s)
        return;
    es__scorer_free(s->scorer);
    free(s);
}

int es__sentiment_stage_apply(es_sentiment_stage_t *s, es_rec_t *rec)
{
    if (!s)
        return 0; /* sentiment.enabled = false */
    es_mention_t *m = &rec->m;
    const char *text = m->text && *m->text ? m->text : m->title ? m->title : "";
    char lang[8];
    int rc = es__scorer_score(s->scorer, text, strlen(text), m->lang, &m->sentiment, lang);
    if (rc < 0)
        return rc;
    if (!m->lang || !*m->lang) {
        memcpy(rec->lang_buf, lang, sizeof rec->lang_buf);
        rec->lang_buf[sizeof rec->lang_buf - 1] = '\0';
        m->lang = rec->lang_buf;
    }
    return 0;
}
