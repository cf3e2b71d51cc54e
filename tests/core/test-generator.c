/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "dps-generator.h"
#include "dps-transaction.h"

/* 2026-11-01T09:30:00Z: not a midnight, so the daily profile starts mid-day. */
#define START (G_GINT64_CONSTANT (1793525400) * DPS_USEC_PER_SECOND)
#define DAYS  7

static void
init_options (DpsGeneratorOptions *options,
              guint64              seed,
              guint64              rows)
{
  dps_generator_options_init (options);
  options->seed = seed;
  options->rows = rows;
  options->start = START;
  options->days = DAYS;
}

/* All lines, each ended by '\n'. */
static GString *
generate (const DpsGeneratorOptions *options)
{
  g_autoptr(DpsGenerator) generator = dps_generator_new (options);
  GString *text = g_string_new (NULL);

  for (guint64 i = 0; i < options->rows; i++)
    {
      dps_generator_next (generator, text, NULL);
      g_string_append_c (text, '\n');
    }
  return text;
}

/* Python's repr() of a float with two decimals: 12.0, 261.4, 19.99. */
static char *
python_amount (gint64 cents)
{
  char *text = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", cents / 100, (int) (cents % 100));
  gsize len = strlen (text);

  if (text[len - 1] == '0')
    text[len - 1] = '\0';
  return text;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *line,
              gsize       len)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, line, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static guint
nesting_depth (const char *line,
               gsize       len)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (in_string)
        {
          if (line[i] == '\\')
            i++;
          else if (line[i] == '"')
            in_string = FALSE;
        }
      else if (line[i] == '"')
        in_string = TRUE;
      else if (line[i] == '[' || line[i] == '{')
        deepest = MAX (deepest, ++depth);
      else if (line[i] == ']' || line[i] == '}')
        depth--;
    }
  return deepest;
}

static void
test_options_validate (void)
{
  DpsGeneratorOptions options;
  const double bad_ratios[] = { -0.1, 1.5, NAN };

  dps_generator_options_init (&options);
  g_assert_true (dps_generator_options_validate (&options, NULL));
  g_assert_cmpuint (options.rows, ==, 1000);
  g_assert_cmpuint (options.days, ==, 30);
  g_assert_cmpfloat (options.dirty_ratio, ==, 0.0);
  g_assert_false (options.live);
  g_assert_cmpint (options.start % DPS_USEC_PER_DAY, ==, 0);
  g_assert_cmpint (options.start + 30 * DPS_USEC_PER_DAY, <=, g_get_real_time ());

  for (guint i = 0; i < G_N_ELEMENTS (bad_ratios); i++)
    {
      g_autoptr(GError) error = NULL;

      init_options (&options, 1, 10);
      options.dirty_ratio = bad_ratios[i];
      g_assert_false (dps_generator_options_validate (&options, &error));
      g_assert_error (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION);
    }

  {
    g_autoptr(GError) error = NULL;

    init_options (&options, 1, 10);
    options.days = 0;
    g_assert_false (dps_generator_options_validate (&options, &error));
    g_assert_error (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION);

    /* No period in live mode, nor without a row count. */
    options.live = TRUE;
    g_assert_true (dps_generator_options_validate (&options, NULL));
    options.live = FALSE;
    options.rows = 0;
    g_assert_true (dps_generator_options_validate (&options, NULL));
  }

  {
    g_autoptr(GError) error = NULL;

    init_options (&options, 1, 10);
    options.start = G_GINT64_CONSTANT (253402214400) * DPS_USEC_PER_SECOND;   /* 9999-12-31 */
    options.days = 2;
    g_assert_false (dps_generator_options_validate (&options, &error));
    g_assert_error (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION);
    options.days = 1;
    g_assert_true (dps_generator_options_validate (&options, NULL));
  }

  {
    g_autoptr(GError) error = NULL;

    init_options (&options, 1, 10);
    options.max_line_length = 100;
    g_assert_true (dps_generator_options_validate (&options, NULL));
    options.dirty_ratio = 0.5;
    g_assert_false (dps_generator_options_validate (&options, &error));
    g_assert_error (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION);
  }
}

