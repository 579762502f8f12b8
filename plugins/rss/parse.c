/*
 * RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 1.0/0.3 documents to items.
 *
 * Safety: libxml2 runs with NONET and RECOVER only. Without NOENT/DTDLOAD
 * it neither fetches external entities nor substitutes declared ones, and
 * without HUGE its entity-amplification limits stay on. Entity references
 * therefore remain in the tree as XML_ENTITY_REF_NODEs, and every reader
 * below skips them instead of calling xmlNodeGetContent()/xmlGetProp(),
 * which would expand them (the billion-laughs path) on our side.
 */
#include "parse.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <earshot/plugin.h>
#include <earshot/strbuf.h>
#include "repair.h"
#include <earshot/text.h>
#include <earshot/date.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS09 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_MEDIA "http://search.yahoo.com/mrss/"

/* Deeper xml:base chains than this are hostile; libxml2 caps nesting at 256
 * anyway without XML_PARSE_HUGE. */
#define ES_FEED_MAX_BASES 64

typedef struct {
    es_feed_t *feed;
    const char *url;
    xmlDocPtr doc;
    long line_offset;
    int atom03;
    int failed; /* ENOMEM somewhere */
} es_pctx_t;

/* ---- problems ---------------------------------------------------------- */

static void vproblem(es_feed_t *f, long line, const char *fmt, va_list ap)
{
    if (f->n_problems >= ES_FEED_MAX_PROBLEMS) {
        f->n_problems_dropped++;
        return;
    }
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* libxml2's messages end in newlines and may quote raw document bytes. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r' || (unsigned char)*p < 0x20)
            *p = ' ';
    size_t n = strlen(msg);
    while (n && msg[n - 1] == ' ')
        msg[--n] = '\0';
    /* libxml2 repeats itself while unwinding (entity loops, nesting). */
    if (f->n_problems && strcmp(f->problems[f->n_problems - 1].message, msg) == 0)
        return;
    es_feed_problem_t *p = realloc(f->problems, (f->n_problems + 1) * sizeof *p);
    if (!p)
        return;
    f->problems = p;
    p[f->n_problems].line = line;
    p[f->n_problems].message = strdup(msg);
    if (p[f->n_problems].message)
        f->n_problems++;
}

__attribute__((format(printf, 3, 4)))
static void problem(void *arg, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem(arg, line, fmt, ap);
    va_end(ap);
}

static void on_xml_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user;
    es_pctx_t *pc = ctxt ? ctxt->_private : NULL;
    if (!pc || !err || err->level < XML_ERR_ERROR)
        return;
    long line = err->line > 0 ? err->line + pc->line_offset : 0;
    problem(pc->feed, line, "%s", err->message ? err->message : "XML error");
}

/* Errors libxml2 raises outside the parser context (the encoders' "input
 * conversion failed", I/O) go to the thread's structured handler, or raw
 * to stderr without one: here they join the feed's problems instead, and
 * so are logged with its URL. */
static void on_xml_global_error(void *user, xmlErrorPtr err)
{
    es_pctx_t *pc = user;
    /* The HTML parser that turns descriptions into text runs inside this
     * parse, told to keep quiet: it lands here too. */
    if (!pc || !err || err->level < XML_ERR_ERROR || err->domain == XML_FROM_HTML)
        return;
    long line = err->line > 0 ? err->line + pc->line_offset : 0;
    problem(pc->feed, line, "%s", err->message ? err->message : "XML error");
}

/* Whatever libxml2 still writes through its generic printf-style channel
 * is dropped: those calls come in fragments and repeat what the
 * structured handlers reported. */
static void on_xml_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* ---- node helpers ------------------------------------------------------ */

/* Namespace names are compared as strings by the spec, but publishers
 * copy them by hand: "http://purl.org/dc/elements/1.1" (no slash) means
 * Dublin Core to every reader, so a trailing '/' is not significant. */
static int ns_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '/')
        la--;
    if (lb && b[lb - 1] == '/')
        lb--;
    return la == lb && strncmp(a, b, la) == 0;
}

static int ns_is(xmlNodePtr n, const char *href)
{
    return n->ns && n->ns->href && ns_eq((const char *)n->ns->href, href);
}

static int local_is(xmlNodePtr n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, local) == 0;
}

/* A module element such as dc:creator; also matches the prefixed name
 * libxml2 leaves behind when the feed forgot to declare the prefix. */
