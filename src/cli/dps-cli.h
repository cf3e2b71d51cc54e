/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"

G_BEGIN_DECLS

/* Exit codes. */
#define DPS_CLI_EXIT_OK     0
#define DPS_CLI_EXIT_ERROR  1
#define DPS_CLI_EXIT_USAGE  2

int            dps_cli_generate           (int argc, char **argv);
int            dps_cli_ingest             (int argc, char **argv);
int            dps_cli_stats              (int argc, char **argv);
int            dps_cli_export             (int argc, char **argv);
int            dps_cli_db                 (int argc, char **argv);
int            dps_cli_runs               (int argc, char **argv);
int            dps_cli_run                (int argc, char **argv);

/* One clear line on stderr; returns DPS_CLI_EXIT_ERROR (or USAGE for
 * option errors). */
int            dps_cli_fail               (GError      *error);
int            dps_cli_usage_error        (const char  *command,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (2, 3);

/* --db URI, then $DPS_DB, then the default database. */
DpsRepository *dps_cli_open_repository    (const char  *uri,
                                           gboolean     create,
                                           GError     **error);

/* Filter options shared by stats, export and friends. */
typedef struct {
  char   **categories;
  char   **cities;
  char   **merchants;
  char   **statuses;
  char   **payment_methods;
  char    *min_amount;
  char    *max_amount;
  char    *from;
  char    *to;
  char    *search;
} DpsCliFilterOptions;

GOptionGroup  *dps_cli_filter_option_group (DpsCliFilterOptions *options);
gboolean       dps_cli_filter_apply       (DpsCliFilterOptions *options,
                                           DpsFilter           *filter,
                                           GError             **error);
void           dps_cli_filter_options_clear (DpsCliFilterOptions *options);

/* "12.5" → 1250; FALSE when not an amount with at most 2 decimals. */
gboolean       dps_cli_parse_amount       (const char  *text,
                                           gint64      *out_cents);
/* "2026-11-20" (a UTC day) or an ISO 8601 instant → microseconds UTC.
 * @end_of_day moves a bare day to the start of the next one. */
gboolean       dps_cli_parse_time         (const char  *text,
                                           gboolean     end_of_day,
                                           gint64      *out_usec);
/* "90s", "5m", "2h", "1d" or plain seconds → seconds. */
gboolean       dps_cli_parse_duration     (const char  *text,
                                           guint       *out_seconds);

/* A progress line redrawn on a terminal, silent otherwise. */
typedef struct _DpsCliProgress DpsCliProgress;
DpsCliProgress *dps_cli_progress_new      (void);
void           dps_cli_progress_update    (DpsCliProgress *self,
                                           const char     *label,
                                           guint64         done,
                                           guint64         total,
                                           double          rate,
                                           const char     *unit);
void           dps_cli_progress_finish    (DpsCliProgress *self);
void           dps_cli_progress_free      (DpsCliProgress *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsCliProgress, dps_cli_progress_free)

/* @text padded with spaces to @width characters, on the left when @width
 * is positive (like "%5s"), on the right when negative (like "%-5s"). */
char          *dps_cli_pad                (const char  *text,
                                           int          width);

/* Thousands separators of the user's locale. */
char          *dps_cli_format_count       (gint64       value);
char          *dps_cli_format_amount      (gint64       cents);

G_END_DECLS