static void
test_reproducible (void)
{
  DpsGeneratorOptions options;
  g_autoptr(GString) a = NULL;
  g_autoptr(GString) b = NULL;
  g_autoptr(GString) c = NULL;
  g_autoptr(GString) dirty_a = NULL;
  g_autoptr(GString) dirty_b = NULL;

  init_options (&options, 42, 10000);
  a = generate (&options);
  b = generate (&options);
  g_assert_true (g_string_equal (a, b));

  options.seed = 43;
  c = generate (&options);
  g_assert_false (g_string_equal (a, c));

  options.seed = 42;
  options.dirty_ratio = 0.2;
  options.max_line_length = 4096;
  dirty_a = generate (&options);
  dirty_b = generate (&options);
  g_assert_cmpuint (dirty_a->len, ==, dirty_b->len);
  g_assert_true (memcmp (dirty_a->str, dirty_b->str, dirty_a->len) == 0);
  g_assert_false (g_string_equal (a, dirty_a));
}

static void
test_proportions (void)
{
  const guint64 rows = 100000;
  const char *const statuses[] = { "APPROVED", "DECLINED", "PENDING", "REFUNDED" };
  const double status_shares[] = { 75, 10, 10, 5 };
  const char *const methods[] = { "card", "wallet", "bank_transfer" };
  const double method_shares[] = { 60, 25, 15 };
  const char *const known_categories[] = {
    "electronics", "grocery", "fashion", "travel", "restaurants", "entertainment", "health", "home",
  };
  const char *const known_cities[] = {
    "Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier", "Bordeaux", "Lille",
  };
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) merchant_categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) cities = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) line = g_string_new (NULL);
  guint64 status_counts[G_N_ELEMENTS (statuses)] = { 0 };
  guint64 method_counts[G_N_ELEMENTS (methods)] = { 0 };
  guint64 hours[24] = { 0 };
  gint64 previous = G_MININT64, total_cents = 0;
  const DpsGeneratorManifest *manifest;

  for (guint i = 0; i < G_N_ELEMENTS (known_categories); i++)
    g_hash_table_add (categories, (gpointer) known_categories[i]);
  for (guint i = 0; i < G_N_ELEMENTS (known_cities); i++)
    g_hash_table_add (cities, (gpointer) known_cities[i]);

  init_options (&options, 7, rows);
  generator = dps_generator_new (&options);

  for (guint64 i = 0; i < rows; i++)
    {
      JsonObject *object;
      const char *id, *event_ts, *merchant, *category, *city, *status, *method, *known;
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *amount_text = NULL;
      g_autofree char *expected = NULL;
      gint64 user_id, cents, ts;
      double amount;
      guint n;

      g_string_truncate (line, 0);
      g_assert_cmpint (dps_generator_next (generator, line, NULL), ==, DPS_GENERATED_VALID);
      object = parse_object (parser, line->str, line->len);
      g_assert_nonnull (object);
      g_assert_cmpuint (json_object_get_size (object), ==, 10);

      id = json_object_get_string_member (object, "transaction_id");
      event_ts = json_object_get_string_member (object, "event_ts");
      user_id = json_object_get_int_member (object, "user_id");
      amount = json_object_get_double_member (object, "amount");
      merchant = json_object_get_string_member (object, "merchant");
      category = json_object_get_string_member (object, "category");
      city = json_object_get_string_member (object, "city");
      status = json_object_get_string_member (object, "status");
      method = json_object_get_string_member (object, "payment_method");
      g_assert_cmpstr (json_object_get_string_member (object, "currency"), ==, "EUR");

      /* Random version 4 UUIDs, lower case, never twice. */
      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_cmpint (id[14], ==, '4');
      g_assert_nonnull (strchr ("89ab", id[19]));
      for (const char *p = id; *p != '\0'; p++)
        g_assert_false (g_ascii_isupper (*p));
      g_assert_true (g_hash_table_add (ids, g_strdup (id)));

      g_assert_cmpuint (strlen (event_ts), ==, 32);
      g_assert_true (g_str_has_suffix (event_ts, "+00:00"));
      when = g_date_time_new_from_iso8601 (event_ts, NULL);
      g_assert_nonnull (when);
      ts = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
      g_assert_cmpint (ts, >=, previous);
      g_assert_cmpint (ts, >=, START);
      g_assert_cmpint (ts, <, START + DAYS * DPS_USEC_PER_DAY);
      previous = ts;
      hours[g_date_time_get_hour (when)]++;

      g_assert_cmpint (user_id, >=, 1);
      g_assert_cmpint (user_id, <=, 5000);

      cents = (gint64) round (amount * 100);
      g_assert_cmpfloat (fabs (amount * 100 - (double) cents), <, 1e-6);
      g_assert_cmpint (cents, >=, 500);
      g_assert_cmpint (cents, <=, 75000);
      total_cents += cents;
      amount_text = python_amount (cents);

      g_assert_true (g_hash_table_contains (categories, category));
      g_assert_true (g_hash_table_contains (cities, city));
      known = g_hash_table_lookup (merchant_categories, merchant);
      if (known == NULL)
        g_hash_table_insert (merchant_categories, g_strdup (merchant), g_strdup (category));
      else
        g_assert_cmpstr (known, ==, category);
      if (g_str_equal (category, "grocery"))
        g_assert_cmpint (cents, <=, 12000);
      if (g_str_equal (category, "travel"))
        g_assert_cmpint (cents, >=, 6000);

      for (n = 0; n < G_N_ELEMENTS (statuses) && !g_str_equal (status, statuses[n]); n++)
        ;
      g_assert_cmpuint (n, <, G_N_ELEMENTS (statuses));
      status_counts[n]++;
      for (n = 0; n < G_N_ELEMENTS (methods) && !g_str_equal (method, methods[n]); n++)
        ;
      g_assert_cmpuint (n, <, G_N_ELEMENTS (methods));
      method_counts[n]++;

      /* The original producer's key order and spacing, byte for byte. */
      expected = g_strdup_printf ("{\"transaction_id\": \"%s\", \"event_ts\": \"%s\", "
                                  "\"user_id\": %" G_GINT64_FORMAT ", \"amount\": %s, "
                                  "\"merchant\": \"%s\", \"category\": \"%s\", \"city\": \"%s\", "
                                  "\"status\": \"%s\", \"payment_method\": \"%s\", \"currency\": \"EUR\"}",
                                  id, event_ts, user_id, amount_text,
                                  merchant, category, city, status, method);
      g_assert_cmpstr (line->str, ==, expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      double share = 100.0 * (double) status_counts[i] / (double) rows;

      g_assert_cmpfloat (fabs (share - status_shares[i]), <=, 1.5);
    }
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      double share = 100.0 * (double) method_counts[i] / (double) rows;

      g_assert_cmpfloat (fabs (share - method_shares[i]), <=, 1.5);
    }

  g_assert_cmpuint (hours[14], >, hours[3]);
  g_assert_cmpuint (g_hash_table_size (merchant_categories), >=, 30);

  manifest = dps_generator_get_manifest (generator);
  g_assert_cmpuint (manifest->lines, ==, rows);
  g_assert_cmpuint (manifest->valid, ==, rows);
  g_assert_cmpuint (manifest->duplicates + manifest->rejects, ==, 0);
  g_assert_cmpint (manifest->valid_amount_cents, ==, total_cents);
}