static int module_is(xmlNodePtr n, const char *href, const char *prefix, const char *local)
{
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return 0;
    if (n->ns)
        return ns_is(n, href) && strcmp((const char *)n->name, local) == 0;
    size_t pl = strlen(prefix);
    return strncmp((const char *)n->name, prefix, pl) == 0 && n->name[pl] == ':' &&
           strcmp((const char *)n->name + pl + 1, local) == 0;
}

/* Core RSS elements: no namespace, the RSS 1.0/0.9 ones, or any default
 * (unprefixed) namespace some RSS 2.0 feeds declare. Prefixed elements are
 * modules and never match. */
static int rss_is(xmlNodePtr n, const char *local)
{
    if (!local_is(n, local))
        return 0;
    if (!n->ns || !n->ns->prefix || ns_is(n, NS_RSS10) || ns_is(n, NS_RSS09))
        return 1;
    /* <r:rss xmlns:r="..."><r:channel>: the whole document in a prefixed
     * namespace, the root's own. */
    xmlNodePtr root = n->doc ? xmlDocGetRootElement(n->doc) : NULL;
    return root && root->ns && root->ns->prefix && root->ns->href && n->ns->href &&
           strcmp((const char *)root->ns->href, (const char *)n->ns->href) == 0;
}

static int atom_is(xmlNodePtr n, const char *local)
{
    if (!local_is(n, local))
        return 0;
    return ns_is(n, NS_ATOM) || ns_is(n, NS_ATOM03);
}

/* Atom elements in an Atom document, tolerating a missing xmlns. */
static int atom_doc_is(xmlNodePtr n, const char *local)
{
    return local_is(n, local) && (!n->ns || ns_is(n, NS_ATOM) || ns_is(n, NS_ATOM03));
}

static char *sb_take(es_strbuf_t *b, es_pctx_t *pc)
{
    if (b->oom) {
        free(b->s);
        pc->failed = 1;
        return NULL;
    }
    if (!b->s) {
        char *e = strdup("");
        if (!e)
            pc->failed = 1;
        return e;
    }
    return b->s;
}

/* Concatenated text of n's descendants; entity references are skipped, so
 * nothing declared in the document is ever expanded here. */
static char *node_text(es_pctx_t *pc, xmlNodePtr node)
{
    es_strbuf_t b = {0};
    xmlNodePtr n = node->children;
    while (n) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            es_strbuf_put(&b, (const char *)n->content, strlen((const char *)n->content));
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != node && !n->next)
            n = n->parent;
        if (!n || n == node)
            break;
        n = n->next;
    }
    return sb_take(&b, pc);
}

/* The markup inside n, as HTML source: text nodes are HTML that was escaped
 * or in CDATA, element children are HTML that was not (common in
 * <description>) or XHTML (Atom type="xhtml"). */
static char *node_markup(es_pctx_t *pc, xmlNodePtr node)
{
    es_strbuf_t b = {0};
    for (xmlNodePtr n = node->children; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            es_strbuf_put(&b, (const char *)n->content, strlen((const char *)n->content));
        } else if (n->type == XML_ELEMENT_NODE) {
            /* xmlNodeDump writes entity references as "&name;", never
             * their expansion. */
            xmlBufferPtr xb = xmlBufferCreate();
            if (!xb) {
                b.oom = 1;
                break;
            }
            if (xmlNodeDump(xb, pc->doc, n, 0, 0) >= 0)
                es_strbuf_put(&b, (const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
            xmlBufferFree(xb);
        }
    }
    return sb_take(&b, pc);
}

/* An attribute's literal text, read from its children for the same reason
 * as node_text(); DTD defaults are ignored. ns NULL: no namespace. */
static char *attr_text(es_pctx_t *pc, xmlNodePtr node, const char *name, const char *ns)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        if (!a->name || strcmp((const char *)a->name, name) != 0)
            continue;
        if (ns ? !(a->ns && a->ns->href && strcmp((const char *)a->ns->href, ns) == 0) : a->ns != NULL)
            continue;
        es_strbuf_t b = {0};
        for (xmlNodePtr c = a->children; c; c = c->next)
            if (c->type == XML_TEXT_NODE && c->content)
                es_strbuf_put(&b, (const char *)c->content, strlen((const char *)c->content));
        return sb_take(&b, pc);
    }
    return NULL;
}

static char *trim_inplace(char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
    return s;
}

