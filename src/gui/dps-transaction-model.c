/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dps-transaction-model.h"

/* How rows are found.
 *
 * Items live in pages of page_size rows, numbered by "index" (position
 * minus origin: origin grows when rows arrive before the first one, so
 * the rows already read keep their page). A page is read with the
 * cheapest request the cache allows:
 *
 *  1. keyset after the last row of the page before it, when that page was
 *     read (scrolling down), or before the first row of the page after it
 *     (scrolling up): the sort index is entered at the row, so the cost
 *     does not depend on the position;
 *  2. sorted by time, when the count came from the rollups: the rows per
 *     day (a breakdown by day, answered by the same rollups in a few
 *     milliseconds) tell which day holds the position and how many rows
 *     come before that day, so the page is read with the filter narrowed
 *     to start (or, newest first, end) at that day and an offset smaller
 *     than one day's rows: the timestamp at a position, found without
 *     reading the rows before it;
 *  3. otherwise an offset from the nearer end of the listing: the first
 *     and last pages are immediate, and "jump to the last row" reads
 *     backwards from the end with offset = n_items - end of page.
 *
 * Offsets walk the sort index (SQLite skips rows without reading them,
 * unless the filter needs a column of the row), so a jump into the middle
 * of n rows costs up to n/2 index steps: see
 * tests/bench/bench-transactions.c for the figures. Page edges (first and
 * last sort keys of every page read) outlive the pages themselves, so a
 * place visited once is reached again by keyset.
 *
 * A new query shows its first page before counting: without rollups (a
 * search, an amount range) the count reads every row, the first page only
 * a few. The list holds that page until the count adds the rest.
 *
 * Requests wait in a last-in first-out queue: after a fast scroll the
 * page in view is read first and pages scrolled past are dropped. One
 * request runs at a time on the model's own connection, so counts,
 * pages and refreshes never race each other. */

/* Rows kept in memory, loaded or not: about 10 MB. */
#define CACHE_ROWS 32768
/* Pages waiting to be read beyond this are the ones scrolled past. */
#define MAX_WANTED 16
/* Positions to find again after a refresh, at most. */
#define MAX_KEEP_ROWS 2048
/* Pages read again in place by a refresh that keeps the items. */
#define REFRESH_KEEP_PAGES 4

typedef struct {
  gint64      number;
  gint64      first;          /* index of items[0]: its position minus origin */
  GPtrArray  *items;          /* DpsTransactionItem*, one per position */
  GList       lru_link;       /* in self->lru, data = this */
  GList       wanted_link;    /* in self->wanted when queued */
  guint       loaded : 1;
  guint       queued : 1;
  guint       in_flight : 1;
  guint       stale : 1;      /* loaded, read again after a refresh */
  guint       prefetch : 1;   /* asked for by the model, not by a view */
} Page;

/* The sort value and id of a row: enough for a keyset request. */
typedef struct {
  gint64  row_id;
  gint64  value;
  char   *text;
  guint8  id[16];
} SortKey;

typedef struct {
  SortKey *first;
  SortKey *last;
} PageEdges;

/* Rows of the listing on one UTC day. */
typedef struct {
  gint32  day;
  guint64 count;
} DayCount;

typedef enum {
  JOB_RESET,
  JOB_COUNT,
  JOB_PAGE,
  JOB_REFRESH,
  JOB_DAYS,
} JobKind;

typedef enum {
  CHANGE_NONE,
  CHANGE_APPEND,
  CHANGE_PREPEND,
  CHANGE_ALL,
} ChangeKind;

/* What a worker reads. Filled on the main thread, read by the worker,
 * results read back on the main thread. */
typedef struct {
  JobKind        kind;
  guint          generation;
  DpsRepository *repository;
  DpsFilter     *filter;
  DpsSort        sort;

  /* JOB_RESET and JOB_PAGE */
  guint          page_size;
  gint64         number;
  DpsRow        *after;
  gboolean       backwards;
  guint64        offset;
  guint          limit;

  /* JOB_REFRESH */
  guint          old_n_items;
  DpsRow        *old_first;
  DpsRow        *old_last;
  GPtrArray     *keep_rows;     /* DpsRow* */
  GTask         *task;          /* the caller's, completed on apply */

  /* results */
  guint64        n_items;
  gboolean       from_rollup;   /* the count came from the rollups */
  DpsKpis        kpis;          /* read with the count */
  gboolean       counted;       /* n_items is the count, not a first page */
  GArray        *days;          /* DayCount by day, or NULL */
  GPtrArray     *rows;          /* DpsRow* */
  DpsRow        *first;
  DpsRow        *last;
  ChangeKind     change;
  GArray        *positions;     /* guint per keep row, for CHANGE_ALL */
} Job;

struct _DpsTransactionModel
{
  GObject         parent_instance;

  /* Owned. */
  DpsRepository  *reader;
  DpsFilter      *filter;        /* the snapshot items follow; never modified */
  DpsSort         sort;
  GHashTable     *pages;         /* gint64 number → Page* (owned) */
  GHashTable     *edges;         /* gint64 number → PageEdges* (owned) */
  GQueue          lru;           /* Page*, most recent first */
  GQueue          wanted;        /* Page*, most recent first */
  GQueue          refreshes;     /* Job* waiting (JOB_REFRESH) */
  GArray         *days;          /* DayCount by day for time sorts, or NULL */
  gboolean        days_wanted;   /* worth reading after the first page */
  gboolean        count_pending; /* the count (and key figures) is to be read */
  gboolean        counted;       /* n_items is the count, not a first page */
  DpsKpis         kpis;          /* of the listing, read with its count */
  gboolean        kpis_valid;
  DpsRow         *first_row;     /* first and last row at the last count, */
  DpsRow         *last_row;      /* for indexed sorts; NULL otherwise */

