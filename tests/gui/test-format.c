/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "dps-format.h"

/* The application's formatting in named locales (each test sets its
 * own), and in the locale of the environment: meson runs this program
 * in C.UTF-8, fr_FR.UTF-8 and en_US.UTF-8. */

#define NNBSP "\u202f"   /* fr_FR's group separator */
#define NBSP  "\u00a0"

/* The locale of the environment, "C", "fr_FR" or "en_US" as far as the
 * cases below care; NULL when it is not installed. */
static const char *environment_locale;

static gboolean
use_locale (const char *name)
{
  if (setlocale (LC_ALL, name) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("locale %s is not available (install locales-all)", name);

      g_test_skip (message);
      return FALSE;
    }
  return TRUE;
}

static void
restore_locale (void)
{
  setlocale (LC_ALL, "");
}

static gboolean
use_french_messages (void)
{
  g_setenv ("LANGUAGE", "fr", TRUE);
  if (g_strcmp0 (_("%s%%"), "%s%%") == 0)
    {
      g_unsetenv ("LANGUAGE");
      g_test_skip ("the French catalogue is not built");
      return FALSE;
    }
  return TRUE;
}

#define assert_format(call, expected)      \
  G_STMT_START {                           \
    g_autofree char *text_ = (call);       \
    g_assert_cmpstr (text_, ==, expected); \
  } G_STMT_END

static void
test_french (void)
{
  if (!use_locale ("fr_FR.UTF-8"))
    return;

  assert_format (dps_format_count (0), "0");
  assert_format (dps_format_count (999), "999");
  assert_format (dps_format_count (1234), "1" NNBSP "234");
  assert_format (dps_format_count (1234567), "1" NNBSP "234" NNBSP "567");
  assert_format (dps_format_count (-1234567), "-1" NNBSP "234" NNBSP "567");

  assert_format (dps_format_amount (123450), "1" NNBSP "234,50" NBSP "€");
  assert_format (dps_format_amount (5), "0,05" NBSP "€");
  assert_format (dps_format_amount (0), "0,00" NBSP "€");
  assert_format (dps_format_amount (123456789), "1" NNBSP "234" NNBSP "567,89" NBSP "€");
  assert_format (dps_format_amount (-26140), "-261,40" NBSP "€");
  assert_format (dps_format_amount_in (1250, "usd"), "12,50" NBSP "USD");
  assert_format (dps_format_amount_in (1250, "eur"), "12,50" NBSP "€");

  assert_format (dps_format_decimal (1234.5, 1), "1" NNBSP "234,5");
  assert_format (dps_format_decimal (0.126, 2), "0,13");
  assert_format (dps_format_decimal (-0.001, 2), "0,00");
  assert_format (dps_format_decimal (42, 0), "42");

  /* 2026-11-20 13:45:12 UTC, shown in UTC (the tests run with TZ=UTC). */
  assert_format (dps_format_local_date (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC), "20/11/2026");
  assert_format (dps_format_local_date_time (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC),
                 "20/11/2026 13:45:12");
  assert_format (dps_format_local_time (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC), "13:45:12");
  assert_format (dps_format_local_timestamp (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC),
                 "2026-11-20 13:45:12");

  restore_locale ();
}

static void
test_french_translated (void)
{
  if (!use_locale ("fr_FR.UTF-8"))
    return;
  if (!use_french_messages ())
    {
      restore_locale ();
      return;
    }

  assert_format (dps_format_percent (0.025, 1), "2,5" NNBSP "%");
  assert_format (dps_format_duration (42), "42" NBSP "s");
  assert_format (dps_format_duration (200), "3" NBSP "min" NBSP "20" NBSP "s");
  assert_format (dps_format_duration (7500), "2" NBSP "h" NBSP "05" NBSP "min");
  assert_format (dps_format_duration (4.26), "4,3" NBSP "s");
  assert_format (dps_format_rate (1234.4), "1" NNBSP "234/s");
  assert_format (dps_format_rate (2.5), "2,5/s");
  assert_format (dps_format_share (1, 8), "12,5" NNBSP "%");
  assert_format (dps_format_share (3, 0), "—");

  /* Short forms: the units and the symbol where French puts them. */
  assert_format (dps_format_compact (1500000, 1500000, 0), "1,5" NBSP "M");
  assert_format (dps_format_compact (35000, 35000, 0), "35" NBSP "k");
  assert_format (dps_format_compact (2.5e9, 2.5e9, 0), "2,5" NBSP "Md");
  assert_format (dps_format_compact_amount (35000, 35000, 0), "35" NBSP "k" NBSP "€");
  assert_format (dps_format_compact_amount (950, 950, 0), "950" NBSP "€");
  assert_format (dps_format_compact_percent (0.125, 0), "12,5" NNBSP "%");

  /* Names. */
  g_assert_cmpstr (dps_format_status_label (DPS_STATUS_APPROVED), ==, "Approuvée");
  g_assert_cmpstr (dps_format_payment_method_label (DPS_PAYMENT_METHOD_BANK_TRANSFER), ==, "Virement bancaire");
  g_assert_cmpstr (dps_format_weekday_label (0), ==, "lundi");
  g_assert_cmpstr (dps_format_amount_bucket_label (DPS_AMOUNT_BUCKET_LT_20), ==, "Moins de 20" NBSP "€");

  g_unsetenv ("LANGUAGE");
  restore_locale ();
}

