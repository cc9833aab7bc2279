/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Milliseconds of CLOCK_MONOTONIC: the control plane's one time base for
 * uptimes, timeouts and back-off (never wall-clock time, which can jump).
 * Nanoseconds where a value must change between calls a moment apart (seeds).
 */
#ifndef PPTPGW_MONO_CLOCK_H
#define PPTPGW_MONO_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int64_t mono_ms(void)
{
	return (int64_t)(mono_ns() / 1000000);
}

#endif /* PPTPGW_MONO_CLOCK_H */
