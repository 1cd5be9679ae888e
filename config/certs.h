/* The certification data: config/certifications.conf and the site files of
 * certifications.d/, read with libconfig into the plain struct cert_matrix
 * of core/cert.h. Main thread, once, before any poller starts; the matrix
 * is read-only afterwards and shared by every thread. */
#ifndef CV_CONFIG_CERTS_H
#define CV_CONFIG_CERTS_H

struct cert_matrix;
struct cv_err;

/* The shipped file's name: config/certifications.conf in the build tree,
 * $(pkgdatadir)/certifications.conf installed. */
#define CERTS_FILE	"certifications.conf"

/*
 * Reads main_path, then every "*.conf" of site_dir in strcmp() order (a
 * missing site_dir is fine; NULL reads none). A site file may set
 * stale_after_days and tcg_source, add sources, rules and rows, and replace
 * any source, rule or row of an earlier file by giving its id; a new row
 * is tried before every shipped row (in the order of the files), a
 * replaced one keeps its place. Returns 0 with *out to free with
 * cert_matrix_free(), or -1 with *out NULL and one "path:line: message"
 * line in err->msg (code CV_E_CONFIG).
 */
int		 certs_load(const char *main_path, const char *site_dir,
		     struct cert_matrix **out, struct cv_err *err);

/* CV_SYSCONFDIR "/crossvisor/certifications.d": where sites put theirs. */
const char	*certs_site_dir(void);

#endif
