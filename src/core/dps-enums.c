/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dps-enums.h"

static const char *const status_names[DPS_N_STATUSES] = {
  "APPROVED", "DECLINED", "PENDING", "REFUNDED",
};

static const char *const payment_method_names[DPS_N_PAYMENT_METHODS] = {
  "card", "wallet", "bank_transfer",
};

static const char *const amount_bucket_names[DPS_N_AMOUNT_BUCKETS] = {
  "<20", "20-100", "100-250", "250-500", ">=500",
};

static const char *const reject_reason_names[DPS_N_REJECT_REASONS] = {
  "malformed_json",
  "not_object",
  "missing_field",
  "wrong_type",
  "out_of_range",
  "unknown_enum",
  "invalid_uuid",
  "invalid_timestamp",
  "invalid_utf8",
  "line_too_long",
  "duplicate",
};

static const char *const reject_reason_labels[DPS_N_REJECT_REASONS] = {
  N_("Malformed JSON"),
  N_("Not a JSON object"),
  N_("Missing field"),
  N_("Wrong type"),
  N_("Out of range"),
  N_("Unknown value"),
  N_("Invalid UUID"),
  N_("Invalid timestamp"),
  N_("Invalid UTF-8"),
  N_("Line too long"),
  N_("Duplicate"),
};

static gboolean
lookup (const char *const *names,
        guint              n_names,
        const char        *text,
        gboolean           ignore_case,
        guint             *out)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      gboolean same = ignore_case ? g_ascii_strcasecmp (names[i], text) == 0
                                  : strcmp (names[i], text) == 0;
      if (same)
        {
          *out = i;
          return TRUE;
        }
    }
  return FALSE;
}

G_DEFINE_ENUM_TYPE (DpsStatus, dps_status,
  G_DEFINE_ENUM_VALUE (DPS_STATUS_APPROVED, "approved"),
  G_DEFINE_ENUM_VALUE (DPS_STATUS_DECLINED, "declined"),
  G_DEFINE_ENUM_VALUE (DPS_STATUS_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (DPS_STATUS_REFUNDED, "refunded"))

G_DEFINE_ENUM_TYPE (DpsPaymentMethod, dps_payment_method,
  G_DEFINE_ENUM_VALUE (DPS_PAYMENT_METHOD_CARD, "card"),
  G_DEFINE_ENUM_VALUE (DPS_PAYMENT_METHOD_WALLET, "wallet"),
  G_DEFINE_ENUM_VALUE (DPS_PAYMENT_METHOD_BANK_TRANSFER, "bank-transfer"))

G_DEFINE_ENUM_TYPE (DpsAmountBucket, dps_amount_bucket,
  G_DEFINE_ENUM_VALUE (DPS_AMOUNT_BUCKET_LT_20, "lt-20"),
  G_DEFINE_ENUM_VALUE (DPS_AMOUNT_BUCKET_20_100, "20-100"),
  G_DEFINE_ENUM_VALUE (DPS_AMOUNT_BUCKET_100_250, "100-250"),
  G_DEFINE_ENUM_VALUE (DPS_AMOUNT_BUCKET_250_500, "250-500"),
  G_DEFINE_ENUM_VALUE (DPS_AMOUNT_BUCKET_GE_500, "ge-500"))

G_DEFINE_ENUM_TYPE (DpsRejectReason, dps_reject_reason,
  G_DEFINE_ENUM_VALUE (DPS_REJECT_MALFORMED_JSON, "malformed-json"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_NOT_OBJECT, "not-object"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_MISSING_FIELD, "missing-field"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_WRONG_TYPE, "wrong-type"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_OUT_OF_RANGE, "out-of-range"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_UNKNOWN_ENUM, "unknown-enum"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_INVALID_UUID, "invalid-uuid"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_INVALID_TIMESTAMP, "invalid-timestamp"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_INVALID_UTF8, "invalid-utf8"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_LINE_TOO_LONG, "line-too-long"),
  G_DEFINE_ENUM_VALUE (DPS_REJECT_DUPLICATE, "duplicate"))

const char *
dps_status_to_string (DpsStatus status)
{
  g_return_val_if_fail ((guint) status < DPS_N_STATUSES, NULL);
  return status_names[status];
}

gboolean
dps_status_from_string (const char *text,
                        DpsStatus  *out)
{
  guint i;

  if (!lookup (status_names, DPS_N_STATUSES, text, TRUE, &i))
    return FALSE;
  *out = (DpsStatus) i;
  return TRUE;
}

const char *
dps_payment_method_to_string (DpsPaymentMethod method)
{
  g_return_val_if_fail ((guint) method < DPS_N_PAYMENT_METHODS, NULL);
  return payment_method_names[method];
}

gboolean
dps_payment_method_from_string (const char       *text,
                                DpsPaymentMethod *out)
{
  guint i;

  if (!lookup (payment_method_names, DPS_N_PAYMENT_METHODS, text, TRUE, &i))
    return FALSE;
  *out = (DpsPaymentMethod) i;
  return TRUE;
}

const char *
dps_amount_bucket_to_string (DpsAmountBucket bucket)
{
  g_return_val_if_fail ((guint) bucket < DPS_N_AMOUNT_BUCKETS, NULL);
  return amount_bucket_names[bucket];
}

gboolean
dps_amount_bucket_from_string (const char      *text,
                               DpsAmountBucket *out)
{
  guint i;

  if (!lookup (amount_bucket_names, DPS_N_AMOUNT_BUCKETS, text, FALSE, &i))
    return FALSE;
  *out = (DpsAmountBucket) i;
  return TRUE;
}

DpsAmountBucket
dps_amount_bucket_for_cents (gint64 amount_cents)
{
  if (amount_cents < 2000)
    return DPS_AMOUNT_BUCKET_LT_20;
  if (amount_cents < 10000)
    return DPS_AMOUNT_BUCKET_20_100;
  if (amount_cents < 25000)
    return DPS_AMOUNT_BUCKET_100_250;
  if (amount_cents < 50000)
    return DPS_AMOUNT_BUCKET_250_500;
  return DPS_AMOUNT_BUCKET_GE_500;
}

const char *
dps_reject_reason_to_string (DpsRejectReason reason)
{
  g_return_val_if_fail ((guint) reason < DPS_N_REJECT_REASONS, NULL);
  return reject_reason_names[reason];
}

gboolean
dps_reject_reason_from_string (const char      *text,
                               DpsRejectReason *out)
{
  guint i;

  if (!lookup (reject_reason_names, DPS_N_REJECT_REASONS, text, FALSE, &i))
    return FALSE;
  *out = (DpsRejectReason) i;
  return TRUE;
}

const char *
dps_reject_reason_get_label (DpsRejectReason reason)
{
  g_return_val_if_fail ((guint) reason < DPS_N_REJECT_REASONS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, reject_reason_labels[reason]);
}
