/* core/util/numfmt: the number formats people read in the report, Slack,
 * webhook templates and email alerts, edges included. */
#include <math.h>
#include <string.h>

#include <earshot/numfmt.h>
#include <earshot/plugin.h>
#include "tap.h"

#define IS(call, want, desc)                 \
    do {                                     \
        char b_[64];                         \
        int l_ = (call);                     \
        is_str(b_, want, desc);              \
        is_int(l_, (long)strlen(want), desc " (length)"); \
    } while (0)

int main(void)
{
    IS(es_numfmt_percent(0.5, b_, sizeof b_), "50%", "a half");
    IS(es_numfmt_percent(2.0 / 3, b_, sizeof b_), "66.7%", "two thirds, one decimal");
    IS(es_numfmt_percent(0, b_, sizeof b_), "0%", "zero");
    IS(es_numfmt_percent(1, b_, sizeof b_), "100%", "all");
    IS(es_numfmt_percent(0.0001, b_, sizeof b_), "<0.1%", "a tiny share is not shown as 0");
    IS(es_numfmt_percent(0.99999, b_, sizeof b_), ">99.9%", "an almost-whole share is not shown as 100");
    IS(es_numfmt_percent(0.045, b_, sizeof b_), "4.5%", "four and a half percent");
    IS(es_numfmt_percent(NAN, b_, sizeof b_), "-", "NaN");

    IS(es_numfmt_p(8.796e-24, b_, sizeof b_), "p < 0.001", "a tiny p-value");
    IS(es_numfmt_p(0.0043, b_, sizeof b_), "p = 0.004", "p under 0.01 keeps three decimals");
    IS(es_numfmt_p(0.345, b_, sizeof b_), "p = 0.34", "p of a third");
    IS(es_numfmt_p(-1, b_, sizeof b_), "p = -", "an unknown p-value");

    IS(es_numfmt_int(1234567, b_, sizeof b_), "1,234,567", "thousands separators");
    IS(es_numfmt_int(-1000, b_, sizeof b_), "-1,000", "negative");
    IS(es_numfmt_int(999, b_, sizeof b_), "999", "no separator under 1000");

    IS(es_numfmt_compact(950, b_, sizeof b_), "950", "under a thousand");
    IS(es_numfmt_compact(12345, b_, sizeof b_), "12.3k", "thousands");
    IS(es_numfmt_compact(4500000, b_, sizeof b_), "4.5M", "millions");
    IS(es_numfmt_compact(999999, b_, sizeof b_), "1M", "rounds up to the next unit, not 1000k");
    IS(es_numfmt_compact(2000, b_, sizeof b_), "2k", "2k, no .0");

    IS(es_numfmt_number(3.24, b_, sizeof b_), "3.2", "one decimal");
    IS(es_numfmt_number(12.0, b_, sizeof b_), "12", "no .0");
    IS(es_numfmt_number(1250.4, b_, sizeof b_), "1,250", "none from 100 up");
    IS(es_numfmt_number(-0.01, b_, sizeof b_), "0", "no -0");

    char small[4];
    is_int(es_numfmt_p(0.5, small, sizeof small), ES_EINVAL, "a buffer too small is an error");
    is_str(small, "", "and leaves an empty text");
    return done_testing();
}
