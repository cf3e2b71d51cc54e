/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <sys/mman.h>
#endif

#include "dps-column-store.h"
#include "dps-rollup.h"
#include "dps-sql-builder.h"
#include "dps-transaction.h"

/* Rows live in fixed blocks that never move, so a query reads published
 * rows while a sync fills the rest of the last block and adds new ones. */
#define BLOCK_SHIFT   16
#define BLOCK_ROWS    (1u << BLOCK_SHIFT)
#define MAX_BLOCKS    16384                 /* 2^30 rows */
#define CHUNK_ROWS    65536                 /* rows per read statement */
#define USEC_PER_HOUR G_GINT64_CONSTANT (3600000000)
/* Hours are kept per day (for the day × hour timeline) up to this many
 * days; beyond, days only. */
#define MAX_HOURLY_DAYS 1100
/* Beyond this many days between the first and last event, the per-day
 * counters would not be worth their memory. */
#define MAX_DAYS      400000
/* 10000-01-01: dates keep four-digit years, and so their text order. */
#define MAX_EVENT_TS  G_GINT64_CONSTANT (253402300800000000)

/* Dictionary codes: categories in a byte, cities and merchants in two. */
#define MAX_CATEGORIES 256
#define MAX_CITIES     65536
#define MAX_MERCHANTS  65536

/* status (2 bits) | payment method (2 bits) << 2 | amount bucket (3 bits) << 4 */
#define PACK_CODES(s, p, b) ((guint8) ((s) | ((p) << 2) | ((b) << 4)))
#define CODE_STATUS(c)      ((c) & 3u)
#define CODE_PAYMENT(c)     (((c) >> 2) & 3u)
#define CODE_BUCKET(c)      (((c) >> 4) & 7u)

typedef struct {
  gint64  event_ts[BLOCK_ROWS];
  guint32 amount_cents[BLOCK_ROWS];
  guint32 user_id[BLOCK_ROWS];
  guint16 merchant[BLOCK_ROWS];
  guint16 city[BLOCK_ROWS];
  guint8  category[BLOCK_ROWS];
  guint8  codes[BLOCK_ROWS];
  /* Written by the sync until the block is full; read only then. */
  gint64  min_ts;
  gint64  max_ts;
} Block;

/* Rowids are contiguous but for gaps left by deleted rows: a run says
 * that the row at index @index has rowid @rowid, and the following ones
 * the next rowids, up to the next run. */
typedef struct {
  guint64 index;
  gint64  rowid;
} RowidRun;

enum { DICT_CATEGORY, DICT_CITY, DICT_MERCHANT, N_DICTS };

typedef struct {
  GHashTable *index;      /* sync only: value → code + 1 */
  GPtrArray  *values;     /* code → value; appended under the write lock */
  guint       max;
  /* sync only: the last value seen, most rows repeat a recent one */
  const char *last_value;
  guint       last_code;
} Dict;

struct _DpsColumnStore
{
  GObject     parent_instance;

  char       *path;

  /* One sync at a time. */
  GMutex      sync_lock;

  /* The connection, used by the sync and by queries' small lookups. */
  GMutex      db_lock;
  sqlite3    *db;
  sqlite3_stmt *read_stmt;
  guint64     db_dev;
  guint64     db_ino;

  /* Blocks are filled by the sync beyond n_rows without the lock; what a
   * query reads (n_rows and below, dictionaries, runs) changes under the
   * write lock, and a query holds the read lock through its pass. */
  GRWLock     lock;
  Block     **blocks;
  guint64     n_rows;
  gint64      last_rowid;
  GArray     *runs;       /* RowidRun */
  Dict        dicts[N_DICTS];
  gint64      min_ts;
  gint64      max_ts;
  gboolean    loaded;
  char       *unsupported;
};

G_DEFINE_FINAL_TYPE (DpsColumnStore, dps_column_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (dps-column-store-error-quark, dps_column_store_error)

/* One counter of a group and status: the four measures come out of the
 * four statuses (approved = status 0). */
typedef struct {
  gint64 count;
  gint64 cents;
} Acc;

struct _DpsColumnStoreAnswer
{
  DpsKpis    kpis;
  char     **names[N_DICTS];      /* code → value, for the codes counted */
  guint      n_names[N_DICTS];
  Acc       *by_dict[N_DICTS];    /* [code * 4 + status] */
  Acc        by_payment[4 * 4];
  Acc        by_bucket[8 * 4];
  Acc        by_weekday_hour[7 * 24 * 4];
  Acc       *by_day;              /* [(day * hours + hour) * 4 + status] */
  gint32     day_from;
  guint      n_days;
  guint      hours;               /* 24 when kept per day, else 1 */
};

/* ---------------------------------------------------------------------- */
/* dictionaries and rows                                                  */

static void
dict_init (Dict *dict,
           guint max)
{
  dict->index = g_hash_table_new (g_str_hash, g_str_equal);
  dict->values = g_ptr_array_new_with_free_func (g_free);
  dict->max = max;
  dict->last_value = NULL;
}

static void
dict_clear (Dict *dict)
{
  g_clear_pointer (&dict->index, g_hash_table_unref);
  g_clear_pointer (&dict->values, g_ptr_array_unref);
  dict->last_value = NULL;
}

static gsize
dict_memory_size (Dict *dict)
{
  gsize size = dict->values->len * (sizeof (gpointer) * 4);

  for (guint i = 0; i < dict->values->len; i++)
    size += strlen (g_ptr_array_index (dict->values, i)) + 1;
  return size;
}

/* Blocks are mapped on their own, so that a dropped store gives its
 * memory back to the system rather than to the heap's free lists. */
static Block *
block_new (void)
{
  Block *block;

#ifdef G_OS_UNIX
  block = mmap (NULL, sizeof (Block), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED)
    g_error ("Could not allocate %" G_GSIZE_FORMAT " bytes", sizeof (Block));
#else
  block = g_new (Block, 1);
#endif
  block->min_ts = G_MAXINT64;
  block->max_ts = G_MININT64;
  return block;
}

static void
block_free (Block *block)
{
#ifdef G_OS_UNIX
  munmap (block, sizeof (Block));
#else
  g_free (block);
#endif
}

static inline Block *
block_for (DpsColumnStore *self,
           guint64         index)
{
  return self->blocks[index >> BLOCK_SHIFT];
}

/* The index of the row with @rowid among the first @n_rows, or -1. */
static gint64
index_of_rowid (DpsColumnStore *self,
                guint64         n_rows,
                gint64          rowid)
{
  guint lo = 0, hi = self->runs->len;
  const RowidRun *run;
  guint64 index, end;

  if (hi == 0)
    return -1;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->runs, RowidRun, mid).rowid <= rowid)
        lo = mid;
      else
        hi = mid;
    }
  run = &g_array_index (self->runs, RowidRun, lo);
  if (rowid < run->rowid)
    return -1;
  end = lo + 1 < self->runs->len ? g_array_index (self->runs, RowidRun, lo + 1).index : n_rows;
  index = run->index + (guint64) (rowid - run->rowid);
  return index < MIN (end, n_rows) ? (gint64) index : -1;
}

