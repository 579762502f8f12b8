/*
 * Features of the learned layer (docs/sentiment.md, "The model"): what the
 * rules computed, customer-care cues, and hashed words and word pairs. They
 * are taken from the tokens the rules already produced, whose hashes the
 * tokeniser computed while lower-casing, so the layer costs one pass over
 * the tokens and no second tokenisation. The trainer (contrib/sentiment-model)
 * calls this same function, so training and scoring cannot disagree on a
 * feature.
 */
#include <math.h>

#include "internal.h"

const char *const es__dense_names[ES_NDENSE] = {
    "compound", "pos_share", "neg_share", "pos_sum", "neg_sum", "rules_positive",
    "rules_negative", "negated", "boosted", "emoji_pos", "emoji_neg", "exclamations",
    "questions", "elongated", "all_caps", "contrast", "log_tokens", "no_tokens",
    "care_waiting", "care_no_reply", "care_repeat", "care_case", "care_case_unresolved",
};

/* Cue classes of the customer-care words. */
enum {
    ES_CARE_WAIT = 1,   /* waiting, on hold */
    ES_CARE_TIME = 2,   /* hours, days, weeks, forever */
    ES_CARE_REPEAT = 4, /* still, again, either, yet */
    ES_CARE_REPLY = 8,  /* reply, answer, call back */
    ES_CARE_CASE = 16,  /* ticket, refund, order, cancellation */
    ES_CARE_NEG = 32,   /* negators the rules do not list ("no", "nobody") */
};

typedef struct {
    const char *w;
    int cls;
} es_care_word_t;

/* Why a list and not only the learned word weights: the training tweets
 * (SemEval) hold few customer-care complaints, so "waited 3 weeks" or "no
 * reply" carry almost no weight there, while for a brand they are the
 * complaints that matter most. The classes let the model learn one weight
 * per kind of cue from a small hand-written set (contrib/sentiment-model/
 * care_train.tsv) instead of one per word. */
static const es_care_word_t es__care_en[] = {
    {"wait", 1}, {"waiting", 1}, {"waited", 1}, {"waits", 1}, {"hold", 1}, {"queue", 1},
    {"minutes", 2}, {"mins", 2}, {"hours", 2}, {"hrs", 2}, {"days", 2}, {"weeks", 2},
    {"wks", 2}, {"months", 2}, {"ages", 2}, {"forever", 2}, {"week", 2}, {"month", 2},
    {"since", 2},
    {"still", 4}, {"again", 4}, {"either", 4}, {"yet", 4}, {"anymore", 4}, {"twice", 4},
    {"third", 4}, {"fourth", 4}, {"keep", 4}, {"keeps", 4},
    {"reply", 8}, {"replied", 8}, {"replies", 8}, {"response", 8}, {"responded", 8},
    {"respond", 8}, {"answer", 8}, {"answered", 8}, {"answers", 8}, {"callback", 8},
    {"called", 8}, {"contacted", 8}, {"heard", 8}, {"back", 8}, {"resolved", 8},
    {"fixed", 8}, {"arrived", 8}, {"update", 8}, {"acknowledged", 8}, {"followup", 8},
    {"ticket", 16}, {"tickets", 16}, {"complaint", 16}, {"complaints", 16}, {"claim", 16},
    {"order", 16}, {"orders", 16}, {"refund", 16}, {"refunds", 16}, {"refunded", 16},
    {"replacement", 16}, {"cancel", 16}, {"cancelled", 16}, {"canceled", 16},
    {"cancellation", 16}, {"charged", 16}, {"overcharged", 16}, {"support", 16},
    {"service", 16}, {"customer", 16}, {"delivery", 16}, {"package", 16}, {"parcel", 16},
    {"shipping", 16}, {"billing", 16}, {"bill", 16}, {"agent", 16}, {"helpline", 16},
    {"warranty", 16}, {"outage", 16}, {"email", 16}, {"emails", 16}, {"case", 16},
    {"no", 32}, {"nobody", 32}, {"noone", 32}, {"zero", 32},
};

