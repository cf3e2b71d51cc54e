/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers, amounts and dates as the user's locale writes them (LC_NUMERIC,
 * LC_MONETARY, LC_TIME after setlocale()). Main thread only: they read
 * localeconv(). Every function returns a newly allocated string. */

/* 1234567 → "1 234 567" (fr_FR), "1,234,567" (en_US). */
char *dps_format_count       (gint64  value);
/* @value with @digits decimals and grouping: "1 234,5" / "1,234.5". */
char *dps_format_decimal     (double  value,
                              guint   digits);
/* Euros from exact cents, with the locale's monetary separators and
 * symbol position: "1 234,50 €" (fr_FR), "€1,234.50" (en_US). */
char *dps_format_amount      (gint64  cents);
/* 0.025 → "2,5 %" / "2.5%" with @digits decimals. */
char *dps_format_percent     (double  ratio,
                              guint   digits);
/* @part as a share of @whole with one decimal, "12.5%"; "—" when
 * @whole is 0. */
char *dps_format_share       (gint64  part,
                              gint64  whole);
/* Sizes in bytes: "12.3 MB" (decimal units, as GNOME shows them). */
char *dps_format_size        (gint64  bytes);
/* Microseconds UTC → local date and time in the locale's order. */
char *dps_format_local_date_time   (gint64  usec_utc);
/* Microseconds UTC → local date only. */
char *dps_format_local_date        (gint64  usec_utc);
/* Microseconds UTC → local time of day, in the locale's order. */
char *dps_format_local_time        (gint64  usec_utc);
/* Seconds → "4.2 s" (one decimal below 10 s), "45 s", "3 min 20 s",
 * "2 h 05 min". */
char *dps_format_duration    (double  seconds);
/* Records per second: "1,234/s", one decimal below 10: "2.5/s". */
char *dps_format_rate        (double  per_second);

/* The count ngettext() takes for @n. */
static inline gulong
dps_format_plural (gint64 n)
{
  return n < 0 ? 0 : (gulong) n;
}

G_END_DECLS
