/* The simulated host's state: a JSON file that several simulator
 * processes share (actions change it under a sidecar flock and replace it
 * with rename(2), so readers need no lock), the clock (honouring
 * CROSSVISOR_FAKE_CLOCK), and the figures Get-VM would show, with
 * defaults for what the file leaves out. Single-threaded. */
#include "tests/sim/state.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backends/hyperv_scripts.h"
#include "tests/sim/buf.h"
#include "tests/sim/ps.h"

/* A VM without an Id of its own, while Ids are derived. */
struct state_key {
	uint64_t	 hash;		/* of the name */
	size_t		 index;		/* in vms */
	struct state_str name;
};

#define STATE_MAXFILE	(256u << 20)
#define STATE_MAXTIME	1000000000000000LL	/* s, 3e7 years */
#define GIB		(1024LL * 1024 * 1024)
#define MIB		(1024LL * 1024)

/* Microsoft.HyperV.PowerShell.VMState names. */
static const struct {
	const char		*name;
	enum state_power	 power;
} state_names[] = {
	{ "Other", STATE_OFF },
	{ "Running", STATE_RUNNING },
	{ "Off", STATE_OFF },
	{ "Stopping", STATE_BUSY },
	{ "Saved", STATE_OFF },
	{ "Paused", STATE_PAUSED },
	{ "Starting", STATE_BUSY },
	{ "Reset", STATE_BUSY },
	{ "Saving", STATE_BUSY },
	{ "Pausing", STATE_BUSY },
	{ "Resuming", STATE_BUSY },
	{ "FastSaved", STATE_OFF },
	{ "FastSaving", STATE_BUSY },
	{ "ForceShutdown", STATE_BUSY },
	{ "ForceReboot", STATE_BUSY },
	{ "Hibernated", STATE_OFF },
	{ "ComponentServicing", STATE_BUSY },
	{ "RunningCritical", STATE_RUNNING },
	{ "OffCritical", STATE_OFF },
	{ "StoppingCritical", STATE_BUSY },
	{ "SavedCritical", STATE_OFF },
	{ "PausedCritical", STATE_PAUSED },
	{ "StartingCritical", STATE_BUSY },
	{ "ResetCritical", STATE_BUSY },
	{ "SavingCritical", STATE_BUSY },
	{ "PausingCritical", STATE_BUSY },
	{ "ResumingCritical", STATE_BUSY },
	{ "FastSavedCritical", STATE_OFF },
	{ "FastSavingCritical", STATE_BUSY },
};

static uint64_t		 mix(uint64_t);
static double		 u01(uint64_t);
static uint64_t		 seed_of(const char *);
static struct json_object *field(struct json_object *, const char *);
static int		 jint(struct json_object *, const char *,
			    long long *);
static int		 jstr(struct json_object *, const char *,
			    struct state_str *);
static int		 jscalar(struct json_object *, const char *,
			    struct state_str *);
static void		 str_set(struct state_str *, const char *);
static void		 derive_id(const char *, size_t, unsigned, char *);
static int		 key_cmp(const void *, const void *);
static long long	 clamp(long long);
static int		 index_vms(struct state *, struct ps_err *);
static long long	 base_uptime(struct json_object *, uint64_t);
static long long	 live_cpu(uint64_t, long long, long long, time_t);
static long long	 live_demand(uint64_t, long long, time_t);
static void		 pin_uptimes(struct state *);
static void		 file_err(struct ps_err *, const char *,
			    const char *, const char *, const char *);

/* splitmix64: the simulator's figures are functions of (VM, time). */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static double
u01(uint64_t x)
{
	return (double)(mix(x) >> 11) / 9007199254740992.0;
}

/* Keeps times and uptimes where sums of them cannot overflow. */
static long long
clamp(long long v)
{
	if (v > STATE_MAXTIME)
		return STATE_MAXTIME;
	if (v < -STATE_MAXTIME)
		return -STATE_MAXTIME;
	return v;
}

