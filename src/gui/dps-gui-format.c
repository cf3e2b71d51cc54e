/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dps-gui-format.h"

char *
dps_gui_format_count (gint64 value)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

char *
dps_gui_format_rate (double per_second)
{
  if (per_second < 0 || isnan (per_second))
    per_second = 0;
  if (per_second > 0 && per_second < 10)
    /* TRANSLATORS: a rate, in records per second */
    return g_strdup_printf (_("%'.1f/s"), per_second);
  /* TRANSLATORS: a rate, in records per second */
  return g_strdup_printf (_("%'.0f/s"), round (per_second));
}

char *
dps_gui_format_duration (double seconds)
{
  gint64 whole;

  if (seconds < 0 || isnan (seconds))
    seconds = 0;
  if (seconds < 10)
    /* TRANSLATORS: a duration in seconds, with one decimal */
    return g_strdup_printf (_("%.1f s"), seconds);
  whole = (gint64) round (seconds);
  if (whole < 60)
    /* TRANSLATORS: a duration in seconds */
    return g_strdup_printf (_("%d s"), (int) whole);
  if (whole < 3600)
    /* TRANSLATORS: a duration in minutes and seconds */
    return g_strdup_printf (_("%d min %02d s"), (int) (whole / 60), (int) (whole % 60));
  /* TRANSLATORS: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %02d min"), (int) (whole / 3600), (int) (whole % 3600 / 60));
}

char *
dps_gui_format_time (gint64 usec_utc)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec_utc / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("–");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
dps_gui_format_share (gint64 part,
                      gint64 whole)
{
  if (whole <= 0)
    return g_strdup ("–");
  /* TRANSLATORS: a percentage */
  return g_strdup_printf (_("%.1f %%"), 100.0 * (double) part / (double) whole);
}
