/* Names of the shared enumerations. Any thread. */
#include "core/model.h"

#include <stddef.h>
#include <string.h>

#define NAME_OF(id, name) name,
#define NAME_OF3(id, name, badge) name,
#define BADGE_OF3(id, name, badge) badge,

static const char *const guest_state_names[] = { GUEST_STATE_LIST(NAME_OF) };
static const char *const health_names[] = { HEALTH_LIST(NAME_OF) };
static const char *const host_state_names[] = { HOST_STATE_LIST(NAME_OF) };
static const char *const cert_names[] = { CERT_STATUS_LIST(NAME_OF3) };
static const char *const cert_badges[] = { CERT_STATUS_LIST(BADGE_OF3) };

const char *
guest_state_name(enum guest_state s)
{
	return (unsigned)s < GUEST__COUNT ? guest_state_names[s] : "unknown";
}

const char *
guest_health_name(enum guest_health h)
{
	return (unsigned)h < HEALTH__COUNT ? health_names[h] : NULL;
}

const char *
host_state_name(enum host_state s)
{
	return (unsigned)s < HOST__COUNT ? host_state_names[s] : "down";
}

const char *
cert_status_name(enum cert_status s)
{
	return (unsigned)s < CERT__COUNT ? cert_names[s] : "unknown";
}

const char *
cert_status_badge(enum cert_status s)
{
	return (unsigned)s < CERT__COUNT ? cert_badges[s] : " ?? ";
}

int
guest_state_from_name(const char *name, enum guest_state *out)
{
	unsigned	i;

	for (i = 0; i < GUEST__COUNT; i++)
		if (strcmp(guest_state_names[i], name) == 0) {
			*out = (enum guest_state)i;
			return 0;
		}
	return -1;
}

int
cert_status_from_name(const char *name, enum cert_status *out)
{
	unsigned	i;

	for (i = 0; i < CERT__COUNT; i++)
		if (strcmp(cert_names[i], name) == 0) {
			*out = (enum cert_status)i;
			return 0;
		}
	return -1;
}
