/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"

G_BEGIN_DECLS

/* How values read in the window: locale currency style, local time,
 * translated names. The locale's conventions are read on first use (after
 * setlocale()); every function may be called from any thread. */

/* "1 234,56 €" (fr_FR), "€1,234.56" (en_US): exact, from cents. A
 * currency other than EUR shows its code ("USD 12.50"). */
char        *dps_display_format_amount         (gint64           cents,
                                                const char      *currency);
/* "12,345" with the locale's digit grouping. */
char        *dps_display_format_count          (guint64          count);
/* "87.5%" / "87,5 %". */
char        *dps_display_format_percent        (double           ratio);
/* "2026-11-20 14:45:12" in local time. */
char        *dps_display_format_local_time     (gint64           usec_utc);
/* Translated names: "Approved", "Bank transfer", "Monday". */
const char  *dps_display_status_label          (DpsStatus        status);
const char  *dps_display_payment_method_label  (DpsPaymentMethod method);
const char  *dps_display_weekday_label         (guint            weekday);   /* 0 = Monday */
/* "< 20 €", "20–100 €", "≥ 500 €". */
const char  *dps_display_amount_bucket_label   (DpsAmountBucket  bucket);
/* The text a table cell shows for @column of @row. */
char        *dps_display_format_column         (const DpsRow    *row,
                                                DpsColumn        column);
/* Parses an amount typed by a person ("12", "12.5", "1 234,50", "€12")
 * into cents; FALSE when it is not a non-negative amount with at most two
 * decimals. */
gboolean     dps_display_parse_amount          (const char      *text,
                                                gint64          *out_cents);

G_END_DECLS
