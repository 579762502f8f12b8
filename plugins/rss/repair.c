#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "repair.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include <earshot/plugin.h>
#include <earshot/strbuf.h>
#include <earshot/text.h>

static void rb_put_cp(es_strbuf_t *b, unsigned long cp)
{
    char u[4];
    es_strbuf_put(b, u, es_utf8_put(u, (uint32_t)cp));
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

typedef enum { ENC_UTF8, ENC_LATIN, ENC_OTHER } es_enc_class_t;

/* The encoding named in the XML declaration, copied into name. */
static void declared_encoding(const char *s, size_t len, char *name, size_t cap)
{
    name[0] = '\0';
    if (len < 6 || strncmp(s, "<?xml", 5) != 0)
        return;
    size_t lim = len < 512 ? len : 512;
    const char *end = memmem(s, lim, "?>", 2);
    if (!end)
        return;
    const char *e = memmem(s, (size_t)(end - s), "encoding", 8);
    if (!e)
        return;
    e += 8;
    while (e < end && (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n'))
        e++;
    if (e >= end || *e++ != '=')
        return;
    while (e < end && (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n'))
        e++;
    if (e >= end || (*e != '"' && *e != '\''))
        return;
    char q = *e++;
    size_t i = 0;
    while (e < end && *e != q && i + 1 < cap)
        name[i++] = *e++;
    name[i] = '\0';
}

static es_enc_class_t classify(const char *name)
{
    static const char *const utf8[] = {"", "utf-8", "utf8", NULL};
    /* Encodings whose bytes Windows-1252 decodes the same way (or as a
     * superset): we can transcode those ourselves and tolerate lies. */
    static const char *const latin[] = {
        "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1",
        "us-ascii", "ascii", "windows-1252", "cp1252", "win-1252", NULL,
    };
    for (int i = 0; utf8[i]; i++)
        if (strcasecmp(name, utf8[i]) == 0)
            return ENC_UTF8;
    for (int i = 0; latin[i]; i++)
        if (strcasecmp(name, latin[i]) == 0)
            return ENC_LATIN;
    return ENC_OTHER;
}

/* Transcodes into UTF-8: valid UTF-8 sequences kept, every other byte read
 * as Windows-1252, the usual culprit behind a broken "UTF-8" feed. Returns
 * how many bytes were reinterpreted; *first_line gets the first one's line. */
static size_t to_utf8(es_strbuf_t *b, const char *s, size_t len, int all_latin,
                      long *first_line)
{
    size_t fixed = 0;
    long line = 1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            line++;
        size_t n = all_latin ? (c < 0x80) : utf8_seq((const unsigned char *)s + i, len - i);
        if (n > 0) {
            size_t j = i + n;
            /* Copy a run of valid bytes at once. */
            while (j < len) {
                unsigned char d = (unsigned char)s[j];
                size_t m = all_latin ? (d < 0x80) : utf8_seq((const unsigned char *)s + j, len - j);
                if (m == 0)
                    break;
                if (d == '\n')
                    line++;
                j += m;
            }
            es_strbuf_put(b, s + i, j - i);
            i = j;
            continue;
        }
        if (!fixed++)
            *first_line = line;
        rb_put_cp(b, es_cp1252_char(c));
        i++;
    }
    return fixed;
}

static int is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static int is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

typedef struct {
    size_t bare_amps, html_entities, controls, voids;
    long amp_line, ctl_line, void_line;
} es_fixstats_t;

/* An HTML void element written the HTML way ("<br>", "<img src=x>") inside
 * unescaped HTML swallows the rest of the document in XML: everything after
 * it nests inside. Returns the length of such a tag at s[i] (up to and
 * excluding its '>'), 0 if it is anything else. */
static size_t html_void_tag(const char *s, size_t len, size_t i)
{
    static const char *const voids[] = {"br", "hr", "img", NULL};
    for (int v = 0; voids[v]; v++) {
        size_t n = strlen(voids[v]);
        if (len - i < n + 2 || strncasecmp(s + i + 1, voids[v], n) != 0)
            continue;
        char after = s[i + 1 + n];
        if (after != '>' && after != ' ' && after != '\t' && after != '/')
            continue;
        size_t k = i + 1 + n;
        char quote = 0;
        while (k < len && (quote || s[k] != '>')) {
            if (s[k] == '\n')
                return 0; /* keep line numbers simple: single-line tags only */
            if (quote && s[k] == quote)
                quote = 0;
            else if (!quote && (s[k] == '"' || s[k] == '\''))
                quote = s[k];
            k++;
        }
        if (k >= len || s[k - 1] == '/')
            return 0;
        /* "<br></br>" is well-formed XHTML; leave it. */
        if (len - (k + 1) >= n + 3 && s[k + 1] == '<' && s[k + 2] == '/' &&
            strncasecmp(s + k + 3, voids[v], n) == 0)
            return 0;
        return k - i;
    }
    return 0;
}

/* Rewrites one '&' at s[i]; returns bytes consumed from s. */
static size_t fix_amp(es_strbuf_t *b, const char *s, size_t len, size_t i, long line,
                      es_fixstats_t *st)
{
    size_t j = i + 1;
    if (j < len && s[j] == '#') {
        size_t k = j + 1;
        int hex = k < len && (s[k] == 'x' || s[k] == 'X');
        if (hex)
            k++;
        size_t start = k;
        while (k < len && ((s[k] >= '0' && s[k] <= '9') ||
                           (hex && ((s[k] >= 'a' && s[k] <= 'f') || (s[k] >= 'A' && s[k] <= 'F')))))
            k++;
        if (k > start && k < len && s[k] == ';') {
            es_strbuf_put(b, s + i, k + 1 - i);
            return k + 1 - i;
        }
    } else if (j < len && is_name_start((unsigned char)s[j])) {
        size_t k = j + 1;
        while (k < len && k - j < 64 && is_name_char((unsigned char)s[k]))
            k++;
        if (k < len && s[k] == ';') {
            size_t nlen = k - j;
            char name[65];
            memcpy(name, s + j, nlen);
            name[nlen] = '\0';
            static const char *const xml_predef[] = {"amp", "lt", "gt", "quot", "apos", NULL};
            for (int p = 0; xml_predef[p]; p++) {
                if (strcmp(name, xml_predef[p]) == 0) {
                    es_strbuf_put(b, s + i, k + 1 - i);
                    return k + 1 - i;
                }
            }
            /* HTML's names are undefined in XML and recovery drops them;
             * as numeric references they survive. Any other name may be
             * declared in the DTD and is left for libxml2 to judge. */
            const htmlEntityDesc *e = htmlEntityLookup(BAD_CAST name);
            if (e) {
                char ref[16];
                int n = snprintf(ref, sizeof ref, "&#%u;", e->value);
                es_strbuf_put(b, ref, (size_t)n);
                st->html_entities++;
                return k + 1 - i;
            }
            es_strbuf_put(b, s + i, k + 1 - i);
            return k + 1 - i;
        }
    }
    if (!st->bare_amps++)
        st->amp_line = line;
    es_strbuf_put(b, "&amp;", 5);
    return 1;
}

/* Escapes bare '&', turns HTML entity names into numeric references and
 * control characters into spaces, outside CDATA sections, comments,
 * processing instructions and the DOCTYPE (whose entity values are libxml2's
 * business). */
static void fix_markup(es_strbuf_t *b, const char *s, size_t len, es_fixstats_t *st)
{
    long line = 1;
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '<') {
            const char *close = NULL;
            size_t skip = 0;
            if (len - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
                close = memmem(s + i + 9, len - i - 9, "]]>", 3);
                skip = 3;
            } else if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
                close = memmem(s + i + 4, len - i - 4, "-->", 3);
                skip = 3;
            } else if (len - i >= 2 && s[i + 1] == '?') {
                close = memmem(s + i + 2, len - i - 2, "?>", 2);
                skip = 2;
            } else if (len - i >= 9 && strncasecmp(s + i, "<!DOCTYPE", 9) == 0) {
                const char *gt = memchr(s + i, '>', len - i);
                const char *br = memchr(s + i, '[', len - i);
                if (br && (!gt || br < gt)) {
                    close = memmem(br, len - (size_t)(br - s), "]", 1);
                    if (close)
                        close = memchr(close, '>', len - (size_t)(close - s));
                } else {
                    close = gt;
                }
                skip = 1;
            }
            size_t vt = skip ? 0 : html_void_tag(s, len, i);
            if (vt) {
                if (!st->voids++)
                    st->void_line = line;
                es_strbuf_put(b, s + i, vt);
                es_strbuf_put(b, "/>", 2);
                i += vt + 1;
                continue;
            }
            if (skip) {
                size_t end = close ? (size_t)(close - s) + skip : len;
                for (size_t k = i; k < end; k++)
                    if (s[k] == '\n')
                        line++;
                es_strbuf_put(b, s + i, end - i);
                i = end;
                continue;
            }
        }
        if (c == '&') {
            i += fix_amp(b, s, len, i, line, st);
            continue;
        }
        if (c == '\n')
            line++;
        if ((unsigned char)c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            if (!st->controls++)
                st->ctl_line = line;
            es_strbuf_put(b, " ", 1);
            i++;
            continue;
        }
        /* Copy plain runs in one go. */
        size_t j = i + 1;
        while (j < len && s[j] != '<' && s[j] != '&' && s[j] != '\n' &&
               ((unsigned char)s[j] >= 0x20 || s[j] == '\r' || s[j] == '\t'))
            j++;
        es_strbuf_put(b, s + i, j - i);
        i = j;
    }
}

static int repair_body(const char *body, size_t len, int from32, es_feed_repaired_t *out,
                       es_feed_report_cb report, void *arg)
{
    const unsigned char *u = (const unsigned char *)body;

    /* UTF-16/32 (a BOM or NULs up front): not ASCII-compatible, so none of
     * the byte-level repairs apply; libxml2 decodes it. */
    int wide = !from32 && ((len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE))) ||
                           (len >= 4 && (!u[0] || !u[1] || !u[2] || !u[3])));
    if (wide) {
        out->buf = malloc(len + 1);
        if (!out->buf)
            return ES_ENOMEM;
        memcpy(out->buf, body, len);
        out->buf[len] = '\0';
        out->len = len;
        return 0;
    }

    /* A BOM or blank lines before "<?xml" make libxml2 reject the
     * declaration, and with it the encoding. */
    size_t start = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        start = 3;
    while (start < len && (u[start] == ' ' || u[start] == '\t' || u[start] == '\r' || u[start] == '\n')) {
        if (u[start] == '\n')
            out->line_offset++;
        start++;
    }
    const char *s = body + start;
    len -= start;

    char enc[64];
    declared_encoding(s, len, enc, sizeof enc);
    es_enc_class_t cls = from32 ? ENC_UTF8 : classify(enc);
    if (from32)
        enc[0] = '\0';

    es_strbuf_t tmp = {0};
    const char *utf8 = s;
    size_t utf8_len = len;
    if (cls != ENC_OTHER) {
        long bad_line = 0;
        size_t bad;
        if (cls == ENC_LATIN) {
            /* Valid UTF-8 with non-ASCII bytes is almost never genuine
             * Latin-1: trust the bytes over the declaration. */
            int has_high = 0, valid = 1;
            for (size_t i = 0; i < len;) {
                size_t n = utf8_seq(u + start + i, len - i);
                if (!n) {
                    valid = 0;
                    break;
                }
                has_high |= n > 1;
                i += n;
            }
            if (valid && has_high)
                report(arg, 1, "declared encoding %s but the content is UTF-8; read as UTF-8", enc);
            bad = to_utf8(&tmp, s, len, !valid, &bad_line);
        } else {
            /* Without a declaration, bytes that are not UTF-8 usually mean
             * the whole document is Latin-1 (or Windows-1252), and then
             * its rare valid-looking pairs ("Ã©" is C3 A9) are Latin-1
             * too: read byte sequence by sequence they would decode as
             * the wrong characters. Decide for the document: more
             * invalid bytes than valid multi-byte sequences is Latin-1.
             * A declared "UTF-8" with a stray byte stays UTF-8. */
            int all_latin = 0;
            if (!enc[0]) {
                size_t invalid = 0, multi = 0;
                for (size_t i = 0; i < len;) {
                    size_t n = utf8_seq(u + start + i, len - i);
                    if (!n) {
                        invalid++;
                        i++;
                        continue;
                    }
                    multi += n > 1;
                    i += n;
                }
                all_latin = invalid > 0 && invalid >= multi;
                if (all_latin)
                    report(arg, 1, "no encoding declared and %zu byte%s not UTF-8: the document is read as Windows-1252",
                           invalid, invalid == 1 ? "" : "s");
            }
            bad = to_utf8(&tmp, s, len, all_latin, &bad_line);
            if (all_latin)
                bad = 0;
            if (bad)
                report(arg, bad_line + out->line_offset,
                       "%zu byte%s of invalid UTF-8 (first on this line), read as Windows-1252",
                       bad, bad == 1 ? "" : "s");
        }
        if (tmp.oom) {
            free(tmp.s);
            return ES_ENOMEM;
        }
        utf8 = tmp.s ? tmp.s : "";
        utf8_len = tmp.len;
        out->force_utf8 = 1;
    }

    es_strbuf_t fixed = {0};
    if (cls != ENC_OTHER) {
        es_fixstats_t st = {0};
        fix_markup(&fixed, utf8, utf8_len, &st);
        if (st.bare_amps)
            report(arg, st.amp_line + out->line_offset,
                   "%zu unescaped '&' (first on this line), read as text", st.bare_amps);
        if (st.voids)
            report(arg, st.void_line + out->line_offset,
                   "%zu unclosed HTML <br>/<hr>/<img> (first on this line), closed",
                   st.voids);
        if (st.controls)
            report(arg, st.ctl_line + out->line_offset,
                   "%zu control character%s (first on this line), read as spaces",
                   st.controls, st.controls == 1 ? "" : "s");
    } else {
        es_strbuf_put(&fixed, utf8, utf8_len);
    }
    free(tmp.s);
    if (fixed.oom) {
        free(fixed.s);
        return ES_ENOMEM;
    }
    if (!fixed.s) {
        fixed.s = strdup("");
        if (!fixed.s)
            return ES_ENOMEM;
    }
    out->buf = fixed.s;
    out->len = fixed.len;
    return 0;
}

