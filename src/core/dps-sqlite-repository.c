/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-sqlite"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "dps-repository-private.h"
#include "dps-breakdown-builder.h"
#include "dps-rollup.h"
#include "dps-rollup-accumulator.h"
#include "dps-sql-builder.h"
#include "dps-key-order.h"
#include "dps-sqlite-repository.h"
#include "dps-sqlite-schema.h"
#include "dps-transaction-json.h"

G_DECLARE_FINAL_TYPE (DpsSqliteRepository, dps_sqlite_repository, DPS, SQLITE_REPOSITORY, DpsRepository)

struct _DpsSqliteRepository
{
  DpsRepository       parent_instance;

  /* Owned; used only with the repository lock held. */
  sqlite3            *db;
  char               *path;
  GHashTable         *statements;     /* SQL text → sqlite3_stmt*, prepared once */
  GHashTable         *source_ids;     /* source key → id */
  DpsRepositoryFlags  flags;
  DpsRollupAccumulator *rollups;      /* one batch's new rows, summed */
  gint64              key_order_rows; /* rows stored before batches go in key order */
  gint64              rows_seen;      /* rows stored before the last batch written */
  gboolean            cache_cut;      /* the page cache was cut for key order… */
  gboolean            cache_returned; /* …and its memory given back, after a commit */
  GArray             *key_order;      /* DpsKeyOrder: one batch's rows in key order */
  GArray             *key_scratch;    /* DpsKeyOrder: room for sorting them */
  char               *insert_sql;         /* transactions, one row */
  char               *insert_group_sql;   /* transactions, GROUP_ROWS rows */
  char               *payload_sql;        /* transaction_payloads, one row */
  char               *payload_group_sql;  /* transaction_payloads, GROUP_ROWS rows */

  /* Borrowed for the duration of one call, read by the progress handler. */
  GCancellable       *cancellable;

  /* Checkpoints run on their own thread and connection, so a loading
   * writer never waits for the fsyncs of moving the WAL into the file. */
  GThread            *checkpointer;
  GMutex              checkpoint_lock;
  GCond               checkpoint_wake;
  gboolean            checkpoint_due;      /* under checkpoint_lock */
  gboolean            checkpoint_stop;     /* under checkpoint_lock */
  gint                wal_pages;           /* atomic: WAL size after the last commit */
  gint                checkpoint_pages;    /* CHECKPOINT_BYTES in this file's pages */
  gint                restart_pages;       /* RESTART_BYTES in this file's pages */
};

/* Page size of the databases this creates (an existing file keeps its
 * own). A load into a large table writes mostly pages of the transaction
 * key index, each new key landing anywhere in it; each page written
 * costs about the same reads, log writes and checkpoint copies whatever
 * its size, and with 16 KiB pages a batch's keys fall into a third as
 * many pages. Past a few million rows, loads ran 20-60 % faster than
 * with SQLite's 4 KiB default; a read through an index copies more per
 * row, up to a millisecond more on a page of 100 rows. */
#define NEW_PAGE_SIZE 16384
/* Page cache of a connection, and of a writer once its batches go in key
 * order (see cut_cache_for_key_order()), KiB. */
#define PAGE_CACHE_KIB 32768
#define SORTED_PAGE_CACHE_KIB 8192
/* How long a statement waits for another program's lock. */
#define BUSY_TIMEOUT_MS 5000
/* WAL size at which the checkpointer is woken. */
#define CHECKPOINT_BYTES (64 * 1024 * 1024)
/* WAL size past which the writer itself restarts the log after a commit:
 * a writer that never pauses leaves the checkpoint thread always a few
 * frames short of the end, and the log would grow without bound. The
 * restart copies those frames (the last commit, hundreds of MB in a
 * large load) on the writer's time, so it waits for several commits: a
 * ten-million-row load spent 7-8 s restarting past 256 MiB, 2 s past
 * 1 GiB. Once restarted, the file is cut back to 64 MiB. */
#define RESTART_BYTES (16 * CHECKPOINT_BYTES)

G_DEFINE_FINAL_TYPE (DpsSqliteRepository, dps_sqlite_repository, DPS_TYPE_REPOSITORY)

static const char *const status_sql[] = { "running", "succeeded", "failed", "cancelled", "interrupted" };

/* ---------------------------------------------------------------------- */
/* errors                                                                 */

static gboolean
set_error (DpsSqliteRepository  *self,
           int                   rc,
           GError              **error,
           const char           *doing)
{
  int code;
  const char *message = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = DPS_REPOSITORY_ERROR_BUSY;
      break;
    case SQLITE_FULL:
      code = DPS_REPOSITORY_ERROR_FULL;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = DPS_REPOSITORY_ERROR_CORRUPT;
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = DPS_REPOSITORY_ERROR_READ_ONLY;
      break;
    case SQLITE_CANTOPEN:
      code = DPS_REPOSITORY_ERROR_NOT_FOUND;
      break;
    case SQLITE_INTERRUPT:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      return FALSE;
    default:
      code = DPS_REPOSITORY_ERROR_FAILED;
      break;
    }

  g_set_error (error, DPS_REPOSITORY_ERROR, code,
               /* Translators: "Could not <doing> in <file>: <sqlite message>" */
               _("Could not %s in “%s”: %s"), doing,
               self->path != NULL ? self->path : "?", message);
  return FALSE;
}

static int
progress_cb (void *user_data)
{
  DpsSqliteRepository *self = user_data;

  return self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
}

/* Makes long statements stop when @cancellable fires; cleared by the
 * g_autoptr in WITH_CANCELLABLE. */
typedef DpsSqliteRepository CancellableScope;

static void
cancellable_scope_end (CancellableScope *self)
{
  self->cancellable = NULL;
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CancellableScope, cancellable_scope_end)

static CancellableScope *
cancellable_scope_begin (DpsSqliteRepository *self,
                         GCancellable        *cancellable)
{
  self->cancellable = cancellable;
  return self;
}

#define WITH_CANCELLABLE(self, cancellable) \
  g_autoptr(CancellableScope) G_PASTE (scope, __LINE__) = cancellable_scope_begin (self, cancellable)

/* ---------------------------------------------------------------------- */
/* statements                                                             */

static sqlite3_stmt *
prepare (DpsSqliteRepository  *self,
         const char           *sql,
         GError              **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (self, rc, error, _("prepare a query"));
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static void
bind_params (sqlite3_stmt *stmt,
             GArray       *params)
{
  for (guint i = 0; i < params->len; i++)
    {
      const DpsSqlParam *p = &g_array_index (params, DpsSqlParam, i);

      switch (p->type)
        {
        case DPS_SQL_PARAM_INT:
          sqlite3_bind_int64 (stmt, (int) i + 1, p->value);
          break;
        case DPS_SQL_PARAM_TEXT:
          sqlite3_bind_text (stmt, (int) i + 1, p->text, -1, SQLITE_STATIC);
          break;
        case DPS_SQL_PARAM_BLOB:
          sqlite3_bind_blob (stmt, (int) i + 1, p->blob, (int) p->size, SQLITE_STATIC);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static sqlite3_stmt *
prepare_built (DpsSqliteRepository  *self,
               DpsSqlBuilder        *builder,
               GError              **error)
{
  sqlite3_stmt *stmt = prepare (self, builder->sql->str, error);

  if (stmt != NULL)
    bind_params (stmt, builder->params);
  return stmt;
}

/* Runs a statement without results. */
static gboolean
step_done (DpsSqliteRepository  *self,
           sqlite3_stmt         *stmt,
           GError              **error,
           const char           *doing)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_error (self, rc, error, doing);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
exec (DpsSqliteRepository  *self,
      const char           *sql,
      GError              **error,
      const char           *doing)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_error (self, rc, error, doing);
  return TRUE;
}

/* Like exec(), for statements that take the write lock from inside a
 * read, as switching a new file to WAL does: SQLite then answers "locked"
 * at once instead of waiting (two programs could wait for each other).
 * Another program setting up the same new file holds the lock briefly,
 * so this retries for as long as the busy timeout would wait. */
static gboolean
exec_retrying (DpsSqliteRepository  *self,
               const char           *sql,
               GError              **error,
               const char           *doing)
{
  gint64 deadline = g_get_monotonic_time () + BUSY_TIMEOUT_MS * 1000;

  for (;;)
    {
      int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

      if (rc == SQLITE_OK)
        return TRUE;
      if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time () >= deadline)
        return set_error (self, rc, error, doing);
      g_usleep (10 * 1000);
    }
}

static gboolean
query_int (DpsSqliteRepository  *self,
           const char           *sql,
           gint64               *out,
           GError              **error)
{
  sqlite3_stmt *stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out = 0;
  else
    {
      set_error (self, rc, error, _("read the database"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static void
rollback (DpsSqliteRepository *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* opening and migrations                                                 */

static gboolean
set_too_new_error (DpsSqliteRepository  *self,
                   gint64                version,
                   guint                 n_migrations,
                   GError              **error)
{
  g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_TOO_NEW,
               _("“%s” was written by a newer version of Data Pipeline Streaming "
                 "(schema %d; this version knows up to %u). Update the application "
                 "to open it."),
               self->path, (int) version, n_migrations);
  return FALSE;
}

static gboolean
dps_sqlite_repository_migrate (DpsRepository  *repository,
                               GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  guint n_migrations;
  const char * const *migrations = dps_sqlite_schema_get_migrations (&n_migrations);
  gint64 version, application_id, n_tables;
  gboolean read;

  /* One snapshot: another program may be upgrading the same file, and
   * its first tables must not be seen without its application id. */
  if (!exec (self, "BEGIN", error, _("upgrade the database")))
    return FALSE;
  read = query_int (self, "PRAGMA application_id", &application_id, error) &&
         query_int (self, "PRAGMA user_version", &version, error) &&
         query_int (self, "SELECT count(*) FROM sqlite_schema", &n_tables, error);
  rollback (self);
  if (!read)
    return FALSE;

  if (application_id != DPS_SQLITE_APPLICATION_ID && n_tables > 0)
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CORRUPT,
                   _("“%s” is an SQLite database, but not one of Data Pipeline Streaming"),
                   self->path);
      return FALSE;
    }
  if (version > (gint64) n_migrations)
    return set_too_new_error (self, version, n_migrations, error);
  if (version == (gint64) n_migrations)
    return TRUE;

  if ((self->flags & DPS_REPOSITORY_FLAGS_READ_ONLY) != 0)
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_READ_ONLY,
                   _("“%s” needs an upgrade, but was opened read-only"), self->path);
      return FALSE;
    }

  while (version < (gint64) n_migrations)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", (int) version + 1);
      g_autofree char *set_app = g_strdup_printf ("PRAGMA application_id = %d",
                                                  DPS_SQLITE_APPLICATION_ID);
      gint64 now_version;

      if (!exec (self, "BEGIN IMMEDIATE", error, _("upgrade the database")))
        return FALSE;
      /* Another program opening the same file may have upgraded it while
       * this one waited for the lock: go on from where it left it. */
      if (!query_int (self, "PRAGMA user_version", &now_version, error))
        {
          rollback (self);
          return FALSE;
        }
      if (now_version != version)
        {
          rollback (self);
          version = now_version;
          continue;
        }
      if (!exec (self, migrations[version], error, _("upgrade the database")) ||
          !exec (self, set_app, error, _("upgrade the database")) ||
          !exec (self, set_version, error, _("upgrade the database")) ||
          !exec (self, "COMMIT", error, _("upgrade the database")))
        {
          rollback (self);
          return FALSE;
        }
      version++;
    }
  /* A newer program may have been the one that upgraded it. */
  if (version > (gint64) n_migrations)
    return set_too_new_error (self, version, n_migrations, error);

  /* The statement cache may hold statements prepared against the old schema. */
  g_hash_table_remove_all (self->statements);
  return TRUE;
}

static gpointer
checkpointer_thread (gpointer data)
{
  DpsSqliteRepository *self = data;
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_warning ("Cannot open %s for checkpoints: %s", self->path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 1000);
  /* A connection learns that the database is in WAL mode when it first
   * reads it; until then a checkpoint silently does nothing. */
  sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);

  g_mutex_lock (&self->checkpoint_lock);
  while (!self->checkpoint_stop)
    {
      if (!self->checkpoint_due)
        g_cond_wait_until (&self->checkpoint_wake, &self->checkpoint_lock,
                           g_get_monotonic_time () + 2 * G_USEC_PER_SEC);
      if (self->checkpoint_stop)
        break;
      self->checkpoint_due = FALSE;
      g_mutex_unlock (&self->checkpoint_lock);
      /* PASSIVE never blocks the writer or readers: it copies what it can. */
      sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      g_mutex_lock (&self->checkpoint_lock);
    }
  g_mutex_unlock (&self->checkpoint_lock);

  sqlite3_close (db);
  return NULL;
}

