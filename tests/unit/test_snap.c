/* Snapshots: strings copied in and sorted guests out, guests' likely
 * places checked, neighbours' equal strings stored once, and a big
 * snapshot on pages of its own, which the next build writes in again,
 * given back by the poller or by the view that held it last. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/fleet.h"
#include "core/snap.h"

/* A builder for host "h1", in spare's block (NULL: a new one). */
static struct snap_builder *
builder_in(size_t hint, struct host_snap *spare)
{
	struct host_snap_info	hi;

	memset(&hi, 0, sizeof hi);
	hi.name = "h1";
	hi.type = "kvm";
	hi.state = HOST_UP;
	return snap_builder_create_in(&hi, hint, spare);
}

static struct snap_builder *
builder(size_t hint)
{
	return builder_in(hint, NULL);
}

static struct host_snap *
fleet(size_t n, const char *os_every_third)
{
	struct snap_builder	*b = builder(0);
	struct guest_snap	 g;
	char			 name[32], id[40], os[64];
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof g);
		/* Added in reverse: finish sorts by name. */
		snprintf(name, sizeof name, "vm-%05zu", n - 1 - i);
		snprintf(id, sizeof id, "id-%zu", n - 1 - i);
		/* Copies, so equal strings never share an address here. */
		snprintf(os, sizeof os, "%s", i % 3 == 2 ? os_every_third :
		    "Red Hat Enterprise Linux 9.4");
		g.name = name;
		g.id = id;
		g.os = os;
		g.machine = i % 2 ? "pc-q35-8.2" : NULL;
		g.cert.reason = "certified: RHEL 9 on RHEL 9.4 KVM";
		snap_builder_add(b, &g);
	}
	return snap_builder_finish(b);
}

static void
strings_are_copied_and_guests_sorted(void **state)
{
	struct host_snap	*s = fleet(300, "Windows Server 2022");
	char			 want[32];
	size_t			 i, win = 0;

	(void)state;
	assert_string_equal(s->name, "h1");
	assert_int_equal(s->nguests, 300);
	for (i = 0; i < s->nguests; i++) {
		snprintf(want, sizeof want, "vm-%05zu", i);
		assert_string_equal(s->guests[i].name, want);
		assert_non_null(s->guests[i].os);
		win += strcmp(s->guests[i].os, "Windows Server 2022") == 0;
		assert_string_equal(s->guests[i].cert.reason,
		    "certified: RHEL 9 on RHEL 9.4 KVM");
		assert_null(s->guests[i].os_id);
		assert_null(s->guests[i].cert.rule);
	}
	assert_int_equal(win, 100);
	snap_unref(s);
}

/* A run of equal strings is stored once; a different one in between
 * starts a new copy, and NULL stays NULL. */
static void
neighbours_share_equal_strings(void **state)
{
	struct host_snap	*s = fleet(6, "Windows Server 2022");
	const char		*reason = s->guests[0].cert.reason;
	size_t			 i, rhel_copies = 0, nulls = 0;
	const char		*seen[6];

	(void)state;
	for (i = 0; i < s->nguests; i++) {
		assert_ptr_equal(s->guests[i].cert.reason, reason);
		if (s->guests[i].machine == NULL)
			nulls++;
	}
	assert_int_equal(nulls, 3);
	/* Added in order: rhel, rhel, win, rhel, rhel, win: two rhel copies
	 * (one per run), and both win are copies of their own. */
	for (i = 0; i < s->nguests; i++) {
		size_t j;
		bool new = true;

		if (strcmp(s->guests[i].os, "Windows Server 2022") == 0)
			continue;
		for (j = 0; j < rhel_copies; j++)
			new = new && seen[j] != s->guests[i].os;
		if (new)
			seen[rhel_copies++] = s->guests[i].os;
	}
	assert_int_equal(rhel_copies, 2);
	snap_unref(s);
}

/* One big snapshot is built per host per poll: it takes pages of its own
 * (given back whole when the last reference goes); a small one does not. */
static void
big_snapshot_has_own_pages(void **state)
{
	struct host_snap	*big = fleet(2000, "Windows Server 2022");
	struct host_snap	*small = fleet(3, "Windows Server 2022");
	const struct host_snap	*held;

	(void)state;
	assert_true(big->own_pages);
	assert_true(big->size >= 2000 * sizeof(struct guest_snap));
	assert_false(small->own_pages);
	held = snap_ref(big);
	snap_unref(big);
	assert_string_equal(held->guests[1999].name, "vm-01999");
	snap_unref(held);
	snap_unref(small);
}

/* n guests "vm-00000".., each with a reason of reason_len bytes, built in
 * spare's block (NULL: a new one). */
static struct host_snap *
fleet_in(struct host_snap *spare, size_t n, size_t reason_len)
{
	struct snap_builder	*b = builder_in(n, spare);
	struct guest_snap	 g;
	char			 name[32], reason[512];
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof g);
		snprintf(name, sizeof name, "vm-%05zu", i);
		/* A reason of its own per guest: none is shared. */
		memset(reason, 'a' + (int)(i % 26), reason_len);
		reason[reason_len] = '\0';
		g.name = name;
		g.id = name;
		g.cert.reason = reason;
		snap_builder_add_at(b, &g, i);
	}
	return snap_builder_finish(b);
}

