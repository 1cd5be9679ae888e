/* poll.ps1 and action.ps1 as Windows PowerShell 5.1 runs them under
 * session.ps1 (Set-StrictMode 3.0, $ErrorActionPreference = 'Stop'): the
 * cmdlets they call (Get-VM, Start-VM, Stop-VM, Restart-VM, Suspend-VM,
 * Resume-VM, Save-VM, Checkpoint-VM, Get-VMIntegrationService) emulated on
 * the state file, in the order the scripts call them. Single-threaded. */
#include "tests/sim/cmdlet.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tests/sim/buf.h"
#include "tests/sim/ps.h"
#include "tests/sim/state.h"

#define FQ_HV	"Microsoft.HyperV.PowerShell.Commands."

static int	prop(struct json_object *, const char *,
		    struct json_object **, struct ps_err *);
static int	guid_arg(struct json_object *, char *, struct ps_err *);
static int	injected(const struct cmdlet_ctx *, const char *,
		    const char *, const struct state_str *, struct ps_err *);
static void	answer(struct buf *, const char *, const char *, size_t);
static void	invalid_state(struct ps_err *, const char *);
static void	no_shutdown(struct ps_err *, const struct state_vm *,
		    const char *);
static int	is(const struct buf *, const char *);
static int	one_of(const char *, const char *const *);
static int	act(const struct cmdlet_ctx *, const struct state_host *,
		    struct state_vm *, const struct buf *, time_t,
		    struct buf *, struct ps_err *, int *);

static const char *const from_start[] = {
	"Off", "Saved", "Paused", "FastSaved", "Hibernated", NULL
};
static const char *const from_turnoff[] = {
	"Saved", "SavedCritical", "FastSaved", "FastSavedCritical",
	"Hibernated", NULL
};

/* $p.<name> under Set-StrictMode -Version 3.0: names match without case;
 * a missing property of an object is an error; $null.<name> is $null. */
static int
prop(struct json_object *p, const char *name, struct json_object **out,
    struct ps_err *err)
{
	*out = NULL;
	if (p == NULL)
		return 0;
	if (json_object_is_type(p, json_type_object)) {
		json_object_object_foreach(p, key, val) {
			if (strcasecmp(key, name) == 0) {
				*out = val;
				return 0;
			}
		}
	}
	ps_err_set(err, "NotSpecified", "PropertyNotFoundStrict", "",
	    "The property '%s' cannot be found on this object. Verify that "
	    "the property exists.", name);
	return -1;
}

/* Binds $p.Id to Get-VM's -Id ([Guid]), with the binder's errors. */
static int
guid_arg(struct json_object *v, char *id, struct ps_err *err)
{
	static const char	 fq[] = "CannotConvertArgumentNoMessage," FQ_HV
				    "GetVM";
	struct buf		 msg, text;
	const char		*type;
	size_t			 i;

	buf_init(&msg);
	buf_init(&text);
	switch (json_object_get_type(v)) {
	case json_type_null:
		ps_err_set(err, "InvalidArgument", fq, "", "Cannot bind "
		    "parameter 'Id'. Cannot convert null to type "
		    "\"System.Guid\".");
		return -1;
	case json_type_string:
		if (state_guid(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), id) == 0)
			return 0;
		ps_tostring(&text, v);
		for (i = 0; i < text.len; i++)
			if (strchr(" \t\r\n", text.p[i]) == NULL)
				break;
		buf_adds(&msg, "Cannot bind parameter 'Id'. Cannot convert "
		    "value \"");
		buf_add(&msg, text.p, text.len);
		buf_adds(&msg, i == text.len ?
		    "\" to type \"System.Guid\". Error: \"Unrecognized Guid "
		    "format.\"" :
		    "\" to type \"System.Guid\". Error: \"Guid should contain "
		    "32 digits with 4 dashes "
		    "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).\"");
		break;
	case json_type_array:
		ps_err_set(err, "InvalidArgument", "CannotConvertArgument,"
		    FQ_HV "GetVM", "", "Cannot convert 'System.Object[]' to "
		    "the type 'System.Guid' required by parameter 'Id'. "
		    "Specified method is not supported.");
		return -1;
	case json_type_object:
		ps_tostring(&text, v);
		buf_adds(&msg, "Cannot bind parameter 'Id'. Cannot convert the "
		    "\"");
		buf_add(&msg, text.p, text.len);
		buf_adds(&msg, "\" value of type \"System.Management."
		    "Automation.PSCustomObject\" to type \"System.Guid\".");
		break;
	default:
		if (json_object_is_type(v, json_type_boolean))
			type = "System.Boolean";
		else if (json_object_is_type(v, json_type_double))
			type = "System.Double";
		else if (json_object_get_int64(v) > 2147483647 ||
		    json_object_get_int64(v) < -2147483647 - 1)
			type = "System.Int64";
		else
			type = "System.Int32";
		ps_tostring(&text, v);
		buf_adds(&msg, "Cannot bind parameter 'Id'. Cannot convert "
		    "value \"");
		buf_add(&msg, text.p, text.len);
		buf_printf(&msg, "\" to type \"System.Guid\". Error: \"Invalid "
		    "cast from '%s' to 'System.Guid'.\"", type);
		break;
	}
	buf_done(&text);
	ps_err_take(err, "InvalidArgument", fq, "", &msg);
	return -1;
}

