/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dps-cli.h"

struct _DpsCliProgress
{
  gboolean tty;
  gboolean drawn;
  gint64   last_draw;
};

int
dps_cli_fail (GError *error)
{
  gboolean usage = error->domain == G_OPTION_ERROR;

  g_printerr ("dps: %s\n", error->message);
  if (usage)
    g_printerr (_("Run “dps COMMAND --help” for the options.\n"));
  return usage ? DPS_CLI_EXIT_USAGE : DPS_CLI_EXIT_ERROR;
}

int
dps_cli_usage_error (const char *command,
                     const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("dps %s: %s\n", command, message);
  g_printerr (_("Run “dps %s --help” for the options.\n"), command);
  return DPS_CLI_EXIT_USAGE;
}

DpsRepository *
dps_cli_open_repository (const char  *uri,
                         gboolean     create,
                         GError     **error)
{
  g_autofree char *default_uri = NULL;
  gboolean is_default = uri == NULL || uri[0] == '\0';

  if (is_default)
    uri = default_uri = dps_repository_get_default_uri ();

  /* The default database is created on first use; a database named on
   * the command line must exist unless the command makes one. */
  return dps_repository_open (uri, (create || is_default) ? DPS_REPOSITORY_FLAGS_CREATE
                                                          : DPS_REPOSITORY_FLAGS_NONE,
                              NULL, error);
}

GOptionGroup *
dps_cli_filter_option_group (DpsCliFilterOptions *options)
{
  const GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->categories,
      N_("Only this category (repeat or separate with commas)"), N_("NAME") },
    { "city", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->cities,
      N_("Only this city (repeat or separate with commas)"), N_("NAME") },
    { "merchant", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->merchants,
      N_("Only this merchant (repeat or separate with commas)"), N_("NAME") },
    { "status", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->statuses,
      N_("Only this status: APPROVED, DECLINED, PENDING, REFUNDED"), N_("STATUS") },
    { "payment-method", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->payment_methods,
      N_("Only this payment method: card, wallet, bank_transfer"), N_("METHOD") },
    { "min-amount", 0, 0, G_OPTION_ARG_STRING, &options->min_amount,
      N_("Amounts from this many euros"), N_("EUR") },
    { "max-amount", 0, 0, G_OPTION_ARG_STRING, &options->max_amount,
      N_("Amounts up to this many euros"), N_("EUR") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &options->from,
      N_("From this UTC day (YYYY-MM-DD) or instant (ISO 8601)"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &options->to,
      N_("Up to this UTC day, included, or before this instant"), N_("DATE") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &options->search,
      N_("Merchant text, user id or transaction id"), N_("TEXT") },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("filter", _("Filter options:"),
                                            _("Show filter options"), NULL, NULL);

  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

/* "a,b" and repeated options → one list. */
static GStrv
split_values (char **values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          char *value = g_strstrip (parts[j]);

          if (value[0] != '\0')
            g_strv_builder_add (builder, value);
        }
    }
  return g_strv_builder_end (builder);
}

gboolean
dps_cli_filter_apply (DpsCliFilterOptions  *options,
                      DpsFilter            *filter,
                      GError              **error)
{
  g_auto(GStrv) categories = split_values (options->categories);
  g_auto(GStrv) cities = split_values (options->cities);
  g_auto(GStrv) merchants = split_values (options->merchants);
  g_auto(GStrv) statuses = split_values (options->statuses);
  g_auto(GStrv) methods = split_values (options->payment_methods);
  gint64 min_cents = DPS_FILTER_NO_AMOUNT, max_cents = DPS_FILTER_NO_AMOUNT;
  gint64 from = DPS_FILTER_NO_TIME, to = DPS_FILTER_NO_TIME;
  guint status_mask = 0, method_mask = 0;

  for (guint i = 0; statuses[i] != NULL; i++)
    {
      DpsStatus status;

      if (!dps_status_from_string (statuses[i], &status))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown status “%s” (use APPROVED, DECLINED, PENDING or REFUNDED)"),
                       statuses[i]);
          return FALSE;
        }
      status_mask |= DPS_FILTER_MASK (status);
    }
  for (guint i = 0; methods[i] != NULL; i++)
    {
      DpsPaymentMethod method;

      if (!dps_payment_method_from_string (methods[i], &method))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown payment method “%s” (use card, wallet or bank_transfer)"),
                       methods[i]);
          return FALSE;
        }
      method_mask |= DPS_FILTER_MASK (method);
    }
  if (options->min_amount != NULL && !dps_cli_parse_amount (options->min_amount, &min_cents))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not an amount in euros"), options->min_amount);
      return FALSE;
    }
  if (options->max_amount != NULL && !dps_cli_parse_amount (options->max_amount, &max_cents))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not an amount in euros"), options->max_amount);
      return FALSE;
    }
  if (options->from != NULL && !dps_cli_parse_time (options->from, FALSE, &from))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a date (YYYY-MM-DD) or an ISO 8601 instant"), options->from);
      return FALSE;
    }
  if (options->to != NULL && !dps_cli_parse_time (options->to, TRUE, &to))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a date (YYYY-MM-DD) or an ISO 8601 instant"), options->to);
      return FALSE;
    }

  dps_filter_freeze (filter);
  if (categories[0] != NULL)
    dps_filter_set_categories (filter, (const char * const *) categories);
  if (cities[0] != NULL)
    dps_filter_set_cities (filter, (const char * const *) cities);
  if (merchants[0] != NULL)
    dps_filter_set_merchants (filter, (const char * const *) merchants);
  dps_filter_set_statuses (filter, status_mask);
  dps_filter_set_payment_methods (filter, method_mask);
  dps_filter_set_amount_range (filter, min_cents, max_cents);
  dps_filter_set_period (filter, from, to);
  dps_filter_set_search (filter, options->search);
  dps_filter_thaw (filter);
  return TRUE;
}

