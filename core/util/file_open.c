#include <earshot/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <earshot/plugin.h>

static const char *kind_name(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    return "not a file";
}

int es_file_open_regular(const char *path, struct stat *st, char *err, size_t errlen)
{
    struct stat tmp;
    if (!st)
        st = &tmp;
    /* O_NONBLOCK: opening a FIFO for reading waits for a writer otherwise.
     * The type is taken from the open descriptor, not a prior stat(2), so a
     * file swapped in between cannot slip through. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s", strerror(e));
        return e == ENOENT ? ES_ENOENT : ES_EIO;
    }
    if (fstat(fd, st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        close(fd);
        return ES_EIO;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "is %s, not a regular file", kind_name(st->st_mode));
        close(fd);
        return ES_EINVAL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}
