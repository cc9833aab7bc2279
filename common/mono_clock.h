/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Milliseconds of CLOCK_MONOTONIC: the control plane's one time base for
 * uptimes, timeouts and back-off (never wall-clock time, which can jump).
 */
#ifndef PPTPGW_MONO_CLOCK_H
#define PPTPGW_MONO_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif /* PPTPGW_MONO_CLOCK_H */
