/* Enumerations shared by backends, core and consumers: guest and host
 * states, health, certification status. Names come from x-macros so the
 * JSON names and the enums cannot drift. */
#ifndef CV_CORE_MODEL_H
#define CV_CORE_MODEL_H

#define GUEST_STATE_LIST(_)			\
	_(UNKNOWN,	"unknown")		\
	_(RUNNING,	"running")		\
	_(PAUSED,	"paused")		\
	_(SUSPENDED,	"suspended")		\
	_(SHUTOFF,	"shutoff")		\
	_(SAVED,	"saved")		\
	_(CRASHED,	"crashed")		\
	_(STARTING,	"starting")		\
	_(STOPPING,	"stopping")

#define GUEST_STATE_ENUM(id, name) GUEST_##id,
enum guest_state {
	GUEST_STATE_LIST(GUEST_STATE_ENUM)
	GUEST__COUNT
};
#undef GUEST_STATE_ENUM

#define HEALTH_LIST(_)				\
	_(NONE,		NULL)			\
	_(OK,		"ok")			\
	_(DEGRADED,	"degraded")		\
	_(CRITICAL,	"critical")

#define HEALTH_ENUM(id, name) HEALTH_##id,
enum guest_health {
	HEALTH_LIST(HEALTH_ENUM)
	HEALTH__COUNT
};
#undef HEALTH_ENUM

#define HOST_STATE_LIST(_)			\
	_(CONNECTING,	"connecting")		\
	_(UP,		"up")			\
	_(DOWN,		"down")

#define HOST_STATE_ENUM(id, name) HOST_##id,
enum host_state {
	HOST_STATE_LIST(HOST_STATE_ENUM)
	HOST__COUNT
};
#undef HOST_STATE_ENUM

/* Worst first: a lower value is a worse verdict. */
#define CERT_STATUS_LIST(_)				\
	_(UNSUPPORTED,	"unsupported",	"UNSUP")	\
	_(UNKNOWN,	"unknown",	" ?? ")		\
	_(COMMUNITY,	"community",	"COMM")		\
	_(CONDITIONAL,	"conditional",	"COND")		\
	_(CERTIFIED,	"certified",	"CERT")

#define CERT_STATUS_ENUM(id, name, badge) CERT_##id,
enum cert_status {
	CERT_STATUS_LIST(CERT_STATUS_ENUM)
	CERT__COUNT
};
#undef CERT_STATUS_ENUM

const char	*guest_state_name(enum guest_state);
const char	*guest_health_name(enum guest_health);	/* NULL for NONE */
const char	*host_state_name(enum host_state);
const char	*cert_status_name(enum cert_status);
const char	*cert_status_badge(enum cert_status);
int		 guest_state_from_name(const char *, enum guest_state *);
int		 cert_status_from_name(const char *, enum cert_status *);

#endif
