#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <earshot/text.h>

static void fix(const char *in, size_t len, const char *want, size_t want_rep, const char *name)
{
    size_t rep = 99;
    char *out = es_utf8_sanitize(in, len, &rep);
    is_str(out, want, "%s: repaired text", name);
    is_int(rep, want_rep, "%s: replacement count", name);
    ok(es_utf8_is_valid(out, strlen(out)), "%s: output is valid UTF-8", name);
    free(out);
}

int main(void)
{
    ok(es_utf8_is_valid("", 0), "empty is valid");
    ok(es_utf8_is_valid("plain ascii text, long enough for the word loop", 47), "ASCII is valid");
    ok(es_utf8_is_valid("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14), "2/3/4-byte sequences are valid");
    ok(!es_utf8_is_valid("\xC0\xAF", 2), "overlong '/' is invalid");
    ok(!es_utf8_is_valid("\xE0\x80\xAF", 3), "3-byte overlong is invalid");
    ok(!es_utf8_is_valid("\xED\xA0\x80", 3), "UTF-16 surrogate is invalid");
    ok(!es_utf8_is_valid("\xF4\x90\x80\x80", 4), "above U+10FFFF is invalid");
    ok(!es_utf8_is_valid("\xF5\x80\x80\x80", 4), "F5 lead byte is invalid");
    ok(!es_utf8_is_valid("abc\xC3", 4), "truncated sequence at end is invalid");
    is_int(es_utf8_valid_prefix("abcdefghij\xFFxyz", 14), 10, "valid prefix stops at the bad byte");

    fix("caf\xE9", 4, "caf\xEF\xBF\xBD", 1, "Latin-1 e-acute");
    fix("a\xFF\xFE" "b", 4, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b", 2, "two stray bytes");
    fix("x\xE2\x82y", 4, "x\xEF\xBF\xBDy", 1, "truncated 3-byte sequence is one U+FFFD");
    fix("\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3, "surrogate bytes each replaced");
    fix("ok \xF0\x9F\x98\x80", 7, "ok \xF0\x9F\x98\x80", 0, "valid input unchanged");
    return done_testing();
}
