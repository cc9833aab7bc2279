/* SPDX-License-Identifier: BSD-3-Clause */
/* /pptpgw/radius on DPDK's telemetry socket (radius_telemetry.c). */
#ifndef PPTPGW_RADIUS_TELEMETRY_H
#define PPTPGW_RADIUS_TELEMETRY_H

/* Register the command once per process. 0, or -1 (the counters stay in the logs). */
int radius_telemetry_register(void);

#endif /* PPTPGW_RADIUS_TELEMETRY_H */