static const es_care_word_t es__care_fr[] = {
    {"attendre", 1}, {"attends", 1}, {"attend", 1}, {"attente", 1}, {"attendu", 1},
    {"minutes", 2}, {"heures", 2}, {"jours", 2}, {"semaines", 2}, {"mois", 2}, {"depuis", 2},
    {"toujours", 4}, {"encore", 4}, {"non", 4}, {"plus", 4}, {"fois", 4},
    {"réponse", 8}, {"reponse", 8}, {"répondu", 8}, {"repondu", 8}, {"répond", 8},
    {"repond", 8}, {"rappelé", 8}, {"rappele", 8}, {"nouvelles", 8}, {"nouvelle", 8},
    {"résolu", 8}, {"resolu", 8}, {"répondent", 8}, {"repondent", 8},
    {"commande", 16}, {"remboursement", 16}, {"remboursé", 16}, {"rembourse", 16},
    {"annulation", 16}, {"annulé", 16}, {"annule", 16}, {"ticket", 16}, {"dossier", 16},
    {"réclamation", 16}, {"reclamation", 16}, {"colis", 16}, {"livraison", 16},
    {"service", 16}, {"client", 16}, {"facture", 16}, {"sav", 16}, {"prélevé", 16},
    {"aucune", 32}, {"personne", 32},
};

int es__care_load(es_lex_t care[2])
{
    int rc = 0;
    for (size_t i = 0; i < sizeof es__care_en / sizeof es__care_en[0] && rc == 0; i++)
        rc = es__lex_put(&care[ES_LANG_EN], es__care_en[i].w, strlen(es__care_en[i].w), ES_W_VAL,
                        (float)es__care_en[i].cls);
    for (size_t i = 0; i < sizeof es__care_fr / sizeof es__care_fr[0] && rc == 0; i++)
        rc = es__lex_put(&care[ES_LANG_FR], es__care_fr[i].w, strlen(es__care_fr[i].w), ES_W_VAL,
                        (float)es__care_fr[i].cls);
    return rc;
}

/* murmur3's finaliser: FNV-1a's low bits are poor, and the bucket is taken
 * from the top bits after this. */
static inline uint32_t es_mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static inline float es_cap(unsigned v, unsigned max)
{
    return (float)(v < max ? v : max);
}

