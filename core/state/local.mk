# core/state: the state database (SQLite, WAL) with its migrations, source
# checkpoints and the single-instance lock.
libescore_a_SOURCES += \
	core/state/state.c core/state/state.h core/state/state_lock.c core/state/state_lock.h \
	core/state/state_ckpt.c core/state/state_ckpt.h
