/* The simulated Hyper-V host: its state file (JSON, shared by every
 * simulator process that names it, changed under a lock and replaced
 * atomically), the clock, and views of the host and its VMs with the
 * defaults and live figures that Get-VM would show. Single-threaded. */
#ifndef CV_SIM_STATE_H
#define CV_SIM_STATE_H

#include <stddef.h>
#include <time.h>

struct json_object;
struct ps_err;

/* What a VMState means for the figures Get-VM shows. */
enum state_power {
	STATE_OFF,		/* no worker process: Off, Saved, ... */
	STATE_RUNNING,		/* Running, RunningCritical */
	STATE_PAUSED,		/* Paused, PausedCritical */
	STATE_BUSY		/* Starting, Stopping, Saving, ... */
};

struct state {
	char			*path;		/* (owned) or NULL */
	struct json_object	*root;		/* (owned) */
	struct json_object	*host;		/* (borrowed) or NULL */
	struct json_object	*vms;		/* (borrowed) or NULL */
	size_t			 nvms;
	char			(*ids)[37];	/* (owned) of each VM */
	time_t			 anchor;	/* uptimes are at */
};

/* A string held elsewhere (state file, literal). */
struct state_str {
	const char	*s;		/* (borrowed) */
	size_t		 len;
};

struct state_host {
	struct state_str	 name;		/* $env:COMPUTERNAME */
	char			 name_buf[16];
	struct state_str	 caption;
	struct state_str	 version;
	char			 version_buf[32];
	struct state_str	 build;
	char			 build_buf[24];
	long long		 product_type;
	long long		 lps;
	long long		 memory;	/* bytes, whole KiB */
	int			 restart_has_type;
	const char		*vm_version;	/* default VM Version */
};

struct state_vm {
	struct json_object	*obj;		/* (borrowed) */
	const char		*id;		/* (borrowed) */
	struct state_str	 name;
	char			 state[32];	/* [string]$vm.State */
	enum state_power	 power;
	struct state_str	 status;
	long long		 cpu;
	long long		 vcpus;
	long long		 mem_assigned;
	long long		 mem_demand;
	long long		 mem_startup;
	long long		 uptime;
	long long		 frozen;	/* uptime that Saved keeps */
	long long		 generation;
	struct state_str	 version;
	struct state_str	 heartbeat;	/* "" for $null */
	struct state_str	 is_state;	/* IntegrationServicesState */
	struct json_object	*kvp;		/* (borrowed) or NULL */
	int			 shutdown_ok;	/* Shutdown IC is OK */
};

/* ---- clock ---- */
time_t	state_now(void);
int	state_clock_fake(void);

/* ---- file ---- */
int	state_load(struct state *, const char *, struct ps_err *);
int	state_save(struct state *, struct ps_err *);
int	state_lock(const char *, struct ps_err *);
void	state_unlock(int);
void	state_done(struct state *);

/* ---- views ---- */
int	state_guid(const char *, size_t, char *);
void	state_get_host(const struct state *, struct state_host *);
void	state_get_vm(const struct state *, const struct state_host *,
	    size_t, time_t, struct state_vm *);
int	state_find_vm(const struct state *, const char *);
int	state_power_of(const char *);

/* ---- changes (made under state_lock, then state_save) ---- */
void	state_vm_set(struct state_vm *, const char *);
void	state_vm_boot(struct state_vm *, time_t);
void	state_vm_freeze(struct state_vm *, long long);
void	state_vm_stop(struct state_vm *);
void	state_vm_checkpoint(struct state_vm *, const char *);

#endif