/* NULL for "", so absent and empty read the same downstream. */
static char *nonempty(char *s)
{
    if (s && !*s) {
        free(s);
        return NULL;
    }
    return s;
}

static char *html_text(es_pctx_t *pc, const char *html)
{
    if (!html)
        return NULL;
    char *t = es_html_to_text(html, strlen(html), NULL);
    if (!t)
        pc->failed = 1;
    return t;
}

/* Titles are one line whatever markup they carried. */
static char *flatten(char *s)
{
    if (!s)
        return NULL;
    char *o = s;
    int space = 0;
    for (char *p = s; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
            space = 1;
            continue;
        }
        if (space && o != s)
            *o++ = ' ';
        space = 0;
        *o++ = *p;
    }
    *o = '\0';
    return s;
}

typedef enum { TC_TEXT, TC_HTML, TC_XHTML, TC_SKIP } es_tc_kind_t;

/* How an Atom text construct (or Atom 0.3 content) is to be read. */
static es_tc_kind_t tc_kind(es_pctx_t *pc, xmlNodePtr n)
{
    char *type = trim_inplace(attr_text(pc, n, "type", NULL));
    char *mode = pc->atom03 ? trim_inplace(attr_text(pc, n, "mode", NULL)) : NULL;
    es_tc_kind_t k;
    if (!type || !*type || !strcasecmp(type, "text") || !strcasecmp(type, "text/plain"))
        k = TC_TEXT;
    else if (!strcasecmp(type, "html") || !strcasecmp(type, "text/html"))
        k = TC_HTML;
    else if (!strcasecmp(type, "xhtml") || !strcasecmp(type, "application/xhtml+xml"))
        k = TC_XHTML;
    else if (!strncasecmp(type, "text/", 5))
        k = TC_TEXT;
    else
        k = TC_SKIP; /* base64 media and the like: nothing to read */
    if (mode && !strcasecmp(mode, "base64"))
        k = TC_SKIP;
    else if (mode && !strcasecmp(mode, "escaped") && k == TC_TEXT && type && !strcasecmp(type, "text/html"))
        k = TC_HTML;
    free(type);
    free(mode);
    return k;
}

static char *text_construct(es_pctx_t *pc, xmlNodePtr n)
{
    char *raw, *t;
    switch (tc_kind(pc, n)) {
    case TC_TEXT:
        return trim_inplace(node_text(pc, n));
    case TC_HTML:
    case TC_XHTML:
        raw = node_markup(pc, n);
        t = html_text(pc, raw);
        free(raw);
        return t;
    case TC_SKIP:
        break;
    }
    return NULL;
}

/* RSS text that publishers treat as HTML whatever the spec says. */
static char *rss_html(es_pctx_t *pc, xmlNodePtr n)
{
    char *raw = node_markup(pc, n);
    char *t = html_text(pc, raw);
    free(raw);
    return t;
}

/* Resolves href against the document URL and every xml:base on the way
 * down to node. Only http(s) links are kept: a mention's url is clicked. */
static char *resolve_link(es_pctx_t *pc, xmlNodePtr node, const char *href)
{
    if (!href || !*href)
        return NULL;
    char *bases[ES_FEED_MAX_BASES];
    int nb = 0;
    for (xmlNodePtr n = node; n && n->type == XML_ELEMENT_NODE && nb < ES_FEED_MAX_BASES; n = n->parent) {
        char *b = trim_inplace(attr_text(pc, n, "base", NS_XML));
        if (b)
            bases[nb++] = b;
    }
    xmlChar *cur = xmlStrdup(BAD_CAST(pc->url ? pc->url : ""));
    for (int i = nb - 1; i >= 0; i--) {
        xmlChar *next = cur ? xmlBuildURI(BAD_CAST bases[i], cur) : NULL;
        if (next) {
            xmlFree(cur);
            cur = next;
        }
        free(bases[i]);
    }
    xmlChar *abs = cur ? xmlBuildURI(BAD_CAST href, cur) : NULL;
    xmlFree(cur);
    const char *res = abs ? (const char *)abs : href;
    char *out = NULL;
    if (!strncasecmp(res, "http://", 7) || !strncasecmp(res, "https://", 8)) {
        out = strdup(res);
        if (!out)
            pc->failed = 1;
    }
    xmlFree(abs);
    return out;
}

/* Reads a date element. *raw keeps the first date text seen, for the
 * fallback id. Unreadable dates are reported, not fatal. */
