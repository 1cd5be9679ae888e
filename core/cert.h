/* The certification engine: host platform + guest OS + VM facts -> a
 * verdict (status, reason, rule, source, the conditions checked). Pure: no
 * I/O, no clock, no library; the matrix is read-only once loaded, so any
 * number of threads may evaluate against it at once. config/certs.c fills
 * the matrix from config/certifications.conf and the site files. */
#ifndef CV_CORE_CERT_H
#define CV_CORE_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

struct guest_cert;

/* ---- what crossvisor observes of one guest ---- */

/* How the guest OS was identified (research note 5.3): AGENT is high
 * confidence (qemu guest agent, Hyper-V KVP), METADATA medium (libosinfo
 * in the domain XML, written at install time: shown in the details), GUESS
 * low (a name heuristic: at most conditional). UNSAID changes nothing. */
#define CERT_IDSRC_LIST(_)					\
	_(UNSAID,	"unsaid")				\
	_(AGENT,	"agent")				\
	_(METADATA,	"metadata")				\
	_(GUESS,	"guess")

#define CERT_IDSRC_ENUM(id, name) CERT_IDSRC_##id,
enum cert_idsrc {
	CERT_IDSRC_LIST(CERT_IDSRC_ENUM)
	CERT_IDSRC__COUNT
};
#undef CERT_IDSRC_ENUM

/*
 * Every pointer is borrowed for the call only and may be NULL; an empty
 * string counts as NULL. A zero number means "not known". A zeroed struct
 * is valid: everything unknown.
 */
struct cert_input {
	const char	*hv_type;	/* "kvm", "hyperv" */
	const char	*platform;	/* DESIGN.md id: "rhel-9.4",
					   "windows-server-2022" */
	const char	*os_id;		/* libosinfo short id: "rhel9.4",
					   "win2k22", "sles15.5" */
	const char	*os;		/* human name; rules match os_id only */
	enum cert_idsrc	 os_idsrc;	/* how os_id was found */
	const char	*virt_type;	/* "kvm", "qemu" (TCG), "hyperv" */
	const char	*machine;	/* "pc-q35-7.2", "pc-i440fx-7.2" */
	int		 vcpus;
	uint64_t	 mem_max_bytes;
	int		 generation;	/* Hyper-V 1 or 2 */
	const char	*config_version; /* Hyper-V configuration, "10.0" */
	long		 today;		/* days since 1970-01-01, see
					   cert_day(); for end dates and
					   staleness */
};

/* ---- the verdict ---- */

#define CERT_REASON_LEN		320
#define CERT_ID_LEN		64
#define CERT_URL_LEN		512
#define CERT_TEXT_LEN		160
#define CERT_NOTE_LEN		256
#define CERT_DATE_LEN		16
#define CERT_CHECKS_MAX		16
#define CERT_SOURCES_MAX	4

/* What became of one condition. */
#define CERT_OUTCOME_LIST(_)					\
	_(PASS,		"pass")		/* observed and met */		\
	_(FAIL,		"fail")		/* observed and not met */	\
	_(UNCHECKED,	"unchecked")	/* the fact was not known */	\
	_(ADVISORY,	"advisory")	/* crossvisor cannot see it */

#define CERT_OUTCOME_ENUM(id, name) CERT_##id,
enum cert_outcome {
	CERT_OUTCOME_LIST(CERT_OUTCOME_ENUM)
	CERT_OUTCOME__COUNT
};
#undef CERT_OUTCOME_ENUM

/* What a failed condition does to the status. */
#define CERT_LEVEL_LIST(_)					\
	_(HARD,		"hard")		/* -> unsupported */		\
	_(SOFT,		"soft")		/* -> at most conditional */	\
	_(ADVISORY,	"advisory")	/* shown, never lowers */

#define CERT_LEVEL_ENUM(id, name) CERT_LEVEL_##id,
enum cert_level {
	CERT_LEVEL_LIST(CERT_LEVEL_ENUM)
	CERT_LEVEL__COUNT
};
#undef CERT_LEVEL_ENUM

struct cert_check {
	enum cert_outcome outcome;
	enum cert_level	 level;
	bool		 lowered;		/* it lowered the status */
	char		 from[CERT_ID_LEN];	/* row or rule id */
	char		 check[32];		/* "vcpus", "drivers" */
	char		 text[CERT_TEXT_LEN];	/* the requirement */
	char		 observed[64];		/* "300 vCPUs"; "" */
	char		 source[CERT_ID_LEN];	/* source id */
};

struct cert_verdict_source {
	char		 id[CERT_ID_LEN];
	char		 url[CERT_URL_LEN];
	char		 doc_date[CERT_DATE_LEN];
	char		 checked[CERT_DATE_LEN];
};

