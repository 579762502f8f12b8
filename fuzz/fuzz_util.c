/* Helpers shared by every harness; see fuzz.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static char fuzz_dir[64];

static void remove_dir(void)
{
    /* Only the one file a harness writes lives there. */
    char path[128];
    snprintf(path, sizeof path, "%s/input", fuzz_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/accounts.csv", fuzz_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/earshot.conf", fuzz_dir);
    unlink(path);
    rmdir(fuzz_dir);
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[160];
    if (!fuzz_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/esfuzz.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir))
            abort();
        atexit(remove_dir);
    }
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        abort();
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    close(fd);
    return path;
}
