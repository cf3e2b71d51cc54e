/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dps-record-parser.h"
#include "dps-record-parser-private.h"
#include "dps-transaction-json.h"

/* Small enough that libFuzzer's default -max_len of 4096 reaches the
 * line_too_long path too. */
#define FUZZ_MAX_LINE_LENGTH 2048

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Undefined behaviour is a finding, not a warning. */
const char *__ubsan_default_options (void);

const char *
__ubsan_default_options (void)
{
  return "halt_on_error=1:print_stacktrace=1";
}

static DpsRecordParser *parser;
static DpsRecordParser *general;   /* json-glib for every line */

static void
check_accepted (const DpsTransaction *tx,
                const DpsReject      *reject)
{
  const char *texts[] = { tx->merchant, tx->category, tx->city };

  g_assert_null (reject->detail);
  g_assert_null (reject->raw);

  g_assert_nonnull (tx->payload);
  g_assert_true (g_utf8_validate (tx->payload, -1, NULL));
  /* A text said to be canonical is rebuilt from the fields byte for byte
   * (SQLite stores the fields only); one that is not cannot be. */
  {
    g_autoptr(GString) rebuilt = g_string_new (NULL);

    if (dps_transaction_write_json (tx, rebuilt))
      g_assert_cmpint (tx->payload_is_canonical, ==, strcmp (rebuilt->str, tx->payload) == 0);
    else
      g_assert_false (tx->payload_is_canonical);
  }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_assert_nonnull (texts[i]);
      g_assert_true (g_utf8_validate (texts[i], -1, NULL));
      g_assert_cmpuint (strlen (texts[i]), >, 0);
      g_assert_cmpuint (strlen (texts[i]), <=, 200);
    }
  g_assert_cmpint (tx->user_id, >, 0);
  g_assert_cmpint (tx->user_id, <=, G_MAXINT64 / 2);
  g_assert_cmpint (tx->amount_cents, >, 0);
  g_assert_cmpint (tx->amount_cents, <=, G_GINT64_CONSTANT (999999999999));
  g_assert_cmpuint (tx->status, <, DPS_N_STATUSES);
  g_assert_cmpuint (tx->payment_method, <, DPS_N_PAYMENT_METHODS);
  g_assert_cmpuint (tx->amount_bucket, <, DPS_N_AMOUNT_BUCKETS);
  g_assert_cmpuint (tx->event_hour, <, 24);
  g_assert_cmpuint (tx->event_dayofweek, <, 7);
  g_assert_cmpuint (strlen (tx->currency), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_ascii_isupper (tx->currency[i]));
}

/* Reading the record straight from the text must give what json-glib gives. */
static void
check_same_as_general (gboolean              ok,
                       const DpsTransaction *tx,
                       const DpsReject      *reject,
                       const uint8_t        *data,
                       size_t                size)
{
  DpsTransaction other = { 0 };
  DpsReject *other_reject = dps_reject_new ();
  gboolean other_ok = dps_record_parser_parse (general, (const char *) data, size, size,
                                               &other, other_reject);

  g_assert_cmpint (other_ok, ==, ok);
  if (ok)
    {
      g_assert_true (memcmp (other.id, tx->id, sizeof tx->id) == 0);
      g_assert_cmpint (other.event_ts, ==, tx->event_ts);
      g_assert_cmpint (other.user_id, ==, tx->user_id);
      g_assert_cmpint (other.amount_cents, ==, tx->amount_cents);
      g_assert_cmpstr (other.merchant, ==, tx->merchant);
      g_assert_cmpstr (other.category, ==, tx->category);
      g_assert_cmpstr (other.city, ==, tx->city);
      g_assert_cmpint (other.status, ==, tx->status);
      g_assert_cmpint (other.payment_method, ==, tx->payment_method);
      g_assert_cmpstr (other.currency, ==, tx->currency);
      g_assert_cmpstr (other.payload, ==, tx->payload);
      g_assert_cmpint (other.payload_is_canonical, ==, tx->payload_is_canonical);
    }
  else
    {
      g_assert_cmpint (other_reject->reason, ==, reject->reason);
      g_assert_cmpstr (other_reject->field, ==, reject->field);
      g_assert_cmpstr (other_reject->detail, ==, reject->detail);
      g_assert_cmpstr (other_reject->transaction_id, ==, reject->transaction_id);
      g_assert_cmpint (other_reject->event_ts, ==, reject->event_ts);
    }
  dps_transaction_clear (&other);
  dps_reject_free (other_reject);
}

static void
check_rejected (const DpsTransaction *tx,
                const DpsReject      *reject,
                const uint8_t        *data,
                size_t                size)
{
  static const DpsTransaction zero;

  /* Nothing half-filled, nothing owned. */
  g_assert_true (memcmp (tx, &zero, sizeof zero) == 0);

  g_assert_cmpuint (reject->reason, <, DPS_N_REJECT_REASONS);
  g_assert_cmpint (reject->reason, !=, DPS_REJECT_DUPLICATE);
  g_assert_nonnull (reject->detail);
  g_assert_true (g_utf8_validate (reject->detail, -1, NULL));
  g_assert_nonnull (reject->raw);
  g_assert_cmpuint (reject->raw_length, ==, size);
  g_assert_cmpuint (reject->raw_size, ==, MIN (size, (size_t) DPS_REJECT_RAW_MAX));
  g_assert_true (memcmp (reject->raw, data, reject->raw_size) == 0);
  if (reject->transaction_id != NULL)
    g_assert_true (g_utf8_validate (reject->transaction_id, -1, NULL));
  if (reject->field != NULL)
    g_assert_true (reject->reason >= DPS_REJECT_MISSING_FIELD &&
                   reject->reason <= DPS_REJECT_INVALID_TIMESTAMP);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  DpsTransaction tx = { 0 };
  DpsReject *reject = dps_reject_new ();
  gboolean ok;

  if (parser == NULL)
    {
      parser = dps_record_parser_new ();
      dps_record_parser_set_max_line_length (parser, FUZZ_MAX_LINE_LENGTH);
      general = dps_record_parser_new ();
      dps_record_parser_set_max_line_length (general, FUZZ_MAX_LINE_LENGTH);
      dps_record_parser_set_fast_path (general, FALSE);
    }

  ok = dps_record_parser_parse (parser, (const char *) data, size, size, &tx, reject);
  check_same_as_general (ok, &tx, reject, data, size);
  if (ok)
    {
      DpsTransaction again = { 0 };
      DpsReject *unused = dps_reject_new ();

      check_accepted (&tx, reject);

      /* The payload is the record: parsing it again gives the same one. */
      g_assert_true (dps_record_parser_parse (parser, tx.payload, strlen (tx.payload),
                                              strlen (tx.payload), &again, unused));
      g_assert_true (memcmp (again.id, tx.id, sizeof tx.id) == 0);
      g_assert_cmpint (again.event_ts, ==, tx.event_ts);
      g_assert_cmpint (again.amount_cents, ==, tx.amount_cents);
      g_assert_cmpstr (again.merchant, ==, tx.merchant);
      g_assert_cmpstr (again.payload, ==, tx.payload);

      dps_transaction_clear (&again);
      dps_reject_free (unused);
      dps_transaction_clear (&tx);
    }
  else
    check_rejected (&tx, reject, data, size);

  dps_reject_free (reject);
  return 0;
}
