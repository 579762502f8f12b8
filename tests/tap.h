/*
 * Minimal TAP producer for C tests run by automake's tap-driver.sh.
 * Header-only so each test program stays one file. Not thread-safe.
 */
#ifndef EARSHOT_TAP_H
#define EARSHOT_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_n_ = 0, tap_failed_ = 0;

static void tap_vline_(int ok, const char *fmt, va_list ap)
{
    printf("%sok %d - ", ok ? "" : "not ", ++tap_n_);
    vprintf(fmt, ap);
    putchar('\n');
    if (!ok)
        tap_failed_++;
    fflush(stdout);
}

__attribute__((format(printf, 2, 3), unused))
static int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vline_(cond, fmt, ap);
    va_end(ap);
    return cond;
}

__attribute__((format(printf, 1, 2), unused))
static void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

/* Skips the whole test program (data or server missing). */
__attribute__((format(printf, 1, 2), noreturn, unused))
static void skip_all(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("1..0 # SKIP ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    exit(0);
}

#define is_int(got, want, ...)                                                 \
    do {                                                                       \
        long long g_ = (long long)(got), w_ = (long long)(want);               \
        if (!ok(g_ == w_, __VA_ARGS__))                                        \
            diag("  got %lld, want %lld", g_, w_);                             \
    } while (0)

#define is_str(got, want, ...)                                                 \
    do {                                                                       \
        const char *g_ = (got), *w_ = (want);                                  \
        int eq_ = (g_ == NULL && w_ == NULL) ||                                \
                  (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);           \
        if (!ok(eq_, __VA_ARGS__))                                             \
            diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)",              \
                 w_ ? w_ : "(null)");                                          \
    } while (0)

#define like(got, needle, ...)                                                 \
    do {                                                                       \
        const char *g_ = (got), *n_ = (needle);                                \
        if (!ok(g_ != NULL && strstr(g_, n_) != NULL, __VA_ARGS__))            \
            diag("  \"%s\" does not contain \"%s\"", g_ ? g_ : "(null)", n_);  \
    } while (0)

/* A deterministic xorshift64 generator for randomised tests: the same
 * sequence on every run, so a failure can be replayed. */
static uint64_t tap_rng_ = 88172645463325252ull;
__attribute__((unused)) static uint64_t tap_rand(void)
{
    tap_rng_ ^= tap_rng_ << 13;
    tap_rng_ ^= tap_rng_ >> 7;
    tap_rng_ ^= tap_rng_ << 17;
    return tap_rng_;
}

/* Removes a state directory a test opened (es__state_open's files). */
__attribute__((unused)) static void tap_rm_state_dir(const char *dir)
{
    char p[4096];
    const char *files[] = {"state.db", "state.db-wal", "state.db-shm", "state.lock"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Prints the plan and returns the exit status. */
static inline int done_testing(void)
{
    printf("1..%d\n", tap_n_);
    return tap_failed_ ? 1 : 0;
}

#endif
