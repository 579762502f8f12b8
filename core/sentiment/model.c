/*
 * Model files of the learned layer: reading and checking them. The format
 * is text so that a model can be diffed and its header read with `head`;
 * docs/sentiment.md describes it. A file that is not exactly what this
 * code expects is refused with the file and line named: a half-read model
 * would label silently wrong, which is worse than not starting.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <earshot/file.h>
#include "internal.h"

#define ES_MODEL_MAGIC "earshot-sentiment-model"

static int es__model_err(char *err, size_t errlen, int rc, const char *path, size_t line,
                        const char *fmt, ...)
{
    if (err && errlen) {
        int n = line ? snprintf(err, errlen, "%s:%zu: ", path, line)
                     : snprintf(err, errlen, "%s: ", path);
        if (n >= 0 && (size_t)n < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return rc;
}

/* Parses up to n floats after a keyword; 0 when exactly n finite ones. */
static int es_parse_floats(const char *p, float *out, int n)
{
    for (int i = 0; i < n; i++) {
        char *e;
        errno = 0;
        double v = strtod(p, &e);
        if (e == p || errno || !isfinite(v) || fabs(v) > 1e6)
            return -1;
        out[i] = (float)v;
        p = e;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    return *p ? -1 : 0;
}

static int es_parse_weights(const char *p, uint32_t *bucket, int8_t q[3])
{
    char *e;
    errno = 0;
    unsigned long b = strtoul(p, &e, 10);
    if (e == p || errno || b > UINT32_MAX)
        return -1;
    *bucket = (uint32_t)b;
    p = e;
    for (int i = 0; i < 3; i++) {
        long v = strtol(p, &e, 10);
        if (e == p || v < -127 || v > 127)
            return -1;
        q[i] = (int8_t)v;
        p = e;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    return *p ? -1 : 0;
}

static const char *es__after(const char *line, const char *kw)
{
    size_t n = strlen(kw);
    if (strncmp(line, kw, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
        return NULL;
    return line + n + 1;
}

int es__model_load(es_model_t **out, const char *path, const char *lang, char *err, size_t errlen)
{
    *out = NULL;
    char oerr[256];
    int fd = es_file_open_regular(path, NULL, oerr, sizeof oerr); /* never block on a FIFO */
    FILE *f = NULL;
    if (fd >= 0 && !(f = fdopen(fd, "r"))) {
        snprintf(oerr, sizeof oerr, "%s", strerror(errno));
        close(fd);
        fd = ES_EIO;
    }
    if (!f)
        return es__model_err(err, errlen, fd == ES_ENOENT ? ES_ENOENT : ES_EIO, path, 0,
                            "cannot open sentiment model: %s (run without a model: "
                            "rules_only / --rules-only)", oerr);
    es_model_t *m = calloc(1, sizeof *m);
    if (!m) {
        fclose(f);
        return ES_ENOMEM;
    }
    m->temp = 1;
    char line[512];
    size_t ln = 0, ndense = 0;
    int rc = 0, have_bias = 0, have_scale = 0, ended = 0, have_lang = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        ln++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "line too long");
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (ln == 1) {
            const char *v = es__after(line, ES_MODEL_MAGIC);
            if (!v) {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "not an earshot sentiment model (first line must be \""
                                  ES_MODEL_MAGIC " %d\")", ES_MODEL_FORMAT);
                break;
            }
            char *e;
            long ver = strtol(v, &e, 10);
            if (e == v || *e || ver != ES_MODEL_FORMAT)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "model format version \"%s\"; this earshot reads version %d "
                                  "(rebuild it with contrib/sentiment-model/train.sh)",
                                  v, ES_MODEL_FORMAT);
            continue;
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (ended) {
            rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "text after \"end\"");
            break;
        }
        const char *v;
        if (line[0] == 'w' && (v = es__after(line, "w"))) {
            uint32_t b;
            int8_t q[3];
            if (!m->w) {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "weights before \"bits\"");
            } else if (es_parse_weights(v, &b, q) < 0) {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "expected \"w BUCKET N N N\" with N within -127..127");
            } else if (b >> m->bits) {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "bucket %u out of range",
                                  (unsigned)b);
            } else {
                memcpy(m->w[b], q, 3);
            }
        } else if ((v = es__after(line, "lang"))) {
            if (strcmp(v, lang) != 0)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "model for language \"%s\", expected \"%s\"", v, lang);
            have_lang = 1;
        } else if ((v = es__after(line, "bits"))) {
            char *e;
            long b = strtol(v, &e, 10);
            if (e == v || *e || b < 8 || b > ES_MODEL_MAX_BITS || m->w) {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "bits must be given once, within 8..%d", ES_MODEL_MAX_BITS);
            } else {
                m->bits = (uint32_t)b;
                m->w = calloc((size_t)1 << b, sizeof *m->w);
                if (!m->w)
                    rc = ES_ENOMEM;
            }
        } else if ((v = es__after(line, "scale"))) {
            if (es_parse_floats(v, &m->scale, 1) < 0 || m->scale <= 0)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "bad scale");
            have_scale = 1;
        } else if ((v = es__after(line, "temperature"))) {
            if (es_parse_floats(v, &m->temp, 1) < 0 || m->temp <= 0.01f)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "bad temperature");
        } else if ((v = es__after(line, "neutral_floor"))) {
            if (es_parse_floats(v, &m->neutral_floor, 1) < 0 || m->neutral_floor < 0 ||
                m->neutral_floor >= 1)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "neutral_floor must be within 0..1");
        } else if ((v = es__after(line, "classes"))) {
            if (strcmp(v, "negative neutral positive") != 0)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "classes must be \"negative neutral positive\"");
        } else if ((v = es__after(line, "bias"))) {
            if (es_parse_floats(v, m->bias, ES_NCLS) < 0)
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "expected 3 biases");
            have_bias = 1;
        } else if ((v = es__after(line, "dense"))) {
            /* The features are named in the file, in the code's order, so a
             * model from another feature set cannot be read as this one. */
            const char *name = ndense < ES_NDENSE ? es__dense_names[ndense] : NULL;
            size_t nl = name ? strlen(name) : 0;
            if (!name || strncmp(v, name, nl) != 0 || v[nl] != ' ') {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln,
                                  "dense feature %zu must be \"%s\"", ndense + 1,
                                  name ? name : "(none: too many)");
            } else if (es_parse_floats(v + nl + 1, m->dense[ndense], ES_NCLS) < 0) {
                rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "expected 3 weights");
            } else {
                ndense++;
            }
        } else if (strcmp(line, "end") == 0) {
            ended = 1;
        } else {
            rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "unknown line");
        }
    }
    if (rc == 0 && ferror(f))
        rc = es__model_err(err, errlen, ES_EIO, path, 0, "read error");
    else if (rc == 0 && ln == 0)
        rc = es__model_err(err, errlen, ES_EPARSE, path, 0, "empty sentiment model file");
    else if (rc == 0 && !ended)
        rc = es__model_err(err, errlen, ES_EPARSE, path, ln, "truncated: no \"end\" line");
    else if (rc == 0 && (!m->w || !have_scale || !have_bias || !have_lang || ndense != ES_NDENSE))
        rc = es__model_err(err, errlen, ES_EPARSE, path, 0,
                          "incomplete: needs lang, bits, scale, bias and %d dense lines",
                          ES_NDENSE);
    fclose(f);
    if (rc < 0) {
        if (rc == ES_ENOMEM && err && errlen)
            snprintf(err, errlen, "%s: out of memory loading sentiment model", path);
        es__model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void es__model_free(es_model_t *m)
{
    if (!m)
        return;
    free(m->w);
    free(m);
}

size_t es__model_memory(const es_model_t *m)
{
    return m ? sizeof *m + ((size_t)1 << m->bits) * sizeof *m->w : 0;
}
