/*
 * Date/time parsing for the formats feeds and APIs actually send,
 * installed as <earshot/date.h>.
 *
 * Accepted (case-insensitive, surrounding whitespace ignored):
 *   - RFC 822/1123/2822/5322: "Wed, 10 Oct 2018 20:19:24 +0000", with or
 *     without the weekday, 2- or 4-digit year, seconds optional, zone as
 *     +hhmm/-hhmm/+hh:mm, UT/UTC/GMT/Z, the US zones (EST..PDT), military
 *     letters, or absent (UTC assumed); "GMT+0200" style zones too.
 *   - RFC 3339 / ISO 8601 extended: "2018-10-10T20:19:24.123+02:00",
 *     'T', 't' or a space between date and time, Z/±hh:mm/±hhmm/±hh, or a
 *     bare date "2018-10-10" (midnight UTC).
 *   - Twitter's created_at: "Wed Oct 10 20:19:24 +0000 2018".
 *   - Bare epoch seconds: "1539202764".
 *
 * No locale is consulted, nothing is cached: safe from any thread.
 */
#ifndef EARSHOT_DATE_H
#define EARSHOT_DATE_H

#include <stdint.h>

#include <earshot/plugin.h>

/* Parses s into UTC seconds since the epoch. Returns 0, ES_EINVAL (NULL
 * argument) or ES_EPARSE (anything else); *epoch is untouched on error. */
ES_API int es_time_parse(const char *s, int64_t *epoch);

#endif
