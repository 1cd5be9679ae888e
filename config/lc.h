/* Small helpers over libconfig shared by the config loaders. */
#ifndef CV_CONFIG_LC_H
#define CV_CONFIG_LC_H

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>

const char	*lc_typename(const config_setting_t *);
const config_setting_t
		*lc_included(const config_setting_t *, const char *main);
unsigned int	 lc_include_line(const char *);
int		 lc_slurp(FILE *, size_t max, char **);

#endif