  /* State. */
  guint           n_items;
  guint           page_size;
  gint64          origin;
  guint           cached_rows;
  guint           generation;
  gboolean        reset_pending;
  gboolean        running;       /* a job is on the worker */
  GCancellable   *running_cancellable;   /* owned: the running job's */
  gint64          running_page;  /* its page, if a page read by offset */
  gboolean        running_costly;
  gint64          last_number;   /* page last read for a view: the direction */
};

static void dps_transaction_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpsTransactionModel, dps_transaction_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      dps_transaction_model_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_BUSY,
  PROP_COUNTED,
  N_PROPS
};

enum {
  RESET,
  KPIS_CHANGED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule (DpsTransactionModel *self);

/* ---------------------------------------------------------------------- */
/* sort keys                                                              */

/* Sorts the storage walks in order (rowid, transaction key, event time):
 * a page costs the same wherever it is. Other sorts read the whole
 * filtered set for every page, so their pages are larger. */
static gboolean
sort_is_indexed (const DpsSort *sort)
{
  return sort->key == DPS_SORT_EVENT_TS ||
         sort->key == DPS_SORT_TRANSACTION_ID ||
         sort->key == DPS_SORT_INGESTED_AT;
}

static guint
page_size_for_sort (const DpsSort *sort)
{
  return sort_is_indexed (sort) ? 256 : 2048;
}

static void
sort_key_free (SortKey *key)
{
  if (key == NULL)
    return;
  g_free (key->text);
  g_free (key);
}

static SortKey *
sort_key_new (const DpsRow *row,
              DpsSortKey    sort_key)
{
  const DpsTransaction *tx = &row->tx;
  SortKey *key = g_new0 (SortKey, 1);

  key->row_id = row->row_id;
  switch (sort_key)
    {
    case DPS_SORT_EVENT_TS:        key->value = tx->event_ts; break;
    case DPS_SORT_AMOUNT:          key->value = tx->amount_cents; break;
    case DPS_SORT_USER_ID:         key->value = tx->user_id; break;
    case DPS_SORT_INGESTED_AT:     key->value = row->ingested_at; break;
    case DPS_SORT_MERCHANT:        key->text = g_strdup (tx->merchant); break;
    case DPS_SORT_CATEGORY:        key->text = g_strdup (tx->category); break;
    case DPS_SORT_CITY:            key->text = g_strdup (tx->city); break;
    case DPS_SORT_STATUS:          key->value = tx->status; break;
    case DPS_SORT_PAYMENT_METHOD:  key->value = tx->payment_method; break;
    case DPS_SORT_TRANSACTION_ID:  memcpy (key->id, tx->id, 16); break;
    case DPS_SORT_EVENT_HOUR:      key->value = tx->event_hour; break;
    case DPS_SORT_EVENT_DAYOFWEEK: key->value = tx->event_dayofweek; break;
    case DPS_SORT_CURRENCY:        key->text = g_strdup (tx->currency); break;
    default:
      g_assert_not_reached ();
    }
  return key;
}

/* A row holding only what a keyset request reads of it. */
static DpsRow *
sort_key_to_row (const SortKey *key,
                 DpsSortKey     sort_key)
{
  DpsRow *row = dps_row_new ();
  DpsTransaction *tx = &row->tx;

  row->row_id = key->row_id;
  switch (sort_key)
    {
    case DPS_SORT_EVENT_TS:        tx->event_ts = key->value; break;
    case DPS_SORT_AMOUNT:          tx->amount_cents = key->value; break;
    case DPS_SORT_USER_ID:         tx->user_id = key->value; break;
    case DPS_SORT_INGESTED_AT:     row->ingested_at = key->value; break;
    case DPS_SORT_MERCHANT:        tx->merchant = g_strdup (key->text); break;
    case DPS_SORT_CATEGORY:        tx->category = g_strdup (key->text); break;
    case DPS_SORT_CITY:            tx->city = g_strdup (key->text); break;
    case DPS_SORT_STATUS:          tx->status = (DpsStatus) key->value; break;
    case DPS_SORT_PAYMENT_METHOD:  tx->payment_method = (DpsPaymentMethod) key->value; break;
    case DPS_SORT_TRANSACTION_ID:  memcpy (tx->id, key->id, 16); break;
    case DPS_SORT_EVENT_HOUR:      tx->event_hour = (guint8) key->value; break;
    case DPS_SORT_EVENT_DAYOFWEEK: tx->event_dayofweek = (guint8) key->value; break;
    case DPS_SORT_CURRENCY:        g_strlcpy (tx->currency, key->text != NULL ? key->text : "",
                                              sizeof tx->currency); break;
    default:
      g_assert_not_reached ();
    }
  return row;
}

static void
page_edges_free (gpointer data)
{
  PageEdges *edges = data;

  sort_key_free (edges->first);
  sort_key_free (edges->last);
  g_free (edges);
}

/* ---------------------------------------------------------------------- */
/* pages                                                                  */

static gint64
page_number_of (DpsTransactionModel *self,
                guint                position)
{
  return dps_floor_div ((gint64) position - self->origin, self->page_size);
}

/* The indexes [*first, *end) page @number covers now (empty if none). */
static void
page_bounds (DpsTransactionModel *self,
             gint64               number,
             gint64              *first,
             gint64              *end)
{
  gint64 lo = number * (gint64) self->page_size;
  gint64 hi = lo + self->page_size;

  *first = CLAMP (lo, -self->origin, (gint64) self->n_items - self->origin);
  *end = CLAMP (hi, -self->origin, (gint64) self->n_items - self->origin);
}

static guint
page_start (DpsTransactionModel *self,
            Page                *page)
{
  return (guint) (page->first + self->origin);
}

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

static void
unqueue_page (DpsTransactionModel *self,
              Page                *page)
{
  if (!page->queued)
    return;
  g_queue_unlink (&self->wanted, &page->wanted_link);
  page->queued = FALSE;
}

static void
remove_page (DpsTransactionModel *self,
             Page                *page)
{
  unqueue_page (self, page);
  g_queue_unlink (&self->lru, &page->lru_link);
  self->cached_rows -= page->items->len;
  g_hash_table_remove (self->pages, &page->number);
}

static void
evict_pages (DpsTransactionModel *self,
             Page                *keep)
{
  GList *link = self->lru.tail;

  while (self->cached_rows > CACHE_ROWS && link != NULL)
    {
      Page *page = link->data;

      link = link->prev;
      if (page == keep || page->in_flight)
        continue;
      remove_page (self, page);
    }
}

static Page *
create_page (DpsTransactionModel *self,
             gint64               number)
{
  Page *page = g_new0 (Page, 1);
  gint64 first, end;

  page_bounds (self, number, &first, &end);
  g_assert (end > first);

  page->number = number;
  page->first = first;
  page->items = g_ptr_array_new_full ((guint) (end - first), g_object_unref);
  for (gint64 i = first; i < end; i++)
    g_ptr_array_add (page->items, dps_transaction_item_new ());
  page->lru_link.data = page;
  page->wanted_link.data = page;
  g_hash_table_insert (self->pages, &page->number, page);
  g_queue_push_head_link (&self->lru, &page->lru_link);
  self->cached_rows += page->items->len;
  evict_pages (self, page);
  return page;
}

static void
touch_page (DpsTransactionModel *self,
            Page                *page)
{
  g_queue_unlink (&self->lru, &page->lru_link);
  g_queue_push_head_link (&self->lru, &page->lru_link);
}

static void
want_page (DpsTransactionModel *self,
           Page                *page,
           gboolean             prefetch)
{
  if (page->in_flight || (page->loaded && !page->stale))
    return;
  if (page->queued)
    {
      if (prefetch)
        return;
      g_queue_unlink (&self->wanted, &page->wanted_link);
    }
  page->queued = TRUE;
  page->prefetch = prefetch;
  if (prefetch)
    g_queue_push_tail_link (&self->wanted, &page->wanted_link);
  else
    g_queue_push_head_link (&self->wanted, &page->wanted_link);

  /* Pages scrolled past long ago are not worth reading any more. */
  while (self->wanted.length > MAX_WANTED)
    unqueue_page (self, self->wanted.tail->data);
}

static void
clear_pages (DpsTransactionModel *self)
{
  g_queue_init (&self->wanted);
  g_queue_init (&self->lru);
  g_hash_table_remove_all (self->pages);
  g_hash_table_remove_all (self->edges);
  self->cached_rows = 0;
}

/* Records the sort keys at both ends of a page that was just read. */
static void
record_edges (DpsTransactionModel *self,
              gint64               number,
              GPtrArray           *rows)
{
  PageEdges *edges;

  if (rows->len == 0)
    return;
  edges = g_new0 (PageEdges, 1);
  edges->first = sort_key_new (g_ptr_array_index (rows, 0), self->sort.key);
  edges->last = sort_key_new (g_ptr_array_index (rows, rows->len - 1), self->sort.key);
  g_hash_table_insert (self->edges, g_memdup2 (&number, sizeof number), edges);
}

/* Hands the rows to the page's items (notifying views) and marks it read. */
static void
fill_page (DpsTransactionModel *self,
           Page                *page,
           GPtrArray           *rows)
{
  guint n = MIN (rows->len, page->items->len);

  record_edges (self, page->number, rows);
  for (guint i = 0; i < n; i++)
    dps_transaction_item_set_row (g_ptr_array_index (page->items, i),
                                  g_steal_pointer (&rows->pdata[i]));
  page->loaded = TRUE;
  page->stale = FALSE;
}

/* ---------------------------------------------------------------------- */
/* jobs                                                                   */

static void
job_free (Job *job)
{
  g_clear_object (&job->repository);
  g_clear_object (&job->filter);
  g_clear_pointer (&job->after, dps_row_free);
  g_clear_pointer (&job->old_first, dps_row_free);
  g_clear_pointer (&job->old_last, dps_row_free);
  g_clear_pointer (&job->keep_rows, g_ptr_array_unref);
  g_clear_object (&job->task);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  g_clear_pointer (&job->first, dps_row_free);
  g_clear_pointer (&job->last, dps_row_free);
  g_clear_pointer (&job->positions, g_array_unref);
  g_clear_pointer (&job->days, g_array_unref);
  g_free (job);
}

static Job *
job_new (DpsTransactionModel *self,
         JobKind              kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->generation = self->generation;
  job->repository = g_object_ref (self->reader);
  job->filter = g_object_ref (self->filter);
  job->sort = self->sort;
  /* A reset brings the page size of its sort. */
  job->page_size = kind == JOB_RESET ? page_size_for_sort (&self->sort) : self->page_size;
  return job;
}

static DpsRow *
read_one (Job           *job,
          gboolean       backwards,
          GCancellable  *cancellable,
          GError       **error)
{
  DpsPageRequest request = { NULL, backwards, 0, 1 };
  g_autoptr(GPtrArray) rows = dps_repository_query_page (job->repository, job->filter, &job->sort,
                                                         &request, cancellable, error);

  if (rows == NULL || rows->len == 0)
    return NULL;
  return g_ptr_array_steal_index (rows, 0);
}

static gboolean
count_rows (Job           *job,
            GCancellable  *cancellable,
            GError       **error)
{
  if (!dps_repository_query_kpis (job->repository, job->filter, &job->kpis, cancellable, error))
    return FALSE;
  job->n_items = MIN ((guint64) job->kpis.total.count, G_MAXUINT - 1);
  job->from_rollup = job->kpis.from_rollup;
  return TRUE;
}

/* The rows of each day: cheap only from the rollups (a day adds no
 * dimension, so the rollup that counted answers it too). */
static gboolean
run_days (Job           *job,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(DpsBreakdown) days = NULL;
  guint64 total = 0;

  days = dps_repository_query_breakdown (job->repository, job->filter, DPS_DIMENSION_DAY,
                                         DPS_DIMENSION_NONE, DPS_BREAKDOWN_ORDER_KEY, 0,
                                         cancellable, error);
  if (days == NULL)
    return FALSE;
  job->days = g_array_sized_new (FALSE, FALSE, sizeof (DayCount), dps_breakdown_get_n_items (days));
  for (guint i = 0; i < dps_breakdown_get_n_items (days); i++)
    {
      const DpsBreakdownItem *item = dps_breakdown_get_item (days, i);
      DayCount day;

      if (!dps_parse_date (item->key, &day.day) || item->agg.count <= 0)
        continue;
      day.count = (guint64) item->agg.count;
      total += day.count;
      g_array_append_val (job->days, day);
    }
  /* Read by another statement than the count: rows landing in between
   * make them disagree, and then they are of no use. */
  if (total != job->old_n_items)
    g_clear_pointer (&job->days, g_array_unref);
  return TRUE;
}

/* The first page before the count: a count without rollups reads every
 * row (seconds on millions), the first page only a few. One row more
 * than a page says whether there is more to count. */
static gboolean
run_reset (Job           *job,
           GCancellable  *cancellable,
           GError       **error)
{
  DpsPageRequest request = { NULL, FALSE, 0, job->page_size + 1 };

  job->rows = dps_repository_query_page (job->repository, job->filter, &job->sort, &request,
                                         cancellable, error);
  if (job->rows == NULL)
    return FALSE;
  if (job->rows->len > job->page_size)
    g_ptr_array_set_size (job->rows, job->page_size);
  else
    job->counted = TRUE;
  job->n_items = job->rows->len;

  if (sort_is_indexed (&job->sort) && job->rows->len > 0)
    {
      job->first = dps_row_copy (g_ptr_array_index (job->rows, 0));
      if (job->counted)
        job->last = dps_row_copy (g_ptr_array_index (job->rows, job->rows->len - 1));
    }
  return TRUE;
}

static gboolean
run_count (Job           *job,
           GCancellable  *cancellable,
           GError       **error)
{
  if (!count_rows (job, cancellable, error))
    return FALSE;
  if (sort_is_indexed (&job->sort) && job->n_items > 0)
    {
      job->last = read_one (job, TRUE, cancellable, error);
      if (job->last == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_page (Job           *job,
          GCancellable  *cancellable,
          GError       **error)
{
  DpsPageRequest request = { job->after, job->backwards, job->offset, job->limit };

  job->rows = dps_repository_query_page (job->repository, job->filter, &job->sort, &request,
                                         cancellable, error);
  return job->rows != NULL;
}

static gboolean
run_refresh (Job           *job,
             GCancellable  *cancellable,
             GError       **error)
{
  guint64 before;

  if (!count_rows (job, cancellable, error))
    return FALSE;

  if (job->n_items == job->old_n_items)
    {
      /* Only inserts happen: the same count means the same rows. */
      job->change = CHANGE_NONE;
      return TRUE;
    }

  job->change = CHANGE_ALL;
  if (job->n_items > job->old_n_items && job->old_last != NULL && job->old_first != NULL)
    {
      if (!dps_repository_count_rows_before (job->repository, job->filter, &job->sort,
                                             job->old_last, &before, cancellable, error))
        return FALSE;
      if (before == job->old_n_items - 1)
        job->change = CHANGE_APPEND;
      else
        {
          if (!dps_repository_count_rows_before (job->repository, job->filter, &job->sort,
                                                 job->old_first, &before, cancellable, error))
            return FALSE;
          if (before == job->n_items - job->old_n_items)
            job->change = CHANGE_PREPEND;
        }
    }

  if (job->change == CHANGE_ALL && job->keep_rows != NULL)
    {
      job->positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), job->keep_rows->len);
      for (guint i = 0; i < job->keep_rows->len; i++)
        {
          guint position = G_MAXUINT;

          if (i < MAX_KEEP_ROWS)
            {
              if (!dps_repository_count_rows_before (job->repository, job->filter, &job->sort,
                                                     g_ptr_array_index (job->keep_rows, i),
                                                     &before, cancellable, error))
                return FALSE;
              if (before < job->n_items)
                position = (guint) before;
            }
          g_array_append_val (job->positions, position);
        }
    }

  if (sort_is_indexed (&job->sort) && job->n_items > 0)
    {
      job->first = read_one (job, FALSE, cancellable, error);
      if (job->first == NULL && error != NULL && *error != NULL)
        return FALSE;
      job->last = read_one (job, TRUE, cancellable, error);
      if (job->last == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  return TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gboolean ok;

  switch (job->kind)
    {
    case JOB_RESET:
      ok = run_reset (job, cancellable, &error);
      break;
    case JOB_COUNT:
      ok = run_count (job, cancellable, &error);
      break;
    case JOB_PAGE:
      ok = run_page (job, cancellable, &error);
      break;
    case JOB_REFRESH:
      ok = run_refresh (job, cancellable, &error);
      break;
    case JOB_DAYS:
      ok = run_days (job, cancellable, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ---------------------------------------------------------------------- */
/* applying results (main thread)                                         */

static void
set_bounds_rows (DpsTransactionModel *self,
                 Job                 *job)
{
  g_clear_pointer (&self->first_row, dps_row_free);
  g_clear_pointer (&self->last_row, dps_row_free);
  self->first_row = g_steal_pointer (&job->first);
  self->last_row = g_steal_pointer (&job->last);
}

/* Far jumps in a time sort read the rows per day first (see the top). */
static void
want_days (DpsTransactionModel *self,
           Job                 *job)
{
  g_clear_pointer (&self->days, g_array_unref);
  self->days_wanted = job->sort.key == DPS_SORT_EVENT_TS && job->from_rollup &&
                      job->n_items > 4 * (guint64) self->page_size;
}

/* Shows the first page; the rest follows the count. */
static void
apply_reset (DpsTransactionModel *self,
             Job                 *job)
{
  guint old_n_items = self->n_items;

  clear_pages (self);
  self->origin = 0;
  self->page_size = job->page_size;
  self->n_items = (guint) job->n_items;
  self->last_number = 0;
  set_bounds_rows (self, job);
  g_clear_pointer (&self->days, g_array_unref);
  self->days_wanted = FALSE;
  /* Even a listing counted by reading it gets its key figures. */
  self->counted = job->counted;
  self->count_pending = TRUE;

  if (self->n_items > 0)
    fill_page (self, create_page (self, 0), job->rows);

  if (old_n_items > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_signal_emit (self, signals[RESET], 0);
  if (job->counted)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTED]);
}

/* The rows after the first page. */
static void
set_kpis (DpsTransactionModel *self,
          Job                 *job)
{
  self->kpis = job->kpis;
  self->kpis_valid = TRUE;
  g_signal_emit (self, signals[KPIS_CHANGED], 0);
}

static void
apply_count (DpsTransactionModel *self,
             Job                 *job)
{
  guint old_n_items = self->n_items;
  guint n_items = (guint) job->n_items;
  gboolean was_counted = self->counted;

  self->counted = TRUE;
  g_clear_pointer (&self->last_row, dps_row_free);
  self->last_row = g_steal_pointer (&job->last);
  want_days (self, job);

  if (n_items >= old_n_items)
    {
      /* The first page stays as it is. */
      self->n_items = n_items;
      if (n_items > old_n_items)
        g_list_model_items_changed (G_LIST_MODEL (self), old_n_items, 0, n_items - old_n_items);
    }
  else
    {
      /* Rows went away in between: start over with what is there. */
      clear_pages (self);
      self->n_items = n_items;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, n_items);
    }
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  set_kpis (self, job);
  if (!was_counted)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTED]);
}

static void
prefetch_neighbour (DpsTransactionModel *self,
                    Page                *page)
{
  gint64 direction = page->number >= self->last_number ? 1 : -1;
  gint64 number = page->number + direction;
  gint64 first, end;
  Page *next;

  self->last_number = page->number;
  page_bounds (self, number, &first, &end);
  if (end <= first)
    return;
  next = g_hash_table_lookup (self->pages, &number);
  if (next == NULL)
    next = create_page (self, number);
  want_page (self, next, TRUE);
}

static void
apply_page (DpsTransactionModel *self,
            Job                 *job)
{
  Page *page = g_hash_table_lookup (self->pages, &job->number);

  if (page == NULL)
    return;
  page->in_flight = FALSE;
  fill_page (self, page, job->rows);
  if (!page->prefetch)
    prefetch_neighbour (self, page);
}

/* Makes the page a refresh kept cover the same positions again after the
 * count changed at one end: its items stay (views keep them) and new
 * placeholders cover the positions that appeared. */
static void
regrow_page (DpsTransactionModel *self,
             Page                *page)
{
  gint64 first, end;
  guint old_len = page->items->len;

  page_bounds (self, page->number, &first, &end);
  /* Rows only arrive: edge pages grow outwards, never shrink. */
  g_assert (first <= page->first && end >= page->first + old_len);
  if (first == page->first && end == page->first + old_len)
    return;
  for (gint64 i = first; i < page->first; i++)
    g_ptr_array_insert (page->items, 0, dps_transaction_item_new ());
  while ((gint64) page->items->len < end - first)
    g_ptr_array_add (page->items, dps_transaction_item_new ());
  self->cached_rows += page->items->len - old_len;
  page->first = first;
  page->stale = TRUE;
}

/* The count changed at one end: keeps the most recent pages, their items
 * read again in place, and drops the rest (and every edge: rows read
 * between the data change and its notice may be shifted). */
static void
keep_recent_pages (DpsTransactionModel *self)
{
  GList *link = self->lru.head;
  guint kept = 0;

  g_hash_table_remove_all (self->edges);
  g_queue_init (&self->wanted);

  while (link != NULL)
    {
      Page *page = link->data;

      link = link->next;
      page->queued = FALSE;
      if (kept < REFRESH_KEEP_PAGES || page->in_flight)
        {
          kept++;
          regrow_page (self, page);
          if (page->loaded)
            page->stale = TRUE;
          want_page (self, page, FALSE);
        }
      else
        remove_page (self, page);
    }
}

static void
apply_refresh (DpsTransactionModel *self,
               Job                 *job)
{
  guint old_n_items = self->n_items;
  guint new_n_items = (guint) job->n_items;

  switch (job->change)
    {
    case CHANGE_NONE:
      break;

    case CHANGE_APPEND:
      self->n_items = new_n_items;
      keep_recent_pages (self);
      g_list_model_items_changed (G_LIST_MODEL (self), old_n_items, 0, new_n_items - old_n_items);
      break;

    case CHANGE_PREPEND:
      self->origin += new_n_items - old_n_items;
      self->n_items = new_n_items;
      keep_recent_pages (self);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_n_items - old_n_items);
      break;

    case CHANGE_ALL:
    default:
      clear_pages (self);
      self->origin = 0;
      self->n_items = new_n_items;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, new_n_items);
      break;
    }
  if (job->change != CHANGE_NONE)
    {
      set_bounds_rows (self, job);
      want_days (self, job);
    }

  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  /* Rejects may land without rows: the figures change all the same. */
  set_kpis (self, job);

  /* Where the rows to keep are now; none when nothing moved. */
  if (job->positions == NULL)
    job->positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_task_return_pointer (job->task, g_steal_pointer (&job->positions), (GDestroyNotify) g_array_unref);
  g_clear_object (&job->task);
}

static void
notify_busy (DpsTransactionModel *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DpsTransactionModel *self = DPS_TRANSACTION_MODEL (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean current = job->generation == self->generation;

  self->running = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (job->kind == JOB_PAGE && current)
        {
          Page *page = g_hash_table_lookup (self->pages, &job->number);

          /* Asked for again when a view binds its rows again. */
          if (page != NULL)
            page->in_flight = FALSE;
        }
      if (job->task != NULL)
        {
          g_task_return_error (job->task, g_steal_pointer (&error));
          g_clear_object (&job->task);
        }
      else if (current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[ERROR], 0, error);
    }
  else if (!current)
    {
      if (job->task != NULL)
        {
          g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("The query changed"));
          g_clear_object (&job->task);
        }
    }
  else
    {
      switch (job->kind)
        {
        case JOB_RESET:
          apply_reset (self, job);
          break;
        case JOB_COUNT:
          apply_count (self, job);
          break;
        case JOB_PAGE:
          apply_page (self, job);
          break;
        case JOB_REFRESH:
          apply_refresh (self, job);
          break;
        case JOB_DAYS:
          self->days = g_steal_pointer (&job->days);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  schedule (self);
  if (!dps_transaction_model_is_busy (self))
    notify_busy (self);
  g_object_unref (self);
}

static void
run_job (DpsTransactionModel *self,
         Job                 *job)
{
  g_autoptr(GTask) task = NULL;

  /* Its own cancellable: a long page read can be dropped on its own
   * when the view has moved on. */
  g_clear_object (&self->running_cancellable);
  self->running_cancellable = g_cancellable_new ();
  self->running_costly = job->kind == JOB_PAGE && job->after == NULL;
  self->running_page = job->number;

  task = g_task_new (g_object_ref (self), self->running_cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->running = TRUE;
  g_task_run_in_thread (task, job_thread);
}

/* A view wants @page now: an offset read running for a page far from it
 * (scrolled past with the scroll bar) is not worth finishing. */
static void
drop_stale_read (DpsTransactionModel *self,
                 Page                *page)
{
  if (self->running && self->running_costly && ABS (self->running_page - page->number) > 1)
    g_cancellable_cancel (self->running_cancellable);
}

/* The day holding position @start, in the sort's direction: the job's
 * filter starts (or, newest first, ends) at that day and its offset
 * counts from there. */
static void
narrow_to_day (DpsTransactionModel *self,
               Job                 *job,
               guint                start)
{
  guint64 before = 0;
  gint64 from, to;
  guint n = self->days->len;

  for (guint k = 0; k < n; k++)
    {
      const DayCount *day = &g_array_index (self->days, DayCount,
                                            self->sort.descending ? n - 1 - k : k);
      gint64 day_start = (gint64) day->day * DPS_USEC_PER_DAY;

      if (start >= before + day->count && k + 1 < n)
        {
          before += day->count;
          continue;
        }

      g_clear_object (&job->filter);
      job->filter = dps_filter_copy (self->filter);
      dps_filter_get_period (job->filter, &from, &to);
      if (self->sort.descending)
        to = to == DPS_FILTER_NO_TIME ? day_start + DPS_USEC_PER_DAY : MIN (to, day_start + DPS_USEC_PER_DAY);
      else
        from = MAX (from, day_start);
      dps_filter_set_period (job->filter, from, to);
      job->offset = start - before;
      return;
    }
}

/* Chooses how to read @page: see the comment at the top. */
static Job *
page_job (DpsTransactionModel *self,
          Page                *page)
{
  Job *job = job_new (self, JOB_PAGE);
  gint64 previous = page->number - 1;
  gint64 next = page->number + 1;
  PageEdges *before = g_hash_table_lookup (self->edges, &previous);
  PageEdges *after = g_hash_table_lookup (self->edges, &next);
  guint start = page_start (self, page);
  guint end = start + page->items->len;

  job->number = page->number;
  job->limit = end - start;
  if (before != NULL && !page->stale)
    job->after = sort_key_to_row (before->last, self->sort.key);
  else if (after != NULL && !page->stale)
    {
      job->after = sort_key_to_row (after->first, self->sort.key);
      job->backwards = TRUE;
    }
  else if (self->days != NULL && start > 0 && end < self->n_items)
    narrow_to_day (self, job, start);
  else if (start <= self->n_items - end)
    job->offset = start;
  else
    {
      job->backwards = TRUE;
      job->offset = self->n_items - end;
    }
  return job;
}

static void
schedule (DpsTransactionModel *self)
{
  gboolean was_busy = self->running;

  if (self->running || self->reader == NULL || self->filter == NULL)
    return;

  if (self->reset_pending)
    {
      self->reset_pending = FALSE;
      run_job (self, job_new (self, JOB_RESET));
    }
  else if (self->count_pending)
    {
      /* Not again after a failure: the next query or refresh counts. */
      self->count_pending = FALSE;
      run_job (self, job_new (self, JOB_COUNT));
    }
  else if (self->refreshes.length > 0)
    {
      Job *job = g_queue_pop_head (&self->refreshes);

      job->generation = self->generation;
      job->old_n_items = self->n_items;
      job->old_first = self->first_row != NULL ? dps_row_copy (self->first_row) : NULL;
      job->old_last = self->last_row != NULL ? dps_row_copy (self->last_row) : NULL;
      run_job (self, job);
    }
  else if (self->days_wanted)
    {
      Job *job = job_new (self, JOB_DAYS);

      self->days_wanted = FALSE;
      job->old_n_items = self->n_items;
      run_job (self, job);
    }
  else if (self->wanted.length > 0)
    {
      Page *page = self->wanted.head->data;

      unqueue_page (self, page);
      page->in_flight = TRUE;
      run_job (self, page_job (self, page));
    }

  if (was_busy != self->running)
    notify_busy (self);
}

/* ---------------------------------------------------------------------- */
/* GListModel                                                             */

static GType
dps_transaction_model_get_item_type (GListModel *model)
{
  return DPS_TYPE_TRANSACTION_ITEM;
}

static guint
dps_transaction_model_get_n_items (GListModel *model)
{
  return DPS_TRANSACTION_MODEL (model)->n_items;
}

static gpointer
dps_transaction_model_get_item (GListModel *model,
                                guint       position)
{
  DpsTransactionModel *self = DPS_TRANSACTION_MODEL (model);
  gint64 number;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  number = page_number_of (self, position);
  page = g_hash_table_lookup (self->pages, &number);
  if (page == NULL)
    page = create_page (self, number);
  else
    touch_page (self, page);

  if (!page->loaded || page->stale)
    {
      if (!page->in_flight)
        drop_stale_read (self, page);
      want_page (self, page, FALSE);
      schedule (self);
    }

  g_assert ((gint64) position - self->origin >= page->first &&
            (gint64) position - self->origin < page->first + page->items->len);
  return g_object_ref (g_ptr_array_index (page->items, (gint64) position - self->origin - page->first));
}

static void
dps_transaction_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dps_transaction_model_get_item_type;
  iface->get_n_items = dps_transaction_model_get_n_items;
  iface->get_item = dps_transaction_model_get_item;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
cancel_refreshes (DpsTransactionModel *self)
{
  Job *job;

  while ((job = g_queue_pop_head (&self->refreshes)) != NULL)
    {
      g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The query changed"));
      job_free (job);
    }
}

static void
dps_transaction_model_dispose (GObject *object)
{
  DpsTransactionModel *self = DPS_TRANSACTION_MODEL (object);

  g_cancellable_cancel (self->running_cancellable);
  cancel_refreshes (self);
  clear_pages (self);

  G_OBJECT_CLASS (dps_transaction_model_parent_class)->dispose (object);
}

static void
dps_transaction_model_finalize (GObject *object)
{
  DpsTransactionModel *self = DPS_TRANSACTION_MODEL (object);

  g_clear_object (&self->reader);
  g_clear_object (&self->filter);
  g_clear_object (&self->running_cancellable);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->edges, g_hash_table_unref);
  g_clear_pointer (&self->first_row, dps_row_free);
  g_clear_pointer (&self->last_row, dps_row_free);
  g_clear_pointer (&self->days, g_array_unref);

  G_OBJECT_CLASS (dps_transaction_model_parent_class)->finalize (object);
}

static void
dps_transaction_model_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DpsTransactionModel *self = DPS_TRANSACTION_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, dps_transaction_model_is_busy (self));
      break;
    case PROP_COUNTED:
      g_value_set_boolean (value, dps_transaction_model_is_counted (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_transaction_model_class_init (DpsTransactionModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_transaction_model_dispose;
  object_class->finalize = dps_transaction_model_finalize;
  object_class->get_property = dps_transaction_model_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* FALSE while only the first page of a new query is listed. */
  properties[PROP_COUNTED] =
    g_param_spec_boolean ("counted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DpsTransactionModel::reset:
   *
   * Every item was replaced for a new filter or sort.
   */
  signals[RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DpsTransactionModel::kpis-changed:
   *
   * New key figures of the listing (see dps_transaction_model_get_kpis()).
   */
  signals[KPIS_CHANGED] = g_signal_new ("kpis-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DpsTransactionModel::error:
   * @error: what went wrong
   *
   * A count or a page could not be read.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
dps_transaction_model_init (DpsTransactionModel *self)
{
  self->pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, page_free);
  self->edges = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, page_edges_free);
  self->sort.key = DPS_SORT_EVENT_TS;
  self->sort.descending = TRUE;
  self->page_size = page_size_for_sort (&self->sort);
}

/* ---------------------------------------------------------------------- */
/* public                                                                 */

DpsTransactionModel *
dps_transaction_model_new (DpsRepository *reader)
{
  DpsTransactionModel *self;

  g_return_val_if_fail (DPS_IS_REPOSITORY (reader), NULL);

  self = g_object_new (DPS_TYPE_TRANSACTION_MODEL, NULL);
  self->reader = g_object_ref (reader);
  return self;
}

void
dps_transaction_model_set_query (DpsTransactionModel *self,
                                 DpsFilter           *filter,
                                 const DpsSort       *sort)
{
  gboolean was_busy;

  g_return_if_fail (DPS_IS_TRANSACTION_MODEL (self));
  g_return_if_fail (DPS_IS_FILTER (filter));
  g_return_if_fail (sort != NULL);
  g_return_if_fail ((guint) sort->key < DPS_N_SORT_KEYS);

  was_busy = dps_transaction_model_is_busy (self);

  /* Whatever runs now belongs to the old query. */
  g_cancellable_cancel (self->running_cancellable);
  self->generation++;
  cancel_refreshes (self);

  g_clear_object (&self->filter);
  self->filter = dps_filter_copy (filter);
  self->sort = *sort;
  /* The old items stay until the new count arrives: no flash of an
   * empty table. Requests for them are dropped. */
  g_queue_init (&self->wanted);
  for (GList *l = self->lru.head; l != NULL; l = l->next)
    ((Page *) l->data)->queued = FALSE;
  self->reset_pending = TRUE;
  self->days_wanted = FALSE;
  self->count_pending = FALSE;
  self->counted = FALSE;
  self->kpis_valid = FALSE;

  /* The page size goes with the sort; it takes effect with the reset. */
  schedule (self);
  if (!was_busy)
    notify_busy (self);
}

DpsFilter *
dps_transaction_model_get_filter (DpsTransactionModel *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_MODEL (self), NULL);
  return self->filter;
}

void
dps_transaction_model_get_sort (DpsTransactionModel *self,
                                DpsSort             *sort)
{
  g_return_if_fail (DPS_IS_TRANSACTION_MODEL (self));
  g_return_if_fail (sort != NULL);
  *sort = self->sort;
}

gboolean
dps_transaction_model_is_busy (DpsTransactionModel *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_MODEL (self), FALSE);
  return self->running || self->reset_pending || self->count_pending ||
         self->refreshes.length > 0 || self->days_wanted || self->wanted.length > 0;
}

gboolean
dps_transaction_model_is_counted (DpsTransactionModel *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_MODEL (self), FALSE);
  return self->filter != NULL && !self->reset_pending && self->counted;
}

gboolean
dps_transaction_model_get_kpis (DpsTransactionModel *self,
                                DpsKpis             *kpis)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_MODEL (self), FALSE);
  g_return_val_if_fail (kpis != NULL, FALSE);