static int
wal_hook_cb (void       *user_data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  DpsSqliteRepository *self = user_data;

  g_atomic_int_set (&self->wal_pages, pages);
  if (pages < self->checkpoint_pages)
    return SQLITE_OK;

  g_mutex_lock (&self->checkpoint_lock);
  if (self->checkpointer == NULL && !self->checkpoint_stop)
    self->checkpointer = g_thread_new ("dps-checkpoint", checkpointer_thread, self);
  self->checkpoint_due = TRUE;
  g_cond_signal (&self->checkpoint_wake);
  g_mutex_unlock (&self->checkpoint_lock);
  return SQLITE_OK;
}

static void
stop_checkpointer (DpsSqliteRepository *self)
{
  GThread *thread;

  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_stop = TRUE;
  g_cond_signal (&self->checkpoint_wake);
  thread = g_steal_pointer (&self->checkpointer);
  g_mutex_unlock (&self->checkpoint_lock);
  if (thread != NULL)
    g_thread_join (thread);
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
dps_sqlite_repository_finalize (GObject *object)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (object);

  stop_checkpointer (self);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_wake);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->source_ids, g_hash_table_unref);
  g_clear_pointer (&self->rollups, dps_rollup_accumulator_free);
  g_clear_pointer (&self->key_order, g_array_unref);
  g_clear_pointer (&self->key_scratch, g_array_unref);
  g_free (self->insert_sql);
  g_free (self->insert_group_sql);
  g_free (self->payload_sql);
  g_free (self->payload_group_sql);
  if (self->db != NULL)
    {
      /* A clean close checkpoints the WAL into the database file. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_free (self->path);

  G_OBJECT_CLASS (dps_sqlite_repository_parent_class)->finalize (object);
}

/* ---------------------------------------------------------------------- */
/* writing                                                                */

static gboolean
dps_sqlite_repository_ensure_source (DpsRepository  *repository,
                                     const char     *source_key,
                                     guint32        *out_id,
                                     GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  gpointer cached;
  sqlite3_stmt *stmt;
  int rc;

  if (g_hash_table_lookup_extended (self->source_ids, source_key, NULL, &cached))
    {
      *out_id = GPOINTER_TO_UINT (cached);
      return TRUE;
    }

  stmt = prepare (self,
                  "INSERT INTO sources (source_key, created_at) VALUES (?, ?) "
                  "ON CONFLICT (source_key) DO UPDATE SET source_key = excluded.source_key "
                  "RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, source_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_error (self, rc, error, _("record a source"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  *out_id = (guint32) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  g_hash_table_insert (self->source_ids, g_strdup (source_key), GUINT_TO_POINTER (*out_id));
  return TRUE;
}

static void
bind_position (sqlite3_stmt      *stmt,
               int                first,
               const DpsPosition *position)
{
  if (position->source_id != 0)
    sqlite3_bind_int64 (stmt, first, position->source_id);
  else
    sqlite3_bind_null (stmt, first);
  sqlite3_bind_int64 (stmt, first + 1, position->partition);
  sqlite3_bind_int64 (stmt, first + 2, position->offset);
  sqlite3_bind_int64 (stmt, first + 3, position->line);
}

/* Keys of UUIDs sharing their first 8 bytes are moved to the next free
 * key; lookups scan this many keys from the natural one. */
#define KEY_PROBES 64

/* Rows per multi-row INSERT. One statement for many rows pays once for
 * what every execution costs (starting the program, opening the table's
 * and the indexes' cursors): loading is CPU-bound in the writer. */
#define GROUP_ROWS 64
#define TX_COLUMNS 17
#define PAYLOAD_COLUMNS 6

/* A statement that inserts several rows and may fail half-way keeps a
 * statement journal (in a temporary file past 64 KiB) to undo its part:
 * that doubled the writes. OR IGNORE statements cannot fail half-way, so
 * the groups use it; a row a group skipped, for whatever reason, goes
 * again through the single-row statement, which reports errors. */
#define TX_COLUMN_LIST \
  " INTO transactions (id, tx_key, tx_uuid, event_ts, event_date, event_hour, " \
  "event_dow, user_id, amount_cents, amount_bucket, merchant, category, " \
  "city, status, payment_method, currency, ingested_at)"
#define PAYLOAD_COLUMN_LIST \
  " INTO transaction_payloads (id, source_id, source_partition, " \
  "source_offset, source_line, payload)"

/* "HEAD VALUES (?, …), (?, …)… TAIL" for @rows rows of @columns. */
static char *
multi_row_sql (const char *head,
               guint       columns,
               guint       rows,
               const char *tail)
{
  GString *sql = g_string_new (head);

  for (guint r = 0; r < rows; r++)
    {
      g_string_append (sql, r == 0 ? " VALUES (" : ", (");
      for (guint c = 0; c < columns; c++)
        g_string_append (sql, c == 0 ? "?" : ", ?");
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, tail);
  return g_string_free (sql, FALSE);
}

/* Whether @id is stored, looking through its possible keys. */
static gboolean
uuid_is_stored (DpsSqliteRepository  *self,
                const guint8          id[16],
                gint64                key,
                gboolean             *out_stored,
                GError              **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT 1 FROM transactions WHERE tx_key >= ?1 AND tx_key < ?1 + ?2 "
                                "AND tx_uuid = ?3 LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, key < G_MAXINT64 - KEY_PROBES ? KEY_PROBES : G_MAXINT64 - key);
  sqlite3_bind_blob (stmt, 3, id, 16, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error (self, rc, error, _("look for duplicates"));
  *out_stored = rc == SQLITE_ROW;
  return TRUE;
}

/* Binds one row of transactions from parameter @first (1-based) on; the
 * key is bound separately. */
static void
bind_transaction (sqlite3_stmt         *insert,
                  int                   first,
                  const DpsTransaction *tx,
                  gint64                id,
                  gint64                now)
{
  sqlite3_bind_int64 (insert, first, id);
  sqlite3_bind_blob (insert, first + 2, tx->id, 16, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, first + 3, tx->event_ts);
  sqlite3_bind_int (insert, first + 4, tx->event_date);
  sqlite3_bind_int (insert, first + 5, tx->event_hour);
  sqlite3_bind_int (insert, first + 6, tx->event_dayofweek);
  sqlite3_bind_int64 (insert, first + 7, tx->user_id);
  sqlite3_bind_int64 (insert, first + 8, tx->amount_cents);
  sqlite3_bind_int (insert, first + 9, tx->amount_bucket);
  sqlite3_bind_text (insert, first + 10, tx->merchant, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, first + 11, tx->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, first + 12, tx->city, -1, SQLITE_STATIC);
  sqlite3_bind_int (insert, first + 13, tx->status);
  sqlite3_bind_int (insert, first + 14, tx->payment_method);
  sqlite3_bind_text (insert, first + 15, tx->currency, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, first + 16, now);
}

static void
bind_payload (sqlite3_stmt      *insert,
              int                first,
              const DpsBatchRow *row,
              gint64             id)
{
  const DpsPosition *position = &row->position;

  sqlite3_bind_int64 (insert, first, id);
  if (position->source_id != 0)
    sqlite3_bind_int64 (insert, first + 1, position->source_id);
  else
    sqlite3_bind_null (insert, first + 1);
  sqlite3_bind_int64 (insert, first + 2, position->partition);
  sqlite3_bind_int64 (insert, first + 3, position->offset);
  sqlite3_bind_int64 (insert, first + 4, position->line);
  /* A canonical text is rebuilt from the row when read (see the
   * raw_transactions view): storing it again would double what a load
   * writes. */
  sqlite3_bind_text (insert, first + 5,
                     row->tx.payload != NULL && !row->tx.payload_is_canonical ? row->tx.payload : "",
                     -1, SQLITE_STATIC);
}

/* Inserts one row as row @id under its key or, when another UUID holds
 * it, the next free key. *out_inserted is FALSE for a duplicate. */
static gboolean
insert_transaction (DpsSqliteRepository  *self,
                    sqlite3_stmt         *insert,
                    const DpsTransaction *tx,
                    gint64                id,
                    gint64                now,
                    gboolean             *out_inserted,
                    GError              **error)
{
  gint64 key = dps_uuid_to_key (tx->id);

  bind_transaction (insert, 1, tx, id, now);

  for (guint probe = 0; probe < KEY_PROBES && key < G_MAXINT64; probe++, key++)
    {
      gboolean stored = FALSE;
      int rc;

      sqlite3_bind_int64 (insert, 2, key);
      rc = sqlite3_step (insert);
      sqlite3_reset (insert);
      if (rc != SQLITE_DONE)
        return set_error (self, rc, error, _("store transactions"));
      if (sqlite3_changes (self->db) == 1)
        {
          *out_inserted = TRUE;
          return TRUE;
        }
      /* The key is taken: by this UUID (a duplicate) or by another one
       * with the same first 8 bytes (try the next key). */
      if (probe == 0)
        {
          if (!uuid_is_stored (self, tx->id, key, &stored, error))
            return FALSE;
          if (stored)
            {
              *out_inserted = FALSE;
              return TRUE;
            }
        }
    }

  g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FAILED,
               _("Could not store transaction: too many identifiers share its first 8 bytes"));
  return FALSE;
}

static gboolean
row_id_is_stored (DpsSqliteRepository  *self,
                  sqlite3_stmt         *lookup,
                  gint64                id,
                  gboolean             *out_stored,
                  GError              **error)
{
  int rc;

  sqlite3_bind_int64 (lookup, 1, id);
  rc = sqlite3_step (lookup);
  sqlite3_reset (lookup);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error (self, rc, error, _("store transactions"));
  *out_stored = rc == SQLITE_ROW;
  return TRUE;
}

/* A row whose id was already stored: counts one more arrival. */
static gboolean
count_duplicate (DpsSqliteRepository  *self,
                 sqlite3_stmt         *duplicate,
                 const DpsBatchRow    *row,
                 gint64                now,
                 GError              **error)
{
  int rc;

  sqlite3_bind_int64 (duplicate, 1, dps_uuid_to_key (row->tx.id));
  sqlite3_bind_blob (duplicate, 2, row->tx.id, 16, SQLITE_STATIC);
  sqlite3_bind_int64 (duplicate, 3, now);
  if (row->position.source_id != 0)
    sqlite3_bind_int64 (duplicate, 4, row->position.source_id);
  else
    sqlite3_bind_null (duplicate, 4);
  rc = sqlite3_step (duplicate);
  sqlite3_reset (duplicate);
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error, _("count duplicates"));
  return TRUE;
}

typedef struct {
  guint  row;   /* index in the batch */
  gint64 id;    /* rowid it was stored under */
} StoredRow;

/* One row through the single-row statement: stored under @next_id (and
 * noted in @stored) or counted as a duplicate. */
static gboolean
insert_one (DpsSqliteRepository  *self,
            sqlite3_stmt         *insert,
            sqlite3_stmt         *duplicate,
            DpsBatch             *batch,
            guint                 i,
            gint64               *next_id,
            gint64                now,
            GArray               *stored,
            DpsBatchResult       *result,
            GError              **error)
{
  const DpsBatchRow *row = dps_batch_get_row (batch, i);
  gboolean inserted = FALSE;

  if (!insert_transaction (self, insert, &row->tx, *next_id, now, &inserted, error))
    return FALSE;
  if (inserted)
    {
      StoredRow s = { i, (*next_id)++ };

      g_array_append_val (stored, s);
      return TRUE;
    }
  result->duplicates++;
  return count_duplicate (self, duplicate, row, now, error);
}

/* Rows stored before a batch is inserted in key order: about where the
 * key index (about 18 bytes a row) outgrows the page cache. */
#define KEY_ORDER_ROWS 1000000

/* Whether batches now go in key order (see insert_order()). */
static gboolean
batches_in_key_order (DpsSqliteRepository *self)
{
  return self->rows_seen >= self->key_order_rows;
}

/* Once batches go in key order, the key index no longer fits in the page
 * cache, and each write sweeps it: what the cache keeps of it between
 * writes saves little, while larger writes, with fewer sweeps, save
 * much. Most of the cache is then given up for the engine to write
 * larger backlogs in about the same memory (see
 * dps_repository_prefers_large_writes()): a million rows loaded into a
 * nine-million-row table went at 171k-174k rows/s with an 8 MiB cache
 * and 200,000-row writes, at 101k-108k with 32 MiB and 80,000, run
 * after run; a single-threaded load lost nothing either. */
static gboolean
cut_cache_for_key_order (DpsSqliteRepository  *self,
                         GError              **error)
{
  if (self->cache_cut || !batches_in_key_order (self))
    return TRUE;
  if (!exec (self, "PRAGMA cache_size = -" G_STRINGIFY (SORTED_PAGE_CACHE_KIB), error,
             _("configure the database")))
    return FALSE;
  self->cache_cut = TRUE;
  return TRUE;
}

/* After the commit that follows the cut: SQLite frees the pages over the
 * new size as they are written, but the C library keeps what was freed
 * amid the heap, and the memory would count twice once larger writes
 * take it. Until then the engine writes batch by batch. */
static void
return_cache_memory (DpsSqliteRepository *self)
{
  if (!self->cache_cut || self->cache_returned)
    return;
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  self->cache_returned = TRUE;
}

/* The order in which the batch's rows are inserted, and numbered, with
 * their keys. Arrival order keeps a day's rows together in the table, as
 * time-ordered pages and scans want. Once the key index outgrows the page
 * cache, arrival order read and wrote one index page per row; in key
 * order (arrival order among equal keys) a batch sweeps the index once
 * and touches each page once, and loads go 1.3x faster at ten million
 * rows. */
static const DpsKeyOrder *
insert_order (DpsSqliteRepository *self,
              DpsBatch            *batch)
{
  guint n = batch->rows->len;

  g_array_set_size (self->key_order, n);
  g_array_set_size (self->key_scratch, n);
  for (guint i = 0; i < n; i++)
    {
      DpsKeyOrder *item = &g_array_index (self->key_order, DpsKeyOrder, i);

      item->key = dps_uuid_to_key (dps_batch_get_row (batch, i)->tx.id);
      item->index = i;
    }
  if (batches_in_key_order (self))
    dps_key_order_sort ((DpsKeyOrder *) self->key_order->data, n,
                        (DpsKeyOrder *) self->key_scratch->data);
  return (const DpsKeyOrder *) self->key_order->data;
}

static gboolean
insert_rows (DpsSqliteRepository  *self,
             DpsBatch             *batch,
             gint64                now,
             DpsBatchResult       *result,
             gboolean             *out_all_new,
             GError              **error)
{
  sqlite3_stmt *insert, *insert_group, *payload, *payload_group, *duplicate, *lookup;
  g_autoptr(GArray) stored = NULL;
  const DpsKeyOrder *order;
  gint64 next_id;
  guint n = batch->rows->len;
  guint i;
  gboolean sum;

  dps_rollup_accumulator_reset (self->rollups);
  *out_all_new = TRUE;
  if (n == 0)
    return TRUE;

  /* Rows are numbered here, as SQLite would (after the largest rowid), so
   * that a group's rows and their payloads share known ids. */
  if (!query_int (self, "SELECT coalesce(max(id), 0) FROM transactions", &next_id, error))
    return FALSE;
  next_id++;

  if ((insert = prepare (self, self->insert_sql, error)) == NULL ||
      (insert_group = prepare (self, self->insert_group_sql, error)) == NULL ||
      (payload = prepare (self, self->payload_sql, error)) == NULL ||
      (payload_group = prepare (self, self->payload_group_sql, error)) == NULL ||
      (lookup = prepare (self, "SELECT 1 FROM transactions WHERE id = ?", error)) == NULL ||
      (duplicate = prepare (self,
                            "INSERT INTO duplicate_transactions "
                            "(tx_uuid, arrivals, first_seen, last_seen, last_source_id) "
                            "SELECT tx_uuid, 2, ingested_at, ?3, ?4 FROM transactions "
                            "WHERE tx_key >= ?1 AND tx_key < ?1 + 64 AND tx_uuid = ?2 "
                            "ON CONFLICT (tx_uuid) DO UPDATE SET arrivals = arrivals + 1, "
                            "last_seen = excluded.last_seen, last_source_id = excluded.last_source_id",
                            error)) == NULL)
    return FALSE;

  stored = g_array_sized_new (FALSE, FALSE, sizeof (StoredRow), n);
  self->rows_seen = next_id - 1;
  if (!cut_cache_for_key_order (self, error))
    return FALSE;
  order = insert_order (self, batch);

  for (i = 0; i + GROUP_ROWS <= n; i += GROUP_ROWS)
    {
      gint64 first_id = next_id;
      int changes, rc;

      for (guint k = 0; k < GROUP_ROWS; k++)
        {
          const DpsTransaction *tx = &dps_batch_get_row (batch, order[i + k].index)->tx;
          int first = 1 + (int) k * TX_COLUMNS;

          bind_transaction (insert_group, first, tx, first_id + k, now);
          sqlite3_bind_int64 (insert_group, first + 1, order[i + k].key);
        }
      rc = sqlite3_step (insert_group);
      sqlite3_reset (insert_group);
      if (rc != SQLITE_DONE)
        return set_error (self, rc, error, _("store transactions"));
      changes = sqlite3_changes (self->db);
      next_id += GROUP_ROWS;

      if (changes == GROUP_ROWS)
        {
          for (guint k = 0; k < GROUP_ROWS; k++)
            {
              StoredRow s = { order[i + k].index, first_id + k };

              g_array_append_val (stored, s);
            }
          continue;
        }

      /* A key was taken, by a duplicate or by another UUID with the same
       * first 8 bytes: rows stored under their id are kept, the others go
       * one by one (the single-row statement tells a duplicate from a
       * neighbour's key, and reports any other failure). */
      for (guint k = 0; k < GROUP_ROWS; k++)
        {
          gboolean present = FALSE;

          if (!row_id_is_stored (self, lookup, first_id + k, &present, error))
            return FALSE;
          if (present)
            {
              StoredRow s = { order[i + k].index, first_id + k };

              g_array_append_val (stored, s);
            }
        }
      for (guint k = 0; k < GROUP_ROWS; k++)
        {
          gboolean present = FALSE;

          if (!row_id_is_stored (self, lookup, first_id + k, &present, error))
            return FALSE;
          if (!present &&
              !insert_one (self, insert, duplicate, batch, order[i + k].index, &next_id, now,
                           stored, result, error))
            return FALSE;
        }
    }
  for (; i < n; i++)
    if (!insert_one (self, insert, duplicate, batch, order[i].index, &next_id, now, stored, result, error))
      return FALSE;

  /* Payloads, under the same ids, and the rollups of the new rows, unless
   * the batch's own sums are coming and every row was new. */
  result->loaded += stored->len;
  *out_all_new = stored->len == n;
  sum = !(dps_batch_has_rollups (batch) && *out_all_new);
  for (i = 0; i + GROUP_ROWS <= stored->len; i += GROUP_ROWS)
    {
      int rc;

      for (guint k = 0; k < GROUP_ROWS; k++)
        {
          const StoredRow *s = &g_array_index (stored, StoredRow, i + k);
          const DpsBatchRow *row = dps_batch_get_row (batch, s->row);

          bind_payload (payload_group, 1 + (int) k * PAYLOAD_COLUMNS, row, s->id);
          if (sum)
            dps_rollup_accumulator_add (self->rollups, &row->tx);
        }
      rc = sqlite3_step (payload_group);
      sqlite3_reset (payload_group);
      if (rc != SQLITE_DONE)
        return set_error (self, rc, error, _("store transactions"));
      if (sqlite3_changes (self->db) != GROUP_ROWS)
        {
          /* Only a payload left under a new row's id skips a row. */
          g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CORRUPT,
                       _("Could not store transactions in “%s”: a payload already has the id of a new row"),
                       self->path);
          return FALSE;
        }
    }
  for (; i < stored->len; i++)
    {
      const StoredRow *s = &g_array_index (stored, StoredRow, i);
      const DpsBatchRow *row = dps_batch_get_row (batch, s->row);
      int rc;

      bind_payload (payload, 1, row, s->id);
      if (sum)
        dps_rollup_accumulator_add (self->rollups, &row->tx);
      rc = sqlite3_step (payload);
      sqlite3_reset (payload);
      if (rc != SQLITE_DONE)
        return set_error (self, rc, error, _("store transactions"));
    }
  return TRUE;
}

