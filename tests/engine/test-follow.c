/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "engine-test-util.h"

/* A followed file (or folder) written to by the test while the engine
 * reads it: every record must land exactly once. */

#define POLL_MS 20
#define DEADLINE_SECONDS 60.0

typedef struct {
  char            *dir;
  char            *path;           /* the followed file or folder */
  gboolean         folder;
  DpsRepository   *repository;     /* the engine's */
  DpsRepository   *reader;         /* the test's */
  DpsRecordParser *parser;
  GByteArray      *ids;            /* every valid id written */
  gint64           rejects;        /* bad lines written */
  guint64          seed;

  DpsEngine       *engine;         /* while following */
  TestRun         *run;
  gint64           run_rejected;   /* over every run */
  gint64           run_duplicates;
} Follow;

static Follow *
follow_new (const char *name,
            gboolean    folder)
{
  Follow *f = g_new0 (Follow, 1);

  f->dir = dps_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, name, NULL);
  f->folder = folder;
  if (folder)
    g_assert_cmpint (g_mkdir (f->path, 0700), ==, 0);
  f->repository = test_open_db (f->dir, "test.db");
  f->reader = test_open_db (f->dir, "test.db");
  f->parser = dps_record_parser_new ();
  f->ids = g_byte_array_new ();
  f->seed = 1000;
  return f;
}

static void
follow_free (Follow *f)
{
  g_assert_null (f->engine);
  g_clear_object (&f->repository);
  g_clear_object (&f->reader);
  g_clear_object (&f->parser);
  g_byte_array_unref (f->ids);
  dps_test_tmpdir_remove (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f);
}

/* @n valid records, and a bad line every @bad_every records (0: none),
 * appended to @out; what they are is remembered. */
static void
make_records (Follow  *f,
              guint    n,
              guint    bad_every,
              GString *out)
{
  g_autoptr(GString) text = test_generate_text (n, f->seed++, 0, FALSE, NULL);
  const char *p = text->str;

  for (guint i = 0; i < n; i++)
    {
      const char *end = strchr (p, '\n');
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };

      g_assert_nonnull (end);
      g_assert_true (dps_record_parser_parse (f->parser, p, (gsize) (end - p), (gsize) (end - p),
                                              &tx, &reject));
      g_byte_array_append (f->ids, tx.id, 16);
      dps_transaction_clear (&tx);
      g_string_append_len (out, p, end - p + 1);
      p = end + 1;

      if (bad_every > 0 && i % bad_every == bad_every - 1)
        {
          /* Each bad line differs: the same bad line at the same place
           * would rightly be stored once. */
          g_string_append_printf (out, "{\"bad\": %" G_GINT64_FORMAT "}\n", f->rejects);
          f->rejects++;
        }
    }
}

static void
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      g_assert_cmpint (n, >, 0);
      data += n;
      length -= (gsize) n;
    }
}

static void
write_records (Follow *f,
               int     fd,
               guint   n,
               guint   bad_every)
{
  g_autoptr(GString) out = g_string_new (NULL);

  make_records (f, n, bad_every, out);
  write_all (fd, out->str, out->len);
}

static int
open_append (const char *path)
{
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

  g_assert_cmpint (fd, >=, 0);
  return fd;
}

static void
follow_start_with (Follow                 *f,
                   const DpsEngineOptions *options)
{
  g_autoptr(DpsSource) source = NULL;

  g_assert_null (f->engine);
  if (f->folder)
    source = dps_folder_source_new (f->path, TEST_MAX_LINE_LENGTH, POLL_MS);
  else
    source = dps_file_source_new (f->path, TRUE, TEST_MAX_LINE_LENGTH, POLL_MS);
  g_assert_cmpstr (dps_source_get_kind (source), ==, f->folder ? "folder" : "follow");
  f->engine = dps_engine_new (f->repository, source, options);
  f->run = test_run_start (f->engine, NULL);
}

static void
follow_start (Follow *f)
{
  DpsEngineOptions options;

  test_engine_options (&options, 2);
  options.batch_interval_ms = 30;
  follow_start_with (f, &options);
}

