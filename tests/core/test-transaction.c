/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dps-transaction.h"
#include "dps-transaction-json.h"

typedef struct {
  const char *iso;
  gint64      usec;
  const char *date;
  guint8      hour;
  guint8      dayofweek;
} TimeCase;

static const TimeCase time_cases[] = {
  { "1970-01-01T00:00:00.000000Z", 0, "1970-01-01", 0, 3 },
  { "2026-11-20T13:45:12.123456Z", G_GINT64_CONSTANT (1795182312123456), "2026-11-20", 13, 4 },
  { "2024-02-29T23:59:59.999999Z", G_GINT64_CONSTANT (1709251199999999), "2024-02-29", 23, 3 },
  { "1969-12-31T23:00:00.000000Z", G_GINT64_CONSTANT (-3600000000), "1969-12-31", 23, 2 },
  { "2026-11-16T00:00:00.000000Z", G_GINT64_CONSTANT (1794787200000000), "2026-11-16", 0, 0 },
};

static void
test_time_enrichment (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (time_cases); i++)
    {
      const TimeCase *c = &time_cases[i];
      DpsTransaction tx = { 0 };
      g_autofree char *iso = dps_format_timestamp (c->usec);
      g_autofree char *date = NULL;
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (c->iso, NULL);
      gint32 days;

      g_assert_nonnull (parsed);
      g_assert_cmpint (g_date_time_to_unix (parsed) * G_USEC_PER_SEC +
                       g_date_time_get_microsecond (parsed), ==, c->usec);
      g_assert_cmpstr (iso, ==, c->iso);

      tx.event_ts = c->usec;
      tx.amount_cents = 100;
      dps_transaction_enrich (&tx);
      date = dps_format_date (tx.event_date);
      g_assert_cmpstr (date, ==, c->date);
      g_assert_cmpuint (tx.event_hour, ==, c->hour);
      g_assert_cmpuint (tx.event_dayofweek, ==, c->dayofweek);
      g_assert_true (dps_parse_date (c->date, &days));
      g_assert_cmpint (days, ==, tx.event_date);
    }
}

static void
test_bad_dates (void)
{
  const char *bad[] = { "2026-02-29", "2026-13-01", "2026-1-01", "20261101", "", "2026-11-31", "2026-11-01x" };
  gint32 days;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (dps_parse_date (bad[i], &days));
}

typedef struct {
  gint64      cents;
  const char *text;
  DpsAmountBucket bucket;
} CentsCase;

static const CentsCase cents_cases[] = {
  { 1, "0.01", DPS_AMOUNT_BUCKET_LT_20 },
  { 1999, "19.99", DPS_AMOUNT_BUCKET_LT_20 },
  { 2000, "20.00", DPS_AMOUNT_BUCKET_20_100 },
  { 9999, "99.99", DPS_AMOUNT_BUCKET_20_100 },
  { 10000, "100.00", DPS_AMOUNT_BUCKET_100_250 },
  { 25000, "250.00", DPS_AMOUNT_BUCKET_250_500 },
  { 49999, "499.99", DPS_AMOUNT_BUCKET_250_500 },
  { 50000, "500.00", DPS_AMOUNT_BUCKET_GE_500 },
  { 26140, "261.40", DPS_AMOUNT_BUCKET_250_500 },
  { G_GINT64_CONSTANT (999999999999), "9999999999.99", DPS_AMOUNT_BUCKET_GE_500 },
  { -1050, "-10.50", DPS_AMOUNT_BUCKET_LT_20 },
};

static void
test_cents (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cents_cases); i++)
    {
      g_autofree char *text = dps_format_cents (cents_cases[i].cents);

      g_assert_cmpstr (text, ==, cents_cases[i].text);
      g_assert_cmpint (dps_amount_bucket_for_cents (cents_cases[i].cents), ==,
                       cents_cases[i].bucket);
    }
}

static void
test_uuid (void)
{
  guint8 id[16];
  char text[DPS_UUID_TEXT_LEN + 1];

  g_assert_true (dps_uuid_from_string ("0B6F3C2E-8A51-4C1E-9D0A-3F2B7C9E1A44", id));
  dps_uuid_to_string (id, text);
  g_assert_cmpstr (text, ==, "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44");
  g_assert_cmpuint (id[0], ==, 0x0b);
  g_assert_cmpuint (id[15], ==, 0x44);

  g_assert_false (dps_uuid_from_string ("0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a4", id));
  g_assert_false (dps_uuid_from_string ("0b6f3c2e8a514c1e9d0a3f2b7c9e1a44", id));
  g_assert_false (dps_uuid_from_string ("zb6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44", id));
  g_assert_false (dps_uuid_from_string ("", id));
}

static void
test_enum_strings (void)
{
  DpsStatus status;
  DpsPaymentMethod method;
  DpsRejectReason reason;
  DpsAmountBucket bucket;

  for (guint i = 0; i < DPS_N_STATUSES; i++)
    {
      g_autofree char *lower = g_ascii_strdown (dps_status_to_string (i), -1);
      g_assert_true (dps_status_from_string (lower, &status));
      g_assert_cmpint (status, ==, i);
    }
  for (guint i = 0; i < DPS_N_PAYMENT_METHODS; i++)
    {
      g_assert_true (dps_payment_method_from_string (dps_payment_method_to_string (i), &method));
      g_assert_cmpint (method, ==, i);
    }
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    {
      g_assert_true (dps_reject_reason_from_string (dps_reject_reason_to_string (i), &reason));
      g_assert_cmpint (reason, ==, i);
      g_assert_nonnull (dps_reject_reason_get_label (i));
    }
  for (guint i = 0; i < DPS_N_AMOUNT_BUCKETS; i++)
    {
      g_assert_true (dps_amount_bucket_from_string (dps_amount_bucket_to_string (i), &bucket));
      g_assert_cmpint (bucket, ==, i);
    }
  g_assert_false (dps_status_from_string ("APPROVE", &status));
  g_assert_false (dps_payment_method_from_string ("cash", &method));
  g_assert_false (dps_status_from_string (NULL, &status));
}