typedef struct {
  DpsSqliteRepository *self;
  GError              *error;
  const DpsRollupSpec *spec;   /* of @stmt */
  sqlite3_stmt        *stmt;   /* its upsert, prepared once per batch */
} UpsertState;

static void
upsert_group_cb (const DpsRollupSpec  *spec,
                 const DpsRollupGroup *group,
                 gpointer              user_data)
{
  UpsertState *state = user_data;
  DpsSqliteRepository *self = state->self;
  sqlite3_stmt *stmt;
  int column = 2;

  if (state->error != NULL)
    return;

  /* Groups come rollup by rollup: the statement changes with the rollup. */
  if (spec != state->spec)
    {
      g_autofree char *sql =
        g_strdup_printf ("INSERT INTO %s (event_date, %s, tx_count, amount_cents) "
                         "VALUES (?, %s?, ?) ON CONFLICT DO UPDATE SET "
                         "tx_count = tx_count + excluded.tx_count, "
                         "amount_cents = amount_cents + excluded.amount_cents",
                         spec->table, spec->columns,
                         &"?, ?, ?, ?, "[(DPS_ROLLUP_MAX_DIMS - dps_rollup_spec_get_n_dims (spec)) * 3]);

      state->stmt = prepare (self, sql, &state->error);
      if (state->stmt == NULL)
        return;
      state->spec = spec;
    }
  stmt = state->stmt;

  sqlite3_bind_int (stmt, 1, group->event_date);
  for (guint i = 0; i < dps_rollup_spec_get_n_dims (spec); i++, column++)
    switch (spec->order[i])
      {
      case DPS_ROLLUP_DIM_CATEGORY:       sqlite3_bind_text (stmt, column, group->category, -1, SQLITE_STATIC); break;
      case DPS_ROLLUP_DIM_CITY:           sqlite3_bind_text (stmt, column, group->city, -1, SQLITE_STATIC); break;
      case DPS_ROLLUP_DIM_MERCHANT:       sqlite3_bind_text (stmt, column, group->merchant, -1, SQLITE_STATIC); break;
      case DPS_ROLLUP_DIM_STATUS:         sqlite3_bind_int (stmt, column, group->status); break;
      case DPS_ROLLUP_DIM_PAYMENT_METHOD: sqlite3_bind_int (stmt, column, group->payment_method); break;
      case DPS_ROLLUP_DIM_AMOUNT_BUCKET:  sqlite3_bind_int (stmt, column, group->amount_bucket); break;
      case DPS_ROLLUP_DIM_HOUR:           sqlite3_bind_int (stmt, column, group->event_hour); break;
      default:
        g_assert_not_reached ();
      }
  sqlite3_bind_int64 (stmt, column++, group->tx_count);
  sqlite3_bind_int64 (stmt, column, group->amount_cents);
  step_done (self, stmt, &state->error, _("update the summaries"));
}

