/* What crossvisor reads from a libvirt domain XML, once per domain. Pure:
 * the XML is libvirt's own output, so a few anchored searches suffice. */
#ifndef CV_BACKENDS_KVM_XML_H
#define CV_BACKENDS_KVM_XML_H

#include <stdbool.h>
#include <stdint.h>

struct kvm_domxml {
	char		virt_type[16];	/* <domain type='kvm'> */
	char		machine[64];	/* <type machine='pc-q35-7.2'> */
	char		os_url[128];	/* libosinfo os id */
	int		vcpus;		/* <vcpu>; 0 unknown */
	uint64_t	mem_max_kib;	/* <memory>; 0 unknown */
	uint64_t	mem_cur_kib;	/* <currentMemory>; 0 unknown */
	bool		agent;		/* a qemu guest agent is connected */
};

void	kvm_xml_parse(const char *xml, struct kvm_domxml *);

#endif