void
dps_cli_filter_options_clear (DpsCliFilterOptions *options)
{
  g_strfreev (options->categories);
  g_strfreev (options->cities);
  g_strfreev (options->merchants);
  g_strfreev (options->statuses);
  g_strfreev (options->payment_methods);
  g_free (options->min_amount);
  g_free (options->max_amount);
  g_free (options->from);
  g_free (options->to);
  g_free (options->search);
  memset (options, 0, sizeof *options);
}

gboolean
dps_cli_parse_amount (const char *text,
                      gint64     *out_cents)
{
  gint64 units = 0, cents = 0;
  guint decimals = 0;
  const char *p = text;
  gboolean digits = FALSE;

  while (*p == ' ')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (units > G_MAXINT64 / 1000)
        return FALSE;
      units = units * 10 + (*p - '0');
      digits = TRUE;
    }
  if (*p == '.' || *p == ',')
    for (p++; g_ascii_isdigit (*p); p++)
      {
        if (++decimals > 2)
          return FALSE;
        cents = cents * 10 + (*p - '0');
        digits = TRUE;
      }
  while (*p == ' ')
    p++;
  if (*p != '\0' || !digits)
    return FALSE;
  if (decimals == 1)
    cents *= 10;
  *out_cents = units * 100 + cents;
  return TRUE;
}

gboolean
dps_cli_parse_time (const char *text,
                    gboolean    end_of_day,
                    gint64     *out_usec)
{
  gint32 days;
  g_autoptr(GDateTime) instant = NULL;

  if (dps_parse_date (text, &days))
    {
      *out_usec = ((gint64) days + (end_of_day ? 1 : 0)) * DPS_USEC_PER_DAY;
      return TRUE;
    }
  instant = g_date_time_new_from_iso8601 (text, NULL);
  if (instant == NULL)
    return FALSE;
  *out_usec = g_date_time_to_unix (instant) * G_USEC_PER_SEC + g_date_time_get_microsecond (instant);
  return TRUE;
}

gboolean
dps_cli_parse_duration (const char *text,
                        guint      *out_seconds)
{
  char *end = NULL;
  guint64 value = g_ascii_strtoull (text, &end, 10);
  guint64 unit = 1;

  if (end == text)
    return FALSE;
  if (g_str_equal (end, "") || g_str_equal (end, "s"))
    unit = 1;
  else if (g_str_equal (end, "m") || g_str_equal (end, "min"))
    unit = 60;
  else if (g_str_equal (end, "h"))
    unit = 3600;
  else if (g_str_equal (end, "d"))
    unit = 86400;
  else
    return FALSE;
  if (value == 0 || value * unit > G_MAXUINT)
    return FALSE;
  *out_seconds = (guint) (value * unit);
  return TRUE;
}

DpsCliProgress *
dps_cli_progress_new (void)
{
  DpsCliProgress *self = g_new0 (DpsCliProgress, 1);

  self->tty = isatty (STDERR_FILENO) && g_getenv ("CI") == NULL;
  return self;
}

static char *
format_eta (double seconds)
{
  guint s = (guint) MAX (seconds, 0.0);

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

void
dps_cli_progress_update (DpsCliProgress *self,
                         const char     *label,
                         guint64         done,
                         guint64         total,
                         double          rate,
                         const char     *unit)
{
  g_autofree char *done_text = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *eta = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!self->tty || now - self->last_draw < G_USEC_PER_SEC / 10)
    return;
  self->last_draw = now;

  done_text = dps_cli_format_count ((gint64) done);
  rate_text = dps_cli_format_count ((gint64) rate);
  if (total > 0 && rate > 0 && done <= total)
    eta = format_eta ((double) (total - done) / rate);

  /* Translators: a progress line, e.g. "Ingesting  120,000 rows  45,000 rows/s  ETA 0:12" */
  g_printerr ("\r\033[K%s  %s %s  %s %s/s%s%s", label, done_text, unit, rate_text, unit,
              eta != NULL ? _("  ETA ") : "", eta != NULL ? eta : "");
  self->drawn = TRUE;
}

void
dps_cli_progress_finish (DpsCliProgress *self)
{
  if (self->drawn)
    g_printerr ("\r\033[K");
  self->drawn = FALSE;
}

void
dps_cli_progress_free (DpsCliProgress *self)
{
  if (self == NULL)
    return;
  dps_cli_progress_finish (self);
  g_free (self);
}

/* printf's field widths count bytes: accented words and the narrow
 * no-break spaces of French thousands would shift the columns. */
char *
dps_cli_pad (const char *text,
             int         width)
{
  glong length = g_utf8_strlen (text, -1);
  glong target = ABS (width);
  glong fill = target > length ? target - length : 0;
  GString *out = g_string_sized_new (strlen (text) + (gsize) fill);

  if (width > 0)
    for (glong i = 0; i < fill; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (width < 0)
    for (glong i = 0; i < fill; i++)
      g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

char *
dps_cli_format_count (gint64 value)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

char *
dps_cli_format_amount (gint64 cents)
{
  return g_strdup_printf ("%'.2f", (double) cents / 100.0);
}
