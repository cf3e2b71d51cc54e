/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers, rates, durations and times as the pipeline and quality views
 * show them, in the user's locale. Every result is newly allocated. */

/* "12,345" with the locale's thousands separator. */
char *dps_gui_format_count    (gint64  value);
/* "1,234/s"; one decimal below 10. */
char *dps_gui_format_rate     (double  per_second);
/* "2 h 05 min", "3 min 12 s", "45 s", "0.4 s". */
char *dps_gui_format_duration (double  seconds);
/* Local date and time of a real time in microseconds, "2026-11-20 14:45:12". */
char *dps_gui_format_time     (gint64  usec_utc);
/* "12.5 %" of @part in @whole; "–" when @whole is 0. */
char *dps_gui_format_share    (gint64  part,
                               gint64  whole);

G_END_DECLS