/* Adds this batch's new rows, summed in memory, to every rollup: the
 * batch's own sums when it has them and every row was new. */
static gboolean
update_rollups (DpsSqliteRepository  *self,
                DpsBatch             *batch,
                gboolean              all_new,
                GError              **error)
{
  UpsertState state = { self, NULL, NULL, NULL };
  DpsRollupAccumulator *sums = all_new ? dps_batch_wait_rollups (batch) : NULL;

  dps_rollup_accumulator_foreach (sums != NULL ? sums : self->rollups, upsert_group_cb, &state);
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_rejects (DpsSqliteRepository  *self,
                DpsBatch             *batch,
                gint64                now,
                DpsBatchResult       *result,
                GError              **error)
{
  sqlite3_stmt *stmt;

  if (batch->rejects->len == 0)
    return TRUE;

  stmt = prepare (self,
                  "INSERT INTO rejected_transactions (rejected_at, run_id, source_id, "
                  "source_partition, source_offset, source_line, reason, field, detail, raw, "
                  "raw_length, raw_hash, event_ts, transaction_id) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < batch->rejects->len; i++)
    {
      const DpsReject *reject = &g_array_index (batch->rejects, DpsReject, i);

      sqlite3_bind_int64 (stmt, 1, now);
      if (batch->run_id > 0)
        sqlite3_bind_int64 (stmt, 2, batch->run_id);
      bind_position (stmt, 3, &reject->position);
      sqlite3_bind_text (stmt, 7, dps_reject_reason_to_string (reject->reason), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, reject->field, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, reject->detail, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 10, reject->raw != NULL ? (const void *) reject->raw : "",
                         (int) reject->raw_size, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 11, (gint64) reject->raw_length);
      sqlite3_bind_int64 (stmt, 12, dps_repository_raw_hash (reject->raw, reject->raw_size));
      /* Bindings outlive a step: a NULL must be bound, not left out. */
      if (reject->event_ts != G_MININT64)
        sqlite3_bind_int64 (stmt, 13, reject->event_ts);
      else
        sqlite3_bind_null (stmt, 13);
      sqlite3_bind_text (stmt, 14, reject->transaction_id, -1, SQLITE_STATIC);

      if (!step_done (self, stmt, error, _("store rejected records")))
        return FALSE;

      result->rejected++;
      result->rejected_by_reason[reject->reason]++;
    }
  return TRUE;
}

static gboolean
store_checkpoints (DpsSqliteRepository  *self,
                   DpsBatch             *batch,
                   gint64                now,
                   GError              **error)
{
  sqlite3_stmt *stmt;

  if (batch->checkpoints->len == 0)
    return TRUE;

  stmt = prepare (self,
                  "INSERT INTO source_checkpoints (source_key, partition, position, line, "
                  "fingerprint, complete, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (source_key, partition) DO UPDATE SET position = excluded.position, "
                  "line = excluded.line, fingerprint = excluded.fingerprint, "
                  "complete = excluded.complete, updated_at = excluded.updated_at", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < batch->checkpoints->len; i++)
    {
      const DpsCheckpoint *cp = g_ptr_array_index (batch->checkpoints, i);

      sqlite3_bind_text (stmt, 1, cp->source_key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, cp->partition);
      sqlite3_bind_int64 (stmt, 3, cp->offset);
      sqlite3_bind_int64 (stmt, 4, cp->line);
      sqlite3_bind_text (stmt, 5, cp->fingerprint, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 6, cp->complete ? 1 : 0);
      sqlite3_bind_int64 (stmt, 7, now);
      if (!step_done (self, stmt, error, _("store the source position")))
        return FALSE;
    }
  return TRUE;
}

static gboolean
count_run (DpsSqliteRepository  *self,
           DpsBatch             *batch,
           const DpsBatchResult *result,
           GError              **error)
{
  sqlite3_stmt *stmt;

  if (batch->run_id <= 0)
    return TRUE;

  stmt = prepare (self,
                  "UPDATE pipeline_runs SET rows_read = rows_read + ?, "
                  "rows_loaded = rows_loaded + ?, rows_rejected = rows_rejected + ?, "
                  "rows_duplicate = rows_duplicate + ?, bytes_read = bytes_read + ? "
                  "WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (gint64) (batch->rows->len + batch->rejects->len));
  sqlite3_bind_int64 (stmt, 2, (gint64) result->loaded);
  sqlite3_bind_int64 (stmt, 3, (gint64) result->rejected);
  sqlite3_bind_int64 (stmt, 4, (gint64) result->duplicates);
  sqlite3_bind_int64 (stmt, 5, (gint64) batch->bytes);
  sqlite3_bind_int64 (stmt, 6, batch->run_id);
  return step_done (self, stmt, error, _("update the run"));
}

/* After a commit. The batch is committed whatever happens here: a restart
 * that cannot complete (a reader holds an old snapshot) is tried after
 * the next one. The checkpoint thread has copied most frames already, so
 * this waits only for the last ones. */
static void
restart_log_if_long (DpsSqliteRepository *self)
{
  if (g_atomic_int_get (&self->wal_pages) >= self->restart_pages &&
      sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL) == SQLITE_OK)
    g_atomic_int_set (&self->wal_pages, 0);
}

/* Writes @batch in the open transaction, starting one if none is; on
 * failure rolls everything of that transaction back. */
static gboolean
write_in_transaction (DpsSqliteRepository  *self,
                      DpsBatch             *batch,
                      DpsBatchResult       *result,
                      GCancellable         *cancellable,
                      GError              **error)
{
  gint64 now = g_get_real_time ();
  gboolean all_new = TRUE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* IMMEDIATE takes the write lock now, so a busy database fails here,
   * before any work, and the caller's retry starts clean. */
  if (sqlite3_get_autocommit (self->db))
    {
      int rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

      if (rc != SQLITE_OK)
        return set_error (self, rc, error, _("start a transaction"));
    }

  if (!insert_rows (self, batch, now, result, &all_new, error) ||
      !update_rollups (self, batch, all_new, error) ||
      !insert_rejects (self, batch, now, result, error) ||
      !store_checkpoints (self, batch, now, error) ||
      !count_run (self, batch, result, error))
    {
      rollback (self);
      memset (result, 0, sizeof *result);
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit (DpsSqliteRepository  *self,
        GError              **error)
{
  int rc;

  if (sqlite3_get_autocommit (self->db))
    return TRUE;
  rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (self, rc, error, _("commit a batch"));
      rollback (self);
      return FALSE;
    }
  restart_log_if_long (self);
  return_cache_memory (self);
  return TRUE;
}

static gboolean
dps_sqlite_repository_write_batch (DpsRepository   *repository,
                                   DpsBatch        *batch,
                                   DpsBatchResult  *result,
                                   GCancellable    *cancellable,
                                   GError         **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);

  if (!write_in_transaction (self, batch, result, cancellable, error))
    return FALSE;
  if (!commit (self, error))
    {
      memset (result, 0, sizeof *result);
      return FALSE;
    }
  return TRUE;
}

/* Once batches go in key order, each write sweeps the key index: the
 * larger the writes, the fewer the sweeps. Before that, larger writes
 * were no faster, and slower in a threaded load; and until the page
 * cache given up for them is returned, they would hold memory twice. */
static gboolean
dps_sqlite_repository_prefers_large_writes (DpsRepository *repository)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);

  return batches_in_key_order (self) && self->cache_returned;
}

