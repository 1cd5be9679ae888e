/* The one table of configuration keys: type, range, default, help. The
 * loader, the unit tests and man/crossvisor.conf.5 follow it. Const: any
 * thread. */
#include "config/cfg.h"

#include <stddef.h>
#include <string.h>

#include "core/conf.h"

#define SECONDS(field) \
	.type = CFG_FLOAT, .off = offsetof(struct cfg, field), \
	.min = 0.2, .max = 3600, .unit = "seconds"

static const char *const cfg_table_types[] = { "kvm", "hyperv", NULL };
static const char *const cfg_table_transports[] = { "ssh", "local", NULL };

/*
 * The defaults of the top-level keys are set by cfg_init_defaults() in
 * core/conf.c; the def texts here must say the same (a unit test checks).
 */
static const struct cfg_key cfg_table[] = {
	/* ---- top level ---- */
	{ .name = "refresh", .scope = CFG_SCOPE_TOP, SECONDS(refresh),
	  .def = "2.0", .example = "2.0",
	  .help = "seconds between two polls of each host" },
	{ .name = "slow_refresh", .scope = CFG_SCOPE_TOP, SECONDS(slow_refresh),
	  .def = "10.0", .example = "30",
	  .help = "seconds between polls of the costly KVM statistics "
	      "(block, balloon, vCPU)" },
	{ .name = "connect_timeout", .scope = CFG_SCOPE_TOP,
	  SECONDS(connect_timeout),
	  .def = "15.0", .example = "5",
	  .help = "seconds allowed to connect, log in and read a host's identity" },
	{ .name = "poll_timeout", .scope = CFG_SCOPE_TOP, SECONDS(poll_timeout),
	  .def = "10.0", .example = "20.0",
	  .help = "seconds allowed for one poll or one action" },
	{ .name = "backoff_max", .scope = CFG_SCOPE_TOP, SECONDS(backoff_max),
	  .def = "60.0", .example = "300",
	  .help = "cap of the delay between reconnection attempts" },
	{ .name = "theme", .scope = CFG_SCOPE_TOP, .type = CFG_STRING,
	  .off = offsetof(struct cfg, theme), .flags = CFG_F_PATH,
	  .def = "\"default\"",
	  .example = "\"~/.config/crossvisor/dark.theme\"",
	  .help = "colour theme: a theme name or the path of a theme file" },
	{ .name = "journal", .scope = CFG_SCOPE_TOP, .type = CFG_STRING,
	  .off = offsetof(struct cfg, journal),
	  .flags = CFG_F_PATH | CFG_F_EMPTY,
	  .def = "\"$XDG_STATE_HOME/crossvisor/journal\"",
	  .example = "\"~/crossvisor-journal.log\"",
	  .help = "file every action and host up or down is appended to; "
	      "\"\" for none" },
	{ .name = "mouse", .scope = CFG_SCOPE_TOP, .type = CFG_BOOL,
	  .off = offsetof(struct cfg, mouse),
	  .def = "false", .example = "true",
	  .help = "accept mouse clicks and the wheel in the console" },
	{ .name = "confirm_by_name_tags", .scope = CFG_SCOPE_TOP,
	  .type = CFG_STRINGS,
	  .off = offsetof(struct cfg, confirm_by_name_tags),
	  .def = "[ \"prod\" ]", .example = "[ \"prod\", \"finance\" ]",
	  .help = "poweroff on a host with one of these tags asks for the "
	      "guest's name" },
	{ .name = "hosts", .scope = CFG_SCOPE_TOP, .type = CFG_HOSTS,
	  .off = offsetof(struct cfg, hosts),
	  .def = "( )", .example = "( { name = \"lab\"; type = \"kvm\"; "
	      "uri = \"qemu:///system\"; } )",
	  .help = "the hosts to watch, one group each" },

	/* ---- inside a host ---- */
	{ .name = "name", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, name),
	  .applies = CFG_FOR_ALL, .required = CFG_FOR_ALL,
	  .def = "required", .example = "\"kvm-a\"",
	  .help = "unique name of the host, the HOST in HOST/GUEST" },
	{ .name = "type", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, type),
	  .choices = cfg_table_types,
	  .applies = CFG_FOR_ALL, .required = CFG_FOR_ALL,
	  .def = "required", .example = "\"hyperv\"",
	  .help = "the hypervisor: kvm (libvirt) or hyperv (PowerShell)" },
	{ .name = "uri", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, uri),
	  .applies = CFG_FOR_KVM, .required = CFG_FOR_KVM,
	  .def = "required for kvm",
	  .example = "\"qemu+ssh://root@kvm-a.example.com/system\"",
	  .help = "libvirt connection URI of a kvm host" },
	{ .name = "platform", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, platform),
	  .applies = CFG_FOR_ALL,
	  .def = "detected", .example = "\"rhel-9.4\"",
	  .help = "platform id that overrides the detected one" },
	{ .name = "tags", .scope = CFG_SCOPE_HOST, .type = CFG_STRINGS,
	  .off = offsetof(struct cfg_host, tags),
	  .applies = CFG_FOR_ALL,
	  .def = "[ ]", .example = "[ \"prod\", \"db\" ]",
	  .help = "free labels, used by filters and confirm_by_name_tags" },
	{ .name = "transport", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, transport),
	  .choices = cfg_table_transports,
	  .applies = CFG_FOR_HYPERV,
	  .def = "\"ssh\"", .example = "\"local\"",
	  .help = "how a hyperv host is reached: ssh, or local to run a "
	      "command" },
	{ .name = "address", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, address),
	  .applies = CFG_FOR_SSH,
	  .def = "the name", .example = "\"hv-1.example.com\"",
	  .help = "DNS name or IP address, or a Host alias of ~/.ssh/config" },
	{ .name = "port", .scope = CFG_SCOPE_HOST, .type = CFG_INT,
	  .off = offsetof(struct cfg_host, port),
	  .min = 1, .max = 65535,
	  .applies = CFG_FOR_SSH,
	  .def = "from ~/.ssh/config, else 22", .example = "2222",
	  .help = "SSH port" },
	{ .name = "user", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, user),
	  .applies = CFG_FOR_SSH,
	  .def = "from ~/.ssh/config, else the login name",
	  .example = "\"Administrator\"",
	  .help = "SSH user name" },
	{ .name = "identity", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, identity), .flags = CFG_F_PATH,
	  .applies = CFG_FOR_SSH,
	  .def = "ssh-agent and ~/.ssh/config",
	  .example = "\"~/.ssh/id_ed25519\"",
	  .help = "private key file for SSH public key authentication" },
	{ .name = "known_hosts", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, known_hosts), .flags = CFG_F_PATH,
	  .applies = CFG_FOR_SSH,
	  .def = "\"~/.ssh/known_hosts\"",
	  .example = "\"~/.config/crossvisor/known_hosts\"",
	  .help = "file of trusted host keys" },
	{ .name = "password", .scope = CFG_SCOPE_HOST, .type = CFG_STRING,
	  .off = offsetof(struct cfg_host, password), .flags = CFG_F_SECRET,
	  .applies = CFG_FOR_SSH,
	  .def = "none", .example = "\"correct horse\"",
	  .help = "SSH password, for hosts that take nothing else" },
	{ .name = "command", .scope = CFG_SCOPE_HOST, .type = CFG_STRINGS,
	  .off = offsetof(struct cfg_host, command),
	  .applies = CFG_FOR_LOCAL, .required = CFG_FOR_LOCAL,
	  .def = "required for local",
	  .example = "[ \"tests/sim/hvsim\", \"--state\", \"lab.json\" ]",
	  .help = "argv run in place of PowerShell over SSH" },
};

