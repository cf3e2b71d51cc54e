/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-session.h"

G_BEGIN_DECLS

#define DPS_TYPE_FILTER_BAR (dps_filter_bar_get_type ())
G_DECLARE_FINAL_TYPE (DpsFilterBar, dps_filter_bar, DPS, FILTER_BAR, GtkWidget)

/* The filter shown above every view: edits the session's DpsFilter (the
 * one every view follows) and shows what is active as removable chips,
 * including what the dashboard sets by clicking its charts.
 *
 * Actions (group "filter", on the widget: a window forwards its
 * shortcuts with gtk_widget_activate_action()):
 *   filter.focus-search                 Ctrl+F
 *   filter.clear                        every filter off
 *   filter.toggle-value (ss)            dimension, value: "category",
 *     "city", "merchant" (the value), "status" (APPROVED…), "payment_method"
 *     (card…), "amount_bucket" (<20…), "weekday" (0 = Monday…), "hour" (0-23)
 *   filter.remove (ss)                  the same, and "search", "amount",
 *     "period" with any value: what a chip's button does
 *   filter.set-search (s)               at once, without the typing delay
 *   filter.set-period (s)               today, last-7-days, last-30-days,
 *                                       this-month, all
 *   filter.set-days (ss)                "YYYY-MM-DD" first and last local day
 *   filter.set-amount (ss)              minimum and maximum as typed ("" = none)
 */
GtkWidget   *dps_filter_bar_new             (DpsSession   *session);
DpsSession  *dps_filter_bar_get_session     (DpsFilterBar *self);
void         dps_filter_bar_focus_search    (DpsFilterBar *self);

typedef enum {
  DPS_PERIOD_ALL,
  DPS_PERIOD_TODAY,
  DPS_PERIOD_LAST_7_DAYS,
  DPS_PERIOD_LAST_30_DAYS,
  DPS_PERIOD_THIS_MONTH,
} DpsPeriodPreset;

gboolean     dps_period_preset_from_string  (const char      *text,
                                             DpsPeriodPreset *out);
/* The half-open period [*from, *to) in microseconds UTC that @preset
 * means at @now, in whole days of @tz (NULL: local time). Last 7 days
 * ends tomorrow at midnight and starts 6 days before today. ALL gives
 * DPS_FILTER_NO_TIME twice. */
void         dps_period_preset_get_range    (DpsPeriodPreset  preset,
                                             GDateTime       *now,
                                             GTimeZone       *tz,
                                             gint64          *from,
                                             gint64          *to);
/* From the start of @first to the end of @last (local days of @tz,
 * inclusive), as [*from, *to). FALSE if @last is before @first. */
gboolean     dps_period_days_get_range      (const GDate     *first,
                                             const GDate     *last,
                                             GTimeZone       *tz,
                                             gint64          *from,
                                             gint64          *to);

G_END_DECLS
