# bench/bench.mk: the benchmark programs and `make bench` (see bench/README.md).
# Included by the top Makefile; uses its CV_CFLAGS, LIBS_* and objects.

BENCH_BINS	 = bench/floor bench/measure bench/frame bench/ptyrun \
		   bench/hvpoll
BENCH_PROCSTAT	 = bench/procstat.c bench/procstat.h

bench/floor: bench/floor.c $(BENCH_PROCSTAT)
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ bench/floor.c \
	    bench/procstat.c $(LIBS_LIB)

bench/measure: bench/measure.c $(BENCH_PROCSTAT)
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ bench/measure.c \
	    bench/procstat.c

bench/ptyrun: bench/ptyrun.c $(BENCH_PROCSTAT)
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ bench/ptyrun.c \
	    bench/procstat.c

bench/frame: bench/frame.c $(BENCH_PROCSTAT) $(TUI_OBJS) libcv.a
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ bench/frame.c \
	    bench/procstat.c $(TUI_OBJS) libcv.a $(LIBS_TUI) $(LIBS_LIB)

bench/hvpoll: bench/hvpoll.c $(BENCH_PROCSTAT) libcv.a
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ bench/hvpoll.c \
	    bench/procstat.c libcv.a $(LIBS_LIB)

bench-bins: all $(BENCH_BINS)

# Not part of make check: minutes of CPU on purpose. BENCH_QUICK=1 for a
# shorter run with fewer repetitions.
bench-run: bench-bins
	@bash bench/run.sh

clean-bench:
	rm -f $(BENCH_BINS) bench/*.d

.PHONY: bench bench-bins bench-run clean-bench