/* Forgets every row: the database was replaced. */
static void
reset_locked (DpsColumnStore *self)
{
  for (guint i = 0; i < MAX_BLOCKS && self->blocks[i] != NULL; i++)
    g_clear_pointer (&self->blocks[i], block_free);
  self->n_rows = 0;
  self->last_rowid = 0;
  g_array_set_size (self->runs, 0);
  for (guint i = 0; i < N_DICTS; i++)
    {
      guint max = self->dicts[i].max;

      dict_clear (&self->dicts[i]);
      dict_init (&self->dicts[i], max);
    }
  self->min_ts = G_MAXINT64;
  self->max_ts = G_MININT64;
  self->loaded = FALSE;
  g_clear_pointer (&self->unsupported, g_free);
}

static void
close_db (DpsColumnStore *self)
{
  g_clear_pointer (&self->read_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
}

static gboolean
set_sqlite_error (DpsColumnStore  *self,
                  GError         **error,
                  const char      *what)
{
  g_set_error (error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_FAILED,
               /* Translators: "Could not <doing> in <file>: <sqlite message>" */
               _("Could not %s in “%s”: %s"), what, self->path,
               self->db != NULL ? sqlite3_errmsg (self->db) : "");
  return FALSE;
}

static gboolean
file_identity (const char *path,
               guint64    *dev,
               guint64    *ino)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return FALSE;
  *dev = (guint64) st.st_dev;
  *ino = (guint64) st.st_ino;
  return TRUE;
}

/* Under db_lock. */
static gboolean
open_db (DpsColumnStore  *self,
         GError         **error)
{
  guint64 dev, ino;
  int rc;

  if (!file_identity (self->path, &dev, &ino))
    {
      g_set_error (error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_FAILED,
                   /* Translators: %s is a file path. */
                   _("The database “%s” is gone"), self->path);
      return FALSE;
    }
  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("open the database"));
      close_db (self);
      return FALSE;
    }
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_exec (self->db, "PRAGMA query_only = 1; PRAGMA cache_size = -16000", NULL, NULL, NULL);
  rc = sqlite3_prepare_v3 (self->db,
                           "SELECT id, event_ts, event_date, event_hour, user_id, amount_cents, "
                           "amount_bucket, merchant, category, city, status, payment_method "
                           "FROM transactions WHERE id > ?1 ORDER BY id LIMIT ?2",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->read_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("read the transactions"));
      close_db (self);
      return FALSE;
    }
  self->db_dev = dev;
  self->db_ino = ino;
  return TRUE;
}

/* Whether the rows held still are the database's: the same file, and
 * the last row held unchanged. Under db_lock and sync_lock. */
static gboolean
still_same_rows (DpsColumnStore  *self,
                 gboolean        *same,
                 GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  guint64 n_rows, dev, ino;
  gint64 last_rowid;
  Block *block;
  guint i;
  int rc;

  *same = file_identity (self->path, &dev, &ino) && dev == self->db_dev && ino == self->db_ino;
  if (!*same)
    return TRUE;

  g_rw_lock_reader_lock (&self->lock);
  n_rows = self->n_rows;
  last_rowid = self->last_rowid;
  g_rw_lock_reader_unlock (&self->lock);
  if (n_rows == 0)
    return TRUE;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT event_ts, amount_cents, user_id FROM transactions WHERE id = ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, error, _("read the transactions"));
  sqlite3_bind_int64 (stmt, 1, last_rowid);
  rc = sqlite3_step (stmt);
  block = block_for (self, n_rows - 1);
  i = (guint) ((n_rows - 1) & (BLOCK_ROWS - 1));
  if (rc == SQLITE_ROW)
    *same = sqlite3_column_int64 (stmt, 0) == block->event_ts[i] &&
            sqlite3_column_int64 (stmt, 1) == (gint64) block->amount_cents[i] &&
            sqlite3_column_int64 (stmt, 2) == (gint64) block->user_id[i];
  else if (rc == SQLITE_DONE)
    *same = FALSE;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_sqlite_error (self, error, _("read the transactions"));
  return TRUE;
}

/* Sync only. Appends a new value under the write lock. */
static gboolean
dict_code (DpsColumnStore *self,
           Dict           *dict,
           const char     *value,
           guint          *code)
{
  gpointer found;
  char *copy;

  if (dict->last_value != NULL && strcmp (dict->last_value, value) == 0)
    {
      *code = dict->last_code;
      return TRUE;
    }
  found = g_hash_table_lookup (dict->index, value);
  if (found != NULL)
    *code = GPOINTER_TO_UINT (found) - 1;
  else
    {
      if (dict->values->len >= dict->max)
        return FALSE;
      copy = g_strdup (value);
      g_rw_lock_writer_lock (&self->lock);
      *code = dict->values->len;
      g_ptr_array_add (dict->values, copy);
      g_rw_lock_writer_unlock (&self->lock);
      g_hash_table_insert (dict->index, copy, GUINT_TO_POINTER (*code + 1));
    }
  dict->last_value = g_ptr_array_index (dict->values, *code);
  dict->last_code = *code;
  return TRUE;
}

/* Stores the statement's row at @index; NULL or why it does not fit
 * (untranslated: dps_column_store_dup_unsupported_reason() translates).
 * Sync only, on rows beyond those published. */