static void read_date(es_pctx_t *pc, xmlNodePtr n, int64_t *out, char **raw)
{
    char *s = trim_inplace(node_text(pc, n));
    if (!s || !*s) {
        free(s);
        return;
    }
    int64_t t;
    if (es_time_parse(s, &t) == 0) {
        if (!*out)
            *out = t;
    } else {
        problem(pc->feed, xmlGetLineNo(n) + pc->line_offset, "unreadable date <%s>%.60s</%s>",
                (const char *)n->name, s, (const char *)n->name);
    }
    if (!*raw)
        *raw = s;
    else
        free(s);
}

/* RSS 2.0 <author> is "jo@example.com (Jo Bloggs)" by the spec, a bare
 * name or address in practice. */
static void rss_author(es_pctx_t *pc, xmlNodePtr n, es_feed_item_t *it)
{
    /* Some publishers nest <name> and <title> (a job title) inside
     * <author>: the name is the author, the rest is not. */
    xmlNodePtr first = NULL, named = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!first)
            first = c;
        if (local_is(c, "name") && !named)
            named = c;
    }
    if (first)
        n = named ? named : first;
    char *s = trim_inplace(node_text(pc, n));
    if (!s || !*s) {
        free(s);
        return;
    }
    char *open = strchr(s, '(');
    char *close = open ? strrchr(open, ')') : NULL;
    char *at = strchr(s, '@');
    char *name = NULL;
    if (open && close && at && at < open) {
        *close = '\0';
        name = nonempty(flatten(trim_inplace(strdup(open + 1))));
        *open = '\0';
        trim_inplace(s);
    } else if (!at) {
        name = strdup(s);
        if (!name)
            pc->failed = 1;
    }
    if (name) {
        free(s);
        it->author_name = name;
        it->author = strdup(name);
        if (!it->author)
            pc->failed = 1;
    } else {
        it->author = nonempty(s);
    }
}

static void atom_person(es_pctx_t *pc, xmlNodePtr person, char **author, char **author_name)
{
    char *name = NULL, *email = NULL;
    for (xmlNodePtr c = person->children; c; c = c->next) {
        if (atom_doc_is(c, "name") && !name)
            name = nonempty(flatten(trim_inplace(node_text(pc, c))));
        else if (atom_doc_is(c, "email") && !email)
            email = nonempty(trim_inplace(node_text(pc, c)));
    }
    if (name) {
        *author_name = name;
        *author = strdup(name);
        if (!*author)
            pc->failed = 1;
        free(email);
    } else {
        *author = email;
    }
}

/* ---- items ------------------------------------------------------------- */

typedef struct {
    char *native_id, *content, *summary, *date_raw;
    char *media;    /* media:description (YouTube, podcasts): the body when there is no other */
    char *itunes;   /* itunes:author: the author when there is no other */
    int guid_link;  /* native_id came from a <guid> that is a permalink */
} es_item_scratch_t;

/* Picks id, text and the fallbacks the design asks for. Returns 0, or -1 to
 * drop an item that has nothing to identify or show. */
static int item_finish(es_pctx_t *pc, xmlNodePtr node, es_feed_item_t *it, es_item_scratch_t *sc)
{
    it->id = nonempty(trim_inplace(sc->native_id));
    sc->native_id = NULL;
    if (!it->link && it->id && sc->guid_link &&
        (!strncasecmp(it->id, "http://", 7) || !strncasecmp(it->id, "https://", 8)))
        it->link = resolve_link(pc, node, it->id);
    if (!it->author && !it->author_name && sc->itunes) {
        it->author_name = sc->itunes;
        sc->itunes = NULL;
        if (!(it->author = strdup(it->author_name)))
            pc->failed = 1;
    }
    if (!it->id && it->link) {
        it->id = strdup(it->link);
        if (!it->id)
            pc->failed = 1;
    }
    if (!it->id && (it->title || sc->date_raw || sc->content || sc->summary)) {
        /* Title and date identify an item that has neither guid nor link;
         * only when both are missing does the body stand in. */
        es_strbuf_t b = {0};
        const char *t = it->title ? it->title : "";
        const char *d = sc->date_raw ? sc->date_raw : "";
        es_strbuf_put(&b, t, strlen(t));
        es_strbuf_put(&b, "\n", 1);
        es_strbuf_put(&b, d, strlen(d));
        if (!it->title && !sc->date_raw) {
            const char *body = sc->content ? sc->content : sc->summary;
            es_strbuf_put(&b, "\n", 1);
            es_strbuf_put(&b, body, strlen(body));
        }
        char hex[65];
        if (!b.oom && es_sha256_hex(b.s, b.len, hex) == 0) {
            char id[7 + 32 + 1];
            snprintf(id, sizeof id, "sha256:%.32s", hex);
            it->id = strdup(id);
        }
        free(b.s);
        if (!it->id)
            pc->failed = 1;
    }
    if (!it->id) {
        problem(pc->feed, xmlGetLineNo(node) + pc->line_offset,
                "item without id, link, title, date or text skipped");
        return -1;
    }
    if (sc->content && *sc->content) {
        it->text = sc->content;
        sc->content = NULL;
    } else if (sc->summary && *sc->summary) {
        it->text = sc->summary;
        sc->summary = NULL;
    } else if (sc->media && *sc->media) {
        it->text = sc->media;
        sc->media = NULL;
    } else {
        it->text = strdup(it->title ? it->title : "");
        if (!it->text)
            pc->failed = 1;
    }
    return 0;
}

