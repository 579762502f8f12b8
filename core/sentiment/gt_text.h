/* Text of the VADER ground-truth files as the scorer should see it: they
 * mix Latin-1 bytes with UTF-8 and carry HTML entities, which earshot's
 * sources decode before any text reaches the scorer. One copy for the
 * accuracy test, bench/sentiment/accuracy.c and the trainer
 * (contrib/sentiment-model/train.c), so all three read the same texts. */
#ifndef ES_SENTIMENT_GT_TEXT_H
#define ES_SENTIMENT_GT_TEXT_H

#include <stdio.h>
#include <string.h>

/* Writes the cleaned, NUL-terminated text of `in` into out (cap bytes);
 * returns its length. Valid UTF-8 passes; a lone byte >= 0x80 is Latin-1. */
static inline size_t es__clean(const char *in, char *out, size_t cap)
{
    static const struct { const char *ent; const char *rep; } ents[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
        {"&apos;", "'"}, {"&nbsp;", " "},
    };
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 8 < cap;) {
        unsigned char c = (unsigned char)in[i];
        if (c == '&') {
            size_t k;
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
                size_t el = strlen(ents[k].ent);
                if (strncmp(in + i, ents[k].ent, el) == 0) {
                    size_t rl = strlen(ents[k].rep);
                    memcpy(out + o, ents[k].rep, rl);
                    o += rl;
                    i += el;
                    break;
                }
            }
            if (k < sizeof ents / sizeof ents[0])
                continue;
        }
        if (c >= 0x80) {
            /* Valid UTF-8 sequences pass; lone bytes are Latin-1. */
            int need = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
            int valid = need > 0 && c <= 0xF4;
            for (int j = 1; valid && j <= need; j++)
                valid = ((unsigned char)in[i + j] & 0xC0) == 0x80;
            if (valid) {
                memcpy(out + o, in + i, (size_t)need + 1);
                o += (size_t)need + 1;
                i += (size_t)need + 1;
            } else {
                out[o++] = (char)(0xC0 | (c >> 6));
                out[o++] = (char)(0x80 | (c & 0x3F));
                i++;
            }
            continue;
        }
        out[o++] = (char)c;
        i++;
    }
    out[o] = '\0';
    return o;
}

#endif
