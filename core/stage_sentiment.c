/* The sentiment stage. It will hold the loaded scorer; until the scorer
 * lands records pass through unscored (sentiment.label stays NULL). */
#include <stdlib.h>

#include "stages.h"

struct es_sentiment_stage {
    int unused;
};

int es_sentiment_stage_new(const es_config_t *cfg, es_sentiment_stage_t **out, es_diag_t *diag)
{
    (void)cfg;
    (void)diag;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : ES_ENOMEM;
}

void es_sentiment_stage_free(es_sentiment_stage_t *s) { free(s); }

int es_sentiment_stage_apply(es_sentiment_stage_t *s, es_rec_t *rec)
{
    (void)s;
    (void)rec;
    return 0;
}
