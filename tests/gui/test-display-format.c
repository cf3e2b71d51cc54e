/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "dps-display-format.h"

/* Amounts, counts and typed amounts in the locale of the process (meson
 * runs this program in C.UTF-8, fr_FR.UTF-8 and en_US.UTF-8). */

#define NBSP "\xc2\xa0"          /* between an amount and its symbol */
#define NNBSP "\xe2\x80\xaf"     /* French digit grouping */

static const char *locale_name;

static void
test_amounts (void)
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

      if (!g_str_has_prefix (locale_name, cases[i].locale))
        continue;
      text = dps_display_format_amount (cases[i].cents, cases[i].currency);
      g_assert_cmpstr (text, ==, cases[i].text);
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_counts (void)
{
  g_autofree char *text = dps_display_format_count (1234567);
  g_autofree char *small = dps_display_format_count (999);

  if (g_str_has_prefix (locale_name, "fr_FR"))
    g_assert_cmpstr (text, ==, "1" NNBSP "234" NNBSP "567");
  else if (g_str_has_prefix (locale_name, "en_US"))
    g_assert_cmpstr (text, ==, "1,234,567");
  else
    g_assert_cmpstr (text, ==, "1234567");
  g_assert_cmpstr (small, ==, "999");
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
      g_assert_cmpint (dps_display_parse_amount (cases[i].text, &cents), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (cents, ==, cases[i].cents);
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

  g_assert_true (dps_uuid_from_string ("0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44", row.tx.id));
  row.tx.event_ts = G_GINT64_CONSTANT (1795700712123456);
  row.tx.event_hour = 7;
  row.tx.status = DPS_STATUS_REFUNDED;

  time = dps_display_format_column (&row, DPS_COLUMN_EVENT_TS);
  if (g_strcmp0 (g_getenv ("TZ"), "UTC") == 0)
    g_assert_cmpstr (time, ==, "2026-11-26 13:45:12");
  hour = dps_display_format_column (&row, DPS_COLUMN_EVENT_HOUR);
  g_assert_cmpstr (hour, ==, "07");
  id = dps_display_format_column (&row, DPS_COLUMN_TRANSACTION_ID);
  g_assert_cmpstr (id, ==, "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44");
  g_assert_nonnull (dps_display_status_label (DPS_STATUS_REFUNDED));
  g_assert_cmpstr (dps_display_weekday_label (7), ==, "?");
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
  locale_name = setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (locale_name == NULL)
    {
      g_test_add_func ("/dps/display-format/locale-missing", test_locale_missing);
      return g_test_run ();
    }
  /* "C.UTF-8" and "C" behave alike here. */
  if (g_str_has_prefix (locale_name, "C"))
    locale_name = "C";

  g_test_add_func ("/dps/display-format/amounts", test_amounts);
  g_test_add_func ("/dps/display-format/counts", test_counts);
  g_test_add_func ("/dps/display-format/parse-amount", test_parse_amount);
  g_test_add_func ("/dps/display-format/columns", test_columns);

  return g_test_run ();
}
