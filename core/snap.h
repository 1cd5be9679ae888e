/* Host snapshots: immutable, refcounted, one allocation each. A poller
 * builds one per poll and publishes it; consumers hold references. */
#ifndef CV_CORE_SNAP_H
#define CV_CORE_SNAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/* Figures present in a guest_snap; an absent figure is null, never 0. */
#define GS_VCPUS	(1u << 0)
#define GS_CPU		(1u << 1)
#define GS_MEM		(1u << 2)
#define GS_MEM_MAX	(1u << 3)
#define GS_MEM_USED	(1u << 4)
#define GS_DISK		(1u << 5)
#define GS_NET		(1u << 6)
#define GS_UPTIME	(1u << 7)

/* The rule of a verdict that waits for its host's platform: status
 * CERT_UNKNOWN, to be worked out once the platform is read. */
#define SNAP_CERT_PENDING	"pending"

struct guest_cert {
	enum cert_status status;
	const char	*reason;	/* (borrowed) never NULL */
	const char	*rule;		/* (borrowed) may be NULL */
	const char	*source;	/* (borrowed) may be NULL */
};

struct guest_snap {
	const char	*name;		/* all strings live in the snapshot */
	const char	*id;		/* UUID (KVM) or VMId (Hyper-V) */
	const char	*os;		/* human OS name; NULL: unknown */
	const char	*os_id;		/* short id such as "rhel9.2"; NULL */
	const char	*virt_type;	/* "kvm", "qemu", "hyperv"; NULL */
	const char	*machine;	/* machine type; NULL */
	const char	*heartbeat;	/* Hyper-V heartbeat name; NULL */
	const char	*config_version; /* Hyper-V configuration version */
	int		 generation;	/* Hyper-V 1 or 2; 0 unknown */
	enum guest_state state;
	enum guest_health health;
	unsigned	 have;		/* GS_* */
	int		 vcpus;
	double		 cpu_pct;	/* share of its vCPUs, 0..100 */
	uint64_t	 mem_bytes;
	uint64_t	 mem_max_bytes;
	uint64_t	 mem_used_bytes;
	double		 disk_rd_bps;
	double		 disk_wr_bps;
	double		 net_rx_bps;
	double		 net_tx_bps;
	int64_t		 uptime_s;
	struct guest_cert cert;
};

struct host_snap {
	atomic_int	 refs;
	const char	*name;
	const char	*type;		/* "kvm", "hyperv" */
	enum host_state	 state;
	const char	*error;		/* NULL unless down */
	const char	*platform;	/* platform id; NULL: unknown */
	bool		 platform_pending; /* not read yet: verdicts wait */
	const char	*hypervisor;	/* "QEMU 8.2.0"; NULL */
	const char	*hostname;	/* NULL */
	bool		 demo;		/* figures may be simulated */
	bool		 stale;		/* guests are from an earlier poll */
	uint64_t	 taken_ms;	/* monotonic, when built */
	uint64_t	 good_ms;	/* monotonic, last good poll; 0 never */
	int64_t		 good_wall;	/* wall clock of good_ms; 0 never */
	int64_t		 latency_ms;	/* last poll round trip; -1 none */
	unsigned	 polls;		/* good polls since start */
	size_t		 nguests;
	struct guest_snap *guests;	/* sorted by name, then id */
	size_t		 size;		/* bytes of the whole block */
	bool		 own_pages;	/* the block is mapped, not malloc'd */
};

/* The host fields a builder starts from; strings are copied. */
struct host_snap_info {
	const char	*name;
	const char	*type;
	enum host_state	 state;
	const char	*error;
	const char	*platform;
	bool		 platform_pending;
	const char	*hypervisor;
	const char	*hostname;
	bool		 demo;
	bool		 stale;
	uint64_t	 taken_ms;
	uint64_t	 good_ms;
	int64_t		 good_wall;
	int64_t		 latency_ms;
	unsigned	 polls;
};

struct snap_builder;

#define SNAP_NO_POS	((size_t)-1)	/* place unknown */

/* ---- building (one thread) ---- */
struct snap_builder	*snap_builder_create(const struct host_snap_info *,
			    size_t guests_hint);
struct snap_builder	*snap_builder_create_in(const struct host_snap_info *,
			    size_t guests_hint, struct host_snap *spare);
void			 snap_builder_add(struct snap_builder *,
			    const struct guest_snap *);
void			 snap_builder_add_at(struct snap_builder *,
			    const struct guest_snap *, size_t pos);
struct host_snap	*snap_builder_finish(struct snap_builder *);
struct host_snap	*snap_builder_finish_where(struct snap_builder *,
			    size_t *where);

/* ---- sharing (any thread) ---- */
struct host_snap	*snap_ref(const struct host_snap *);
void			 snap_unref(const struct host_snap *);
struct host_snap	*snap_release(const struct host_snap *);
void			 snap_discard(struct host_snap *spare);
const struct guest_snap	*snap_find_guest(const struct host_snap *,
			    const char *id);
bool			 snap_cert_pending(const struct guest_snap *);
uint64_t		 snap_old_at(const struct host_snap *, double);

#endif
