/*
 * Words of negative mentions: the split, stop words, a small string map,
 * and the exponentially weighted vocabulary that says which words of a
 * spike bucket are unusual for the brand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include <earshot/plugin.h>

/* ---- map ----------------------------------------------------------------- */

static uint32_t hash(const char *k, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a: short keys, no setup */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

void es__spike_map_free(es_spike_map_t *m)
{
    for (uint32_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static uint32_t find(const es_spike_map_t *m, const char *key, size_t len)
{
    for (uint32_t i = hash(key, len) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
        if (!m->keys[i] || (strncmp(m->keys[i], key, len) == 0 && m->keys[i][len] == '\0'))
            return i;
}

static int grow(es_spike_map_t *m)
{
    uint32_t nc = m->cap ? m->cap * 2 : 16;
    es_spike_map_t n = {.keys = calloc(nc, sizeof(char *)), .vals = calloc(nc, sizeof(double)), .cap = nc};
    if (!n.keys || !n.vals) {
        free(n.keys);
        free(n.vals);
        return ES_ENOMEM;
    }
    for (uint32_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            uint32_t j = find(&n, m->keys[i], strlen(m->keys[i]));
            n.keys[j] = m->keys[i];
            n.vals[j] = m->vals[i];
            n.count++;
        }
    free(m->keys);
    free(m->vals);
    *m = n;
    return 0;
}

int es__spike_map_add(es_spike_map_t *m, const char *key, size_t len, double v)
{
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m) < 0)
        return ES_ENOMEM;
    uint32_t i = find(m, key, len);
    if (!m->keys[i]) {
        char *k = malloc(len + 1);
        if (!k)
            return ES_ENOMEM;
        memcpy(k, key, len);
        k[len] = '\0';
        m->keys[i] = k;
        m->vals[i] = 0;
        m->count++;
    }
    m->vals[i] += v;
    return 0;
}

double *es__spike_map_get(const es_spike_map_t *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    uint32_t i = find(m, key, len);
    return m->keys[i] ? &m->vals[i] : NULL;
}

/* ---- stop words ---------------------------------------------------------- */

/* Function words of English and French, social filler, and words of any
 * complaint that say nothing about its cause. Accented forms are listed as
 * written; the split lower-cases ASCII only. */
const char *const es__spike_stopword_list[] = {
    /* English */
    "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does",
    "doesn't", "doing", "don't", "down", "during", "each", "even", "ever", "every", "few", "for",
    "from", "further", "get", "gets", "getting", "got", "had", "hadn't", "has", "hasn't", "have",
    "haven't", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
    "i'm", "i've", "i'll", "i'd", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself",
    "just", "let", "like", "me", "more", "most", "much", "must", "my", "myself", "never", "no", "nor",
    "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves",
    "out", "over", "own", "really", "same", "she", "should", "shouldn't", "so", "some", "still",
    "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then",
    "there", "there's", "these", "they", "they're", "this", "those", "through", "to", "too",
    "under", "until", "up", "us", "very", "was", "wasn't", "we", "we're", "were", "weren't", "what",
    "what's", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "won't",
    "would", "wouldn't", "yet", "you", "you're", "your", "yours", "yourself", "yourselves",
    "again", "already", "always", "another", "anyone", "anything", "around", "back", "being",
    "come", "day", "days", "done", "else", "going", "gonna", "good", "know", "lol", "made", "make",
    "many", "may", "might", "need", "new", "one", "people", "please", "pls", "see", "since",
    "thanks", "thank", "thing", "things", "think", "time", "today", "try", "two", "use", "want",
    "way", "week", "well", "wtf", "yes", "omg",
    /* French */
    "alors", "au", "aucun", "aussi", "autre", "aux", "avec", "avoir", "bon", "car", "ce", "cela",
    "ces", "cet", "cette", "ceux", "chaque", "chez", "comme", "comment", "dans", "des", "donc",
    "dont", "du", "elle", "elles", "en", "encore", "est", "et", "étaient", "était", "étant", "été",
    "être", "eu", "fait", "faire", "fois", "il", "ils", "je", "jamais", "juste", "la", "le", "les",
    "leur", "leurs", "lui", "ma", "mais", "me", "même", "mes", "moi", "mon", "ne", "ni", "nos",
    "notre", "nous", "on", "ont", "ou", "où", "par", "parce", "pas", "peu", "peut", "plus", "pour",
    "pourquoi", "quand", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi", "sa", "sans",
    "se", "ses", "si", "son", "sont", "sous", "sur", "ta", "tes", "toi", "ton", "tous", "tout",
    "toute", "toutes", "très", "trop", "tu", "un", "une", "vos", "votre", "vous", "vraiment", "y",
    "ça", "déjà", "avez", "avons", "suis", "sommes", "êtes", "fais", "fait", "faut", "merci", "mdr",
    "jour", "jours", "rien", "toujours", "depuis", "encore", "ici", "là", "voilà", "bonjour",
};
const size_t es__spike_stopword_count = sizeof es__spike_stopword_list / sizeof es__spike_stopword_list[0];

int es__spike_stopwords_load(es_spike_map_t *set)
{
    for (size_t i = 0; i < es__spike_stopword_count; i++) {
        const char *w = es__spike_stopword_list[i];
        if (!es__spike_map_get(set, w, strlen(w)) && es__spike_map_add(set, w, strlen(w), 1) < 0)
            return ES_ENOMEM;
    }
    return 0;
}

/* ---- the split ----------------------------------------------------------- */

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
           c == '\'';
}

/* French elisions and the English possessive carry no meaning of their own. */
static void strip_clitics(const char **w, size_t *n)
{
    static const char *const pre[] = {"l'", "d'", "j'", "n'", "s'", "c'", "m'", "t'", "qu'", "jusqu'", "lorsqu'", "puisqu'"};
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
        size_t k = strlen(pre[i]);
        if (*n > k && memcmp(*w, pre[i], k) == 0) {
            *w += k, *n -= k;
            break;
        }
    }
    if (*n > 2 && memcmp(*w + *n - 2, "'s", 2) == 0)
        *n -= 2;
    while (*n && (*w)[*n - 1] == '\'')
        (*n)--;
    while (*n && (*w)[0] == '\'')
        (*w)++, (*n)--;
}