static uint64_t
seed_of(const char *id)
{
	return hv_script_hash(id, strlen(id));
}

/* ---- clock ---- */

/* CROSSVISOR_FAKE_CLOCK (epoch seconds) freezes time for byte-stable
 * screens; otherwise the wall clock. */
time_t
state_now(void)
{
	const char	*s;
	char		*end;
	double		 d;

	if ((s = getenv("CROSSVISOR_FAKE_CLOCK")) != NULL && *s != '\0') {
		errno = 0;
		d = strtod(s, &end);
		if (errno == 0 && *end == '\0' && d >= 0 && d < 1e15)
			return (time_t)d;
	}
	return time(NULL);
}

int
state_clock_fake(void)
{
	const char	*s;
	char		*end;
	double		 d;

	if ((s = getenv("CROSSVISOR_FAKE_CLOCK")) == NULL || *s == '\0')
		return 0;
	errno = 0;
	d = strtod(s, &end);
	return errno == 0 && *end == '\0' && d >= 0 && d < 1e15;
}

/* ---- JSON fields ---- */

static struct json_object *
field(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* An integer field: a JSON number, or a string holding one. */
static int
jint(struct json_object *o, const char *key, long long *out)
{
	struct json_object	*v;
	const char		*s;
	char			*end;
	double			 d;
	long long		 n;

	if ((v = field(o, key)) == NULL)
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_int:
		*out = (long long)json_object_get_int64(v);
		return 1;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d > 9e18 || d < -9e18)
			return 0;
		*out = llround(d);
		return 1;
	case json_type_string:
		s = json_object_get_string(v);
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0')
			return 0;
		*out = n;
		return 1;
	default:
		return 0;
	}
}

static int
jstr(struct json_object *o, const char *key, struct state_str *out)
{
	struct json_object	*v;

	if ((v = field(o, key)) == NULL ||
	    !json_object_is_type(v, json_type_string))
		return 0;
	out->s = json_object_get_string(v);
	out->len = (size_t)json_object_get_string_len(v);
	return 1;
}

/* A string field that may also be written as a number (BuildNumber,
 * Version): its text as the file gives it. */
static int
jscalar(struct json_object *o, const char *key, struct state_str *out)
{
	struct json_object	*v;

	if (jstr(o, key, out))
		return 1;
	if ((v = field(o, key)) == NULL || (!json_object_is_type(v,
	    json_type_int) && !json_object_is_type(v, json_type_double)))
		return 0;
	out->s = json_object_get_string(v);
	out->len = strlen(out->s);
	return 1;
}

static void
str_set(struct state_str *str, const char *s)
{
	str->s = s;
	str->len = strlen(s);
}

/* ---- file ---- */

static void
file_err(struct ps_err *err, const char *category, const char *path,
    const char *what, const char *why)
{
	ps_err_set(err, category, "StateFile,hvsim", path,
	    "hvsim: state file '%s': %s%s%s", path, what,
	    why != NULL ? ": " : "", why != NULL ? why : "");
}