/*
 * A verdict holds everything in fixed buffers: no allocation, nothing
 * borrowed from the matrix, safe to copy and to keep after the matrix is
 * freed.
 */
struct cert_verdict {
	enum cert_status status;	/* the badge */
	enum cert_status row_status;	/* the matched row's own status */
	bool		 stale;		/* a source is older than allowed */
	char		 reason[CERT_REASON_LEN]; /* never empty */
	char		 rule[CERT_ID_LEN];	/* what decided the status:
						   a row or rule id, or
						   "tcg", "no-platform",
						   "no-guest", "no-identity",
						   "no-row", "no-data",
						   "identity" */
	char		 row[CERT_ID_LEN];	/* the matched row; "" */
	char		 row_where[CERT_ID_LEN]; /* "file.conf:120"; "" */
	char		 source[CERT_URL_LEN];	/* URL behind rule; "" */
	char		 checked[CERT_DATE_LEN]; /* oldest source date */
	char		 note[CERT_NOTE_LEN];	/* advice, details only */
	size_t		 nchecks;
	size_t		 nchecks_dropped;	/* beyond CERT_CHECKS_MAX */
	struct cert_check checks[CERT_CHECKS_MAX];
	size_t		 nsources;
	struct cert_verdict_source sources[CERT_SOURCES_MAX];
};

/* ---- the matrix (filled by config/certs.c, freed here) ---- */

/* The facts a condition can check. "other" is any name crossvisor cannot
 * observe ("drivers", "integration"): such a condition is advisory. */
#define CERT_KEY_LIST(_)					\
	_(VCPUS,	"vcpus")				\
	_(MEMORY_GIB,	"memory_gib")				\
	_(GENERATION,	"generation")				\
	_(MACHINE,	"machine")				\
	_(VIRT_TYPE,	"virt_type")				\
	_(CONFIG_VERSION, "config_version")			\
	_(DATE,		"date")					\
	_(OTHER,	NULL)

#define CERT_KEY_ENUM(id, name) CERT_KEY_##id,
enum cert_key {
	CERT_KEY_LIST(CERT_KEY_ENUM)
	CERT_KEY__COUNT
};
#undef CERT_KEY_ENUM

/* The test of a condition: "max", "min" (numbers; config_version:
 * versions), "is" (generation, machine, virt_type), "until" (date);
 * NONE for an advisory on a fact crossvisor cannot see. */
enum cert_op {
	CERT_OP_NONE,
	CERT_OP_MAX,
	CERT_OP_MIN,
	CERT_OP_IS,
	CERT_OP_UNTIL
};

struct cert_source {
	char		*id;		/* (owned) */
	char		*title;		/* (owned) may be NULL */
	char		*url;		/* (owned) */
	char		*doc_date;	/* (owned) "2025-06-19", "undated" */
	char		*checked;	/* (owned) "2026-11-25" */
	long		 checked_day;	/* the same, in days */
	const char	*file;		/* (borrowed) from matrix->files */
	int		 line;
};

struct cert_cond {
	enum cert_key	 key;
	char		*check;		/* (owned) the name as written */
	enum cert_op	 op;
	double		 num;		/* MAX, MIN with a number; UNTIL: day */
	char		*str;		/* (owned) IS, MIN with a version */
	int		 generation;	/* 0: any VM; else only this one */
	enum cert_level	 level;
	char		*text;		/* (owned) the requirement, in words */
	char		*source_id;	/* (owned) NULL: the owner's first */
	const struct cert_source *source; /* (borrowed) resolved */
	int		 line;
};

/* A row of the matrix, or a rule (a row without status, applied to every
 * guest it matches). */
struct cert_row {
	char		*id;		/* (owned) */
	const char	*file;		/* (borrowed) from matrix->files */
	int		 line;
	char		*hypervisor;	/* (owned) NULL: any */
	char		**platforms;	/* (owned) patterns */
	size_t		 nplatforms;
	char		**guests;	/* (owned) patterns */
	size_t		 nguests;
	enum cert_status status;	/* rows only */
	char		*reason;	/* (owned) rows only */
	char		*note;		/* (owned) may be NULL */
	char		**source_ids;	/* (owned) */
	int		*source_lines;	/* (owned) */
	const struct cert_source **sources; /* (owned array, borrowed
					   elements) resolved */
	size_t		 nsources;
	struct cert_cond *conds;	/* (owned) */
	size_t		 nconds;
};