static gboolean
dps_sqlite_repository_write_batch_open (DpsRepository   *repository,
                                        DpsBatch        *batch,
                                        DpsBatchResult  *result,
                                        GCancellable    *cancellable,
                                        GError         **error)
{
  return write_in_transaction (DPS_SQLITE_REPOSITORY (repository), batch, result, cancellable, error);
}

static gboolean
dps_sqlite_repository_commit_open (DpsRepository  *repository,
                                   GError        **error)
{
  return commit (DPS_SQLITE_REPOSITORY (repository), error);
}

static void
dps_sqlite_repository_rollback_open (DpsRepository *repository)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);

  if (!sqlite3_get_autocommit (self->db))
    rollback (self);
}

static DpsCheckpoint *
checkpoint_from_row (sqlite3_stmt *stmt)
{
  DpsCheckpoint *cp = dps_checkpoint_new ((const char *) sqlite3_column_text (stmt, 0),
                                          (gint32) sqlite3_column_int64 (stmt, 1));

  cp->offset = sqlite3_column_int64 (stmt, 2);
  cp->line = sqlite3_column_int64 (stmt, 3);
  cp->fingerprint = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  cp->complete = sqlite3_column_int (stmt, 5) != 0;
  cp->updated_at = sqlite3_column_int64 (stmt, 6);
  return cp;
}

static gboolean
dps_sqlite_repository_load_checkpoint (DpsRepository  *repository,
                                       const char     *source_key,
                                       gint32          partition,
                                       DpsCheckpoint **out,
                                       GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT source_key, partition, position, line, fingerprint, complete, updated_at "
                  "FROM source_checkpoints WHERE source_key = ? AND partition = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, source_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, partition);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = checkpoint_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error (self, rc, error, _("read the source position"));
  return TRUE;
}

static GPtrArray *
dps_sqlite_repository_list_checkpoints (DpsRepository  *repository,
                                        const char     *source_key,
                                        GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_checkpoint_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT source_key, partition, position, line, fingerprint, complete, updated_at "
                  "FROM source_checkpoints WHERE source_key = ? ORDER BY partition", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, source_key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, checkpoint_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("read the source positions"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---------------------------------------------------------------------- */
/* runs                                                                   */

static gboolean
mark_interrupted_runs (DpsSqliteRepository  *self,
                       GError              **error)
{
  g_autoptr(GArray) dead = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self, "SELECT id, pid, host FROM pipeline_runs WHERE status = 'running'", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (!dps_repository_process_is_alive (sqlite3_column_int64 (stmt, 1),
                             (const char *) sqlite3_column_text (stmt, 2)))
        g_array_append_val (dead, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error, _("read the run history"));

  for (guint i = 0; i < dead->len; i++)
    {
      stmt = prepare (self,
                      "UPDATE pipeline_runs SET status = 'interrupted', "
                      "finished_at = coalesce(finished_at, ?), "
                      "error = coalesce(error, ?) WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
      sqlite3_bind_text (stmt, 2, "The process running this pipeline stopped before the run ended.",
                         -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, g_array_index (dead, gint64, i));
      if (!step_done (self, stmt, error, _("update the run history")))
        return FALSE;
    }
  return TRUE;
}

static gboolean
dps_sqlite_repository_begin_run (DpsRepository  *repository,
                                 DpsRunRecord   *run,
                                 GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  sqlite3_stmt *stmt;
  int rc;

  if (!mark_interrupted_runs (self, error))
    return FALSE;

  if (run->started_at == 0)
    run->started_at = g_get_real_time ();

  stmt = prepare (self,
                  "INSERT INTO pipeline_runs (kind, source, started_at, status, pid, host) "
                  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, run->kind != NULL ? run->kind : "import", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, run->source != NULL ? run->source : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, run->started_at);
  sqlite3_bind_text (stmt, 4, status_sql[run->status], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, getpid ());
  sqlite3_bind_text (stmt, 6, g_get_host_name (), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    run->id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_error (self, rc, error, _("record the run"));
  return TRUE;
}

static gboolean
dps_sqlite_repository_update_run (DpsRepository       *repository,
                                  const DpsRunRecord  *run,
                                  GError             **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autofree char *reasons = dps_repository_reasons_to_json (run->rejected_by_reason);
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "UPDATE pipeline_runs SET finished_at = ?, status = ?, error = ?, "
                  "stage_timings = ?, quality_checks = ?, rejected_by_reason = ? WHERE id = ?",
                  error);
  if (stmt == NULL)
    return FALSE;
  if (run->finished_at != 0)
    sqlite3_bind_int64 (stmt, 1, run->finished_at);
  sqlite3_bind_text (stmt, 2, status_sql[run->status], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, run->error, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, run->stage_timings, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, run->quality_checks, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, reasons, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, run->id);
  return step_done (self, stmt, error, _("update the run"));
}

static GPtrArray *
dps_sqlite_repository_list_runs (DpsRepository  *repository,
                                 guint           limit,
                                 GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_run_record_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT id, kind, source, started_at, finished_at, rows_read, rows_loaded, "
                  "rows_rejected, rows_duplicate, bytes_read, status, error, stage_timings, "
                  "quality_checks, rejected_by_reason FROM pipeline_runs ORDER BY id DESC LIMIT ?",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsRunRecord *run = dps_run_record_new ((const char *) sqlite3_column_text (stmt, 1),
                                              (const char *) sqlite3_column_text (stmt, 2));
      DpsRunStatus status = DPS_RUN_STATUS_FAILED;

      run->id = sqlite3_column_int64 (stmt, 0);
      run->started_at = sqlite3_column_int64 (stmt, 3);
      run->finished_at = sqlite3_column_int64 (stmt, 4);
      run->rows_read = sqlite3_column_int64 (stmt, 5);
      run->rows_loaded = sqlite3_column_int64 (stmt, 6);
      run->rows_rejected = sqlite3_column_int64 (stmt, 7);
      run->rows_duplicate = sqlite3_column_int64 (stmt, 8);
      run->bytes_read = sqlite3_column_int64 (stmt, 9);
      dps_run_status_from_string ((const char *) sqlite3_column_text (stmt, 10), &status);
      run->status = status;
      run->error = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
      run->stage_timings = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
      run->quality_checks = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
      dps_repository_reasons_from_json ((const char *) sqlite3_column_text (stmt, 14), run->rejected_by_reason);
      g_ptr_array_add (runs, run);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("read the run history"));
      return NULL;
    }
  return g_steal_pointer (&runs);
}

/* ---------------------------------------------------------------------- */
/* the query API                                                          */

/* Columns of DpsRow in pages and cursors. */
#define ROW_COLUMNS \
  "id, tx_uuid, event_ts, event_date, event_hour, event_dow, user_id, amount_cents, " \
  "amount_bucket, merchant, category, city, status, payment_method, currency, ingested_at"

static void
row_from_statement (sqlite3_stmt *stmt,
                    DpsRow       *row)
{
  DpsTransaction *tx = &row->tx;
  const void *uuid = sqlite3_column_blob (stmt, 1);
  const char *currency;

  dps_row_clear (row);
  row->row_id = sqlite3_column_int64 (stmt, 0);
  if (uuid != NULL && sqlite3_column_bytes (stmt, 1) == 16)
    memcpy (tx->id, uuid, 16);
  tx->event_ts = sqlite3_column_int64 (stmt, 2);
  tx->event_date = sqlite3_column_int (stmt, 3);
  tx->event_hour = (guint8) sqlite3_column_int (stmt, 4);
  tx->event_dayofweek = (guint8) sqlite3_column_int (stmt, 5);
  tx->user_id = sqlite3_column_int64 (stmt, 6);
  tx->amount_cents = sqlite3_column_int64 (stmt, 7);
  tx->amount_bucket = (DpsAmountBucket) sqlite3_column_int (stmt, 8);
  tx->merchant = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  tx->category = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  tx->city = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  tx->status = (DpsStatus) sqlite3_column_int (stmt, 12);
  tx->payment_method = (DpsPaymentMethod) sqlite3_column_int (stmt, 13);
  currency = (const char *) sqlite3_column_text (stmt, 14);
  g_strlcpy (tx->currency, currency != NULL ? currency : "", sizeof tx->currency);
  row->ingested_at = sqlite3_column_int64 (stmt, 15);
}

static void
aggregate_from_statement (sqlite3_stmt *stmt,
                          int           first,
                          DpsAggregate *agg)
{
  agg->count = sqlite3_column_int64 (stmt, first);
  agg->amount_cents = sqlite3_column_int64 (stmt, first + 1);
  agg->approved_count = sqlite3_column_int64 (stmt, first + 2);
  agg->approved_cents = sqlite3_column_int64 (stmt, first + 3);
}

static gboolean
count_rejects_in_period (DpsSqliteRepository  *self,
                         DpsFilter            *filter,
                         gint64               *rejected,
                         gint64               *duplicates,
                         GError              **error)
{
  g_auto(DpsSqlBuilder) b = { 0 };
  gint64 from, to;
  sqlite3_stmt *stmt;
  int rc;

  dps_filter_get_period (filter, &from, &to);
  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_build_period_counts (&b, from, to);

  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *rejected = sqlite3_column_int64 (stmt, 0);
      *duplicates = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_error (self, rc, error, _("count rejected records"));
  return TRUE;
}

static gboolean
dps_sqlite_repository_query_kpis (DpsRepository  *repository,
                                  DpsFilter      *filter,
                                  DpsKpis        *kpis,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  const DpsRollupSpec *rollup = dps_rollup_choose (filter, DPS_DIMENSION_NONE, DPS_DIMENSION_NONE);
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;
  WITH_CANCELLABLE (self, cancellable);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_build_kpis (&b, filter, rollup);

  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      aggregate_from_statement (stmt, 0, &kpis->total);
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          kpis->first_event = sqlite3_column_int64 (stmt, 4);
          kpis->last_event = sqlite3_column_int64 (stmt, 5);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_error (self, rc, error, _("compute the key figures"));

  kpis->from_rollup = rollup != NULL;
  return count_rejects_in_period (self, filter, &kpis->rejected, &kpis->duplicates, error);
}


static DpsBreakdown *
dps_sqlite_repository_query_breakdown (DpsRepository      *repository,
                                       DpsFilter          *filter,
                                       DpsDimension        dimension,
                                       DpsDimension        dimension2,
                                       DpsBreakdownOrder   order,
                                       guint               limit,
                                       GCancellable       *cancellable,
                                       GError            **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  const DpsRollupSpec *rollup = dps_rollup_choose (filter, dimension, dimension2);
  gboolean two = dimension2 != DPS_DIMENSION_NONE;
  g_auto(DpsBreakdownBuilder) builder = { 0 };
  gboolean merges;
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;
  WITH_CANCELLABLE (self, cancellable);

  dps_breakdown_builder_init (&builder, dimension, dimension2, order, limit);
  merges = dps_breakdown_builder_merges (&builder);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_build_breakdown (&b, filter, rollup, dimension, dimension2, order, limit, merges);

  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsAggregate agg;
      g_autofree char *key = dps_sql_dimension_key (dimension, sqlite3_column_int64 (stmt, 0),
                                                    (const char *) sqlite3_column_text (stmt, 0));
      g_autofree char *key2 = two ? dps_sql_dimension_key (dimension2, sqlite3_column_int64 (stmt, 1),
                                                           (const char *) sqlite3_column_text (stmt, 1))
                                  : NULL;

      aggregate_from_statement (stmt, 2, &agg);
      dps_breakdown_builder_add (&builder, key, key2, &agg);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("compute a breakdown"));
      return NULL;
    }

  return dps_breakdown_builder_finish (&builder, rollup != NULL);
}