/* Reads the state file (NULL: a host with no VMs). */
int
state_load(struct state *st, const char *path, struct ps_err *err)
{
	struct json_tokener	*tok = NULL;
	struct json_object	*root = NULL;
	struct stat		 sb;
	struct buf		 text;
	ssize_t			 n;
	size_t			 i;
	int			 fd = -1, rc = -1;
	char			 chunk[65536];

	memset(st, 0, sizeof *st);
	buf_init(&text);
	if (path == NULL) {
		st->root = json_object_new_object();
		st->anchor = state_now();
		return 0;
	}
	st->path = xstrdup(path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		file_err(err, "ReadError", path, "cannot open",
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		file_err(err, "ReadError", path, "not a regular file", NULL);
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			file_err(err, "ReadError", path, "cannot read",
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (text.len + (size_t)n > STATE_MAXFILE) {
			file_err(err, "ReadError", path, "larger than 256 MiB",
			    NULL);
			goto out;
		}
		buf_add(&text, chunk, (size_t)n);
	}
	tok = json_tokener_new_ex(64);
	root = json_tokener_parse_ex(tok, buf_str(&text), (int)text.len + 1);
	if (root == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success) {
		file_err(err, "ReadError", path, "not JSON",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	for (i = (size_t)tok->char_offset; i < text.len; i++)
		if (strchr(" \t\r\n", text.p[i]) == NULL) {
			file_err(err, "ReadError", path,
			    "text after the JSON document", NULL);
			goto out;
		}
	if (!json_object_is_type(root, json_type_object)) {
		file_err(err, "ReadError", path, "not a JSON object", NULL);
		goto out;
	}
	st->root = root;
	root = NULL;
	st->anchor = state_clock_fake() ? state_now() : sb.st_mtime;
	if (index_vms(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (tok != NULL)
		json_tokener_free(tok);
	if (root != NULL)
		json_object_put(root);
	if (fd != -1)
		close(fd);
	buf_done(&text);
	return rc;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct state_key	*x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Checks the shape of host and vms and gives every VM its Id: the file's
 * (any GUID form, shown lower case), else one derived from the name and
 * how many VMs before it bear that name, so that it never changes. The
 * VMs are sorted by name hash to count those quickly. */
static int
index_vms(struct state *st, struct ps_err *err)
{
	struct json_object	*vm;
	struct state_key	*keys;
	struct state_str	 id;
	size_t			 i, j, n;
	unsigned		 k;

	st->host = field(st->root, "host");
	if (st->host != NULL && !json_object_is_type(st->host,
	    json_type_object)) {
		file_err(err, "ReadError", st->path,
		    "\"host\" is not an object", NULL);
		return -1;
	}
	st->vms = field(st->root, "vms");
	if (st->vms != NULL && json_object_is_type(st->vms, json_type_null))
		st->vms = NULL;
	if (st->vms != NULL && !json_object_is_type(st->vms, json_type_array)) {
		file_err(err, "ReadError", st->path, "\"vms\" is not an array",
		    NULL);
		return -1;
	}
	st->nvms = st->vms != NULL ? json_object_array_length(st->vms) : 0;
	st->ids = xmalloc((st->nvms + 1) * sizeof *st->ids);
	keys = xmalloc((st->nvms + 1) * sizeof *keys);
	for (i = 0, n = 0; i < st->nvms; i++) {
		vm = json_object_array_get_idx(st->vms, i);
		if (!json_object_is_type(vm, json_type_object)) {
			ps_err_set(err, "ReadError", "StateFile,hvsim",
			    st->path, "hvsim: state file '%s': vms[%zu] is "
			    "not an object", st->path, i);
			free(keys);
			return -1;
		}
		if (jstr(vm, "Id", &id) &&
		    state_guid(id.s, id.len, st->ids[i]) == 0)
			continue;
		if (!jscalar(vm, "Name", &keys[n].name))
			str_set(&keys[n].name, "New Virtual Machine");
		keys[n].hash = hv_script_hash(keys[n].name.s, keys[n].name.len);
		keys[n].index = i;
		n++;
	}
	qsort(keys, n, sizeof *keys, key_cmp);
	for (i = 0; i < n; i++) {
		for (j = i, k = 0; j > 0 && keys[j - 1].hash == keys[i].hash;
		    j--)
			if (keys[j - 1].name.len == keys[i].name.len &&
			    memcmp(keys[j - 1].name.s, keys[i].name.s,
			    keys[i].name.len) == 0)
				k++;
		derive_id(keys[i].name.s, keys[i].name.len, k,
		    st->ids[keys[i].index]);
	}
	free(keys);
	return 0;
}

/* A version 4 GUID that depends only on (name, k). */
static void
derive_id(const char *name, size_t len, unsigned k, char *out)
{
	unsigned char	b[16];
	uint64_t	h, x;
	int		i;

	h = hv_script_hash(name, len) + (uint64_t)k * 0x9e3779b97f4a7c15ull;
	x = mix(h);
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(x >> (8 * i));
	x = mix(h ^ 0x5bd1e9955bd1e995ull);
	for (i = 0; i < 8; i++)
		b[8 + i] = (unsigned char)(x >> (8 * i));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* Before the file is rewritten (its mtime moves), uptimes that count from
 * it become boot times. */
static void
pin_uptimes(struct state *st)
{
	struct json_object	*vm;
	struct state_str	 s;
	long long		 bt;
	size_t			 i;

	for (i = 0; i < st->nvms; i++) {
		vm = json_object_array_get_idx(st->vms, i);
		if (!jstr(vm, "State", &s) ||
		    state_power_of(s.s) == STATE_OFF ||
		    jint(vm, "BootTime", &bt))
			continue;
		bt = (long long)st->anchor - base_uptime(vm,
		    seed_of(st->ids[i]));
		json_object_object_add(vm, "BootTime",
		    json_object_new_int64(bt));
		json_object_object_del(vm, "UptimeSeconds");
	}
}

/* Writes the state back: a temporary file in the same directory, then
 * rename(2), so that a reader sees the old file or the new one. */
int
state_save(struct state *st, struct ps_err *err)
{
	struct stat	 sb;
	const char	*text;
	char		*real = NULL, *tmp = NULL, *slash;
	size_t		 len, off;
	ssize_t		 n;
	int		 fd = -1, rc = -1;

	if (st->path == NULL)
		return 0;
	pin_uptimes(st);
	if ((real = realpath(st->path, NULL)) == NULL)
		real = xstrdup(st->path);
	tmp = xmalloc(strlen(real) + 16);
	if ((slash = strrchr(real, '/')) != NULL)
		snprintf(tmp, strlen(real) + 16, "%.*s/.%s.XXXXXX",
		    (int)(slash - real), real, slash + 1);
	else
		snprintf(tmp, strlen(real) + 16, ".%s.XXXXXX", real);
	if ((fd = mkstemp(tmp)) == -1) {
		file_err(err, "WriteError", st->path, "cannot write",
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (stat(real, &sb) == 0)
		(void)fchmod(fd, sb.st_mode & 07777);
	text = json_object_to_json_string_ext(st->root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	for (off = 0; off < len; off += (size_t)n) {
		n = write(fd, text + off, len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			file_err(err, "WriteError", st->path, "cannot write",
			    strerror(errno));
			goto out;
		}
	}
	if (write(fd, "\n", 1) != 1 || close(fd) == -1) {
		fd = -1;
		file_err(err, "WriteError", st->path, "cannot write",
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, real) == -1) {
		file_err(err, "WriteError", st->path, "cannot replace",
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(real);
	return rc;
}

/* Takes the exclusive lock that serialises read-change-write of a state
 * file between processes: flock(2) on "<file>.lock", a sidecar, because
 * the file itself is replaced. Returns the fd, or -1. */
int
state_lock(const char *path, struct ps_err *err)
{
	char	*real, *lock;
	size_t	 len;
	int	 fd;

	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	len = strlen(real) + 6;
	lock = xmalloc(len);
	snprintf(lock, len, "%s.lock", real);
	free(real);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) == -1) {
		file_err(err, "WriteError", path, "cannot create its lock",
		    strerror(errno));
		free(lock);
		return -1;
	}
	free(lock);
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			file_err(err, "WriteError", path, "cannot lock",
			    strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

void
state_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

void
state_done(struct state *st)
{
	if (st->root != NULL)
		json_object_put(st->root);
	free(st->ids);
	free(st->path);
	memset(st, 0, sizeof *st);
}

/* ---- views ---- */

/* Parses a GUID as [Guid] accepts it (32 digits, 8-4-4-4-12, in braces or
 * parentheses, blanks around) into lower-case 8-4-4-4-12 (out may be
 * NULL). Returns 0, or -1 when s is no GUID. */
int
state_guid(const char *s, size_t len, char *out)
{
	char	d[33];
	size_t	i, n;
	int	dashes;

	while (len > 0 && strchr(" \t\r\n", s[0]) != NULL) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	if (len == 38 && ((s[0] == '{' && s[37] == '}') ||
	    (s[0] == '(' && s[37] == ')'))) {
		s++;
		len -= 2;
	}
	if (len != 32 && len != 36)
		return -1;
	dashes = len == 36;
	for (i = 0, n = 0; i < len; i++) {
		if (dashes && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL ||
		    s[i] == '\0')
			return -1;
		d[n++] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]);
	}
	d[32] = '\0';
	if (out != NULL)
		snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", d, d + 8,
		    d + 12, d + 16, d + 20);
	return 0;
}

int
state_power_of(const char *state)
{
	size_t	i;

	for (i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
		if (strcasecmp(state, state_names[i].name) == 0)
			return state_names[i].power;
	return STATE_OFF;
}

/* The host as Win32_OperatingSystem, Get-VMHost and $env:COMPUTERNAME
 * give it; the name defaults to the state file's stem in capitals. */
void
state_get_host(const struct state *st, struct state_host *h)
{
	struct json_object	*o = st->host;
	const char		*base, *dot;
	long long		 v;
	size_t			 i, n;
	int			 b;

	memset(h, 0, sizeof *h);
	if (!jstr(o, "ComputerName", &h->name)) {
		base = st->path != NULL ? strrchr(st->path, '/') : NULL;
		base = base != NULL ? base + 1 : st->path;
		if (base == NULL || *base == '\0' || *base == '.')
			base = "HV-SIM";
		dot = strchr(base, '.');
		n = dot != NULL ? (size_t)(dot - base) : strlen(base);
		for (i = 0; i < n && i < 15; i++) {
			b = (unsigned char)base[i];
			if (b >= 'a' && b <= 'z')
				b -= 32;
			else if (!((b >= 'A' && b <= 'Z') ||
			    (b >= '0' && b <= '9')))
				b = '-';
			h->name_buf[i] = (char)b;
		}
		h->name_buf[i] = '\0';
		str_set(&h->name, i == 0 ? "HV-SIM" : h->name_buf);
	}
	if (!jstr(o, "Caption", &h->caption))
		str_set(&h->caption,
		    "Microsoft Windows Server 2022 Datacenter");
	if (!jscalar(o, "BuildNumber", &h->build)) {
		if (jscalar(o, "Version", &h->version) &&
		    (dot = memchr(h->version.s, '.', h->version.len)) != NULL &&
		    (dot = memchr(dot + 1, '.', h->version.len -
		    (size_t)(dot + 1 - h->version.s))) != NULL) {
			snprintf(h->build_buf, sizeof h->build_buf, "%.*s",
			    (int)(h->version.len - (size_t)(dot + 1 -
			    h->version.s)), dot + 1);
			str_set(&h->build, h->build_buf);
		} else
			str_set(&h->build, "20348");
	}
	if (!jscalar(o, "Version", &h->version)) {
		snprintf(h->version_buf, sizeof h->version_buf, "10.0.%.*s",
		    (int)(h->build.len > 20 ? 20 : h->build.len), h->build.s);
		str_set(&h->version, h->version_buf);
	}
	h->product_type = jint(o, "ProductType", &v) ? v : 3;
	h->lps = jint(o, "LogicalProcessorCount", &v) && v > 0 ? v : 16;
	h->memory = jint(o, "TotalMemoryBytes", &v) && v > 0 ? v :
	    137257549824LL;
	h->memory -= h->memory % 1024;
	h->restart_has_type = 1;
	if ((o = field(o, "RestartVMHasType")) != NULL &&
	    json_object_is_type(o, json_type_boolean))
		h->restart_has_type = json_object_get_boolean(o);
	v = atoll(h->build.s);
	if (v >= 26100)
		h->vm_version = "12.0";
	else if (v >= 20348)
		h->vm_version = "10.0";
	else if (v >= 17763)
		h->vm_version = "9.0";
	else if (v >= 14393)
		h->vm_version = "8.0";
	else
		h->vm_version = "5.0";
}

/* The uptime a VM had at the file's time: UptimeSeconds, else a plausible
 * one (10 minutes to 45 days). */
static long long
base_uptime(struct json_object *vm, uint64_t seed)
{
	long long	v;

	if (jint(vm, "UptimeSeconds", &v) && v >= 0)
		return clamp(v);
	return 600 + (long long)(u01(seed + 6) * 45 * 86400);
}

/* CPUUsage: a share of the host's logical processors, so a 2-vCPU VM
 * flat out on 16 LPs shows 12. The VM's own load is a per-VM level (most
 * VMs near idle) times a slow wave, with jitter every two seconds. */
static long long
live_cpu(uint64_t seed, long long vcpus, long long lps, time_t now)
{
	double	base, period, wave, jit, frac, pct;

	base = 0.03 + 0.55 * u01(seed + 1) * u01(seed + 2);
	period = 90 + 600 * u01(seed + 3);
	wave = 0.5 * sin(2 * M_PI * ((double)now / period + u01(seed + 4)));
	jit = 0.4 * (u01(seed + 7 + (uint64_t)(now / 2) * 7919) - 0.5);
	frac = base * (1 + wave + jit);
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	pct = frac * (double)vcpus * 100 / (double)lps;
	if (pct > 100)
		pct = 100;
	return llround(pct);
}

/* MemoryDemand: 30-80 % of what is assigned, drifting; whole MiB, as
 * Hyper-V counts it. */
static long long
live_demand(uint64_t seed, long long assigned, time_t now)
{
	double	frac, period;

	period = 300 + 900 * u01(seed + 8);
	frac = 0.30 + 0.50 * u01(seed + 5) + 0.06 * sin(2 * M_PI *
	    ((double)now / period + u01(seed + 9)));
	return (long long)((double)assigned * frac / (double)MIB) * MIB;
}

/* VM i as Get-VM shows it at time now. */
void
state_get_vm(const struct state *st, const struct state_host *h, size_t i,
    time_t now, struct state_vm *vm)
{
	struct json_object	*o, *v;
	struct state_str	 s, hb;
	uint64_t		 seed;
	long long		 n, bt;
	size_t			 k;
	int			 ok;

	memset(vm, 0, sizeof *vm);
	o = vm->obj = json_object_array_get_idx(st->vms, i);
	vm->id = st->ids[i];
	seed = seed_of(vm->id);
	if (!jscalar(o, "Name", &vm->name))
		str_set(&vm->name, "New Virtual Machine");

	snprintf(vm->state, sizeof vm->state, "Off");
	if (jstr(o, "State", &s)) {
		snprintf(vm->state, sizeof vm->state, "%.*s",
		    (int)(s.len < sizeof vm->state ? s.len :
		    sizeof vm->state - 1), s.s);
		for (k = 0; k < sizeof state_names / sizeof state_names[0];
		    k++)
			if (s.len == strlen(state_names[k].name) &&
			    strncasecmp(s.s, state_names[k].name, s.len) == 0)
				snprintf(vm->state, sizeof vm->state, "%s",
				    state_names[k].name);
	}
	vm->power = state_power_of(vm->state);

	if (!jstr(o, "Status", &vm->status))
		str_set(&vm->status, "Operating normally");
	vm->vcpus = jint(o, "ProcessorCount", &n) && n > 0 ? n : 2;
	vm->mem_startup = jint(o, "MemoryStartup", &n) && n >= 0 ? n : 2 * GIB;
	vm->generation = jint(o, "Generation", &n) ? n : 2;
	if (!jscalar(o, "Version", &vm->version))
		str_set(&vm->version, h->vm_version);

	/* The heartbeat the guest gives while it runs: $null when the file
	 * says null (no integration services). */
	if ((v = field(o, "Heartbeat")) != NULL &&
	    json_object_is_type(v, json_type_null))
		str_set(&hb, "");
	else if (!jstr(o, "Heartbeat", &hb))
		str_set(&hb, "OkApplicationsHealthy");
	ok = hb.len >= 2 && strncmp(hb.s, "Ok", 2) == 0;
	if ((v = field(o, "ShutdownService")) != NULL &&
	    json_object_is_type(v, json_type_boolean))
		vm->shutdown_ok = json_object_get_boolean(v);
	else
		vm->shutdown_ok = ok;
	if (vm->power != STATE_RUNNING && vm->power != STATE_PAUSED)
		vm->shutdown_ok = 0;

	vm->frozen = base_uptime(o, seed);
	str_set(&vm->heartbeat, "");
	str_set(&vm->is_state, "");
	if (vm->power == STATE_OFF)
		return;

	vm->mem_assigned = jint(o, "MemoryAssigned", &n) && n >= 0 ? n :
	    vm->mem_startup;
	if (jint(o, "BootTime", &bt))
		vm->uptime = (long long)now - clamp(bt);
	else
		vm->uptime = vm->frozen + ((long long)now -
		    (long long)st->anchor);
	if (vm->uptime < 0)
		vm->uptime = 0;
	if (!jstr(o, "IntegrationServicesState", &vm->is_state))
		str_set(&vm->is_state, ok && vm->power != STATE_BUSY ?
		    "Up to date" : "");
	switch (vm->power) {
	case STATE_RUNNING:
		vm->heartbeat = hb;
		vm->cpu = jint(o, "CPUUsage", &n) ? n :
		    live_cpu(seed, vm->vcpus, h->lps, now);
		vm->mem_demand = jint(o, "MemoryDemand", &n) ? n :
		    live_demand(seed, vm->mem_assigned, now);
		if ((v = field(o, "KVP")) != NULL &&
		    json_object_is_type(v, json_type_object) &&
		    json_object_object_length(v) > 0)
			vm->kvp = v;
		break;
	case STATE_PAUSED:
		str_set(&vm->heartbeat, "Paused");
		break;
	default:
		str_set(&vm->heartbeat, "NoContact");
		vm->cpu = jint(o, "CPUUsage", &n) ? n :
		    live_cpu(seed, vm->vcpus, h->lps, now);
		break;
	}
}

/* The index of the VM with this Id (lower-case 8-4-4-4-12), or -1. */
int
state_find_vm(const struct state *st, const char *id)
{
	size_t	i;

	for (i = 0; i < st->nvms && i < INT_MAX; i++)
		if (strcmp(st->ids[i], id) == 0)
			return (int)i;
	return -1;
}

/* ---- changes ---- */

void
state_vm_set(struct state_vm *vm, const char *state)
{
	json_object_object_add(vm->obj, "State", json_object_new_string(state));
	snprintf(vm->state, sizeof vm->state, "%s", state);
	vm->power = state_power_of(state);
}

/* The VM (re)started at boot: its uptime counts from there. */
void
state_vm_boot(struct state_vm *vm, time_t boot)
{
	json_object_object_add(vm->obj, "BootTime",
	    json_object_new_int64((int64_t)boot));
	json_object_object_del(vm->obj, "UptimeSeconds");
}

/* Saved: the uptime stops, to go on from there when the VM starts. */
void
state_vm_freeze(struct state_vm *vm, long long uptime)
{
	json_object_object_del(vm->obj, "BootTime");
	json_object_object_add(vm->obj, "UptimeSeconds",
	    json_object_new_int64(uptime));
}

void
state_vm_stop(struct state_vm *vm)
{
	json_object_object_del(vm->obj, "BootTime");
	json_object_object_del(vm->obj, "UptimeSeconds");
}

void
state_vm_checkpoint(struct state_vm *vm, const char *name)
{
	struct json_object	*list;

	if (!json_object_object_get_ex(vm->obj, "Checkpoints", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		list = json_object_new_array();
		json_object_object_add(vm->obj, "Checkpoints", list);
	}
	json_object_array_add(list, json_object_new_string(name));
}
