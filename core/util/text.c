/*
 * HTML to text through libxml2's HTML parser: it already knows the HTML
 * entity table and how browsers recover from broken markup, which a
 * hand-rolled tokenizer would get wrong on exactly the inputs feeds send.
 */
#include <earshot/text.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include <earshot/plugin.h>
#include <earshot/strbuf.h>

#define ES_TEXT_MAX_INPUT ((size_t)1 << 30)

typedef struct {
    es_strbuf_t out;
    int pending_space;
    int pending_nl; /* 0, 1 or 2 line breaks owed before the next text */
} es_textbuf_t;

static void tb_put(es_textbuf_t *tb, const char *s, size_t n) { es_strbuf_put(&tb->out, s, n); }

/* Whitespace is owed rather than written so that trailing whitespace never
 * reaches the output and runs collapse without a second pass. */
static void tb_flush_pending(es_textbuf_t *tb)
{
    if (tb->out.len > 0) {
        if (tb->pending_nl)
            tb_put(tb, "\n\n", (size_t)tb->pending_nl);
        else if (tb->pending_space)
            tb_put(tb, " ", 1);
    }
    tb->pending_nl = 0;
    tb->pending_space = 0;
}

static void tb_break(es_textbuf_t *tb, int n)
{
    if (tb->pending_nl < n)
        tb->pending_nl = n;
}

/* Appends text, collapsing whitespace (NBSP included: authors use it for
 * layout, not meaning). In <pre>, line breaks survive. */
static void tb_text(es_textbuf_t *tb, const char *s, size_t n, int pre)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            tb->pending_space = 1;
            i++;
        } else if (c == '\n') {
            if (pre)
                tb_break(tb, 1);
            else
                tb->pending_space = 1;
            i++;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            tb->pending_space = 1;
            i += 2;
        } else {
            size_t j = i + 1;
            while (j < n) {
                unsigned char d = (unsigned char)s[j];
                if (d == ' ' || d == '\t' || d == '\r' || d == '\f' || d == '\v' ||
                    d == '\n' || (d == 0xC2 && j + 1 < n && (unsigned char)s[j + 1] == 0xA0))
                    break;
                j++;
            }
            tb_flush_pending(tb);
            tb_put(tb, s + i, j - i);
            i = j;
        }
    }
}

static int name_in(const xmlChar *name, const char *const *list)
{
    for (; *list; list++)
        if (xmlStrcasecmp(name, BAD_CAST * list) == 0)
            return 1;
    return 0;
}

static const char *const dropped[] = {
    "script", "style", "head", "title", "template", "noscript", "svg", "math",
    "iframe", "object", "select", NULL,
};
/* Elements that read as paragraphs: a blank line around them. */
static const char *const paragraphs[] = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
    "ul", "ol", "dl", "figure", "hr", "section", "article", "aside", "header",
    "footer", "address", "fieldset", "form", NULL,
};
/* Elements that read as lines. */
static const char *const lines[] = {
    "div", "li", "tr", "dt", "dd", "caption", "figcaption", "nav", "main",
    "details", "summary", "center", "option", "legend", NULL,
};

/* Iterative walk: hostile input can nest thousands of elements deep and the
 * loop thread's stack is not ours to spend. */
static void tb_walk(es_textbuf_t *tb, xmlNodePtr root)
{
    xmlNodePtr n = root;
    int pre = 0;
    while (n) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                tb_text(tb, (const char *)n->content, strlen((const char *)n->content), pre);
        } else if (n->type == XML_ELEMENT_NODE && n->name) {
            if (name_in(n->name, dropped)) {
                /* skip the subtree */
            } else if (xmlStrcasecmp(n->name, BAD_CAST "br") == 0) {
                tb_break(tb, 1);
            } else if (xmlStrcasecmp(n->name, BAD_CAST "img") == 0) {
                xmlChar *alt = xmlGetProp(n, BAD_CAST "alt");
                if (alt && *alt) {
                    tb_text(tb, (const char *)alt, strlen((const char *)alt), 0);
                }
                xmlFree(alt);
            } else {
                if (name_in(n->name, paragraphs))
                    tb_break(tb, 2);
                else if (name_in(n->name, lines))
                    tb_break(tb, 1);
                else if (xmlStrcasecmp(n->name, BAD_CAST "td") == 0 ||
                         xmlStrcasecmp(n->name, BAD_CAST "th") == 0)
                    tb->pending_space = 1;
                if (xmlStrcasecmp(n->name, BAD_CAST "pre") == 0)
                    pre++;
                descend = n->children != NULL;
                if (!descend && xmlStrcasecmp(n->name, BAD_CAST "pre") == 0)
                    pre--;
            }
        } else if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
            descend = n->children != NULL;
        }
        if (descend) {
            n = n->children;
            continue;
        }
        /* Leave finished elements, closing their blocks on the way up. */
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n->type == XML_ELEMENT_NODE && n->name) {
                if (name_in(n->name, paragraphs))
                    tb_break(tb, 2);
                else if (name_in(n->name, lines))
                    tb_break(tb, 1);
                if (xmlStrcasecmp(n->name, BAD_CAST "pre") == 0 && pre > 0)
                    pre--;
            }
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
}