/* The canonical text of a record, and the records that have none. */
static void
test_canonical_json (void)
{
  static const struct {
    gint64      event_ts;
    gint64      amount_cents;
    const char *merchant;
    const char *city;
    DpsStatus   status;
    const char *expected;   /* NULL: no canonical text */
  } cases[] = {
    { G_GINT64_CONSTANT (1793577600000000), 1250, "Fnac", "Paris", DPS_STATUS_APPROVED,
      "{\"transaction_id\": \"00112233-4455-6677-8899-aabbccddeeff\", \"event_ts\": \"2026-11-02T00:00:00.000000+00:00\", "
      "\"user_id\": 42, \"amount\": 12.5, \"merchant\": \"Fnac\", \"category\": \"electronics\", "
      "\"city\": \"Paris\", \"status\": \"APPROVED\", \"payment_method\": \"wallet\", \"currency\": \"EUR\"}" },
    { G_GINT64_CONSTANT (1793663999999999), 1, "McDonald's", "Saint-Étienne", DPS_STATUS_REFUNDED,
      "{\"transaction_id\": \"00112233-4455-6677-8899-aabbccddeeff\", \"event_ts\": \"2026-11-02T23:59:59.999999+00:00\", "
      "\"user_id\": 42, \"amount\": 0.01, \"merchant\": \"McDonald's\", \"category\": \"electronics\", "
      "\"city\": \"Saint-Étienne\", \"status\": \"REFUNDED\", \"payment_method\": \"wallet\", \"currency\": \"EUR\"}" },
    { 0, 100000, "A", "B", DPS_STATUS_PENDING,
      "{\"transaction_id\": \"00112233-4455-6677-8899-aabbccddeeff\", \"event_ts\": \"1970-01-01T00:00:00.000000+00:00\", "
      "\"user_id\": 42, \"amount\": 1000.0, \"merchant\": \"A\", \"category\": \"electronics\", "
      "\"city\": \"B\", \"status\": \"PENDING\", \"payment_method\": \"wallet\", \"currency\": \"EUR\"}" },
    { G_GINT64_CONSTANT (253402300799999999), 1999, "A", "B", DPS_STATUS_DECLINED,
      "{\"transaction_id\": \"00112233-4455-6677-8899-aabbccddeeff\", \"event_ts\": \"9999-12-31T23:59:59.999999+00:00\", "
      "\"user_id\": 42, \"amount\": 19.99, \"merchant\": \"A\", \"category\": \"electronics\", "
      "\"city\": \"B\", \"status\": \"DECLINED\", \"payment_method\": \"wallet\", \"currency\": \"EUR\"}" },
    /* Outside four-digit years, or texts that need an escape. */
    { -1, 1250, "Fnac", "Paris", DPS_STATUS_APPROVED, NULL },
    { G_GINT64_CONSTANT (253402300800000000), 1250, "Fnac", "Paris", DPS_STATUS_APPROVED, NULL },
    { 0, 1250, "Le \"Bistrot\"", "Paris", DPS_STATUS_APPROVED, NULL },
    { 0, 1250, "Fnac", "C:\\Paris", DPS_STATUS_APPROVED, NULL },
    { 0, 1250, "Fnac", "Paris\tNord", DPS_STATUS_APPROVED, NULL },
  };
  const guint8 id[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                          0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new ("kept:");
      DpsTransaction tx = { 0 };

      memcpy (tx.id, id, 16);
      tx.event_ts = cases[i].event_ts;
      tx.user_id = 42;
      tx.amount_cents = cases[i].amount_cents;
      tx.merchant = (char *) cases[i].merchant;
      tx.category = (char *) "electronics";
      tx.city = (char *) cases[i].city;
      tx.status = cases[i].status;
      tx.payment_method = DPS_PAYMENT_METHOD_WALLET;
      memcpy (tx.currency, "EUR", 4);

      g_test_message ("case %u", i);
      if (cases[i].expected == NULL)
        {
          g_assert_false (dps_transaction_write_json (&tx, out));
          g_assert_cmpstr (out->str, ==, "kept:");
          continue;
        }
      g_assert_true (dps_transaction_write_json (&tx, out));
      g_assert_cmpstr (out->str + 5, ==, cases[i].expected);
      g_assert_true (dps_transaction_json_matches (&tx, cases[i].expected, strlen (cases[i].expected)));
      /* One byte more, less or other is not the text. */
      g_assert_false (dps_transaction_json_matches (&tx, cases[i].expected, strlen (cases[i].expected) - 1));
      {
        g_autofree char *longer = g_strconcat (cases[i].expected, " ", NULL);
        g_autofree char *other = g_strdup (cases[i].expected);

        g_assert_false (dps_transaction_json_matches (&tx, longer, strlen (longer)));
        other[strlen (other) / 2] ^= 0x20;
        g_assert_false (dps_transaction_json_matches (&tx, other, strlen (other)));
      }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/transaction/time-enrichment", test_time_enrichment);
  g_test_add_func ("/dps/transaction/bad-dates", test_bad_dates);
  g_test_add_func ("/dps/transaction/cents", test_cents);
  g_test_add_func ("/dps/transaction/uuid", test_uuid);
  g_test_add_func ("/dps/transaction/enum-strings", test_enum_strings);
  g_test_add_func ("/dps/transaction/canonical-json", test_canonical_json);

  return g_test_run ();
}