static gboolean
dps_sqlite_repository_count_rows (DpsRepository  *repository,
                                  DpsFilter      *filter,
                                  guint64        *out_count,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  DpsKpis kpis;

  /* The KPI query answers from rollups when it can. */
  if (!dps_sqlite_repository_query_kpis (repository, filter, &kpis, cancellable, error))
    return FALSE;
  *out_count = (guint64) kpis.total.count;
  return TRUE;
}

/* Index that serves ORDER BY @key, so the planner walks it in order
 * instead of sorting the whole filtered set. */
static const char *
sort_index (DpsSortKey key)
{
  switch (key)
    {
    case DPS_SORT_EVENT_TS:       return "transactions_event_ts";
    case DPS_SORT_TRANSACTION_ID: return "transactions_key";
    case DPS_SORT_AMOUNT:
    case DPS_SORT_USER_ID:
    case DPS_SORT_INGESTED_AT:
    case DPS_SORT_MERCHANT:
    case DPS_SORT_CATEGORY:
    case DPS_SORT_CITY:
    case DPS_SORT_STATUS:
    case DPS_SORT_PAYMENT_METHOD:
    case DPS_SORT_EVENT_HOUR:
    case DPS_SORT_EVENT_DAYOFWEEK:
    case DPS_SORT_CURRENCY:
    default:
      return NULL;
    }
}

static void
bind_sort_value (DpsSqlBuilder *b,
                 DpsSortKey     key,
                 const DpsRow  *row)
{
  const DpsTransaction *tx = &row->tx;

  switch (key)
    {
    case DPS_SORT_EVENT_TS:       dps_sql_param_int (b, tx->event_ts); break;
    case DPS_SORT_AMOUNT:         dps_sql_param_int (b, tx->amount_cents); break;
    case DPS_SORT_USER_ID:        dps_sql_param_int (b, tx->user_id); break;
    case DPS_SORT_INGESTED_AT:    dps_sql_param_int (b, row->row_id); break;
    case DPS_SORT_MERCHANT:       dps_sql_param_text (b, tx->merchant); break;
    case DPS_SORT_CATEGORY:       dps_sql_param_text (b, tx->category); break;
    case DPS_SORT_CITY:           dps_sql_param_text (b, tx->city); break;
    case DPS_SORT_STATUS:         dps_sql_param_int (b, tx->status); break;
    case DPS_SORT_PAYMENT_METHOD: dps_sql_param_int (b, tx->payment_method); break;
    case DPS_SORT_TRANSACTION_ID: dps_sql_param_int (b, dps_uuid_to_key (tx->id)); break;
    case DPS_SORT_EVENT_HOUR:     dps_sql_param_int (b, tx->event_hour); break;
    case DPS_SORT_EVENT_DAYOFWEEK:dps_sql_param_int (b, tx->event_dayofweek); break;
    case DPS_SORT_CURRENCY:       dps_sql_param_text (b, tx->currency); break;
    default:
      g_assert_not_reached ();
    }
}

/* " AND (<key>, id) > (<row's key>, <row's id>)": the rows after @row in
 * ascending order, or before it (<) when @descending. */
static void
append_keyset (DpsSqlBuilder *b,
               DpsSortKey     key,
               const DpsRow  *row,
               gboolean       descending)
{
  if (key == DPS_SORT_INGESTED_AT)
    {
      dps_sql_append_printf (b, " AND id %s ", descending ? "<" : ">");
      dps_sql_param_int (b, row->row_id);
      return;
    }
  dps_sql_append_printf (b, " AND (%s, id) %s (", dps_sql_sort_column (key), descending ? "<" : ">");
  bind_sort_value (b, key, row);
  dps_sql_append (b, ", ");
  dps_sql_param_int (b, row->row_id);
  dps_sql_append (b, ")");
}

/* SELECT … FROM transactions [INDEXED BY …] WHERE <filter> [keyset]
 * ORDER BY <key> <dir>, id <dir>. */
static void
build_row_query (DpsSqlBuilder        *b,
                 DpsFilter            *filter,
                 const DpsSort        *sort,
                 const DpsRow         *after,
                 gboolean              backwards)
{
  const char *column = dps_sql_sort_column (sort->key);
  const char *index = sort_index (sort->key);
  gboolean descending = sort->descending != backwards;
  const char *dir = descending ? "DESC" : "ASC";

  dps_sql_append (b, "SELECT " ROW_COLUMNS " FROM transactions");
  if (index != NULL)
    dps_sql_append_printf (b, " INDEXED BY %s", index);
  dps_sql_append (b, " WHERE 1");
  dps_sql_append_filter (b, filter, DPS_SQL_TARGET_BASE);

  if (after != NULL)
    append_keyset (b, sort->key, after, descending);

  if (sort->key == DPS_SORT_INGESTED_AT)
    dps_sql_append_printf (b, " ORDER BY id %s", dir);
  else
    dps_sql_append_printf (b, " ORDER BY %s %s, id %s", column, dir, dir);
}

static GPtrArray *
dps_sqlite_repository_query_page (DpsRepository         *repository,
                                  DpsFilter             *filter,
                                  const DpsSort         *sort,
                                  const DpsPageRequest  *request,
                                  GCancellable          *cancellable,
                                  GError               **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;
  WITH_CANCELLABLE (self, cancellable);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  build_row_query (&b, filter, sort, request->after, request->backwards);
  dps_sql_append (&b, " LIMIT ");
  dps_sql_param_int (&b, request->limit > 0 ? request->limit : 100);
  if (request->after == NULL && request->offset > 0)
    {
      dps_sql_append (&b, " OFFSET ");
      dps_sql_param_int (&b, (gint64) request->offset);
    }

  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsRow *row = dps_row_new ();

      row_from_statement (stmt, row);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("read transactions"));
      return NULL;
    }

  /* Read backwards, returned in the requested order. */
  if (request->backwards)
    {
      for (guint i = 0, j = rows->len; i + 1 < j; i++, j--)
        {
          gpointer tmp = rows->pdata[i];
          rows->pdata[i] = rows->pdata[j - 1];
          rows->pdata[j - 1] = tmp;
        }
    }
  return g_steal_pointer (&rows);
}

static gboolean
dps_sqlite_repository_count_rows_before (DpsRepository  *repository,
                                         DpsFilter      *filter,
                                         const DpsSort  *sort,
                                         const DpsRow   *row,
                                         guint64        *out_count,
                                         GCancellable   *cancellable,
                                         GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  const char *index = sort_index (sort->key);
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;
  WITH_CANCELLABLE (self, cancellable);

  /* The rows "after" @row when reading backwards are those before it;
   * the sort index makes this a range count. */
  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_append (&b, "SELECT count(*) FROM transactions");
  if (index != NULL)
    dps_sql_append_printf (&b, " INDEXED BY %s", index);
  dps_sql_append (&b, " WHERE 1");
  dps_sql_append_filter (&b, filter, DPS_SQL_TARGET_BASE);
  append_keyset (&b, sort->key, row, !sort->descending);

  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_count = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_error (self, rc, error, _("read transactions"));
  return TRUE;
}

static gboolean
dps_sqlite_repository_foreach_row (DpsRepository  *repository,
                                   DpsFilter      *filter,
                                   const DpsSort  *sort,
                                   DpsRowFunc      func,
                                   gpointer        user_data,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_auto(DpsSqlBuilder) b = { 0 };
  DpsRow row = { 0 };
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  guint n = 0;
  int rc;
  WITH_CANCELLABLE (self, cancellable);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  build_row_query (&b, filter, sort, NULL, FALSE);

  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      row_from_statement (stmt, &row);
      if (!func (&row, user_data, error))
        {
          ok = FALSE;
          break;
        }
      if (++n % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
    }
  dps_row_clear (&row);
  sqlite3_reset (stmt);
  if (ok && rc != SQLITE_DONE)
    return set_error (self, rc, error, _("read transactions"));
  return ok;
}