static const char *
store_row (DpsColumnStore *self,
           sqlite3_stmt   *stmt,
           guint64         index)
{
  gint64 ts = sqlite3_column_int64 (stmt, 1);
  gint64 date = sqlite3_column_int64 (stmt, 2);
  gint64 hour = sqlite3_column_int64 (stmt, 3);
  gint64 user_id = sqlite3_column_int64 (stmt, 4);
  gint64 cents = sqlite3_column_int64 (stmt, 5);
  gint64 bucket = sqlite3_column_int64 (stmt, 6);
  gint64 status = sqlite3_column_int64 (stmt, 10);
  gint64 method = sqlite3_column_int64 (stmt, 11);
  const char *text[N_DICTS];
  guint codes[N_DICTS];
  Block *block;
  guint i;

  text[DICT_MERCHANT] = (const char *) sqlite3_column_text (stmt, 7);
  text[DICT_CATEGORY] = (const char *) sqlite3_column_text (stmt, 8);
  text[DICT_CITY] = (const char *) sqlite3_column_text (stmt, 9);

  /* Day, hour and weekday are computed from event_ts in the pass: they
   * must be what the table holds, and weekdays of days before 1970 come
   * out of SQL's ((event_date + 3) % 7) negative. */
  if (ts < 0 || ts >= MAX_EVENT_TS)
    return N_("an event time before 1970 or after 9999");
  if (date != ts / DPS_USEC_PER_DAY || hour != (ts % DPS_USEC_PER_DAY) / USEC_PER_HOUR)
    return N_("an event date or hour that does not match its event time");
  if (cents < 0 || cents > G_MAXUINT32)
    return N_("an amount beyond 42 million euros");
  if (bucket != (gint64) dps_amount_bucket_for_cents (cents))
    return N_("an amount bucket that does not match its amount");
  if (user_id < 0 || user_id > G_MAXUINT32)
    return N_("a user id beyond 32 bits");
  if (status < 0 || status >= DPS_N_STATUSES || method < 0 || method >= DPS_N_PAYMENT_METHODS)
    return N_("an unknown status or payment method");
  for (guint d = 0; d < N_DICTS; d++)
    {
      if (text[d] == NULL ||
          (gsize) sqlite3_column_bytes (stmt, d == DICT_MERCHANT ? 7 : d == DICT_CATEGORY ? 8 : 9)
          != strlen (text[d]))
        return N_("a text value with a NUL byte");
      if (!dict_code (self, &self->dicts[d], text[d], &codes[d]))
        return d == DICT_CATEGORY ? N_("more than 256 categories")
             : d == DICT_CITY ? N_("more than 65536 cities") : N_("more than 65536 merchants");
    }

  if ((index >> BLOCK_SHIFT) >= MAX_BLOCKS)
    return N_("more than a billion rows");
  block = block_for (self, index);
  if (block == NULL)
    {
      block = block_new ();
      self->blocks[index >> BLOCK_SHIFT] = block;
    }
  i = (guint) (index & (BLOCK_ROWS - 1));
  block->event_ts[i] = ts;
  block->amount_cents[i] = (guint32) cents;
  block->user_id[i] = (guint32) user_id;
  block->merchant[i] = (guint16) codes[DICT_MERCHANT];
  block->city[i] = (guint16) codes[DICT_CITY];
  block->category[i] = (guint8) codes[DICT_CATEGORY];
  block->codes[i] = PACK_CODES ((guint) status, (guint) method, (guint) bucket);
  block->min_ts = MIN (block->min_ts, ts);
  block->max_ts = MAX (block->max_ts, ts);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* the pass                                                               */

typedef struct {
  DpsColumnStore *store;
  guint64         start;
  guint64         end;
  GCancellable   *cancellable;

  /* the filter, as tables over codes */
  gint64          from;
  gint64          to;
  gint64          min_cents;
  gint64          max_cents;
  const guint8   *dict_ok[N_DICTS];
  guint8          codes_ok[256];
  const guint8   *weekday_hour_ok;     /* NULL: no restriction */
  gboolean        search;
  const guint8   *merchant_found;      /* merchants the search text is in */
  gboolean        has_user_id;
  guint32         user_id;
  const guint64  *found_rows;          /* sorted indexes whose id matches */
  guint           n_found_rows;

  /* the counters */
  Acc            *by_dict[N_DICTS];
  Acc             by_payment[4 * 4];
  Acc             by_bucket[8 * 4];
  Acc             by_weekday_hour[7 * 24 * 4];
  Acc            *by_day;
  gint32          day_from;
  guint           n_days;
  guint           hours;
  gint64          first;
  gint64          last;
  gboolean        cancelled;
} Pass;

static inline void
acc_add (Acc    *acc,
         gint64  cents)
{
  acc->count++;
  acc->cents += cents;
}

static gpointer
run_pass (gpointer data)
{
  Pass *p = data;
  DpsColumnStore *self = p->store;
  guint64 index = p->start;
  guint found = 0;

  while (found < p->n_found_rows && p->found_rows[found] < p->start)
    found++;

  while (index < p->end)
    {
      Block *block = block_for (self, index);
      guint i = (guint) (index & (BLOCK_ROWS - 1));
      guint n = (guint) MIN ((guint64) BLOCK_ROWS - i, p->end - index);
      guint64 base = index - i;

      if (g_cancellable_is_cancelled (p->cancellable))
        {
          p->cancelled = TRUE;
          return NULL;
        }

      /* A full block whose times all fall outside the period. */
      if (i == 0 && n == BLOCK_ROWS && (block->max_ts < p->from || block->min_ts >= p->to))
        {
          index += n;
          continue;
        }

      for (guint end = i + n; i < end; i++)
        {
          gint64 ts = block->event_ts[i];
          gint64 cents = block->amount_cents[i];
          guint codes = block->codes[i];
          guint category = block->category[i];
          guint city = block->city[i];
          guint merchant = block->merchant[i];
          guint status;
          gint64 day, hour, weekday;

          if (ts < p->from || ts >= p->to ||
              cents < p->min_cents || cents > p->max_cents ||
              !p->codes_ok[codes] ||
              !p->dict_ok[DICT_CATEGORY][category] ||
              !p->dict_ok[DICT_CITY][city] ||
              !p->dict_ok[DICT_MERCHANT][merchant])
            continue;

          day = ts / DPS_USEC_PER_DAY;
          hour = (ts - day * DPS_USEC_PER_DAY) / USEC_PER_HOUR;
          weekday = (day + 3) % 7;
          if (p->weekday_hour_ok != NULL && !p->weekday_hour_ok[weekday * 24 + hour])
            continue;

          if (p->search && !p->merchant_found[merchant] &&
              !(p->has_user_id && block->user_id[i] == p->user_id))
            {
              guint64 row = base + i;

              while (found < p->n_found_rows && p->found_rows[found] < row)
                found++;
              if (found >= p->n_found_rows || p->found_rows[found] != row)
                continue;
            }

          status = CODE_STATUS (codes);
          acc_add (&p->by_dict[DICT_CATEGORY][category * 4 + status], cents);
          acc_add (&p->by_dict[DICT_CITY][city * 4 + status], cents);
          acc_add (&p->by_dict[DICT_MERCHANT][merchant * 4 + status], cents);
          acc_add (&p->by_payment[CODE_PAYMENT (codes) * 4 + status], cents);
          acc_add (&p->by_bucket[CODE_BUCKET (codes) * 4 + status], cents);
          acc_add (&p->by_weekday_hour[(weekday * 24 + hour) * 4 + status], cents);
          if (p->hours == 24)
            acc_add (&p->by_day[((day - p->day_from) * 24 + hour) * 4 + status], cents);
          else
            acc_add (&p->by_day[(day - p->day_from) * 4 + status], cents);
          p->first = MIN (p->first, ts);
          p->last = MAX (p->last, ts);
        }
      index = base + BLOCK_ROWS;
    }
  return NULL;
}

static void
acc_merge (Acc       *into,
           const Acc *from,
           gsize      n)
{
  for (gsize i = 0; i < n; i++)
    {
      into[i].count += from[i].count;
      into[i].cents += from[i].cents;
    }
}

static void
aggregate_of (const Acc    *acc,
              DpsAggregate *agg)
{
  memset (agg, 0, sizeof *agg);
  for (guint s = 0; s < 4; s++)
    {
      agg->count += acc[s].count;
      agg->amount_cents += acc[s].cents;
    }
  agg->approved_count = acc[DPS_STATUS_APPROVED].count;
  agg->approved_cents = acc[DPS_STATUS_APPROVED].cents;
}

/* Rejects and duplicate arrivals in the period, as the repository
 * counts them. Under db_lock. */
static gboolean
count_period (DpsColumnStore  *self,
              DpsFilter       *filter,
              DpsKpis         *kpis,
              GError         **error)
{
  g_auto(DpsSqlBuilder) b = { 0 };
  sqlite3_stmt *stmt = NULL;
  gint64 from, to;
  int rc;

  dps_filter_get_period (filter, &from, &to);
  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_build_period_counts (&b, from, to);
  rc = sqlite3_prepare_v2 (self->db, b.sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, error, _("count rejected records"));
  for (guint i = 0; i < b.params->len; i++)
    sqlite3_bind_int64 (stmt, (int) i + 1, g_array_index (b.params, DpsSqlParam, i).value);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      kpis->rejected = sqlite3_column_int64 (stmt, 0);
      kpis->duplicates = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return set_sqlite_error (self, error, _("count rejected records"));
  return TRUE;
}

/* The ids of the rows whose transaction id starts with @search, sorted;
 * NULL when the text is no id prefix. Under db_lock. */
static GArray *
find_id_prefix (DpsColumnStore  *self,
                const char      *search,
                GError         **error)
{
  g_auto(DpsSqlBuilder) b = { 0 };
  g_autoptr(GArray) rowids = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_SQLITE);
  dps_sql_append (&b, "SELECT id FROM transactions WHERE 1");
  if (!dps_sql_append_search_uuid_range (&b, search))
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  dps_sql_append (&b, " ORDER BY id");
  rc = sqlite3_prepare_v2 (self->db, b.sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, _("search the transactions"));
      return NULL;
    }
  for (guint i = 0; i < b.params->len; i++)
    {
      const DpsSqlParam *param = &g_array_index (b.params, DpsSqlParam, i);

      if (param->type == DPS_SQL_PARAM_BLOB)
        sqlite3_bind_blob (stmt, (int) i + 1, param->blob, (int) param->size, SQLITE_STATIC);
      else if (param->type == DPS_SQL_PARAM_TEXT)
        sqlite3_bind_text (stmt, (int) i + 1, param->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, (int) i + 1, param->value);
    }
  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, _("search the transactions"));
      return NULL;
    }
  return g_steal_pointer (&rowids);
}

