/*
 * `earshot score`: scores each argument, or each line of standard input,
 * and prints one JSON object per text. Meant for trying the lexicons, the
 * models and an admin file by hand and for shell pipelines; --explain shows
 * why the model chose a label.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scorer.h"

#ifndef ES_LEXICON_DIR
#define ES_LEXICON_DIR "/usr/local/share/earshot/lexicons"
#endif

#include "cmd.h"

static void es_score_usage(FILE *out)
{
    fputs("usage: earshot score [--lang xx] [--lexicons DIR] [--extra FILE] [--rules-only]\n"
          "                     [--explain] [TEXT...]\n"
          "\n"
          "Scores each TEXT, or each line of standard input when there is none, and\n"
          "prints one JSON object per text:\n"
          "  {\"compound\":..,\"pos\":..,\"neu\":..,\"neg\":..,\"label\":\"..\",\"lang\":\"..\",\n"
          "   \"prob\":..,\"rules_label\":\"..\"}\n"
          "The label and its probability come from the language's model; compound,\n"
          "the shares and rules_label from the lexicon rules.\n"
          "\n"
          "  --lang xx       en, fr, or another code (emoji only); default: detect\n"
          "  --lexicons DIR  lexicon and model directory (default: $EARSHOT_LEXICON_DIR,\n"
          "                  else " ES_LEXICON_DIR ")\n"
          "  --extra FILE    admin overrides, word<TAB>valence[<TAB>en|fr] per line\n"
          "  --rules-only    no models: the label comes from compound\n"
          "  --explain       add \"explain\": the features that weighed most for the label\n"
          "  -h, --help      this text\n",
          out);
}

static double es_round(double v, double k)
{
    return (double)(long long)(v * k + (v < 0 ? -0.5 : 0.5)) / k;
}

static int es_class_of(const char *label)
{
    return strcmp(label, "negative") == 0 ? 0 : strcmp(label, "neutral") == 0 ? 1 : 2;
}

/* The features ranked by how much they pushed the chosen label's logit
 * above the mean of the other two: that margin is what decided it. */
static int es__item_cmp(const void *a, const void *b)
{
    double x = ((const es_explain_item_t *)a)->value, y = ((const es_explain_item_t *)b)->value;
    return (fabs(y) > fabs(x)) - (fabs(y) < fabs(x));
}

enum { ES_EXPLAIN_SHOWN = 12 };

/* Feature names are token text: bytes the scorer read as Latin-1, or a
 * name cut inside a UTF-8 sequence, would make jansson refuse the whole
 * line. Such bytes become '?'. */
static void es_utf8_sanitise(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
        /* the second byte's range excludes overlong forms, surrogates and
         * code points past U+10FFFF, which jansson refuses too */
        unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        int okay = need >= 0 && (need == 0 || (p[1] >= lo && p[1] <= hi));
        for (int j = 2; okay && j <= need; j++)
            okay = (p[j] & 0xC0) == 0x80;
        if (!okay) {
            *p++ = '?';
            continue;
        }
        p += need + 1;
    }
}

