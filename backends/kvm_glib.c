/*
 * Two costs every libvirt client pays through GLib, taken off where an
 * executable may do it (figures: bench/README.md):
 *
 * - GLib before 2.76 hands small blocks out of a slab allocator of its
 *   own, with a cache per thread, and every poller thread fills one: about
 *   0.9 MB more at 50 hosts than malloc, which GLib 2.76 and later use.
 * - libvirt formats a domain's UUID through g_snprintf twice when it frees
 *   the domain, for two debug lines that are off: about 30% of crossvisor's
 *   CPU on a host of 1000 guests, as every stats record is freed after
 *   every poll. An executable's g_snprintf comes before GLib's for every
 *   library, so libvirt's calls come here. The UUID's format gets the
 *   bytes printf would give, without printf; any other format goes to
 *   vsnprintf, as in GLib.
 */
#include "backends/kvm_glib.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* GLib's GSliceConfig key, stable since GLib 2.10. */
#define G_SLICE_CONFIG_ALWAYS_MALLOC	1

/* A function of the GLib loaded with libvirt, or NULL. Looked up, not
 * linked: a GLib without it is left as it is. */
static void *
glib_function(const char *name)
{
	void	*self, *sym;

	if ((self = dlopen(NULL, RTLD_LAZY)) == NULL)
		return NULL;
	sym = dlsym(self, name);
	dlclose(self);
	return sym;
}

/*
 * GLib reads its slice setting once, in its constructor: G_SLICE set from
 * main comes too late, and glibc sets the environment up again after this
 * array has run. So the setting is made here, before any library's
 * constructor.
 */
static void
glib_slices_from_malloc(int argc, char **argv, char **envp)
{
	void	*sym;
	void	(*set_config)(int, int64_t);

	(void)argc;
	(void)argv;
	(void)envp;
	if ((sym = glib_function("g_slice_set_config")) != NULL) {
		*(void **)&set_config = sym;
		set_config(G_SLICE_CONFIG_ALWAYS_MALLOC, 1);
	}
}

__attribute__((section(".preinit_array"), used))
static void	(*const preinit_glib_slices)(int, char **, char **) =
    glib_slices_from_malloc;

void
kvm_uuid_format(const unsigned char raw[KVM_UUID_BYTES],
    char out[KVM_UUID_CHARS + 1])
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;

	for (i = 0; i < KVM_UUID_BYTES; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[raw[i] >> 4];
		out[o++] = hex[raw[i] & 0xf];
	}
	out[o] = '\0';
}

/* KVM_UUID_FORMAT's output, or -1 when an argument is not a byte (printf
 * would write more digits) or OUT is too short. */
static int
uuid_fast(char *out, size_t n, va_list ap)
{
	unsigned char	raw[KVM_UUID_BYTES];
	size_t		i;
	int		v;

	if (n < KVM_UUID_CHARS + 1)
		return -1;
	for (i = 0; i < KVM_UUID_BYTES; i++) {
		v = va_arg(ap, int);
		if (v < 0 || v > 0xff)
			return -1;
		raw[i] = (unsigned char)v;
	}
	kvm_uuid_format(raw, out);
	return KVM_UUID_CHARS;
}

int
g_snprintf(char *out, unsigned long n, const char *format, ...)
{
	va_list	ap, fast;
	int	r = -1;

	if (format == NULL || (n > 0 && out == NULL))
		return -1;
	va_start(ap, format);
	if (strcmp(format, KVM_UUID_FORMAT) == 0) {
		va_copy(fast, ap);
		r = uuid_fast(out, n, fast);
		va_end(fast);
	}
	if (r == -1)
		r = vsnprintf(out, n, format, ap);
	va_end(ap);
	return r;
}

int
kvm_glib_slices_malloc(void)
{
	void	*sym;
	int64_t	(*get_config)(int);

	if ((sym = glib_function("g_slice_get_config")) == NULL)
		return -1;
	*(void **)&get_config = sym;
	return get_config(G_SLICE_CONFIG_ALWAYS_MALLOC) != 0;
}
