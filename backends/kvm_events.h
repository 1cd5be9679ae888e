/* The single libvirt event loop thread: keepalives, close callbacks and
 * domain events for every KVM connection run on it. */
#ifndef CV_BACKENDS_KVM_EVENTS_H
#define CV_BACKENDS_KVM_EVENTS_H

void	kvm_events_start(void);
void	kvm_events_stop(void);
void	kvm_events_before_in_process_open(void);

#endif
