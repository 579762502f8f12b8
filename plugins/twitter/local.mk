# plugins/twitter: automake fragment, included by the top-level Makefile.am.