static void
follow_stop (Follow *f)
{
  g_autoptr(GError) error = NULL;
  DpsEngineMetrics m;

  dps_engine_stop (f->engine);
  g_assert_true (test_run_join (f->run, &error));
  g_assert_no_error (error);
  dps_engine_get_metrics (f->engine, &m);
  g_assert_cmpint (m.state, ==, DPS_ENGINE_STATE_FINISHED);
  g_assert_cmpint (m.rows_read, ==, test_committed_lines (&m));
  f->run_rejected += m.rows_rejected;
  f->run_duplicates += m.rows_duplicate;
  f->run = NULL;
  g_clear_object (&f->engine);
}

static gboolean
all_stored_cb (gpointer user_data)
{
  Follow *f = user_data;
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsRepositoryInfo info;
  guint64 rows = 0;
  gboolean done;

  if (f->run != NULL && test_run_is_done (f->run))
    return TRUE;   /* failed: the caller's checks say how */
  if (!dps_repository_count_rows (f->reader, filter, &rows, NULL, NULL) ||
      !dps_repository_get_info (f->reader, &info, NULL))
    return FALSE;
  done = (gint64) rows >= (gint64) (f->ids->len / 16) && info.rejects >= f->rejects;
  dps_repository_info_clear (&info);
  return done;
}

/* Waits until everything written is stored (at least: the final check
 * after the engine stopped says whether anything came twice). */
static void
wait_all_stored (Follow *f)
{
  g_assert_true (test_wait_for (all_stored_cb, f, DEADLINE_SECONDS));
  g_assert_false (test_run_is_done (f->run));
}

static gint64
n_ids (Follow *f)
{
  return (gint64) (f->ids->len / 16);
}

/* What the database holds now (a half line must never be read). */
static void
assert_stored_now (Follow *f,
                   gint64  rows,
                   gint64  rejects)
{
  g_autoptr(DpsFilter) filter = dps_filter_new ();
  DpsRepositoryInfo info;
  guint64 count = 0;

  g_assert_true (dps_repository_count_rows (f->reader, filter, &count, NULL, NULL));
  g_assert_true (dps_repository_get_info (f->reader, &info, NULL));
  g_assert_cmpint ((gint64) count, ==, rows);
  g_assert_cmpint (info.rejects, ==, rejects);
  dps_repository_info_clear (&info);
}

/* Gives the follower a few polls to do something it must not do. */
static void
let_it_poll (void)
{
  g_usleep (6 * POLL_MS * 1000);
}

static void
assert_exactly_once (Follow *f)
{
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  g_autofree char *checksum = NULL;
  TestSnapshot snapshot;

  g_byte_array_append (expected, f->ids->data, f->ids->len);
  checksum = test_ids_checksum (expected);

  test_snapshot (f->reader, &snapshot);
  g_assert_cmpint (snapshot.rows, ==, (gint64) (f->ids->len / 16));
  g_assert_cmpstr (snapshot.ids_checksum, ==, checksum);
  g_assert_cmpint (snapshot.duplicates, ==, 0);
  g_assert_cmpint (snapshot.rejects, ==, f->rejects);
  g_assert_cmpint (snapshot.rejects_by_reason[DPS_REJECT_MISSING_FIELD], ==, f->rejects);
  g_assert_true (snapshot.rollups_equal);
  test_snapshot_clear (&snapshot);

  /* Counted once by the runs too. */
  g_assert_cmpint (f->run_rejected, ==, f->rejects);
  g_assert_cmpint (f->run_duplicates, ==, 0);
}

/* ---------------------------------------------------------------------- */

static void
test_bursts (void)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  int fd = open_append (f->path);

  follow_start (f);
  for (guint burst = 0; burst < 12; burst++)
    {
      write_records (f, fd, (guint) g_rand_int_range (rand, 1, 400), burst % 3 == 0 ? 37 : 0);
      /* Some bursts land back to back, some after the follower caught up. */
      if (g_rand_boolean (rand))
        wait_all_stored (f);
    }
  wait_all_stored (f);
  follow_stop (f);
  close (fd);
  assert_exactly_once (f);
  follow_free (f);
}

