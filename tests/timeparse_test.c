/* es_time_parse(): every format feeds send, and garbage that must fail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <earshot/plugin.h>
#include "tap.h"
#include <earshot/date.h>

/* 2018-10-10T20:19:24Z */
#define T0 INT64_C(1539202764)

static void good(const char *s, int64_t want)
{
    int64_t got = -1;
    int rc = es_time_parse(s, &got);
    if (!ok(rc == 0 && got == want, "parses \"%s\"", s))
        diag("  rc %d, got %lld, want %lld", rc, (long long)got, (long long)want);
}

static void bad(const char *s)
{
    int64_t got = 12345;
    int rc = es_time_parse(s, &got);
    if (!ok(rc == ES_EPARSE && got == 12345, "refuses \"%s\"", s))
        diag("  rc %d, got %lld", rc, (long long)got);
}

int main(void)
{
    /* RFC 822 / 1123 / 2822 */
    good("Wed, 10 Oct 2018 20:19:24 +0000", T0);
    good("Wed, 10 Oct 2018 20:19:24 GMT", T0);
    good("Wed, 10 Oct 2018 20:19:24 UT", T0);
    good("Wed, 10 Oct 2018 20:19:24 UTC", T0);
    good("Wed, 10 Oct 2018 20:19:24 Z", T0);
    good("10 Oct 2018 20:19:24 +0000", T0);
    good("Wed,10 Oct 2018 20:19:24 +0000", T0);
    good("  wed, 10 oct 2018 20:19:24 gmt  ", T0);
    good("WED, 10 OCT 2018 20:19:24 GMT", T0);
    good("Wed, 10 Oct 2018 22:19:24 +0200", T0);
    good("Wed, 10 Oct 2018 22:19:24 +02:00", T0);
    good("Wed, 10 Oct 2018 15:19:24 -0500", T0);
    good("Wed, 10 Oct 2018 15:19:24 EST", T0);
    good("Wed, 10 Oct 2018 16:19:24 EDT", T0);
    good("Wed, 10 Oct 2018 14:19:24 CST", T0);
    good("Wed, 10 Oct 2018 15:19:24 CDT", T0);
    good("Wed, 10 Oct 2018 13:19:24 MST", T0);
    good("Wed, 10 Oct 2018 14:19:24 MDT", T0);
    good("Wed, 10 Oct 2018 12:19:24 PST", T0);
    good("Wed, 10 Oct 2018 13:19:24 PDT", T0);
    good("Wed, 10 Oct 2018 20:19:24 A", T0); /* military: -0000 per RFC 5322 */
    good("Wed, 10 Oct 2018 20:19:24 Y", T0);
    good("Wed, 10 Oct 2018 20:19 +0000", T0 - 24);
    good("Wed, 10 Oct 18 20:19:24 +0000", T0);
    good("Wed, 10 Oct 2018 20:19:24", T0);
    good("Wed, 10 Oct 2018 20:19:24 +0000 (UTC)", T0);
    good("Wed, 10 Oct 2018 20:19:24 GMT+0000", T0);
    good("Wed, 10 Oct 2018 22:19:24 GMT+0200", T0);
    good("Wednesday, 10 October 2018 20:19:24 GMT", T0);
    good("Wed, 10 Oct. 2018 20:19:24 GMT", T0);
    good("Wed, 10 Oct 2018 21:19:24 CET", T0);
    good("Wed, 10 Oct 2018 20:19:24.250 +0000", T0);
    good("Wed, 1 Oct 2018 00:00:00 +0000", INT64_C(1538352000));
    good("Wed, 01 Oct 2018 00:00:00 +0000", INT64_C(1538352000));
    good("Thu, 01 Jan 1970 00:00:00 GMT", 0);
    good("Sun, 06 Nov 1994 08:49:37 GMT", INT64_C(784111777)); /* RFC 7231 example */
    good("Tue, 15 Nov 94 08:12:31 GMT", INT64_C(784887151));
    good("Wed, 10 Oct 2018", INT64_C(1539129600));
    good("Sept 10 2018 00:00:00 GMT", INT64_C(1536537600));
    good("Thu, 29 Feb 2024 12:00:00 +0000", INT64_C(1709208000));
    good("Wed, 10 Oct 2018 23:59:60 +0000", INT64_C(1539215999) + 1);

    /* Twitter, and date(1)'s output */
    good("Wed Oct 10 20:19:24 +0000 2018", T0);
    good("Wed Oct 10 20:19:24 UTC 2018", T0);
    good("Wed Oct 10 20:19:24 2018", T0);

    /* RFC 3339 / ISO 8601 */
    good("2018-10-10T20:19:24Z", T0);
    good("2018-10-10t20:19:24z", T0);
    good("2018-10-10T20:19:24.123456Z", T0);
    good("2018-10-10T22:19:24+02:00", T0);
    good("2018-10-10T22:19:24+0200", T0);
    good("2018-10-10T22:19:24+02", T0);
    good("2018-10-10T15:19:24-05:00", T0);
    good("2018-10-10 20:19:24", T0);
    good("2018-10-10 20:19:24 +0000", T0);
    good("2018-10-10T20:19Z", T0 - 24);
    good("2018-10-10T20:19:24", T0);
    good("2018-10-10", INT64_C(1539129600));
    good("2018-10-11T00:00:00+05:30", INT64_C(1539196200));
    good("1969-12-31T23:59:59Z", -1);
    good("2018-10-10T24:00:00Z", INT64_C(1539216000));

    /* epoch */
    good("1539202764", T0);
    good("0", 0);
    good(" 1539202764 ", T0);

    /* garbage */
    bad("");
    bad("   ");
    bad("yesterday");
    bad("not a date at all");
    bad("Wed, 32 Oct 2018 20:19:24 GMT");
    bad("Wed, 31 Sep 2018 20:19:24 GMT");
    bad("Thu, 29 Feb 2018 12:00:00 +0000");
    bad("Wed, 10 Foo 2018 20:19:24 GMT");
    bad("Wed, 10 Oct 2018 25:19:24 GMT");
    bad("Wed, 10 Oct 2018 20:61:24 GMT");
    bad("Wed, 10 Oct 2018 20:19:24 +2500");
    bad("Wed, 10 Oct 2018 20:19:24 +00000");
    bad("Wed, 10 Oct 2018 20:19:24 XYZ");
    bad("Wed, 10 Oct 2018 20:19:24 GMT GMT");
    bad("Wed, 10 Oct Oct 2018 20:19:24");
    bad("Wed, 10 Oct 2018 2019 20:19:24");
    bad("Wed, 10 Oct 2018 20:19:24 +0000 (UTC");
    bad("10 11 Oct 2018");
    bad("Oct 2018");
    bad("2018-13-10T20:19:24Z");
    bad("2018-10-00");
    bad("2018-10-10T20:19:24+");
    bad("2018-10-10T20:19:24ZZ");
    bad("2018-10-10T20");
    bad("2018-10-10T20:19:24.Z");
    bad("2018-1-10");
    bad("18-10-10");
    bad("1234567890123");
    bad("12ab");
    bad("-5");
    bad("Wed, 10 Oct 2018 20:19:24 +0000 trailing");
    bad("Wed, 10 Oct 2018 20:19:24 \xff\xfe");
    bad("\x01\x02\x03");
    bad("::::");
    bad("+0000");
    bad("Wed, 10 Oct 2018 20:19:24 J");

    /* The calendar arithmetic against the C library's timegm, over every
     * day of years 1 to 9999 (leap rules of 4, 100 and 400 included) with
     * a time of day and an offset that vary. */
    int wrong = 0, days = 0;
    for (int y = 1; y <= 9999; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                                .tm_hour = (d * 7) % 24, .tm_min = (d * 13) % 60, .tm_sec = (m * 11) % 60};
                int64_t want = (int64_t)timegm(&tm);
                if (tm.tm_mday != d)
                    continue; /* no such day: timegm moved it on */
                char buf[64];
                int off = ((d + m) % 5 - 2) * 150; /* -05:00 .. +05:00 */
                snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, (d * 7) % 24,
                         (d * 13) % 60, (m * 11) % 60, off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
                int64_t got = 0;
                days++;
                if (es_time_parse(buf, &got) != 0 || got != want - off * 60) {
                    if (wrong++ < 3)
                        diag("  %s: got %lld, want %lld", buf, (long long)got, (long long)(want - off * 60));
                }
            }
    ok(wrong == 0 && days == 3652059, "%d days of years 1-9999 agree with timegm (%d wrong)", days, wrong);

    int64_t e;
    is_int(es_time_parse(NULL, &e), ES_EINVAL, "NULL string is EINVAL");
    is_int(es_time_parse("0", NULL), ES_EINVAL, "NULL out is EINVAL");
    return done_testing();
}