/* Whether one of @values (sorted, NULL-terminated) is @value. */
static gboolean
in_set (const char * const *values,
        const char         *value)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (strcmp (values[i], value) == 0)
      return TRUE;
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* breakdowns out of an answer                                            */

typedef struct {
  char         *key;
  char         *key2;
  DpsAggregate  agg;
} Group;

static void
group_clear (gpointer data)
{
  Group *group = data;

  g_free (group->key);
  g_free (group->key2);
}

typedef struct {
  DpsDimension      dimension;
  DpsDimension      dimension2;
  DpsBreakdownOrder order;
} GroupOrder;

/* The order the SQL gives: measure descending, then both keys. */
static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const Group *x = a, *y = b;
  const GroupOrder *o = user_data;
  int c;

  if (o->order == DPS_BREAKDOWN_ORDER_COUNT_DESC && x->agg.count != y->agg.count)
    return x->agg.count > y->agg.count ? -1 : 1;
  if (o->order == DPS_BREAKDOWN_ORDER_AMOUNT_DESC && x->agg.amount_cents != y->agg.amount_cents)
    return x->agg.amount_cents > y->agg.amount_cents ? -1 : 1;
  c = dps_sql_dimension_compare_keys (o->dimension, x->key, y->key);
  if (c != 0 || o->dimension2 == DPS_DIMENSION_NONE)
    return c;
  return dps_sql_dimension_compare_keys (o->dimension2, x->key2, y->key2);
}

static void
add_group (GArray             *groups,
           GHashTable         *merged,
           char               *key,
           char               *key2,
           const DpsAggregate *agg)
{
  Group group = { key, key2, *agg };

  if (agg->count == 0)
    {
      g_free (key);
      g_free (key2);
      return;
    }
  if (merged != NULL)
    {
      g_autofree char *joined = g_strconcat (key, "\x1f", key2 != NULL ? key2 : "", NULL);
      gpointer position;

      if (g_hash_table_lookup_extended (merged, joined, NULL, &position))
        {
          Group *into = &g_array_index (groups, Group, GPOINTER_TO_UINT (position));

          into->agg.count += agg->count;
          into->agg.amount_cents += agg->amount_cents;
          into->agg.approved_count += agg->approved_count;
          into->agg.approved_cents += agg->approved_cents;
          g_free (key);
          g_free (key2);
          return;
        }
      g_hash_table_insert (merged, g_steal_pointer (&joined), GUINT_TO_POINTER (groups->len));
    }
  g_array_append_val (groups, group);
}

