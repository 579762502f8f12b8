/*
 * Element boundaries in tweet files; see scan.h. Only brackets, braces and
 * string quotes matter: everything else is the JSON reader's business once
 * the element has been cut out.
 */
#include <stdio.h>
#include <string.h>

#include "scan.h"

enum {
    PH_PREFIX,  /* before the array's '[' */
    PH_BETWEEN, /* between elements: white space, ',' or ']' */
    PH_ELEM,    /* inside an array element */
    PH_AFTER,   /* after the closing ']' */
    PH_TRAIL,   /* garbage after the array was reported; ignore the rest */
    PH_LINE,    /* JSON lines: inside a line */
};

/* The assignment in front of an archive array is short; anything longer is
 * not an archive file. */
#define MAX_PREFIX 4096

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

tw_format_t tw_sniff(const char *p, size_t n, char *name, size_t cap)
{
    if (name && cap)
        name[0] = '\0';
    if (n >= 4 && memcmp(p, "PK\003\004", 4) == 0)
        return TW_FMT_ZIP;
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && is_ws((unsigned char)p[i]))
        i++;
    if (i == n)
        return TW_FMT_UNKNOWN;
    if (p[i] == '[')
        return TW_FMT_ARRAY;
    if (p[i] == '{')
        return TW_FMT_LINES;
    /* Archives from before 2019 ("Grailbird"): data/js/tweets/2015_01.js
     * holds "Grailbird.data.tweets_2015_01 = [ <v1.1 statuses> ]". */
    static const char grail[] = "Grailbird.data.tweets_";
    if (n - i >= sizeof grail - 1 && memcmp(p + i, grail, sizeof grail - 1) == 0) {
        if (name && cap)
            snprintf(name, cap, "tweets");
        return TW_FMT_ARRAY;
    }
    static const char ytd[] = "window.YTD.";
    size_t yl = sizeof ytd - 1;
    if (n - i < yl || memcmp(p + i, ytd, yl) != 0)
        return TW_FMT_UNKNOWN;
    /* window.YTD.<name>.part<N> = [ */
    const char *nm = p + i + yl, *endp = p + n;
    const char *dot = memchr(nm, '.', (size_t)(endp - nm));
    if (!dot)
        return TW_FMT_UNKNOWN;
    if (name && cap) {
        size_t l = (size_t)(dot - nm);
        if (l >= cap)
            l = cap - 1;
        memcpy(name, nm, l);
        name[l] = '\0';
    }
    return TW_FMT_ARRAY;
}

void tw_scan_init(tw_scan_t *sc, tw_format_t fmt, size_t max_elem, int resume)
{
    memset(sc, 0, sizeof *sc);
    sc->fmt = fmt;
    sc->max_elem = max_elem ? max_elem : (size_t)1 << 20;
    if (fmt == TW_FMT_LINES)
        sc->phase = PH_LINE;
    else
        sc->phase = resume ? PH_BETWEEN : PH_PREFIX;
}

static tw_scan_rc_t error(tw_scan_t *sc, const char *what)
{
    sc->error = what;
    return TW_SCAN_ERROR;
}

/* An archive element starts with {"tweet" : ...; seeing that inside an
 * element means the element before it lost a closing brace. Nothing else in
 * an archive element has a "tweet" key. 1 yes, 0 no, -1 when the bytes at
 * hand end before it can tell. */
static int starts_tweet(const char *p, const char *e)
{
    static const char key[] = "\"tweet\"";
    p++; /* the '{' */
    while (p < e && is_ws((unsigned char)*p))
        p++;
    for (size_t i = 0; i < sizeof key - 1; i++, p++) {
        if (p == e)
            return -1;
        if (*p != key[i])
            return 0;
    }
    while (p < e && is_ws((unsigned char)*p))
        p++;
    if (p == e)
        return -1;
    return *p == ':';
}

/* The element [elem_start, pos) is complete. */
static tw_scan_rc_t element(tw_scan_t *sc, size_t *start, size_t *end)
{
    *start = sc->elem_start;
    *end = sc->pos;
    sc->elem_start = sc->pos;
    if (sc->discard) {
        sc->discard = 0;
        return TW_SCAN_SKIPPED;
    }
    return TW_SCAN_ELEM;
}

static tw_scan_rc_t next_line(tw_scan_t *sc, const char *buf, size_t len, int eof,
                              size_t *start, size_t *end)
{
    const char *nl = memchr(buf + sc->pos, '\n', len - sc->pos);
    if (nl) {
        sc->pos = (size_t)(nl - buf);
        tw_scan_rc_t rc = element(sc, start, end);
        sc->pos++;
        sc->elem_start = sc->pos;
        return rc;
    }
    sc->pos = len;
    if (eof && len > sc->elem_start)
        return element(sc, start, end);
    if (!sc->discard && len - sc->elem_start > sc->max_elem) {
        sc->discard = 1;
        return error(sc, "line longer than max_element; skipped");
    }
    return TW_SCAN_MORE;
}