static void
test_english (void)
{
  if (!use_locale ("en_US.UTF-8"))
    return;

  assert_format (dps_format_count (1234567), "1,234,567");
  assert_format (dps_format_count (-1000), "-1,000");
  assert_format (dps_format_amount (123450), "€1,234.50");
  assert_format (dps_format_amount (5), "€0.05");
  assert_format (dps_format_amount (123456789), "€1,234,567.89");
  assert_format (dps_format_amount (-26140), "-€261.40");
  assert_format (dps_format_amount_in (1250, "GBP"), "GBP" NBSP "12.50");
  assert_format (dps_format_decimal (1234.5, 1), "1,234.5");
  assert_format (dps_format_percent (0.025, 1), "2.5%");
  assert_format (dps_format_duration (42), "42 s");
  assert_format (dps_format_duration (200), "3 min 20 s");
  assert_format (dps_format_duration (-1), "—");
  assert_format (dps_format_duration (0.4), "0.4 s");
  assert_format (dps_format_duration (9.96), "10 s");
  assert_format (dps_format_rate (1234.4), "1,234/s");
  assert_format (dps_format_rate (0), "0/s");
  assert_format (dps_format_rate (2.5), "2.5/s");
  assert_format (dps_format_share (1, 8), "12.5%");
  assert_format (dps_format_local_time (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC), "01:45:12 PM");
  assert_format (dps_format_local_date (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC), "11/20/2026");
  assert_format (dps_format_local_date_time (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC),
                 "11/20/2026 01:45:12 PM");
  assert_format (dps_format_local_timestamp (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC),
                 "2026-11-20 13:45:12");
  assert_format (dps_format_compact (1234567, 1234567, 0), "1.2M");
  assert_format (dps_format_compact_amount (-35000, 35000, 0), "-€35k");
  assert_format (dps_format_compact (12500, 40000, 2500), "12.5k");

  restore_locale ();
}

static void
test_c_locale (void)
{
  setlocale (LC_ALL, "C");

  /* No grouping nor monetary conventions: plain digits, symbol first. */
  assert_format (dps_format_count (1234567), "1234567");
  assert_format (dps_format_amount (123450), "€1234.50");
  assert_format (dps_format_amount_in (1250, "USD"), "USD" NBSP "12.50");
  assert_format (dps_format_decimal (2.5, 2), "2.50");

  restore_locale ();
}

/* Chart axes: the unit follows the largest value, the decimals the step
 * between ticks. */
