/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dps-rules.h"
#include "dps-transaction.h"

#define PASS          TRUE, 0
#define FAIL(reason)  FALSE, DPS_REJECT_##reason

typedef struct {
  const char      *text;
  double           value;
  gboolean         ok;
  DpsRejectReason  reason;
  gint64           cents;
} AmountCase;

static const AmountCase amount_cases[] = {
  { "261.4", 261.4, PASS, 26140 },
  { "19.99", 19.99, PASS, 1999 },
  { "0.29", 0.29, PASS, 29 },
  { "0.01", 0.01, PASS, 1 },
  { "0.1 + 0.2", 0.1 + 0.2, PASS, 30 },
  { "1.1 * 3", 1.1 * 3, PASS, 330 },
  { "4.35 * 100 / 100", 4.35 * 100 / 100, PASS, 435 },
  { "1234567.89", 1234567.89, PASS, 123456789 },
  { "9999999999.99", 9999999999.99, PASS, G_GINT64_CONSTANT (999999999999) },
  { "12.5", 12.5, PASS, 1250 },
  { "1.005", 1.005, FAIL (OUT_OF_RANGE), 0 },
  { "12.345", 12.345, FAIL (OUT_OF_RANGE), 0 },
  { "5000.005", 5000.005, FAIL (OUT_OF_RANGE), 0 },
  { "12345.678", 12345.678, FAIL (OUT_OF_RANGE), 0 },
  { "9999999999.991", 9999999999.991, FAIL (OUT_OF_RANGE), 0 },
  { "0.001", 0.001, FAIL (OUT_OF_RANGE), 0 },
  { "1e-9", 1e-9, FAIL (OUT_OF_RANGE), 0 },
  { "0", 0.0, FAIL (OUT_OF_RANGE), 0 },
  { "-0", -0.0, FAIL (OUT_OF_RANGE), 0 },
  { "-12.5", -12.5, FAIL (OUT_OF_RANGE), 0 },
  { "10000000000", 10000000000.0, FAIL (OUT_OF_RANGE), 0 },
  { "2^53", 9007199254740992.0, FAIL (OUT_OF_RANGE), 0 },
  { "1e300", 1e300, FAIL (OUT_OF_RANGE), 0 },
  { "inf", INFINITY, FAIL (OUT_OF_RANGE), 0 },
  { "-inf", -INFINITY, FAIL (OUT_OF_RANGE), 0 },
  { "nan", NAN, FAIL (OUT_OF_RANGE), 0 },
};

static void
test_amount_double (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (amount_cases); i++)
    {
      const AmountCase *c = &amount_cases[i];
      DpsRuleFailure failure = { 0 };
      gint64 cents = -1;

      g_test_message ("amount %s", c->text);
      g_assert_cmpint (dps_rules_amount_from_double (c->value, &cents, &failure), ==, c->ok);
      if (c->ok)
        g_assert_cmpint (cents, ==, c->cents);
      else
        {
          g_assert_cmpint (cents, ==, -1);
          g_assert_cmpint (failure.reason, ==, c->reason);
          g_assert_nonnull (failure.problem);
        }
    }
}

/* Every amount written with two decimals, read as JSON reads it, comes
 * back as exactly its cents: all of them up to 10 000.00, and a sample
 * up to the NUMERIC(12,2) limit. */
static void
test_amount_exact (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1999);
  DpsRuleFailure failure;

  for (gint64 cents = 1; cents <= 1000000; cents++)
    {
      char text[32];
      gint64 got = 0;

      dps_format_cents_into (cents, text);
      g_assert_true (dps_rules_amount_from_double (g_ascii_strtod (text, NULL), &got, &failure));
      g_assert_cmpint (got, ==, cents);
    }

  for (guint i = 0; i < 200000; i++)
    {
      gint64 cents = (gint64) (g_rand_double (rand) * 999999999999.0) + 1;
      char text[32];
      gint64 got = 0;

      dps_format_cents_into (cents, text);
      g_assert_true (dps_rules_amount_from_double (g_ascii_strtod (text, NULL), &got, &failure));
      g_assert_cmpint (got, ==, cents);

      /* One more decimal that is not 0 is always refused. */
      if (cents < G_GINT64_CONSTANT (999999999999))
        {
          char longer[40];

          g_snprintf (longer, sizeof longer, "%s%d", text, 1 + (int) (i % 9));
          g_assert_false (dps_rules_amount_from_double (g_ascii_strtod (longer, NULL), &got, &failure));
          g_assert_cmpint (failure.reason, ==, DPS_REJECT_OUT_OF_RANGE);
        }
    }
}