static void item_free(es_feed_item_t *it)
{
    free(it->id);
    free(it->link);
    free(it->title);
    free(it->author);
    free(it->author_name);
    free(it->text);
}

static void scratch_free(es_item_scratch_t *sc)
{
    free(sc->media);
    free(sc->itunes);
    free(sc->native_id);
    free(sc->content);
    free(sc->summary);
    free(sc->date_raw);
}

/* media:description directly in the item or inside media:group or
 * media:content, as YouTube and podcast feeds write it; plain text unless
 * type="html". */
static void media_description(es_pctx_t *pc, xmlNodePtr c, es_item_scratch_t *sc)
{
    if (sc->media)
        return;
    if (module_is(c, NS_MEDIA, "media", "description")) {
        char *type = trim_inplace(attr_text(pc, c, "type", NULL));
        sc->media = nonempty(type && !strcasecmp(type, "html") ? rss_html(pc, c) : trim_inplace(node_text(pc, c)));
        free(type);
    } else if (module_is(c, NS_MEDIA, "media", "group") || module_is(c, NS_MEDIA, "media", "content")) {
        for (xmlNodePtr g = c->children; g && !sc->media; g = g->next)
            if (g->type == XML_ELEMENT_NODE)
                media_description(pc, g, sc);
    }
}

static void rss_item(es_pctx_t *pc, xmlNodePtr item, es_feed_item_t *it, es_item_scratch_t *sc)
{
    char *creator = NULL;
    for (xmlNodePtr c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (rss_is(c, "title") && !it->title) {
            it->title = nonempty(flatten(rss_html(pc, c)));
        } else if (rss_is(c, "link") && !it->link) {
            char *href = trim_inplace(node_text(pc, c));
            it->link = resolve_link(pc, c, href);
            free(href);
        } else if (rss_is(c, "guid") && !sc->native_id) {
            sc->native_id = nonempty(trim_inplace(node_text(pc, c)));
            /* RSS 2.0: a guid is a permalink unless isPermaLink="false". */
            char *perma = trim_inplace(attr_text(pc, c, "isPermaLink", NULL));
            sc->guid_link = !perma || strcasecmp(perma, "false") != 0;
            free(perma);
        } else if (module_is(c, NS_ITUNES, "itunes", "author") && !sc->itunes) {
            sc->itunes = nonempty(flatten(trim_inplace(node_text(pc, c))));
        } else if (module_is(c, NS_MEDIA, "media", "description") || module_is(c, NS_MEDIA, "media", "group") ||
                   module_is(c, NS_MEDIA, "media", "content")) {
            media_description(pc, c, sc);
        } else if (rss_is(c, "description") && !sc->summary) {
            sc->summary = rss_html(pc, c);
        } else if (module_is(c, NS_CONTENT, "content", "encoded") && !sc->content) {
            sc->content = rss_html(pc, c);
        } else if (rss_is(c, "pubDate") || module_is(c, NS_DC, "dc", "date") ||
                   module_is(c, NS_DCTERMS, "dcterms", "issued") ||
                   module_is(c, NS_DCTERMS, "dcterms", "created")) {
            read_date(pc, c, &it->published, &sc->date_raw);
        } else if (module_is(c, NS_DCTERMS, "dcterms", "modified") || atom_is(c, "updated")) {
            read_date(pc, c, &it->updated, &sc->date_raw);
        } else if (rss_is(c, "author") && !it->author) {
            rss_author(pc, c, it);
        } else if (module_is(c, NS_DC, "dc", "creator") && !creator) {
            creator = nonempty(flatten(rss_html(pc, c)));
        } else if (atom_is(c, "link") && !it->link) {
            char *rel = attr_text(pc, c, "rel", NULL);
            if (!rel || !strcmp(rel, "alternate")) {
                char *href = trim_inplace(attr_text(pc, c, "href", NULL));
                it->link = resolve_link(pc, c, href);
                free(href);
            }
            free(rel);
        }
    }
    if (!sc->native_id) /* RSS 1.0 names each item by URI */
        sc->native_id = nonempty(trim_inplace(attr_text(pc, item, "about", NS_RDF)));
    if (creator) {
        /* dc:creator is a name; RSS 2.0 <author> is mostly an address. */
        free(it->author_name);
        it->author_name = creator;
        if (!it->author || strchr(it->author, '@')) {
            free(it->author);
            it->author = strdup(creator);
            if (!it->author)
                pc->failed = 1;
        }
    }
}