struct cert_matrix {
	int		 stale_after_days; /* 0: never stale */
	char		*tcg_source_id;	/* (owned) */
	const struct cert_source *tcg_source; /* (borrowed) resolved */
	struct cert_source *sources;	/* (owned) */
	size_t		 nsources;
	struct cert_row	*rules;		/* (owned) all apply */
	size_t		 nrules;
	struct cert_row	*rows;		/* (owned) the first match wins */
	size_t		 nrows;
	char		**files;	/* (owned) every file read */
	size_t		 nfiles;
};

/* ---- evaluating (any thread) ---- */

/*
 * Fills *out for one guest. Order (the research note, 6.2):
 *  1. virt type "qemu" (TCG software emulation): unsupported, rule "tcg";
 *  2. no platform or no guest OS: unknown, rule "no-platform",
 *     "no-guest" or "no-identity", the reason saying which;
 *  3. otherwise the first row (file order: site rows, then the shipped
 *     ones; exceptions stand before general rows) whose hypervisor,
 *     platform and guest patterns match gives the status, reason and
 *     source; no row: unknown, rule "no-row";
 *  4. the row's conditions, then those of every matching rule (hard
 *     limits, end dates), can only lower that status: a failed hard one to
 *     unsupported, a failed soft one, or a hard or soft one whose fact is
 *     not known, to at most conditional; advisories never lower it but show
 *     in the reason ("assumed: ...") and in checks[];
 *  5. a guest identified only by a guess is at most conditional;
 *  6. a source checked more than stale_after_days before in->today marks
 *     the verdict stale and adds "(stale data: ...)" to the reason; the
 *     status stays.
 * The reason reads, in this order: what lowered the status ("not met: TEXT
 * (OBSERVED)", "not verified: TEXT (FACT unknown)"), the row's reason,
 * other failures, "note: TEXT (OBSERVED)" for advisories that crossvisor
 * saw fail, "assumed: TEXT" for those it cannot see, then the stale
 * suffix; it is cut with "..." before CERT_REASON_LEN, the suffix kept.
 * rule names what decided the status: the row, or the rule or "identity"
 * that lowered it; source is that one's URL. checks[] lists every
 * condition tested, for a details view.
 * With m NULL every guest is unknown, "no certification data loaded", and
 * it returns -1; else 0.
 */
int		 cert_evaluate(const struct cert_matrix *m,
		     const struct cert_input *in, struct cert_verdict *out);

/* Points g at v's buffers: v must outlive g's use (snap_builder_add copies
 * the strings, so a verdict on the stack is enough for a snapshot). */
void		 cert_verdict_apply(const struct cert_verdict *v,
		     struct guest_cert *g);

/* ---- helpers (pure) ---- */

/* Days since 1970-01-01 of a Unix time in seconds (UTC). */
long		 cert_day(int64_t unix_seconds);

/* "YYYY-MM-DD" to days since 1970-01-01; -1 if it is no valid date. */
int		 cert_day_parse(const char *ymd, long *day);

/* Days to "YYYY-MM-DD" in buf (at least 11 bytes). */
void		 cert_day_format(long day, char *buf, size_t len);

/* Compares dotted versions part by part as numbers: "8.10" > "8.5",
 * "9" == "9.0". Returns <0, 0, >0. */
int		 cert_version_cmp(const char *a, const char *b);

/*
 * Patterns, for platform = [ ... ] and guest = [ ... ], matched without
 * regard to case:
 *   "*"              anything;
 *   "azure-local*"   anything that begins so;
 *   "rhel9"          "rhel9" itself and, as it ends in a digit, "rhel9.x"
 *                    (not "rhel90");
 *   "rhel8.6+"       the stem "rhel" with a version of at least 8.6;
 *   "rhel7.0..7.8"   the stem "rhel" with 7.0 <= version <= 7.8.x.
 * For "+" and "..", an id with fewer version parts than the lower bound
 * ("rhel7" against "rhel7.0..7.8") does not match.
 */
bool		 cert_pattern_match(const char *pattern, const char *id);

/* NULL if the pattern is well formed, else why not. */
const char	*cert_pattern_check(const char *pattern);

/* Names of the enums above, for data files, JSON and the details view;
 * the *_from_name functions return -1 for an unknown name. */
const char	*cert_outcome_name(enum cert_outcome);
const char	*cert_level_name(enum cert_level);
int		 cert_level_from_name(const char *, enum cert_level *);
const char	*cert_key_name(enum cert_key);	/* NULL for OTHER */
enum cert_key	 cert_key_from_name(const char *); /* OTHER if unknown */
const char	*cert_idsrc_name(enum cert_idsrc);

/* ---- the matrix's lifetime ---- */

/* Frees a matrix built by certs_load(); NULL is fine. */
void		 cert_matrix_free(struct cert_matrix *);

/* Frees what one row or rule owns and zeroes it (for the loader). */
void		 cert_row_done(struct cert_row *);

#endif