static void
test_amount_int (void)
{
  DpsRuleFailure failure;
  gint64 cents = 0;

  g_assert_true (dps_rules_amount_from_int (20, &cents, &failure));
  g_assert_cmpint (cents, ==, 2000);
  g_assert_true (dps_rules_amount_from_int (9999999999, &cents, &failure));
  g_assert_cmpint (cents, ==, G_GINT64_CONSTANT (999999999900));
  g_assert_false (dps_rules_amount_from_int (10000000000, &cents, &failure));
  g_assert_cmpint (failure.reason, ==, DPS_REJECT_OUT_OF_RANGE);
  g_assert_false (dps_rules_amount_from_int (0, &cents, &failure));
  g_assert_false (dps_rules_amount_from_int (-1, &cents, &failure));
  g_assert_false (dps_rules_amount_from_int (G_MAXINT64, &cents, &failure));
  g_assert_false (dps_rules_amount_from_int (G_MININT64, &cents, &failure));
}

typedef struct {
  const char      *text;
  double           value;
  gboolean         ok;
  DpsRejectReason  reason;
  gint64           user_id;
} UserIdCase;

static const UserIdCase user_id_cases[] = {
  { "1742.0", 1742.0, PASS, 1742 },
  { "1.0", 1.0, PASS, 1 },
  { "2^61", 2305843009213693952.0, PASS, G_GINT64_CONSTANT (2305843009213693952) },
  { "1742.5", 1742.5, FAIL (WRONG_TYPE), 0 },
  { "0.5", 0.5, FAIL (WRONG_TYPE), 0 },
  { "0.0", 0.0, FAIL (OUT_OF_RANGE), 0 },
  { "-0.0", -0.0, FAIL (OUT_OF_RANGE), 0 },
  { "-3.0", -3.0, FAIL (OUT_OF_RANGE), 0 },
  { "2^62", 4611686018427387904.0, FAIL (OUT_OF_RANGE), 0 },
  { "1e300", 1e300, FAIL (OUT_OF_RANGE), 0 },
  { "inf", INFINITY, FAIL (OUT_OF_RANGE), 0 },
  { "-inf", -INFINITY, FAIL (OUT_OF_RANGE), 0 },
  { "nan", NAN, FAIL (OUT_OF_RANGE), 0 },
};

static void
test_user_id (void)
{
  DpsRuleFailure failure;
  gint64 id = 0;

  for (guint i = 0; i < G_N_ELEMENTS (user_id_cases); i++)
    {
      const UserIdCase *c = &user_id_cases[i];

      g_test_message ("user_id %s", c->text);
      id = -1;
      g_assert_cmpint (dps_rules_user_id_from_double (c->value, &id, &failure), ==, c->ok);
      if (c->ok)
        g_assert_cmpint (id, ==, c->user_id);
      else
        g_assert_cmpint (failure.reason, ==, c->reason);
    }

  g_assert_true (dps_rules_user_id_from_int (1, &id, &failure));
  g_assert_true (dps_rules_user_id_from_int (G_MAXINT64 / 2, &id, &failure));
  g_assert_cmpint (id, ==, G_MAXINT64 / 2);
  g_assert_false (dps_rules_user_id_from_int (G_MAXINT64 / 2 + 1, &id, &failure));
  g_assert_cmpint (failure.reason, ==, DPS_REJECT_OUT_OF_RANGE);
  g_assert_false (dps_rules_user_id_from_int (0, &id, &failure));
  g_assert_false (dps_rules_user_id_from_int (G_MININT64, &id, &failure));
}

typedef struct {
  const char      *text;
  gboolean         lower;
  gboolean         ok;
  DpsRejectReason  reason;
  const char      *result;
} TextCase;

static const TextCase text_cases[] = {
  { "Fnac", FALSE, PASS, "Fnac" },
  { "  Fnac \t", FALSE, PASS, "Fnac" },
  { "\r\n\fLa Poste\n", FALSE, PASS, "La Poste" },
  { "ElecTRONICS", TRUE, PASS, "electronics" },
  { " ÉPICERIE FINE ", TRUE, PASS, "épicerie fine" },
  { "", FALSE, FAIL (OUT_OF_RANGE), NULL },
  { "   ", FALSE, FAIL (OUT_OF_RANGE), NULL },
  { "\t\n", TRUE, FAIL (OUT_OF_RANGE), NULL },
};

