/*
 * Numbers for people, installed as <earshot/numfmt.h>: one place decides how a share, a p-value, a count
 * or an expected value is written, so the report, the Slack payload,
 * webhook templates and email alerts all say "66.7%" and "p < 0.001"
 * rather than 0.6667 and 8.796e-24.
 *
 * Each writes a NUL-terminated text into buf and returns its length, or
 * ES_EINVAL when buf is too small (buf then holds "").
 */
#ifndef EARSHOT_NUMFMT_H
#define EARSHOT_NUMFMT_H

#include <stddef.h>

#include <earshot/plugin.h>

/* A share in [0, 1] as a percentage: "50%", "66.7%", "4.5%"; a tiny
 * non-zero share is "<0.1%" and an almost-whole one ">99.9%" so neither
 * reads as 0 or all. NaN is "-". */
ES_API int es_numfmt_percent(double share, char *buf, size_t n);
/* A p-value: "p < 0.001", "p = 0.012", "p = 0.35". */
ES_API int es_numfmt_p(double p, char *buf, size_t n);
/* A count with thousands separators: "1,234,567". */
ES_API int es_numfmt_int(long long v, char *buf, size_t n);
/* A large count, short: "950", "12.3k", "4.5M", "1.2B". */
ES_API int es_numfmt_compact(double v, char *buf, size_t n);
/* A measured value (an expected count): at most one decimal, none from
 * 100 up: "3.2", "12", "1,250". */
ES_API int es_numfmt_number(double v, char *buf, size_t n);

#endif
