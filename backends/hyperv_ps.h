/* PowerShell output, as real Windows hosts print it, into plain structs.
 * Pure: no I/O, no libssh; unit-tested on captured fixtures (tig's
 * io_from_string seam). Runs on the poller thread. */
#ifndef CV_BACKENDS_HYPERV_PS_H
#define CV_BACKENDS_HYPERV_PS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

struct cv_err;

/* ---- the byte stream ---- */

/* Text decoded from what a host wrote: UTF-8 with or without BOM, or
 * UTF-16LE with BOM (once seen at the start of a stream, the rest of it is
 * UTF-16LE too); CRLF becomes LF; invalid sequences become U+FFFD. */
struct hvps_text {
	char	*s;		/* (owned) NUL-terminated UTF-8 */
	size_t	 len;
};

int	hvps_decode(const char *buf, size_t len, bool *utf16,
	    struct hvps_text *out);
void	hvps_text_free(struct hvps_text *);

/* Finds the answer to request n in decoded stdout: the JSON after
 * "@@CV@@ <n> " and whether "@@CVDONE@@ <n>" followed. Lines around it
 * (banners, warnings) are ignored. Returns 1 found, 0 not (yet), and
 * sets *json / *jsonlen to point into text. */
int	hvps_find_answer(const char *text, unsigned n, const char **json,
	    size_t *jsonlen, bool *done);

/* Stderr: CLIXML blocks ("#< CLIXML" then <Objs>...</Objs>, maybe several)
 * and plain text. Returns 1 and the first error record's message (decoded:
 * XML entities, _xHHHH_ escapes, CR/LF folded) when there is one, 0 when
 * the stream holds only progress records or nothing, and for plain text
 * that is not CLIXML returns 1 with its first non-empty line. */
int	hvps_stderr_error(const char *text, char *msg, size_t msglen);

/* ---- answers ---- */

/* A PowerShell error envelope {"error":{message,category,fqid,target}}. */
enum hvps_errclass {
	HVPS_ERR_FAILED,
	HVPS_ERR_NOTFOUND,
	HVPS_ERR_STATE,		/* the VM's state does not allow it */
	HVPS_ERR_DENIED,
	HVPS_ERR_UNSUPPORTED	/* NoShutdownService, NoGracefulReboot */
};

struct hvps_error {
	enum hvps_errclass	cls;
	char			message[256];
	char			category[64];
	char			fqid[160];
};

/* Returns 1 and fills e when json is an error envelope, else 0. */
int	hvps_parse_error(const char *json, size_t len, struct hvps_error *e);

#define HVVM_CPU	(1u << 0)
#define HVVM_VCPUS	(1u << 1)
#define HVVM_MEM	(1u << 2)	/* MemoryAssigned */
#define HVVM_DEMAND	(1u << 3)
#define HVVM_STARTUP	(1u << 4)
#define HVVM_UPTIME	(1u << 5)
#define HVVM_GEN	(1u << 6)

/* The guest's own words through the KVP exchange; "" when not given. */
struct hvps_kvp {
	char	os_name[128];
	char	os_version[64];
	char	os_major[16];
	char	os_minor[16];
	char	os_build[32];
	char	product_type[8];
};

struct hvps_vm {
	char			 id[40];	/* lower case */
	char			*name;		/* (owned) */
	enum guest_state	 state;
	enum guest_health	 health;	/* of the state only:
						 * CRITICAL for *Critical */
	char			 state_name[32];/* as the host said it; a
						 * stable number by name */
	char			 heartbeat[32];	/* "" when null; by name */
	char			 version[16];	/* configuration version */
	unsigned		 have;		/* HVVM_* */
	double			 cpu_usage;	/* % of the host's logical CPUs */
	int			 vcpus;
	uint64_t		 mem_assigned;
	uint64_t		 mem_demand;
	uint64_t		 mem_startup;
	int64_t			 uptime_s;
	int			 generation;
	bool			 has_kvp;
	struct hvps_kvp		 kvp;
};

struct hvps_host {
	char		computer_name[64];
	char		caption[128];
	char		version[32];
	char		build[16];
	int		product_type;		/* 0 unknown */
	int		logical_cpus;		/* 0 unknown */
	uint64_t	total_mem;		/* 0 unknown */
};

struct hvps_poll {
	struct hvps_host	 host;
	struct hvps_vm		*vms;		/* (owned) */
	size_t			 nvms;
};

/* Parses a poll answer. Accepts what the shipped poll.ps1 prints and the raw
 * Windows PowerShell 5.1 shapes it avoids: one VM as an object instead of
 * an array, enums as numbers or names, Uptime as a TimeSpan object or as
 * seconds, "\/Date(ms)\/" and ISO dates, nulls, missing fields. */
int	hvps_parse_poll(const char *json, size_t len, struct hvps_poll *,
	    struct cv_err *);
void	hvps_poll_free(struct hvps_poll *);

/* An action answer: {"result":"done"|"noop","message":...}. */
struct hvps_action {
	bool	noop;
	char	message[256];
};

int	hvps_parse_action(const char *json, size_t len, struct hvps_action *,
	    struct cv_err *);

/* ---- names ---- */

/* State from its enum name ("Running", "FastSaved", "RunningCritical") or
 * its number as a string ("2"); *Critical states give the base state and
 * HEALTH_CRITICAL. Numbers of 32779 and above differ between Windows
 * versions and give GUEST_UNKNOWN. */
enum guest_state	hvps_state(const char *, enum guest_health *);
/* Health from the heartbeat name or number: OkApplicationsHealthy and
 * OkApplicationsUnknown ok, OkApplicationsCritical degraded, Error,
 * LostCommunication critical, others and "" none. */
enum guest_health	hvps_heartbeat(const char *);

/* A date as Windows PowerShell 5.1 ("\/Date(1579058571826)\/", with or
 * without the JSON backslashes) or PowerShell 7 (ISO 8601, with or without
 * a zone; none means UTC) writes it: 0 and milliseconds since 1970 UTC, or
 * -1. */
int			hvps_date(const char *, int64_t *);

#endif
