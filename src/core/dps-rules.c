/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dps-rules.h"
#include "dps-transaction.h"

/* Longest accepted enum spelling ("bank_transfer") fits with room to spare. */
#define ENUM_TEXT_MAX 24

static gboolean
fail (DpsRuleFailure  *failure,
      DpsRejectReason  reason,
      const char      *problem)
{
  failure->reason = reason;
  failure->problem = problem;
  return FALSE;
}

/* Copies the trimmed @text into @buf as a C string; FALSE when it cannot
 * be one of the short enum spellings anyway. */
static gboolean
trim_into (const char *text,
           char        buf[ENUM_TEXT_MAX])
{
  gsize length;
  const char *start = dps_rules_trim (text, strlen (text), &length);

  if (length >= ENUM_TEXT_MAX)
    return FALSE;
  memcpy (buf, start, length);
  buf[length] = '\0';
  return TRUE;
}

const char *
dps_rules_trim (const char *text,
                gsize       length,
                gsize      *out_length)
{
  const char *end = text + length;

  while (text < end && g_ascii_isspace (*text))
    text++;
  while (end > text && g_ascii_isspace (end[-1]))
    end--;
  *out_length = (gsize) (end - text);
  return text;
}

gboolean
dps_rules_transaction_id (const char     *text,
                          guint8          out[16],
                          DpsRuleFailure *failure)
{
  if (!dps_uuid_from_string (text, out))
    return fail (failure, DPS_REJECT_INVALID_UUID, "must be a UUID");
  return TRUE;
}

gboolean
dps_rules_event_ts (const char     *text,
                    gint64         *out_usec,
                    DpsRuleFailure *failure)
{
  g_autoptr(GDateTime) when = NULL;

  /* No default time zone: a timestamp without an offset is refused. GLib
   * also refuses years outside 1–9999. */
  when = g_date_time_new_from_iso8601 (text, NULL);
  if (when == NULL)
    return fail (failure, DPS_REJECT_INVALID_TIMESTAMP,
                 "must be an ISO 8601 date and time with a UTC offset");

  *out_usec = g_date_time_to_unix (when) * DPS_USEC_PER_SECOND +
              g_date_time_get_microsecond (when);
  return TRUE;
}

gboolean
dps_rules_user_id_from_int (gint64          value,
                            gint64         *out,
                            DpsRuleFailure *failure)
{
  if (value <= 0)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be greater than 0");
  if (value > DPS_USER_ID_MAX)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE,
                 "must be at most 4611686018427387903");
  *out = value;
  return TRUE;
}

gboolean
dps_rules_user_id_from_double (double          value,
                               gint64         *out,
                               DpsRuleFailure *failure)
{
  /* 2^62 = DPS_USER_ID_MAX + 1, exact as a double. */
  const double limit = 4611686018427387904.0;

  if (isnan (value))
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be a finite number");
  if (isfinite (value) && value != floor (value))
    return fail (failure, DPS_REJECT_WRONG_TYPE, "must be an integer");
  if (value < 1.0)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be greater than 0");
  if (value >= limit)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE,
                 "must be at most 4611686018427387903");
  return dps_rules_user_id_from_int ((gint64) value, out, failure);
}

gboolean
dps_rules_amount_from_int (gint64          value,
                           gint64         *out_cents,
                           DpsRuleFailure *failure)
{
  if (value <= 0)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be greater than 0");
  if (value > DPS_AMOUNT_MAX_CENTS / 100)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be at most 9999999999.99");
  *out_cents = value * 100;
  return TRUE;
}

gboolean
dps_rules_amount_from_double (double          value,
                              gint64         *out_cents,
                              DpsRuleFailure *failure)
{
  double scaled, error;
  gint64 cents;

  if (!isfinite (value))
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be a finite number");
  if (value <= 0.0)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be greater than 0");
  /* Well above the limit but far from where llround() stops being exact. */
  if (value > 1e11)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be at most 9999999999.99");

  /* The text "261.4" reaches us as 261.39999999999998, and 0.1 + 0.2 as
   * 0.30000000000000004: rounding to the nearest cent is right as long as
   * what is left over is binary noise, a few units in the last place of
   * the scaled value. A real third decimal leaves at least 0.1 cent over
   * the whole range of NUMERIC(12,2), far above that noise. */
  scaled = value * 100.0;
  cents = llround (scaled);
  error = fabs (scaled - (double) cents);
  if (error > MAX (1e-6, fabs (scaled) * 1e-14))
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must not have more than 2 decimals");
  if (cents <= 0)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be greater than 0");
  if (cents > DPS_AMOUNT_MAX_CENTS)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must be at most 9999999999.99");

  *out_cents = cents;
  return TRUE;
}

gboolean
dps_rules_text (const char      *text,
                gboolean         lower,
                char           **out,
                DpsRuleFailure  *failure)
{
  gsize length;
  const char *start = dps_rules_trim (text, strlen (text), &length);
  char *result;

  if (length == 0)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE, "must not be empty");
  if (length > DPS_TEXT_MAX_BYTES)
    return fail (failure, DPS_REJECT_OUT_OF_RANGE,
                 "must not be longer than " G_STRINGIFY (DPS_TEXT_MAX_BYTES) " bytes");

  if (!lower)
    {
      *out = g_strndup (start, length);
      return TRUE;
    }

  /* Lower case can be longer than upper case in UTF-8 ("İ" is 2 bytes,
   * "i̇" is 3). */
  result = g_utf8_strdown (start, (gssize) length);
  if (strlen (result) > DPS_TEXT_MAX_BYTES)
    {
      g_free (result);
      return fail (failure, DPS_REJECT_OUT_OF_RANGE,
                   "must not be longer than " G_STRINGIFY (DPS_TEXT_MAX_BYTES) " bytes");
    }
  *out = result;
  return TRUE;
}

gboolean
dps_rules_status (const char     *text,
                  DpsStatus      *out,
                  DpsRuleFailure *failure)
{
  char buf[ENUM_TEXT_MAX];

  if (!trim_into (text, buf) || !dps_status_from_string (buf, out))
    return fail (failure, DPS_REJECT_UNKNOWN_ENUM,
                 "must be one of APPROVED, DECLINED, PENDING, REFUNDED");
  return TRUE;
}

gboolean
dps_rules_payment_method (const char       *text,
                          DpsPaymentMethod *out,
                          DpsRuleFailure   *failure)
{
  char buf[ENUM_TEXT_MAX];

  if (!trim_into (text, buf) || !dps_payment_method_from_string (buf, out))
    return fail (failure, DPS_REJECT_UNKNOWN_ENUM,
                 "must be one of card, wallet, bank_transfer");
  return TRUE;
}

gboolean
dps_rules_currency (const char     *text,
                    char            out[4],
                    DpsRuleFailure *failure)
{
  char buf[ENUM_TEXT_MAX];

  if (!trim_into (text, buf) || strlen (buf) != 3 ||
      !g_ascii_isalpha (buf[0]) || !g_ascii_isalpha (buf[1]) || !g_ascii_isalpha (buf[2]))
    return fail (failure, DPS_REJECT_UNKNOWN_ENUM,
                 "must be a three-letter ISO 4217 code");

  for (guint i = 0; i < 3; i++)
    out[i] = g_ascii_toupper (buf[i]);
  out[3] = '\0';
  return TRUE;
}
