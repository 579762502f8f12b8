/*
 * Scorer lifetime and the scoring entry point: loads the lexicon files, the
 * static rule tables and the per-language models, picks the language, and
 * runs the tokeniser, VADER's rules and the learned layer in stack scratch
 * space.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include <earshot/text.h>

/* Texts up to this many bytes are scored without touching the heap; that
 * covers every tweet and most posts. */
#define ES_STACK_TEXT 2048

static int es__load_rules(es_lex_t *words, es_lex_t *lex, const es_rules_entry_t *w,
                         const es_rules_entry_t *idioms)
{
    int rc = 0;
    for (; w->word && rc == 0; w++)
        rc = es__lex_put(words, w->word, strlen(w->word), w->flags, w->valence);
    for (; idioms->word && rc == 0; idioms++)
        rc = es__lex_put(lex, idioms->word, strlen(idioms->word), idioms->flags, idioms->valence);
    return rc;
}

/* Indexes accent-less spellings of French entries ("deçu" -> "decu") that
 * the lexicon does not already have, so "tres decu" finds "déçu" with one
 * look-up. Phrases are left alone. */
static int es_fr_fold_aliases(es_lex_t *fr)
{
    uint32_t cap = fr->mask + 1;
    es_lex_slot_t *copy = malloc((size_t)cap * sizeof *copy);
    if (!copy)
        return ES_ENOMEM;
    memcpy(copy, fr->slots, (size_t)cap * sizeof *copy);
    int rc = 0;
    for (uint32_t i = 0; i < cap && rc == 0; i++) {
        const es_lex_slot_t *sl = &copy[i];
        if (!sl->hash || !(sl->flags & ES_W_VAL) || sl->key_len >= 128)
            continue;
        const char *k = fr->keys + sl->key_off;
        if (memchr(k, ' ', sl->key_len))
            continue;
        char f[128];
        size_t fn = 0;
        int changed = 0;
        for (size_t j = 0; j < sl->key_len;) {
            size_t l;
            uint32_t cp = es__utf8_decode((const unsigned char *)k + j, sl->key_len - j, &l);
            uint32_t u = es__cp_unaccent(cp);
            changed |= u != cp;
            fn += es_utf8_put(f + fn, u);
            j += l;
        }
        if (changed && !es__lex_get(fr, f, fn))
            rc = es__lex_put(fr, f, fn, ES_W_VAL, sl->valence);
        /* fr->keys may have moved: k is only used before the put. */
    }
    free(copy);
    return rc;
}

