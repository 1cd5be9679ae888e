/* Identification: host platform ids from Windows facts, guest OS names from
 * the Hyper-V KVP exchange; a Windows build number wins over a product name
 * that lies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/osinfo.h"
#include "core/platform.h"

static void
windows_platforms(void **state)
{
	static const struct {
		const char	*caption;
		const char	*build;
		int		 type;
		const char	*want;
	} rows[] = {
		{ "Microsoft Windows Server 2016 Datacenter", "14393", 3,
		    "windows-server-2016" },
		{ "Microsoft Windows Server 2019 Standard", "17763", 3,
		    "windows-server-2019" },
		{ "Microsoft Windows Server 2022 Datacenter", "20348", 3,
		    "windows-server-2022" },
		{ "Microsoft Windows Server 2025 Datacenter", "26100", 2,
		    "windows-server-2025" },
		/* A localized caption does not matter: the build decides. */
		{ "Microsoft Windows Server 2022 Datacenter (deutsch)",
		    "20348", 3, "windows-server-2022" },
		{ "Microsoft Windows 11 Pro", "22631", 1, "windows-11" },
		{ "Microsoft Windows 10 Pro", "19045", 1, "windows-10" },
		{ "Azure Stack HCI", "20349", 3, "azure-local" },
	};
	char	id[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(platform_from_windows(rows[i].caption,
		    rows[i].build, rows[i].type, id, sizeof id), 0);
		assert_string_equal(id, rows[i].want);
	}
	assert_int_equal(platform_from_windows("x", "", 3, id, sizeof id), -1);
}

static void
kvp_guests(void **state)
{
	static const struct {
		struct osinfo_kvp	 k;
		int			 rc;
		const char		*id;
		const char		*name;
	} rows[] = {
		{ { "Red Hat Enterprise Linux", "5.14.0-427.el9.x86_64", "9.4",
		    "4", "", "" }, 0, "rhel9.4", "Red Hat Enterprise Linux 9.4" },
		{ { "Red Hat Enterprise Linux", "4.18.0", "8", "10", "", "" },
		    0, "rhel8.10", "Red Hat Enterprise Linux 8.10" },
		{ { "Ubuntu", "6.8.0-31-generic", "24.04", "04", "", "" }, 0,
		    "ubuntu24.04", "Ubuntu 24.04" },
		{ { "Microsoft Windows Server 2019 Standard", "10.0.17763",
		    "10", "0", "17763", "3" }, 0, "win2k19",
		    "Windows Server 2019" },
		/* Windows 11 still calls itself Windows 10: the build wins. */
		{ { "Windows 10 Enterprise", "10.0.22631", "10", "0", "22631",
		    "1" }, 0, "win11", "Windows 11" },
		{ { "Windows 10 Pro", "10.0.19045", "10", "0", "", "1" }, 0,
		    "win10", "Windows 10" },
		{ { "Plan 9", "4", "4", "", "", "" }, 1, "", "Plan 9 4" },
		{ { "", "", "", "", "", "" }, -1, "", "" },
	};
	char	id[32], name[96];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(osinfo_from_kvp(&rows[i].k, id, sizeof id,
		    name, sizeof name), rows[i].rc);
		assert_string_equal(id, rows[i].id);
		assert_string_equal(name, rows[i].name);
	}
}

/* The qemu guest agent's os.* fields (virDomainGetGuestInfo). */
static void
agent_guests(void **state)
{
	static const struct {
		struct osinfo_agent	 a;
		int			 rc;
		const char		*id;
		const char		*name;
	} rows[] = {
		{ { "rhel", "9.4", "Red Hat Enterprise Linux",
		    "5.14.0-427.el9.x86_64", "" }, 0, "rhel9.4",
		    "Red Hat Enterprise Linux 9.4" },
		{ { "ubuntu", "24.04", "Ubuntu", "6.8.0-31-generic", NULL }, 0,
		    "ubuntu24.04", "Ubuntu 24.04" },
		{ { "mswindows", "2022", "Microsoft Windows Server 2022",
		    "20348", "server" }, 0, "win2k22", "Windows Server 2022" },
		/* The build wins over the name. */
		{ { "mswindows", "10", "Microsoft Windows 10", "22631",
		    "client" }, 0, "win11", "Windows 11" },
		{ { "plan9", "4", "Plan 9", "", "" }, 1, "", "Plan 9 4" },
		{ { NULL, NULL, NULL, NULL, NULL }, -1, "", "" },
	};
	char	id[32], name[96];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(osinfo_from_agent(&rows[i].a, id, sizeof id,
		    name, sizeof name), rows[i].rc);
		assert_string_equal(id, rows[i].id);
		assert_string_equal(name, rows[i].name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_platforms),
		cmocka_unit_test(kvp_guests),
		cmocka_unit_test(agent_guests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
