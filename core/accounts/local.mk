# core/accounts: the account inventory (official and lookalike accounts,
# owners) and the `accounts` command; what the state database remembers
# of accounts, and the reconciliation queries over it, are core/state's.
libescore_a_SOURCES += \
	core/accounts/inventory.c core/accounts/inventory.h core/accounts/cmd_accounts.c

check_PROGRAMS += tests/inventory_test
TESTS += tests/inventory_test
tests_inventory_test_SOURCES = tests/inventory_test.c tests/tap.h
tests_inventory_test_LDADD = $(ES_CORE_LIBS)
dist_check_SCRIPTS += tests/accounts_test.sh
TESTS += tests/accounts_test.sh