  if (!self->kpis_valid)
    return FALSE;
  *kpis = self->kpis;
  return TRUE;
}

guint
dps_transaction_model_get_page_size (DpsTransactionModel *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_MODEL (self), 0);
  return self->page_size;
}

void
dps_transaction_model_refresh_async (DpsTransactionModel *self,
                                     GPtrArray           *keep_rows,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  Job *job;

  g_return_if_fail (DPS_IS_TRANSACTION_MODEL (self));

  job = job_new (self, JOB_REFRESH);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, dps_transaction_model_refresh_async);
  if (keep_rows != NULL)
    {
      job->keep_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);
      for (guint i = 0; i < keep_rows->len; i++)
        g_ptr_array_add (job->keep_rows, dps_row_copy (g_ptr_array_index (keep_rows, i)));
    }
  g_queue_push_tail (&self->refreshes, job);
  schedule (self);
}

gboolean
dps_transaction_model_refresh_finish (DpsTransactionModel  *self,
                                      GAsyncResult         *result,
                                      GArray              **out_positions,
                                      GError              **error)
{
  g_autoptr(GArray) positions = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  positions = g_task_propagate_pointer (G_TASK (result), error);
  if (positions == NULL)
    return FALSE;
  if (out_positions != NULL)
    *out_positions = g_steal_pointer (&positions);
  return TRUE;
}

