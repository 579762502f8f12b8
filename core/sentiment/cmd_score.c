/*
 * `earshot score`: scores each argument, or each line of standard input,
 * and prints one JSON object per text. Meant for trying the lexicons and an
 * admin file by hand and for shell pipelines.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scorer.h"

#ifndef ES_LEXICON_DIR
#define ES_LEXICON_DIR "/usr/local/share/earshot/lexicons"
#endif

#include "../cmd.h"

static void es_score_usage(FILE *out)
{
    fputs("usage: earshot score [--lang xx] [--lexicons DIR] [--extra FILE] [TEXT...]\n"
          "\n"
          "Scores each TEXT, or each line of standard input when there is none, and\n"
          "prints one JSON object per text:\n"
          "  {\"compound\":..,\"pos\":..,\"neu\":..,\"neg\":..,\"label\":\"..\",\"lang\":\"..\"}\n"
          "\n"
          "  --lang xx       en, fr, or another code (emoji only); default: detect\n"
          "  --lexicons DIR  lexicon directory (default: $EARSHOT_LEXICON_DIR, else\n"
          "                  " ES_LEXICON_DIR ")\n"
          "  --extra FILE    admin overrides, word<TAB>valence[<TAB>en|fr] per line\n"
          "  -h, --help      this text\n",
          out);
}

static int es_score_print(const es_scorer_t *s, const char *text, size_t len, const char *lang)
{
    es_sentiment_t r;
    char used[8];
    int rc = es_scorer_score(s, text, len, lang, &r, used);
    if (rc < 0) {
        fprintf(stderr, "earshot score: %s\n", es_strerror(rc));
        return rc;
    }
    /* Rounded like VADER's reference output: more digits are noise. */
    json_t *o = json_pack("{s:f,s:f,s:f,s:f,s:s,s:s}", "compound",
                          (double)(long long)(r.compound * 10000 + (r.compound < 0 ? -0.5 : 0.5)) / 10000,
                          "pos", (double)(long long)(r.pos * 1000 + 0.5) / 1000,
                          "neu", (double)(long long)(r.neu * 1000 + 0.5) / 1000,
                          "neg", (double)(long long)(r.neg * 1000 + 0.5) / 1000,
                          "label", r.label, "lang", used);
    if (!o)
        return ES_ENOMEM;
    char *js = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!js)
        return ES_ENOMEM;
    puts(js);
    free(js);
    return 0;
}

int es_cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"lexicons", required_argument, NULL, 'L'},
        {"extra", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang = NULL, *dir = getenv("EARSHOT_LEXICON_DIR"), *extra = NULL;
    if (!dir || !dir[0])
        dir = ES_LEXICON_DIR;
    optind = 1; /* the caller may have run getopt already */
    int c;
    while ((c = getopt_long(argc, argv, "+l:L:e:h", longopts, NULL)) != -1) {
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
        case 'h':
            es_score_usage(stdout);
            return 0;
        default:
            es_score_usage(stderr);
            return 2;
        }
    }
    es_scorer_opts_t opts = {.lexicon_dir = dir, .extra_lexicon = extra};
    es_scorer_t *s = NULL;
    char err[1024];
    int rc = es_scorer_load(&s, &opts, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "earshot score: %s\n", err[0] ? err : es_strerror(rc));
        return 1;
    }
    int status = 0;
    if (optind < argc) {
        for (int i = optind; i < argc && status == 0; i++)
            status = es_score_print(s, argv[i], strlen(argv[i]), lang) < 0;
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (status == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                n--;
            status = es_score_print(s, line, (size_t)n, lang) < 0;
        }
        free(line);
    }
    if (fflush(stdout) != 0)
        status = 1;
    es_scorer_free(s);
    return status;
}
