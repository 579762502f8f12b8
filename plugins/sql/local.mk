# plugins/sql: automake fragment, included by the top-level Makefile.am.