static void
test_compact (void)
{
  setlocale (LC_ALL, "C");

  assert_format (dps_format_compact (1500000, 1500000, 0), "1.5M");
  assert_format (dps_format_compact (950, 950, 0), "950");
  assert_format (dps_format_compact (9999, 9999, 0), "9999");
  assert_format (dps_format_compact (35000, 35000, 0), "35k");
  assert_format (dps_format_compact (0, 35000, 5000), "0");
  assert_format (dps_format_compact (5000, 35000, 5000), "5k");
  assert_format (dps_format_compact (2500, 10000, 2500), "2.5k");
  assert_format (dps_format_compact (8.25, 8.25, 0), "8.2");
  assert_format (dps_format_compact (0.25, 0.25, 0), "0.25");
  assert_format (dps_format_compact (12, 12, 0), "12");
  assert_format (dps_format_compact (3e17, 3e17, 0), "3e+17");
  assert_format (dps_format_compact (1.5e12, 1.5e12, 0), "1.5T");
  assert_format (dps_format_compact (2e9, 2e9, 0), "2B");
  assert_format (dps_format_compact (-0.001, 1, 0), "0");
  assert_format (dps_format_compact (NAN, NAN, NAN), "0");
  assert_format (dps_format_compact (INFINITY, 10, 1), "0");
  assert_format (dps_format_compact_amount (35000, 35000, 0), "€35k");
  assert_format (dps_format_compact_amount (0, 0, 0), "€0");
  assert_format (dps_format_compact_amount (-50, 50, 10), "-€50");
  assert_format (dps_format_compact_percent (0.123, 0), "12.3%");
  assert_format (dps_format_compact_percent (0.25, 0.25), "25%");
  assert_format (dps_format_compact_percent (0.025, 0.025), "2.5%");
  assert_format (dps_format_compact_percent (0.5, 0.05), "50%");
  /* Huge values fit their buffers. */
  {
    g_autofree char *huge = dps_format_decimal (1e300, 0);

    g_assert_cmpuint (strlen (huge), ==, 301);
  }

  restore_locale ();
}

