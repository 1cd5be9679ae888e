/* Wake pipes (see wakepipe.h). Any thread. */
#include "core/wakepipe.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/err.h"

void
wake_pipe_open(int fd[2])
{
	int	i;

	if (pipe(fd) == -1)
		fatal("pipe");
	for (i = 0; i < 2; i++) {
		fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_NONBLOCK);
		fcntl(fd[i], F_SETFD, FD_CLOEXEC);
	}
}
