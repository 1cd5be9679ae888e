/* Fields of a libvirt domain XML. Pure. */
#include "backends/kvm_xml.h"

#include <stdlib.h>
#include <string.h>

/* Copies the value of attribute attr within the element that starts at
 * tag (up to its '>'). */
static void
attr_of(const char *tag, const char *attr, char *out, size_t len)
{
	const char	*end, *p, *q;
	size_t		 alen = strlen(attr), n;
	char		 quote;

	out[0] = '\0';
	if (tag == NULL || (end = strchr(tag, '>')) == NULL)
		return;
	for (p = tag; (p = strstr(p, attr)) != NULL && p < end; p += alen) {
		if (p[-1] != ' ' || p[alen] != '=')
			continue;
		quote = p[alen + 1];
		if (quote != '\'' && quote != '"')
			return;
		q = strchr(p + alen + 2, quote);
		if (q == NULL || q > end)
			return;
		n = (size_t)(q - (p + alen + 2));
		if (n >= len)
			n = len - 1;
		memcpy(out, p + alen + 2, n);
		out[n] = '\0';
		return;
	}
}

/* The number inside <name ...>N</name>, scaled to KiB when a unit says. */
static uint64_t
number_of(const char *xml, const char *open)
{
	const char		*p = strstr(xml, open);
	char			 unit[16];
	unsigned long long	 v;

	if (p == NULL || (p = strchr(p, '>')) == NULL)
		return 0;
	v = strtoull(p + 1, NULL, 10);
	attr_of(strstr(xml, open), "unit", unit, sizeof unit);
	if (strcmp(unit, "b") == 0 || strcmp(unit, "bytes") == 0)
		v /= 1024;
	else if (strcmp(unit, "MiB") == 0 || strcmp(unit, "M") == 0)
		v *= 1024;
	else if (strcmp(unit, "GiB") == 0 || strcmp(unit, "G") == 0)
		v *= 1024 * 1024;
	return v;
}

/* The live XML says state='connected' on the guest agent's channel target
 * once the agent answers. */
static bool
agent_connected(const char *xml)
{
	const char	*p = strstr(xml, "name='org.qemu.guest_agent.0'");
	const char	*tag, *end;

	if (p == NULL)
		p = strstr(xml, "name=\"org.qemu.guest_agent.0\"");
	if (p == NULL)
		return false;
	for (tag = p; tag > xml && *tag != '<'; tag--)
		;
	if ((end = strchr(p, '>')) == NULL)
		return false;
	for (p = tag; p < end; p++)
		if (strncmp(p, "state='connected'", 17) == 0 ||
		    strncmp(p, "state=\"connected\"", 17) == 0)
			return true;
	return false;
}

void
kvm_xml_parse(const char *xml, struct kvm_domxml *d)
{
	const char	*os;

	memset(d, 0, sizeof *d);
	attr_of(strstr(xml, "<domain "), "type", d->virt_type,
	    sizeof d->virt_type);
	if ((os = strstr(xml, "<os>")) != NULL || (os = strstr(xml, "<os ")))
		attr_of(strstr(os, "<type "), "machine", d->machine,
		    sizeof d->machine);
	attr_of(strstr(xml, "<libosinfo:os "), "id", d->os_url,
	    sizeof d->os_url);
	d->vcpus = (int)number_of(xml, "<vcpu");
	d->mem_max_kib = number_of(xml, "<memory");
	d->mem_cur_kib = number_of(xml, "<currentMemory");
	d->agent = agent_connected(xml);
}