static gboolean
dps_sqlite_repository_get_row (DpsRepository  *repository,
                               const guint8    id[16],
                               DpsRow        **out,
                               GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT t.id, t.tx_uuid, t.event_ts, t.event_date, t.event_hour, t.event_dow, "
                  "t.user_id, t.amount_cents, t.amount_bucket, t.merchant, t.category, t.city, "
                  "t.status, t.payment_method, t.currency, t.ingested_at, "
                  "p.payload, s.source_key, p.source_offset, p.source_line, p.source_partition "
                  "FROM transactions t LEFT JOIN transaction_payloads p ON p.id = t.id "
                  "LEFT JOIN sources s ON s.id = p.source_id "
                  "WHERE t.tx_key >= ?1 AND t.tx_key < ?1 + 64 AND t.tx_uuid = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dps_uuid_to_key (id));
  sqlite3_bind_blob (stmt, 2, id, 16, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      DpsRow *row = dps_row_new ();

      row_from_statement (stmt, row);
      row->tx.payload = g_strdup ((const char *) sqlite3_column_text (stmt, 16));
      if (row->tx.payload != NULL && row->tx.payload[0] == '\0')
        {
          /* Stored as its fields only: the text received was canonical. */
          g_autoptr(GString) text = g_string_new (NULL);

          if (dps_transaction_write_json (&row->tx, text))
            {
              g_free (row->tx.payload);
              row->tx.payload = g_string_free (g_steal_pointer (&text), FALSE);
              row->tx.payload_is_canonical = TRUE;
            }
        }
      row->source = g_strdup ((const char *) sqlite3_column_text (stmt, 17));
      row->source_offset = sqlite3_column_type (stmt, 18) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 18);
      row->source_line = sqlite3_column_type (stmt, 19) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 19);
      row->source_partition = sqlite3_column_type (stmt, 20) == SQLITE_NULL ? -1 : (gint32) sqlite3_column_int64 (stmt, 20);
      *out = row;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error (self, rc, error, _("read a transaction"));
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* data quality                                                           */

static gboolean
dps_sqlite_repository_count_rejects (DpsRepository         *repository,
                                     const DpsRejectQuery  *query,
                                     gint64                *by_reason,
                                     GError               **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_append (&b, "SELECT r.reason, count(*) FROM rejected_transactions r WHERE 1");
  dps_sql_append_reject_query (&b, query);
  dps_sql_append (&b, " GROUP BY r.reason");
  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsRejectReason reason;

      if (dps_reject_reason_from_string ((const char *) sqlite3_column_text (stmt, 0), &reason))
        by_reason[reason] += sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error, _("count rejected records"));
  return TRUE;
}

#define REJECT_COLUMNS \
  "r.id, r.rejected_at, r.run_id, s.source_key, r.source_partition, r.source_offset, " \
  "r.source_line, r.reason, r.field, r.detail, r.raw, r.raw_length, r.event_ts, r.transaction_id"

static void
reject_from_statement (sqlite3_stmt    *stmt,
                       DpsStoredReject *out)
{
  DpsReject *reject = &out->reject;
  DpsRejectReason reason = DPS_REJECT_MALFORMED_JSON;

  g_free (out->source);
  dps_reject_clear (reject);
  out->id = sqlite3_column_int64 (stmt, 0);
  out->rejected_at = sqlite3_column_int64 (stmt, 1);
  out->run_id = sqlite3_column_int64 (stmt, 2);
  out->source = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  reject->position.partition = (gint32) sqlite3_column_int64 (stmt, 4);
  reject->position.offset = sqlite3_column_int64 (stmt, 5);
  reject->position.line = sqlite3_column_int64 (stmt, 6);
  dps_reject_reason_from_string ((const char *) sqlite3_column_text (stmt, 7), &reason);
  reject->reason = reason;
  reject->field = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  reject->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  dps_reject_set_raw (reject, sqlite3_column_blob (stmt, 10), (gsize) sqlite3_column_bytes (stmt, 10));
  reject->raw_length = (gsize) sqlite3_column_int64 (stmt, 11);
  reject->event_ts = sqlite3_column_type (stmt, 12) == SQLITE_NULL ? G_MININT64
                                                                    : sqlite3_column_int64 (stmt, 12);
  reject->transaction_id = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
}