/* --fail-action: the cmdlet behind this action fails with the error the
 * file gives ({"message","category","fqid","target"}, or a string that is
 * the message); what it leaves out is a Hyper-V failure's usual shape. */
static int
injected(const struct cmdlet_ctx *ctx, const char *action,
    const char *cmdlet, const struct state_str *name, struct ps_err *err)
{
	struct json_object	*e = NULL, *v;
	struct buf		 msg, fq;
	const char		*category = "NotSpecified", *target = "";

	if (ctx->fail == NULL)
		return 0;
	json_object_object_foreach(ctx->fail, key, val) {
		if (strcasecmp(key, action) == 0) {
			e = val;
			break;
		}
	}
	if (e == NULL)
		return 0;
	buf_init(&msg);
	buf_init(&fq);
	buf_printf(&fq, "OperationFailed," FQ_HV "%s", cmdlet);
	if (json_object_is_type(e, json_type_string))
		buf_add(&msg, json_object_get_string(e),
		    (size_t)json_object_get_string_len(e));
	if (json_object_object_get_ex(e, "message", &v))
		buf_add(&msg, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	if (json_object_object_get_ex(e, "category", &v) &&
	    json_object_is_type(v, json_type_string))
		category = json_object_get_string(v);
	if (json_object_object_get_ex(e, "fqid", &v) &&
	    json_object_is_type(v, json_type_string)) {
		buf_reset(&fq);
		buf_adds(&fq, json_object_get_string(v));
	}
	if (json_object_object_get_ex(e, "target", &v) &&
	    json_object_is_type(v, json_type_string))
		target = json_object_get_string(v);
	if (msg.len == 0 && name == NULL)
		buf_adds(&msg, "The operation failed.");
	else if (msg.len == 0) {
		buf_addc(&msg, '\'');
		buf_add(&msg, name->s, name->len);
		buf_adds(&msg, strcmp(action, "start") == 0 ?
		    "' failed to start." : "' failed to change state.");
	}
	ps_err_take(err, category, buf_str(&fq), target, &msg);
	buf_done(&fq);
	return 1;
}

/* [ordered]@{ result = ...; message = ... } */
static void
answer(struct buf *out, const char *result, const char *msg, size_t len)
{
	buf_adds(out, "{\"result\":");
	ps_json_str(out, result, strlen(result));
	buf_adds(out, ",\"message\":");
	ps_json_str(out, msg, len);
	buf_addc(out, '}');
}

/* What the Hyper-V cmdlets say when the VM's state forbids the change. */
static void
invalid_state(struct ps_err *err, const char *cmdlet)
{
	struct buf	fq, msg;

	buf_init(&fq);
	buf_init(&msg);
	buf_printf(&fq, "InvalidState," FQ_HV "%s", cmdlet);
	buf_adds(&msg, "The operation cannot be performed while the virtual "
	    "machine is in its current state.");
	ps_err_take(err, "InvalidOperation", buf_str(&fq), "", &msg);
	buf_done(&fq);
}

/* Assert-ShutdownService's Write-Error: the function's name ends the
 * FullyQualifiedErrorId, as for any Write-Error inside a function. */
static void
no_shutdown(struct ps_err *err, const struct state_vm *vm, const char *what)
{
	struct buf	msg;

	buf_init(&msg);
	buf_adds(&msg, "the shutdown integration service of VM '");
	buf_add(&msg, vm->name.s, vm->name.len);
	buf_printf(&msg, "' is not running, so a graceful %s is impossible; "
	    "use poweroff or reset", what);
	ps_err_take(err, "InvalidOperation",
	    "NoShutdownService,Assert-ShutdownService", "", &msg);
}

/* switch compares strings without case. */
static int
is(const struct buf *b, const char *s)
{
	return b->len == strlen(s) && strncasecmp(b->p, s, b->len) == 0;
}

static int
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* The switch of action.ps1 on one VM; *changed says the state must be
 * written back. */
static int
act(const struct cmdlet_ctx *ctx, const struct state_host *h,
    struct state_vm *vm, const struct buf *a, time_t now, struct buf *out,
    struct ps_err *err, int *changed)
{
	struct buf	 msg;
	struct tm	 tm;
	const char	*crit;
	char		 name[64];

	crit = strstr(vm->state, "Critical") != NULL ? "Critical" : "";
	if (is(a, "start")) {
		if (strcmp(vm->state, "Running") == 0)
			goto noop_running;
		if (injected(ctx, "start", "StartVM", &vm->name, err))
			return -1;
		if (!one_of(vm->state, from_start))
			goto bad_start;
		if (strcmp(vm->state, "Off") == 0)
			state_vm_boot(vm, now);
		else if (strcmp(vm->state, "Paused") == 0)
			state_vm_boot(vm, now - vm->uptime);
		else
			state_vm_boot(vm, now - vm->frozen);
		state_vm_set(vm, "Running");
	} else if (is(a, "shutdown")) {
		if (strcmp(vm->state, "Off") == 0)
			goto noop_off;
		if (!vm->shutdown_ok) {
			no_shutdown(err, vm, "shutdown");
			return -1;
		}
		if (injected(ctx, "shutdown", "StopVM", &vm->name, err))
			return -1;
		if (vm->power != STATE_RUNNING)
			goto bad_stop;
		state_vm_stop(vm);
		state_vm_set(vm, "Off");
	} else if (is(a, "poweroff")) {
		if (strcmp(vm->state, "Off") == 0)
			goto noop_off;
		if (injected(ctx, "poweroff", "StopVM", &vm->name, err))
			return -1;
		if (vm->power == STATE_OFF && !one_of(vm->state, from_turnoff))
			goto bad_stop;
		state_vm_stop(vm);
		state_vm_set(vm, "Off");
	} else if (is(a, "reboot")) {
		if (!h->restart_has_type) {
			ps_err_set(err, "NotImplemented", "NoGracefulReboot",
			    "", "this host offers no graceful reboot "
			    "(Restart-VM has no -Type); use reset");
			return -1;
		}
		if (!vm->shutdown_ok) {
			no_shutdown(err, vm, "reboot");
			return -1;
		}
		if (injected(ctx, "reboot", "RestartVM", &vm->name, err))
			return -1;
		if (vm->power != STATE_RUNNING)
			goto bad_restart;
		state_vm_boot(vm, now);
	} else if (is(a, "reset")) {
		if (injected(ctx, "reset", "RestartVM", &vm->name, err))
			return -1;
		if (vm->power != STATE_RUNNING)
			goto bad_restart;
		state_vm_boot(vm, now);
	} else if (is(a, "pause")) {
		if (strcmp(vm->state, "Paused") == 0) {
			answer(out, "noop", "already paused", 14);
			return 0;
		}
		if (injected(ctx, "pause", "SuspendVM", &vm->name, err))
			return -1;
		if (vm->power != STATE_RUNNING) {
			invalid_state(err, "SuspendVM");
			return -1;
		}
		state_vm_set(vm, *crit != '\0' ? "PausedCritical" : "Paused");
	} else if (is(a, "resume")) {
		if (strcmp(vm->state, "Running") == 0)
			goto noop_running;
		if (injected(ctx, "resume", "ResumeVM", &vm->name, err))
			return -1;
		if (vm->power != STATE_PAUSED) {
			invalid_state(err, "ResumeVM");
			return -1;
		}
		state_vm_set(vm, *crit != '\0' ? "RunningCritical" : "Running");
	} else if (is(a, "save")) {
		if (strcmp(vm->state, "Saved") == 0) {
			answer(out, "noop", "already saved", 13);
			return 0;
		}
		if (injected(ctx, "save", "SaveVM", &vm->name, err))
			return -1;
		if (vm->power != STATE_RUNNING && vm->power != STATE_PAUSED) {
			invalid_state(err, "SaveVM");
			return -1;
		}
		state_vm_freeze(vm, vm->uptime);
		state_vm_set(vm, *crit != '\0' ? "SavedCritical" : "Saved");
	} else if (is(a, "snapshot")) {
		if (gmtime_r(&now, &tm) == NULL)
			memset(&tm, 0, sizeof tm);
		strftime(name, sizeof name, "crossvisor-%Y%m%d-%H%M%S", &tm);
		if (injected(ctx, "snapshot", "CheckpointVM", &vm->name, err))
			return -1;
		if (vm->power == STATE_BUSY) {
			invalid_state(err, "CheckpointVM");
			return -1;
		}
		state_vm_checkpoint(vm, name);
		*changed = 1;
		buf_init(&msg);
		buf_printf(&msg, "checkpoint %s taken", name);
		answer(out, "done", msg.p, msg.len);
		buf_done(&msg);
		return 0;
	} else {
		buf_init(&msg);
		buf_adds(&msg, "unknown action '");
		buf_add(&msg, a->p, a->len);
		buf_addc(&msg, '\'');
		ps_err_take(err, "InvalidArgument", "UnknownAction", "", &msg);
		return -1;
	}
	*changed = 1;
	answer(out, "done", "", 0);
	return 0;

noop_running:
	answer(out, "noop", "already running", 15);
	return 0;
noop_off:
	answer(out, "noop", "already off", 11);
	return 0;
bad_start:
	invalid_state(err, "StartVM");
	return -1;
bad_stop:
	invalid_state(err, "StopVM");
	return -1;
bad_restart:
	invalid_state(err, "RestartVM");
	return -1;
}

/* poll.ps1: the host and every VM, keys in the script's order. */
int
cmdlet_poll(const struct cmdlet_ctx *ctx, struct json_object *params,
    struct buf *out, struct ps_err *err)
{
	struct state		 st;
	struct state_host	 h;
	struct state_vm		 vm;
	struct buf		 s;
	time_t			 now;
	size_t			 i;
	int			 first;

	(void)params;
	if (state_load(&st, ctx->state_path, err) == -1) {
		state_done(&st);
		return -1;
	}
	if (injected(ctx, "poll", "GetVM", NULL, err)) {
		state_done(&st);
		return -1;
	}
	now = state_now();
	state_get_host(&st, &h);
	buf_init(&s);
	buf_grow(out, 512 + st.nvms * 768);
	buf_adds(out, "{\"host\":{\"ComputerName\":");
	ps_json_str(out, h.name.s, h.name.len);
	buf_adds(out, ",\"Caption\":");
	ps_json_str(out, h.caption.s, h.caption.len);
	buf_adds(out, ",\"Version\":");
	ps_json_str(out, h.version.s, h.version.len);
	buf_adds(out, ",\"BuildNumber\":");
	ps_json_str(out, h.build.s, h.build.len);
	buf_printf(out, ",\"ProductType\":%lld,\"LogicalProcessorCount\":%lld,"
	    "\"TotalMemoryBytes\":%lld},\"vms\":[", h.product_type, h.lps,
	    h.memory);
	for (i = 0; i < st.nvms; i++) {
		state_get_vm(&st, &h, i, now, &vm);
		if (i != 0)
			buf_addc(out, ',');
		buf_printf(out, "{\"Id\":\"%s\",\"Name\":", vm.id);
		ps_json_str(out, vm.name.s, vm.name.len);
		buf_adds(out, ",\"State\":");
		ps_json_str(out, vm.state, strlen(vm.state));
		buf_adds(out, ",\"Status\":");
		ps_json_str(out, vm.status.s, vm.status.len);
		buf_printf(out, ",\"CPUUsage\":%lld,\"ProcessorCount\":%lld,"
		    "\"MemoryAssigned\":%lld,\"MemoryDemand\":%lld,"
		    "\"MemoryStartup\":%lld,\"UptimeSeconds\":%lld,"
		    "\"Heartbeat\":", vm.cpu, vm.vcpus, vm.mem_assigned,
		    vm.mem_demand, vm.mem_startup, vm.uptime);
		ps_json_str(out, vm.heartbeat.s, vm.heartbeat.len);
		buf_printf(out, ",\"Generation\":%lld,\"Version\":",
		    vm.generation);
		ps_json_str(out, vm.version.s, vm.version.len);
		buf_adds(out, ",\"IntegrationServicesState\":");
		ps_json_str(out, vm.is_state.s, vm.is_state.len);
		buf_adds(out, ",\"KVP\":");
		if (vm.kvp == NULL)
			buf_adds(out, "null");
		else {
			buf_addc(out, '{');
			first = 1;
			json_object_object_foreach(vm.kvp, key, val) {
				if (!first)
					buf_addc(out, ',');
				first = 0;
				ps_json_str(out, key, strlen(key));
				buf_addc(out, ':');
				if (val == NULL) {
					buf_adds(out, "null");
					continue;
				}
				buf_reset(&s);
				ps_tostring(&s, val);
				ps_json_str(out, buf_str(&s), s.len);
			}
			buf_addc(out, '}');
		}
		buf_addc(out, '}');
	}
	buf_adds(out, "]}");
	buf_done(&s);
	state_done(&st);
	return 0;
}

/* action.ps1: $vm = Get-VM -Id $p.Id, then the switch on $p.Action, under
 * the state file's lock. */
int
cmdlet_action(const struct cmdlet_ctx *ctx, struct json_object *params,
    struct buf *out, struct ps_err *err)
{
	struct state		 st;
	struct state_host	 h;
	struct state_vm		 vm;
	struct json_object	*v;
	struct buf		 a;
	time_t			 now;
	char			 id[37];
	int			 lock = -1, i, rc = -1, changed = 0;

	memset(&st, 0, sizeof st);
	buf_init(&a);
	if (prop(params, "Id", &v, err) == -1 || guid_arg(v, id, err) == -1)
		goto out;
	if (ctx->state_path != NULL &&
	    (lock = state_lock(ctx->state_path, err)) == -1)
		goto out;
	if (state_load(&st, ctx->state_path, err) == -1)
		goto out;
	if ((i = state_find_vm(&st, id)) == -1) {
		ps_err_set(err, "InvalidArgument", "InvalidParameter," FQ_HV
		    "GetVM", id, "Hyper-V was unable to find a virtual machine "
		    "with ID \"%s\".", id);
		goto out;
	}
	now = state_now();
	state_get_host(&st, &h);
	state_get_vm(&st, &h, (size_t)i, now, &vm);
	if (prop(params, "Action", &v, err) == -1)
		goto out;
	if (v != NULL)
		ps_tostring(&a, v);
	buf_str(&a);
	if (act(ctx, &h, &vm, &a, now, out, err, &changed) == -1)
		goto out;
	if (changed && state_save(&st, err) == -1) {
		buf_reset(out);
		goto out;
	}
	rc = 0;
out:
	state_unlock(lock);
	state_done(&st);
	buf_done(&a);
	return rc;
}
