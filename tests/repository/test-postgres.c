/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What only PostgreSQL does: a server that goes away while loading, a
 * COMMIT whose answer is lost, passwords and connection errors, the
 * original project's SQL on the views and daily_summary. Runs under
 * build-aux/pg-throwaway, which exports PGHOST, PGPORT, PGDATA,
 * DPS_TEST_PG_URI, DPS_TEST_PG_PASSWORD and DPS_TEST_PG_CTL. */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dps-core.h"
#include "dps-postgres-repository.h"

/* 2026-11-02T00:00:00Z. */
#define START (G_GINT64_CONSTANT (1793577600) * DPS_USEC_PER_SECOND)

static guint schema_counter;

static PGconn *
pg_connect (const char *uri)
{
  PGconn *conn = PQconnectdb (uri);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test server: %s", PQerrorMessage (conn));
  return conn;
}

static void
pg_exec (PGconn     *conn,
         const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}

/* One row, one column. */
static char *
pg_value (PGconn     *conn,
          const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  char *value;

  if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  return value;
}

static gint64
pg_int (PGconn     *conn,
        const char *sql)
{
  g_autofree char *value = pg_value (conn, sql);

  return g_ascii_strtoll (value, NULL, 10);
}

/* "123.45" → 12345. */
static gint64
numeric_cents (const char *text)
{
  const char *dot = strchr (text, '.');
  gint64 units = g_ascii_strtoll (text, NULL, 10);
  gint64 cents = 0;

  if (dot != NULL)
    cents = (dot[1] - '0') * 10 + (dot[2] != '\0' ? dot[2] - '0' : 0);
  return units * 100 + (text[0] == '-' ? -cents : cents);
}

/* A fresh schema; returns the URI of the test database using it. */
static char *
new_schema (char **out_name)
{
  const char *base = g_getenv ("DPS_TEST_PG_URI");
  g_autofree char *name = g_strdup_printf ("srv_%d_%u", (int) getpid (), ++schema_counter);
  g_autofree char *sql = g_strdup_printf ("CREATE SCHEMA %s", name);
  PGconn *conn = pg_connect (base);

  pg_exec (conn, sql);
  PQfinish (conn);
  if (out_name != NULL)
    *out_name = g_strdup (name);
  return g_strdup_printf ("%s?options=-csearch_path%%3D%s", base, name);
}

static DpsRepository *
open_repo (const char *uri)
{
  g_autoptr(GError) error = NULL;
  DpsRepository *repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  return repo;
}

/* Generated lines into a file; the manifest says what they hold. */
static char *
write_lines (guint64               seed,
             guint64               rows,
             double                dirty,
             DpsGeneratorManifest *manifest)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dps-pg-XXXXXX", &error);
  char *path = g_build_filename (dir, "transactions.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(DpsGenerator) generator = NULL;
  DpsGeneratorOptions options;

  g_assert_no_error (error);
  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = START;
  options.days = 14;
  options.dirty_ratio = dirty;
  generator = dps_generator_new (&options);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 1 << 20);
  g_assert_true (dps_generator_write (generator, buffered, 0, NULL, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (buffered, NULL, &error));
  g_assert_no_error (error);
  *manifest = *dps_generator_get_manifest (generator);
  return path;
}

