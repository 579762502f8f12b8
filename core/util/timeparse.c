/*
 * Hand-written date parser. strptime() would be shorter, but %a/%b follow the
 * process locale and feeds are always English, so we match names ourselves.
 */
#include <earshot/date.h>

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <earshot/plugin.h>

typedef struct {
    int year, mon, day, hour, min, sec;
    int have_year, have_mon, have_day, have_time, have_zone;
    int offset; /* seconds east of UTC */
} es_tp_fields_t;

static const char *const months[12] = {
    "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec",
};
static const char *const month_full[12] = {
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
};
static const char *const wdays[7] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat",
};
static const char *const wday_full[7] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};

/* RFC 822 names plus the handful that show up in real feeds. Ambiguous
 * abbreviations (IST, BST for non-British uses) are deliberately absent:
 * guessing wrong moves a mention by hours, rejecting it only loses the date. */
static const struct {
    const char *name;
    int hours;
} zones[] = {
    {"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0}, {"wet", 0},
    {"est", -5}, {"edt", -4}, {"cst", -6}, {"cdt", -5},
    {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7},
    {"akst", -9}, {"akdt", -8}, {"hst", -10},
    {"cet", 1}, {"cest", 2}, {"met", 1}, {"mest", 2}, {"eet", 2}, {"eest", 3},
    {"west", 1}, {"jst", 9},
};

static int days_in_month(int year, int mon)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return d[mon - 1];
}

/* Reads exactly n digits (n > 0) at *p. */
static int read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static size_t count_digits(const char *p)
{
    size_t n = 0;
    while (isdigit((unsigned char)p[n]))
        n++;
    return n;
}

/* Numeric offset "+hhmm", "+hh:mm" or "+hh" at *p; stops after it. */
static int read_offset(const char **p, int *offset)
{
    const char *s = *p;
    int sign, hh = 0, mm = 0;
    if (*s != '+' && *s != '-')
        return -1;
    sign = *s == '-' ? -1 : 1;
    s++;
    size_t n = count_digits(s);
    if (n == 4) {
        if (read_digits(&s, 2, &hh) || read_digits(&s, 2, &mm))
            return -1;
    } else if (n == 2) {
        read_digits(&s, 2, &hh);
        if (*s == ':') {
            s++;
            if (count_digits(s) != 2 || read_digits(&s, 2, &mm))
                return -1;
        }
    } else if (n == 1) {
        /* "GMT+1" is rare but unambiguous. */
        read_digits(&s, 1, &hh);
    } else {
        return -1;
    }
    if (hh > 23 || mm > 59)
        return -1;
    *offset = sign * (hh * 3600 + mm * 60);
    *p = s;
    return 0;
}

/* "hh:mm[:ss[.frac]]" at *p. */
static int read_clock(const char **p, es_tp_fields_t *f)
{
    const char *s = *p;
    size_t n = count_digits(s);
    if (n < 1 || n > 2)
        return -1;
    read_digits(&s, (int)n, &f->hour);
    if (*s++ != ':' || count_digits(s) != 2)
        return -1;
    read_digits(&s, 2, &f->min);
    f->sec = 0;
    if (*s == ':') {
        s++;
        if (count_digits(s) != 2)
            return -1;
        read_digits(&s, 2, &f->sec);
        if (*s == '.' || *s == ',') {
            s++;
            size_t fd = count_digits(s);
            if (fd == 0)
                return -1;
            s += fd; /* sub-second precision is not kept */
        }
    }
    if (f->hour > 24 || f->min > 59 || f->sec > 60)
        return -1;
    if (f->hour == 24 && (f->min || f->sec))
        return -1;
    f->have_time = 1;
    *p = s;
    return 0;
}

static int epoch_from_fields(const es_tp_fields_t *f, int64_t *epoch)
{
    if (f->year < 1 || f->year > 9999 || f->mon < 1 || f->mon > 12 ||
        f->day < 1 || f->day > days_in_month(f->year, f->mon))
        return ES_EPARSE;
    /* Days since 1970-01-01 in the proleptic Gregorian calendar, in closed
     * form (the "days from civil" algorithm: a year starting in March puts
     * the leap day last). glibc's timegm took twice as long as the rest
     * of the parse, once per mention. */
    int64_t y = f->year - (f->mon <= 2);
    int64_t era = y / 400; /* y >= 0 here */
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (f->mon + (f->mon > 2 ? -3 : 9)) + 2) / 5 + f->day - 1;
    int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    /* A leap second (sec 60) is folded into the next one rather than
     * refused: a feed item a second late is better than one without a
     * date. Hour 24 is the next day's midnight. */
    *epoch = days * 86400 + f->hour * 3600 + f->min * 60 + f->sec - f->offset;
    return 0;
}

/* RFC 3339 / ISO 8601 extended format, starting at a 4-digit year. */
static int parse_iso(const char *s, int64_t *epoch)
{
    es_tp_fields_t f = {0};
    if (read_digits(&s, 4, &f.year) || *s++ != '-' || count_digits(s) != 2 ||
        read_digits(&s, 2, &f.mon) || *s++ != '-' || count_digits(s) != 2 ||
        read_digits(&s, 2, &f.day))
        return ES_EPARSE;
    if (*s == 'T' || *s == 't' || (*s == ' ' && isdigit((unsigned char)s[1]))) {
        s++;
        if (read_clock(&s, &f))
            return ES_EPARSE;
        while (*s == ' ')
            s++;
        if (*s == 'Z' || *s == 'z') {
            s++;
        } else if (*s == '+' || *s == '-') {
            if (read_offset(&s, &f.offset))
                return ES_EPARSE;
        } else if (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0) {
            s += 3;
        }
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s)
        return ES_EPARSE;
    return epoch_from_fields(&f, epoch);
}