tw_scan_rc_t tw_scan_next(tw_scan_t *sc, const char *buf, size_t len, int eof,
                          size_t *start, size_t *end)
{
    if (sc->phase == PH_LINE)
        return next_line(sc, buf, len, eof, start, end);
    int st;
    while (sc->pos < len) {
        unsigned char c = (unsigned char)buf[sc->pos];
        switch (sc->phase) {
        case PH_PREFIX:
            sc->pos++;
            if (c == '[')
                sc->phase = PH_BETWEEN;
            else if (sc->pos > MAX_PREFIX) {
                sc->phase = PH_TRAIL;
                return error(sc, "no '[' at the start of the file");
            }
            break;
        case PH_BETWEEN:
            if (is_ws(c) || c == ',') {
                sc->pos++;
            } else if (c == ']') {
                sc->pos++;
                sc->phase = PH_AFTER;
                return TW_SCAN_END;
            } else if (c == '}') {
                /* A stray closer: consume it, or it would start an empty
                 * element forever. */
                sc->elem_start = ++sc->pos;
                return error(sc, "unexpected '}' between elements ignored");
            } else {
                sc->phase = PH_ELEM;
                sc->elem_start = sc->pos;
                sc->depth = sc->in_str = sc->esc = 0;
            }
            break;
        case PH_ELEM:
            if (sc->in_str) {
                /* Strings are the bulk of a tweet: skip to the next byte
                 * that can matter. */
                const char *q = buf + sc->pos, *e = buf + len;
                if (sc->esc) {
                    sc->esc = 0;
                    q++;
                }
                while (q < e && *q != '"' && *q != '\\')
                    q++;
                if (q == e) {
                    sc->pos = len;
                    break;
                }
                if (*q == '\\')
                    sc->esc = 1;
                else
                    sc->in_str = 0;
                sc->pos = (size_t)(q - buf) + 1;
                if (sc->esc && sc->pos < len) {
                    sc->esc = 0;
                    sc->pos++;
                }
                break;
            }
            if (c == '"') {
                sc->in_str = 1;
            } else if (c == '{' && sc->depth > 0 &&
                       (st = starts_tweet(buf + sc->pos, buf + len)) != 0) {
                if (st < 0) {
                    if (!eof && len - sc->pos < 4096)
                        return TW_SCAN_MORE; /* decide with more bytes */
                    sc->depth++; /* white space run or end of input: no */
                    sc->pos++;
                    break;
                }
                /* Cut the unclosed element here; scanning restarts at this
                 * '{' as a new element. */
                int was_discarding = sc->discard;
                *start = sc->elem_start;
                *end = sc->pos;
                sc->elem_start = sc->pos;
                sc->depth = sc->in_str = sc->esc = sc->discard = 0;
                if (was_discarding)
                    return TW_SCAN_SKIPPED; /* reported when it grew too long */
                sc->error = "element not closed before the next {\"tweet\"; skipped";
                return TW_SCAN_BROKEN;
            } else if (c == '{' || c == '[') {
                sc->depth++;
            } else if (c == '}' || c == ']') {
                if (sc->depth == 0) { /* "]" right after a bare value */
                    sc->phase = PH_BETWEEN;
                    return element(sc, start, end);
                }
                if (--sc->depth == 0) {
                    sc->pos++;
                    sc->phase = PH_BETWEEN;
                    return element(sc, start, end);
                }
            } else if (c == ',' && sc->depth == 0) {
                sc->phase = PH_BETWEEN;
                return element(sc, start, end);
            }
            sc->pos++;
            break;
        case PH_AFTER:
            sc->pos++;
            if (!is_ws(c) && c != ';') {
                sc->phase = PH_TRAIL;
                return error(sc, "data after the closing ']' ignored");
            }
            break;
        default: /* PH_TRAIL */
            sc->pos = len;
            break;
        }
    }
    if (sc->phase == PH_ELEM && !sc->discard && sc->pos - sc->elem_start > sc->max_elem) {
        sc->discard = 1;
        return error(sc, "element longer than max_element; skipped");
    }
    return TW_SCAN_MORE;
}

size_t tw_scan_droppable(const tw_scan_t *sc)
{
    if ((sc->phase == PH_ELEM || sc->phase == PH_LINE) && !sc->discard)
        return sc->elem_start;
    return sc->pos;
}

void tw_scan_shift(tw_scan_t *sc, size_t k)
{
    sc->pos -= k;
    sc->elem_start = sc->elem_start >= k ? sc->elem_start - k : 0;
}

int tw_scan_resumable(const tw_scan_t *sc)
{
    if (sc->discard)
        return 0;
    if (sc->phase == PH_LINE)
        return 1;
    /* After the ']' a resumed scan would take the trailing ';' for an
     * element: the file is finished there anyway. */
    return sc->phase == PH_BETWEEN || sc->phase == PH_ELEM;
}

int tw_scan_truncated(const tw_scan_t *sc)
{
    if (sc->phase == PH_LINE)
        return 0;
    return sc->phase == PH_PREFIX || sc->phase == PH_BETWEEN || sc->phase == PH_ELEM;
}

int tw_var_holds_tweets(const char *name)
{
    return strcmp(name, "tweets") == 0 || strcmp(name, "tweet") == 0 || strcmp(name, "community_tweet") == 0;
}
