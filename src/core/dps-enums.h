/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Values are stored in databases: never renumber, only append. */

typedef enum {
  DPS_STATUS_APPROVED = 0,
  DPS_STATUS_DECLINED = 1,
  DPS_STATUS_PENDING  = 2,
  DPS_STATUS_REFUNDED = 3,
} DpsStatus;
#define DPS_N_STATUSES 4

typedef enum {
  DPS_PAYMENT_METHOD_CARD          = 0,
  DPS_PAYMENT_METHOD_WALLET        = 1,
  DPS_PAYMENT_METHOD_BANK_TRANSFER = 2,
} DpsPaymentMethod;
#define DPS_N_PAYMENT_METHODS 3

typedef enum {
  DPS_AMOUNT_BUCKET_LT_20      = 0,   /* < 20 */
  DPS_AMOUNT_BUCKET_20_100     = 1,   /* 20-100 */
  DPS_AMOUNT_BUCKET_100_250    = 2,   /* 100-250 */
  DPS_AMOUNT_BUCKET_250_500    = 3,   /* 250-500 */
  DPS_AMOUNT_BUCKET_GE_500     = 4,   /* >= 500 */
} DpsAmountBucket;
#define DPS_N_AMOUNT_BUCKETS 5

/* Stable reason codes for rejected records; their strings are part of the
 * database contract and of the CLI's output. */
typedef enum {
  DPS_REJECT_MALFORMED_JSON    = 0,
  DPS_REJECT_NOT_OBJECT        = 1,
  DPS_REJECT_MISSING_FIELD     = 2,
  DPS_REJECT_WRONG_TYPE        = 3,
  DPS_REJECT_OUT_OF_RANGE      = 4,
  DPS_REJECT_UNKNOWN_ENUM      = 5,
  DPS_REJECT_INVALID_UUID      = 6,
  DPS_REJECT_INVALID_TIMESTAMP = 7,
  DPS_REJECT_INVALID_UTF8      = 8,
  DPS_REJECT_LINE_TOO_LONG     = 9,
  DPS_REJECT_DUPLICATE         = 10,
} DpsRejectReason;
#define DPS_N_REJECT_REASONS 11

GType            dps_status_get_type                (void) G_GNUC_CONST;
GType            dps_payment_method_get_type        (void) G_GNUC_CONST;
GType            dps_amount_bucket_get_type         (void) G_GNUC_CONST;
GType            dps_reject_reason_get_type         (void) G_GNUC_CONST;
#define DPS_TYPE_STATUS          (dps_status_get_type ())
#define DPS_TYPE_PAYMENT_METHOD  (dps_payment_method_get_type ())
#define DPS_TYPE_AMOUNT_BUCKET   (dps_amount_bucket_get_type ())
#define DPS_TYPE_REJECT_REASON   (dps_reject_reason_get_type ())

/* Canonical spellings: "APPROVED", "card", "20-100", "malformed_json". */
const char      *dps_status_to_string               (DpsStatus        status);
gboolean         dps_status_from_string             (const char      *text,
                                                     DpsStatus       *out);
const char      *dps_payment_method_to_string       (DpsPaymentMethod method);
gboolean         dps_payment_method_from_string     (const char      *text,
                                                     DpsPaymentMethod *out);
const char      *dps_amount_bucket_to_string        (DpsAmountBucket  bucket);
gboolean         dps_amount_bucket_from_string      (const char      *text,
                                                     DpsAmountBucket *out);
DpsAmountBucket  dps_amount_bucket_for_cents        (gint64           amount_cents);
const char      *dps_reject_reason_to_string        (DpsRejectReason  reason);
gboolean         dps_reject_reason_from_string      (const char      *text,
                                                     DpsRejectReason *out);
/* A translated, human label for a reason ("Malformed JSON"). */
const char      *dps_reject_reason_get_label        (DpsRejectReason  reason);

G_END_DECLS