static void atom_entry(es_pctx_t *pc, xmlNodePtr entry, es_feed_item_t *it, es_item_scratch_t *sc,
                       const char *feed_author, const char *feed_author_name)
{
    int link_rank = 0; /* alternate text/html beats alternate beats none */
    for (xmlNodePtr c = entry->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (atom_doc_is(c, "id") && !sc->native_id) {
            sc->native_id = nonempty(trim_inplace(node_text(pc, c)));
        } else if (atom_doc_is(c, "title") && !it->title) {
            it->title = nonempty(flatten(text_construct(pc, c)));
        } else if (atom_doc_is(c, "link")) {
            char *rel = trim_inplace(attr_text(pc, c, "rel", NULL));
            char *type = trim_inplace(attr_text(pc, c, "type", NULL));
            int rank = 0;
            if (!rel || !*rel || !strcmp(rel, "alternate") ||
                !strcmp(rel, "http://www.iana.org/assignments/relation/alternate"))
                rank = (!type || !strcasecmp(type, "text/html")) ? 2 : 1;
            if (rank > link_rank) {
                char *href = trim_inplace(attr_text(pc, c, "href", NULL));
                char *abs = resolve_link(pc, c, href);
                free(href);
                if (abs) {
                    free(it->link);
                    it->link = abs;
                    link_rank = rank;
                }
            }
            free(rel);
            free(type);
        } else if (atom_doc_is(c, "author") && !it->author && !it->author_name) {
            atom_person(pc, c, &it->author, &it->author_name);
        } else if (atom_doc_is(c, "published") || atom_doc_is(c, "issued") ||
                   atom_doc_is(c, "created")) {
            read_date(pc, c, &it->published, &sc->date_raw);
        } else if (atom_doc_is(c, "updated") || atom_doc_is(c, "modified")) {
            read_date(pc, c, &it->updated, &sc->date_raw);
        } else if (atom_doc_is(c, "content") && !sc->content) {
            char *src = attr_text(pc, c, "src", NULL);
            if (!src) /* out-of-line content is not fetched */
                sc->content = text_construct(pc, c);
            free(src);
        } else if (atom_doc_is(c, "summary") && !sc->summary) {
            sc->summary = text_construct(pc, c);
        } else if (module_is(c, NS_DC, "dc", "creator") && !it->author_name) {
            it->author_name = nonempty(flatten(trim_inplace(node_text(pc, c))));
            if (it->author_name && !it->author)
                it->author = strdup(it->author_name);
        } else if (module_is(c, NS_ITUNES, "itunes", "author") && !sc->itunes) {
            sc->itunes = nonempty(flatten(trim_inplace(node_text(pc, c))));
        } else if (module_is(c, NS_MEDIA, "media", "description") || module_is(c, NS_MEDIA, "media", "group") ||
                   module_is(c, NS_MEDIA, "media", "content")) {
            media_description(pc, c, sc);
        }
    }
    if (!it->author && !it->author_name && sc->itunes) {
        it->author_name = sc->itunes;
        sc->itunes = NULL;
        if (!(it->author = strdup(it->author_name)))
            pc->failed = 1;
    }
    if (!it->author && !it->author_name) {
        if (feed_author)
            it->author = strdup(feed_author);
        if (feed_author_name)
            it->author_name = strdup(feed_author_name);
        if ((feed_author && !it->author) || (feed_author_name && !it->author_name))
            pc->failed = 1;
    }
}

