/*
 * devices/vclock.c — virtual time: the timer table and the conversions
 * between ticks (instructions) and device clocks.  See vclock.h.
 */
#include "devices/vclock.h"

#include <string.h>

void vclock_init(struct vclock *k, uint64_t ips)
{
	memset(k, 0, sizeof(*k));
	k->ips = ips ? ips : 1000000000ull;
}

int vclock_add(struct vclock *k, struct vtimer *t)
{
	if (k->ntimers == VCLOCK_MAX_TIMERS)
		return -1;
	t->when = VTIMER_OFF;
	k->timers[k->ntimers++] = t;
	return 0;
}

uint64_t vclock_next(const struct vclock *k)
{
	uint64_t next = VTIMER_OFF;
	for (int i = 0; i < k->ntimers; i++)
		if (k->timers[i]->when < next)
			next = k->timers[i]->when;
	return next;
}

int vclock_can_wake(const struct vclock *k)
{
	for (int i = 0; i < k->ntimers; i++) {
		const struct vtimer *t = k->timers[i];
		if (t->when != VTIMER_OFF && (!t->wakes || t->wakes(t->opaque)))
			return 1;
	}
	return 0;
}

int vclock_fire_due(struct vclock *k, uint64_t now)
{
	int fired = 0;
	for (;;) {
		/* The earliest due timer first; ties in registration order. */
		struct vtimer *t = NULL;
		for (int i = 0; i < k->ntimers; i++)
			if (k->timers[i]->when <= now &&
			    (!t || k->timers[i]->when < t->when))
				t = k->timers[i];
		if (!t)
			return fired;
		uint64_t due = t->when;
		t->when = VTIMER_OFF;
		t->fire(t->opaque, due);
		fired++;
	}
}

uint64_t vclock_to_hz(const struct vclock *k, uint64_t ticks, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ticks * hz / k->ips);
}

uint64_t vclock_from_hz(const struct vclock *k, uint64_t n, uint64_t hz)
{
	return (uint64_t)(((unsigned __int128)n * k->ips + hz - 1) / hz);
}
