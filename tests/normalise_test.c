/*
 * The normalise stage: the id prefix, and control characters stripped
 * from every text field exactly as a plain byte loop would (the stage
 * scans 8 bytes at a time), whatever their position and the length.
 */
#include <stdlib.h>
#include <string.h>

#include "stages.h"
#include "tap.h"


static void reference_strip(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            continue;
        *w++ = (char)c;
    }
    *w = '\0';
}

int main(void)
{
    static const char bytes[] = {'a', 'Z', ' ', '\t', '\n', '\x01', '\x1f', '\x7f', '\x80', '\xc3', '\xa9', '"'};
    int wrong = 0;
    for (int iter = 0; iter < 50000; iter++) {
        char text[64], want[64];
        size_t n = tap_rand() % 60;
        for (size_t i = 0; i < n; i++)
            text[i] = bytes[tap_rand() % (tap_rand() % 4 ? 3 : sizeof bytes)];
        text[n] = '\0';
        memcpy(want, text, n + 1);
        reference_strip(want);
        es_rec_t rec;
        memset(&rec, 0, sizeof rec);
        rec.m.id = "n:1";
        rec.m.network = "n";
        rec.m.text = text;
        if (es__normalise(&rec) != 0 || strcmp(text, want) != 0)
            wrong++;
    }
    is_int(wrong, 0, "50,000 random texts: control characters stripped as a byte loop does");

    es_rec_t rec;
    memset(&rec, 0, sizeof rec);
    char title[] = "a\x01title that is long enough for two words\x7f";
    rec.m.id = "123";
    rec.m.network = "twitter";
    rec.m.title = title;
    is_int(es__normalise(&rec), 0, "a bare id normalises");
    is_str(rec.m.id, "twitter:123", "it gets its network prefix");
    is_str(rec.m.title, "atitle that is long enough for two words", "the title is stripped too");
    is_str(rec.m.text, "", "no text becomes the empty string");
    free(rec.owned_id);
    memset(&rec, 0, sizeof rec);
    char crtext[] = "first line\rsecond\r\nthird\r", crtitle[] = "a\rb";
    rec.m.id = "t:cr";
    rec.m.network = "t";
    rec.m.text = crtext;
    rec.m.title = crtitle;
    es__normalise(&rec);
    is_str(rec.m.text, "first line\nsecond\nthird\n", "text: a lone CR is a line break, CRLF one break");
    is_str(rec.m.title, "ab", "other fields: CR dropped as before");
    free(rec.owned_id);
    memset(&rec, 0, sizeof rec);
    rec.m.id = "twitter:9";
    rec.m.network = "twitter";
    is_int(es__normalise(&rec), 0, "a prefixed id normalises");
    ok(rec.owned_id == NULL && strcmp(rec.m.id, "twitter:9") == 0, "and is kept as it is");
    memset(&rec, 0, sizeof rec);
    rec.m.network = "n";
    is_int(es__normalise(&rec), ES_EINVAL, "no id: not a mention");
    return done_testing();
}