/* U+0080..U+009F are C1 controls nobody means: they are Windows-1252
 * bytes that went through a Latin-1 decoder (raw, or as &#146; and the
 * like). HTML5 reads them as Windows-1252 characters; so do we. */
static void c1_fix(es_pctx_t *pc, char **sp)
{
    char *s = *sp;
    if (!s)
        return;
    size_t n = 0, extra = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            extra++; /* at most one byte longer each (2 -> 3) */
    if (!extra)
        return;
    char *out = malloc(n + extra + 1), *w = out;
    if (!out) {
        pc->failed = 1;
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            w += es_utf8_put(w, (uint32_t)es_cp1252_char(p[1]));
            p++;
            continue;
        }
        *w++ = (char)*p;
    }
    *w = '\0';
    free(s);
    *sp = out;
}

static void push_item(es_pctx_t *pc, es_feed_item_t *it)
{
    c1_fix(pc, &it->title);
    c1_fix(pc, &it->text);
    c1_fix(pc, &it->author);
    c1_fix(pc, &it->author_name);
    es_feed_t *f = pc->feed;
    es_feed_item_t *p = realloc(f->items, (f->n_items + 1) * sizeof *p);
    if (!p) {
        pc->failed = 1;
        item_free(it);
        return;
    }
    f->items = p;
    f->items[f->n_items++] = *it;
}

static void take_item(es_pctx_t *pc, xmlNodePtr node, size_t max_items,
                      const char *feed_author, const char *feed_author_name)
{
    if (max_items && pc->feed->n_items >= max_items) {
        pc->feed->n_skipped++;
        return;
    }
    es_feed_item_t it = {0};
    es_item_scratch_t sc = {0};
    if (pc->feed->format == ES_FEED_ATOM)
        atom_entry(pc, node, &it, &sc, feed_author, feed_author_name);
    else
        rss_item(pc, node, &it, &sc);
    if (pc->feed->format != ES_FEED_ATOM && !sc.itunes && feed_author_name &&
        !(sc.itunes = strdup(feed_author_name)))
        pc->failed = 1; /* the channel's itunes:author: an episode's author when it names none */
    if (!pc->failed && item_finish(pc, node, &it, &sc) == 0 && !pc->failed)
        push_item(pc, &it);
    else
        item_free(&it);
    scratch_free(&sc);
}

/* ---- documents --------------------------------------------------------- */

static void parse_rss(es_pctx_t *pc, xmlNodePtr root, size_t max_items)
{
    /* RSS 1.0 puts items beside the channel, RSS 0.9x/2.0 inside it;
     * some 0.9x feeds do either. */
    for (xmlNodePtr c = root->children; c && !pc->failed; c = c->next) {
        if (rss_is(c, "channel")) {
            char *itunes = NULL;
            for (xmlNodePtr i = c->children; i && !itunes; i = i->next)
                if (module_is(i, NS_ITUNES, "itunes", "author"))
                    itunes = nonempty(flatten(trim_inplace(node_text(pc, i))));
            for (xmlNodePtr i = c->children; i && !pc->failed; i = i->next) {
                if (rss_is(i, "title") && !pc->feed->title)
                    pc->feed->title = nonempty(flatten(rss_html(pc, i)));
                else if (rss_is(i, "item"))
                    take_item(pc, i, max_items, NULL, itunes);
            }
            free(itunes);
        } else if (rss_is(c, "item")) {
            take_item(pc, c, max_items, NULL, NULL);
        }
    }
}

static void parse_atom(es_pctx_t *pc, xmlNodePtr root, size_t max_items)
{
    char *author = NULL, *author_name = NULL;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (atom_doc_is(c, "author") && !author && !author_name)
            atom_person(pc, c, &author, &author_name);
        else if (atom_doc_is(c, "title") && !pc->feed->title)
            pc->feed->title = nonempty(flatten(text_construct(pc, c)));
    }
    int items = 0;
    for (xmlNodePtr c = root->children; c && !pc->failed; c = c->next) {
        if (atom_doc_is(c, "entry")) {
            take_item(pc, c, max_items, author, author_name);
        } else if (atom_doc_is(c, "item")) {
            /* RSS habits in an Atom feed: an <item> holding Atom entry
             * elements is an entry by another name. */
            if (!items++)
                problem(pc->feed, xmlGetLineNo(c) + pc->line_offset,
                        "Atom entries written as <item>; read as <entry>");
            take_item(pc, c, max_items, author, author_name);
        }
    }
    free(author);
    free(author_name);
}

