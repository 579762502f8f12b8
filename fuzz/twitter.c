/* Twitter/X exports (plugins/twitter/scan.c, tjson.c, tweet.c): sniffing,
 * the streaming element scanner fed in chunks with the buffer shifted
 * between reads as the plugin does, then every element parsed by the
 * plugin's JSON parser and mapped to mentions. The first byte sets the chunk
 * size and the element limit. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include <earshot/plugin.h>
#include "scan.h"
#include "tjson.h"
#include "tweet.h"
#include <earshot/text.h>

static void emit(void *arg, const es_mention_t *m)
{
    (void)arg;
    if (!m->id || !m->text || !m->network)
        abort();
}

static void problem(void *arg, const char *what, int dropped)
{
    (void)arg;
    (void)dropped;
    if (!what)
        abort();
}

/* As the plugin's handle_element: invalid UTF-8 is repaired first, and the
 * element parsed in place (here in a copy of its own, so ASan sees any
 * access outside it). */
static void map_element(const char *p, size_t n, const tw_opts_t *opts, tw_out_t *out)
{
    char *fixed = NULL;
    if (!es_utf8_is_valid(p, n)) {
        size_t bad = 0;
        if (!(fixed = es_utf8_sanitize(p, n, &bad)))
            return;
        p = fixed;
        n = strlen(fixed);
    }
    char *copy = malloc(n ? n : 1);
    if (copy) {
        memcpy(copy, p, n);
        tj_doc_t doc = {0};
        tj_t *v = tj_parse_insitu(&doc, copy, n);
        if (v)
            tw_map(v, opts, out);
        tj_free(&doc);
        free(copy);
    }
    free(fixed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 262144)
        return 0;
    size_t chunk = 1 + (data[0] & 0x3f) * 7;
    size_t max_elem = data[0] & 0x40 ? 64 : 1 << 20;
    int retweets = data[0] >> 7;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;

    char name[64];
    tw_format_t fmt = tw_sniff(in, n < 512 ? n : 512, name, sizeof name);
    if (fmt != TW_FMT_LINES)
        fmt = TW_FMT_ARRAY; /* a zip's entries are scanned as arrays */

    tw_opts_t opts = {.network = "twitter", .account = "acme", .account_name = "Acme",
                      .retweets = retweets};
    tw_out_t out = {.emit = emit, .problem = problem};
    tw_scan_t sc;
    tw_scan_init(&sc, fmt, max_elem, 0);
    char *buf = malloc(n + 1);
    if (!buf)
        abort();
    size_t fed = 0, len = 0;
    for (;;) {
        size_t k = n - fed < chunk ? n - fed : chunk;
        memcpy(buf + len, in + fed, k);
        len += k;
        fed += k;
        int eof = k == 0;
        size_t a, b;
        tw_scan_rc_t rc;
        while ((rc = tw_scan_next(&sc, buf, len, eof, &a, &b)) != TW_SCAN_MORE) {
            if (rc == TW_SCAN_END || rc == TW_SCAN_ERROR)
                goto done;
            if (rc != TW_SCAN_ELEM)
                continue;
            if (a > b || b > len)
                abort();
            map_element(buf + a, b - a, &opts, &out);
        }
        size_t d = tw_scan_droppable(&sc);
        if (d > len)
            abort();
        memmove(buf, buf + d, len - d);
        len -= d;
        tw_scan_shift(&sc, d);
        if (eof)
            break;
    }
done:
    tw_scan_truncated(&sc);
    free(buf);
    return 0;
}
