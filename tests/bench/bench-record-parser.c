/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dps-record-parser.h"

/* Lines like the original producer's, about 250 bytes each. */
static GPtrArray *
make_lines (guint n)
{
  static const char *const merchants[] = { "Fnac", "Carrefour", "Amazon", "SNCF", "Decathlon", "Boulangerie Paul" };
  static const char *const categories[] = { "electronics", "grocery", "books", "travel", "sports", "food" };
  static const char *const cities[] = { "Lyon", "Paris", "Marseille", "Toulouse", "Lille", "Nantes" };
  static const char *const statuses[] = { "APPROVED", "APPROVED", "APPROVED", "DECLINED", "PENDING", "REFUNDED" };
  static const char *const methods[] = { "card", "card", "wallet", "bank_transfer" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      gint64 cents = g_rand_int_range (rand, 100, 200000);

      g_ptr_array_add (lines, g_strdup_printf (
        "{\"transaction_id\": \"%s\", \"event_ts\": \"2026-11-%02dT%02d:%02d:%02d.%06d+00:00\", "
        "\"user_id\": %d, \"amount\": %" G_GINT64_FORMAT ".%02d, \"merchant\": \"%s\", "
        "\"category\": \"%s\", \"city\": \"%s\", \"status\": \"%s\", "
        "\"payment_method\": \"%s\", \"currency\": \"EUR\"}",
        uuid, g_rand_int_range (rand, 1, 29), g_rand_int_range (rand, 0, 24),
        g_rand_int_range (rand, 0, 60), g_rand_int_range (rand, 0, 60),
        g_rand_int_range (rand, 0, 1000000), g_rand_int_range (rand, 1, 100000),
        cents / 100, (int) (cents % 100),
        merchants[g_rand_int_range (rand, 0, G_N_ELEMENTS (merchants))],
        categories[g_rand_int_range (rand, 0, G_N_ELEMENTS (categories))],
        cities[g_rand_int_range (rand, 0, G_N_ELEMENTS (cities))],
        statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))],
        methods[g_rand_int_range (rand, 0, G_N_ELEMENTS (methods))]));
    }
  return lines;
}

int
main (int   argc,
      char *argv[])
{
  const guint n_lines = 10000;
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 20;
  g_autoptr(GPtrArray) lines = make_lines (n_lines);
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsReject) reject = dps_reject_new ();
  gsize bytes = 0;
  guint accepted = 0;
  gint64 start, elapsed;

  for (guint i = 0; i < n_lines; i++)
    bytes += strlen (g_ptr_array_index (lines, i));

  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < n_lines; i++)
      {
        const char *line = g_ptr_array_index (lines, i);
        gsize length = strlen (line);
        DpsTransaction tx = { 0 };

        if (dps_record_parser_parse (parser, line, length, length, &tx, reject))
          {
            accepted++;
            dps_transaction_clear (&tx);
          }
      }
  elapsed = MAX (g_get_monotonic_time () - start, 1);

  if (accepted != rounds * n_lines)
    {
      g_printerr ("%u of %u lines rejected: %s\n", rounds * n_lines - accepted,
                  rounds * n_lines, reject->detail);
      return 1;
    }

  g_print ("record-parser: %u lines of %" G_GSIZE_FORMAT " bytes on average, "
           "%.0f lines/s, %.1f MB/s\n",
           rounds * n_lines, bytes / n_lines,
           (double) rounds * n_lines * G_USEC_PER_SEC / (double) elapsed,
           (double) rounds * bytes / (double) elapsed);
  return 0;
}
