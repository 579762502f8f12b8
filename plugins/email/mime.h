/*
 * RFC 5322 / MIME message building for the email sink. Every value that
 * reaches a header goes through es_mail_header_text(), which removes CR, LF
 * and other control characters first, so no input can start a header of
 * its own; non-ASCII text is encoded per RFC 2047.
 */
#ifndef ES_EMAIL_MIME_H
#define ES_EMAIL_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <earshot/strbuf.h>

/* A growable byte buffer; `oom` sticks once an allocation failed. */
typedef es_strbuf_t es_mail_buf_t;

void es_mail_put(es_mail_buf_t *b, const char *s, size_t n);
void es_mail_puts(es_mail_buf_t *b, const char *s);
void es_mail_printf(es_mail_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A parsed "Display Name <local@domain>" or "local@domain". */
typedef struct es_mail_addr {
    char *name; /* may be NULL */
    char *addr; /* local@domain, printable ASCII without specials */
} es_mail_addr_t;

/* Parses and checks one address. Returns 0, or -1 with a reason in err. */
int es_mail_addr_parse(const char *text, es_mail_addr_t *out, char *err, size_t err_len);
void es_mail_addr_free(es_mail_addr_t *a);

/* Appends "Name: value\r\n" with value unstructured text: controls become
 * spaces, then printable ASCII is written as is and anything else as
 * RFC 2047 encoded words (UTF-8, base64), folded under 78 columns. */
void es_mail_header_text(es_mail_buf_t *b, const char *name, const char *value);
/* Appends "Name: a, b\r\n" for mailboxes (display names encoded/quoted). */
void es_mail_header_addrs(es_mail_buf_t *b, const char *name, const es_mail_addr_t *a, size_t n);

/* Appends `text` (UTF-8, '\n' line ends) quoted-printable with CRLF line
 * ends and lines of at most 76 characters. */
void es_mail_qp(es_mail_buf_t *b, const char *text, size_t len);

/* "Mon, 23 Nov 2026 12:00:00 +0000" into out[40]. */
void es_mail_date(time_t t, char out[40]);

typedef struct es_mail_parts {
    const es_mail_addr_t *from;
    const es_mail_addr_t *to;
    size_t n_to;
    const char *subject;   /* UTF-8, any characters */
    const char *text;      /* text/plain body, UTF-8 */
    const char *html;      /* text/html alternative, UTF-8; NULL: none */
    const char *sink_name; /* X-Earshot-Sink */
    time_t date;
    uint64_t rand[2];      /* for Message-ID and the boundary */
} es_mail_parts_t;

/* The whole message, CRLF line ends. Returns 0 or -1 on ENOMEM. */
int es_mail_build(es_mail_buf_t *out, const es_mail_parts_t *p);

#endif