void es__features(const es_scorer_t *s, int lang, const es_scratch_t *sc, const es_sentiment_t *r,
                 const es_rule_stats_t *st, uint32_t bits, es_feats_t *f)
{
    float *d = f->dense;
    memset(d, 0, sizeof f->dense);
    d[ES_D_COMPOUND] = (float)r->compound;
    d[ES_D_POS] = (float)r->pos;
    d[ES_D_NEG] = (float)r->neg;
    d[ES_D_POS_SUM] = st->pos_sum / 4;
    d[ES_D_NEG_SUM] = st->neg_sum / 4;
    d[ES_D_RULES_POS] = r->compound >= 0.05;
    d[ES_D_RULES_NEG] = r->compound <= -0.05;
    d[ES_D_NEGATED] = es_cap(st->negated, 3);
    d[ES_D_BOOSTED] = es_cap(st->boosted, 3);
    d[ES_D_EMO_POS] = es_cap(st->emo_pos, 3);
    d[ES_D_EMO_NEG] = es_cap(st->emo_neg, 3);
    d[ES_D_EXCL] = es_cap(st->excl, 4) / 2;
    d[ES_D_QUEST] = es_cap(st->quest, 4) / 2;
    d[ES_D_ELONGATED] = es_cap(st->elongated, 3);
    d[ES_D_UPPER] = es_cap(st->upper, 3);
    d[ES_D_CONTRAST] = (float)st->contrast;
    d[ES_D_LEN] = logf(1.0f + (float)sc->ntok) / 2;
    d[ES_D_NOWORDS] = sc->ntok == 0;

    const es_lex_t *care = lang == ES_LANG_OTHER ? NULL : &s->care[lang];
    unsigned cues = 0, noreply = 0, repeat = 0, cases = 0, negs = 0;
    size_t last_neg = (size_t)-1; /* token index of the last negator in this clause */
    uint32_t shift = 32 - bits, prev = 0;
    size_t nb = 0;
    int have_prev = 0;
    for (size_t i = 0; i < sc->ntok; i++) {
        const es_tok_t *t = &sc->toks[i];
        int cls = 0;
        if (care && t->kind == ES_TK_WORD) {
            const es_lex_slot_t *sl = es__lex_get_h(care, t->hash, sc->buf + t->low_off, t->low_len);
            if (sl)
                cls = (int)sl->valence;
        }
        /* French "ne" comes before the verb it negates ("ne répond
         * jamais"), so it opens the reach as English "never" does. */
        int negator = (t->wflags & (ES_W_NEGATE | ES_W_NE)) || (cls & ES_CARE_NEG);
        if (cls) {
            cues |= (unsigned)cls;
            repeat += (cls & ES_CARE_REPEAT) != 0;
            cases += (cls & ES_CARE_CASE) != 0;
            if ((cls & ES_CARE_REPLY) && last_neg != (size_t)-1 && i - last_neg <= 3)
                noreply++;
        }
        negs += negator;
        if (f->buckets) {
            uint32_t h = t->hash;
            if (f->src)
                f->src[nb] = (uint32_t)i << 2 | ES_FS_WORD;
            f->buckets[nb++] = es_mix(h) >> shift;
            if (have_prev) {
                if (f->src)
                    f->src[nb] = (uint32_t)i << 2 | ES_FS_PAIR;
                f->buckets[nb++] = es_mix(prev * 0x9E3779B1u + h + 0x7F4A7C15u) >> shift;
            }
            /* "not happy" and "never replied": a word in a negation's reach
             * is also a feature of its own. */
            if (last_neg != (size_t)-1 && i - last_neg <= 3 && !negator) {
                if (f->src)
                    f->src[nb] = (uint32_t)i << 2 | ES_FS_NEGATED;
                f->buckets[nb++] = es_mix(h ^ 0x5BD1E995u) >> shift;
            }
        }
        if (negator)
            last_neg = i;
        prev = t->hash;
        have_prev = 1;
        if (t->flags & ES_TF_BREAK) {
            last_neg = (size_t)-1;
            have_prev = 0; /* pairs do not cross a clause end */
        }
    }
    f->nb = nb;
    /* "waited 3 weeks", "still waiting" */
    d[ES_D_CARE_WAIT] = (cues & ES_CARE_WAIT) && (cues & (ES_CARE_TIME | ES_CARE_REPEAT));
    d[ES_D_CARE_NOREPLY] = es_cap(noreply, 2);
    d[ES_D_CARE_REPEAT] = es_cap(repeat, 2);
    d[ES_D_CARE_CASE] = es_cap(cases, 3);
    d[ES_D_CARE_CASE_NEG] = cases && (negs || noreply || repeat || (cues & ES_CARE_WAIT));
}

void es__model_logits(const es_model_t *m, const es_feats_t *f, float logits[ES_NCLS])
{
    /* The buckets are scattered over a 1 MiB table: start every load
     * first, do the dense part while they arrive, then sum. */
    for (size_t i = 0; i < f->nb; i++)
        __builtin_prefetch(m->w[f->buckets[i]]);
    float dense[ES_NCLS];
    for (int c = 0; c < ES_NCLS; c++) {
        float l = m->bias[c];
        for (int k = 0; k < ES_NDENSE; k++)
            l += m->dense[k][c] * f->dense[k];
        dense[c] = l;
    }
    int32_t acc[ES_NCLS] = {0, 0, 0};
    for (size_t i = 0; i < f->nb; i++) {
        const int8_t *w = m->w[f->buckets[i]];
        acc[0] += w[0];
        acc[1] += w[1];
        acc[2] += w[2];
    }
    for (int c = 0; c < ES_NCLS; c++)
        logits[c] = dense[c] + (float)acc[c] * m->scale;
}
