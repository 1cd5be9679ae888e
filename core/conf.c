/* Plain configuration structs: defaults and freeing. Any thread. */
#include "core/conf.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* The defaults of every key; config/cfg_table.c documents the same values. */
void
cfg_init_defaults(struct cfg *c)
{
	memset(c, 0, sizeof *c);
	c->refresh = 2.0;
	c->slow_refresh = 10.0;
	c->connect_timeout = 15.0;
	c->poll_timeout = 10.0;
	c->backoff_max = 60.0;
	c->theme = xstrdup("default");
	strv_add(&c->confirm_by_name_tags, "prod");
}

void
strv_add(struct strv *sv, const char *s)
{
	sv->v = xreallocarray(sv->v, sv->n + 1, sizeof *sv->v);
	sv->v[sv->n++] = xstrdup(s);
}

void
strv_free(struct strv *sv)
{
	size_t	i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

bool
strv_has(const struct strv *sv, const char *s)
{
	size_t	i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void
cfg_host_free(struct cfg_host *h)
{
	free(h->name);
	free(h->type);
	free(h->uri);
	free(h->transport);
	free(h->address);
	free(h->user);
	free(h->identity);
	free(h->known_hosts);
	if (h->password != NULL) {
		memset(h->password, 0, strlen(h->password));
		free(h->password);
	}
	strv_free(&h->command);
	free(h->platform);
	strv_free(&h->tags);
	memset(h, 0, sizeof *h);
}

void
cfg_free(struct cfg *c)
{
	size_t	i;

	for (i = 0; i < c->nhosts; i++)
		cfg_host_free(&c->hosts[i]);
	free(c->hosts);
	free(c->path);
	free(c->theme);
	free(c->journal);
	strv_free(&c->confirm_by_name_tags);
	memset(c, 0, sizeof *c);
}
