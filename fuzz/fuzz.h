/*
 * Shared by the harnesses: each one is a libFuzzer target
 * (LLVMFuzzerTestOneInput) that `make fuzz` builds with clang and that
 * fuzz/replay_main.c drives over the seed corpora and crash reproducers in
 * the normal test suite (tests/fuzz_replay.sh).
 */
#ifndef EARSHOT_FUZZ_H
#define EARSHOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: harnesses that need setup define it; replay_main.c calls it. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A malloc'd NUL-terminated copy of data (parsers that want C strings);
 * aborts on ENOMEM: a fuzz target has no better answer. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Writes data into a fresh file inside a private temporary directory and
 * returns its path (static storage, valid until the next call). The
 * directory holds nothing else, so loaders that look for siblings (the
 * config's conf.d) find nothing. Aborts on I/O errors. */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);

#endif