static void
check_live_timestamps (const DpsGeneratorOptions *options)
{
  g_autoptr(DpsGenerator) generator = dps_generator_new (options);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < 100; i++)
    {
      gint64 before, after, ts;
      g_autoptr(GDateTime) when = NULL;
      JsonObject *object;

      g_string_truncate (line, 0);
      before = g_get_real_time ();
      dps_generator_next (generator, line, NULL);
      after = g_get_real_time ();

      object = parse_object (parser, line->str, line->len);
      g_assert_nonnull (object);
      when = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "event_ts"), NULL);
      ts = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
      g_assert_cmpint (ts, >=, before);
      g_assert_cmpint (ts, <=, after);
    }
}

static void
test_live (void)
{
  DpsGeneratorOptions options;

  init_options (&options, 3, 100);
  options.live = TRUE;
  check_live_timestamps (&options);

  /* Spread mode without a row count has nothing to spread. */
  init_options (&options, 3, 0);
  check_live_timestamps (&options);
}

static void
test_dirty (void)
{
  const guint64 rows = 50000;
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) valid_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) line = g_string_new (NULL);
  guint64 by_reason[DPS_N_REJECT_REASONS] = { 0 };
  guint64 valid = 0, duplicates = 0, rejects = 0, sum = 0;
  gint64 valid_cents = 0;
  const DpsGeneratorManifest *manifest;
  double dirty_share;

  init_options (&options, 11, rows);
  options.dirty_ratio = 0.1;
  options.max_line_length = 4096;
  generator = dps_generator_new (&options);

  for (guint64 i = 0; i < rows; i++)
    {
      DpsRejectReason reason = DPS_N_REJECT_REASONS;
      DpsGeneratedKind kind;
      JsonObject *object;
      gboolean utf8;

      g_string_truncate (line, 0);
      kind = dps_generator_next (generator, line, &reason);
      utf8 = g_utf8_validate_len (line->str, line->len, NULL);
      g_assert_null (memchr (line->str, '\n', line->len));

      if (kind == DPS_GENERATED_REJECT && reason == DPS_REJECT_LINE_TOO_LONG)
        g_assert_cmpuint (line->len, >, options.max_line_length);
      else
        g_assert_cmpuint (line->len, <=, options.max_line_length);

      if (kind == DPS_GENERATED_REJECT && reason == DPS_REJECT_INVALID_UTF8)
        {
          g_assert_false (utf8);
          by_reason[reason]++;
          rejects++;
          continue;
        }
      g_assert_true (utf8);

      if (kind == DPS_GENERATED_REJECT && reason == DPS_REJECT_MALFORMED_JSON)
        {
          if (nesting_depth (line->str, line->len) <= 32)
            g_assert_false (json_parser_load_from_data (parser, line->str, (gssize) line->len, NULL));
          by_reason[reason]++;
          rejects++;
          continue;
        }
      g_assert_cmpuint (nesting_depth (line->str, line->len), <=, 32);
      g_assert_true (json_parser_load_from_data (parser, line->str, (gssize) line->len, NULL));
      object = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
               ? json_node_get_object (json_parser_get_root (parser)) : NULL;

      switch (kind)
        {
        case DPS_GENERATED_VALID:
        case DPS_GENERATED_DUPLICATE:
          {
            const char *id;
            double amount;

            g_assert_nonnull (object);
            id = json_object_get_string_member (object, "transaction_id");
            amount = json_object_get_double_member (object, "amount");
            if (kind == DPS_GENERATED_VALID)
              {
                g_assert_true (g_hash_table_add (valid_ids, g_strdup (id)));
                valid_cents += (gint64) round (amount * 100);
                valid++;
              }
            else
              {
                g_assert_cmpint (reason, ==, DPS_REJECT_DUPLICATE);
                g_assert_true (g_hash_table_contains (valid_ids, id));
                duplicates++;
              }
          }
          break;

        case DPS_GENERATED_REJECT:
          g_assert_cmpint (reason, <, DPS_REJECT_DUPLICATE);
          if (reason == DPS_REJECT_NOT_OBJECT)
            g_assert_null (object);
          else
            g_assert_nonnull (object);
          by_reason[reason]++;
          rejects++;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  manifest = dps_generator_get_manifest (generator);
  g_assert_cmpuint (manifest->lines, ==, rows);
  g_assert_cmpuint (manifest->valid + manifest->duplicates + manifest->rejects, ==, rows);
  g_assert_cmpuint (manifest->valid, ==, valid);
  g_assert_cmpuint (manifest->duplicates, ==, duplicates);
  g_assert_cmpuint (manifest->rejects, ==, rejects);
  g_assert_cmpint (manifest->valid_amount_cents, ==, valid_cents);
  g_assert_cmpuint (duplicates, >, 0);
  for (guint i = 0; i < DPS_REJECT_DUPLICATE; i++)
    {
      g_assert_cmpuint (by_reason[i], >, 0);
      g_assert_cmpuint (manifest->rejects_by_reason[i], ==, by_reason[i]);
      sum += by_reason[i];
    }
  g_assert_cmpuint (manifest->rejects_by_reason[DPS_REJECT_DUPLICATE], ==, 0);
  g_assert_cmpuint (sum, ==, rejects);

  dirty_share = (double) (duplicates + rejects) / (double) rows;
  g_assert_cmpfloat (dirty_share, >, 0.09);
  g_assert_cmpfloat (dirty_share, <, 0.11);
}

static void
test_manifest_json (void)
{
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *written = NULL;
  const DpsGeneratorManifest *manifest;
  JsonObject *root, *opts, *reasons;

  init_options (&options, G_MAXUINT64, 5000);
  options.dirty_ratio = 0.3;
  options.max_line_length = 2048;
  generator = dps_generator_new (&options);
  for (guint i = 0; i < 5000; i++)
    dps_generator_next (generator, line, NULL);
  manifest = dps_generator_get_manifest (generator);

  json = dps_generator_manifest_to_json (generator);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  opts = json_object_get_object_member (root, "options");
  g_assert_cmpstr (json_object_get_string_member (opts, "seed"), ==, "18446744073709551615");
  g_assert_cmpint (json_object_get_int_member (opts, "rows"), ==, 5000);
  g_assert_cmpstr (json_object_get_string_member (opts, "mode"), ==, "spread");
  g_assert_cmpstr (json_object_get_string_member (opts, "start"), ==, "2026-11-01T09:30:00.000000Z");
  g_assert_cmpint (json_object_get_int_member (opts, "days"), ==, DAYS);
  g_assert_cmpfloat (json_object_get_double_member (opts, "dirty_ratio"), ==, 0.3);
  g_assert_cmpint (json_object_get_int_member (opts, "max_line_length"), ==, 2048);

  g_assert_cmpint (json_object_get_int_member (root, "lines"), ==, 5000);
  g_assert_cmpint (json_object_get_int_member (root, "valid"), ==, (gint64) manifest->valid);
  g_assert_cmpint (json_object_get_int_member (root, "duplicates"), ==, (gint64) manifest->duplicates);
  g_assert_cmpint (json_object_get_int_member (root, "rejects"), ==, (gint64) manifest->rejects);
  g_assert_cmpint (json_object_get_int_member (root, "valid_amount_cents"), ==, manifest->valid_amount_cents);
  reasons = json_object_get_object_member (root, "rejects_by_reason");
  g_assert_cmpuint (json_object_get_size (reasons), ==, DPS_REJECT_DUPLICATE);
  for (guint i = 0; i < DPS_REJECT_DUPLICATE; i++)
    g_assert_cmpint (json_object_get_int_member (reasons, dps_reject_reason_to_string (i)), ==,
                     (gint64) manifest->rejects_by_reason[i]);

  dir = g_dir_make_tmp ("test-generator-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "manifest.json", NULL);
  g_assert_true (dps_generator_write_manifest (generator, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, json);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Counts the lines written to it and keeps nothing, for endless runs. */
#define TEST_TYPE_COUNTING_STREAM (test_counting_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestCountingStream, test_counting_stream, TEST, COUNTING_STREAM, GOutputStream)

struct _TestCountingStream
{
  GOutputStream parent_instance;
  guint64       lines;
};

G_DEFINE_FINAL_TYPE (TestCountingStream, test_counting_stream, G_TYPE_OUTPUT_STREAM)

static gssize
test_counting_stream_write_fn (GOutputStream  *stream,
                               const void     *buffer,
                               gsize           count,
                               GCancellable   *cancellable,
                               GError        **error)
{
  TestCountingStream *self = TEST_COUNTING_STREAM (stream);
  const char *data = buffer;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  for (gsize i = 0; i < count; i++)
    self->lines += data[i] == '\n';
  return (gssize) count;
}

static void
test_counting_stream_class_init (TestCountingStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_counting_stream_write_fn;
}

static void
test_counting_stream_init (TestCountingStream *self)
{
}

typedef struct {
  guint         calls;
  guint64       lines;
  guint64       bytes;
  GCancellable *cancel_on_call;
} Progress;

static void
progress_cb (guint64  lines_written,
             guint64  bytes_written,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (lines_written, >=, progress->lines);
  g_assert_cmpuint (bytes_written, >=, progress->bytes);
  progress->calls++;
  progress->lines = lines_written;
  progress->bytes = bytes_written;
  if (progress->cancel_on_call != NULL)
    g_cancellable_cancel (progress->cancel_on_call);
}

static guint64
count_lines (GMemoryOutputStream *stream)
{
  const char *data = g_memory_output_stream_get_data (stream);
  gsize size = g_memory_output_stream_get_data_size (stream);
  guint64 lines = 0;

  for (gsize i = 0; i < size; i++)
    lines += data[i] == '\n';
  return lines;
}

static void
test_write_memory (void)
{
  const guint64 rows = 20000;
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GString) expected = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  gsize size;
  gint64 started, elapsed;

  init_options (&options, 5, rows);
  options.dirty_ratio = 0.05;
  options.max_line_length = 4096;
  expected = generate (&options);
  generator = dps_generator_new (&options);

  started = g_get_monotonic_time ();
  g_assert_true (dps_generator_write (generator, stream, 0, progress_cb, &progress, NULL, &error));
  elapsed = g_get_monotonic_time () - started;
  g_assert_no_error (error);

  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream));
  g_assert_cmpuint (size, ==, expected->len);
  g_assert_true (memcmp (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                         expected->str, size) == 0);
  g_assert_cmpuint (count_lines (G_MEMORY_OUTPUT_STREAM (stream)), ==, rows);
  g_assert_cmpuint (dps_generator_get_manifest (generator)->lines, ==, rows);

  /* Throttled to ~10 calls a second, and a last one with the totals. */
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.calls, <=, elapsed / (G_USEC_PER_SEC / 10) + 2);
  g_assert_cmpuint (progress.lines, ==, rows);
  g_assert_cmpuint (progress.bytes, ==, size);

  /* All rows are made: another call has nothing left to write. */
  g_assert_true (dps_generator_write (generator, stream, 0, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), ==, size);
}

