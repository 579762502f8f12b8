# core/spike: automake fragment, included by the top-level Makefile.am.

libescore_a_SOURCES += \
	core/spike/spike.h core/spike/internal.h core/spike/detector.h \
	core/spike/spike.c core/spike/baseline.c core/spike/tail.c core/spike/terms.c \
	core/spike/store.c
