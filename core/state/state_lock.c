#include "state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <earshot/plugin.h>
#include "util.h"

static int lock_path(const char *state_dir, char *path, size_t cap)
{
    int n = snprintf(path, cap, "%s/earshot.pid", state_dir);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static long read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int es__state_lock(const char *state_dir, int *fd, char *err, size_t errlen)
{
    char path[4096];
    *fd = -1;
    if (lock_path(state_dir, path, sizeof path) < 0) {
        snprintf(err, errlen, "%s: path too long", state_dir);
        return ES_EIO;
    }
    /* The first start creates the state directory. */
    int f = es__mkdir_p(state_dir, 0750) < 0 ? -1 : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return ES_EIO;
    }
    if (flock(f, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        long pid = read_pid(f);
        close(f);
        if (e == EWOULDBLOCK) {
            snprintf(err, errlen,
                     "state directory %s is in use by another earshot (pid %ld): one agent per state "
                     "directory",
                     state_dir, pid);
            return ES_EAGAIN;
        }
        snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e));
        return ES_EIO;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) < 0 || pwrite(f, buf, (size_t)n, 0) != n) {
        /* The lock holds without the pid: only messages lose it. */
    }
    *fd = f;
    return 0;
}

long es__state_lock_owner(const char *state_dir)
{
    char path[4096];
    if (lock_path(state_dir, path, sizeof path) < 0)
        return 0;
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return 0;
    long pid = 0;
    if (flock(f, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
        pid = read_pid(f) > 0 ? read_pid(f) : -1;
    close(f); /* and with it the test lock, if it was taken */
    return pid;
}

void es__state_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}