static void
test_partial_lines (void)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  int fd = open_append (f->path);
  /* Where each split line is cut: after its first byte, in its middle,
   * just before its line end, between the \r and \n of a CRLF line. */
  const int cuts[] = { 1, -1, -2, -3 };
  const char *bad = "{\"bad\": \"cut in two\"}\n";

  follow_start (f);
  write_records (f, fd, 50, 0);
  wait_all_stored (f);

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);
      gsize cut;

      make_records (f, 1, 0, line);
      if (cuts[i] == -3)
        {
          g_string_insert_c (line, (gssize) line->len - 1, '\r');
          cut = line->len - 1;
        }
      else if (cuts[i] == -2)
        cut = line->len - 1;
      else if (cuts[i] == -1)
        cut = line->len / 2;
      else
        cut = (gsize) cuts[i];

      write_all (fd, line->str, cut);
      let_it_poll ();
      assert_stored_now (f, n_ids (f) - 1, f->rejects);
      write_all (fd, line->str + cut, line->len - cut);
      wait_all_stored (f);
    }

  /* A bad line, cut too: rejected once, whole. */
  write_all (fd, bad, 9);
  let_it_poll ();
  assert_stored_now (f, n_ids (f), f->rejects);
  write_all (fd, bad + 9, strlen (bad) - 9);
  f->rejects++;
  wait_all_stored (f);

  follow_stop (f);
  close (fd);
  assert_exactly_once (f);
  follow_free (f);
}

static gint64
size_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

static void
test_truncate (void)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  g_autofree char *copy = g_strconcat (f->path, ".1", NULL);
  int fd = open_append (f->path);
  gint64 old_size;

  follow_start (f);
  write_records (f, fd, 300, 50);
  wait_all_stored (f);

  /* copytruncate: the lines already read are copied away, the file is
   * emptied in place and the producer goes on appending to it. A little
   * is written: the file is smaller than where the follower stood. */
  copy_file (f->path, copy);
  old_size = size_of (f->path);
  g_assert_cmpint (truncate (f->path, 0), ==, 0);
  write_records (f, fd, 20, 7);
  g_assert_cmpint (size_of (f->path), <, old_size);
  wait_all_stored (f);

  /* Emptied again, then at once more is written than there was: the file
   * is larger than where the follower stood, but its bytes changed. */
  write_records (f, fd, 200, 40);
  wait_all_stored (f);
  copy_file (f->path, copy);
  old_size = size_of (f->path);
  g_assert_cmpint (truncate (f->path, 0), ==, 0);
  write_records (f, fd, 700, 100);
  g_assert_cmpint (size_of (f->path), >, old_size);
  wait_all_stored (f);

  /* And it goes on. */
  write_records (f, fd, 100, 0);
  wait_all_stored (f);

  follow_stop (f);
  close (fd);
  assert_exactly_once (f);
  follow_free (f);
}

