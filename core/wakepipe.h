/* Wake pipes: a byte written from another thread or a signal handler ends
 * a poll(2) on the read end. Any thread. */
#ifndef CV_CORE_WAKEPIPE_H
#define CV_CORE_WAKEPIPE_H

/* Opens fd[0] (read) and fd[1] (write), both non-blocking, so that a
 * writer never waits and a drain stops when empty, and closed on exec;
 * exits when the system has no pipe left to give. */
void	wake_pipe_open(int fd[2]);

#endif
