/* The PowerShell scripts crossvisor runs on Hyper-V hosts, embedded at
 * build time from the .ps1 files in backends/ps/, and the hash the simulator knows
 * them by. */
#ifndef CV_BACKENDS_HYPERV_SCRIPTS_H
#define CV_BACKENDS_HYPERV_SCRIPTS_H

#include <stddef.h>
#include <stdint.h>

struct hv_script {
	const char	*name;		/* file name without .ps1 */
	const char	*text;		/* the file, byte for byte */
};

extern const struct hv_script hv_scripts[];

const char	*hv_script_text(const char *name);
uint64_t	 hv_script_hash(const char *text, size_t len);

#endif