static void
test_write_cancel (void)
{
  DpsGeneratorOptions options;
  g_autoptr(GError) error = NULL;

  /* Already cancelled: nothing is written. */
  {
    g_autoptr(DpsGenerator) generator = NULL;
    g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    init_options (&options, 9, 1000);
    generator = dps_generator_new (&options);
    g_cancellable_cancel (cancellable);
    g_assert_false (dps_generator_write (generator, stream, 0, NULL, NULL, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)), ==, 0);
  }

  /* An endless live stream, cancelled from the progress callback: the
   * stream holds exactly the lines the manifest counts. */
  {
    g_autoptr(DpsGenerator) generator = NULL;
    g_autoptr(GOutputStream) stream = g_object_new (TEST_TYPE_COUNTING_STREAM, NULL);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Progress progress = { 0 };

    init_options (&options, 9, 0);
    options.live = TRUE;
    generator = dps_generator_new (&options);
    progress.cancel_on_call = cancellable;
    g_assert_false (dps_generator_write (generator, stream, 0, progress_cb, &progress, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpuint (progress.calls, ==, 1);
    g_assert_cmpuint (dps_generator_get_manifest (generator)->lines, >, 0);
    g_assert_cmpuint (TEST_COUNTING_STREAM (stream)->lines, ==,
                      dps_generator_get_manifest (generator)->lines);
  }

  /* Cancelled while the rate limiter waits. */
  {
    g_autoptr(DpsGenerator) generator = NULL;
    g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Progress progress = { 0 };

    init_options (&options, 9, 0);
    generator = dps_generator_new (&options);
    progress.cancel_on_call = cancellable;
    g_assert_false (dps_generator_write (generator, stream, 50, progress_cb, &progress, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpuint (count_lines (G_MEMORY_OUTPUT_STREAM (stream)), ==,
                      dps_generator_get_manifest (generator)->lines);
  }
}

static void
test_write_rate (void)
{
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed;

  /* Line n is due n ms after the start: the 100th cannot leave before
   * 99 ms, however loaded the machine. */
  init_options (&options, 4, 100);
  generator = dps_generator_new (&options);
  started = g_get_monotonic_time ();
  g_assert_true (dps_generator_write (generator, stream, 1000, NULL, NULL, NULL, &error));
  elapsed = g_get_monotonic_time () - started;
  g_assert_no_error (error);
  g_assert_cmpint (elapsed, >=, 90 * 1000);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (count_lines (G_MEMORY_OUTPUT_STREAM (stream)), ==, 100);
}

static void
test_write_error (void)
{
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  init_options (&options, 4, 100);
  generator = dps_generator_new (&options);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  g_assert_false (dps_generator_write (generator, stream, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/generator/options/validate", test_options_validate);
  g_test_add_func ("/dps/generator/reproducible", test_reproducible);
  g_test_add_func ("/dps/generator/proportions", test_proportions);
  g_test_add_func ("/dps/generator/live", test_live);
  g_test_add_func ("/dps/generator/dirty", test_dirty);
  g_test_add_func ("/dps/generator/manifest-json", test_manifest_json);
  g_test_add_func ("/dps/generator/write/memory", test_write_memory);
  g_test_add_func ("/dps/generator/write/cancel", test_write_cancel);
  g_test_add_func ("/dps/generator/write/rate", test_write_rate);
  g_test_add_func ("/dps/generator/write/error", test_write_error);

  return g_test_run ();
}
