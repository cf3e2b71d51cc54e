/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "dps-csv-writer.h"

/* Writes rows shaped like transactions_flat (15 cells: 11 text, 3 integers,
 * 1 amount; some merchants need quotes) to /dev/null and prints the rate.
 *
 *   bench-csv-writer [ROWS [PRESET]]      defaults: 1000000 standard */

#define POOL_SIZE 4096

typedef struct {
  char   *transaction_id;
  char   *event_ts;
  char   *event_date;
  gint64  event_hour;
  gint64  event_dayofweek;
  gint64  user_id;
  char   *amount;
  const char *amount_bucket;
  const char *merchant;
  const char *category;
  const char *city;
  const char *status;
  const char *payment_method;
  const char *currency;
  char   *ingested_at;
} Row;

static const char *const merchants[] = {
  "Fnac", "Carrefour", "Amazon", "Boulanger, Paris", "Café \"Le Zinc\"", "SNCF", "Decathlon", "Leroy Merlin",
};
static const char *const categories[] = { "electronics", "grocery", "travel", "restaurants", "sport", "home" };
static const char *const cities[] = { "Paris", "Lyon", "Marseille", "Lille", "Saint-Étienne", "Bordeaux" };
static const char *const statuses[] = { "APPROVED", "DECLINED", "PENDING", "REFUNDED" };
static const char *const methods[] = { "card", "wallet", "bank_transfer" };
static const char *const currencies[] = { "EUR", "EUR", "EUR", "USD", "GBP", "CHF" };
static const char *const buckets[] = { "<20", "20-100", "100-250", "250-500", ">=500" };

#define PICK(rand, array) (array[g_rand_int_range (rand, 0, G_N_ELEMENTS (array))])

static void
fill_pool (Row *pool)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < POOL_SIZE; i++)
    {
      Row *row = &pool[i];
      guint cents = g_rand_int_range (rand, 1, 100000);
      guint day = g_rand_int_range (rand, 1, 29);
      guint hour = g_rand_int_range (rand, 0, 24);

      row->transaction_id = g_uuid_string_random ();
      row->event_ts = g_strdup_printf ("2026-11-%02uT%02u:%02u:%02u.%06uZ", day, hour,
                                       g_rand_int_range (rand, 0, 60), g_rand_int_range (rand, 0, 60),
                                       g_rand_int_range (rand, 0, 1000000));
      row->event_date = g_strdup_printf ("2026-11-%02u", day);
      row->event_hour = hour;
      row->event_dayofweek = day % 7;
      row->user_id = g_rand_int_range (rand, 1, 100000);
      row->amount = g_strdup_printf ("%u.%02u", cents / 100, cents % 100);
      row->amount_bucket = PICK (rand, buckets);
      row->merchant = PICK (rand, merchants);
      row->category = PICK (rand, categories);
      row->city = PICK (rand, cities);
      row->status = PICK (rand, statuses);
      row->payment_method = PICK (rand, methods);
      row->currency = PICK (rand, currencies);
      row->ingested_at = g_strdup_printf ("2026-11-29T08:%02u:%02u.000000Z",
                                          g_rand_int_range (rand, 0, 60), g_rand_int_range (rand, 0, 60));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree Row *pool = g_new0 (Row, POOL_SIZE);
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(DpsCsvWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n_rows = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  DpsCsvPreset preset = DPS_CSV_PRESET_STANDARD;
  DpsCsvOptions options;
  gint64 start, elapsed;
  double seconds;
  int fd;

  if (argc > 2 && !dps_csv_preset_from_string (argv[2], &preset))
    {
      g_printerr ("unknown preset: %s\n", argv[2]);
      return EXIT_FAILURE;
    }
  dps_csv_options_init_preset (&options, preset);

  fd = g_open ("/dev/null", O_WRONLY, 0);
  if (fd < 0)
    {
      g_printerr ("cannot open /dev/null\n");
      return EXIT_FAILURE;
    }
  stream = g_unix_output_stream_new (fd, TRUE);
  writer = dps_csv_writer_new (stream, &options);
  fill_pool (pool);

  start = g_get_monotonic_time ();
  for (guint64 i = 0; i < n_rows; i++)
    {
      const Row *row = &pool[i % POOL_SIZE];

      dps_csv_writer_add_text (writer, row->transaction_id, -1);
      dps_csv_writer_add_text (writer, row->event_ts, -1);
      dps_csv_writer_add_text (writer, row->event_date, -1);
      dps_csv_writer_add_int (writer, row->event_hour);
      dps_csv_writer_add_int (writer, row->event_dayofweek);
      dps_csv_writer_add_int (writer, row->user_id);
      dps_csv_writer_add_number (writer, row->amount);
      dps_csv_writer_add_text (writer, row->amount_bucket, -1);
      dps_csv_writer_add_text (writer, row->merchant, -1);
      dps_csv_writer_add_text (writer, row->category, -1);
      dps_csv_writer_add_text (writer, row->city, -1);
      dps_csv_writer_add_text (writer, row->status, -1);
      dps_csv_writer_add_text (writer, row->payment_method, -1);
      dps_csv_writer_add_text (writer, row->currency, -1);
      dps_csv_writer_add_text (writer, row->ingested_at, -1);
      if (!dps_csv_writer_end_row (writer, NULL, &error))
        break;
    }
  if (error == NULL)
    dps_csv_writer_flush (writer, NULL, &error);
  elapsed = MAX (g_get_monotonic_time () - start, 1);

  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  seconds = elapsed / (double) G_USEC_PER_SEC;
  g_print ("%" G_GUINT64_FORMAT " rows x 15 cells, %" G_GUINT64_FORMAT " bytes in %.3f s: "
           "%.0f rows/s, %.1f MiB/s\n",
           n_rows, dps_csv_writer_get_bytes_written (writer), seconds,
           n_rows / seconds, dps_csv_writer_get_bytes_written (writer) / seconds / (1024 * 1024));

  for (guint i = 0; i < POOL_SIZE; i++)
    {
      g_free (pool[i].transaction_id);
      g_free (pool[i].event_ts);
      g_free (pool[i].event_date);
      g_free (pool[i].amount);
      g_free (pool[i].ingested_at);
    }
  return EXIT_SUCCESS;
}
