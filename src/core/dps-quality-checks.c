/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include <json-glib/json-glib.h>

#include "dps-quality-checks.h"

static void
add_check (JsonBuilder *builder,
           const char  *name,
           gboolean     passed,
           const char  *detail)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "passed");
  json_builder_add_boolean_value (builder, passed);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  json_builder_end_object (builder);
}

gboolean
dps_quality_checks_run (DpsRepository                *repository,
                        DpsRunRecord                 *run,
                        const DpsQualityCheckOptions *options,
                        gboolean                     *out_passed,
                        GError                      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DpsFilter) last_day = dps_filter_new ();
  g_autofree char *detail = NULL;
  gint64 now = g_get_real_time ();
  gint64 null_keys = 0;
  gint64 lines;
  double rate;
  gboolean passed, all = TRUE;
  DpsKpis kpis;

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);

  json_builder_begin_array (builder);

  /* 1. Something arrived in the last day (the original's freshness check). */
  dps_filter_set_period (last_day, now - DPS_USEC_PER_DAY, now + DPS_USEC_PER_SECOND);
  if (!dps_repository_query_kpis (repository, last_day, &kpis, NULL, error))
    return FALSE;
  passed = kpis.total.count > 0;
  detail = g_strdup_printf ("%" G_GINT64_FORMAT " transactions dated in the last 24 hours",
                            kpis.total.count);
  add_check (builder, "rows_last_day", passed, detail);
  all &= passed;
  g_clear_pointer (&detail, g_free);

  /* 2. No row without its keys. */
  if (!dps_repository_count_null_keys (repository, &null_keys, error))
    return FALSE;
  passed = null_keys == 0;
  detail = g_strdup_printf ("%" G_GINT64_FORMAT " rows without transaction_id or event_ts", null_keys);
  add_check (builder, "no_null_keys", passed, detail);
  all &= passed;
  g_clear_pointer (&detail, g_free);

  /* 3. The run's reject rate stays under the threshold. */
  lines = run->rows_loaded + run->rows_rejected + run->rows_duplicate;
  rate = lines > 0 ? (double) run->rows_rejected / (double) lines : 0.0;
  passed = rate <= options->max_reject_rate;
  {
    char share[G_ASCII_DTOSTR_BUF_SIZE];
    char limit[G_ASCII_DTOSTR_BUF_SIZE];

    /* Stored data, plain English: the same whatever LC_NUMERIC says. */
    g_ascii_formatd (share, sizeof share, "%.2f", rate * 100.0);
    g_ascii_formatd (limit, sizeof limit, "%.2f", options->max_reject_rate * 100.0);
    detail = g_strdup_printf ("%s %% of %" G_GINT64_FORMAT " lines rejected (limit %s %%)",
                              share, lines, limit);
  }
  add_check (builder, "reject_rate", passed, detail);
  all &= passed;
  g_clear_pointer (&detail, g_free);

  /* 4. The rollups agree with the base table on the last batch's days. */
  if (options->day_from <= options->day_to)
    {
      g_autofree char *difference = NULL;
      gboolean equal;

      if (!dps_repository_check_rollups (repository, options->day_from, options->day_to,
                                         &equal, &difference, error))
        return FALSE;
      detail = equal ? g_strdup ("summaries equal the transactions for the last batch's days")
                     : g_strdup (difference);
      add_check (builder, "rollups_consistent", equal, detail);
      all &= equal;
      g_clear_pointer (&detail, g_free);
    }

  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  g_free (run->quality_checks);
  run->quality_checks = json_generator_to_data (generator, NULL);

  if (out_passed != NULL)
    *out_passed = all;
  return TRUE;
}
