/*
 * Text helpers for source plugins, installed as <earshot/text.h>: turning
 * the HTML that feeds and forums send into the plain text a mention
 * carries, UTF-8 validation and repair, and a stable hash for synthesising
 * ids. Everything a sink sees is valid UTF-8: sources may hand us anything
 * (mis-declared feeds, Latin-1 archives), so the core repairs text once at
 * the pipeline's entrance; these let a source do it earlier, where it
 * knows the encoding. All functions are reentrant (no mutable statics) and
 * callable from any thread.
 */
#ifndef EARSHOT_TEXT_H
#define EARSHOT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>

/* Plain UTF-8 text from an HTML fragment or document: tags stripped,
 * script/style/head dropped, <img alt> kept (emoji are often images),
 * entities decoded (named, decimal, hex), runs of whitespace collapsed to one
 * space, block elements and <br> turned into line breaks (at most one blank
 * line in a row), leading and trailing whitespace trimmed. Invalid UTF-8 in
 * the input becomes U+FFFD; a <meta charset> inside is ignored. Never fails on
 * garbage: at worst the result is "". Returns a malloc'd NUL-terminated string
 * (*out_len, may be NULL, gets its length) or NULL on ENOMEM or input over
 * 1 GiB. */
ES_API char *es_html_to_text(const char *html, size_t len, size_t *out_len);

/* Decodes character references in text that is otherwise plain (Twitter's
 * "&amp;", doubly escaped feed titles): &name; for the HTML 4 names plus
 * &apos;, &#NNN; and &#xHHH;. References to NUL, surrogates or beyond U+10FFFF
 * become U+FFFD; unknown names and malformed references stay as written.
 * Nothing else changes. Returns a malloc'd NUL-terminated string (*out_len
 * may be NULL) or NULL on ENOMEM. */
ES_API char *es_entities_decode(const char *s, size_t len, size_t *out_len);

/* The Unicode code point of a Windows-1252 byte (Latin-1 outside
 * 0x80..0x9F). For repairing text that claimed to be UTF-8 or Latin-1. */
ES_API unsigned long es_cp1252_char(unsigned char b);

/* SHA-256 of data as 64 lowercase hex digits plus NUL in out. Returns 0 or
 * ES_ENOMEM (libcrypto could not allocate its context). */
ES_API int es_sha256_hex(const void *data, size_t len, char out[65]);

/* Length of the longest valid prefix of s[0..len). Rejects overlongs,
 * surrogates and code points above U+10FFFF (RFC 3629). */
ES_API size_t es_utf8_valid_prefix(const char *s, size_t len);

static inline int es_utf8_is_valid(const char *s, size_t len)
{
    return es_utf8_valid_prefix(s, len) == len;
}

/* Writes the code point cp as UTF-8 into out (room for 4 bytes) and
 * returns its length. NUL, surrogates and values above U+10FFFF become
 * U+FFFD, so what it writes is always valid UTF-8 and never ends a C
 * string early. The one encoder of the core and the plugins; inline,
 * nothing exported. */
static inline size_t es_utf8_put(char *out, uint32_t cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A malloc'd, NUL-terminated copy of s[0..len) in which each maximal invalid
 * subsequence is replaced by U+FFFD (the W3C/Unicode "substitution of
 * maximal subparts" practice). *replaced (may be NULL) counts replacements.
 * NULL on ENOMEM. */
ES_API char *es_utf8_sanitize(const char *s, size_t len, size_t *replaced);

#endif
