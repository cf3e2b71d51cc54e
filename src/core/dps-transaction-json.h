/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "dps-transaction.h"

G_BEGIN_DECLS

/* The canonical JSON text of a record: the original producer's layout
 * (Python's json.dumps of its dict), which the generator also writes:
 *
 *   {"transaction_id": "…", "event_ts": "2026-11-20T13:45:12.123456+00:00",
 *    "user_id": 42, "amount": 12.5, "merchant": "…", "category": "…",
 *    "city": "…", "status": "APPROVED", "payment_method": "card",
 *    "currency": "EUR"}   (on one line)
 *
 * A record received in exactly this text needs no copy of it: a store
 * can rebuild the text from the fields (SQLite does, in its
 * raw_transactions view), which spares most of the bytes a load writes. */

/* Appends the canonical text of @tx to @out. FALSE (and @out unchanged)
 * when a field has no canonical text: a quote, backslash or control
 * character in a text, or a time outside the years 1970–9999. */
gboolean  dps_transaction_write_json       (const DpsTransaction *tx,
                                            GString              *out);
/* TRUE when @text (@length bytes) is exactly the canonical text of @tx. */
gboolean  dps_transaction_json_matches     (const DpsTransaction *tx,
                                            const char           *text,
                                            gsize                 length);

G_END_DECLS
