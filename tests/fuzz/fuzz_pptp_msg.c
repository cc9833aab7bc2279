/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for pptp_msg_parse() (RFC 2637 control messages).
 *
 * Beyond "no crash": whatever parses must build back to a message that parses
 * to the same struct, and the built bytes must equal the input except for
 * what the codec deliberately drops (reserved fields, bytes after a string's
 * NUL). Any difference is a codec bug and aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pptp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_msg m, again;
	uint8_t buf[PPTP_MSG_MAX_LEN];
	const char *why = NULL;
	size_t len;
	int rc;

	rc = pptp_msg_parse(data, size, &m, &why);
	if (rc != PPTP_MSG_OK) {
		if (why == NULL || m.type != 0)
			abort();
		return 0;
	}
	if (why != NULL || size != pptp_msg_len(m.type))
		abort();

	len = pptp_msg_build(&m, buf, sizeof(buf));
	if (len != size)
		abort();
	/* The 12-byte header can only come back identical. */
	if (memcmp(buf, data, PPTP_MSG_HDR_LEN) != 0)
		abort();
	if (pptp_msg_parse(buf, len, &again, &why) != PPTP_MSG_OK)
		abort();
	/* Reserved fields are written as zero, so only the flag may differ. */
	if (again.reserved_nonzero)
		abort();
	again.reserved_nonzero = m.reserved_nonzero;
	if (memcmp(&again, &m, sizeof(m)) != 0)
		abort();
	return 0;
}
