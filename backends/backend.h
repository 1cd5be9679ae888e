/* The backend interface: raw figures as hypervisors give them, and the ops
 * table each backend fills. Ops run on their host's poller thread only,
 * never print, and return 0 or -1 with a cv_err. */
#ifndef CV_BACKENDS_BACKEND_H
#define CV_BACKENDS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/model.h"

struct cfg_host;
struct cv_err;
struct backend_conn;

/* Raw figures present in a raw_guest. */
#define RAW_VCPUS	(1u << 0)
#define RAW_CPU_TIME	(1u << 1)	/* cumulative ns over all vCPUs */
#define RAW_CPU_USAGE	(1u << 2)	/* instant % of the host's logical CPUs */
#define RAW_MEM		(1u << 3)
#define RAW_MEM_MAX	(1u << 4)
#define RAW_MEM_USED	(1u << 5)
#define RAW_DISK	(1u << 6)	/* cumulative bytes, read at slow_ns */
#define RAW_NET		(1u << 7)	/* cumulative bytes, read at taken_ns */
#define RAW_UPTIME	(1u << 8)

struct raw_guest {
	char		 id[40];
	const char	*name;		/* (borrowed) valid until next poll */
	const char	*os;		/* (borrowed) human name; NULL */
	const char	*os_id;		/* (borrowed) "rhel9.2"; NULL */
	bool		 os_by_guest;	/* the guest said it (agent, KVP),
					   not install-time metadata */
	const char	*virt_type;	/* (borrowed) NULL */
	const char	*machine;	/* (borrowed) NULL */
	const char	*heartbeat;	/* (borrowed) Hyper-V; NULL */
	const char	*config_version; /* (borrowed) Hyper-V; NULL */
	bool		 details_later;	/* OS, machine and the like come with
					   the next poll: the verdict waits */
	int		 generation;	/* Hyper-V 1 or 2; 0 unknown */
	enum guest_state state;
	enum guest_health health;
	unsigned	 have;		/* RAW_* */
	int		 vcpus;
	uint64_t	 cpu_time_ns;
	double		 cpu_usage;
	uint64_t	 mem_bytes;
	uint64_t	 mem_max_bytes;
	uint64_t	 mem_used_bytes;
	uint64_t	 disk_rd_bytes;
	uint64_t	 disk_wr_bytes;
	uint64_t	 slow_ns;	/* monotonic time of the slow groups */
	uint64_t	 net_rx_bytes;
	uint64_t	 net_tx_bytes;
	int64_t		 uptime_s;
};

struct raw_sample {
	bool		 defer_details;	/* in: this poll may leave to a later
					   one what takes a call per guest
					   (raw_guest.details_later) */
	uint64_t	 taken_ns;	/* monotonic, when the reply came */
	size_t		 n;
	size_t		 cap;
	struct raw_guest *guests;	/* (owned by the caller) */
};

struct raw_host {
	char		 hostname[256];
	char		 hypervisor[64];	/* "QEMU 8.2.0" */
	char		 platform[64];		/* "rhel-9.4"; "" unknown */
	char		 notice[256];		/* worth one event line; "" */
	int		 logical_cpus;		/* 0 unknown */
	bool		 platform_later;	/* open left the platform to
						   ops->platform */
	bool		 platform_retry;	/* its read failed on the way
						   (SSH): ops->platform may
						   try again later */
};

/* Settings from the top level of the config that backends need. */
struct backend_params {
	double		 timeout_s;	/* connect, and each step of it */
	double		 slow_refresh_s; /* cadence of the costly groups */
	double		 call_timeout_s; /* one poll or action */
	bool		 defer_platform; /* a platform read that takes a
					   session of its own may be left
					   to ops->platform */
};

struct backend_ops {
	const char	*type;		/* the config's type = */
	int		(*open)(const struct cfg_host *,
			    const struct backend_params *,
			    struct backend_conn **, struct raw_host *,
			    struct cv_err *);
	int		(*poll)(struct backend_conn *, struct raw_sample *,
			    struct cv_err *);
	int		(*act)(struct backend_conn *, const char *guest_id,
			    enum action, struct cv_err *);
	void		(*close)(struct backend_conn *);
	/* Reads what open left for later (raw_host.platform_later): fills
	 * platform, or notice when it cannot be detected. NULL: open always
	 * reads it. */
	int		(*platform)(struct backend_conn *, struct raw_host *,
			    struct cv_err *);
};

typedef const struct backend_ops *backend_find_fn(const char *);

const struct backend_ops	*backend_find(const char *type);
const struct backend_ops *const	*backend_all(void);

/* ---- helpers for backends ---- */
void			 raw_sample_reserve(struct raw_sample *, size_t n);
struct raw_guest	*raw_sample_next(struct raw_sample *);
void			 raw_sample_end(struct raw_sample *);
void			 raw_sample_free(struct raw_sample *);
uint64_t		 backend_now_ns(void);

#endif
