#include <earshot/text.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Returns the length of the valid sequence at s (1..4), or 0 when invalid;
 * on invalid, *bad receives how many bytes form the maximal invalid subpart
 * (at least 1), so a truncated sequence is replaced by a single U+FFFD. */
static size_t seq_len(const unsigned char *s, size_t avail, size_t *bad)
{
    unsigned char c = s[0];
    *bad = 1;
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c == 0xE0)
        need = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC)
        need = 3;
    else if (c == 0xED)
        need = 3, hi = 0x9F; /* no surrogates */
    else if (c >= 0xEE && c <= 0xEF)
        need = 3;
    else if (c == 0xF0)
        need = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
        need = 4;
    else if (c == 0xF4)
        need = 4, hi = 0x8F;
    else
        return 0;
    for (size_t i = 1; i < need; i++) {
        if (i >= avail)
            return 0;
        unsigned char lim_lo = i == 1 ? lo : 0x80, lim_hi = i == 1 ? hi : 0xBF;
        if (s[i] < lim_lo || s[i] > lim_hi)
            return 0;
        *bad = i + 1;
    }
    return need;
}

size_t es_utf8_valid_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, bad;
    while (i < len) {
        /* ASCII runs dominate social text: skip 8 bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] < 0x80) { /* the tail of an ASCII run, under 8 bytes */
            i++;
            continue;
        }
        size_t n = seq_len(s + i, len - i, &bad);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

char *es_utf8_sanitize(const char *str, size_t len, size_t *replaced)
{
    size_t ok = es_utf8_valid_prefix(str, len);
    if (replaced)
        *replaced = 0;
    if (ok == len) {
        char *p = malloc(len + 1);
        if (p) {
            memcpy(p, str, len);
            p[len] = '\0';
        }
        return p;
    }
    /* Worst case every byte becomes a 3-byte U+FFFD. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, o = 0, bad, nrep = 0;
    while (i < len) {
        size_t n = seq_len(s + i, len - i, &bad);
        if (n) {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
            nrep++;
        }
    }
    out[o] = '\0';
    if (replaced)
        *replaced = nrep;
    return out;
}