size_t es__spike_words(const es_spike_map_t *stop, const char *text,
                      char words[ES_SPIKE_MAX_WORDS][ES_SPIKE_WORD_MAX])
{
    size_t nw = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && nw < ES_SPIKE_MAX_WORDS) {
        /* Whitespace-separated chunks that are links or handles are skipped
         * whole: their pieces are not words. */
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        if (*p == '@' || strncmp((const char *)p, "http://", 7) == 0 ||
            strncmp((const char *)p, "https://", 8) == 0 || strncmp((const char *)p, "www.", 4) == 0) {
            while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        if (!is_word_byte(*p)) {
            p++; /* '#' of a hashtag, punctuation */
            continue;
        }
        char buf[ES_SPIKE_WORD_MAX * 2];
        size_t n = 0;
        int alpha = 0, too_long = 0;
        for (; *p && is_word_byte(*p); p++) {
            unsigned char c = *p;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            if (c == 0xE2 && p[1] == 0x80 && p[2] == 0x99) { /* ’ reads as ' */
                c = '\'';
                p += 2;
            } else if (c >= 0x80 && c < 0xC0 && n == 0) {
                continue; /* stray continuation byte */
            }
            if ((c < '0' || c > '9') && c != '\'')
                alpha = 1;
            if (n < sizeof buf)
                buf[n++] = (char)c;
            else
                too_long = 1;
        }
        const char *w = buf;
        strip_clitics(&w, &n);
        /* Two letters say little; over the cap it is a token, not a word. */
        if (too_long || !alpha || n < 3 || n >= ES_SPIKE_WORD_MAX || (stop && es__spike_map_get(stop, w, n)))
            continue;
        int dup = 0;
        for (size_t i = 0; i < nw && !dup; i++)
            dup = strlen(words[i]) == n && memcmp(words[i], w, n) == 0;
        if (dup)
            continue;
        memcpy(words[nw], w, n);
        words[nw][n] = '\0';
        nw++;
    }
    return nw;
}

/* ---- vocabulary ---------------------------------------------------------- */

#define VOCAB_MAX 4096

void es__spike_vocab_init(es_spike_vocab_t *v)
{
    memset(v, 0, sizeof *v);
    v->scale = 1;
}

