/* The configuration as plain structs: config/cfg.c fills them from
 * libconfig, everything else reads them. Immutable once loaded. */
#ifndef CV_CORE_CONF_H
#define CV_CORE_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char	**v;		/* (owned) each string too */
	size_t	  n;
};

struct cfg_host {
	char		*name;		/* (owned) unique in the fleet */
	char		*type;		/* (owned) "kvm" or "hyperv" */
	int		 line;		/* line in the config file, 0 if none */

	/* kvm */
	char		*uri;		/* (owned) any libvirt URI */

	/* hyperv */
	char		*transport;	/* (owned) "ssh" (default) or "local" */
	char		*address;	/* (owned) NULL: the name */
	int		 port;		/* 0: ssh_config or 22 */
	char		*user;		/* (owned) NULL: ssh_config or login */
	char		*identity;	/* (owned) NULL: agent and ssh_config */
	char		*known_hosts;	/* (owned) NULL: ~/.ssh/known_hosts */
	char		*password;	/* (owned) NULL unless given */
	struct strv	 command;	/* local transport: argv */

	/* both */
	char		*platform;	/* (owned) NULL: detected */
	struct strv	 tags;
	bool		 demo;		/* figures may be simulated */
};

struct cfg {
	char		*path;		/* (owned) file read; NULL: none */
	double		 refresh;	/* seconds between polls */
	double		 slow_refresh;	/* seconds between block/balloon/vcpu */
	double		 connect_timeout; /* seconds for a connect */
	double		 poll_timeout;	/* seconds for one poll or action */
	double		 backoff_max;	/* seconds, cap of the retry delay */
	char		*theme;		/* (owned) */
	char		*journal;	/* (owned) NULL: the XDG path; "": off */
	bool		 mouse;
	struct strv	 confirm_by_name_tags;
	struct cfg_host	*hosts;		/* (owned) */
	size_t		 nhosts;

	/* From the command line, not the file. */
	bool		 read_only;
	bool		 no_color;
	bool		 demo;
};

void	cfg_init_defaults(struct cfg *);
void	cfg_free(struct cfg *);
void	cfg_host_free(struct cfg_host *);
void	strv_add(struct strv *, const char *);
void	strv_free(struct strv *);
bool	strv_has(const struct strv *, const char *);

#endif