static sqlite3_stmt *
prepare_reject_listing (DpsSqliteRepository   *self,
                        const DpsRejectQuery  *query,
                        DpsSqlBuilder         *b,
                        GError               **error)
{
  dps_sql_builder_init (b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_append (b, "SELECT " REJECT_COLUMNS " FROM rejected_transactions r "
                     "LEFT JOIN sources s ON s.id = r.source_id WHERE r.id > ");
  dps_sql_param_int (b, query->after_id);
  dps_sql_append_reject_query (b, query);
  dps_sql_append (b, " ORDER BY r.id");
  if (query->limit > 0)
    {
      dps_sql_append (b, " LIMIT ");
      dps_sql_param_int (b, query->limit);
    }
  return prepare_built (self, b, error);
}

static GPtrArray *
dps_sqlite_repository_list_rejects (DpsRepository         *repository,
                                    const DpsRejectQuery  *query,
                                    GError               **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_stored_reject_free);
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare_reject_listing (self, query, &b, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsStoredReject *stored = g_new0 (DpsStoredReject, 1);

      dps_reject_clear (&stored->reject);
      reject_from_statement (stmt, stored);
      g_ptr_array_add (list, stored);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("read rejected records"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
dps_sqlite_repository_foreach_reject (DpsRepository         *repository,
                                      const DpsRejectQuery  *query,
                                      DpsRejectFunc          func,
                                      gpointer               user_data,
                                      GCancellable          *cancellable,
                                      GError               **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_auto(DpsSqlBuilder) b = { 0 };
  DpsStoredReject stored = { 0 };
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc;
  WITH_CANCELLABLE (self, cancellable);

  dps_reject_clear (&stored.reject);
  stmt = prepare_reject_listing (self, query, &b, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      reject_from_statement (stmt, &stored);
      if (!func (&stored, user_data, error))
        {
          ok = FALSE;
          break;
        }
    }
  sqlite3_reset (stmt);
  g_free (stored.source);
  dps_reject_clear (&stored.reject);
  if (ok && rc != SQLITE_DONE)
    return set_error (self, rc, error, _("read rejected records"));
  return ok;
}

static DpsBreakdown *
dps_sqlite_repository_reject_series (DpsRepository         *repository,
                                     const DpsRejectQuery  *query,
                                     GError               **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autoptr(DpsBreakdown) series = dps_breakdown_new (DPS_DIMENSION_DAY, DPS_DIMENSION_NONE);
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_append_printf (&b, "SELECT r.event_time / %" G_GINT64_FORMAT " AS day, r.reason, count(*) "
                             "FROM rejected_transactions r WHERE 1", DPS_USEC_PER_DAY);
  dps_sql_append_reject_query (&b, query);
  dps_sql_append (&b, " GROUP BY day, r.reason ORDER BY day, r.reason");
  stmt = prepare_built (self, &b, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsAggregate agg = { sqlite3_column_int64 (stmt, 2), 0, 0, 0 };
      g_autofree char *day = dps_format_date ((gint32) sqlite3_column_int64 (stmt, 0));

      dps_breakdown_add (series, day, (const char *) sqlite3_column_text (stmt, 1), &agg);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("read rejected records"));
      return NULL;
    }
  return g_steal_pointer (&series);
}

static GPtrArray *
dps_sqlite_repository_list_duplicates (DpsRepository  *repository,
                                       guint           limit,
                                       GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_duplicate_info_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT d.tx_uuid, d.arrivals, d.first_seen, d.last_seen, s.source_key "
                  "FROM duplicate_transactions d LEFT JOIN sources s ON s.id = d.last_source_id "
                  "ORDER BY d.arrivals DESC, d.last_seen DESC, d.tx_uuid LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DpsDuplicateInfo *info = g_new0 (DpsDuplicateInfo, 1);
      const void *uuid = sqlite3_column_blob (stmt, 0);

      if (uuid != NULL && sqlite3_column_bytes (stmt, 0) == 16)
        memcpy (info->id, uuid, 16);
      info->arrivals = sqlite3_column_int64 (stmt, 1);
      info->first_seen = sqlite3_column_int64 (stmt, 2);
      info->last_seen = sqlite3_column_int64 (stmt, 3);
      info->last_source = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (list, info);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error, _("read duplicates"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---------------------------------------------------------------------- */
/* checks and info                                                        */

static gboolean
dps_sqlite_repository_check_rollups (DpsRepository  *repository,
                                     gint32          day_from,
                                     gint32          day_to,
                                     gboolean       *out_equal,
                                     char          **out_detail,
                                     GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);

  *out_equal = TRUE;
  for (guint i = 0; i < n_specs; i++)
    {
      g_autofree char *sql = NULL;
      sqlite3_stmt *stmt;
      gint64 differences = 0;
      int rc;

      /* Symmetric difference between the rollup and a fresh aggregate. */
      sql = g_strdup_printf ("WITH fresh AS (SELECT event_date, %s, count(*) AS tx_count, "
                             "sum(amount_cents) AS amount_cents FROM transactions "
                             "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY event_date, %s), "
                             "kept AS (SELECT event_date, %s, tx_count, amount_cents FROM %s "
                             "WHERE event_date BETWEEN ?1 AND ?2) "
                             "SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept)) + "
                             "(SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh))",
                             specs[i].columns, specs[i].columns, specs[i].columns, specs[i].table);
      stmt = prepare (self, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, day_from);
      sqlite3_bind_int64 (stmt, 2, day_to);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        differences = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return set_error (self, rc, error, _("check the summaries"));

      if (differences > 0)
        {
          *out_equal = FALSE;
          if (out_detail != NULL && *out_detail == NULL)
            *out_detail = g_strdup_printf ("%s differs from transactions in %" G_GINT64_FORMAT " groups",
                                           specs[i].table, differences);
        }
    }
  return TRUE;
}

static gboolean
dps_sqlite_repository_rebuild_rollups (DpsRepository  *repository,
                                       GCancellable   *cancellable,
                                       GError        **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);
  WITH_CANCELLABLE (self, cancellable);

  if (!exec (self, "BEGIN IMMEDIATE", error, _("rebuild the summaries")))
    return FALSE;
  for (guint i = 0; i < n_specs; i++)
    {
      g_autofree char *clear = g_strdup_printf ("DELETE FROM %s", specs[i].table);
      g_autofree char *fill = g_strdup_printf ("INSERT INTO %s (event_date, %s, tx_count, amount_cents) "
                                               "SELECT event_date, %s, count(*), sum(amount_cents) "
                                               "FROM transactions GROUP BY event_date, %s",
                                               specs[i].table, specs[i].columns, specs[i].columns,
                                               specs[i].columns);

      if (!exec (self, clear, error, _("rebuild the summaries")) ||
          !exec (self, fill, error, _("rebuild the summaries")))
        {
          rollback (self);
          return FALSE;
        }
    }
  return exec (self, "COMMIT", error, _("rebuild the summaries"));
}

static gboolean
dps_sqlite_repository_get_info (DpsRepository      *repository,
                                DpsRepositoryInfo  *info,
                                GError            **error)
{
  DpsSqliteRepository *self = DPS_SQLITE_REPOSITORY (repository);
  guint n_migrations;
  gint64 version, page_count, page_size;
  sqlite3_stmt *stmt;
  int rc;
  GStatBuf st;

  dps_sqlite_schema_get_migrations (&n_migrations);
  if (!query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  info->backend = g_strdup ("SQLite");
  info->display_name = g_strdup (dps_repository_get_display_name (repository));
  info->location = g_strdup (self->path);
  info->schema_version = (gint) version;
  info->latest_version = (gint) n_migrations;
  info->first_event = G_MININT64;
  info->last_event = G_MININT64;
  info->size_bytes = -1;

  if (g_stat (self->path, &st) == 0)
    info->size_bytes = st.st_size;
  else if (query_int (self, "PRAGMA page_count", &page_count, NULL) &&
           query_int (self, "PRAGMA page_size", &page_size, NULL))
    info->size_bytes = page_count * page_size;

  if (version < 1)
    return TRUE;

  stmt = prepare (self,
                  "SELECT (SELECT coalesce(sum(tx_count), 0) FROM rollup_daily), "
                  "(SELECT count(*) FROM rejected_transactions), "
                  "(SELECT coalesce(sum(arrivals - 1), 0) FROM duplicate_transactions), "
                  "(SELECT count(*) FROM pipeline_runs), "
                  "(SELECT min(event_ts) FROM transactions), "
                  "(SELECT max(event_ts) FROM transactions)", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      info->rows = sqlite3_column_int64 (stmt, 0);
      info->rejects = sqlite3_column_int64 (stmt, 1);
      info->duplicates = sqlite3_column_int64 (stmt, 2);
      info->runs = sqlite3_column_int64 (stmt, 3);
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          info->first_event = sqlite3_column_int64 (stmt, 4);
          info->last_event = sqlite3_column_int64 (stmt, 5);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return set_error (self, rc, error, _("read the database summary"));
  return TRUE;
}

static gboolean
dps_sqlite_repository_count_null_keys (DpsRepository  *repository,
                                       gint64         *out_count,
                                       GError        **error)
{
  return query_int (DPS_SQLITE_REPOSITORY (repository),
                    "SELECT count(*) FROM transactions WHERE tx_uuid IS NULL "
                    "OR length(tx_uuid) != 16 OR event_ts IS NULL", out_count, error);
}

/* ---------------------------------------------------------------------- */

static void
dps_sqlite_repository_class_init (DpsSqliteRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsRepositoryClass *repository_class = DPS_REPOSITORY_CLASS (klass);

  object_class->finalize = dps_sqlite_repository_finalize;

  repository_class->migrate = dps_sqlite_repository_migrate;
  repository_class->get_info = dps_sqlite_repository_get_info;
  repository_class->ensure_source = dps_sqlite_repository_ensure_source;
  repository_class->write_batch = dps_sqlite_repository_write_batch;
  repository_class->write_batch_open = dps_sqlite_repository_write_batch_open;
  repository_class->prefers_large_writes = dps_sqlite_repository_prefers_large_writes;
  repository_class->commit_open = dps_sqlite_repository_commit_open;
  repository_class->rollback_open = dps_sqlite_repository_rollback_open;
  repository_class->load_checkpoint = dps_sqlite_repository_load_checkpoint;
  repository_class->list_checkpoints = dps_sqlite_repository_list_checkpoints;
  repository_class->begin_run = dps_sqlite_repository_begin_run;
  repository_class->update_run = dps_sqlite_repository_update_run;
  repository_class->list_runs = dps_sqlite_repository_list_runs;
  repository_class->query_kpis = dps_sqlite_repository_query_kpis;
  repository_class->query_breakdown = dps_sqlite_repository_query_breakdown;
  repository_class->count_rows = dps_sqlite_repository_count_rows;
  repository_class->query_page = dps_sqlite_repository_query_page;
  repository_class->foreach_row = dps_sqlite_repository_foreach_row;
  repository_class->count_rows_before = dps_sqlite_repository_count_rows_before;
  repository_class->get_row = dps_sqlite_repository_get_row;
  repository_class->count_rejects = dps_sqlite_repository_count_rejects;
  repository_class->list_rejects = dps_sqlite_repository_list_rejects;
  repository_class->foreach_reject = dps_sqlite_repository_foreach_reject;
  repository_class->reject_series = dps_sqlite_repository_reject_series;
  repository_class->list_duplicates = dps_sqlite_repository_list_duplicates;
  repository_class->check_rollups = dps_sqlite_repository_check_rollups;
  repository_class->rebuild_rollups = dps_sqlite_repository_rebuild_rollups;
  repository_class->count_null_keys = dps_sqlite_repository_count_null_keys;
}

static void
dps_sqlite_repository_init (DpsSqliteRepository *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->source_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rollups = dps_rollup_accumulator_new ();
  self->key_order_rows = KEY_ORDER_ROWS;
  self->key_order = g_array_new (FALSE, FALSE, sizeof (DpsKeyOrder));
  self->key_scratch = g_array_new (FALSE, FALSE, sizeof (DpsKeyOrder));
  self->insert_sql = multi_row_sql ("INSERT" TX_COLUMN_LIST, TX_COLUMNS, 1,
                                    " ON CONFLICT (tx_key) DO NOTHING");
  self->insert_group_sql = multi_row_sql ("INSERT OR IGNORE" TX_COLUMN_LIST, TX_COLUMNS, GROUP_ROWS, "");
  self->payload_sql = multi_row_sql ("INSERT" PAYLOAD_COLUMN_LIST, PAYLOAD_COLUMNS, 1, "");
  self->payload_group_sql = multi_row_sql ("INSERT OR IGNORE" PAYLOAD_COLUMN_LIST, PAYLOAD_COLUMNS,
                                           GROUP_ROWS, "");
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_wake);
}

DpsRepository *
dps_sqlite_repository_open (const char          *path,
                            DpsRepositoryFlags   flags,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autoptr(DpsSqliteRepository) self = NULL;
  g_autofree char *basename = NULL;
  int open_flags = SQLITE_OPEN_NOMUTEX;
  gint64 n_objects, page_size;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DPS_TYPE_SQLITE_REPOSITORY, NULL);
  self->path = g_canonicalize_filename (path, NULL);
  self->flags = flags;

  if (flags & DPS_REPOSITORY_FLAGS_READ_ONLY)
    open_flags |= SQLITE_OPEN_READONLY;
  else
    {
      open_flags |= SQLITE_OPEN_READWRITE;
      if (flags & DPS_REPOSITORY_FLAGS_CREATE)
        {
          g_autofree char *folder = g_path_get_dirname (self->path);

          open_flags |= SQLITE_OPEN_CREATE;
          if (g_mkdir_with_parents (folder, 0700) != 0)
            {
              int saved = errno;
              g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                           _("Could not create the folder “%s”: %s"), folder, g_strerror (saved));
              return NULL;
            }
        }
    }

  if (!(flags & DPS_REPOSITORY_FLAGS_CREATE) && !g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                   _("The database “%s” does not exist"), self->path);
      return NULL;
    }

  rc = sqlite3_open_v2 (self->path, &self->db, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (self, rc, error, _("open the database"));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 0);
  sqlite3_progress_handler (self->db, 10000, progress_cb, self);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Reading the schema is the first access: a file that is not a database
   * fails here with a clear message. */
  if (!query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return NULL;
  /* Only an empty file takes a page size, and only before WAL mode. */
  if (n_objects == 0 && !(flags & DPS_REPOSITORY_FLAGS_READ_ONLY))
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA page_size = %d", NEW_PAGE_SIZE);

      if (!exec (self, sql, error, _("configure the database")))
        return NULL;
    }
  if (!query_int (self, "PRAGMA page_size", &page_size, error))
    return NULL;
  self->checkpoint_pages = (gint) (CHECKPOINT_BYTES / MAX (page_size, 512));
  self->restart_pages = (gint) (RESTART_BYTES / MAX (page_size, 512));

  if (!(flags & DPS_REPOSITORY_FLAGS_READ_ONLY) &&
      (!exec_retrying (self, "PRAGMA journal_mode = WAL", error, _("configure the database")) ||
       /* In WAL mode NORMAL is safe against a crash of the application (a
        * committed batch survives kill -9); only a power cut may lose the
        * last commits, never corrupt the database. */
       !exec (self, "PRAGMA synchronous = NORMAL", error, _("configure the database"))))
    return NULL;
  if (!exec (self, "PRAGMA cache_size = -" G_STRINGIFY (PAGE_CACHE_KIB), error, _("configure the database")) ||
      /* Once restarted, a large log file is cut back to this size. */
      !exec (self, "PRAGMA journal_size_limit = 67108864", error, _("configure the database")) ||
      !exec (self, "PRAGMA temp_store = FILE", error, _("configure the database")))
    return NULL;
  if (!(flags & DPS_REPOSITORY_FLAGS_READ_ONLY))
    sqlite3_wal_hook (self->db, wal_hook_cb, self);

  basename = g_path_get_basename (self->path);
  dps_repository_set_display_name (DPS_REPOSITORY (self), basename);

  (void) cancellable;
  return DPS_REPOSITORY (g_steal_pointer (&self));
}

void
dps_sqlite_repository_set_key_order_rows (DpsRepository *repository,
                                          gint64         rows)
{
  g_return_if_fail (DPS_IS_SQLITE_REPOSITORY (repository));
  DPS_SQLITE_REPOSITORY (repository)->key_order_rows = rows;
}

const char *
dps_sqlite_repository_get_path (DpsRepository *repository)
{
  g_return_val_if_fail (DPS_IS_SQLITE_REPOSITORY (repository), NULL);
  return DPS_SQLITE_REPOSITORY (repository)->path;
}