/* The declarations libxml2 kept in the internal subset (it records them
 * without NOENT; it only never substitutes them). */
static void count_entities(xmlDocPtr doc, es_feed_t *out)
{
    xmlDtdPtr dtd = doc ? doc->intSubset : NULL;
    for (xmlNodePtr n = dtd ? dtd->children : NULL; n; n = n->next) {
        if (n->type != XML_ENTITY_DECL)
            continue;
        xmlEntityPtr e = (xmlEntityPtr)n;
        out->n_entities++;
        if (e->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY || e->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
            e->etype == XML_EXTERNAL_PARAMETER_ENTITY)
            out->n_external_entities++;
    }
}

int es_feed_parse(const char *body, size_t len, const char *url, size_t max_items,
                  es_feed_t *out)
{
    if (!out)
        return ES_EINVAL;
    memset(out, 0, sizeof *out);
    if (!body)
        return ES_EINVAL;
    if (len > INT_MAX)
        return ES_ETOOBIG;

    es_pctx_t pc = {.feed = out, .url = url};
    es_feed_repaired_t rep;
    if (es_feed_repair(body, len, &rep, problem, out) != 0)
        return ES_ENOMEM;
    pc.line_offset = rep.line_offset;

    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        free(rep.buf);
        return ES_ENOMEM;
    }
    /* Errors come to us (not stderr) through the context; the few raised
     * outside it through this thread's handlers, set for this parse only,
     * so other threads and plugins are unaffected. */
    ctxt->sax->serror = on_xml_error;
    ctxt->_private = &pc;
    /* libxml2 keeps these per thread: set for this parse, then put back. */
    xmlStructuredErrorFunc old_serror = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&pc, on_xml_global_error);
    xmlSetGenericErrorFunc(NULL, on_xml_generic);
    int opts = XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOCDATA |
               XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING;
    if (rep.force_utf8)
        opts |= XML_PARSE_IGNORE_ENC;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, rep.buf, (int)rep.len, url,
                                      rep.force_utf8 ? "UTF-8" : NULL, opts);
    pc.doc = doc;
    count_entities(doc, out);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = 0;
    if (!root) {
        if (!out->n_problems)
            problem(out, 0, "empty or unreadable document");
        rc = ES_EPARSE;
    } else {
        const char *name = (const char *)root->name;
        if (!strcmp(name, "rss") || !strcmp(name, "RDF") || !strcmp(name, "rdf:RDF")) {
            out->format = name[0] == 'r' && name[1] == 's' ? ES_FEED_RSS : ES_FEED_RDF;
            parse_rss(&pc, root, max_items);
        } else if (!strcmp(name, "feed")) {
            out->format = ES_FEED_ATOM;
            pc.atom03 = ns_is(root, NS_ATOM03);
            parse_atom(&pc, root, max_items);
        } else {
            problem(out, xmlGetLineNo(root) + pc.line_offset,
                    "not an RSS, RDF or Atom document (root element <%.40s>)", name);
            rc = ES_EPARSE;
        }
    }
    c1_fix(&pc, &out->title);
    if (pc.failed)
        rc = ES_ENOMEM;
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    xmlSetStructuredErrorFunc(old_sctx, old_serror);
    xmlSetGenericErrorFunc(old_gctx, old_generic);
    free(rep.buf);
    return rc;
}

void es_feed_free(es_feed_t *feed)
{
    if (!feed)
        return;
    for (size_t i = 0; i < feed->n_items; i++)
        item_free(&feed->items[i]);
    for (size_t i = 0; i < feed->n_problems; i++)
        free(feed->problems[i].message);
    free(feed->items);
    free(feed->problems);
    free(feed->title);
    memset(feed, 0, sizeof *feed);
}

const char *es_feed_format_name(es_feed_format_t format)
{
    switch (format) {
    case ES_FEED_RSS:
        return "rss";
    case ES_FEED_RDF:
        return "rdf";
    case ES_FEED_ATOM:
        return "atom";
    default:
        return "unknown";
    }
}

int es_feed_id_is_global(const char *id)
{
    return id && (strstr(id, "://") || !strncasecmp(id, "urn:", 4) || !strncasecmp(id, "tag:", 4));
}