/* Amounts and counts in the locale of the environment. */
static void
test_environment_amounts (void)
{
  static const struct {
    const char *locale;
    gint64      cents;
    const char *currency;
    const char *text;
  } cases[] = {
    { "C", 123456, "EUR", "€1234.56" },
    { "C", 5, "EUR", "€0.05" },
    { "C", -1250, "EUR", "-€12.50" },
    { "C", 1250, "USD", "USD" NBSP "12.50" },
    { "fr_FR", 123456, "EUR", "1" NNBSP "234,56" NBSP "€" },
    { "fr_FR", 123456789012, "EUR", "1" NNBSP "234" NNBSP "567" NNBSP "890,12" NBSP "€" },
    { "fr_FR", 99, NULL, "0,99" NBSP "€" },
    { "en_US", 123456789012, "EUR", "€1,234,567,890.12" },
    { "en_US", 100, "eur", "€1.00" },
  };
  guint checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;

      if (!g_str_equal (environment_locale, cases[i].locale))
        continue;
      text = dps_format_amount_in (cases[i].cents, cases[i].currency);
      g_assert_cmpstr (text, ==, cases[i].text);
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_environment_counts (void)
{
  g_autofree char *text = dps_format_count (1234567);
  g_autofree char *small = dps_format_count (999);

  if (g_str_equal (environment_locale, "fr_FR"))
    g_assert_cmpstr (text, ==, "1" NNBSP "234" NNBSP "567");
  else if (g_str_equal (environment_locale, "en_US"))
    g_assert_cmpstr (text, ==, "1,234,567");
  else
    g_assert_cmpstr (text, ==, "1234567");
  g_assert_cmpstr (small, ==, "999");
}

typedef struct {
  guint  rounds;
  char  *expected;
} ThreadCheck;

static gpointer
format_in_thread (gpointer data)
{
  ThreadCheck *check = data;

  for (guint i = 0; i < check->rounds; i++)
    {
      g_autofree char *text = dps_format_amount (123456789);

      if (g_strcmp0 (text, check->expected) != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

/* Rows are formatted on workers too (Copy): the same text from every
 * thread at once. */
static void
test_environment_threads (void)
{
  g_autofree char *expected = dps_format_amount (123456789);
  ThreadCheck check = { 2000, expected };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("format", format_in_thread, &check);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

/* What people type, in any locale: both separators, spaces, a sign. */
static void
test_parse_amount (void)
{
  static const struct { const char *text; gboolean ok; gint64 cents; } cases[] = {
    { "12", TRUE, 1200 }, { "12.5", TRUE, 1250 }, { "12,5", TRUE, 1250 },
    { "12.05", TRUE, 1205 }, { "0,01", TRUE, 1 }, { " 7 ", TRUE, 700 },
    { "1 234,50", TRUE, 123450 }, { "1" NNBSP "234,50" NBSP "€", TRUE, 123450 },
    { "1,234.50", TRUE, 123450 }, { "1.234,50", TRUE, 123450 }, { "1,234", TRUE, 123400 },
    { "€12", TRUE, 1200 }, { "12 €", TRUE, 1200 },
    { "", FALSE, 0 }, { "abc", FALSE, 0 }, { "-5", FALSE, 0 }, { "12.5x", FALSE, 0 },
    { "1e5", FALSE, 0 }, { "€", FALSE, 0 }, { "99999999999999999999", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 cents = -1;

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (dps_format_parse_amount (cases[i].text, &cents), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (cents, ==, cases[i].cents);
    }
  /* What an amount reads as reads back as the same amount. */
  for (gint64 cents = 0; cents < 300000000; cents = cents * 7 + 13)
    {
      g_autofree char *text = dps_format_amount (cents);
      gint64 back = -1;

      g_assert_true (dps_format_parse_amount (text, &back));
      g_assert_cmpint (back, ==, cents);
    }
}

/* Local time (the tests run with TZ=UTC) and the cell texts. */
static void
test_columns (void)
{
  DpsRow row = { 0 };
  g_autofree char *time = NULL;
  g_autofree char *hour = NULL;
  g_autofree char *id = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *status = NULL;
  g_autofree char *weekday = NULL;

  g_assert_true (dps_uuid_from_string ("0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44", row.tx.id));
  row.tx.event_ts = G_GINT64_CONSTANT (1795700712123456);
  row.tx.event_hour = 7;
  row.tx.event_dayofweek = 3;
  row.tx.status = DPS_STATUS_REFUNDED;
  row.tx.amount_cents = 26140;
  g_strlcpy (row.tx.currency, "EUR", sizeof row.tx.currency);

  time = dps_format_column (&row, DPS_COLUMN_EVENT_TS);
  if (g_strcmp0 (g_getenv ("TZ"), "UTC") == 0)
    g_assert_cmpstr (time, ==, "2026-11-26 13:45:12");
  hour = dps_format_column (&row, DPS_COLUMN_EVENT_HOUR);
  g_assert_cmpstr (hour, ==, "07");
  id = dps_format_column (&row, DPS_COLUMN_TRANSACTION_ID);
  g_assert_cmpstr (id, ==, "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44");
  amount = dps_format_column (&row, DPS_COLUMN_AMOUNT);
  expected = dps_format_amount (26140);
  g_assert_cmpstr (amount, ==, expected);
  status = dps_format_column (&row, DPS_COLUMN_STATUS);
  g_assert_cmpstr (status, ==, dps_format_status_label (DPS_STATUS_REFUNDED));
  weekday = dps_format_column (&row, DPS_COLUMN_EVENT_DAYOFWEEK);
  g_assert_cmpstr (weekday, ==, dps_format_weekday_label (3));

  g_assert_cmpstr (dps_format_weekday_label (7), ==, "?");
  g_assert_cmpstr (dps_format_status_label (DPS_N_STATUSES), ==, "?");
  g_assert_cmpstr (dps_format_payment_method_label (DPS_N_PAYMENT_METHODS), ==, "?");
  g_assert_cmpstr (dps_format_amount_bucket_label (DPS_N_AMOUNT_BUCKETS), ==, "?");
}

static void
test_locale_missing (void)
{
  g_test_skip ("the locale of the environment is not installed");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("DPS_TEST_LOCALEDIR");
  const char *name = setlocale (LC_ALL, "");

  g_test_init (&argc, &argv, NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/dps/format/french", test_french);
  g_test_add_func ("/dps/format/french-translated", test_french_translated);
  g_test_add_func ("/dps/format/english", test_english);
  g_test_add_func ("/dps/format/c-locale", test_c_locale);
  g_test_add_func ("/dps/format/compact", test_compact);
  g_test_add_func ("/dps/format/parse-amount", test_parse_amount);
  g_test_add_func ("/dps/format/columns", test_columns);

  if (name == NULL)
    g_test_add_func ("/dps/format/environment/locale-missing", test_locale_missing);
  else
    {
      /* "C.UTF-8" and "C" behave alike here. */
      environment_locale = g_str_has_prefix (name, "fr_FR") ? "fr_FR"
                         : g_str_has_prefix (name, "en_US") ? "en_US" : "C";
      g_test_add_func ("/dps/format/environment/amounts", test_environment_amounts);
      g_test_add_func ("/dps/format/environment/counts", test_environment_counts);
      g_test_add_func ("/dps/format/environment/threads", test_environment_threads);
    }
  return g_test_run ();
}
