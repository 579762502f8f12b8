# core/state: the state database (SQLite, WAL) and every statement run on
# it: migrations, checkpoints, seen ids, spools and dead letters (with the
# operator's queries), the account tables and their reconciliation, the
# spike detector's series, a copy for dry runs, the loop turn's
# transaction (txn.c); WAL
# checkpoints off the loop and the single-instance lock.
libescore_a_SOURCES += \
	core/state/state.c core/state/state.h core/state/state_lock.c core/state/state_lock.h \
	core/state/state_ckpt.c core/state/state_ckpt.h core/state/spool_admin.c \
	core/state/account_store.c core/state/account_store.h core/state/reconcile.c core/state/reconcile.h \
	core/state/state_conn.h core/state/spike_store.c core/state/spike_store.h core/state/state_copy.c \
	core/state/txn.c core/state/txn.h core/state/state_memo.c core/state/state_memo.h

check_PROGRAMS += tests/txn_test
TESTS += tests/txn_test
tests_txn_test_SOURCES = tests/txn_test.c tests/tap.h
tests_txn_test_LDADD = $(ES_CORE_LIBS)
check_PROGRAMS += tests/state_memo_test
TESTS += tests/state_memo_test
tests_state_memo_test_SOURCES = tests/state_memo_test.c tests/tap.h
tests_state_memo_test_LDADD = $(ES_CORE_LIBS)