static json_t *es_explain_json(es_explain_item_t *items, size_t n, const char *label)
{
    int c = es_class_of(label);
    /* value is reused as the sort key: the margin for the label */
    for (size_t i = 0; i < n; i++) {
        double other = 0;
        for (int k = 0; k < 3; k++)
            if (k != c)
                other += items[i].contrib[k] / 2;
        items[i].value = items[i].contrib[c] - other;
    }
    qsort(items, n, sizeof *items, es__item_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n && i < ES_EXPLAIN_SHOWN; i++) {
        es_utf8_sanitise(items[i].name);
        json_t *o = json_pack("{s:s,s:f,s:[f,f,f]}", "feature", items[i].name, "margin",
                              es_round(items[i].value, 1000), "weights",
                              es_round(items[i].contrib[0], 1000), es_round(items[i].contrib[1], 1000),
                              es_round(items[i].contrib[2], 1000));
        if (!o || json_array_append_new(arr, o) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static int es__score_print(const es_scorer_t *s, const char *text, size_t len, const char *lang,
                          int explain)
{
    es_sentiment_t r;
    es_sentiment_detail_t d;
    char used[8];
    es_explain_item_t *items = NULL;
    size_t n = 0;
    /* room for every feature: the bias, the dense ones, 3 per token */
    size_t cap = explain ? 1 + 32 + 3 * (len + 2) : 0;
    if (explain && !(items = malloc(cap * sizeof *items)))
        return ES_ENOMEM;
    int rc = es__scorer_explain(s, text, len, lang, &r, used, &d, items, cap, &n);
    if (rc < 0) {
        free(items);
        fprintf(stderr, "earshot score: %s\n", es_strerror(rc));
        return rc;
    }
    /* Rounded like VADER's reference output: more digits are noise. */
    json_t *o = json_pack("{s:f,s:f,s:f,s:f,s:s,s:s}", "compound", es_round(r.compound, 10000),
                          "pos", es_round(r.pos, 1000), "neu", es_round(r.neu, 1000), "neg",
                          es_round(r.neg, 1000), "label", r.label, "lang", used);
    if (o && d.model) {
        json_object_set_new(o, "prob", json_real(es_round(d.prob, 1000)));
        json_object_set_new(o, "rules_label", json_string(d.rules_label));
        if (d.floored)
            json_object_set_new(o, "neutral_floor", json_true());
    }
    if (o && explain) {
        json_t *ex = d.model ? es_explain_json(items, n, r.label) : json_string("no model for this language: rules label");
        if (!ex) {
            json_decref(o);
            o = NULL;
        } else {
            if (d.model)
                json_object_set_new(o, "probs", json_pack("{s:f,s:f,s:f}", "negative",
                                                          es_round(d.probs[0], 1000), "neutral",
                                                          es_round(d.probs[1], 1000), "positive",
                                                          es_round(d.probs[2], 1000)));
            json_object_set_new(o, "explain", ex);
        }
    }
    free(items);
    if (!o) {
        fprintf(stderr, "earshot score: cannot encode the result as JSON\n");
        return ES_ENOMEM;
    }
    char *js = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!js)
        return ES_ENOMEM;
    puts(js);
    free(js);
    return 0;
}

int es__cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"lexicons", required_argument, NULL, 'L'},
        {"extra", required_argument, NULL, 'e'},
        {"rules-only", no_argument, NULL, 'R'},
        {"explain", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rules_only = 0, explain = 0;
    const char *lang = NULL, *dir = getenv("EARSHOT_LEXICON_DIR"), *extra = NULL;
    if (!dir || !dir[0])
        dir = ES_LEXICON_DIR;
    optind = 1; /* the caller may have run getopt already */
    int c;
    while ((c = getopt_long(argc, argv, "+l:L:e:Rxh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            lang = optarg;
            break;
        case 'L':
            dir = optarg;
            break;
        case 'e':
            extra = optarg;
            break;
        case 'R':
            rules_only = 1;
            break;
        case 'x':
            explain = 1;
            break;
        case 'h':
            es_score_usage(stdout);
            return 0;
        default:
            es_score_usage(stderr);
            return 2;
        }
    }
    es_scorer_opts_t opts = {.lexicon_dir = dir, .extra_lexicon = extra,
                             .rules_only = rules_only};
    es_scorer_t *s = NULL;
    char err[1024];
    int rc = es__scorer_load(&s, &opts, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "earshot score: %s\n", err[0] ? err : es_strerror(rc));
        return 1;
    }
    int status = 0;
    if (optind < argc) {
        for (int i = optind; i < argc && status == 0; i++)
            status = es__score_print(s, argv[i], strlen(argv[i]), lang, explain) < 0;
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (status == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                n--;
            status = es__score_print(s, line, (size_t)n, lang, explain) < 0;
        }
        free(line);
    }
    if (fflush(stdout) != 0)
        status = 1;
    es__scorer_free(s);
    return status;
}
