/* GLib under libvirt, tuned for many guests (see kvm_glib.c). */
#ifndef CV_BACKENDS_KVM_GLIB_H
#define CV_BACKENDS_KVM_GLIB_H

#define KVM_UUID_BYTES	16
#define KVM_UUID_CHARS	36
/* libvirt's virUUIDFormat. */
#define KVM_UUID_FORMAT	"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-" \
			"%02x%02x%02x%02x%02x%02x"

/* RAW as libvirt writes a UUID, 8-4-4-4-12 lowercase hex. */
void	kvm_uuid_format(const unsigned char raw[KVM_UUID_BYTES],
	    char out[KVM_UUID_CHARS + 1]);

/* GLib's own, for libvirt: see kvm_glib.c. */
int	g_snprintf(char *, unsigned long, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* 1: GLib's slices come from malloc; 0: they do not; -1: no GLib. */
int	kvm_glib_slices_malloc(void);

#endif
