/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dps-generator.h"
#include "dps-record-parser.h"

/* 2026-11-01T09:30:00Z */
#define START (G_GINT64_CONSTANT (1793525400) * DPS_USEC_PER_SECOND)

/* Every generated line, through the real parser: each bad line is
 * rejected for the reason the generator meant, and nothing else. */
static void
check_against_parser (guint64 seed,
                      double  dirty_ratio)
{
  const guint64 rows = 50000;
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) line = g_string_new (NULL);
  guint64 by_reason[DPS_N_REJECT_REASONS] = { 0 };
  guint64 valid = 0, duplicates = 0;
  gint64 valid_cents = 0;
  const DpsGeneratorManifest *manifest;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = START;
  options.days = 7;
  options.dirty_ratio = dirty_ratio;
  options.max_line_length = 4096;
  generator = dps_generator_new (&options);
  dps_record_parser_set_max_line_length (parser, options.max_line_length);

  for (guint64 i = 0; i < rows; i++)
    {
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };
      DpsRejectReason reason = DPS_N_REJECT_REASONS;
      DpsGeneratedKind kind;
      gboolean parsed;

      g_string_truncate (line, 0);
      kind = dps_generator_next (generator, line, &reason);
      parsed = dps_record_parser_parse (parser, line->str, line->len, line->len, &tx, &reject);

      if (parsed)
        {
          char id[DPS_UUID_TEXT_LEN + 1];

          dps_uuid_to_string (tx.id, id);
          if (g_hash_table_contains (ids, id))
            {
              if (kind != DPS_GENERATED_DUPLICATE)
                g_test_message ("line %" G_GUINT64_FORMAT " repeats an id: %s", i, line->str);
              g_assert_cmpint (kind, ==, DPS_GENERATED_DUPLICATE);
              duplicates++;
            }
          else
            {
              if (kind != DPS_GENERATED_VALID)
                g_test_message ("line %" G_GUINT64_FORMAT " should be rejected as %s: %s",
                                i, dps_reject_reason_to_string (reason), line->str);
              g_assert_cmpint (kind, ==, DPS_GENERATED_VALID);
              g_hash_table_add (ids, g_strdup (id));
              valid_cents += tx.amount_cents;
              valid++;
            }
          dps_transaction_clear (&tx);
        }
      else
        {
          if (kind != DPS_GENERATED_REJECT || reject.reason != reason)
            {
              g_autofree char *text = g_strescape (line->str, NULL);

              g_test_message ("line %" G_GUINT64_FORMAT " meant as %s, rejected as %s (%s): %.500s",
                              i, kind == DPS_GENERATED_REJECT ? dps_reject_reason_to_string (reason)
                                                              : "valid or duplicate",
                              dps_reject_reason_to_string (reject.reason),
                              reject.detail != NULL ? reject.detail : "", text);
            }
          g_assert_cmpint (kind, ==, DPS_GENERATED_REJECT);
          g_assert_cmpint (reject.reason, ==, reason);
          by_reason[reject.reason]++;
          dps_reject_clear (&reject);
        }
    }

  manifest = dps_generator_get_manifest (generator);
  g_assert_cmpuint (manifest->lines, ==, rows);
  g_assert_cmpuint (manifest->valid, ==, valid);
  g_assert_cmpuint (manifest->duplicates, ==, duplicates);
  g_assert_cmpint (manifest->valid_amount_cents, ==, valid_cents);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    g_assert_cmpuint (manifest->rejects_by_reason[i], ==, by_reason[i]);
  if (dirty_ratio > 0)
    {
      g_assert_cmpuint (duplicates, >, 0);
      for (guint i = 0; i < DPS_REJECT_DUPLICATE; i++)
        g_assert_cmpuint (by_reason[i], >, 0);
    }
}

static void
test_dirty_lines (void)
{
  check_against_parser (11, 0.1);
}

static void
test_all_dirty (void)
{
  check_against_parser (12, 1.0);
}

static void
test_clean_lines (void)
{
  check_against_parser (13, 0.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/generator/parser/dirty", test_dirty_lines);
  g_test_add_func ("/dps/generator/parser/all-dirty", test_all_dirty);
  g_test_add_func ("/dps/generator/parser/clean", test_clean_lines);

  return g_test_run ();
}