static void
remove_lines (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* ---------------------------------------------------------------------- */
/* passwords and connection errors                                        */

static void
assert_no_secret (const char *text,
                  const char *secret)
{
  if (text != NULL && strstr (text, secret) != NULL)
    g_error ("“%s” shows the password", text);
}

static void
test_errors (void)
{
  const char *port = g_getenv ("PGPORT");
  const char *password = g_getenv ("DPS_TEST_PG_PASSWORD");
  const char *secret = "Sekr3t-Wr0ng-pw";
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repo = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *pgpass_dir = NULL;
  g_autofree char *pgpass = NULL;
  g_autofree char *expected_name = g_strdup_printf ("127.0.0.1:%s/dps", port);
  DpsRepositoryInfo info;

  g_assert_nonnull (password);
  g_setenv ("PGPASSFILE", "/nonexistent/pgpass", TRUE);
  g_unsetenv ("PGPASSWORD");

  /* A wrong password: refused at once, not worth retrying. */
  uri = g_strdup_printf ("host=127.0.0.1 port=%s user=postgres password=%s dbname=dps", port, secret);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_null (repo);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_AUTH);
  g_assert_false (dps_repository_error_is_transient (error));
  assert_no_secret (error->message, secret);
  g_assert_nonnull (strstr (error->message, expected_name));
  g_test_message ("wrong password: %s", error->message);
  g_clear_error (&error);
  g_free (uri);

  /* The same in a URI. */
  uri = g_strdup_printf ("postgresql://postgres:%s@127.0.0.1:%s/dps", secret, port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_AUTH);
  assert_no_secret (error->message, secret);
  g_clear_error (&error);
  g_free (uri);

  /* No password at all where one is needed. */
  uri = g_strdup_printf ("host=127.0.0.1 port=%s user=postgres dbname=dps", port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_AUTH);
  g_test_message ("no password: %s", error->message);
  g_clear_error (&error);

  /* A missing database. */
  g_clear_pointer (&uri, g_free);
  uri = g_strdup_printf ("%s_missing", g_getenv ("DPS_TEST_PG_URI"));
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND);
  g_assert_false (dps_repository_error_is_transient (error));
  g_test_message ("missing database: %s", error->message);
  g_clear_error (&error);
  g_free (uri);

  /* A missing database named next to the right password. */
  uri = g_strdup_printf ("postgresql://postgres:%s@127.0.0.1:%s/nowhere", password, port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND);
  assert_no_secret (error->message, password);
  g_clear_error (&error);
  g_free (uri);

  /* Nobody listening: a connection error, worth retrying. */
  uri = g_strdup ("host=127.0.0.1 port=1 dbname=dps connect_timeout=3");
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION);
  g_assert_true (dps_repository_error_is_transient (error));
  g_clear_error (&error);
  g_free (uri);

  /* Not an address; its password is not shown either. */
  uri = g_strdup_printf ("postgresql://postgres:%s@127.0.0.1:%s/dps?no_such_option=1", secret, port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_INVALID_URI);
  assert_no_secret (error->message, secret);
  g_clear_error (&error);
  g_free (uri);

  /* The right password from PGPASSWORD… */
  g_setenv ("PGPASSWORD", password, TRUE);
  uri = g_strdup_printf ("host=127.0.0.1 port=%s user=postgres dbname=dps", port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dps_repository_get_display_name (repo), ==, expected_name);
  g_clear_object (&repo);
  g_unsetenv ("PGPASSWORD");

  /* …from a password file… */
  pgpass_dir = g_dir_make_tmp ("dps-pgpass-XXXXXX", NULL);
  pgpass = g_build_filename (pgpass_dir, "pgpass", NULL);
  {
    g_autofree char *line = g_strdup_printf ("127.0.0.1:%s:*:postgres:%s\n", port, password);

    g_assert_true (g_file_set_contents (pgpass, line, -1, NULL));
    g_chmod (pgpass, 0600);
  }
  g_setenv ("PGPASSFILE", pgpass, TRUE);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&repo);
  g_setenv ("PGPASSFILE", "/nonexistent/pgpass", TRUE);
  g_unlink (pgpass);
  g_rmdir (pgpass_dir);
  g_free (uri);

  /* A conninfo string in any order of keywords, with a socket folder. */
  uri = g_strdup_printf ("user=postgres host=%s port=%s dbname=dps", g_getenv ("PGHOST"), port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *local_name = g_strdup_printf ("localhost:%s/dps", port);
    g_assert_cmpstr (dps_repository_get_display_name (repo), ==, local_name);
  }
  g_clear_object (&repo);
  g_free (uri);

  /* …or from the URI, shown nowhere. */
  uri = g_strdup_printf ("postgresql://postgres:%s@127.0.0.1:%s/dps", password, port);
  repo = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dps_repository_get_display_name (repo), ==, expected_name);
  g_assert_true (dps_repository_get_info (repo, &info, &error));
  assert_no_secret (info.location, password);
  assert_no_secret (info.display_name, password);
  g_assert_cmpstr (info.backend, ==, "PostgreSQL");
  dps_repository_info_clear (&info);
  g_clear_object (&repo);
  g_unsetenv ("PGPASSFILE");
}

/* ---------------------------------------------------------------------- */
/* the server goes away                                                   */

static void
pg_ctl (const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (g_getenv ("PGDATA"));
  g_autofree char *log = g_build_filename (folder, "server.log", NULL);
  const char *argv[] = { g_getenv ("DPS_TEST_PG_CTL"), action, "-D", g_getenv ("PGDATA"),
                         "-m", "fast", "-w", "-t", "60", "-l", log, NULL };
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Batches of generated lines, as the engine would make them. */
static GPtrArray *
make_batches (DpsRepository *repo,
              guint64        seed,
              guint          rows,
              guint          batch_rows,
              guint64       *out_distinct)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_batch_free);
  g_autoptr(DpsGenerator) generator = NULL;
  DpsGeneratorOptions options;
  DpsBatch *batch = NULL;
  guint32 source_id;
  gint64 offset = 0;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.start = START;
  options.days = 7;
  options.dirty_ratio = 0.05;
  generator = dps_generator_new (&options);
  dps_repository_ensure_source (repo, "file:/data/batches.jsonl", &source_id, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < rows; i++)
    {
      DpsTransaction tx = { 0 };
      DpsReject reject = { 0 };
      DpsPosition position = { source_id, -1, offset, (gint64) i + 1 };

      if (batch == NULL)
        batch = dps_batch_new ();
      g_string_truncate (line, 0);
      dps_generator_next (generator, line, NULL);
      dps_reject_clear (&reject);
      if (dps_record_parser_parse (parser, line->str, line->len, line->len, &tx, &reject))
        {
          g_hash_table_add (ids, g_bytes_new (tx.id, 16));
          dps_batch_take_row (batch, &tx, &position);
        }
      else
        {
          reject.position = position;
          dps_batch_take_reject (batch, &reject);
        }
      offset += (gint64) line->len + 1;
      if ((i + 1) % batch_rows == 0 || i + 1 == rows)
        {
          g_autoptr(DpsCheckpoint) cp = dps_checkpoint_new ("file:/data/batches.jsonl", -1);

          cp->offset = offset;
          cp->line = (gint64) i + 1;
          dps_batch_set_checkpoint (batch, cp);
          g_ptr_array_add (batches, g_steal_pointer (&batch));
        }
    }
  *out_distinct = g_hash_table_size (ids);
  return batches;
}