#define CFG_TABLE_N (sizeof cfg_table / sizeof cfg_table[0])

const struct cfg_key *
cfg_table_lookup(enum cfg_scope scope, const char *name)
{
	size_t	i;

	for (i = 0; i < CFG_TABLE_N; i++) {
		if (cfg_table[i].scope == scope &&
		    strcmp(cfg_table[i].name, name) == 0)
			return &cfg_table[i];
	}
	return NULL;
}

const struct cfg_key *
cfg_table_find(const char *scope, const char *name)
{
	if (strcmp(scope, cfg_scope_name(CFG_SCOPE_TOP)) == 0)
		return cfg_table_lookup(CFG_SCOPE_TOP, name);
	if (strcmp(scope, cfg_scope_name(CFG_SCOPE_HOST)) == 0)
		return cfg_table_lookup(CFG_SCOPE_HOST, name);
	return NULL;
}

const struct cfg_key *
cfg_table_next(const struct cfg_key *k)
{
	if (k == NULL)
		return &cfg_table[0];
	if (k + 1 == &cfg_table[CFG_TABLE_N])
		return NULL;
	return k + 1;
}

const char *
cfg_scope_name(enum cfg_scope scope)
{
	return scope == CFG_SCOPE_HOST ? "host" : "top";
}

const char *
cfg_type_name(enum cfg_type type)
{
	static const char *const names[] = {
#define CFG_TYPE_NAME(id, name) name,
		CFG_TYPE_LIST(CFG_TYPE_NAME)
#undef CFG_TYPE_NAME
	};

	if ((unsigned)type >= CFG_TYPE__COUNT)
		return "value";
	return names[type];
}
