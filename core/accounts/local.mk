# core/accounts: the account inventory (official and lookalike accounts,
# owners), its store, reconciliation and the `accounts` command.
libescore_a_SOURCES += \
	core/accounts/inventory.c core/accounts/inventory.h \
	core/accounts/account_store.c core/accounts/account_store.h \
	core/accounts/reconcile.c core/accounts/reconcile.h core/accounts/cmd_accounts.c

check_PROGRAMS += tests/inventory_test
TESTS += tests/inventory_test
tests_inventory_test_SOURCES = tests/inventory_test.c tests/tap.h
tests_inventory_test_LDADD = $(ES_CORE_LIBS)
dist_check_SCRIPTS += tests/accounts_test.sh
TESTS += tests/accounts_test.sh