static void
assert_fleet(const struct host_snap *s, size_t n, size_t reason_len)
{
	char	want[32];
	size_t	i;

	assert_string_equal(s->name, "h1");
	assert_int_equal(s->nguests, n);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "vm-%05zu", i);
		assert_string_equal(s->guests[i].name, want);
		assert_string_equal(s->guests[i].id, want);
		assert_int_equal(strlen(s->guests[i].cert.reason), reason_len);
		assert_int_equal(s->guests[i].cert.reason[0], 'a' + i % 26);
	}
}

/* The last reference to a big snapshot gives its block back, and the
 * next build writes into it: grown when the next one is bigger (more
 * guests, longer strings), trimmed when smaller. A small snapshot, or one
 * still held, is not given back. */
static void
spare_block_is_built_in_again(void **state)
{
	struct host_snap	*s, *spare, *small;
	const struct host_snap	*held;
	static const size_t	 sizes[][2] = {
		{ 1000, 20 }, { 1000, 20 }, { 1000, 300 }, { 3000, 40 },
		{ 400, 10 }, { 1000, 20 },
	};
	size_t			 i;

	(void)state;
	s = fleet_in(NULL, sizes[0][0], sizes[0][1]);
	for (i = 1; i < sizeof sizes / sizeof sizes[0]; i++) {
		held = snap_ref(s);
		assert_null(snap_release(s));
		assert_non_null(spare = snap_release(held));
		s = fleet_in(spare, sizes[i][0], sizes[i][1]);
		assert_true(s->own_pages);
		assert_fleet(s, sizes[i][0], sizes[i][1]);
	}
	snap_discard(snap_release(s));
	small = fleet_in(NULL, 3, 5);
	assert_false(small->own_pages);
	assert_null(snap_release(small));
	snap_discard(NULL);
}

/* A view that held a big snapshot longest (the console holds its view
 * until the next) gives the block to the fleet, for the host's next build;
 * the fleet hands it out once. A view that is not the last holder, or
 * holds a small snapshot, gives nothing. */
static void
view_gives_spare_to_fleet(void **state)
{
	struct fleet		*f = fleet_create(2);
	struct fleet_view	 v;
	struct host_snap	*big, *spare;

	(void)state;
	big = fleet_in(NULL, 1000, 20);
	snap_unref(fleet_publish(f, 0, big));
	snap_unref(fleet_publish(f, 1, fleet_in(NULL, 3, 5)));
	fleet_acquire(f, &v);
	fleet_view_release(&v);
	assert_null(fleet_take_spare(f, 0));

	fleet_acquire(f, &v);
	snap_unref(fleet_publish(f, 0, fleet_in(NULL, 1000, 20)));
	snap_unref(fleet_publish(f, 1, fleet_in(NULL, 3, 5)));
	fleet_view_release(&v);
	spare = fleet_take_spare(f, 0);
	assert_ptr_equal(spare, big);
	assert_null(fleet_take_spare(f, 0));
	assert_null(fleet_take_spare(f, 1));
	big = fleet_in(spare, 1000, 30);
	assert_fleet(big, 1000, 30);
	snap_unref(big);

	/* One given back and never taken goes with the fleet. */
	fleet_acquire(f, &v);
	snap_unref(fleet_publish(f, 0, fleet_in(NULL, 1000, 20)));
	fleet_view_release(&v);
	fleet_free(f);
}

/* Builds names "g0".."g<n-1>" (sorted as strings when n <= 10), added in
 * the order given, each with the place given. */
static struct host_snap *
placed(const int *add, const size_t *pos, size_t n, size_t *where)
{
	struct snap_builder	*b = builder(n);
	struct guest_snap	 g;
	char			 name[8];
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof g);
		snprintf(name, sizeof name, "g%d", add[i]);
		g.name = name;
		g.id = name;
		snap_builder_add_at(b, &g, pos[i]);
	}
	return snap_builder_finish_where(b, where);
}

static void
assert_sorted_and_where(const struct host_snap *s, const int *add,
    const size_t *where, size_t n)
{
	char	want[8];
	size_t	i;

	assert_int_equal(s->nguests, n);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "g%zu", i);
		assert_string_equal(s->guests[i].name, want);
		snprintf(want, sizeof want, "g%d", add[i]);
		assert_string_equal(s->guests[where[i]].name, want);
	}
}

/* Right places are taken as they are; wrong ones (out of range, taken
 * twice, out of order, unknown) fall back to sorting. Either way every
 * guest's place comes back. */
static void
places_are_hints_never_trusted_blindly(void **state)
{
	static const int	 add[5] = { 3, 0, 4, 1, 2 };
	static const size_t	 right[5] = { 3, 0, 4, 1, 2 };
	static const size_t	 range[5] = { 3, 0, 9, 1, 2 };
	static const size_t	 twice[5] = { 3, 0, 3, 1, 2 };
	static const size_t	 order[5] = { 3, 0, 4, 2, 1 };
	static const size_t	 unknown[5] = { 3, SNAP_NO_POS, 4, 1, 2 };
	const size_t		*cases[] = { right, range, twice, order,
				    unknown };
	struct host_snap	*s;
	size_t			 where[5], c;

	(void)state;
	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		memset(where, 0xff, sizeof where);
		s = placed(add, cases[c], 5, where);
		assert_sorted_and_where(s, add, where, 5);
		snap_unref(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_are_copied_and_guests_sorted),
		cmocka_unit_test(neighbours_share_equal_strings),
		cmocka_unit_test(big_snapshot_has_own_pages),
		cmocka_unit_test(spare_block_is_built_in_again),
		cmocka_unit_test(view_gives_spare_to_fleet),
		cmocka_unit_test(places_are_hints_never_trusted_blindly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