static void
add_groups_of (DpsColumnStoreAnswer *answer,
               DpsDimension          dimension,
               GArray               *groups)
{
  const Acc *acc = NULL;
  guint n = 0;
  int dict = -1;

  switch (dimension)
    {
    case DPS_DIMENSION_CATEGORY:       dict = DICT_CATEGORY; break;
    case DPS_DIMENSION_CITY:           dict = DICT_CITY; break;
    case DPS_DIMENSION_MERCHANT:       dict = DICT_MERCHANT; break;
    case DPS_DIMENSION_STATUS:
    case DPS_DIMENSION_HOUR:
    case DPS_DIMENSION_WEEKDAY:
      break;
    case DPS_DIMENSION_PAYMENT_METHOD: acc = answer->by_payment; n = DPS_N_PAYMENT_METHODS; break;
    case DPS_DIMENSION_AMOUNT_BUCKET:  acc = answer->by_bucket; n = DPS_N_AMOUNT_BUCKETS; break;
    case DPS_DIMENSION_DAY:
    case DPS_DIMENSION_WEEK:
    case DPS_DIMENSION_MONTH:
    case DPS_DIMENSION_NONE:
    default:
      g_assert_not_reached ();
    }

  if (dict >= 0)
    {
      for (guint code = 0; code < answer->n_names[dict]; code++)
        {
          DpsAggregate agg;

          aggregate_of (&answer->by_dict[dict][code * 4], &agg);
          if (agg.count > 0)
            add_group (groups, NULL, g_strdup (answer->names[dict][code]), NULL, &agg);
        }
    }
  else if (acc != NULL)
    {
      for (guint v = 0; v < n; v++)
        {
          DpsAggregate agg;

          aggregate_of (&acc[v * 4], &agg);
          add_group (groups, NULL, dps_sql_dimension_key (dimension, v, NULL), NULL, &agg);
        }
    }
  else if (dimension == DPS_DIMENSION_STATUS)
    {
      for (guint s = 0; s < DPS_N_STATUSES; s++)
        {
          DpsAggregate agg = { 0 };

          for (guint b = 0; b < DPS_N_AMOUNT_BUCKETS; b++)
            {
              agg.count += answer->by_bucket[b * 4 + s].count;
              agg.amount_cents += answer->by_bucket[b * 4 + s].cents;
            }
          if (s == DPS_STATUS_APPROVED)
            {
              agg.approved_count = agg.count;
              agg.approved_cents = agg.amount_cents;
            }
          add_group (groups, NULL, dps_sql_dimension_key (dimension, s, NULL), NULL, &agg);
        }
    }
  else
    {
      /* Hours or weekdays out of weekday × hour. */
      guint n_values = dimension == DPS_DIMENSION_HOUR ? 24 : 7;

      for (guint v = 0; v < n_values; v++)
        {
          Acc sum[4] = { { 0 } };

          for (guint other = 0; other < (dimension == DPS_DIMENSION_HOUR ? 7u : 24u); other++)
            {
              guint cell = dimension == DPS_DIMENSION_HOUR ? other * 24 + v : v * 24 + other;

              acc_merge (sum, &answer->by_weekday_hour[cell * 4], 4);
            }
          {
            DpsAggregate agg;

            aggregate_of (sum, &agg);
            add_group (groups, NULL, dps_sql_dimension_key (dimension, v, NULL), NULL, &agg);
          }
        }
    }
}

/* ---------------------------------------------------------------------- */

static void
dps_column_store_finalize (GObject *object)
{
  DpsColumnStore *self = DPS_COLUMN_STORE (object);

  close_db (self);
  for (guint i = 0; i < MAX_BLOCKS && self->blocks[i] != NULL; i++)
    block_free (self->blocks[i]);
  g_free (self->blocks);
  g_array_unref (self->runs);
  for (guint i = 0; i < N_DICTS; i++)
    dict_clear (&self->dicts[i]);
  g_free (self->unsupported);
  g_free (self->path);
  g_mutex_clear (&self->sync_lock);
  g_mutex_clear (&self->db_lock);
  g_rw_lock_clear (&self->lock);

  G_OBJECT_CLASS (dps_column_store_parent_class)->finalize (object);
}

static void
dps_column_store_class_init (DpsColumnStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_column_store_finalize;
}

static void
dps_column_store_init (DpsColumnStore *self)
{
  g_mutex_init (&self->sync_lock);
  g_mutex_init (&self->db_lock);
  g_rw_lock_init (&self->lock);
  self->blocks = g_new0 (Block *, MAX_BLOCKS);
  self->runs = g_array_new (FALSE, FALSE, sizeof (RowidRun));
  dict_init (&self->dicts[DICT_CATEGORY], MAX_CATEGORIES);
  dict_init (&self->dicts[DICT_CITY], MAX_CITIES);
  dict_init (&self->dicts[DICT_MERCHANT], MAX_MERCHANTS);
  self->min_ts = G_MAXINT64;
  self->max_ts = G_MININT64;
}

/* ---------------------------------------------------------------------- */
/* public API                                                             */

DpsColumnStore *
dps_column_store_new (const char *path)
{
  DpsColumnStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DPS_TYPE_COLUMN_STORE, NULL);
  self->path = g_strdup (path);
  return self;
}

const char *
dps_column_store_get_path (DpsColumnStore *self)
{
  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), NULL);
  return self->path;
}