int es_feed_repair(const char *body, size_t len, es_feed_repaired_t *out,
                   es_feed_report_cb report, void *arg)
{
    memset(out, 0, sizeof *out);
    const unsigned char *u = (const unsigned char *)body;

    /* UTF-32 with a BOM: libxml2 takes FF FE 00 00 for UTF-16 and reads
     * nothing, so it is decoded here and handled as UTF-8 from then on
     * (its declaration, "UTF-32", no longer true, is ignored). */
    es_strbuf_t wide32 = {0};
    int from32 = 0;
    if (len >= 4 && ((u[0] == 0xFF && u[1] == 0xFE && !u[2] && !u[3]) ||
                     (!u[0] && !u[1] && u[2] == 0xFE && u[3] == 0xFF))) {
        int be = !u[0];
        size_t bad = 0;
        for (size_t i = 4; i + 4 <= len; i += 4) {
            const unsigned char *q = u + i;
            unsigned long cp = be ? (unsigned long)q[0] << 24 | (unsigned long)q[1] << 16 | (unsigned long)q[2] << 8 | q[3]
                                  : (unsigned long)q[3] << 24 | (unsigned long)q[2] << 16 | (unsigned long)q[1] << 8 | q[0];
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
                cp = 0xFFFD;
                bad++;
            }
            if (cp >= 0x10000) {
                char c4[4] = {(char)(0xF0 | (cp >> 18)), (char)(0x80 | ((cp >> 12) & 0x3F)),
                              (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F))};
                es_strbuf_put(&wide32, c4, 4);
            } else {
                rb_put_cp(&wide32, cp);
            }
        }
        if (wide32.oom) {
            free(wide32.s);
            return ES_ENOMEM;
        }
        if (bad || len % 4)
            report(arg, 0, "UTF-32: %zu invalid code point%s or a cut last one, read as U+FFFD or dropped", bad,
                   bad == 1 ? "" : "s");
        from32 = 1;
    }
    int rc = from32 ? repair_body(wide32.s ? wide32.s : "", wide32.len, 1, out, report, arg)
                    : repair_body(body, len, 0, out, report, arg);
    free(wide32.s);
    return rc;
}