void es__spike_vocab_free(es_spike_vocab_t *v)
{
    es__spike_map_free(&v->w);
    es__spike_vocab_init(v);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Keeps the heavier half when the vocabulary is full: rare words of old
 * complaints go first. */
static void prune(es_spike_vocab_t *v)
{
    double *ws = malloc(v->w.count * sizeof *ws);
    if (!ws)
        return;
    size_t n = 0;
    for (uint32_t i = 0; i < v->w.cap; i++)
        if (v->w.keys[i])
            ws[n++] = v->w.vals[i];
    qsort(ws, n, sizeof *ws, cmp_desc);
    double cut = ws[n / 2];
    free(ws);
    es_spike_map_t keep = {0};
    for (uint32_t i = 0; i < v->w.cap; i++)
        if (v->w.keys[i] && v->w.vals[i] > cut)
            es__spike_map_add(&keep, v->w.keys[i], strlen(v->w.keys[i]), v->w.vals[i]);
    es__spike_map_free(&v->w);
    v->w = keep;
}

void es__spike_vocab_fold(es_spike_vocab_t *v, double keep, const es_spike_map_t *bucket, double docs)
{
    v->scale *= keep;
    v->docs = v->docs * keep + docs;
    if (v->scale < 1e-200) {
        for (uint32_t i = 0; i < v->w.cap; i++)
            v->w.vals[i] *= v->scale;
        v->scale = 1;
    }
    for (uint32_t i = 0; i < bucket->cap; i++)
        if (bucket->keys[i])
            es__spike_map_add(&v->w, bucket->keys[i], strlen(bucket->keys[i]), bucket->vals[i] / v->scale);
    if (v->w.count > VOCAB_MAX)
        prune(v);
}

typedef struct scored {
    const char *term;
    double count, lift, score;
} scored_t;

static int cmp_score(const void *a, const void *b)
{
    const scored_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->term, y->term);
}

double es__spike_vocab_share(const es_spike_vocab_t *v, const char *term)
{
    const double *w = es__spike_map_get(&v->w, term, strlen(term));
    return ((w ? *w * v->scale : 0) + 0.5) / (v->docs + 1);
}

json_t *es__spike_top_terms(const es_spike_vocab_t *v, const es_spike_map_t *bucket, double n_docs, int k)
{
    json_t *out = json_array();
    if (!out || k <= 0 || n_docs <= 0 || !bucket->count)
        return out;
    scored_t *s = malloc(bucket->count * sizeof *s);
    if (!s)
        return out;
    size_t n = 0;
    for (uint32_t i = 0; i < bucket->cap; i++) {
        const char *t = bucket->keys[i];
        if (!t)
            continue;
        double c = bucket->vals[i];
        if (c < 2 && n_docs >= 2)
            continue; /* one mention is an anecdote */
        /* A word the brand never saw counts as if it were in one complaint
         * in a hundred: new words rank by how many use them, not by an
         * unbounded ratio. */
        double base = es__spike_vocab_share(v, t);
        if (base < 0.01)
            base = 0.01;
        double lift = (c / n_docs) / base;
        if (lift <= 1.5)
            continue;
        s[n++] = (scored_t){t, c, lift, c * log(lift)};
    }
    qsort(s, n, sizeof *s, cmp_score);
    for (size_t i = 0; i < n && (int)i < k; i++)
        json_array_append_new(out, json_pack("{s:s,s:I,s:f}", "term", s[i].term, "count", (json_int_t)s[i].count, "lift",
                                             round(s[i].lift * 10) / 10));
    free(s);
    return out;
}

json_t *es__spike_vocab_to_json(const es_spike_vocab_t *v, size_t max_words)
{
    json_t *words = json_object();
    scored_t *s = malloc((v->w.count + 1) * sizeof *s);
    size_t n = 0;
    if (s) {
        for (uint32_t i = 0; i < v->w.cap; i++)
            if (v->w.keys[i])
                s[n].term = v->w.keys[i], s[n].score = v->w.vals[i] * v->scale, n++;
        qsort(s, n, sizeof *s, cmp_score);
        for (size_t i = 0; i < n && i < max_words; i++)
            json_object_set_new(words, s[i].term, json_real(s[i].score));
        free(s);
    }
    return json_pack("{s:f,s:o}", "docs", v->docs, "words", words);
}

void es__spike_vocab_from_json(es_spike_vocab_t *v, const json_t *o)
{
    es__spike_vocab_free(v);
    const json_t *d = json_object_get(o, "docs");
    if (json_is_number(d) && json_number_value(d) >= 0 && isfinite(json_number_value(d)))
        v->docs = json_number_value(d);
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)json_object_get(o, "words"), k, val)
    {
        double x = json_number_value(val);
        if (json_is_number(val) && x > 0 && isfinite(x) && strlen(k) < ES_SPIKE_WORD_MAX)
            es__spike_map_add(&v->w, k, strlen(k), x);
    }
}