/* Reads one chunk; *out_n_read rows were appended. Sync only. */
static gboolean
sync_chunk (DpsColumnStore  *self,
            guint           *out_n_read,
            GError         **error)
{
  g_autoptr(GArray) new_runs = g_array_new (FALSE, FALSE, sizeof (RowidRun));
  const char *unsupported = NULL;
  guint64 n_rows, index;
  gint64 last_rowid, min_ts = G_MAXINT64, max_ts = G_MININT64;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc;

  g_rw_lock_reader_lock (&self->lock);
  n_rows = self->n_rows;
  last_rowid = self->last_rowid;
  g_rw_lock_reader_unlock (&self->lock);

  g_mutex_lock (&self->db_lock);
  if (self->db == NULL && !open_db (self, error))
    {
      g_mutex_unlock (&self->db_lock);
      return FALSE;
    }
  stmt = self->read_stmt;
  sqlite3_bind_int64 (stmt, 1, last_rowid);
  sqlite3_bind_int64 (stmt, 2, CHUNK_ROWS);
  index = n_rows;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      gint64 ts = sqlite3_column_int64 (stmt, 1);

      unsupported = store_row (self, stmt, index);
      if (unsupported != NULL)
        break;
      if (index == 0 || rowid != last_rowid + 1)
        {
          RowidRun run = { index, rowid };

          g_array_append_val (new_runs, run);
        }
      last_rowid = rowid;
      min_ts = MIN (min_ts, ts);
      max_ts = MAX (max_ts, ts);
      index++;
    }
  if (unsupported == NULL && rc != SQLITE_DONE)
    ok = set_sqlite_error (self, error, _("read the transactions"));
  sqlite3_reset (stmt);
  g_mutex_unlock (&self->db_lock);
  if (!ok)
    return FALSE;

  g_rw_lock_writer_lock (&self->lock);
  if (unsupported != NULL)
    {
      /* Nothing held can be trusted to answer: free it. */
      reset_locked (self);
      self->unsupported = g_strdup (unsupported);
      *out_n_read = 0;
    }
  else
    {
      g_array_append_vals (self->runs, new_runs->data, new_runs->len);
      self->n_rows = index;
      self->last_rowid = last_rowid;
      self->min_ts = MIN (self->min_ts, min_ts);
      self->max_ts = MAX (self->max_ts, max_ts);
      *out_n_read = (guint) (index - n_rows);
    }
  g_rw_lock_writer_unlock (&self->lock);
  return TRUE;
}

gboolean
dps_column_store_sync (DpsColumnStore  *self,
                       GCancellable    *cancellable,
                       GError         **error)
{
  gboolean same = TRUE;
  guint n_read;

  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->sync_lock);

  g_mutex_lock (&self->db_lock);
  if (self->db != NULL && !still_same_rows (self, &same, error))
    {
      g_mutex_unlock (&self->db_lock);
      g_mutex_unlock (&self->sync_lock);
      return FALSE;
    }
  if (!same)
    {
      close_db (self);
      g_rw_lock_writer_lock (&self->lock);
      reset_locked (self);
      g_rw_lock_writer_unlock (&self->lock);
    }
  if (self->db == NULL && !open_db (self, error))
    {
      g_mutex_unlock (&self->db_lock);
      g_mutex_unlock (&self->sync_lock);
      return FALSE;
    }
  g_mutex_unlock (&self->db_lock);

  do
    {
      gboolean unsupported;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !sync_chunk (self, &n_read, error))
        {
          g_mutex_unlock (&self->sync_lock);
          return FALSE;
        }
      g_rw_lock_reader_lock (&self->lock);
      unsupported = self->unsupported != NULL;
      g_rw_lock_reader_unlock (&self->lock);
      if (unsupported)
        break;
    }
  while (n_read == CHUNK_ROWS);

  g_rw_lock_writer_lock (&self->lock);
  self->loaded = self->unsupported == NULL;
  g_rw_lock_writer_unlock (&self->lock);

  g_mutex_unlock (&self->sync_lock);
  return TRUE;
}

gboolean
dps_column_store_is_ready (DpsColumnStore *self)
{
  gboolean ready;

  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), FALSE);

  g_rw_lock_reader_lock (&self->lock);
  ready = self->loaded && self->unsupported == NULL;
  g_rw_lock_reader_unlock (&self->lock);
  return ready;
}

char *
dps_column_store_dup_unsupported_reason (DpsColumnStore *self)
{
  char *reason;

  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), NULL);

  g_rw_lock_reader_lock (&self->lock);
  /* Translators: the reasons read "The database holds <reason>". */
  reason = self->unsupported != NULL
         ? g_strdup_printf (_("The database holds %s"), _(self->unsupported)) : NULL;
  g_rw_lock_reader_unlock (&self->lock);
  return reason;
}

guint64
dps_column_store_get_n_rows (DpsColumnStore *self)
{
  guint64 n;

  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), 0);

  g_rw_lock_reader_lock (&self->lock);
  n = self->n_rows;
  g_rw_lock_reader_unlock (&self->lock);
  return n;
}

guint64
dps_column_store_get_memory_size (DpsColumnStore *self)
{
  guint64 size = MAX_BLOCKS * sizeof (Block *);

  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), 0);

  g_rw_lock_reader_lock (&self->lock);
  for (guint i = 0; i < MAX_BLOCKS && self->blocks[i] != NULL; i++)
    size += sizeof (Block);
  size += self->runs->len * sizeof (RowidRun);
  for (guint i = 0; i < N_DICTS; i++)
    size += dict_memory_size (&self->dicts[i]);
  g_rw_lock_reader_unlock (&self->lock);
  return size;
}

gboolean
dps_column_store_filter_needs_scan (DpsFilter    *filter,
                                    DpsDimension  dimension,
                                    DpsDimension  dimension2)
{
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);

  return dps_rollup_choose (filter, dimension, dimension2) == NULL;
}

/* The filter's text set over a dictionary, as a table over its codes. */
static guint8 *
dict_table (Dict               *dict,
            const char * const *values)
{
  guint8 *table = g_malloc (MAX (dict->values->len, 1));

  for (guint code = 0; code < dict->values->len; code++)
    table[code] = values == NULL || in_set (values, g_ptr_array_index (dict->values, code));
  return table;
}

