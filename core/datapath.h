/* Where crossvisor's own files are: its demo fleet, the simulator, the
 * certification data, the themes. Pure libc; any thread. */
#ifndef CV_CORE_DATAPATH_H
#define CV_CORE_DATAPATH_H

char	*data_path(const char *rel, const char *installed);

#endif
