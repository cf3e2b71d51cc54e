/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"

G_BEGIN_DECLS

/* Numbers, amounts, dates and names as the user's locale writes them
 * (LC_NUMERIC, LC_MONETARY, LC_TIME after setlocale(), LC_MESSAGES for
 * the names). The conventions are read with nl_langinfo() on every call:
 * any thread may call these, and a change of locale shows at once. Every
 * function returning char * returns a newly allocated string. */

/* 1234567 → "1 234 567" (fr_FR), "1,234,567" (en_US). */
char        *dps_format_count                (gint64            value);
/* @value with @digits decimals and grouping: "1 234,5" / "1,234.5". */
char        *dps_format_decimal              (double            value,
                                              guint             digits);
/* Euros from exact cents, with the locale's monetary separators and
 * symbol position: "1 234,50 €" (fr_FR), "€1,234.50" (en_US). */
char        *dps_format_amount               (gint64            cents);
/* The same in @currency (ISO 4217): the euro (any case, or NULL) as
 * above, another currency by its code: "USD 12.50", "12,50 USD". */
char        *dps_format_amount_in            (gint64            cents,
                                              const char       *currency);
/* 0.025 → "2,5 %" / "2.5%" with @digits decimals. */
char        *dps_format_percent              (double            ratio,
                                              guint             digits);
/* @part as a share of @whole with one decimal, "12.5%"; "—" when
 * @whole is 0. */
char        *dps_format_share                (gint64            part,
                                              gint64            whole);

/* Short numbers for chart axes and labels: @value in the unit that
 * @magnitude (the largest value shown beside it) calls for — thousands
 * from 10,000 on, then millions, billions, trillions, scientific beyond
 * 10¹⁵ — with the decimals that tell multiples of @step apart (ticks),
 * or two significant digits when @step is 0: "35k", "1.5M", "950". */
char        *dps_format_compact              (double            value,
                                              double            magnitude,
                                              double            step);
/* The same in euros, the symbol where the locale puts it: "€35k",
 * "35 k €". */
char        *dps_format_compact_amount       (double            euros,
                                              double            magnitude,
                                              double            step);
/* A ratio as a percentage with the decimals (none or one) that tell
 * multiples of @step apart; one when @step is 0: "12%", "2.5%". */
char        *dps_format_compact_percent      (double            ratio,
                                              double            step);

/* Sizes in bytes: "12.3 MB" (decimal units, as GNOME shows them). */
char        *dps_format_size                 (gint64            bytes);
/* Microseconds UTC → local date and time in the locale's order. */
char        *dps_format_local_date_time      (gint64            usec_utc);
/* Microseconds UTC → local date only. */
char        *dps_format_local_date           (gint64            usec_utc);
/* Microseconds UTC → local time of day, in the locale's order. */
char        *dps_format_local_time           (gint64            usec_utc);
/* Microseconds UTC → "2026-11-20 14:45:12" in local time: the tables'
 * timestamps, which sort as text. */
char        *dps_format_local_timestamp      (gint64            usec_utc);
/* Seconds → "4.2 s" (one decimal below 10 s), "45 s", "3 min 20 s",
 * "2 h 05 min". */
char        *dps_format_duration             (double            seconds);
/* Records per second: "1,234/s", one decimal below 10: "2.5/s". */
char        *dps_format_rate                 (double            per_second);

/* Translated names: "Approved", "Bank transfer", "Monday", "Under €20";
 * "?" for a value out of range. */
const char  *dps_format_status_label         (DpsStatus         status);
const char  *dps_format_payment_method_label (DpsPaymentMethod  method);
/* 0 = Monday. */
const char  *dps_format_weekday_label        (guint             weekday);
const char  *dps_format_amount_bucket_label  (DpsAmountBucket   bucket);

/* The text a table cell shows for @column of @row. */
char        *dps_format_column               (const DpsRow     *row,
                                              DpsColumn         column);
/* Reads an amount typed by a person ("12", "12.5", "1 234,50", "€12")
 * into cents; FALSE when it is not a non-negative amount with at most
 * two decimals. */
gboolean     dps_format_parse_amount         (const char       *text,
                                              gint64           *out_cents);

/* The count ngettext() takes for @n. */
static inline gulong
dps_format_plural (gint64 n)
{
  return n < 0 ? 0 : (gulong) n;
}

G_END_DECLS