DpsColumnStoreAnswer *
dps_column_store_query (DpsColumnStore  *self,
                        DpsFilter       *filter,
                        GCancellable    *cancellable,
                        GError         **error)
{
  g_autoptr(DpsColumnStoreAnswer) answer = NULL;
  g_autoptr(GArray) found_rowids = NULL;
  g_autoptr(GArray) found_rows = NULL;
  g_autofree guint8 *merchant_found = NULL;
  g_autofree guint8 *weekday_hour_ok = NULL;
  guint8 *dict_ok[N_DICTS] = { NULL };
  Pass passes[2];
  GThread *thread = NULL;
  const char *search;
  gint64 from, to, min_cents, max_cents, user_id = 0;
  gint64 first_day, last_day;
  guint weekdays, hours, statuses, methods, buckets;
  guint64 n_rows;
  gboolean ready, cancelled = FALSE;

  g_return_val_if_fail (DPS_IS_COLUMN_STORE (self), NULL);
  g_return_val_if_fail (DPS_IS_FILTER (filter), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_rw_lock_reader_lock (&self->lock);
  ready = self->loaded && self->unsupported == NULL;
  g_rw_lock_reader_unlock (&self->lock);
  if (!ready)
    {
      g_set_error_literal (error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_UNSUPPORTED,
                           _("The transactions are not loaded in memory"));
      return NULL;
    }

  answer = g_new0 (DpsColumnStoreAnswer, 1);
  answer->kpis.first_event = answer->kpis.last_event = G_MININT64;
  search = dps_filter_get_search (filter);

  /* What SQL answers through indexes. */
  g_mutex_lock (&self->db_lock);
  if ((self->db == NULL && !open_db (self, error)) ||
      !count_period (self, filter, &answer->kpis, error) ||
      (search != NULL && (found_rowids = find_id_prefix (self, search, error)) == NULL))
    {
      g_mutex_unlock (&self->db_lock);
      return NULL;
    }
  g_mutex_unlock (&self->db_lock);

  dps_filter_get_period (filter, &from, &to);
  dps_filter_get_amount_range (filter, &min_cents, &max_cents);
  weekdays = dps_filter_get_weekdays (filter);
  hours = dps_filter_get_hours (filter);
  statuses = dps_filter_get_statuses (filter);
  methods = dps_filter_get_payment_methods (filter);
  buckets = dps_filter_get_amount_buckets (filter);

  g_rw_lock_reader_lock (&self->lock);
  n_rows = self->n_rows;

  /* The days the counters cover: the data's, within the period. */
  first_day = self->min_ts / DPS_USEC_PER_DAY;
  last_day = self->max_ts / DPS_USEC_PER_DAY;
  if (n_rows == 0)
    first_day = last_day = 0;
  if (from != DPS_FILTER_NO_TIME)
    first_day = MAX (first_day, dps_floor_div (from, DPS_USEC_PER_DAY));
  if (to != DPS_FILTER_NO_TIME)
    last_day = MIN (last_day, dps_floor_div (to - 1, DPS_USEC_PER_DAY));
  if (last_day < first_day)
    last_day = first_day;
  if (last_day - first_day + 1 > MAX_DAYS)
    {
      g_rw_lock_reader_unlock (&self->lock);
      g_set_error_literal (error, DPS_COLUMN_STORE_ERROR, DPS_COLUMN_STORE_ERROR_UNSUPPORTED,
                           _("The transactions span too many days to count in memory"));
      return NULL;
    }
  answer->day_from = (gint32) first_day;
  answer->n_days = (guint) (last_day - first_day + 1);
  answer->hours = answer->n_days <= MAX_HOURLY_DAYS ? 24 : 1;

  for (guint d = 0; d < N_DICTS; d++)
    {
      const char * const *values = d == DICT_CATEGORY ? dps_filter_get_categories (filter)
                                 : d == DICT_CITY ? dps_filter_get_cities (filter)
                                 : dps_filter_get_merchants (filter);

      dict_ok[d] = dict_table (&self->dicts[d], values);
      answer->n_names[d] = self->dicts[d].values->len;
      answer->names[d] = g_new0 (char *, answer->n_names[d] + 1);
      for (guint code = 0; code < answer->n_names[d]; code++)
        answer->names[d][code] = g_strdup (g_ptr_array_index (self->dicts[d].values, code));
    }

  if (weekdays != 0 || hours != 0)
    {
      weekday_hour_ok = g_malloc (7 * 24);
      for (guint w = 0; w < 7; w++)
        for (guint h = 0; h < 24; h++)
          weekday_hour_ok[w * 24 + h] = (weekdays == 0 || (weekdays & (1u << w)) != 0) &&
                                        (hours == 0 || (hours & (1u << h)) != 0);
    }

  if (search != NULL)
    {
      Dict *merchants = &self->dicts[DICT_MERCHANT];
      g_autofree char *needle = g_ascii_strdown (search, -1);

      /* SQLite's lower() folds ASCII letters only, as g_ascii_strdown(). */
      merchant_found = g_malloc (MAX (merchants->values->len, 1));
      for (guint code = 0; code < merchants->values->len; code++)
        {
          g_autofree char *hay = g_ascii_strdown (g_ptr_array_index (merchants->values, code), -1);

          merchant_found[code] = strstr (hay, needle) != NULL;
        }
      found_rows = g_array_new (FALSE, FALSE, sizeof (guint64));
      for (guint i = 0; i < found_rowids->len; i++)
        {
          gint64 index = index_of_rowid (self, n_rows, g_array_index (found_rowids, gint64, i));

          if (index >= 0)
            {
              guint64 row = (guint64) index;

              g_array_append_val (found_rows, row);
            }
        }
    }

  for (guint t = 0; t < 2; t++)
    {
      Pass *p = &passes[t];

      memset (p, 0, sizeof *p);
      p->store = self;
      p->start = t == 0 ? 0 : n_rows / 2;
      p->end = t == 0 ? n_rows / 2 : n_rows;
      p->cancellable = cancellable;
      p->from = from == DPS_FILTER_NO_TIME ? G_MININT64 : from;
      p->to = to == DPS_FILTER_NO_TIME ? G_MAXINT64 : to;
      p->min_cents = min_cents == DPS_FILTER_NO_AMOUNT ? G_MININT64 : min_cents;
      p->max_cents = max_cents == DPS_FILTER_NO_AMOUNT ? G_MAXINT64 : max_cents;
      for (guint d = 0; d < N_DICTS; d++)
        {
          p->dict_ok[d] = dict_ok[d];
          p->by_dict[d] = g_new0 (Acc, MAX (answer->n_names[d], 1) * 4);
        }
      for (guint c = 0; c < 256; c++)
        p->codes_ok[c] = (statuses == 0 || (statuses & (1u << CODE_STATUS (c))) != 0) &&
                         (methods == 0 || (methods & (1u << CODE_PAYMENT (c))) != 0) &&
                         (buckets == 0 || (buckets & (1u << CODE_BUCKET (c))) != 0);
      p->weekday_hour_ok = weekday_hour_ok;
      p->search = search != NULL;
      p->merchant_found = merchant_found;
      p->has_user_id = search != NULL && dps_sql_search_user_id (search, &user_id) &&
                       user_id >= 0 && user_id <= G_MAXUINT32;
      p->user_id = (guint32) user_id;
      if (found_rows != NULL)
        {
          p->found_rows = (const guint64 *) found_rows->data;
          p->n_found_rows = found_rows->len;
        }
      p->day_from = answer->day_from;
      p->n_days = answer->n_days;
      p->hours = answer->hours;
      p->by_day = g_new0 (Acc, (gsize) p->n_days * p->hours * 4);
      p->first = G_MAXINT64;
      p->last = G_MININT64;
    }

  /* Two halves on two threads. */
  thread = g_thread_try_new ("dps-column-pass", run_pass, &passes[1], NULL);
  run_pass (&passes[0]);
  if (thread != NULL)
    g_thread_join (thread);
  else
    run_pass (&passes[1]);

  g_rw_lock_reader_unlock (&self->lock);

  for (guint d = 0; d < N_DICTS; d++)
    g_free (dict_ok[d]);

  cancelled = passes[0].cancelled || passes[1].cancelled;
  if (!cancelled)
    {
      Acc total[4] = { { 0 } };

      for (guint d = 0; d < N_DICTS; d++)
        {
          answer->by_dict[d] = g_steal_pointer (&passes[0].by_dict[d]);
          acc_merge (answer->by_dict[d], passes[1].by_dict[d], (gsize) MAX (answer->n_names[d], 1) * 4);
        }
      answer->by_day = g_steal_pointer (&passes[0].by_day);
      acc_merge (answer->by_day, passes[1].by_day, (gsize) answer->n_days * answer->hours * 4);
      for (guint t = 0; t < 2; t++)
        {
          acc_merge (answer->by_payment, passes[t].by_payment, G_N_ELEMENTS (answer->by_payment));
          acc_merge (answer->by_bucket, passes[t].by_bucket, G_N_ELEMENTS (answer->by_bucket));
          acc_merge (answer->by_weekday_hour, passes[t].by_weekday_hour,
                     G_N_ELEMENTS (answer->by_weekday_hour));
        }
      for (guint b = 0; b < DPS_N_AMOUNT_BUCKETS; b++)
        acc_merge (total, &answer->by_bucket[b * 4], 4);
      aggregate_of (total, &answer->kpis.total);
      if (answer->kpis.total.count > 0)
        {
          answer->kpis.first_event = MIN (passes[0].first, passes[1].first);
          answer->kpis.last_event = MAX (passes[0].last, passes[1].last);
        }
      answer->kpis.from_rollup = FALSE;
    }
  for (guint t = 0; t < 2; t++)
    {
      for (guint d = 0; d < N_DICTS; d++)
        g_free (passes[t].by_dict[d]);
      g_free (passes[t].by_day);
    }

  if (cancelled)
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }
  return g_steal_pointer (&answer);
}

