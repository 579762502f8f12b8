#include "mime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void es_mail_put(es_mail_buf_t *b, const char *s, size_t n) { es_strbuf_put(b, s, n); }

void es_mail_puts(es_mail_buf_t *b, const char *s) { es_strbuf_put(b, s, strlen(s)); }

void es_mail_printf(es_mail_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es_strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* ---- addresses --------------------------------------------------------- */

static int addr_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("<>()[],;:\\\"", c);
}

int es_mail_addr_parse(const char *text, es_mail_addr_t *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *lt = strchr(text, '<');
    const char *a = text, *ae = text + strlen(text);
    const char *n = NULL, *ne = NULL;
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt || gt[1 + strspn(gt + 1, " \t")] != '\0') {
            snprintf(err, err_len, "'%s': expected 'Name <address>'", text);
            return -1;
        }
        n = text;
        ne = lt;
        a = lt + 1;
        ae = gt;
    }
    while (a < ae && (*a == ' ' || *a == '\t'))
        a++;
    while (ae > a && (ae[-1] == ' ' || ae[-1] == '\t'))
        ae--;
    const char *at = NULL;
    for (const char *p = a; p < ae; p++) {
        if (!addr_char((unsigned char)*p)) {
            snprintf(err, err_len, "'%s': invalid character in the address", text);
            return -1;
        }
        if (*p == '@') {
            if (at) {
                snprintf(err, err_len, "'%s': more than one '@'", text);
                return -1;
            }
            at = p;
        }
    }
    if (!at || at == a || at + 1 == ae) {
        snprintf(err, err_len, "'%s': not an address (local@domain)", text);
        return -1;
    }
    out->addr = strndup(a, (size_t)(ae - a));
    if (n) {
        while (n < ne && (*n == ' ' || *n == '\t'))
            n++;
        while (ne > n && (ne[-1] == ' ' || ne[-1] == '\t'))
            ne--;
        if (ne - n >= 2 && *n == '"' && ne[-1] == '"') {
            n++;
            ne--;
        }
        if (ne > n)
            out->name = strndup(n, (size_t)(ne - n));
    }
    if (!out->addr || (n && ne > n && !out->name)) {
        es_mail_addr_free(out);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    return 0;
}

void es_mail_addr_free(es_mail_addr_t *a)
{
    free(a->name);
    free(a->addr);
    a->name = a->addr = NULL;
}

/* ---- headers ----------------------------------------------------------- */

/* Controls (CR and LF above all) become spaces: nothing in a value can end
 * its header line. Runs of white space collapse to one. */
static char *clean_value(const char *v)
{
    size_t n = strlen(v);
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch < 0x20 || ch == 0x7f)
            ch = ' ';
        if (ch == ' ' && (k == 0 || c[k - 1] == ' '))
            continue;
        c[k++] = (char)ch;
    }
    while (k > 0 && c[k - 1] == ' ')
        k--;
    c[k] = '\0';
    return c;
}

static int plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return 0;
    /* Text that looks like an encoded word must be encoded itself. */
    return strstr(s, "=?") == NULL;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(es_mail_buf_t *b, const unsigned char *s, size_t n)
{
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        q[0] = b64[(v >> 18) & 63];
        q[1] = b64[(v >> 12) & 63];
        q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? b64[v & 63] : '=';
        es_mail_put(b, q, 4);
    }
}

/* Encoded words of at most 45 bytes of text (60 base64 characters, 72
 * with the "=?UTF-8?B?" and "?=" around them), fewer where the line
 * started late, never cutting a UTF-8 sequence, separated by folding white
 * space. `col` is the column the first word starts at. */
static void put_encoded_words(es_mail_buf_t *b, const char *s, size_t col)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        size_t avail = col + 12 < 78 ? (78 - col - 12) / 4 * 3 : 0;
        if (avail < 12) { /* too little room left: fold first */
            es_mail_puts(b, "\r\n ");
            col = 1;
            continue;
        }
        size_t take = n < avail ? n : avail;
        if (take > 45)
            take = 45;
        while (take < n && take > 1 && (p[take] & 0xC0) == 0x80)
            take--;
        es_mail_puts(b, "=?UTF-8?B?");
        put_b64(b, p, take);
        es_mail_puts(b, "?=");
        col += 12 + (take + 2) / 3 * 4;
        p += take;
        n -= take;
        if (n > 0) {
            es_mail_puts(b, "\r\n ");
            col = 1;
        }
    }
}

/* Plain ASCII, folded at spaces so lines stay under 78 columns where the
 * words allow it. */
static void put_folded(es_mail_buf_t *b, const char *s, size_t col)
{
    int first = 1;
    while (*s) {
        size_t w = strcspn(s, " ");
        if (!first && col + 1 + w > 78) {
            es_mail_puts(b, "\r\n ");
            col = 1;
        } else {
            es_mail_puts(b, " ");
            col++;
        }
        es_mail_put(b, s, w);
        col += w;
        s += w;
        while (*s == ' ')
            s++;
        first = 0;
    }
}