/* write_batch on a server that restarted, then on one that is down. */
static void
test_server_restart_batch (void)
{
  g_autofree char *uri = new_schema (NULL);
  g_autoptr(DpsRepository) repo = open_repo (uri);
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(DpsRunRecord) run = dps_run_record_new ("import", "/data/batches.jsonl");
  g_autoptr(GPtrArray) runs = NULL;
  DpsBatchResult result, total = { 0 };
  guint64 distinct = 0;
  DpsKpis kpis;

  batches = make_batches (repo, 31, 3000, 1000, &distinct);
  g_assert_true (dps_repository_begin_run (repo, run, &error));
  for (guint i = 0; i < batches->len; i++)
    ((DpsBatch *) batches->pdata[i])->run_id = run->id;

  g_assert_true (dps_repository_write_batch (repo, batches->pdata[0], &result, NULL, &error));
  g_assert_no_error (error);
  dps_batch_result_add (&total, &result);

  /* The connection died with the server: a transient error, nothing
   * written; the next call connects again. */
  pg_ctl ("restart");
  g_assert_false (dps_repository_write_batch (repo, batches->pdata[1], &result, NULL, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION);
  g_assert_true (dps_repository_error_is_transient (error));
  g_assert_cmpuint (result.loaded, ==, 0);
  g_clear_error (&error);
  g_assert_true (dps_repository_write_batch (repo, batches->pdata[1], &result, NULL, &error));
  g_assert_no_error (error);
  dps_batch_result_add (&total, &result);

  /* A server that is down: connection errors until it is back. */
  pg_ctl ("stop");
  g_assert_false (dps_repository_write_batch (repo, batches->pdata[2], &result, NULL, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION);
  g_clear_error (&error);
  g_assert_false (dps_repository_query_kpis (repo, everything, &kpis, NULL, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION);
  g_clear_error (&error);
  pg_ctl ("start");
  g_assert_true (dps_repository_write_batch (repo, batches->pdata[2], &result, NULL, &error));
  g_assert_no_error (error);
  dps_batch_result_add (&total, &result);

  /* Everything once. */
  g_assert_cmpuint (total.loaded, ==, distinct);
  g_assert_true (dps_repository_query_kpis (repo, everything, &kpis, NULL, &error));
  g_assert_cmpint (kpis.total.count, ==, (gint64) distinct);
  g_assert_cmpint (kpis.duplicates, ==, (gint64) total.duplicates);
  runs = dps_repository_list_runs (repo, 1, &error);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->rows_loaded, ==, (gint64) distinct);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->rows_duplicate, ==, (gint64) total.duplicates);
}

/* ---------------------------------------------------------------------- */
/* a COMMIT whose answer is lost                                          */

/* A TCP proxy in front of the server that can cut a connection right
 * after the server committed, before the client hears of it (or right
 * before the COMMIT reaches the server). */
typedef enum {
  CUT_NONE,
  CUT_AFTER_COMMIT,
  CUT_BEFORE_COMMIT,
} CutMode;

typedef struct {
  int       listen_fd;
  int       port;
  int       target_port;
  gint      cut;          /* CutMode for the next COMMIT, atomic */
  gint      cuts;         /* connections cut, atomic */
  gint      stop;
  GThread  *thread;
} Proxy;

typedef struct {
  Proxy      *proxy;
  int         client;
  int         server;
} ProxyLink;

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         size)
{
  while (size > 0)
    {
      ssize_t n = send (fd, data, size, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static guint32
frame_length (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gpointer
proxy_link_thread (gpointer data)
{
  ProxyLink *link = data;
  g_autoptr(GByteArray) from_client = g_byte_array_new ();
  g_autoptr(GByteArray) from_server = g_byte_array_new ();
  gboolean started = FALSE, commit_sent = FALSE, open = TRUE;
  CutMode mode = CUT_NONE;

  while (open && !g_atomic_int_get (&link->proxy->stop))
    {
      struct pollfd fds[2] = { { link->client, POLLIN, 0 }, { link->server, POLLIN, 0 } };
      guint8 buffer[65536];

      if (poll (fds, 2, 100) <= 0)
        continue;
      for (int side = 0; side < 2 && open; side++)
        {
          GByteArray *pending = side == 0 ? from_client : from_server;
          ssize_t n;

          if ((fds[side].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            continue;
          n = recv (side == 0 ? link->client : link->server, buffer, sizeof buffer, 0);
          if (n <= 0)
            {
              open = FALSE;
              break;
            }
          g_byte_array_append (pending, buffer, (guint) n);

          /* Whole protocol frames only. */
          for (;;)
            {
              gsize header = side == 0 && !started ? 0 : 1;
              guint32 length;
              gsize size;

              if (pending->len < header + 4)
                break;
              length = frame_length (pending->data + header);
              size = header + length;
              if (pending->len < size)
                break;

              if (side == 0)
                {
                  started = TRUE;
                  if (header == 1 && pending->data[0] == 'Q' && length == 4 + 7 &&
                      memcmp (pending->data + 5, "COMMIT", 7) == 0)
                    {
                      mode = (CutMode) g_atomic_int_and ((guint *) &link->proxy->cut, 0);
                      if (mode == CUT_BEFORE_COMMIT)
                        {
                          g_atomic_int_inc (&link->proxy->cuts);
                          open = FALSE;
                          break;
                        }
                      commit_sent = mode == CUT_AFTER_COMMIT;
                    }
                  if (!write_all (link->server, pending->data, size))
                    open = FALSE;
                }
              else
                {
                  /* The server said it committed: the client never hears it. */
                  if (commit_sent && pending->data[0] == 'C')
                    {
                      g_atomic_int_inc (&link->proxy->cuts);
                      open = FALSE;
                      break;
                    }
                  if (!write_all (link->client, pending->data, size))
                    open = FALSE;
                }
              g_byte_array_remove_range (pending, 0, (guint) size);
            }
        }
    }
  close (link->client);
  close (link->server);
  g_free (link);
  return NULL;
}

static gpointer
proxy_thread (gpointer data)
{
  Proxy *proxy = data;

  while (!g_atomic_int_get (&proxy->stop))
    {
      struct pollfd pfd = { proxy->listen_fd, POLLIN, 0 };
      struct sockaddr_in address = { 0 };
      ProxyLink *link;
      int client, server;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      client = accept (proxy->listen_fd, NULL, NULL);
      if (client < 0)
        continue;
      server = socket (AF_INET, SOCK_STREAM, 0);
      address.sin_family = AF_INET;
      address.sin_port = htons ((guint16) proxy->target_port);
      address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      if (connect (server, (struct sockaddr *) &address, sizeof address) != 0)
        {
          close (client);
          close (server);
          continue;
        }
      link = g_new0 (ProxyLink, 1);
      link->proxy = proxy;
      link->client = client;
      link->server = server;
      g_thread_unref (g_thread_new ("proxy-link", proxy_link_thread, link));
    }
  return NULL;
}

static void
proxy_start (Proxy *proxy,
             int    target_port)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;

  memset (proxy, 0, sizeof *proxy);
  proxy->target_port = target_port;
  proxy->listen_fd = socket (AF_INET, SOCK_STREAM, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (proxy->listen_fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (proxy->listen_fd, 16), ==, 0);
  g_assert_cmpint (getsockname (proxy->listen_fd, (struct sockaddr *) &address, &length), ==, 0);
  proxy->port = ntohs (address.sin_port);
  proxy->thread = g_thread_new ("proxy", proxy_thread, proxy);
}

static void
proxy_stop (Proxy *proxy)
{
  g_atomic_int_set (&proxy->stop, 1);
  g_thread_join (proxy->thread);
  close (proxy->listen_fd);
}

static void
test_lost_commit_answer (void)
{
  g_autofree char *schema = NULL;
  g_autofree char *admin_uri = new_schema (&schema);
  g_autofree char *uri = NULL;
  g_autoptr(DpsRepository) repo = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run = dps_run_record_new ("import", "/data/batches.jsonl");
  DpsBatchResult result, total = { 0 };
  guint64 distinct = 0;
  gint64 stored_after_cut;
  PGconn *admin;
  Proxy proxy;

  proxy_start (&proxy, atoi (g_getenv ("PGPORT")));
  uri = g_strdup_printf ("host=127.0.0.1 port=%d user=postgres password=%s dbname=dps "
                         "sslmode=disable gssencmode=disable options='-csearch_path=%s'",
                         proxy.port, g_getenv ("DPS_TEST_PG_PASSWORD"), schema);
  repo = open_repo (uri);
  admin = pg_connect (admin_uri);

  batches = make_batches (repo, 32, 4000, 1000, &distinct);
  g_assert_true (dps_repository_begin_run (repo, run, &error));
  for (guint i = 0; i < batches->len; i++)
    ((DpsBatch *) batches->pdata[i])->run_id = run->id;

  g_assert_true (dps_repository_write_batch (repo, batches->pdata[0], &result, NULL, &error));
  dps_batch_result_add (&total, &result);

  /* The server commits batch 1 but the answer never comes. */
  g_atomic_int_set (&proxy.cut, CUT_AFTER_COMMIT);
  g_assert_false (dps_repository_write_batch (repo, batches->pdata[1], &result, NULL, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION);
  g_clear_error (&error);
  g_assert_cmpint (g_atomic_int_get (&proxy.cuts), ==, 1);
  stored_after_cut = pg_int (admin, "SELECT count(*) FROM transactions");
  g_assert_cmpint (stored_after_cut, >, (gint64) total.loaded);

  /* Written again (the engine's retry): found committed, not doubled,
   * and its result is the one committed. */
  g_assert_true (dps_repository_write_batch (repo, batches->pdata[1], &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total.loaded + result.loaded, ==, (guint64) stored_after_cut);
  g_assert_cmpuint (result.rejected, ==, dps_batch_get_n_rejects (batches->pdata[1]));
  dps_batch_result_add (&total, &result);

  /* The connection is cut before the COMMIT reaches the server: nothing
   * of batch 2 stays, and writing it again stores it once. */
  g_atomic_int_set (&proxy.cut, CUT_BEFORE_COMMIT);
  g_assert_false (dps_repository_write_batch (repo, batches->pdata[2], &result, NULL, &error));
  g_assert_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION);
  g_clear_error (&error);
  g_assert_cmpint (g_atomic_int_get (&proxy.cuts), ==, 2);
  g_assert_true (dps_repository_write_batch (repo, batches->pdata[2], &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.loaded, >, 0);
  dps_batch_result_add (&total, &result);

  g_assert_true (dps_repository_write_batch (repo, batches->pdata[3], &result, NULL, &error));
  dps_batch_result_add (&total, &result);

  g_assert_cmpuint (total.loaded, ==, distinct);
  g_assert_cmpint (pg_int (admin, "SELECT count(*) FROM transactions"), ==, (gint64) distinct);
  g_assert_cmpint (pg_int (admin, "SELECT coalesce(sum(arrivals - 1), 0) FROM duplicate_transactions"),
                   ==, (gint64) total.duplicates);
  g_assert_cmpint (pg_int (admin, "SELECT sum(tx_count) FROM rollup_daily"), ==, (gint64) distinct);
  runs = dps_repository_list_runs (repo, 1, &error);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->rows_loaded, ==, (gint64) distinct);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->rows_duplicate, ==, (gint64) total.duplicates);
  g_assert_cmpint (((DpsRunRecord *) runs->pdata[0])->rows_rejected, ==, (gint64) total.rejected);

  g_clear_object (&repo);
  PQfinish (admin);
  proxy_stop (&proxy);
}

/* ---------------------------------------------------------------------- */
/* the engine through a restart                                           */

typedef struct {
  DpsEngine *engine;
  GError    *error;
  gboolean   ok;
} EngineRun;

static gpointer
engine_thread (gpointer data)
{
  EngineRun *run = data;

  run->ok = dps_engine_run (run->engine, NULL, &run->error);
  return NULL;
}

static DpsEngine *
new_engine (DpsRepository *repo,
            const char    *path)
{
  g_autoptr(DpsSource) source = dps_file_source_new (path, FALSE, DPS_DEFAULT_MAX_LINE_LENGTH, 100);
  DpsEngineOptions options;

  dps_engine_options_init (&options);
  options.batch_rows = 5000;
  options.max_retries = 40;
  return dps_engine_new (repo, source, &options);
}

typedef struct {
  gint64 rows;
  gint64 cents;
  char  *ids_md5;
  gint64 rejects;
  gint64 duplicates;
} TableDigest;

static void
digest (const char  *uri,
        TableDigest *out)
{
  PGconn *conn = pg_connect (uri);

  out->rows = pg_int (conn, "SELECT count(*) FROM transactions");
  out->cents = pg_int (conn, "SELECT coalesce(sum(amount_cents), 0) FROM transactions");
  out->ids_md5 = pg_value (conn, "SELECT md5(string_agg(tx_uuid::text, ',' ORDER BY tx_uuid)) FROM transactions");
  out->rejects = pg_int (conn, "SELECT count(*) FROM rejected_transactions");
  out->duplicates = pg_int (conn, "SELECT coalesce(sum(arrivals - 1), 0) FROM duplicate_transactions");
  PQfinish (conn);
}

static void
test_engine_restart (void)
{
  DpsGeneratorManifest manifest;
  g_autofree char *path = write_lines (33, 200000, 0.02, &manifest);
  g_autofree char *clean_uri = new_schema (NULL);
  g_autofree char *uri = new_schema (NULL);
  g_autoptr(DpsRepository) clean_repo = open_repo (clean_uri);
  g_autoptr(DpsRepository) repo = open_repo (uri);
  g_autoptr(DpsEngine) clean = new_engine (clean_repo, path);
  g_autoptr(DpsEngine) engine = new_engine (repo, path);
  g_autoptr(DpsRunRecord) clean_run = NULL;
  g_autoptr(DpsRunRecord) run_record = NULL;
  g_autoptr(GError) error = NULL;
  EngineRun run = { engine, NULL, FALSE };
  DpsEngineMetrics metrics;
  TableDigest a, b;
  gboolean restarted = FALSE;
  GThread *thread;

  /* A clean run for reference. */
  g_assert_true (dps_engine_run (clean, NULL, &error));
  g_assert_no_error (error);
  clean_run = dps_engine_dup_run (clean);
  g_assert_cmpint (clean_run->rows_loaded, ==, (gint64) manifest.valid);

  /* The same file while the server restarts under it. */
  thread = g_thread_new ("engine", engine_thread, &run);
  for (;;)
    {
      dps_engine_get_metrics (engine, &metrics);
      if (metrics.state == DPS_ENGINE_STATE_FINISHED || metrics.state == DPS_ENGINE_STATE_FAILED ||
          metrics.state == DPS_ENGINE_STATE_CANCELLED)
        break;
      if (metrics.rows_loaded >= 30000)
        {
          pg_ctl ("restart");
          restarted = TRUE;
          break;
        }
      g_usleep (5000);
    }
  g_thread_join (thread);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_true (restarted);
  dps_engine_get_metrics (engine, &metrics);
  g_test_message ("restart after %" G_GINT64_FORMAT " of %" G_GUINT64_FORMAT " rows; %" G_GINT64_FORMAT
                  " retries", metrics.rows_loaded, manifest.valid, metrics.retries);

  /* The same table as the clean run: ids, sums, rejects, duplicates. */
  digest (clean_uri, &a);
  digest (uri, &b);
  g_assert_cmpint (b.rows, ==, (gint64) manifest.valid);
  g_assert_cmpint (b.rows, ==, a.rows);
  g_assert_cmpint (b.cents, ==, a.cents);
  g_assert_cmpint (b.cents, ==, manifest.valid_amount_cents);
  g_assert_cmpstr (b.ids_md5, ==, a.ids_md5);
  g_assert_cmpint (b.rejects, ==, a.rejects);
  g_assert_cmpint (b.rejects, ==, (gint64) manifest.rejects);
  g_assert_cmpint (b.duplicates, ==, a.duplicates);
  g_assert_cmpint (b.duplicates, ==, (gint64) manifest.duplicates);

  /* The run counted each line once. */
  run_record = dps_engine_dup_run (engine);
  g_assert_cmpint (run_record->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run_record->rows_loaded, ==, clean_run->rows_loaded);
  g_assert_cmpint (run_record->rows_duplicate, ==, clean_run->rows_duplicate);
  g_assert_cmpint (run_record->rows_rejected, ==, clean_run->rows_rejected);
  {
    g_autoptr(GPtrArray) runs = dps_repository_list_runs (repo, 1, &error);
    const DpsRunRecord *stored = runs->pdata[0];

    g_assert_cmpint (stored->rows_loaded, ==, b.rows);
    g_assert_cmpint (stored->rows_rejected, ==, b.rejects);
    g_assert_cmpint (stored->rows_duplicate, ==, b.duplicates);
    g_assert_cmpint (stored->rows_read, ==, (gint64) manifest.lines);
  }

  g_free (a.ids_md5);
  g_free (b.ids_md5);
  g_clear_error (&run.error);
  remove_lines (path);
}

/* ---------------------------------------------------------------------- */
/* the original project's SQL                                             */

typedef struct {
  GPtrArray *lines;   /* "uuid amount merchant" */
} Listing;

static gboolean
list_row_cb (const DpsRow  *row,
             gpointer       user_data,
             GError       **error)
{
  Listing *listing = user_data;
  char id[DPS_UUID_TEXT_LEN + 1];
  g_autofree char *amount = dps_format_cents (row->tx.amount_cents);

  dps_uuid_to_string (row->tx.id, id);
  g_ptr_array_add (listing->lines, g_strdup_printf ("%s %s %s", id, amount, row->tx.merchant));
  return TRUE;
}

static void
test_original_sql (void)
{
  DpsGeneratorManifest manifest;
  g_autofree char *path = write_lines (34, 40000, 0.03, &manifest);
  g_autofree char *uri = new_schema (NULL);
  g_autoptr(DpsRepository) repo = open_repo (uri);
  g_autoptr(DpsEngine) engine = new_engine (repo, path);
  g_autoptr(DpsFilter) everything = dps_filter_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsBreakdown) cities = NULL;
  DpsKpis kpis;
  PGconn *conn;
  PGresult *res;
  guint checked_groups = 0;

  g_assert_true (dps_engine_run (engine, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dps_postgres_repository_refresh_summary (repo, NULL, &error));
  g_assert_no_error (error);
  conn = pg_connect (uri);

  /* The original types. */
  {
    static const char *const expected[][3] = {
      { "transactions_flat", "transaction_id", "uuid" },
      { "transactions_flat", "event_ts", "timestamp with time zone" },
      { "transactions_flat", "event_date", "date" },
      { "transactions_flat", "amount", "numeric(12,2)" },
      { "transactions_flat", "user_id", "bigint" },
      { "transactions_flat", "status", "text" },
      { "raw_transactions", "transaction_id", "uuid" },
      { "raw_transactions", "payload", "jsonb" },
      { "raw_transactions", "ingested_at", "timestamp with time zone" },
      { "daily_summary", "event_date", "date" },
      { "daily_summary", "transaction_count", "bigint" },
      { "daily_summary", "total_amount", "numeric" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                                "WHERE attrelid = '%s'::regclass AND attname = '%s'",
                                                expected[i][0], expected[i][1]);
        g_autofree char *type = pg_value (conn, sql);

        g_assert_cmpstr (type, ==, expected[i][2]);
      }
    g_assert_cmpint (pg_int (conn, "SELECT count(*) FROM pg_matviews WHERE matviewname = 'daily_summary' "
                                   "AND schemaname = current_schema()"), ==, 1);
  }

  /* Counts and sums. */
  g_assert_true (dps_repository_query_kpis (repo, everything, &kpis, NULL, &error));
  res = PQexec (conn, "SELECT count(*), sum(amount), sum(amount) FILTER (WHERE status = 'APPROVED') "
                      "FROM transactions_flat");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10), ==, kpis.total.count);
  g_assert_cmpint (numeric_cents (PQgetvalue (res, 0, 1)), ==, kpis.total.amount_cents);
  g_assert_cmpint (numeric_cents (PQgetvalue (res, 0, 2)), ==, kpis.total.approved_cents);
  g_assert_cmpint (kpis.total.amount_cents, ==, manifest.valid_amount_cents);
  PQclear (res);
  g_assert_cmpint (pg_int (conn, "SELECT sum(transaction_count) FROM daily_summary"), ==, kpis.total.count);

  /* daily_summary, per day, city and category, against the query API. */
  cities = dps_repository_query_breakdown (repo, everything, DPS_DIMENSION_CITY, DPS_DIMENSION_NONE,
                                           DPS_BREAKDOWN_ORDER_KEY, 0, NULL, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < dps_breakdown_get_n_items (cities); c++)
    {
      const char *city = dps_breakdown_get_item (cities, c)->key;
      const char *values[] = { city, NULL };
      const char *params[] = { city };
      g_autoptr(DpsFilter) filter = dps_filter_new ();
      g_autoptr(DpsBreakdown) answer = NULL;

      dps_filter_set_cities (filter, values);
      answer = dps_repository_query_breakdown (repo, filter, DPS_DIMENSION_DAY, DPS_DIMENSION_CATEGORY,
                                               DPS_BREAKDOWN_ORDER_KEY, 0, NULL, &error);
      g_assert_no_error (error);
      res = PQexecParams (conn,
                          "SELECT to_char(event_date, 'YYYY-MM-DD'), category, transaction_count, "
                          "total_amount, approved_amount FROM daily_summary WHERE city = $1 "
                          "ORDER BY event_date, category COLLATE \"C\"", 1, NULL, params, NULL, NULL, 0);
      g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
      g_assert_cmpuint ((guint) PQntuples (res), ==, dps_breakdown_get_n_items (answer));
      for (int r = 0; r < PQntuples (res); r++)
        {
          const DpsBreakdownItem *item = dps_breakdown_get_item (answer, (guint) r);

          g_assert_cmpstr (PQgetvalue (res, r, 0), ==, item->key);
          g_assert_cmpstr (PQgetvalue (res, r, 1), ==, item->key2);
          g_assert_cmpint (g_ascii_strtoll (PQgetvalue (res, r, 2), NULL, 10), ==, item->agg.count);
          g_assert_cmpint (numeric_cents (PQgetvalue (res, r, 3)), ==, item->agg.amount_cents);
          g_assert_cmpint (numeric_cents (PQgetvalue (res, r, 4)), ==, item->agg.approved_cents);
          checked_groups++;
        }
      PQclear (res);
    }
  g_assert_cmpuint (checked_groups, ==, pg_int (conn, "SELECT count(*) FROM daily_summary"));

  /* A filtered listing from transactions_flat, as the original dashboard
   * read it, against foreach_row. */
  {
    g_autoptr(DpsFilter) filter = dps_filter_new ();
    g_autoptr(DpsBreakdown) categories = dps_repository_query_breakdown (repo, everything, DPS_DIMENSION_CATEGORY,
                                                                         DPS_DIMENSION_NONE,
                                                                         DPS_BREAKDOWN_ORDER_COUNT_DESC, 1, NULL, &error);
    const char *category = dps_breakdown_get_item (categories, 0)->key;
    const char *city = dps_breakdown_get_item (cities, 0)->key;
    const char *cat_values[] = { category, NULL };
    const char *city_values[] = { city, NULL };
    gint64 from = START + 2 * DPS_USEC_PER_DAY + 3600 * DPS_USEC_PER_SECOND;
    gint64 to = from + 5 * DPS_USEC_PER_DAY;
    g_autofree char *from_text = dps_format_timestamp (from);
    g_autofree char *to_text = dps_format_timestamp (to);
    const char *params[] = { category, city, from_text, to_text };
    DpsSort sort = { DPS_SORT_TRANSACTION_ID, FALSE };
    Listing listing = { g_ptr_array_new_with_free_func (g_free) };

    dps_filter_set_categories (filter, cat_values);
    dps_filter_set_cities (filter, city_values);
    dps_filter_set_period (filter, from, to);
    g_assert_true (dps_repository_foreach_row (repo, filter, &sort, list_row_cb, &listing, NULL, &error));
    g_assert_cmpuint (listing.lines->len, >, 10);

    res = PQexecParams (conn,
                        "SELECT transaction_id::text || ' ' || amount::text || ' ' || merchant "
                        "FROM transactions_flat WHERE category = $1 AND city = $2 "
                        "AND event_ts >= $3::timestamptz AND event_ts < $4::timestamptz "
                        "ORDER BY transaction_id", 4, NULL, params, NULL, NULL, 0);
    g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
    g_assert_cmpuint ((guint) PQntuples (res), ==, listing.lines->len);
    for (int r = 0; r < PQntuples (res); r++)
      g_assert_cmpstr (PQgetvalue (res, r, 0), ==, listing.lines->pdata[r]);
    PQclear (res);
    g_ptr_array_unref (listing.lines);
  }

  /* raw_transactions: the payload as JSONB, matching the flat columns. */
  g_assert_cmpint (pg_int (conn, "SELECT count(*) FROM raw_transactions r JOIN transactions_flat f "
                                 "USING (transaction_id) WHERE r.payload->>'merchant' IS DISTINCT FROM f.merchant "
                                 "OR (r.payload->>'amount')::numeric(12,2) <> f.amount"), ==, 0);
  g_assert_cmpint (pg_int (conn, "SELECT count(*) FROM raw_transactions"), ==, kpis.total.count);
  g_assert_cmpint (pg_int (conn, "SELECT count(DISTINCT event_dayofweek) FROM transactions_flat "
                                 "WHERE event_dayofweek IN ('Monday', 'Tuesday', 'Wednesday', "
                                 "'Thursday', 'Friday', 'Saturday', 'Sunday')"), ==, 7);
  /* The original refresh helper works. */
  pg_exec (conn, "SELECT refresh_daily_summary()");

  PQfinish (conn);
  remove_lines (path);
}

/* daily_summary follows the loads by itself. */
static void
test_summary_refresh (void)
{
  g_autofree char *uri = new_schema (NULL);
  g_autoptr(DpsRepository) repo = open_repo (uri);
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRunRecord) run = dps_run_record_new ("import", "/data/batches.jsonl");
  DpsBatchResult result, total = { 0 };
  guint64 distinct = 0;
  guint interval = 0;
  PGconn *conn = pg_connect (uri);
  gint64 deadline;

  g_assert_cmpuint (dps_postgres_repository_get_refresh_interval (repo), ==,
                    DPS_POSTGRES_DEFAULT_REFRESH_INTERVAL);
  g_object_set (repo, "refresh-interval", 1u, NULL);
  g_object_get (repo, "refresh-interval", &interval, NULL);
  g_assert_cmpuint (interval, ==, 1);

  batches = make_batches (repo, 35, 3000, 1000, &distinct);
  g_assert_true (dps_repository_begin_run (repo, run, &error));
  for (guint i = 0; i < batches->len; i++)
    {
      ((DpsBatch *) batches->pdata[i])->run_id = run->id;
      g_assert_true (dps_repository_write_batch (repo, batches->pdata[i], &result, NULL, &error));
      dps_batch_result_add (&total, &result);
    }
  run->status = DPS_RUN_STATUS_SUCCEEDED;
  run->finished_at = g_get_real_time ();
  g_assert_true (dps_repository_update_run (repo, run, &error));

  /* Refreshed on its own connection, without another call. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (pg_int (conn, "SELECT coalesce(sum(transaction_count), 0) FROM daily_summary") != (gint64) distinct)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
  PQfinish (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DPS_TEST_PG_URI") == NULL || g_getenv ("DPS_TEST_PG_CTL") == NULL)
    {
      g_printerr ("Run under build-aux/pg-throwaway\n");
      return 77;
    }

  g_test_add_func ("/dps/postgres/errors", test_errors);
  g_test_add_func ("/dps/postgres/server-restart-batch", test_server_restart_batch);
  g_test_add_func ("/dps/postgres/lost-commit-answer", test_lost_commit_answer);
  g_test_add_func ("/dps/postgres/engine-restart", test_engine_restart);
  g_test_add_func ("/dps/postgres/original-sql", test_original_sql);
  g_test_add_func ("/dps/postgres/summary-refresh", test_summary_refresh);

  return g_test_run ();
}
