/*
 * One agent per state directory. Two `earshot run` (or a run and an
 * import) on the same spool and checkpoints would both deliver what they
 * hold and move each other's checkpoints; the second one is refused. The
 * lock is flock() on STATE_DIR/earshot.pid, which holds the agent's pid: the
 * kernel releases it when the process dies, SIGKILL included, so a crash
 * never leaves a stale lock behind.
 */
#ifndef ES_STATE_LOCK_H
#define ES_STATE_LOCK_H

#include <stddef.h>

/* Takes the lock of state_dir (created if needed) for this process and
 * writes its pid; *fd keeps it until es__state_unlock() or exit. Returns 0,
 * ES_EAGAIN when another process holds it (err names its pid), or ES_EIO
 * (err says why). */
int es__state_lock(const char *state_dir, int *fd, char *err, size_t errlen);
void es__state_unlock(int fd);
/* The pid of the live process holding state_dir's lock, -1 when one holds
 * it but its pid cannot be read, or 0 when none does (never started, or
 * exited: the kernel dropped its lock). Holds no lock itself beyond the
 * instant of the test. */
long es__state_lock_owner(const char *state_dir);

#endif
