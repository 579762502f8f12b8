# plugins/forum: automake fragment, included by the top-level Makefile.am.
