/*
 * The little Unicode the scorer needs: decoding that never fails (sources
 * are supposed to hand us UTF-8, but stray Latin-1 bytes happen and must
 * still tokenise), case and accents for the Latin letters of English and
 * French, and the emoji blocks. Anything else is treated as a letter of an
 * unknown word, which is what a lexicon scorer can do with it anyway.
 */
#include "internal.h"

uint32_t es__utf8_decode_slow(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    size_t need;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        *len = 1;
        return c;
    }
    if (need >= n)
        goto bad;
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        goto bad;
    *len = need + 1;
    return cp;
bad:
    *len = 1;
    return c;
}

int es__cp_is_emoji(uint32_t cp)
{
    /* The blocks the Emoji Sentiment Ranking draws from: symbols, dingbats,
     * arrows and the supplementary emoji planes. */
    return cp == 0xA9 || cp == 0xAE || (cp >= 0x2100 && cp <= 0x2BFF && cp != 0x2122) ||
           cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299 ||
           (cp >= 0x1F000 && cp <= 0x1FAFF && !(cp >= 0x1F3FB && cp <= 0x1F3FF));
}

int es__cp_is_emoji_mod(uint32_t cp)
{
    return cp == 0x200D || cp == 0xFE0F || cp == 0xFE0E || cp == 0x20E3 ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F);
}

int es__cp_is_upper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xC0 && cp <= 0xDE)
        return cp != 0xD7;
    if (cp >= 0x100 && cp <= 0x17F)
        return (cp & 1) == 0 && cp != 0x138;
    if (cp >= 0x391 && cp <= 0x3A9)
        return 1;
    if (cp >= 0x400 && cp <= 0x42F)
        return 1;
    return 0;
}

int es__cp_is_lower(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    if (cp >= 0xDF && cp <= 0xFF)
        return cp != 0xF7;
    if (cp >= 0x100 && cp <= 0x17F)
        return (cp & 1) == 1 || cp == 0x138;
    if (cp >= 0x3B1 && cp <= 0x3C9)
        return 1;
    if (cp >= 0x430 && cp <= 0x45F)
        return 1;
    return 0;
}

uint32_t es__cp_lower_slow(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    if (cp >= 0x100 && cp <= 0x17F && (cp & 1) == 0 && cp != 0x138)
        return cp + 1;
    if (cp == 0x178)
        return 0xFF;
    if (cp >= 0x391 && cp <= 0x3A9)
        return cp + 32;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32;
    return cp;
}

uint32_t es__cp_unaccent(uint32_t cp)
{
    /* Only what French writes: social French often drops accents, so the
     * lexicon is also indexed without them. */
    switch (cp) {
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE4: case 0xE5:
        return 'a';
    case 0xE7:
        return 'c';
    case 0xE8: case 0xE9: case 0xEA: case 0xEB:
        return 'e';
    case 0xEC: case 0xED: case 0xEE: case 0xEF:
        return 'i';
    case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF6:
        return 'o';
    case 0xF9: case 0xFA: case 0xFB: case 0xFC:
        return 'u';
    case 0xFD: case 0xFF:
        return 'y';
    default:
        return cp;
    }
}

int es__cp_is_letter_slow(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 32) >= 'a' && (cp | 32) <= 'z';
    if (cp < 0xC0)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    /* Other scripts: letters for tokenising purposes, unless they are
     * punctuation, spaces or emoji. */
    return !es__cp_is_emoji(cp) && !es__cp_is_punct(cp) && !es__cp_is_space(cp) &&
           !es__cp_is_emoji_mod(cp);
}

int es__cp_is_space_slow(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

int es__cp_is_punct_slow(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) ||
               (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
    return cp == 0xA1 || cp == 0xAB || cp == 0xBB || cp == 0xBF || cp == 0xB7 ||
           (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) ||
           (cp >= 0x3001 && cp <= 0x3003) || (cp >= 0xFF01 && cp <= 0xFF0F);
}