gboolean
dps_transaction_model_read_ranges (DpsRepository          *repository,
                                   DpsFilter              *filter,
                                   const DpsSort          *sort,
                                   const DpsPositionRange *ranges,
                                   guint                   n_ranges,
                                   DpsRowFunc              func,
                                   gpointer                user_data,
                                   GCancellable           *cancellable,
                                   GError                **error)
{
  /* Rows read per request, and the gap beyond which an offset request
   * (which skips rows without reading them) beats reading through. */
  const guint chunk = 4096;
  const guint64 far = 16384;
  g_autoptr(DpsRow) cursor = NULL;
  guint64 position = 0;     /* of the row after the cursor */

  g_return_val_if_fail (DPS_IS_REPOSITORY (repository), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (filter), FALSE);
  g_return_val_if_fail (sort != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  for (guint r = 0; r < n_ranges; r++)
    {
      guint64 start = ranges[r].start;
      guint64 end = start + ranges[r].n_items;

      g_return_val_if_fail (r == 0 || start >= (guint64) ranges[r - 1].start + ranges[r - 1].n_items,
                            FALSE);

      if (cursor == NULL || start - position > far)
        {
          g_clear_pointer (&cursor, dps_row_free);
          position = start;
        }

      while (position < end)
        {
          DpsPageRequest request = { cursor, FALSE, cursor == NULL ? position : 0, chunk };
          g_autoptr(GPtrArray) rows = NULL;

          /* Only what the range needs, or the gap up to it. */
          request.limit = (guint) MIN ((guint64) chunk, end - position);
          rows = dps_repository_query_page (repository, filter, sort, &request, cancellable, error);
          if (rows == NULL)
            return FALSE;
          for (guint i = 0; i < rows->len; i++)
            if (position + i >= start &&
                !func (g_ptr_array_index (rows, i), user_data, error))
              return FALSE;
          if (rows->len == 0)
            return TRUE;      /* the listing is shorter than asked */
          position += rows->len;
          g_clear_pointer (&cursor, dps_row_free);
          cursor = dps_row_copy (g_ptr_array_index (rows, rows->len - 1));
          if (rows->len < request.limit)
            return TRUE;
        }
    }
  return TRUE;
}
