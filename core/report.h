/* Batch output: one refresh of the fleet as text, CSV or a JSON line, in
 * the shape DESIGN.md fixes. Pure apart from the FILE it writes to. */
#ifndef CV_CORE_REPORT_H
#define CV_CORE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct fleet_view;

enum report_format {
	REPORT_TEXT,
	REPORT_CSV,
	REPORT_JSON
};

/* When the refresh was taken, for ages and staleness. */
struct report_clock {
	int64_t		wall;		/* seconds since the epoch */
	uint64_t	mono_ms;	/* same instant, monotonic */
	double		refresh;	/* seconds; rows older than 3x are stale */
};

int	report_format_from_name(const char *, enum report_format *);
void	report_batch(FILE *, enum report_format, const struct fleet_view *,
	    const struct report_clock *, bool first);
void	report_audit(FILE *, enum report_format, const struct fleet_view *,
	    int64_t wall);
void	report_json_string(FILE *, const char *);
void	report_csv_field(FILE *, const char *);

#endif
