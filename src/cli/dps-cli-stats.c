/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dps-cli.h"

typedef struct {
  DpsDimension dimension;
  DpsBreakdownOrder order;
  const char *title;
} Section;

static const Section sections[] = {
  { DPS_DIMENSION_CATEGORY, DPS_BREAKDOWN_ORDER_AMOUNT_DESC, N_("By category") },
  { DPS_DIMENSION_CITY, DPS_BREAKDOWN_ORDER_COUNT_DESC, N_("By city") },
  { DPS_DIMENSION_STATUS, DPS_BREAKDOWN_ORDER_KEY, N_("By status") },
  { DPS_DIMENSION_PAYMENT_METHOD, DPS_BREAKDOWN_ORDER_KEY, N_("By payment method") },
  { DPS_DIMENSION_AMOUNT_BUCKET, DPS_BREAKDOWN_ORDER_KEY, N_("By amount") },
  { DPS_DIMENSION_MERCHANT, DPS_BREAKDOWN_ORDER_AMOUNT_DESC, N_("Top merchants by amount") },
  { DPS_DIMENSION_DAY, DPS_BREAKDOWN_ORDER_KEY, N_("By day") },
};

static void
add_aggregate (JsonBuilder        *builder,
               const DpsAggregate *agg)
{
  g_autofree char *amount = dps_format_cents (agg->amount_cents);
  g_autofree char *approved = dps_format_cents (agg->approved_cents);

  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, agg->count);
  json_builder_set_member_name (builder, "amount_cents");
  json_builder_add_int_value (builder, agg->amount_cents);
  json_builder_set_member_name (builder, "amount");
  json_builder_add_string_value (builder, amount);
  json_builder_set_member_name (builder, "approved_count");
  json_builder_add_int_value (builder, agg->approved_count);
  json_builder_set_member_name (builder, "approved_amount_cents");
  json_builder_add_int_value (builder, agg->approved_cents);
  json_builder_set_member_name (builder, "approved_amount");
  json_builder_add_string_value (builder, approved);
}

static void
print_breakdown (const Section *section,
                 DpsBreakdown  *breakdown)
{
  g_print ("\n%s\n", _(section->title));
  for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);
      g_autofree char *count = dps_cli_format_count (item->agg.count);
      g_autofree char *amount = dps_cli_format_amount (item->agg.amount_cents);
      g_autofree char *key_cell = dps_cli_pad (item->key, -22);
      g_autofree char *count_cell = dps_cli_pad (count, 12);
      g_autofree char *amount_cell = dps_cli_pad (amount, 18);

      g_print ("  %s %s  %s EUR\n", key_cell, count_cell, amount_cell);
    }
}

int
dps_cli_stats (int    argc,
               char **argv)
{
  g_autofree char *db = NULL;
  gboolean json = FALSE;
  gint top = 10;
  DpsCliFilterOptions filter_options = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, N_("Database URI (default: $DPS_DB or the user's database)"), N_("URI") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (amounts in exact cents)"), NULL },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, N_("How many merchants to list (default 10)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  DpsRepositoryInfo info;
  DpsKpis kpis;

  g_option_context_set_summary (context, _("Key figures and breakdowns over the stored transactions."));
  g_option_context_set_description (context,
    _("Examples:\n"
      "  dps stats\n"
      "  dps stats --city Paris --status APPROVED\n"
      "  dps stats --from 2026-11-01 --to 2026-11-30 --json\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, dps_cli_filter_option_group (&filter_options));
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !dps_cli_filter_apply (&filter_options, filter, &error))
    {
      dps_cli_filter_options_clear (&filter_options);
      return dps_cli_fail (error);
    }
  dps_cli_filter_options_clear (&filter_options);
  if (argc > 1)
    return dps_cli_usage_error ("stats", _("unexpected argument “%s”"), argv[1]);

  repository = dps_cli_open_repository (db, FALSE, &error);
  if (repository == NULL ||
      !dps_repository_get_info (repository, &info, &error) ||
      !dps_repository_query_kpis (repository, filter, &kpis, NULL, &error))
    return dps_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      g_autofree char *filter_text = dps_filter_to_string (filter);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "database");
      json_builder_add_string_value (builder, info.display_name);
      json_builder_set_member_name (builder, "filter");
      json_builder_add_string_value (builder, filter_text);
      json_builder_set_member_name (builder, "kpis");
      json_builder_begin_object (builder);
      add_aggregate (builder, &kpis.total);
      json_builder_set_member_name (builder, "rejected");
      json_builder_add_int_value (builder, kpis.rejected);
      json_builder_set_member_name (builder, "duplicates");
      json_builder_add_int_value (builder, kpis.duplicates);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "breakdowns");
      json_builder_begin_object (builder);
      for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
        {
          g_autoptr(DpsBreakdown) breakdown =
            dps_repository_query_breakdown (repository, filter, sections[s].dimension,
                                            DPS_DIMENSION_NONE, sections[s].order,
                                            sections[s].dimension == DPS_DIMENSION_MERCHANT ? (guint) MAX (top, 0) : 0,
                                            NULL, &error);
          if (breakdown == NULL)
            {
              dps_repository_info_clear (&info);
              return dps_cli_fail (error);
            }
          json_builder_set_member_name (builder, dps_dimension_to_string (sections[s].dimension));
          json_builder_begin_array (builder);
          for (guint i = 0; i < dps_breakdown_get_n_items (breakdown); i++)
            {
              const DpsBreakdownItem *item = dps_breakdown_get_item (breakdown, i);

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "key");
              json_builder_add_string_value (builder, item->key);
              add_aggregate (builder, &item->agg);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *count = dps_cli_format_count (kpis.total.count);
      g_autofree char *total = dps_cli_format_amount (kpis.total.amount_cents);
      g_autofree char *approved = dps_cli_format_count (kpis.total.approved_count);
      g_autofree char *rejected = dps_cli_format_count (kpis.rejected);
      g_autofree char *duplicates = dps_cli_format_count (kpis.duplicates);
      /* The filter's own description is technical (column names and
       * values), except when there is nothing to describe. */
      g_autofree char *filter_text = dps_filter_is_empty (filter) ? g_strdup (_("all transactions"))
                                                                  : dps_filter_to_string (filter);

      g_print (_("Database        %s (%s)\n"), info.display_name, info.backend);
      g_print (_("Filter          %s\n"), filter_text);
      g_print (_("Transactions    %s\n"), count);
      g_print (_("Total amount    %s EUR\n"), total);
      g_print (_("Average amount  %.2f EUR\n"), dps_aggregate_get_average (&kpis.total));
      g_print (_("Approved        %s (%.1f %%)\n"), approved,
               100.0 * dps_aggregate_get_approval_rate (&kpis.total));
      g_print (_("Rejected lines  %s\n"), rejected);
      g_print (_("Duplicates      %s\n"), duplicates);

      for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
        {
          g_autoptr(DpsBreakdown) breakdown =
            dps_repository_query_breakdown (repository, filter, sections[s].dimension,
                                            DPS_DIMENSION_NONE, sections[s].order,
                                            sections[s].dimension == DPS_DIMENSION_MERCHANT ? (guint) MAX (top, 0) : 0,
                                            NULL, &error);
          if (breakdown == NULL)
            {
              dps_repository_info_clear (&info);
              return dps_cli_fail (error);
            }
          print_breakdown (&sections[s], breakdown);
        }
    }

  dps_repository_info_clear (&info);
  return DPS_CLI_EXIT_OK;
}
