/* Unit test of the report's text helpers: escaping of hostile text,
 * invalid UTF-8 and control characters, cutting to a width without
 * splitting a character, the link filter, axis steps and formats. */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "spike/internal.h"
#include "tap.h"

/* es__report_esc into a string. */
static char *esc(const char *s, double max_px, int *cut)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int c = es__report_esc(f, s, max_px, 12);
    fclose(f);
    if (cut)
        *cut = c;
    return buf;
}

#define IS_ESC(in, want, desc)                \
    do {                                      \
        char *got_ = esc(in, 0, NULL);        \
        is_str(got_, want, desc);             \
        free(got_);                           \
    } while (0)

int main(void)
{
    IS_ESC("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "markup escaped");
    IS_ESC("a & \"b\"", "a &amp; &quot;b&quot;", "ampersand and double quotes");
    IS_ESC("bad\xff\xfe!", "bad\xEF\xBF\xBD\xEF\xBF\xBD!", "each invalid byte is U+FFFD");
    IS_ESC("\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x8D", "\xC3\xA9t\xC3\xA9 [emoji]", "valid UTF-8 kept as is, an emoji as a text label");
    IS_ESC("tab\there\x01nul\x7f" "c1\xC2\x85.", "tab here nul c1 .", "control characters (C0, DEL, C1) become spaces");
    IS_ESC("\xE2\x82", "\xEF\xBF\xBD\xEF\xBF\xBD", "a truncated sequence at the end");
    IS_ESC("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "a surrogate is invalid");
    IS_ESC(NULL, "", "NULL is empty");
    /* Emoji: one text label per sequence (no font has them on a server). */
    IS_ESC("ok \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!", "ok [emoji]!", "an emoji with a skin tone is one label");
    IS_ESC("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 family",
           "[emoji] family", "a ZWJ family is one label");
    IS_ESC("\xE2\x9D\xA4\xEF\xB8\x8F acme \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", "[emoji] acme [emoji]",
           "a heart with its selector, a flag");
    IS_ESC("caf\xC3\xA9 \xE2\x80\x94 \xC2\xB7 \xE2\x80\xA6", "caf\xC3\xA9 \xE2\x80\x94 \xC2\xB7 \xE2\x80\xA6",
           "accents, dashes, dots kept (every font has them)");

    int cut = 0;
    char *s = esc("short", 200, &cut);
    ok(!cut && !strcmp(s, "short"), "a text that fits is not cut");
    free(s);
    s = esc("brand-with-a-rather-long-name-for-the-label-column", 100, &cut);
    ok(cut && strlen(s) < 40 && !strcmp(s + strlen(s) - 3, "\xE2\x80\xA6"), "a long text is cut and ends with an ellipsis: %s", s);
    ok(es__report_text_px(s, 12) <= 100, "the cut text fits the width (%.1f px)", es__report_text_px(s, 12));
    free(s);
    s = esc("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 40, &cut);
    size_t n = strlen(s);
    ok(cut && n % 2 == 1 && !strcmp(s + n - 3, "\xE2\x80\xA6"), "two-byte characters are never split (%zu bytes)", n);
    free(s);
    s = esc("<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", 40, &cut);
    ok(cut && !strncmp(s, "&lt;", 4) && !strstr(s, "&l\xE2") && !strstr(s, "<"), "an escaped character is never split");
    free(s);
    ok(es__report_text_px("\xE4\xB8\xAD\xE6\x96\x87", 12) > es__report_text_px("ab", 12), "wide characters count wider");

    {
        char *buf = NULL;
        size_t len = 0;
        FILE *mf = open_memstream(&buf, &len);
        es__report_esc_wrap(mf, "AcmeSupport_team.EU");
        fputc('|', mf);
        es__report_esc_wrap(mf, "<b>x</b>");
        fputc('|', mf);
        es__report_esc_wrap(mf, "abcdefghijklmnopqrstuvwxyz");
        fclose(mf);
        is_str(buf, "Acme<wbr>Support_<wbr>team.<wbr>EU|&lt;b&gt;x&lt;/<wbr>b&gt;|abcdefghijklmn<wbr>opqrstuvwxyz",
               "handles wrap after separators, before inner capitals, every 14 characters; markup still escaped");
        free(buf);
    }
    {
        es_spike_map_t stop = {0};
        es__spike_stopwords_load(&stop);
        json_t *counts = json_object();
        es__report_phrases_add(&stop, counts, "Refund still pending", "My refund still pending after a week. https://x.example/a");
        es__report_phrases_add(&stop, counts, NULL, "refund still pending, @acme why? charged twice for nothing");
        es__report_phrases_add(&stop, counts, NULL, "I was charged twice for one order");
        json_t *top = es__report_phrases_top(counts, 5);
        is_int((long)json_integer_value(json_object_get(counts, "refund still pending")), 2,
               "a phrase counts once per text (title and text are one voice)");
        is_str(json_string_value(json_object_get(json_array_get(top, 0), "phrase")), "refund still pending",
               "the three-word phrase comes first");
        is_str(json_string_value(json_object_get(json_array_get(top, 1), "phrase")), "charged twice",
               "a phrase does not end with a stop word (charged twice, not charged twice for)");
        is_int((long)json_array_size(top), 2, "phrases inside a longer one and single texts are left out");
        es__report_phrases_add(&stop, counts, NULL, "Delivery late again. Support never answers");
        ok(json_object_get(counts, "support never answers") != NULL && json_object_get(counts, "again support") == NULL,
           "phrases stop at punctuation");
        ok(!json_object_get(counts, "pending acme") && !json_object_get(counts, "week https"),
           "handles and URLs break phrases");
        json_decref(top);
        json_decref(counts);
        es__spike_map_free(&stop);
    }

    ok(es__report_href_ok("https://example.com/a?b=c"), "https is a link");
    ok(es__report_href_ok("http://example.com/"), "http is a link");
    ok(!es__report_href_ok("javascript:alert(1)"), "javascript: is not");
    ok(!es__report_href_ok("JaVaScRiPt:alert(1)"), "nor in mixed case");
    ok(!es__report_href_ok("data:text/html,<b>x</b>"), "data: is not");
    ok(!es__report_href_ok("https://a.example/ x"), "a URL with a space is not");
    ok(!es__report_href_ok("https://a.example/\nx"), "a URL with a newline is not");
    ok(!es__report_href_ok(NULL), "NULL is not");

    is_int((long)es__report_nice_step(35, 6), 10, "step for 35 in 6 ticks");
    is_int((long)es__report_nice_step(134, 6), 50, "step for 134");
    is_int((long)es__report_nice_step(3, 4), 1, "step for 3");
    is_int((long)es__report_nice_step(0, 4), 1, "step for 0");
    is_int((long)es__report_nice_step(1000000, 5), 200000, "step for a million");

    char b[40];
    es__report_fmt_duration(45, b, sizeof b);
    is_str(b, "45 s", "45 seconds");
    es__report_fmt_duration(3600, b, sizeof b);
    is_str(b, "60 min", "an hour");
    es__report_fmt_duration(5 * 3600, b, sizeof b);
    is_str(b, "5.0 h", "five hours");
    es__report_fmt_duration(3 * 86400, b, sizeof b);
    is_str(b, "3.0 d", "three days");
    es__report_fmt_day(20415, b, sizeof b);
    is_str(b, "2025-11-23", "day index to date");
    es__report_fmt_time(1763906400, b, sizeof b);
    is_str(b, "2025-11-23 14:00 UTC", "time in UTC");
    return done_testing();
}