void
dps_column_store_answer_get_kpis (DpsColumnStoreAnswer *answer,
                                  DpsKpis              *kpis)
{
  g_return_if_fail (answer != NULL);
  g_return_if_fail (kpis != NULL);

  *kpis = answer->kpis;
}

DpsBreakdown *
dps_column_store_answer_get_breakdown (DpsColumnStoreAnswer *answer,
                                       DpsDimension          dimension,
                                       DpsDimension          dimension2,
                                       DpsBreakdownOrder     order,
                                       guint                 limit)
{
  g_autoptr(GArray) groups = NULL;
  g_autoptr(GHashTable) merged = NULL;
  GroupOrder group_order = { dimension, dimension2, order };
  gboolean by_time = dimension == DPS_DIMENSION_DAY || dimension == DPS_DIMENSION_WEEK ||
                     dimension == DPS_DIMENSION_MONTH;
  DpsBreakdown *breakdown;

  g_return_val_if_fail (answer != NULL, NULL);
  g_return_val_if_fail ((guint) dimension < DPS_N_DIMENSIONS, NULL);

  groups = g_array_new (FALSE, FALSE, sizeof (Group));
  g_array_set_clear_func (groups, group_clear);

  if (by_time && (dimension2 == DPS_DIMENSION_NONE ||
                  (dimension2 == DPS_DIMENSION_HOUR && answer->hours == 24)))
    {
      if (dimension != DPS_DIMENSION_DAY)
        merged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint day = 0; day < answer->n_days; day++)
        {
          const Acc *cells = &answer->by_day[(gsize) day * answer->hours * 4];
          gint32 number = answer->day_from + (gint32) day;

          if (dimension2 == DPS_DIMENSION_HOUR)
            for (guint h = 0; h < 24; h++)
              {
                DpsAggregate agg;

                aggregate_of (&cells[h * 4], &agg);
                if (agg.count > 0)
                  add_group (groups, merged, dps_sql_day_to_period_key (dimension, number),
                             dps_sql_dimension_key (DPS_DIMENSION_HOUR, h, NULL), &agg);
              }
          else
            {
              Acc sum[4] = { { 0 } };
              DpsAggregate agg;

              for (guint h = 0; h < answer->hours; h++)
                acc_merge (sum, &cells[h * 4], 4);
              aggregate_of (sum, &agg);
              if (agg.count > 0)
                add_group (groups, merged, dps_sql_day_to_period_key (dimension, number), NULL, &agg);
            }
        }
    }
  else if (dimension == DPS_DIMENSION_WEEKDAY && dimension2 == DPS_DIMENSION_HOUR)
    {
      for (guint w = 0; w < 7; w++)
        for (guint h = 0; h < 24; h++)
          {
            DpsAggregate agg;

            aggregate_of (&answer->by_weekday_hour[(w * 24 + h) * 4], &agg);
            add_group (groups, NULL, dps_sql_dimension_key (DPS_DIMENSION_WEEKDAY, w, NULL),
                       dps_sql_dimension_key (DPS_DIMENSION_HOUR, h, NULL), &agg);
          }
    }
  else if (!by_time && dimension2 == DPS_DIMENSION_NONE)
    add_groups_of (answer, dimension, groups);
  else
    return NULL;

  g_array_sort_with_data (groups, compare_groups, &group_order);
  if (limit > 0 && groups->len > limit)
    g_array_set_size (groups, limit);

  breakdown = dps_breakdown_new (dimension, dimension2);
  for (guint i = 0; i < groups->len; i++)
    {
      const Group *group = &g_array_index (groups, Group, i);

      dps_breakdown_add (breakdown, group->key, group->key2, &group->agg);
    }
  breakdown->from_rollup = FALSE;
  return breakdown;
}

void
dps_column_store_answer_free (DpsColumnStoreAnswer *answer)
{
  if (answer == NULL)
    return;
  for (guint d = 0; d < N_DICTS; d++)
    {
      g_strfreev (answer->names[d]);
      g_free (answer->by_dict[d]);
    }
  g_free (answer->by_day);
  g_free (answer);
}