static int name_index(const char *tok, size_t len, const char *const *abbr,
                      const char *const *full, int n)
{
    for (int i = 0; i < n; i++) {
        if (len == 3 && strncasecmp(tok, abbr[i], 3) == 0)
            return i;
        if (len == strlen(full[i]) && strncasecmp(tok, full[i], len) == 0)
            return i;
        /* "Sept", "Tues", "Thur", "Thurs": abbreviations beyond three. */
        if (len == 4 && strncasecmp(tok, full[i], 4) == 0)
            return i;
        if (len == 5 && strncasecmp(tok, full[i], 5) == 0 && full == wday_full)
            return i;
    }
    return -1;
}

static int zone_by_name(const char *tok, size_t len, int *offset)
{
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (strlen(zones[i].name) == len && strncasecmp(tok, zones[i].name, len) == 0) {
            *offset = zones[i].hours * 3600;
            return 0;
        }
    }
    /* Military letters: RFC 822 defined them with the sign reversed, so
     * RFC 5322 4.3 says to treat them as -0000 (UTC). J is not a zone. */
    if (len == 1 && isalpha((unsigned char)*tok) && tolower((unsigned char)*tok) != 'j') {
        *offset = 0;
        return 0;
    }
    return -1;
}

/* Token-driven parser for RFC 822 and its relatives (Twitter, asctime-ish).
 * Each token is classified by shape, so the order of day/month/year/time/zone
 * can vary as long as every field is unambiguous. */
static int parse_words(const char *s, int64_t *epoch)
{
    es_tp_fields_t f = {0};
    int n_numbers_before_month = 0;

    while (*s) {
        while (isspace((unsigned char)*s) || *s == ',')
            s++;
        if (!*s)
            break;
        const char *tok = s;
        if (isalpha((unsigned char)*s)) {
            while (isalpha((unsigned char)*s))
                s++;
            size_t len = (size_t)(s - tok);
            if (*s == '.') /* "Oct." */
                s++;
            int i;
            if ((i = name_index(tok, len, months, month_full, 12)) >= 0) {
                if (f.have_mon)
                    return ES_EPARSE;
                f.mon = i + 1;
                f.have_mon = 1;
            } else if (name_index(tok, len, wdays, wday_full, 7) >= 0) {
                if (f.have_mon || f.have_day) /* weekday only leads */
                    return ES_EPARSE;
            } else if (!f.have_zone && (f.have_time || (f.have_mon && f.have_day)) &&
                       zone_by_name(tok, len, &f.offset) == 0) {
                f.have_zone = 1;
                if (*s == '+' || *s == '-') { /* "GMT+0200" */
                    if (read_offset(&s, &f.offset))
                        return ES_EPARSE;
                }
            } else {
                return ES_EPARSE;
            }
            continue;
        }
        if ((*s == '+' || *s == '-') && isdigit((unsigned char)s[1])) {
            if (f.have_zone || !f.have_time || read_offset(&s, &f.offset))
                return ES_EPARSE;
            f.have_zone = 1;
            if (*s == ' ' && s[1] == '(') { /* "+0000 (UTC)" comment */
                const char *close = strchr(s, ')');
                if (!close)
                    return ES_EPARSE;
                s = close + 1;
            }
            continue;
        }
        if (*s == '(') { /* RFC 822 comment */
            const char *close = strchr(s, ')');
            if (!close)
                return ES_EPARSE;
            s = close + 1;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            return ES_EPARSE;
        size_t n = count_digits(s);
        if (s[n] == ':') {
            if (f.have_time || read_clock(&s, &f))
                return ES_EPARSE;
            continue;
        }
        if (isalnum((unsigned char)s[n]) || (s[n] && !isspace((unsigned char)s[n]) && s[n] != ','))
            return ES_EPARSE;
        int v;
        if (n == 4) {
            if (f.have_year)
                return ES_EPARSE;
            read_digits(&s, 4, &f.year);
            f.have_year = 1;
        } else if (n <= 2) {
            read_digits(&s, (int)n, &v);
            if (!f.have_mon) {
                /* "10 Oct 2018": a number before the month is the day. */
                if (f.have_day || ++n_numbers_before_month > 1)
                    return ES_EPARSE;
                f.day = v;
                f.have_day = 1;
            } else if (!f.have_day) {
                f.day = v; /* "Oct 10 ..." */
                f.have_day = 1;
            } else if (!f.have_year && n == 2) {
                /* Two-digit years: RFC 5322 4.3's window. */
                f.year = v < 50 ? 2000 + v : 1900 + v;
                f.have_year = 1;
            } else {
                return ES_EPARSE;
            }
        } else {
            return ES_EPARSE;
        }
    }
    if (!f.have_year || !f.have_mon || !f.have_day)
        return ES_EPARSE;
    return epoch_from_fields(&f, epoch);
}

int es_time_parse(const char *s, int64_t *epoch)
{
    if (!s || !epoch)
        return ES_EINVAL;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = count_digits(s);
    if (n > 0) {
        const char *rest = s + n;
        while (isspace((unsigned char)*rest))
            rest++;
        if (*rest == '\0') {
            /* Bare epoch seconds; 12 digits reach year 33658, beyond which
             * it is garbage rather than a date. */
            if (n > 12)
                return ES_EPARSE;
            int64_t v = 0;
            for (size_t i = 0; i < n; i++)
                v = v * 10 + (s[i] - '0');
            *epoch = v;
            return 0;
        }
        if (n == 4 && s[4] == '-')
            return parse_iso(s, epoch);
    }
    return parse_words(s, epoch);
}
