/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dps-format.h"

#define NNBSP "\u202f"   /* fr_FR's group separator */
#define NBSP  "\u00a0"

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
  setlocale (LC_ALL, "C.UTF-8");
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

  assert_format (dps_format_decimal (1234.5, 1), "1" NNBSP "234,5");
  assert_format (dps_format_decimal (0.126, 2), "0,13");
  assert_format (dps_format_decimal (-0.001, 2), "0,00");
  assert_format (dps_format_decimal (42, 0), "42");

  /* 2026-11-20 13:45:12 UTC, shown in UTC (the tests run with TZ=UTC). */
  assert_format (dps_format_local_date (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC), "20/11/2026");
  assert_format (dps_format_local_date_time (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC),
                 "20/11/2026 13:45:12");
  assert_format (dps_format_local_time (G_GINT64_CONSTANT (1795182312) * G_USEC_PER_SEC), "13:45:12");

  restore_locale ();
}

static void
test_french_translated (void)
{
  if (!use_locale ("fr_FR.UTF-8"))
    return;
  g_setenv ("LANGUAGE", "fr", TRUE);
  if (g_strcmp0 (_("%s%%"), "%s%%") == 0)
    {
      g_test_skip ("the French catalogue is not built");
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

  restore_locale ();
}

static void
test_c_locale (void)
{
  setlocale (LC_ALL, "C");

  /* No grouping nor monetary conventions: plain digits, symbol first. */
  assert_format (dps_format_count (1234567), "1234567");
  assert_format (dps_format_amount (123450), "€1234.50");
  assert_format (dps_format_decimal (2.5, 2), "2.50");

  restore_locale ();
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("DPS_TEST_LOCALEDIR");

  g_test_init (&argc, &argv, NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/dps/format/french", test_french);
  g_test_add_func ("/dps/format/french-translated", test_french_translated);
  g_test_add_func ("/dps/format/english", test_english);
  g_test_add_func ("/dps/format/c-locale", test_c_locale);
  return g_test_run ();
}