static void
test_rotate (void)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  g_autofree char *rotated1 = g_strconcat (f->path, ".1", NULL);
  g_autofree char *rotated2 = g_strconcat (f->path, ".2", NULL);
  g_autoptr(GString) split = g_string_new (NULL);
  int old_fd, new_fd;

  old_fd = open_append (f->path);
  follow_start (f);
  write_records (f, old_fd, 100, 30);
  wait_all_stored (f);
  write_records (f, old_fd, 150, 30);

  /* Rotated (rename + create) while the producer is half-way through a
   * line: it finishes the line and writes a little more to the old file
   * before it switches to the new one. */
  make_records (f, 1, 0, split);
  write_all (old_fd, split->str, split->len / 2);
  g_assert_cmpint (g_rename (f->path, rotated1), ==, 0);
  new_fd = open (f->path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  g_assert_cmpint (new_fd, >=, 0);
  write_all (old_fd, split->str + split->len / 2, split->len - split->len / 2);
  write_records (f, old_fd, 30, 10);
  close (old_fd);
  write_records (f, new_fd, 50, 25);
  wait_all_stored (f);

  /* Rotated again; this time the follower has already switched to the
   * new file (its lines are stored) when the last lines reach the old
   * one. */
  old_fd = new_fd;
  write_records (f, old_fd, 80, 0);
  g_assert_cmpint (g_rename (f->path, rotated2), ==, 0);
  new_fd = open (f->path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  g_assert_cmpint (new_fd, >=, 0);
  write_records (f, new_fd, 40, 20);
  wait_all_stored (f);
  write_records (f, old_fd, 25, 5);
  close (old_fd);
  wait_all_stored (f);

  write_records (f, new_fd, 60, 0);
  wait_all_stored (f);

  follow_stop (f);
  close (new_fd);
  assert_exactly_once (f);
  follow_free (f);
}

/* Gives every transaction id of @text a new random value, keeping every
 * byte count; returns the new text and remembers its ids. */
static GString *
with_new_ids (Follow     *f,
              const char *text,
              GRand      *rand)
{
  GString *out = g_string_new (text);
  const char *key = "\"transaction_id\": \"";
  char *p = out->str;

  while ((p = strstr (p, key)) != NULL)
    {
      char *id = p + strlen (key);
      guint8 bytes[16];

      for (guint i = 0; i < 16; i++)
        bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      {
        char text_id[DPS_UUID_TEXT_LEN + 1];

        dps_uuid_to_string (bytes, text_id);
        g_assert_cmpint (id[DPS_UUID_TEXT_LEN], ==, '"');
        memcpy (id, text_id, DPS_UUID_TEXT_LEN);
      }
      g_byte_array_append (f->ids, bytes, 16);
      p = id + DPS_UUID_TEXT_LEN;
    }

  /* Its bad lines are other bad lines, of the same length. */
  p = out->str;
  while ((p = strstr (p, "{\"bad\": ")) != NULL)
    {
      p += strlen ("{\"bad\": ");
      for (; g_ascii_isdigit (*p); p++)
        *p = (char) ('0' + (*p - '0' + 5) % 10);
      f->rejects++;
    }
  return out;
}

static void
test_replaced_while_stopped (void)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *contents = NULL;
  g_autofree char *tmp = g_strconcat (f->path, ".tmp", NULL);
  g_autoptr(GString) replacement = NULL;
  gsize length;
  gint64 size;
  int fd = open_append (f->path);

  follow_start (f);
  write_records (f, fd, 200, 50);
  wait_all_stored (f);
  follow_stop (f);

  /* Unchanged while stopped, only appended to: read from where it was. */
  write_records (f, fd, 50, 0);
  close (fd);
  follow_start (f);
  wait_all_stored (f);
  follow_stop (f);

  /* Replaced while stopped by a file of the very same size, with other
   * records: read from its start. */
  size = size_of (f->path);
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  replacement = with_new_ids (f, contents, rand);
  g_assert_true (g_file_set_contents (tmp, replacement->str, (gssize) replacement->len, NULL));
  g_assert_cmpint (g_rename (tmp, f->path), ==, 0);
  g_assert_cmpint (size_of (f->path), ==, size);
  follow_start (f);
  wait_all_stored (f);
  follow_stop (f);

  /* Rewritten in place while stopped, larger than before. */
  {
    g_autoptr(GString) text = g_string_new (NULL);

    make_records (f, 400, 80, text);
    g_assert_cmpint ((gint64) text->len, >, size);
    fd = open (f->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    g_assert_cmpint (fd, >=, 0);
    write_all (fd, text->str, text->len);
    close (fd);
  }
  follow_start (f);
  wait_all_stored (f);
  follow_stop (f);

  assert_exactly_once (f);
  follow_free (f);
}

/* ---------------------------------------------------------------------- */
/* folders                                                                */

/* Writes a whole file under a temporary name, then gives it its name. */
static void
drop_file (Follow     *f,
           const char *name,
           guint       n,
           guint       bad_every)
{
  g_autofree char *path = g_build_filename (f->path, name, NULL);
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  make_records (f, n, bad_every, text);
  g_assert_true (g_file_set_contents (tmp, text->str, (gssize) text->len, NULL));
  g_assert_cmpint (g_rename (tmp, path), ==, 0);
}

static void
test_folder (void)
{
  Follow *f = follow_new ("queue", TRUE);
  g_autofree char *a = g_build_filename (f->path, "b-0001.jsonl", NULL);
  g_autofree char *early = g_build_filename (f->path, "a-0000.jsonl", NULL);
  g_autoptr(GString) split = g_string_new (NULL);
  int fd;

  drop_file (f, "b-0001.jsonl", 120, 40);
  follow_start (f);
  wait_all_stored (f);

  /* Files appear over time. */
  drop_file (f, "b-0002.jsonl", 200, 50);
  wait_all_stored (f);
  drop_file (f, "b-0003.ndjson", 80, 0);
  drop_file (f, "b-0004.json", 90, 30);
  wait_all_stored (f);

  /* A file grows after it was read. */
  fd = open_append (a);
  write_records (f, fd, 60, 20);
  wait_all_stored (f);

  /* A file that sorts first appears, written slowly, a line cut in two. */
  close (fd);
  fd = open_append (early);
  write_records (f, fd, 10, 0);
  make_records (f, 1, 0, split);
  write_all (fd, split->str, split->len / 2);
  {
    Follow before = *f;

    /* Everything but the cut line. */
    before.ids = g_byte_array_sized_new (f->ids->len);
    g_byte_array_append (before.ids, f->ids->data, f->ids->len - 16);
    g_assert_true (test_wait_for (all_stored_cb, &before, DEADLINE_SECONDS));
    g_byte_array_unref (before.ids);
  }
  let_it_poll ();
  assert_stored_now (f, n_ids (f) - 1, f->rejects);
  write_all (fd, split->str + split->len / 2, split->len - split->len / 2);
  wait_all_stored (f);
  close (fd);

  /* Other names are left alone. */
  {
    g_autofree char *other = g_build_filename (f->path, "notes.txt", NULL);
    g_autoptr(GString) text = test_generate_text (30, 99, 0, FALSE, NULL);

    g_assert_true (g_file_set_contents (other, text->str, (gssize) text->len, NULL));
  }
  drop_file (f, "b-0005.jsonl", 10, 0);
  wait_all_stored (f);

  follow_stop (f);

  /* Started again: nothing read twice, and what came meanwhile is read. */
  drop_file (f, "b-0006.jsonl", 70, 35);
  follow_start (f);
  wait_all_stored (f);
  follow_stop (f);

  assert_exactly_once (f);
  follow_free (f);
}

/* Whether this process holds @path open (as a deleted file). */
static gboolean
holds_deleted (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autofree char *deleted = g_strconcat (path, " (deleted)", NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (g_strcmp0 (target, deleted) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  Follow *f;
  char   *path;
} Released;

static gboolean
released_cb (gpointer user_data)
{
  Released *released = user_data;

  return !holds_deleted (released->path) || test_run_is_done (released->f->run);
}

static void
test_folder_deleted_file (void)
{
  Follow *f = follow_new ("queue", TRUE);
  g_autofree char *done = g_build_filename (f->path, "0001.jsonl", NULL);
  Released released = { f, done };

  drop_file (f, "0001.jsonl", 100, 25);
  drop_file (f, "0002.jsonl", 100, 0);
  follow_start (f);
  wait_all_stored (f);

  /* A file read and then removed (consumed by someone else) is let go:
   * its space is given back once the follower's wait for late lines is
   * over. */
  g_assert_cmpint (g_unlink (done), ==, 0);
  g_assert_true (test_wait_for (released_cb, &released, DEADLINE_SECONDS));
  g_assert_false (test_run_is_done (f->run));

  /* A new file under the same name is a new file. */
  drop_file (f, "0001.jsonl", 50, 10);
  wait_all_stored (f);
  follow_stop (f);

  assert_exactly_once (f);
  follow_free (f);
}

/* ---------------------------------------------------------------------- */
/* a backlog                                                              */

#define BACKLOG_LINES 30000

/* The engine reported every row as loaded: its metrics follow the
 * commit that stored them. */
static gboolean
all_reported_cb (gpointer user_data)
{
  Follow *f = user_data;
  DpsEngineMetrics m;

  dps_engine_get_metrics (f->engine, &m);
  return m.rows_loaded >= n_ids (f);
}

/* While the sink waits for the database's write lock, waits until the
 * source stops reading for want of room: the lines read stand still for
 * 300 ms, with some held. Returns the most lines read and not committed
 * seen meanwhile, beyond @committed; *out_held is the last. */
static gint64
wait_reading_stops (Follow *f,
                    gint64  committed,
                    gint64 *out_held)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;
  gint64 last_read = -1, last_change = 0, held = 0, max_held = 0;

  while (g_get_monotonic_time () < deadline)
    {
      gint64 now = g_get_monotonic_time ();
      DpsEngineMetrics m;

      dps_engine_get_metrics (f->engine, &m);
      held = m.rows_read - committed;
      max_held = MAX (max_held, held);
      if (m.rows_read != last_read)
        {
          last_read = m.rows_read;
          last_change = now;
        }
      else if (held > 0 && now - last_change > 300 * 1000)
        break;
      g_usleep (2000);
    }
  *out_held = held;
  return max_held;
}

/* Follows @f with the backlog tests' options (@backlog_rows written at
 * once where SQLite prefers large writes), until 1,000 rows are stored
 * and reported, in two writes committed each; then holds the database's
 * write lock from a connection of its own, which it returns. */
static sqlite3 *
follow_then_lock (Follow           *f,
                  int               fd,
                  DpsEngineOptions *options,
                  guint             backlog_rows,
                  gint64            key_order_rows)
{
  g_autofree char *db_path = g_build_filename (f->dir, "test.db", NULL);
  sqlite3 *lock = NULL;

  test_engine_options (options, 2);
  options->batch_rows = 1000;
  options->chunk_lines = 250;
  options->queue_chunks = 4;
  options->backlog_rows = backlog_rows;
  options->batch_interval_ms = 30;

  dps_sqlite_repository_set_key_order_rows (f->repository, key_order_rows);
  follow_start_with (f, options);
  /* Two writes, each committed: the second sees the first's 500 rows. */
  for (guint i = 0; i < 2; i++)
    {
      write_records (f, fd, 500, 0);
      wait_all_stored (f);
      g_assert_true (test_wait_for (all_reported_cb, f, DEADLINE_SECONDS));
    }

  g_assert_cmpint (sqlite3_open (db_path, &lock), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  return lock;
}

/* Follows a file while another connection holds the database's write
 * lock, so that parsed rows pile up behind the sink; returns how many
 * writes stored the 30,000 lines once the lock was let go. The engine
 * holds fewer lines than that (the pending batch, the queues, the
 * parsers' chunks): the source waits for room. SQLite puts a write in
 * key order when @key_order_rows rows were stored as it began, and
 * prefers large writes from the commit after the first such write: with
 * 0 or 500, before the lock is taken; the engine only then gives room
 * for a backlog. */
static gint64
writes_after_backlog (guint  backlog_rows,
                      gint64 key_order_rows)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  DpsEngineOptions options;
  DpsEngineMetrics m;
  gint64 before, committed, held;
  int fd = open_append (f->path);
  sqlite3 *lock = follow_then_lock (f, fd, &options, backlog_rows, key_order_rows);

  dps_engine_get_metrics (f->engine, &m);
  before = m.batches;
  committed = test_committed_lines (&m);

  write_records (f, fd, BACKLOG_LINES, 0);
  wait_reading_stops (f, committed, &held);
  dps_engine_get_metrics (f->engine, &m);
  if (key_order_rows <= 500)
    /* The sink waits for the lock; the parsers fill what it writes next:
     * a batch and a backlog fit in the room. */
    g_assert_cmpint (held, >=, options.batch_rows + backlog_rows);
  else
    /* Larger writes do not pay yet: no room for a backlog, only for the
     * queues, the parsers' chunks, the batch being written and one
     * parsed behind it. */
    g_assert_cmpint (held, <=, test_in_flight_bound (&options));
  g_assert_cmpint (m.rows_read, <, n_ids (f));
  g_assert_cmpint (sqlite3_exec (lock, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (lock);

  wait_all_stored (f);
  g_assert_true (test_wait_for (all_reported_cb, f, DEADLINE_SECONDS));
  dps_engine_get_metrics (f->engine, &m);
  follow_stop (f);
  g_assert_cmpint (close (fd), ==, 0);
  assert_exactly_once (f);
  follow_free (f);
  g_test_message ("backlog_rows %u: %" G_GINT64_FORMAT " writes", backlog_rows, m.batches - before);
  return m.batches - before;
}

static void
test_backlog (void)
{
  /* Each batch alone: 1,000 rows (plus at most a chunk) a write. */
  g_assert_cmpint (writes_after_backlog (1000, 0), >=, BACKLOG_LINES / 1250);
  /* A small database, whose writes do not go in key order: the same. */
  g_assert_cmpint (writes_after_backlog (12000, G_MAXINT64), >=, BACKLOG_LINES / 1250);
  /* Together, as in a large database, once 500 rows are stored: the
   * write that waited for the lock (a batch at least), then at least
   * 12,000 of the rows parsed meanwhile in one write, then, at worst,
   * the rest a batch at a time. */
  g_assert_cmpint (writes_after_backlog (12000, 500), <=, 1 + 1 + (BACKLOG_LINES - 1000 - 12000) / 1000);
}

/* While the sink waits for the lock with a backlog gathered into one
 * write, the source reads no further than the engine's room: the write's
 * own chunks count against it, so a larger write means less read ahead,
 * not more memory. */
static void
test_backlog_room (void)
{
  Follow *f = follow_new ("live.jsonl", FALSE);
  DpsEngineOptions options;
  DpsEngineMetrics m;
  gint64 committed, held, max_held, room;
  int fd = open_append (f->path);
  /* Writes gathered from the start, as in a large database. */
  sqlite3 *lock = follow_then_lock (f, fd, &options, 12000, 0);

  dps_engine_get_metrics (f->engine, &m);
  committed = test_committed_lines (&m);
  room = (gint64) (m.raw_queue_capacity + m.parsed_queue_capacity + options.transform_threads +
                   test_chunks_for (&options, options.batch_rows)) * options.chunk_lines;

  /* More than the room: the source stops reading once it is taken, and
   * nothing is committed while the lock is held. Sampled until the
   * reading has stood still for a while. */
  write_records (f, fd, BACKLOG_LINES, 0);
  max_held = wait_reading_stops (f, committed, &held);
  dps_engine_get_metrics (f->engine, &m);
  g_test_message ("lines held while the sink waited: at most %" G_GINT64_FORMAT ", room %" G_GINT64_FORMAT,
                  max_held, room);
  g_assert_cmpint (max_held, <=, room);
  /* The source was held back by the room, not short of lines. */
  g_assert_cmpint (held, >, options.batch_rows);
  g_assert_cmpint (m.rows_read, <, n_ids (f));

  g_assert_cmpint (sqlite3_exec (lock, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (lock);
  wait_all_stored (f);
  follow_stop (f);
  g_assert_cmpint (close (fd), ==, 0);
  assert_exactly_once (f);
  follow_free (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dps/follow/bursts", test_bursts);
  g_test_add_func ("/dps/follow/partial-lines", test_partial_lines);
  g_test_add_func ("/dps/follow/truncate", test_truncate);
  g_test_add_func ("/dps/follow/rotate", test_rotate);
  g_test_add_func ("/dps/follow/replaced-while-stopped", test_replaced_while_stopped);
  g_test_add_func ("/dps/follow/folder", test_folder);
  g_test_add_func ("/dps/follow/folder-deleted-file", test_folder_deleted_file);
  g_test_add_func ("/dps/follow/backlog", test_backlog);
  g_test_add_func ("/dps/follow/backlog-room", test_backlog_room);

  return g_test_run ();
}
