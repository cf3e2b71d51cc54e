/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "dps-enums.h"

G_BEGIN_DECLS

/* Field-level rules of the record contract (DESIGN.md), private to core.
 *
 * Each rule takes a value already known to have the right JSON type and
 * either stores its normalised form and returns TRUE, or fills @failure
 * and returns FALSE. Rules never allocate on failure. */

/* merchant, category and city, in bytes after trimming. */
#define DPS_TEXT_MAX_BYTES    200
/* NUMERIC(12,2) */
#define DPS_AMOUNT_MAX_CENTS  G_GINT64_CONSTANT (999999999999)
#define DPS_USER_ID_MAX       (G_MAXINT64 / 2)

/* Why a value broke a rule: a stable reason and a static English phrase
 * that completes `field "amount" …`, such as "must be greater than 0". */
typedef struct {
  DpsRejectReason  reason;
  const char      *problem;
} DpsRuleFailure;

/* Skips ASCII whitespace at both ends, as g_strstrip() does; returns the
 * first kept byte and stores the kept length in @out_length. */
const char *dps_rules_trim                (const char       *text,
                                           gsize             length,
                                           gsize            *out_length);

gboolean    dps_rules_transaction_id      (const char       *text,
                                           guint8            out[16],
                                           DpsRuleFailure   *failure);
/* ISO 8601 with an explicit offset; stores microseconds since the epoch, UTC. */
gboolean    dps_rules_event_ts            (const char       *text,
                                           gint64           *out_usec,
                                           DpsRuleFailure   *failure);
gboolean    dps_rules_user_id_from_int    (gint64            value,
                                           gint64           *out,
                                           DpsRuleFailure   *failure);
/* A double is an integer when it has no fractional part (1742.0). */
gboolean    dps_rules_user_id_from_double (double            value,
                                           gint64           *out,
                                           DpsRuleFailure   *failure);
gboolean    dps_rules_amount_from_int     (gint64            value,
                                           gint64           *out_cents,
                                           DpsRuleFailure   *failure);
/* Exact cents from a double such as 261.4 (really 261.39999999999998). */
gboolean    dps_rules_amount_from_double  (double            value,
                                           gint64           *out_cents,
                                           DpsRuleFailure   *failure);
/* Trimmed, non-empty, at most DPS_TEXT_MAX_BYTES; lower-cased when @lower.
 * Stores a newly allocated string in @out. */
gboolean    dps_rules_text                (const char       *text,
                                           gboolean          lower,
                                           char            **out,
                                           DpsRuleFailure   *failure);
gboolean    dps_rules_status              (const char       *text,
                                           DpsStatus        *out,
                                           DpsRuleFailure   *failure);
gboolean    dps_rules_payment_method      (const char       *text,
                                           DpsPaymentMethod *out,
                                           DpsRuleFailure   *failure);
/* Three ASCII letters, any case; stored upper case and NUL-terminated. */
gboolean    dps_rules_currency            (const char       *text,
                                           char              out[4],
                                           DpsRuleFailure   *failure);

G_END_DECLS