/* Replaces C0 controls the HTML parser chokes on (it can stop at a NUL) with
 * spaces, in place. */
static void scrub_controls(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            s[i] = ' ';
        else if (c == 0x7F)
            s[i] = ' ';
    }
}

char *es_html_to_text(const char *html, size_t len, size_t *out_len)
{
    es_textbuf_t tb = {0};
    if (!html)
        len = 0;
    if (len > ES_TEXT_MAX_INPUT)
        return NULL;

    char *clean = es_utf8_sanitize(html ? html : "", len, NULL);
    if (!clean)
        return NULL;
    size_t clen = strlen(clean);
    /* es_utf8_sanitize keeps NULs; strlen stops at the first one, which is
     * what a NUL-terminated C consumer would see anyway. */
    scrub_controls(clean, clen);

    if (!memchr(clean, '<', clen) && !memchr(clean, '&', clen)) {
        /* Plain text: skip the parser, it would only wrap it in <p>. */
        tb_text(&tb, clean, clen, 0);
    } else {
        htmlDocPtr doc = htmlReadMemory(clean, (int)clen, NULL, "UTF-8",
                                        HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                            HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
                                            HTML_PARSE_IGNORE_ENC |
                                            HTML_PARSE_COMPACT);
        if (doc) {
            tb_walk(&tb, (xmlNodePtr)doc);
            xmlFreeDoc(doc);
        }
    }
    free(clean);
    return es_strbuf_take(&tb.out, out_len); /* terminated even when empty */
}

/* ---- entities ---------------------------------------------------------- */

/* Decodes one reference at s (which starts with '&'); returns the bytes
 * consumed, 0 if it is not a reference we decode. */
static size_t decode_ref(const char *s, size_t n, char *out, size_t *out_n)
{
    size_t i = 1;
    unsigned long cp = 0;
    if (i < n && s[i] == '#') {
        i++;
        int hex = i < n && (s[i] == 'x' || s[i] == 'X');
        if (hex)
            i++;
        size_t start = i;
        while (i < n && i - start < 8) {
            char c = s[i];
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            i++;
        }
        if (i == start || i >= n || s[i] != ';')
            return 0;
        /* Browsers read &#146; as Windows-1252 did, and so do feeds. */
        if (cp >= 0x80 && cp <= 0x9F)
            cp = es_cp1252_char((unsigned char)cp);
        *out_n = es_utf8_put(out, (uint32_t)cp);
        return i + 1;
    }
    size_t start = i;
    while (i < n && i - start < 32 &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == start || i >= n || s[i] != ';')
        return 0;
    char name[33];
    memcpy(name, s + start, i - start);
    name[i - start] = '\0';
    if (strcmp(name, "apos") == 0) { /* XML's, missing from HTML 4 */
        cp = '\'';
    } else {
        const htmlEntityDesc *e = htmlEntityLookup(BAD_CAST name);
        if (!e)
            return 0;
        cp = e->value;
    }
    *out_n = es_utf8_put(out, (uint32_t)cp);
    return i + 1;
}

char *es_entities_decode(const char *s, size_t len, size_t *out_len)
{
    if (!s)
        len = 0;
    /* A reference is never shorter than what it decodes to (&#xFFFD; is 8
     * bytes for 3; the shortest, "&lt;", is 4 for 1), so len bounds it. */
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        /* Straight to the next '&' (memchr is vectorised): most text has
         * few references or none. */
        const char *amp = memchr(s + i, '&', len - i);
        size_t run = amp ? (size_t)(amp - (s + i)) : len - i;
        memcpy(out + o, s + i, run);
        o += run;
        i += run;
        if (i == len)
            break;
        char tmp[4];
        size_t tn = 0;
        size_t used = decode_ref(s + i, len - i, tmp, &tn);
        if (used > 0 && tn <= used) {
            memcpy(out + o, tmp, tn);
            o += tn;
            i += used;
            continue;
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

unsigned long es_cp1252_char(unsigned char b)
{
    /* 0x80..0x9F: the only range where Windows-1252 and Latin-1 differ;
     * the five holes map to themselves as Latin-1 does. */
    static const unsigned short hi[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    };
    if (b >= 0x80 && b <= 0x9F)
        return hi[b - 0x80];
    return b;
}

/* ---- hashing ----------------------------------------------------------- */

int es_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const char hex[] = "0123456789abcdef";
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return ES_ENOMEM;
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return 0;
}