static void
test_text (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (text_cases); i++)
    {
      const TextCase *c = &text_cases[i];
      DpsRuleFailure failure;
      g_autofree char *out = NULL;

      g_assert_cmpint (dps_rules_text (c->text, c->lower, &out, &failure), ==, c->ok);
      if (c->ok)
        g_assert_cmpstr (out, ==, c->result);
      else
        {
          g_assert_null (out);
          g_assert_cmpint (failure.reason, ==, c->reason);
        }
    }
}

static void
test_text_length (void)
{
  g_autofree char *longest = g_strnfill (DPS_TEXT_MAX_BYTES, 'a');
  g_autofree char *too_long = g_strnfill (DPS_TEXT_MAX_BYTES + 1, 'a');
  g_autofree char *padded = g_strconcat ("   ", longest, "   ", NULL);
  GString *dotted = g_string_new (NULL);
  g_autofree char *dotted_text = NULL;
  DpsRuleFailure failure;
  char *out = NULL;

  g_assert_true (dps_rules_text (longest, FALSE, &out, &failure));
  g_assert_cmpstr (out, ==, longest);
  g_clear_pointer (&out, g_free);

  /* The limit applies to the trimmed text. */
  g_assert_true (dps_rules_text (padded, TRUE, &out, &failure));
  g_assert_cmpstr (out, ==, longest);
  g_clear_pointer (&out, g_free);

  g_assert_false (dps_rules_text (too_long, FALSE, &out, &failure));
  g_assert_cmpint (failure.reason, ==, DPS_REJECT_OUT_OF_RANGE);
  g_assert_null (out);

  /* "İ" is 2 bytes and its lower case "i̇" is 3: 200 bytes that grow. */
  for (guint i = 0; i < DPS_TEXT_MAX_BYTES / 2; i++)
    g_string_append (dotted, "İ");
  dotted_text = g_string_free (dotted, FALSE);
  g_assert_true (dps_rules_text (dotted_text, FALSE, &out, &failure));
  g_clear_pointer (&out, g_free);
  g_assert_false (dps_rules_text (dotted_text, TRUE, &out, &failure));
  g_assert_cmpint (failure.reason, ==, DPS_REJECT_OUT_OF_RANGE);
  g_assert_null (out);
}

typedef struct {
  const char *text;
  int         value;   /* -1: unknown_enum */
} EnumCase;

static const EnumCase status_cases[] = {
  { "APPROVED", DPS_STATUS_APPROVED },
  { "declined", DPS_STATUS_DECLINED },
  { " Pending ", DPS_STATUS_PENDING },
  { "ReFuNdEd", DPS_STATUS_REFUNDED },
  { "DONE", -1 },
  { "", -1 },
  { "APPROVED_", -1 },
  { "APPROVED APPROVED APPROVED APPROVED", -1 },
};

static const EnumCase method_cases[] = {
  { "card", DPS_PAYMENT_METHOD_CARD },
  { "WALLET", DPS_PAYMENT_METHOD_WALLET },
  { "\tBank_Transfer ", DPS_PAYMENT_METHOD_BANK_TRANSFER },
  { "bank transfer", -1 },
  { "cash", -1 },
  { "", -1 },
};

static void
test_enums (void)
{
  DpsRuleFailure failure;

  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      DpsStatus status;
      gboolean ok = dps_rules_status (status_cases[i].text, &status, &failure);

      g_assert_cmpint (ok, ==, status_cases[i].value >= 0);
      if (ok)
        g_assert_cmpint (status, ==, status_cases[i].value);
      else
        g_assert_cmpint (failure.reason, ==, DPS_REJECT_UNKNOWN_ENUM);
    }

  for (guint i = 0; i < G_N_ELEMENTS (method_cases); i++)
    {
      DpsPaymentMethod method;
      gboolean ok = dps_rules_payment_method (method_cases[i].text, &method, &failure);

      g_assert_cmpint (ok, ==, method_cases[i].value >= 0);
      if (ok)
        g_assert_cmpint (method, ==, method_cases[i].value);
      else
        g_assert_cmpint (failure.reason, ==, DPS_REJECT_UNKNOWN_ENUM);
    }
}