void es_mail_header_text(es_mail_buf_t *b, const char *name, const char *value)
{
    char *v = clean_value(value ? value : "");
    if (!v) {
        b->oom = 1;
        return;
    }
    es_mail_printf(b, "%s:", name);
    size_t col = strlen(name) + 1;
    if (plain_ascii(v)) {
        put_folded(b, v, col);
    } else {
        es_mail_puts(b, " ");
        put_encoded_words(b, v, col + 1);
    }
    es_mail_puts(b, "\r\n");
    free(v);
}

static void put_mailbox(es_mail_buf_t *b, const es_mail_addr_t *a)
{
    char *n = a->name ? clean_value(a->name) : NULL;
    if (n && *n) {
        if (plain_ascii(n)) {
            es_mail_puts(b, "\"");
            for (const char *p = n; *p; p++) {
                if (*p == '"' || *p == '\\')
                    es_mail_puts(b, "\\");
                es_mail_put(b, p, 1);
            }
            es_mail_puts(b, "\"");
        } else {
            put_encoded_words(b, n, 0);
        }
        es_mail_printf(b, " <%s>", a->addr);
    } else {
        es_mail_puts(b, a->addr);
    }
    free(n);
}

void es_mail_header_addrs(es_mail_buf_t *b, const char *name, const es_mail_addr_t *a, size_t n)
{
    es_mail_printf(b, "%s: ", name);
    for (size_t i = 0; i < n; i++) {
        if (i)
            es_mail_puts(b, ",\r\n ");
        put_mailbox(b, &a[i]);
    }
    es_mail_puts(b, "\r\n");
}

/* ---- body -------------------------------------------------------------- */

void es_mail_qp(es_mail_buf_t *b, const char *text, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
            continue;
        if (c == '\n') {
            es_mail_puts(b, "\r\n");
            col = 0;
            continue;
        }
        int at_eol = i + 1 == len || text[i + 1] == '\n' || text[i + 1] == '\r';
        char enc[3];
        size_t w;
        /* Literal: printable ASCII but '=', and space/tab unless they end a
         * line (trailing white space may be stripped in transit). A '.' at
         * the start of a line is encoded too, for relays that do not
         * dot-stuff. */
        if ((c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0)) ||
            ((c == ' ' || c == '\t') && !at_eol)) {
            enc[0] = (char)c;
            w = 1;
        } else {
            enc[0] = '=';
            enc[1] = hex[c >> 4];
            enc[2] = hex[c & 15];
            w = 3;
        }
        if (col + w > 75) {
            es_mail_puts(b, "=\r\n");
            col = 0;
        }
        es_mail_put(b, enc, w);
        col += w;
    }
    if (col)
        es_mail_puts(b, "\r\n");
}

void es_mail_date(time_t t, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void part(es_mail_buf_t *b, const char *boundary, const char *type, const char *body)
{
    es_mail_printf(b, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                   boundary, type);
    es_mail_qp(b, body, strlen(body));
}

int es_mail_build(es_mail_buf_t *out, const es_mail_parts_t *p)
{
    char date[40], boundary[64];
    es_mail_date(p->date, date);
    const char *domain = strchr(p->from->addr, '@') + 1;
    /* "=_" cannot occur in quoted-printable output, so the boundary never
     * collides with body text. */
    snprintf(boundary, sizeof boundary, "=_earshot_%016llx%016llx", (unsigned long long)p->rand[0],
             (unsigned long long)p->rand[1]);
    es_mail_header_addrs(out, "From", p->from, 1);
    es_mail_header_addrs(out, "To", p->to, p->n_to);
    es_mail_header_text(out, "Subject", p->subject);
    es_mail_printf(out, "Date: %s\r\n", date);
    es_mail_printf(out, "Message-ID: <%016llx.%lld@%s>\r\n", (unsigned long long)p->rand[0],
                   (long long)p->date, domain);
    es_mail_puts(out, "MIME-Version: 1.0\r\n");
    es_mail_puts(out, "Auto-Submitted: auto-generated\r\n");
    if (p->sink_name)
        es_mail_header_text(out, "X-Earshot-Sink", p->sink_name);
    if (p->html) {
        es_mail_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
                       boundary);
        es_mail_puts(out, "This is a MIME message with text and HTML versions.\r\n");
        part(out, boundary, "text/plain", p->text);
        part(out, boundary, "text/html", p->html);
        es_mail_printf(out, "--%s--\r\n", boundary);
    } else {
        es_mail_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
                          "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        es_mail_qp(out, p->text, strlen(p->text));
    }
    return out->oom ? -1 : 0;
}