int es__scorer_load(es_scorer_t **out, const es_scorer_opts_t *opts, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out || !opts || !opts->lexicon_dir) {
        if (err && errlen)
            snprintf(err, errlen, "sentiment: no lexicon directory given");
        return ES_EINVAL;
    }
    *out = NULL;
    if (opts->pos_threshold < 0 || opts->neg_threshold < 0 || opts->pos_threshold > 1 ||
        opts->neg_threshold > 1) {
        if (err && errlen)
            snprintf(err, errlen, "sentiment: thresholds must be within 0..1");
        return ES_EINVAL;
    }
    es_scorer_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    for (int i = 0; i < 2; i++) {
        es__lex_init(&s->lex[i]);
        es__lex_init(&s->words[i]);
        es__lex_init(&s->care[i]);
    }
    es__lex_init(&s->emoji);
    s->pos_th = opts->pos_threshold > 0 ? opts->pos_threshold : 0.05;
    s->neg_th = opts->neg_threshold > 0 ? opts->neg_threshold : 0.05;

    static const struct {
        const char *name;
        int lang; /* -1: emoji */
        int required;
    } files[] = {
        {"en.tsv", ES_LANG_EN, 1},
        {"en_extra.tsv", ES_LANG_EN, 0},
        {"fr.tsv", ES_LANG_FR, 1},
        {"fr_extra.tsv", ES_LANG_FR, 0},
        {"emoji.tsv", -1, 1},
    };
    int rc = 0;
    char path[4096];
    for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
        int n = snprintf(path, sizeof path, "%s/%s", opts->lexicon_dir, files[i].name);
        if (n < 0 || (size_t)n >= sizeof path) {
            if (err && errlen)
                snprintf(err, errlen, "sentiment: lexicon directory path too long");
            rc = ES_EINVAL;
            break;
        }
        int l = files[i].lang;
        rc = es__lex_load_file(path, l == ES_LANG_EN ? &s->lex[ES_LANG_EN] : NULL,
                              l == ES_LANG_FR ? &s->lex[ES_LANG_FR] : NULL,
                              l < 0 ? &s->emoji : NULL, files[i].required, err, errlen);
    }
    if (rc == 0)
        rc = es__load_rules(&s->words[ES_LANG_EN], &s->lex[ES_LANG_EN], es__rules_en_words,
                           es__rules_en_idioms);
    if (rc == 0)
        rc = es__load_rules(&s->words[ES_LANG_FR], &s->lex[ES_LANG_FR], es__rules_fr_words,
                           es__rules_fr_idioms);
    if (rc == 0)
        rc = es__lang_stops_load(&s->words[ES_LANG_EN]);
    /* The admin file comes last so that it overrides everything, idioms
     * included. */
    if (rc == 0 && opts->extra_lexicon)
        rc = es__lex_load_file(opts->extra_lexicon, &s->lex[ES_LANG_EN], &s->lex[ES_LANG_FR],
                              &s->emoji, 1, err, errlen);
    if (rc == 0)
        rc = es_fr_fold_aliases(&s->lex[ES_LANG_FR]);
    if (rc == 0)
        rc = es__care_load(s->care);
    static const char *const model_lang[2] = {"en", "fr"};
    for (int l = 0; l < 2 && rc == 0 && !opts->rules_only; l++) {
        int n = snprintf(path, sizeof path, "%s/%s.model", opts->lexicon_dir, model_lang[l]);
        if (n < 0 || (size_t)n >= sizeof path) {
            if (err && errlen)
                snprintf(err, errlen, "sentiment: lexicon directory path too long");
            rc = ES_EINVAL;
            break;
        }
        rc = es__model_load(&s->model[l], path, model_lang[l], err, errlen);
    }
    if (rc < 0) {
        if (rc == ES_ENOMEM && err && errlen && !err[0])
            snprintf(err, errlen, "sentiment: out of memory loading lexicons");
        es__scorer_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void es__scorer_free(es_scorer_t *s)
{
    if (!s)
        return;
    for (int i = 0; i < 2; i++) {
        es__lex_free(&s->lex[i]);
        es__lex_free(&s->words[i]);
        es__lex_free(&s->care[i]);
        es__model_free(s->model[i]);
    }
    es__lex_free(&s->emoji);
    free(s);
}

size_t es__scorer_memory(const es_scorer_t *s)
{
    if (!s)
        return 0;
    size_t m = sizeof *s + es__lex_memory(&s->emoji);
    for (int i = 0; i < 2; i++)
        m += es__lex_memory(&s->lex[i]) + es__lex_memory(&s->words[i]) +
             es__lex_memory(&s->care[i]) + es__model_memory(s->model[i]);
    return m;
}

static int es_lang_code(const char *hint)
{
    if ((hint[0] | 32) == 'e' && (hint[1] | 32) == 'n' && (hint[2] == '\0' || hint[2] == '-' ||
                                                           hint[2] == '_'))
        return ES_LANG_EN;
    if ((hint[0] | 32) == 'f' && (hint[1] | 32) == 'r' && (hint[2] == '\0' || hint[2] == '-' ||
                                                           hint[2] == '_'))
        return ES_LANG_FR;
    return ES_LANG_OTHER;
}

static const char *const es__class_label[ES_NCLS] = {"negative", "neutral", "positive"};

/* The learned layer: the label becomes the most probable class. */
static void es_apply_model(const es_scorer_t *s, int lang, const es_scratch_t *sc,
                           const es_rule_stats_t *st, es_sentiment_t *out,
                           es_sentiment_detail_t *detail, es_feats_t *f)
{
    const es_model_t *m = s->model[lang];
    es__features(s, lang, sc, out, st, m->bits, f);
    float lg[ES_NCLS];
    es__model_logits(m, f, lg);
    int best = 0;
    for (int c = 1; c < ES_NCLS; c++)
        if (lg[c] > lg[best])
            best = c;
    int no_evidence = es__feats_no_evidence(f->dense);
    int floored = 0;
    if (detail || (no_evidence && m->neutral_floor > 0 && best != ES_CLS_NEU)) {
        double z = 0, p[ES_NCLS];
        for (int c = 0; c < ES_NCLS; c++)
            z += p[c] = exp((double)(lg[c] - lg[best]) / m->temp);
        /* Where neither the rules nor a care cue found anything, an unsure
         * model is more often reading noise in rare words than a real
         * complaint. */
        if (no_evidence && best != ES_CLS_NEU && p[best] / z < m->neutral_floor) {
            best = ES_CLS_NEU;
            floored = 1;
        }
        if (detail) {
            for (int c = 0; c < ES_NCLS; c++)
                detail->probs[c] = p[c] / z;
            detail->prob = detail->probs[best];
            detail->model = 1;
            detail->floored = floored;
        }
    }
    out->label = es__class_label[best];
}

static void es_explain_fill(const es_scorer_t *s, int lang, const es_scratch_t *sc,
                            const es_feats_t *f, es_explain_item_t *items, size_t cap, size_t *n)
{
    const es_model_t *m = s->model[lang];
    size_t k = 0;
    if (k < cap) {
        es_explain_item_t *it = &items[k++];
        snprintf(it->name, sizeof it->name, "bias");
        it->value = 1;
        for (int c = 0; c < ES_NCLS; c++)
            it->contrib[c] = m->bias[c];
    }
    for (int d = 0; d < ES_NDENSE && k < cap; d++) {
        if (f->dense[d] == 0)
            continue;
        es_explain_item_t *it = &items[k++];
        snprintf(it->name, sizeof it->name, "rule:%s", es__dense_names[d]);
        it->value = f->dense[d];
        for (int c = 0; c < ES_NCLS; c++)
            it->contrib[c] = (double)m->dense[d][c] * f->dense[d];
    }
    static const char *const kinds[] = {"word", "pair", "negated"};
    for (size_t b = 0; b < f->nb && k < cap; b++) {
        size_t ti = f->src[b] >> 2;
        unsigned kind = f->src[b] & 3;
        const es_tok_t *t = &sc->toks[ti];
        es_explain_item_t *it = &items[k++];
        if (kind == ES_FS_PAIR && ti > 0) {
            const es_tok_t *p = &sc->toks[ti - 1];
            snprintf(it->name, sizeof it->name, "pair:%.*s %.*s", (int)(p->low_len > 30 ? 30 : p->low_len),
                     sc->buf + p->low_off, (int)(t->low_len > 30 ? 30 : t->low_len), sc->buf + t->low_off);
        } else {
            snprintf(it->name, sizeof it->name, "%s:%.*s", kinds[kind],
                     (int)(t->low_len > 60 ? 60 : t->low_len), sc->buf + t->low_off);
        }
        it->value = 1;
        for (int c = 0; c < ES_NCLS; c++)
            it->contrib[c] = m->w[f->buckets[b]][c] * (double)m->scale;
    }
    *n = k;
}

static int es__score_impl(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                         es_sentiment_t *out, char lang_out[8], es_sentiment_detail_t *detail,
                         es_explain_item_t *items, size_t cap, size_t *nitems)
{
    if (!s || !out || !lang_out || (!text && len > 0))
        return ES_EINVAL;
    if (detail)
        *detail = (es_sentiment_detail_t){0, 0, {0, 0, 0}, "neutral", 0};
    if (nitems)
        *nitems = 0;
    if (!text)
        text = "";
    int guess = !lang_hint || !lang_hint[0];
    int lang = guess ? ES_LANG_EN : es_lang_code(lang_hint);

    es_tok_t toks_st[ES_STACK_TEXT + 2];
    float sent_st[ES_STACK_TEXT + 2];
    uint32_t bk_st[3 * (ES_STACK_TEXT + 2)];
    char buf_st[ES_STACK_TEXT + 16];
    es_scratch_t sc = {.toks = toks_st, .sent = sent_st, .buf = buf_st,
                       .cap_tok = sizeof toks_st / sizeof toks_st[0], .buf_cap = sizeof buf_st};
    uint32_t *buckets = bk_st, *src = NULL;
    void *heap = NULL;
    if (es__tok_cap_for(len) > sc.cap_tok || es__buf_cap_for(len) > sc.buf_cap || items) {
        size_t nt = es__tok_cap_for(len), nb = es__buf_cap_for(len);
        /* Explanations are rare (the CLI): their source map always goes
         * on the heap. */
        heap = malloc(nt * (sizeof(es_tok_t) + sizeof(float) + 6 * sizeof(uint32_t)) + nb);
        if (!heap) {
            *out = (es_sentiment_t){0, 0, 1, 0, "neutral"};
            strcpy(lang_out, "other");
            return ES_ENOMEM;
        }
        sc.toks = heap;
        buckets = (uint32_t *)(sc.toks + nt);
        src = buckets + 3 * nt;
        sc.sent = (float *)(src + 3 * nt);
        sc.buf = (char *)(sc.sent + nt);
        sc.cap_tok = nt;
        sc.buf_cap = nb;
    }
    unsigned excl, quest;
    es_lang_ev_t ev = {0};
    /* Without a hint, tokenise as English (most texts are) while gathering
     * the language evidence from the same words; only a text that turns
     * out French or other is tokenised again, for its language. One pass
     * instead of a separate detector scan: about a fifth of the time per
     * tweet (bench/sentiment). */
    sc.ev = guess ? &ev : NULL;
    es__tokenize(s, lang, text, len, &sc, &excl, &quest);
    sc.ev = NULL;
    if (guess && (lang = es__lang_decide(&ev)) != ES_LANG_EN)
        es__tokenize(s, lang, text, len, &sc, &excl, &quest);
    static const char *const names[] = {"en", "fr", "other"};
    strcpy(lang_out, names[lang]);
    es_rule_stats_t st = {0};
    int model = lang != ES_LANG_OTHER && s->model[lang];
    es__vader_score(s, lang, &sc, excl, quest, out, model ? &st : NULL);
    if (detail)
        detail->rules_label = out->label;
    if (model) {
        es_feats_t f = {.buckets = buckets, .src = items ? src : NULL};
        es_apply_model(s, lang, &sc, &st, out, detail, &f);
        if (items)
            es_explain_fill(s, lang, &sc, &f, items, cap, nitems);
    }
    free(heap);
    return 0;
}

int es__score_features(const es_scorer_t *s, const char *text, size_t len, int lang, uint32_t bits,
                      es_feats_t *f, es_sentiment_t *rules)
{
    size_t nt = es__tok_cap_for(len), nb = es__buf_cap_for(len);
    void *heap = malloc(nt * (sizeof(es_tok_t) + sizeof(float)) + nb);
    if (!heap)
        return ES_ENOMEM;
    es_scratch_t sc = {.toks = heap, .cap_tok = nt, .buf_cap = nb};
    sc.sent = (float *)(sc.toks + nt);
    sc.buf = (char *)(sc.sent + nt);
    unsigned excl, quest;
    es__tokenize(s, lang, text, len, &sc, &excl, &quest);
    es_rule_stats_t st = {0};
    es__vader_score(s, lang, &sc, excl, quest, rules, &st);
    es__features(s, lang, &sc, rules, &st, bits, f);
    free(heap);
    return 0;
}

int es__scorer_score(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                    es_sentiment_t *out, char lang_out[8])
{
    return es__score_impl(s, text, len, lang_hint, out, lang_out, NULL, NULL, 0, NULL);
}

int es__scorer_score_ex(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                       es_sentiment_t *out, char lang_out[8], es_sentiment_detail_t *detail)
{
    return es__score_impl(s, text, len, lang_hint, out, lang_out, detail, NULL, 0, NULL);
}

int es__scorer_explain(const es_scorer_t *s, const char *text, size_t len, const char *lang_hint,
                      es_sentiment_t *out, char lang_out[8], es_sentiment_detail_t *detail,
                      es_explain_item_t *items, size_t cap, size_t *n)
{
    size_t dummy;
    return es__score_impl(s, text, len, lang_hint, out, lang_out, detail, items, items ? cap : 0,
                         n ? n : &dummy);
}