static void
test_currency (void)
{
  static const char *const good[][2] = {
    { "EUR", "EUR" }, { "usd", "USD" }, { " gBp ", "GBP" },
  };
  static const char *const bad[] = { "", "EU", "EURO", "E1R", "€UR", "E R", "ÉUR" };
  DpsRuleFailure failure;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      char out[4] = { 0 };

      g_assert_true (dps_rules_currency (good[i][0], out, &failure));
      g_assert_cmpstr (out, ==, good[i][1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      char out[4] = { 0 };

      g_assert_false (dps_rules_currency (bad[i], out, &failure));
      g_assert_cmpint (failure.reason, ==, DPS_REJECT_UNKNOWN_ENUM);
    }
}

typedef struct {
  const char *text;
  const char *utc;   /* NULL: invalid_timestamp */
} TimestampCase;

static const TimestampCase timestamp_cases[] = {
  { "2026-11-20T13:45:12.123456+00:00", "2026-11-20T13:45:12.123456Z" },
  { "2026-11-20T13:45:12Z", "2026-11-20T13:45:12.000000Z" },
  { "2026-11-20T13:45:12.5+02:00", "2026-11-20T11:45:12.500000Z" },
  { "2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000000Z" },
  { "2026-11-20T13:45:12-09:30", "2026-11-20T23:15:12.000000Z" },
  { "2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000000Z" },
  { "2026-11-20T13:45:12", NULL },
  { "2026-11-20", NULL },
  { "13:45:12Z", NULL },
  { "2026-02-29T12:00:00Z", NULL },
  { "2026-13-01T00:00:00Z", NULL },
  { "2026-11-20T25:00:00Z", NULL },
  { "10000-01-01T00:00:00Z", NULL },
  { "", NULL },
  { "yesterday", NULL },
};

static void
test_timestamp (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (timestamp_cases); i++)
    {
      const TimestampCase *c = &timestamp_cases[i];
      DpsRuleFailure failure;
      gint64 usec = 0;
      gboolean ok = dps_rules_event_ts (c->text, &usec, &failure);

      g_test_message ("event_ts %s", c->text);
      g_assert_cmpint (ok, ==, c->utc != NULL);
      if (ok)
        {
          g_autofree char *utc = dps_format_timestamp (usec);

          g_assert_cmpstr (utc, ==, c->utc);
        }
      else
        g_assert_cmpint (failure.reason, ==, DPS_REJECT_INVALID_TIMESTAMP);
    }
}

static void
test_uuid (void)
{
  static const char *const bad[] = {
    "", "not-a-uuid", "0b6f3c2e8a514c1e9d0a3f2b7c9e1a44",
    "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a4", "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44 ",
    "{0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44}", "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1g44",
  };
  DpsRuleFailure failure;
  guint8 id[16];
  char text[DPS_UUID_TEXT_LEN + 1];

  g_assert_true (dps_rules_transaction_id ("0B6F3C2E-8A51-4C1E-9D0A-3F2B7C9E1A44", id, &failure));
  dps_uuid_to_string (id, text);
  g_assert_cmpstr (text, ==, "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (dps_rules_transaction_id (bad[i], id, &failure));
      g_assert_cmpint (failure.reason, ==, DPS_REJECT_INVALID_UUID);
    }
}

static void
test_trim (void)
{
  static const char *const cases[][2] = {
    { "", "" }, { "   ", "" }, { "a", "a" }, { " a b ", "a b" }, { "\t\r\n\fx\f", "x" },
    /* Only ASCII whitespace, as g_strstrip(): a no-break space stays. */
    { "\u00a0x\u00a0", "\u00a0x\u00a0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length;
      const char *start = dps_rules_trim (cases[i][0], strlen (cases[i][0]), &length);
      g_autofree char *copy = g_strdup (cases[i][0]);

      g_assert_cmpmem (start, length, cases[i][1], strlen (cases[i][1]));
      g_assert_cmpstr (g_strstrip (copy), ==, cases[i][1]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/rules/amount-double", test_amount_double);
  g_test_add_func ("/dps/rules/amount-exact", test_amount_exact);
  g_test_add_func ("/dps/rules/amount-int", test_amount_int);
  g_test_add_func ("/dps/rules/user-id", test_user_id);
  g_test_add_func ("/dps/rules/text", test_text);
  g_test_add_func ("/dps/rules/text-length", test_text_length);
  g_test_add_func ("/dps/rules/enums", test_enums);
  g_test_add_func ("/dps/rules/currency", test_currency);
  g_test_add_func ("/dps/rules/timestamp", test_timestamp);
  g_test_add_func ("/dps/rules/uuid", test_uuid);
  g_test_add_func ("/dps/rules/trim", test_trim);

  return g_test_run ();
}
