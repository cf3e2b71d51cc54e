/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-postgres"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "dps-postgres-repository.h"
#include "dps-postgres-schema.h"
#include "dps-repository-private.h"
#include "dps-breakdown-builder.h"
#include "dps-rollup.h"
#include "dps-rollup-accumulator.h"
#include "dps-sql-builder.h"
#include "dps-transaction-json.h"

G_DECLARE_FINAL_TYPE (DpsPostgresRepository, dps_postgres_repository, DPS, POSTGRES_REPOSITORY, DpsRepository)

/* Type oids of the parameters we send (pg_type.h is server-side only). */
#define OID_BOOL  16
#define OID_INT8  20
#define OID_INT4  23
#define OID_TEXT  25
#define OID_UUID  2950

/* Rows of a binary COPY, sent to the server in messages of about
 * COPY_CHUNK bytes while they are written (the stream may be cut
 * anywhere), from one buffer kept for the connection's life. */
#define COPY_CHUNK (1 << 20)

typedef struct {
  guint8  *data;
  gsize    len;
  gsize    cap;
  PGconn  *conn;      /* borrowed while a COPY runs */
  gboolean failed;    /* the server stopped taking data */
} CopyBuffer;

struct _DpsPostgresRepository
{
  DpsRepository         parent_instance;

  /* Set while opening, then read-only (the refresher thread reads them). */
  char                 *conninfo;       /* as given: may hold a password, never shown */
  char                 *secret;         /* a password written in @conninfo, scrubbed from messages */
  char                 *location;       /* @conninfo without its password */
  DpsRepositoryFlags    flags;
  char                 *writer_id;      /* UUID naming this object's batch receipts */
  int                   connect_timeout;

  /* Owned; used only with the repository lock held. */
  PGconn               *conn;
  GHashTable           *statements;     /* SQL text → name of the statement prepared on conn */
  guint                 next_statement;
  gboolean              staging_ready;  /* the temporary staging tables exist on conn */
  GHashTable           *source_ids;     /* source key → id */
  DpsRollupAccumulator *rollups;        /* one batch's new rows, summed */
  gboolean              receipt_pending;/* a COMMIT lost its answer… */
  gint64                receipt_token;  /* …for the batch with this token */
  gboolean              wrote_receipt;
  GCancellable         *cancellable;    /* borrowed for one call */
  CopyBuffer            copy;           /* reused by every COPY */

  /* The statement running on conn can be cancelled from any thread. */
  GMutex                cancel_lock;
  PGcancel             *cancel;         /* under cancel_lock */
  gboolean              cancel_sent;    /* under cancel_lock: one may still arrive */

  /* daily_summary refreshes run on their own thread and connection, so
   * neither a load nor a reader waits for them. */
  GMutex                refresh_lock;
  GCond                 refresh_wake;
  GThread              *refresher;      /* under refresh_lock */
  gboolean              refresh_dirty;  /* under refresh_lock */
  gboolean              refresh_now;    /* under refresh_lock */
  gboolean              refresh_stop;   /* under refresh_lock */
  gint64                last_refresh;   /* under refresh_lock, monotonic */
  guint                 refresh_interval; /* seconds, under refresh_lock */
  GMutex                refresh_conn_lock;
  PGconn               *refresh_conn;   /* under refresh_conn_lock */
};

G_DEFINE_FINAL_TYPE (DpsPostgresRepository, dps_postgres_repository, DPS_TYPE_REPOSITORY)

enum {
  PROP_0,
  PROP_REFRESH_INTERVAL,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static const char *const status_sql[] = { "running", "succeeded", "failed", "cancelled", "interrupted" };

/* Prepared statements kept per connection before they are all dropped. */
#define MAX_STATEMENTS 256

/* ---------------------------------------------------------------------- */
/* errors                                                                 */

static int
code_for_sqlstate (const char *state)
{
  if (state == NULL || strlen (state) != 5)
    return DPS_REPOSITORY_ERROR_FAILED;
  /* A statement cancelled without our asking (statement_timeout, or a
   * cancel request that arrived late) may be run again. */
  if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") || g_str_equal (state, "55P03") ||
      g_str_equal (state, "57014"))
    return DPS_REPOSITORY_ERROR_BUSY;
  if (g_str_has_prefix (state, "08") || g_str_equal (state, "57P01") ||
      g_str_equal (state, "57P02") || g_str_equal (state, "57P03") || g_str_equal (state, "53300"))
    return DPS_REPOSITORY_ERROR_CONNECTION;
  if (g_str_has_prefix (state, "28"))
    return DPS_REPOSITORY_ERROR_AUTH;
  if (g_str_equal (state, "3D000"))
    return DPS_REPOSITORY_ERROR_NOT_FOUND;
  if (g_str_equal (state, "53100"))
    return DPS_REPOSITORY_ERROR_FULL;
  if (g_str_equal (state, "25006") || g_str_equal (state, "42501"))
    return DPS_REPOSITORY_ERROR_READ_ONLY;
  return DPS_REPOSITORY_ERROR_FAILED;
}

/* A server or libpq message, trimmed, without any password it might echo. */
static char *
clean_message (DpsPostgresRepository *self,
               const char            *message)
{
  g_autoptr(GString) text = g_string_new (message != NULL ? message : "");

  g_strstrip (text->str);
  text->len = strlen (text->str);
  if (self->secret != NULL && self->secret[0] != '\0')
    g_string_replace (text, self->secret, "…", 0);
  if (text->len == 0)
    g_string_assign (text, _("the connection to the server was lost"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Sets @error from @res (NULL when libpq returned none) on @conn. */
static gboolean
set_error_from_result (DpsPostgresRepository  *self,
                       PGconn                 *conn,
                       const PGresult         *res,
                       GCancellable           *cancellable,
                       GError                **error,
                       const char             *doing)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *message = NULL;
  int code;

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      return FALSE;
    }

  if (conn == NULL || PQstatus (conn) == CONNECTION_BAD)
    {
      code = DPS_REPOSITORY_ERROR_CONNECTION;
      message = clean_message (self, res != NULL && PQresultErrorMessage (res)[0] != '\0'
                                     ? PQresultErrorMessage (res)
                                     : conn != NULL ? PQerrorMessage (conn) : NULL);
    }
  else
    {
      const char *primary = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

      code = code_for_sqlstate (state);
      message = clean_message (self, primary != NULL ? primary
                                     : res != NULL ? PQresultErrorMessage (res)
                                     : PQerrorMessage (conn));
    }

  g_set_error (error, DPS_REPOSITORY_ERROR, code,
               /* Translators: "Could not <doing> in <host/database>: <server message>" */
               _("Could not %s in “%s”: %s"), doing,
               dps_repository_get_display_name (DPS_REPOSITORY (self)), message);
  return FALSE;
}

static gboolean
set_error (DpsPostgresRepository  *self,
           const PGresult         *res,
           GError                **error,
           const char             *doing)
{
  return set_error_from_result (self, self->conn, res, self->cancellable, error, doing);
}

/* ---------------------------------------------------------------------- */
/* connections                                                            */

/* host/database for people, from the connection options and libpq's
 * environment defaults: never a password. */
static char *
make_display_name (PQconninfoOption *options)
{
  const char *host = NULL, *port = NULL, *dbname = NULL, *user = NULL, *service = NULL;
  g_autofree char *shown_host = NULL;

  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    {
      if (o->val == NULL || o->val[0] == '\0')
        continue;
      if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "hostaddr") && host == NULL)
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
      else if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
      else if (g_str_equal (o->keyword, "user"))
        user = o->val;
      else if (g_str_equal (o->keyword, "service"))
        service = o->val;
    }

  if (host == NULL)
    host = g_getenv ("PGHOST");
  if (port == NULL)
    port = g_getenv ("PGPORT");
  if (dbname == NULL)
    dbname = g_getenv ("PGDATABASE");
  if (user == NULL)
    user = g_getenv ("PGUSER");
  if (dbname == NULL && service != NULL)
    return g_strdup_printf ("service %s", service);
  if (dbname == NULL)
    dbname = user != NULL ? user : g_get_user_name ();

  /* A Unix socket folder is this machine. */
  if (host == NULL || host[0] == '\0' || host[0] == '/' || host[0] == '@')
    shown_host = g_strdup ("localhost");
  else
    shown_host = g_strdup (host);

  if (port != NULL && !g_str_equal (port, "5432"))
    return g_strdup_printf ("%s:%s/%s", shown_host, port, dbname);
  return g_strdup_printf ("%s/%s", shown_host, dbname);
}

/* "FATAL:  28P01: password authentication failed…" (verbose messages
 * carry the SQLSTATE, which libpq keeps nowhere else while connecting). */
static char *
sqlstate_from_verbose (const char  *message,
                       char       **out_text)
{
  g_auto(GStrv) lines = g_strsplit (message != NULL ? message : "", "\n", -1);
  char *state = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *severity;

      if (g_str_has_prefix (line, "LOCATION:") || line[0] == '\0')
        continue;
      severity = strstr (line, "FATAL:  ");
      if (severity == NULL)
        severity = strstr (line, "ERROR:  ");
      if (severity != NULL)
        {
          const char *code = severity + 8;

          if (strlen (code) > 7 && code[5] == ':' && code[6] == ' ')
            {
              g_free (state);
              state = g_strndup (code, 5);
              /* Keep the message without the severity and the code. */
              if (text->len > 0)
                g_string_append_c (text, '\n');
              g_string_append_len (text, line, (gssize) (severity - line));
              g_string_append (text, code + 7);
              continue;
            }
        }
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  *out_text = g_string_free (g_steal_pointer (&text), FALSE);
  return state;
}

/* Connects, waiting at most connect_timeout seconds and waking for
 * @cancellable. */
static PGconn *
connect_db (DpsPostgresRepository  *self,
            GCancellable           *cancellable,
            GError                **error)
{
  /* connect_timeout comes before dbname so the conninfo may override it;
   * the encoding comes after, so ours wins. */
  const char *const keywords[] = { "connect_timeout", "fallback_application_name", "dbname",
                                   "client_encoding", NULL };
  g_autofree char *timeout = g_strdup_printf ("%d", self->connect_timeout);
  const char *const values[] = { timeout, "data-pipeline-streaming", self->conninfo, "UTF8", NULL };
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  gint64 deadline = g_get_monotonic_time () + (gint64) self->connect_timeout * G_USEC_PER_SEC;
  PGconn *conn;

  conn = PQconnectStartParams (keywords, values, 1);
  if (conn == NULL)
    {
      g_set_error_literal (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FAILED,
                           _("Out of memory while connecting to PostgreSQL"));
      return NULL;
    }
  PQsetErrorVerbosity (conn, PQERRORS_VERBOSE);

  while (PQstatus (conn) != CONNECTION_BAD &&
         status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED)
    {
      struct pollfd pfd = { PQsocket (conn), status == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
      int rc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          PQfinish (conn);
          return NULL;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CONNECTION,
                       _("Could not connect to “%s”: no answer after %d seconds"),
                       dps_repository_get_display_name (DPS_REPOSITORY (self)), self->connect_timeout);
          PQfinish (conn);
          return NULL;
        }
      rc = poll (&pfd, 1, 100);
      if (rc < 0 && errno != EINTR)
        break;
      if (rc > 0 || pfd.fd < 0)
        status = PQconnectPoll (conn);
    }

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *text = NULL;
      g_autofree char *state = sqlstate_from_verbose (PQerrorMessage (conn), &text);
      g_autofree char *message = clean_message (self, text);
      int code = state != NULL ? code_for_sqlstate (state) : DPS_REPOSITORY_ERROR_CONNECTION;

      if (PQconnectionNeedsPassword (conn))
        g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_AUTH,
                     _("“%s” asks for a password: give it in PGPASSWORD, ~/.pgpass or a "
                       "service file"), dps_repository_get_display_name (DPS_REPOSITORY (self)));
      else
        g_set_error (error, DPS_REPOSITORY_ERROR,
                     code == DPS_REPOSITORY_ERROR_FAILED ? DPS_REPOSITORY_ERROR_CONNECTION : code,
                     _("Could not connect to “%s”: %s"),
                     dps_repository_get_display_name (DPS_REPOSITORY (self)), message);
      PQfinish (conn);
      return NULL;
    }

  PQsetErrorVerbosity (conn, PQERRORS_DEFAULT);

  if (PQserverVersion (conn) < 120000)
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_UNSUPPORTED,
                   _("“%s” runs PostgreSQL %d; version 12 or later is needed"),
                   dps_repository_get_display_name (DPS_REPOSITORY (self)),
                   PQserverVersion (conn) / 10000);
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

static gboolean
exec_simple_on (DpsPostgresRepository  *self,
                PGconn                 *conn,
                GCancellable           *cancellable,
                const char             *sql,
                GError                **error,
                const char             *doing)
{
  PGresult *res = PQexec (conn, sql);
  ExecStatusType st = PQresultStatus (res);

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    {
      set_error_from_result (self, conn, res, cancellable, error, doing);
      PQclear (res);
      return FALSE;
    }
  PQclear (res);
  return TRUE;
}

static gboolean
exec_simple (DpsPostgresRepository  *self,
             const char             *sql,
             GError                **error,
             const char             *doing)
{
  return exec_simple_on (self, self->conn, self->cancellable, sql, error, doing);
}

/* A working connection for the next statement: a lost one is replaced
 * (the server restarted, the network came back). */
static gboolean
ensure_connected (DpsPostgresRepository  *self,
                  GCancellable           *cancellable,
                  GError                **error)
{
  PGconn *conn;

  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    return TRUE;

  g_mutex_lock (&self->cancel_lock);
  g_clear_pointer (&self->cancel, PQfreeCancel);
  g_mutex_unlock (&self->cancel_lock);
  g_clear_pointer (&self->conn, PQfinish);
  g_hash_table_remove_all (self->statements);
  self->staging_ready = FALSE;

  conn = connect_db (self, cancellable, error);
  if (conn == NULL)
    return FALSE;
  self->conn = conn;

  if ((self->flags & DPS_REPOSITORY_FLAGS_READ_ONLY) != 0 &&
      !exec_simple (self, "SET default_transaction_read_only = on", error, _("configure the session")))
    return FALSE;

  g_mutex_lock (&self->cancel_lock);
  self->cancel = PQgetCancel (self->conn);
  g_mutex_unlock (&self->cancel_lock);
  return TRUE;
}

static gboolean
in_transaction (DpsPostgresRepository *self)
{
  PGTransactionStatusType st = PQtransactionStatus (self->conn);

  return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

static void
rollback (DpsPostgresRepository *self)
{
  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK && in_transaction (self))
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

/* ---------------------------------------------------------------------- */
/* cancellation                                                           */

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  DpsPostgresRepository *self = user_data;
  char message[256];

  g_mutex_lock (&self->cancel_lock);
  if (self->cancel != NULL)
    self->cancel_sent |= PQcancel (self->cancel, message, sizeof message) == 1;
  g_mutex_unlock (&self->cancel_lock);
}

/* While a scope lives, cancelling @cancellable cancels the statement
 * running on the connection (PQcancel). */
typedef struct {
  DpsPostgresRepository *self;
  GCancellable          *cancellable;
  gulong                 handler;
} CancelScope;

static void
cancel_scope_end (CancelScope *scope)
{
  if (scope->handler != 0)
    g_cancellable_disconnect (scope->cancellable, scope->handler);
  if (scope->self != NULL)
    scope->self->cancellable = NULL;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CancelScope, cancel_scope_end)

static void
cancel_scope_begin (CancelScope           *scope,
                    DpsPostgresRepository *self,
                    GCancellable          *cancellable)
{
  scope->self = self;
  scope->cancellable = cancellable;
  self->cancellable = cancellable;
  scope->handler = cancellable != NULL
                   ? g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL)
                   : 0;
}

#define WITH_CANCELLABLE(self, cancellable) \
  g_auto(CancelScope) G_PASTE (scope, __LINE__) = { NULL, NULL, 0 }; \
  cancel_scope_begin (&G_PASTE (scope, __LINE__), self, cancellable)

/* ---------------------------------------------------------------------- */
/* parameters and statements                                              */

typedef struct {
  GPtrArray    *values;    /* char*, NULL for SQL NULL */
  GArray       *types;     /* Oid, 0 = let the server infer */
} Params;

static void
params_init (Params *p)
{
  p->values = g_ptr_array_new_with_free_func (g_free);
  p->types = g_array_new (FALSE, FALSE, sizeof (Oid));
}

static void
params_clear (Params *p)
{
  g_clear_pointer (&p->values, g_ptr_array_unref);
  g_clear_pointer (&p->types, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Params, params_clear)

static void
params_add (Params *p,
            char   *value,
            Oid     type)
{
  g_ptr_array_add (p->values, value);
  g_array_append_val (p->types, type);
}

static void
params_int (Params *p,
            gint64  value)
{
  params_add (p, g_strdup_printf ("%" G_GINT64_FORMAT, value), OID_INT8);
}

static char *valid_text (const char *text);

/* PostgreSQL refuses invalid UTF-8 where SQLite compares bytes: such text
 * (never from our own parser) is repaired rather than failing the call. */
static void
params_text (Params     *p,
             const char *value)
{
  params_add (p, valid_text (value), OID_TEXT);
}

static void
params_untyped (Params *p,
                char   *value)
{
  params_add (p, value, 0);
}

static void
params_null (Params *p,
             Oid     type)
{
  params_add (p, NULL, type);
}

static void
params_uuid (Params       *p,
             const guint8  id[16])
{
  char text[DPS_UUID_TEXT_LEN + 1];

  dps_uuid_to_string (id, text);
  params_add (p, g_strdup (text), OID_UUID);
}

/* The builder's parameters: its only binary ones are UUIDs (tx_uuid). */
static void
params_from_builder (Params        *p,
                     DpsSqlBuilder *b)
{
  for (guint i = 0; i < b->params->len; i++)
    {
      const DpsSqlParam *param = &g_array_index (b->params, DpsSqlParam, i);

      switch (param->type)
        {
        case DPS_SQL_PARAM_INT:
          params_int (p, param->value);
          break;
        case DPS_SQL_PARAM_TEXT:
          params_text (p, param->text);
          break;
        case DPS_SQL_PARAM_BLOB:
          g_assert (param->size == 16);
          params_uuid (p, param->blob);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* The name of @sql prepared on the connection (prepared on first use). */
static const char *
statement_for (DpsPostgresRepository  *self,
               const char             *sql,
               Params                 *p,
               GError                **error)
{
  const char *name = g_hash_table_lookup (self->statements, sql);
  g_autofree char *new_name = NULL;
  PGresult *res;

  if (name != NULL)
    return name;

  if (g_hash_table_size (self->statements) >= MAX_STATEMENTS && !in_transaction (self))
    {
      PQclear (PQexec (self->conn, "DEALLOCATE ALL"));
      g_hash_table_remove_all (self->statements);
    }

  new_name = g_strdup_printf ("dps_%u", ++self->next_statement);
  res = PQprepare (self->conn, new_name, sql, p != NULL ? (int) p->values->len : 0,
                   p != NULL ? (const Oid *) p->types->data : NULL);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      set_error (self, res, error, _("prepare a query"));
      PQclear (res);
      return NULL;
    }
  PQclear (res);
  name = new_name;
  g_hash_table_insert (self->statements, g_strdup (sql), g_steal_pointer (&new_name));
  return name;
}

/* Runs @sql prepared, with @p (may be NULL); NULL on error. */
static PGresult *
run (DpsPostgresRepository  *self,
     const char             *sql,
     Params                 *p,
     GError                **error,
     const char             *doing)
{
  const char *name;
  PGresult *res;
  ExecStatusType st;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return NULL;
  name = statement_for (self, sql, p, error);
  if (name == NULL)
    return NULL;
  res = PQexecPrepared (self->conn, name, p != NULL ? (int) p->values->len : 0,
                        p != NULL ? (const char *const *) p->values->pdata : NULL,
                        NULL, NULL, 0);
  st = PQresultStatus (res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    {
      set_error (self, res, error, doing);
      PQclear (res);
      return NULL;
    }
  return res;
}

static gboolean
run_done (DpsPostgresRepository  *self,
          const char             *sql,
          Params                 *p,
          GError                **error,
          const char             *doing)
{
  PGresult *res = run (self, sql, p, error, doing);

  PQclear (res);
  return res != NULL;
}

/* A read outside any transaction that lost its connection is run once
 * more on a new one: the server may have restarted since the last call. */
static gboolean
should_retry_read (DpsPostgresRepository  *self,
                   GError                **error)
{
  gboolean late_cancel;

  if (error == NULL || *error == NULL || (*error)->domain != DPS_REPOSITORY_ERROR ||
      (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable)))
    return FALSE;

  /* A cancel request sent for an earlier statement may hit a later one. */
  g_mutex_lock (&self->cancel_lock);
  late_cancel = self->cancel_sent && (*error)->code == DPS_REPOSITORY_ERROR_BUSY;
  self->cancel_sent = FALSE;
  g_mutex_unlock (&self->cancel_lock);

  if (!late_cancel && (*error)->code != DPS_REPOSITORY_ERROR_CONNECTION)
    return FALSE;
  if (!ensure_connected (self, self->cancellable, NULL))
    return FALSE;
  g_clear_error (error);
  return TRUE;
}

static PGresult *
run_read (DpsPostgresRepository  *self,
          const char             *sql,
          Params                 *p,
          GError                **error,
          const char             *doing)
{
  g_autoptr(GError) local_error = NULL;
  PGresult *res;

  if (!ensure_connected (self, self->cancellable, error))
    return NULL;
  res = run (self, sql, p, &local_error, doing);
  if (res == NULL && should_retry_read (self, &local_error))
    res = run (self, sql, p, &local_error, doing);
  if (res == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return res;
}

static gint64
get_int (const PGresult *res,
         int             row,
         int             column)
{
  if (PQgetisnull (res, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (res, row, column), NULL, 10);
}

static char *
get_text (const PGresult *res,
          int             row,
          int             column)
{
  if (PQgetisnull (res, row, column))
    return NULL;
  return g_strdup (PQgetvalue (res, row, column));
}

static gboolean
get_bool (const PGresult *res,
          int             row,
          int             column)
{
  return !PQgetisnull (res, row, column) && PQgetvalue (res, row, column)[0] == 't';
}

/* Text that PostgreSQL's text type accepts: valid UTF-8 (no NUL can be
 * inside a C string). */
static char *
valid_text (const char *text)
{
  if (text == NULL)
    return NULL;
  if (g_utf8_validate (text, -1, NULL))
    return g_strdup (text);
  return g_utf8_make_valid (text, -1);
}

/* ---------------------------------------------------------------------- */
/* binary COPY                                                            */

static void
copy_flush (CopyBuffer *b)
{
  if (b->len > 0 && !b->failed && PQputCopyData (b->conn, (const char *) b->data, (int) b->len) != 1)
    b->failed = TRUE;
  b->len = 0;
}

static inline void
copy_reserve (CopyBuffer *b,
              gsize       more)
{
  if (G_LIKELY (b->len + more <= b->cap))
    return;
  copy_flush (b);
  if (more > b->cap)
    {
      b->cap = MAX (more, (gsize) COPY_CHUNK);
      b->data = g_realloc (b->data, b->cap);
    }
}

static inline void
copy_u16 (CopyBuffer *b,
          guint16     v)
{
  copy_reserve (b, 2);
  b->data[b->len++] = (guint8) (v >> 8);
  b->data[b->len++] = (guint8) v;
}

static inline void
copy_u32 (CopyBuffer *b,
          guint32     v)
{
  copy_reserve (b, 4);
  b->data[b->len++] = (guint8) (v >> 24);
  b->data[b->len++] = (guint8) (v >> 16);
  b->data[b->len++] = (guint8) (v >> 8);
  b->data[b->len++] = (guint8) v;
}

static inline void
copy_u64 (CopyBuffer *b,
          guint64     v)
{
  copy_u32 (b, (guint32) (v >> 32));
  copy_u32 (b, (guint32) v);
}

static inline void copy_row (CopyBuffer *b, guint16 n) { copy_u16 (b, n); }
static inline void copy_null (CopyBuffer *b) { copy_u32 (b, 0xffffffffu); }
static inline void copy_int2 (CopyBuffer *b, gint16 v) { copy_u32 (b, 2); copy_u16 (b, (guint16) v); }
static inline void copy_int4 (CopyBuffer *b, gint32 v) { copy_u32 (b, 4); copy_u32 (b, (guint32) v); }
static inline void copy_int8 (CopyBuffer *b, gint64 v) { copy_u32 (b, 8); copy_u64 (b, (guint64) v); }

static inline void
copy_bool (CopyBuffer *b,
           gboolean    v)
{
  copy_u32 (b, 1);
  copy_reserve (b, 1);
  b->data[b->len++] = v ? 1 : 0;
}

static inline void
copy_bytes (CopyBuffer   *b,
            const void   *data,
            gsize         size)
{
  copy_u32 (b, (guint32) size);
  copy_reserve (b, size);
  if (size > 0)
    memcpy (b->data + b->len, data, size);
  b->len += size;
}

static inline void
copy_text (CopyBuffer *b,
           const char *text)
{
  if (text == NULL)
    copy_null (b);
  else
    copy_bytes (b, text, strlen (text));
}

/* Starts "COPY @table FROM STDIN (FORMAT binary)" and its header. */
static gboolean
copy_start (DpsPostgresRepository  *self,
            CopyBuffer             *b,
            const char             *table,
            GError                **error,
            const char             *doing)
{
  static const guint8 signature[11] = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0 };
  g_autofree char *sql = g_strdup_printf ("COPY %s FROM STDIN (FORMAT binary)", table);
  PGresult *res = PQexec (self->conn, sql);

  if (PQresultStatus (res) != PGRES_COPY_IN)
    {
      set_error (self, res, error, doing);
      PQclear (res);
      return FALSE;
    }
  PQclear (res);

  b->conn = self->conn;
  b->failed = FALSE;
  b->len = 0;
  copy_reserve (b, sizeof signature);
  memcpy (b->data, signature, sizeof signature);
  b->len = sizeof signature;
  copy_u32 (b, 0);   /* flags */
  copy_u32 (b, 0);   /* header extension */
  return TRUE;
}

/* Sends the rest and the trailer, and reads the COPY's result. */
static gboolean
copy_finish (DpsPostgresRepository  *self,
             CopyBuffer             *b,
             GError                **error,
             const char             *doing)
{
  PGresult *res;
  gboolean ok;

  copy_u16 (b, 0xffff);
  copy_flush (b);
  ok = !b->failed;
  b->conn = NULL;
  if (PQputCopyEnd (self->conn, ok ? NULL : "aborted") != 1)
    ok = FALSE;

  /* The COPY's own result, then the end of the results. */
  while ((res = PQgetResult (self->conn)) != NULL)
    {
      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          if (ok)
            set_error (self, res, error, doing);
          ok = FALSE;
        }
      PQclear (res);
      if (PQstatus (self->conn) == CONNECTION_BAD)
        break;
    }
  if (!ok && error != NULL && *error == NULL)
    set_error (self, NULL, error, doing);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* migrations                                                             */

static gboolean
dps_postgres_repository_migrate (DpsRepository  *repository,
                                 GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  guint n_migrations;
  const char * const *migrations = dps_postgres_schema_get_migrations (&n_migrations);
  const char * const *owned = dps_postgres_schema_get_owned_tables ();
  const char *doing = _("upgrade the database");
  g_autoptr(GString) names = g_string_new (NULL);
  g_auto(Params) p = { 0 };
  PGresult *res;
  gboolean has_migrations;
  gint64 version = 0;

  if (!ensure_connected (self, NULL, error))
    return FALSE;

  params_init (&p);
  params_int (&p, DPS_POSTGRES_MIGRATION_LOCK);

  if (!exec_simple (self, "BEGIN", error, doing))
    return FALSE;
  /* Two programs opening a new database at once migrate one after the other. */
  if (!run_done (self, "SELECT pg_advisory_xact_lock($1)", &p, error, doing))
    goto failed;

  /* Tables are created in current_schema(): look there. */
  for (guint i = 0; owned[i] != NULL; i++)
    g_string_append_printf (names, "%s'%s'", i > 0 ? ", " : "", owned[i]);
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'schema_migrations' "
      "AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())), "
      "(SELECT min(relname) FROM pg_class WHERE relname IN (%s) "
      "AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())), "
      "current_schema()", names->str);

    res = run (self, sql, NULL, error, doing);
    if (res == NULL)
      goto failed;
    has_migrations = get_bool (res, 0, 0);
    if (!has_migrations && !PQgetisnull (res, 0, 1))
      {
        g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_CORRUPT,
                     _("“%s” already holds a table “%s” that Data Pipeline Streaming did not "
                       "create. Use an empty database, or another schema (options=-csearch_path=…)."),
                     dps_repository_get_display_name (repository), PQgetvalue (res, 0, 1));
        PQclear (res);
        goto failed;
      }
    if (PQgetisnull (res, 0, 2))
      {
        g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_FAILED,
                     _("“%s” has no schema to create tables in: check search_path"),
                     dps_repository_get_display_name (repository));
        PQclear (res);
        goto failed;
      }
    PQclear (res);
  }

  if (has_migrations)
    {
      res = run (self, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL, error, doing);
      if (res == NULL)
        goto failed;
      version = get_int (res, 0, 0);
      PQclear (res);
    }

  if (version > (gint64) n_migrations)
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_TOO_NEW,
                   _("“%s” was written by a newer version of Data Pipeline Streaming "
                     "(schema %d; this version knows up to %u). Update the application "
                     "to open it."),
                   dps_repository_get_display_name (repository), (int) version, n_migrations);
      goto failed;
    }
  if (version == (gint64) n_migrations)
    return exec_simple (self, "COMMIT", error, doing);

  if ((self->flags & DPS_REPOSITORY_FLAGS_READ_ONLY) != 0)
    {
      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_READ_ONLY,
                   _("“%s” needs an upgrade, but was opened read-only"),
                   dps_repository_get_display_name (repository));
      goto failed;
    }

  if (!has_migrations &&
      !exec_simple (self,
                    "CREATE TABLE schema_migrations ("
                    "  version integer PRIMARY KEY,"
                    "  applied_at timestamptz NOT NULL DEFAULT now(),"
                    "  application text NOT NULL)", error, doing))
    goto failed;

  /* Every step in one transaction: the schema moves to the latest version
   * or stays where it was. */
  for (guint i = (guint) version; i < n_migrations; i++)
    {
      g_auto(Params) step = { 0 };

      params_init (&step);
      params_int (&step, i + 1);
      params_text (&step, "data-pipeline-streaming " PACKAGE_VERSION);
      if (!exec_simple (self, migrations[i], error, doing) ||
          !run_done (self, "INSERT INTO schema_migrations (version, application) VALUES ($1, $2)",
                     &step, error, doing))
        goto failed;
    }
  if (!exec_simple (self, "COMMIT", error, doing))
    goto failed;

  /* Statements prepared against the old schema are replanned by the
   * server; forget them anyway so nothing refers to a dropped object. */
  PQclear (PQexec (self->conn, "DEALLOCATE ALL"));
  g_hash_table_remove_all (self->statements);
  return TRUE;

failed:
  rollback (self);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* daily_summary refreshes                                                */

static gboolean
refresh_summary (DpsPostgresRepository  *self,
                 GCancellable           *cancellable,
                 GError                **error)
{
  gboolean ok;

  g_mutex_lock (&self->refresh_conn_lock);
  if (self->refresh_conn != NULL && PQstatus (self->refresh_conn) != CONNECTION_OK)
    g_clear_pointer (&self->refresh_conn, PQfinish);
  if (self->refresh_conn == NULL)
    self->refresh_conn = connect_db (self, cancellable, error);
  ok = self->refresh_conn != NULL &&
       exec_simple_on (self, self->refresh_conn, cancellable,
                       "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_summary",
                       error, _("refresh daily_summary"));
  g_mutex_unlock (&self->refresh_conn_lock);
  return ok;
}

static gpointer
refresher_thread (gpointer data)
{
  DpsPostgresRepository *self = data;

  g_mutex_lock (&self->refresh_lock);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gint64 due;
      gboolean ok;

      if (!self->refresh_dirty && !self->refresh_stop)
        {
          g_cond_wait (&self->refresh_wake, &self->refresh_lock);
          continue;
        }
      if (!self->refresh_dirty)
        break;

      /* At most one refresh per interval while loading; a finished run
       * and the last changes before closing are shown at once. */
      due = self->last_refresh + (gint64) self->refresh_interval * G_USEC_PER_SEC;
      if (!self->refresh_stop && !self->refresh_now && self->last_refresh != 0 &&
          g_get_monotonic_time () < due)
        {
          g_cond_wait_until (&self->refresh_wake, &self->refresh_lock, due);
          continue;
        }

      self->refresh_dirty = FALSE;
      self->refresh_now = FALSE;
      g_mutex_unlock (&self->refresh_lock);

      ok = refresh_summary (self, NULL, &error);

      g_mutex_lock (&self->refresh_lock);
      self->last_refresh = g_get_monotonic_time ();
      if (!ok)
        {
          g_debug ("daily_summary was not refreshed: %s", error->message);
          /* Try again after an interval, unless closing. */
          if (self->refresh_stop)
            break;
          self->refresh_dirty = TRUE;
        }
    }
  g_mutex_unlock (&self->refresh_lock);

  g_mutex_lock (&self->refresh_conn_lock);
  g_clear_pointer (&self->refresh_conn, PQfinish);
  g_mutex_unlock (&self->refresh_conn_lock);
  return NULL;
}

/* daily_summary no longer shows everything: refresh it when allowed
 * (@now: without waiting for the interval). */
static void
summary_changed (DpsPostgresRepository *self,
                 gboolean               now)
{
  g_mutex_lock (&self->refresh_lock);
  if (!self->refresh_stop)
    {
      self->refresh_dirty = TRUE;
      self->refresh_now |= now;
      if (self->refresher == NULL)
        self->refresher = g_thread_new ("dps-pg-refresh", refresher_thread, self);
      g_cond_signal (&self->refresh_wake);
    }
  g_mutex_unlock (&self->refresh_lock);
}

/* A pending change is refreshed now (a run ended). */
static void
summary_flush (DpsPostgresRepository *self)
{
  g_mutex_lock (&self->refresh_lock);
  if (self->refresh_dirty)
    {
      self->refresh_now = TRUE;
      g_cond_signal (&self->refresh_wake);
    }
  g_mutex_unlock (&self->refresh_lock);
}

static void
stop_refresher (DpsPostgresRepository *self)
{
  GThread *thread;

  g_mutex_lock (&self->refresh_lock);
  self->refresh_stop = TRUE;
  g_cond_signal (&self->refresh_wake);
  thread = g_steal_pointer (&self->refresher);
  g_mutex_unlock (&self->refresh_lock);
  if (thread != NULL)
    g_thread_join (thread);
}

/* ---------------------------------------------------------------------- */
/* writing                                                                */

static gboolean
dps_postgres_repository_ensure_source (DpsRepository  *repository,
                                       const char     *source_key,
                                       guint32        *out_id,
                                       GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_auto(Params) p = { 0 };
  g_autofree char *key = valid_text (source_key);
  gpointer cached;
  PGresult *res;

  if (g_hash_table_lookup_extended (self->source_ids, source_key, NULL, &cached))
    {
      *out_id = GPOINTER_TO_UINT (cached);
      return TRUE;
    }

  params_init (&p);
  params_text (&p, key);
  res = run_read (self,
                  "INSERT INTO sources (source_key) VALUES ($1) "
                  "ON CONFLICT (source_key) DO UPDATE SET source_key = excluded.source_key "
                  "RETURNING id", &p, error, _("record a source"));
  if (res == NULL)
    return FALSE;
  *out_id = (guint32) get_int (res, 0, 0);
  PQclear (res);

  g_hash_table_insert (self->source_ids, g_strdup (source_key), GUINT_TO_POINTER (*out_id));
  return TRUE;
}

static guint64
hash_bytes (guint64     h,
            const void *data,
            gsize       size)
{
  const guint8 *p = data;

  for (gsize i = 0; i < size; i++)
    {
      h ^= p[i];
      h *= G_GUINT64_CONSTANT (1099511628211);
    }
  return h;
}

/* What identifies a batch: its rows, rejects and positions. */
static gint64
batch_token (const DpsBatch *batch)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);
  guint n;

  h = hash_bytes (h, &batch->run_id, sizeof batch->run_id);
  n = batch->rows->len;
  h = hash_bytes (h, &n, sizeof n);
  for (guint i = 0; i < batch->rows->len; i++)
    {
      const DpsBatchRow *row = dps_batch_get_row (batch, i);

      h = hash_bytes (h, row->tx.id, 16);
      h = hash_bytes (h, &row->position.offset, sizeof row->position.offset);
    }
  n = batch->rejects->len;
  h = hash_bytes (h, &n, sizeof n);
  for (guint i = 0; i < batch->rejects->len; i++)
    {
      const DpsReject *reject = &g_array_index (batch->rejects, DpsReject, i);

      h = hash_bytes (h, &reject->position.offset, sizeof reject->position.offset);
      h = hash_bytes (h, &reject->position.partition, sizeof reject->position.partition);
    }
  for (guint i = 0; i < batch->checkpoints->len; i++)
    {
      const DpsCheckpoint *cp = g_ptr_array_index (batch->checkpoints, i);

      h = hash_bytes (h, cp->source_key, strlen (cp->source_key));
      h = hash_bytes (h, &cp->partition, sizeof cp->partition);
      h = hash_bytes (h, &cp->offset, sizeof cp->offset);
    }
  return (gint64) (h >> 1);
}

/* PostgreSQL's jsonb holds numbers as numeric, which refuses exponents
 * beyond ±1000 and more than 16383 decimals: valid JSON such a number is
 * kept as text only. */
static gboolean
payload_fits_jsonb (const char *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            if (*p == '\\' && p[1] != '\0')
              p++;
          if (*p == '"')
            p++;
          continue;
        }
      if (*p == '-' || g_ascii_isdigit (*p))
        {
          gint64 int_digits = 0, frac_digits = 0, exponent = 0;
          gboolean negative_exponent = FALSE;

          if (*p == '-')
            p++;
          for (; g_ascii_isdigit (*p); p++)
            int_digits++;
          if (*p == '.')
            for (p++; g_ascii_isdigit (*p); p++)
              frac_digits++;
          if (*p == 'e' || *p == 'E')
            {
              p++;
              if (*p == '+' || *p == '-')
                negative_exponent = *p++ == '-';
              for (; g_ascii_isdigit (*p); p++)
                if (exponent < 100000)
                  exponent = exponent * 10 + (*p - '0');
              if (negative_exponent)
                exponent = -exponent;
            }
          if (exponent > 1000 || exponent < -1000 ||
              frac_digits - exponent > 16383 || int_digits + exponent > 131000)
            return FALSE;
          continue;
        }
      p++;
    }
  return TRUE;
}

static gboolean
ensure_staging (DpsPostgresRepository  *self,
                GError                **error)
{
  if (self->staging_ready)
    return TRUE;
  if (!exec_simple (self, dps_postgres_schema_staging, error, _("prepare loading")))
    return FALSE;
  self->staging_ready = TRUE;
  return TRUE;
}

static guint
uuid_hash (gconstpointer key)
{
  const guint8 *id = key;
  guint h;

  memcpy (&h, id + 12, sizeof h);
  return h;
}

static gboolean
uuid_equal (gconstpointer a,
            gconstpointer b)
{
  return memcmp (a, b, 16) == 0;
}

static int
compare_uuid_keys (gconstpointer a,
                   gconstpointer b)
{
  return memcmp (*(const guint8 * const *) a, *(const guint8 * const *) b, 16);
}

typedef struct {
  gint64  duplicates;     /* arrivals of this id in the batch not inserted */
  gint64  occurrences;    /* rows of this id in the batch */
  gint64  seen;
  guint32 last_source;    /* source of its last arrival in the batch */
} DuplicateCount;

/* Records the batch's duplicate arrivals in duplicate_transactions. */
static gboolean
record_duplicates (DpsPostgresRepository  *self,
                   GHashTable             *duplicates,
                   gint64                  now,
                   GError                **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GString) uuids = g_string_new ("{");
  g_autoptr(GString) counts = g_string_new ("{");
  g_autoptr(GString) sources = g_string_new ("{");
  g_auto(Params) p = { 0 };
  GHashTableIter iter;
  gpointer id;

  /* One lock order for every writer: by id. */
  g_hash_table_iter_init (&iter, duplicates);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (ids, id);
  g_ptr_array_sort (ids, compare_uuid_keys);
  for (guint i = 0; i < ids->len; i++)
    {
      const DuplicateCount *count = g_hash_table_lookup (duplicates, ids->pdata[i]);
      char text[DPS_UUID_TEXT_LEN + 1];

      dps_uuid_to_string (ids->pdata[i], text);
      g_string_append_printf (uuids, "%s%s", i > 0 ? "," : "", text);
      g_string_append_printf (counts, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", count->duplicates);
      if (count->last_source != 0)
        g_string_append_printf (sources, "%s%u", i > 0 ? "," : "", count->last_source);
      else
        g_string_append_printf (sources, "%sNULL", i > 0 ? "," : "");
    }
  g_string_append_c (uuids, '}');
  g_string_append_c (counts, '}');
  g_string_append_c (sources, '}');

  params_init (&p);
  params_untyped (&p, g_string_free (g_steal_pointer (&uuids), FALSE));
  params_untyped (&p, g_string_free (g_steal_pointer (&counts), FALSE));
  params_untyped (&p, g_string_free (g_steal_pointer (&sources), FALSE));
  params_int (&p, now);
  return run_done (self,
                   "INSERT INTO duplicate_transactions AS d "
                   "(tx_uuid, arrivals, first_seen, last_seen, last_source_id) "
                   "SELECT u.id, u.n + 1, dps_timestamptz(coalesce(t.ingested_at, $4)), "
                   "dps_timestamptz($4), u.source "
                   "FROM unnest($1::uuid[], $2::bigint[], $3::integer[]) AS u (id, n, source) "
                   "LEFT JOIN transactions t ON t.tx_uuid = u.id "
                   "ON CONFLICT (tx_uuid) DO UPDATE SET arrivals = d.arrivals + excluded.arrivals - 1, "
                   "last_seen = excluded.last_seen, last_source_id = excluded.last_source_id",
                   &p, error, _("count duplicates"));
}

/* COPYs the rows into dps_staging and moves the new ones into
 * transactions: the ids already stored (or repeated in the batch) come
 * back as duplicates, counted exactly. The new rows are summed for the
 * rollups. */
static gboolean
insert_rows (DpsPostgresRepository  *self,
             DpsBatch               *batch,
             gint64                  now,
             DpsBatchResult         *result,
             DpsRollupAccumulator  **out_sums,
             GError                 **error)
{
  g_autoptr(GHashTable) duplicates = NULL;
  g_autoptr(GString) rebuilt = g_string_new (NULL);
  CopyBuffer *b = &self->copy;
  g_auto(Params) p = { 0 };
  static const char insert_sql[] =
    "INSERT INTO transactions (id, tx_uuid, tx_key, event_ts, event_date, event_hour,"
    " event_dow, user_id, amount_cents, amount_bucket, merchant, category, city, status,"
    " payment_method, currency, ingested_at, source_id, source_partition, source_offset,"
    " source_line, payload, payload_is_json) "
    "SELECT nextval('transactions_id_seq'), tx_uuid, tx_key, event_ts, event_date,"
    " event_hour, event_dow, user_id, amount_cents, amount_bucket, merchant, category,"
    " city, status, payment_method, currency, $1, source_id, source_partition,"
    " source_offset, source_line, payload, payload_is_json "
    "FROM dps_staging ORDER BY ord "
    "ON CONFLICT (tx_uuid) DO NOTHING";
  const char *name;
  PGresult *res;
  gint64 n_duplicates = 0, n_inserted;

  dps_rollup_accumulator_reset (self->rollups);
  *out_sums = self->rollups;
  if (batch->rows->len == 0)
    return TRUE;

  if (!copy_start (self, b, "dps_staging", error, _("store transactions")))
    return FALSE;
  for (guint i = 0; i < batch->rows->len; i++)
    {
      const DpsBatchRow *row = dps_batch_get_row (batch, i);
      const DpsTransaction *tx = &row->tx;
      const char *payload = tx->payload;

      /* The engine drops canonical texts after parsing: PostgreSQL keeps
       * the text (as JSONB), so it is rebuilt here. */
      if (payload == NULL && tx->payload_is_canonical)
        {
          g_string_truncate (rebuilt, 0);
          if (dps_transaction_write_json (tx, rebuilt))
            payload = rebuilt->str;
        }
      if (payload == NULL)
        payload = "";

      copy_row (b, 22);
      copy_int4 (b, (gint32) i);
      copy_bytes (b, tx->id, 16);
      copy_int8 (b, dps_uuid_to_key (tx->id));
      copy_int8 (b, tx->event_ts);
      copy_int4 (b, tx->event_date);
      copy_int2 (b, tx->event_hour);
      copy_int2 (b, tx->event_dayofweek);
      copy_int8 (b, tx->user_id);
      copy_int8 (b, tx->amount_cents);
      copy_int2 (b, (gint16) tx->amount_bucket);
      copy_text (b, tx->merchant != NULL ? tx->merchant : "");
      copy_text (b, tx->category != NULL ? tx->category : "");
      copy_text (b, tx->city != NULL ? tx->city : "");
      copy_int2 (b, (gint16) tx->status);
      copy_int2 (b, (gint16) tx->payment_method);
      copy_text (b, tx->currency);
      if (row->position.source_id != 0)
        copy_int4 (b, (gint32) row->position.source_id);
      else
        copy_null (b);
      copy_int4 (b, row->position.partition);
      copy_int8 (b, row->position.offset);
      copy_int8 (b, row->position.line);
      copy_text (b, payload);
      copy_bool (b, payload_fits_jsonb (payload));
    }
  if (!copy_finish (self, b, error, _("store transactions")))
    return FALSE;

  /* Ids come from the sequence in batch order (volatile expressions are
   * evaluated after the sort), so storage order is load order, and of
   * two rows of the batch with one id the first is kept, as in SQLite. */
  params_init (&p);
  params_int (&p, now);
  res = NULL;
  name = statement_for (self, insert_sql, &p, error);
  if (name == NULL)
    return FALSE;
  if (PQsendQueryPrepared (self->conn, name, (int) p.values->len,
                           (const char *const *) p.values->pdata, NULL, NULL, 0) != 1)
    return set_error (self, NULL, error, _("store transactions"));

  /* While the server inserts, the rows are summed for the rollups as if
   * all were new (the usual case; redone below when not), unless the
   * batch's own sums are on their way. */
  if (!dps_batch_has_rollups (batch))
    for (guint i = 0; i < batch->rows->len; i++)
      dps_rollup_accumulator_add (self->rollups, &dps_batch_get_row (batch, i)->tx);

  for (PGresult *next; (next = PQgetResult (self->conn)) != NULL; )
    {
      if (res == NULL)
        res = next;
      else
        PQclear (next);
      if (PQstatus (self->conn) == CONNECTION_BAD)
        break;
    }
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      set_error (self, res, error, _("store transactions"));
      PQclear (res);
      return FALSE;
    }
  n_inserted = g_ascii_strtoll (PQcmdTuples (res), NULL, 10);
  PQclear (res);

  /* Fewer rows went in than came: which ids were duplicates, and how
   * often? The rows this transaction inserted are those with its xid;
   * each id is looked up through the primary key. */
  if (n_inserted < (gint64) batch->rows->len)
    {
      res = run (self,
                 "SELECT tx_uuid, count(*) - max(mine) FROM ("
                 " SELECT s.tx_uuid, CASE WHEN (SELECT t.xmin::text::bigint FROM transactions t"
                 "  WHERE t.tx_uuid = s.tx_uuid) = txid_current() % 4294967296 THEN 1 ELSE 0 END AS mine"
                 " FROM dps_staging s) x "
                 "GROUP BY tx_uuid HAVING count(*) > max(mine)",
                 NULL, error, _("count duplicates"));
      if (res == NULL)
        return FALSE;
      duplicates = g_hash_table_new_full (uuid_hash, uuid_equal, g_free, g_free);
      for (int r = 0; r < PQntuples (res); r++)
        {
          DuplicateCount *count = g_new0 (DuplicateCount, 1);
          guint8 *id = g_new0 (guint8, 16);

          dps_uuid_from_string (PQgetvalue (res, r, 0), id);
          count->duplicates = get_int (res, r, 1);
          n_duplicates += count->duplicates;
          g_hash_table_insert (duplicates, id, count);
        }
      PQclear (res);
      if (n_inserted + n_duplicates != (gint64) batch->rows->len)
        {
          g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_BUSY,
                       _("Could not count duplicates in “%s”: some rows are neither new nor stored"),
                       dps_repository_get_display_name (DPS_REPOSITORY (self)));
          return FALSE;
        }
    }

  result->duplicates += (guint64) n_duplicates;
  result->loaded += batch->rows->len - (guint64) n_duplicates;

  if (duplicates != NULL)
    {
      /* Which rows went in: of an id with d duplicate arrivals among its
       * c rows, the first row when d = c - 1, none when d = c. */
      for (guint i = 0; i < batch->rows->len; i++)
        {
          const DpsBatchRow *row = dps_batch_get_row (batch, i);
          DuplicateCount *count = g_hash_table_lookup (duplicates, row->tx.id);

          if (count != NULL)
            {
              count->occurrences++;
              count->last_source = row->position.source_id;
            }
        }
    }

  if (duplicates == NULL)
    {
      if (dps_batch_has_rollups (batch))
        *out_sums = dps_batch_wait_rollups (batch);
      return TRUE;
    }

  dps_rollup_accumulator_reset (self->rollups);
  for (guint i = 0; i < batch->rows->len; i++)
    {
      const DpsBatchRow *row = dps_batch_get_row (batch, i);
      DuplicateCount *count = g_hash_table_lookup (duplicates, row->tx.id);

      if (count != NULL)
        {
          gboolean inserted = count->seen == 0 && count->duplicates == count->occurrences - 1;

          count->seen++;
          if (!inserted)
            continue;
        }
      dps_rollup_accumulator_add (self->rollups, &row->tx);
    }

  return record_duplicates (self, duplicates, now, error);
}

static void
append_text_element (GString    *out,
                     const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

typedef struct {
  const DpsRollupSpec *spec;
  GPtrArray           *groups;   /* DpsRollupGroup*, borrowed from the accumulator */
} SpecGroups;

static void
collect_group_cb (const DpsRollupSpec  *spec,
                  const DpsRollupGroup *group,
                  gpointer              user_data)
{
  SpecGroups *all = user_data;
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);

  g_ptr_array_add (all[spec - specs].groups, (gpointer) group);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const DpsRollupSpec *spec = user_data;
  const DpsRollupGroup *x = *(const DpsRollupGroup * const *) a;
  const DpsRollupGroup *y = *(const DpsRollupGroup * const *) b;

  if (x->event_date != y->event_date)
    return x->event_date < y->event_date ? -1 : 1;
  for (guint i = 0; i < dps_rollup_spec_get_n_dims (spec); i++)
    {
      int c = 0;

      switch (spec->order[i])
        {
        case DPS_ROLLUP_DIM_CATEGORY:       c = strcmp (x->category, y->category); break;
        case DPS_ROLLUP_DIM_CITY:           c = strcmp (x->city, y->city); break;
        case DPS_ROLLUP_DIM_MERCHANT:       c = strcmp (x->merchant, y->merchant); break;
        case DPS_ROLLUP_DIM_STATUS:         c = (int) x->status - (int) y->status; break;
        case DPS_ROLLUP_DIM_PAYMENT_METHOD: c = (int) x->payment_method - (int) y->payment_method; break;
        case DPS_ROLLUP_DIM_AMOUNT_BUCKET:  c = (int) x->amount_bucket - (int) y->amount_bucket; break;
        case DPS_ROLLUP_DIM_HOUR:           c = (int) x->event_hour - (int) y->event_hour; break;
        default:
          g_assert_not_reached ();
        }
      if (c != 0)
        return c;
    }
  return 0;
}

static const char *
dim_sql_type (DpsRollupDims dim)
{
  switch (dim)
    {
    case DPS_ROLLUP_DIM_CATEGORY:
    case DPS_ROLLUP_DIM_CITY:
    case DPS_ROLLUP_DIM_MERCHANT:
      return "text";
    case DPS_ROLLUP_DIM_STATUS:
    case DPS_ROLLUP_DIM_PAYMENT_METHOD:
    case DPS_ROLLUP_DIM_AMOUNT_BUCKET:
    case DPS_ROLLUP_DIM_HOUR:
    default:
      return "smallint";
    }
}

/* Adds this batch's new rows, summed in memory, to every rollup: one
 * statement per rollup, its groups in key order (one lock order for
 * concurrent writers). */
static gboolean
update_rollups (DpsPostgresRepository  *self,
                DpsRollupAccumulator   *sums,
                GError                **error)
{
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);
  SpecGroups all[16];
  gboolean ok = TRUE;

  g_assert (n_specs <= G_N_ELEMENTS (all));
  for (guint i = 0; i < n_specs; i++)
    {
      all[i].spec = &specs[i];
      all[i].groups = g_ptr_array_new ();
    }
  dps_rollup_accumulator_foreach (sums, collect_group_cb, all);

  for (guint i = 0; ok && i < n_specs; i++)
    {
      const DpsRollupSpec *spec = &specs[i];
      guint n_dims = dps_rollup_spec_get_n_dims (spec);
      GPtrArray *groups = all[i].groups;
      GString *arrays[DPS_ROLLUP_MAX_DIMS + 3] = { NULL };
      g_autoptr(GString) sql = NULL;
      g_auto(Params) p = { 0 };

      if (groups->len == 0)
        continue;
      g_ptr_array_sort_with_data (groups, compare_groups, (gpointer) spec);

      for (guint a = 0; a < n_dims + 3; a++)
        arrays[a] = g_string_new ("{");
      for (guint g = 0; g < groups->len; g++)
        {
          const DpsRollupGroup *group = groups->pdata[g];
          const char *sep = g > 0 ? "," : "";

          g_string_append_printf (arrays[0], "%s%d", sep, group->event_date);
          for (guint d = 0; d < n_dims; d++)
            {
              GString *out = arrays[d + 1];

              g_string_append (out, sep);
              switch (spec->order[d])
                {
                case DPS_ROLLUP_DIM_CATEGORY:       append_text_element (out, group->category); break;
                case DPS_ROLLUP_DIM_CITY:           append_text_element (out, group->city); break;
                case DPS_ROLLUP_DIM_MERCHANT:       append_text_element (out, group->merchant); break;
                case DPS_ROLLUP_DIM_STATUS:         g_string_append_printf (out, "%u", group->status); break;
                case DPS_ROLLUP_DIM_PAYMENT_METHOD: g_string_append_printf (out, "%u", group->payment_method); break;
                case DPS_ROLLUP_DIM_AMOUNT_BUCKET:  g_string_append_printf (out, "%u", group->amount_bucket); break;
                case DPS_ROLLUP_DIM_HOUR:           g_string_append_printf (out, "%u", group->event_hour); break;
                default:
                  g_assert_not_reached ();
                }
            }
          g_string_append_printf (arrays[n_dims + 1], "%s%" G_GINT64_FORMAT, sep, group->tx_count);
          g_string_append_printf (arrays[n_dims + 2], "%s%" G_GINT64_FORMAT, sep, group->amount_cents);
        }

      params_init (&p);
      for (guint a = 0; a < n_dims + 3; a++)
        {
          g_string_append_c (arrays[a], '}');
          params_untyped (&p, g_string_free (arrays[a], FALSE));
        }

      sql = g_string_new (NULL);
      g_string_append_printf (sql, "INSERT INTO %s AS r (event_date, %s, tx_count, amount_cents) "
                                   "SELECT * FROM unnest($1::integer[]", spec->table, spec->columns);
      for (guint d = 0; d < n_dims; d++)
        g_string_append_printf (sql, ", $%u::%s[]", d + 2, dim_sql_type (spec->order[d]));
      g_string_append_printf (sql, ", $%u::bigint[], $%u::bigint[]) "
                                   "ON CONFLICT (event_date, %s) DO UPDATE SET "
                                   "tx_count = r.tx_count + excluded.tx_count, "
                                   "amount_cents = r.amount_cents + excluded.amount_cents",
                              n_dims + 2, n_dims + 3, spec->columns);
      ok = run_done (self, sql->str, &p, error, _("update the summaries"));
    }

  for (guint i = 0; i < n_specs; i++)
    g_ptr_array_unref (all[i].groups);
  return ok;
}

static gboolean
insert_rejects (DpsPostgresRepository  *self,
                DpsBatch               *batch,
                gint64                  now,
                DpsBatchResult         *result,
                GError                **error)
{
  CopyBuffer *b = &self->copy;
  g_auto(Params) p = { 0 };

  if (batch->rejects->len == 0)
    return TRUE;

  if (!copy_start (self, b, "dps_reject_staging", error, _("store rejected records")))
    return FALSE;
  for (guint i = 0; i < batch->rejects->len; i++)
    {
      const DpsReject *reject = &g_array_index (batch->rejects, DpsReject, i);
      g_autofree char *field = valid_text (reject->field);
      g_autofree char *detail = valid_text (reject->detail);
      g_autofree char *transaction_id = valid_text (reject->transaction_id);

      copy_row (b, 13);
      copy_int4 (b, (gint32) i);
      if (reject->position.source_id != 0)
        copy_int4 (b, (gint32) reject->position.source_id);
      else
        copy_null (b);
      copy_int4 (b, reject->position.partition);
      copy_int8 (b, reject->position.offset);
      copy_int8 (b, reject->position.line);
      copy_text (b, dps_reject_reason_to_string (reject->reason));
      copy_text (b, field);
      copy_text (b, detail);
      copy_bytes (b, reject->raw, reject->raw != NULL ? reject->raw_size : 0);
      copy_int8 (b, (gint64) reject->raw_length);
      copy_int8 (b, dps_repository_raw_hash (reject->raw, reject->raw != NULL ? reject->raw_size : 0));
      if (reject->event_ts != G_MININT64)
        copy_int8 (b, reject->event_ts);
      else
        copy_null (b);
      copy_text (b, transaction_id);
    }
  if (!copy_finish (self, b, error, _("store rejected records")))
    return FALSE;

  params_init (&p);
  params_int (&p, now);
  if (batch->run_id > 0)
    params_int (&p, batch->run_id);
  else
    params_null (&p, OID_INT8);
  if (!run_done (self,
                 "INSERT INTO rejected_transactions (rejected_at, run_id, source_id, "
                 "source_partition, source_offset, source_line, reason, field, detail, raw, "
                 "raw_length, raw_hash, event_ts, transaction_id) "
                 "SELECT dps_timestamptz($1), $2, source_id, source_partition, source_offset, "
                 "source_line, reason, field, detail, raw, raw_length, raw_hash, "
                 "dps_timestamptz(event_ts), transaction_id FROM dps_reject_staging ORDER BY ord "
                 "ON CONFLICT DO NOTHING", &p, error, _("store rejected records")))
    return FALSE;

  for (guint i = 0; i < batch->rejects->len; i++)
    {
      const DpsReject *reject = &g_array_index (batch->rejects, DpsReject, i);

      result->rejected++;
      result->rejected_by_reason[reject->reason]++;
    }
  return TRUE;
}

static gboolean
store_checkpoints (DpsPostgresRepository  *self,
                   DpsBatch               *batch,
                   gint64                  now,
                   GError                **error)
{
  for (guint i = 0; i < batch->checkpoints->len; i++)
    {
      const DpsCheckpoint *cp = g_ptr_array_index (batch->checkpoints, i);
      g_autofree char *key = valid_text (cp->source_key);
      g_autofree char *fingerprint = valid_text (cp->fingerprint);
      g_auto(Params) p = { 0 };

      params_init (&p);
      params_text (&p, key);
      params_int (&p, cp->partition);
      params_int (&p, cp->offset);
      params_int (&p, cp->line);
      params_text (&p, fingerprint);
      params_add (&p, g_strdup (cp->complete ? "t" : "f"), OID_BOOL);
      params_int (&p, now);
      if (!run_done (self,
                     "INSERT INTO source_checkpoints (source_key, partition, position, line, "
                     "fingerprint, complete, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                     "dps_timestamptz($7)) ON CONFLICT (source_key, partition) DO UPDATE SET "
                     "position = excluded.position, line = excluded.line, "
                     "fingerprint = excluded.fingerprint, complete = excluded.complete, "
                     "updated_at = excluded.updated_at", &p, error, _("store the source position")))
        return FALSE;
    }
  return TRUE;
}

static gboolean
count_run (DpsPostgresRepository  *self,
           DpsBatch               *batch,
           const DpsBatchResult   *result,
           GError                **error)
{
  g_auto(Params) p = { 0 };

  if (batch->run_id <= 0)
    return TRUE;

  params_init (&p);
  params_int (&p, (gint64) (batch->rows->len + batch->rejects->len));
  params_int (&p, (gint64) result->loaded);
  params_int (&p, (gint64) result->rejected);
  params_int (&p, (gint64) result->duplicates);
  params_int (&p, (gint64) batch->bytes);
  params_int (&p, batch->run_id);
  return run_done (self,
                   "UPDATE pipeline_runs SET rows_read = rows_read + $1, "
                   "rows_loaded = rows_loaded + $2, rows_rejected = rows_rejected + $3, "
                   "rows_duplicate = rows_duplicate + $4, bytes_read = bytes_read + $5 "
                   "WHERE id = $6", &p, error, _("update the run"));
}

/* The receipt of this batch, in its transaction. */
static gboolean
write_receipt (DpsPostgresRepository  *self,
               gint64                  token,
               const DpsBatchResult   *result,
               GError                **error)
{
  gint64 by_reason[DPS_N_REJECT_REASONS];
  g_auto(Params) p = { 0 };

  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    by_reason[i] = (gint64) result->rejected_by_reason[i];

  params_init (&p);
  params_add (&p, g_strdup (self->writer_id), OID_UUID);
  params_int (&p, token);
  params_int (&p, (gint64) result->loaded);
  params_int (&p, (gint64) result->duplicates);
  params_int (&p, (gint64) result->rejected);
  params_add (&p, dps_repository_reasons_to_json (by_reason), OID_TEXT);
  if (!run_done (self,
                 "INSERT INTO batch_receipts (writer, token, loaded, duplicates, rejected, "
                 "rejected_by_reason) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (writer) DO "
                 "UPDATE SET token = excluded.token, loaded = excluded.loaded, "
                 "duplicates = excluded.duplicates, rejected = excluded.rejected, "
                 "rejected_by_reason = excluded.rejected_by_reason, committed_at = now()",
                 &p, error, _("store transactions")))
    return FALSE;
  self->wrote_receipt = TRUE;
  return TRUE;
}

/* After a COMMIT whose answer was lost: was the batch committed? Then
 * its result is the stored one and it must not be written again. */
static gboolean
check_receipt (DpsPostgresRepository  *self,
               gint64                  token,
               DpsBatchResult         *result,
               gboolean               *out_committed,
               GError                **error)
{
  g_auto(Params) p = { 0 };
  PGresult *res;

  *out_committed = FALSE;
  params_init (&p);
  params_add (&p, g_strdup (self->writer_id), OID_UUID);
  res = run (self, "SELECT token, loaded, duplicates, rejected, rejected_by_reason "
                   "FROM batch_receipts WHERE writer = $1", &p, error, _("store transactions"));
  if (res == NULL)
    return FALSE;

  if (PQntuples (res) == 1 && get_int (res, 0, 0) == self->receipt_token &&
      token == self->receipt_token)
    {
      gint64 by_reason[DPS_N_REJECT_REASONS] = { 0 };

      result->loaded = (guint64) get_int (res, 0, 1);
      result->duplicates = (guint64) get_int (res, 0, 2);
      result->rejected = (guint64) get_int (res, 0, 3);
      dps_repository_reasons_from_json (PQgetvalue (res, 0, 4), by_reason);
      for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
        result->rejected_by_reason[i] = (guint64) by_reason[i];
      *out_committed = TRUE;
    }
  PQclear (res);
  self->receipt_pending = FALSE;
  return TRUE;
}

static gboolean
dps_postgres_repository_write_batch (DpsRepository   *repository,
                                     DpsBatch        *batch,
                                     DpsBatchResult  *result,
                                     GCancellable    *cancellable,
                                     GError         **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  gint64 now = g_get_real_time ();
  gint64 token = batch_token (batch);
  DpsRollupAccumulator *sums = NULL;
  PGresult *res;
  WITH_CANCELLABLE (self, cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!ensure_connected (self, cancellable, error))
    return FALSE;

  if (self->receipt_pending)
    {
      gboolean committed;

      if (!check_receipt (self, token, result, &committed, error))
        return FALSE;
      if (committed)
        {
          if (result->loaded > 0)
            summary_changed (self, FALSE);
          return TRUE;
        }
    }

  /* Room to sort a batch by its order in memory, for this transaction only. */
  if (!ensure_staging (self, error) ||
      !exec_simple (self, "BEGIN; SET LOCAL work_mem = '256MB'", error, _("start a transaction")))
    return FALSE;

  if (!insert_rows (self, batch, now, result, &sums, error) ||
      !update_rollups (self, sums, error) ||
      !insert_rejects (self, batch, now, result, error) ||
      !store_checkpoints (self, batch, now, error) ||
      !count_run (self, batch, result, error) ||
      !write_receipt (self, token, result, error))
    {
      rollback (self);
      memset (result, 0, sizeof *result);
      return FALSE;
    }

  res = PQexec (self->conn, "COMMIT");
  if (PQresultStatus (res) != PGRES_COMMAND_OK || !g_str_equal (PQcmdStatus (res), "COMMIT"))
    {
      /* Without an answer the COMMIT may or may not have happened: the
       * receipt tells on the next call. */
      if (PQstatus (self->conn) == CONNECTION_BAD)
        {
          self->receipt_pending = TRUE;
          self->receipt_token = token;
        }
      set_error (self, res, error, _("commit a batch"));
      PQclear (res);
      rollback (self);
      memset (result, 0, sizeof *result);
      return FALSE;
    }
  PQclear (res);

  if (result->loaded > 0)
    summary_changed (self, FALSE);
  return TRUE;
}

static DpsCheckpoint *
checkpoint_from_row (const PGresult *res,
                     int             row)
{
  DpsCheckpoint *cp = dps_checkpoint_new (PQgetvalue (res, row, 0), (gint32) get_int (res, row, 1));

  cp->offset = get_int (res, row, 2);
  cp->line = get_int (res, row, 3);
  cp->fingerprint = get_text (res, row, 4);
  cp->complete = get_bool (res, row, 5);
  cp->updated_at = get_int (res, row, 6);
  return cp;
}

#define CHECKPOINT_COLUMNS \
  "source_key, partition, position, line, fingerprint, complete, dps_usec(updated_at)"

static gboolean
dps_postgres_repository_load_checkpoint (DpsRepository  *repository,
                                         const char     *source_key,
                                         gint32          partition,
                                         DpsCheckpoint **out,
                                         GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autofree char *key = valid_text (source_key);
  g_auto(Params) p = { 0 };
  PGresult *res;

  params_init (&p);
  params_text (&p, key);
  params_int (&p, partition);
  res = run_read (self, "SELECT " CHECKPOINT_COLUMNS " FROM source_checkpoints "
                        "WHERE source_key = $1 AND partition = $2", &p, error,
                  _("read the source position"));
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) > 0)
    *out = checkpoint_from_row (res, 0);
  PQclear (res);
  return TRUE;
}

static GPtrArray *
dps_postgres_repository_list_checkpoints (DpsRepository  *repository,
                                          const char     *source_key,
                                          GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_checkpoint_free);
  g_autofree char *key = valid_text (source_key);
  g_auto(Params) p = { 0 };
  PGresult *res;

  params_init (&p);
  params_text (&p, key);
  res = run_read (self, "SELECT " CHECKPOINT_COLUMNS " FROM source_checkpoints "
                        "WHERE source_key = $1 ORDER BY partition", &p, error,
                  _("read the source positions"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    g_ptr_array_add (list, checkpoint_from_row (res, r));
  PQclear (res);
  return g_steal_pointer (&list);
}

/* ---------------------------------------------------------------------- */
/* runs                                                                   */

static gboolean
mark_interrupted_runs (DpsPostgresRepository  *self,
                       GError                **error)
{
  PGresult *res;

  res = run (self, "SELECT id, pid, host FROM pipeline_runs WHERE status = 'running'", NULL,
             error, _("read the run history"));
  if (res == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (res); r++)
    {
      g_auto(Params) p = { 0 };

      if (dps_repository_process_is_alive (get_int (res, r, 1), PQgetvalue (res, r, 2)))
        continue;
      params_init (&p);
      params_int (&p, g_get_real_time ());
      params_text (&p, "The process running this pipeline stopped before the run ended.");
      params_int (&p, get_int (res, r, 0));
      if (!run_done (self,
                     "UPDATE pipeline_runs SET status = 'interrupted', "
                     "finished_at = coalesce(finished_at, dps_timestamptz($1)), "
                     "error = coalesce(error, $2) WHERE id = $3", &p, error,
                     _("update the run history")))
        {
          PQclear (res);
          return FALSE;
        }
    }
  PQclear (res);
  return TRUE;
}

static gboolean
dps_postgres_repository_begin_run (DpsRepository  *repository,
                                   DpsRunRecord   *run_record,
                                   GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autofree char *kind = valid_text (run_record->kind != NULL ? run_record->kind : "import");
  g_autofree char *source = valid_text (run_record->source != NULL ? run_record->source : "");
  g_auto(Params) p = { 0 };
  PGresult *res;

  if (!ensure_connected (self, NULL, error) ||
      !mark_interrupted_runs (self, error))
    return FALSE;

  /* Receipts of writers gone for a day are of no use. */
  PQclear (run (self, "DELETE FROM batch_receipts WHERE committed_at < now() - interval '1 day'",
                NULL, NULL, ""));

  if (run_record->started_at == 0)
    run_record->started_at = g_get_real_time ();

  params_init (&p);
  params_text (&p, kind);
  params_text (&p, source);
  params_int (&p, run_record->started_at);
  params_text (&p, status_sql[run_record->status]);
  params_int (&p, getpid ());
  params_text (&p, g_get_host_name ());
  res = run (self,
             "INSERT INTO pipeline_runs (kind, source, started_at, status, pid, host) "
             "VALUES ($1, $2, dps_timestamptz($3), $4, $5, $6) RETURNING id",
             &p, error, _("record the run"));
  if (res == NULL)
    return FALSE;
  run_record->id = get_int (res, 0, 0);
  PQclear (res);
  return TRUE;
}

static gboolean
dps_postgres_repository_update_run (DpsRepository       *repository,
                                    const DpsRunRecord  *run_record,
                                    GError             **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autofree char *reasons = dps_repository_reasons_to_json (run_record->rejected_by_reason);
  g_autofree char *message = valid_text (run_record->error);
  g_autofree char *timings = valid_text (run_record->stage_timings);
  g_autofree char *checks = valid_text (run_record->quality_checks);
  g_auto(Params) p = { 0 };
  PGresult *res;

  params_init (&p);
  if (run_record->finished_at != 0)
    params_int (&p, run_record->finished_at);
  else
    params_null (&p, OID_INT8);
  params_text (&p, status_sql[run_record->status]);
  params_text (&p, message);
  params_text (&p, timings);
  params_text (&p, checks);
  params_text (&p, reasons);
  params_int (&p, run_record->id);
  res = run_read (self,
                  "UPDATE pipeline_runs SET finished_at = dps_timestamptz($1), status = $2, "
                  "error = $3, stage_timings = $4, quality_checks = $5, rejected_by_reason = $6 "
                  "WHERE id = $7", &p, error, _("update the run"));
  if (res == NULL)
    return FALSE;
  PQclear (res);

  /* A finished run is shown in daily_summary at once. */
  if (run_record->status != DPS_RUN_STATUS_RUNNING)
    summary_flush (self);
  return TRUE;
}

static GPtrArray *
dps_postgres_repository_list_runs (DpsRepository  *repository,
                                   guint           limit,
                                   GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_run_record_free);
  g_auto(Params) p = { 0 };
  PGresult *res;

  params_init (&p);
  if (limit > 0)
    params_int (&p, limit);
  else
    params_null (&p, OID_INT8);
  res = run_read (self,
                  "SELECT id, kind, source, dps_usec(started_at), dps_usec(finished_at), rows_read, "
                  "rows_loaded, rows_rejected, rows_duplicate, bytes_read, status, error, "
                  "stage_timings, quality_checks, rejected_by_reason FROM pipeline_runs "
                  "ORDER BY id DESC LIMIT $1", &p, error, _("read the run history"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsRunRecord *record = dps_run_record_new (PQgetvalue (res, r, 1), PQgetvalue (res, r, 2));
      DpsRunStatus status = DPS_RUN_STATUS_FAILED;

      record->id = get_int (res, r, 0);
      record->started_at = get_int (res, r, 3);
      record->finished_at = get_int (res, r, 4);
      record->rows_read = get_int (res, r, 5);
      record->rows_loaded = get_int (res, r, 6);
      record->rows_rejected = get_int (res, r, 7);
      record->rows_duplicate = get_int (res, r, 8);
      record->bytes_read = get_int (res, r, 9);
      dps_run_status_from_string (PQgetvalue (res, r, 10), &status);
      record->status = status;
      record->error = get_text (res, r, 11);
      record->stage_timings = get_text (res, r, 12);
      record->quality_checks = get_text (res, r, 13);
      dps_repository_reasons_from_json (PQgetvalue (res, r, 14), record->rejected_by_reason);
      g_ptr_array_add (runs, record);
    }
  PQclear (res);
  return g_steal_pointer (&runs);
}

/* ---------------------------------------------------------------------- */
/* the query API                                                          */

/* Columns of DpsRow in pages and cursors. */
#define ROW_COLUMNS \
  "id, tx_uuid, event_ts, event_date, event_hour, event_dow, user_id, amount_cents, " \
  "amount_bucket, merchant, category, city, status, payment_method, currency, ingested_at"

static void
row_from_result (const PGresult *res,
                 int             r,
                 DpsRow         *row)
{
  DpsTransaction *tx = &row->tx;

  dps_row_clear (row);
  row->row_id = get_int (res, r, 0);
  dps_uuid_from_string (PQgetvalue (res, r, 1), tx->id);
  tx->event_ts = get_int (res, r, 2);
  tx->event_date = (gint32) get_int (res, r, 3);
  tx->event_hour = (guint8) get_int (res, r, 4);
  tx->event_dayofweek = (guint8) get_int (res, r, 5);
  tx->user_id = get_int (res, r, 6);
  tx->amount_cents = get_int (res, r, 7);
  tx->amount_bucket = (DpsAmountBucket) get_int (res, r, 8);
  tx->merchant = get_text (res, r, 9);
  tx->category = get_text (res, r, 10);
  tx->city = get_text (res, r, 11);
  tx->status = (DpsStatus) get_int (res, r, 12);
  tx->payment_method = (DpsPaymentMethod) get_int (res, r, 13);
  g_strlcpy (tx->currency, PQgetvalue (res, r, 14), sizeof tx->currency);
  row->ingested_at = get_int (res, r, 15);
}

static void
aggregate_from_result (const PGresult *res,
                       int             r,
                       int             first,
                       DpsAggregate   *agg)
{
  agg->count = get_int (res, r, first);
  agg->amount_cents = get_int (res, r, first + 1);
  agg->approved_count = get_int (res, r, first + 2);
  agg->approved_cents = get_int (res, r, first + 3);
}

static PGresult *
run_built (DpsPostgresRepository  *self,
           DpsSqlBuilder          *b,
           GError                **error,
           const char             *doing)
{
  g_auto(Params) p = { 0 };

  params_init (&p);
  params_from_builder (&p, b);
  return run_read (self, b->sql->str, &p, error, doing);
}

static gboolean
count_rejects_in_period (DpsPostgresRepository  *self,
                         DpsFilter              *filter,
                         gint64                 *rejected,
                         gint64                 *duplicates,
                         GError                **error)
{
  g_auto(DpsSqlBuilder) b = { 0 };
  gint64 from, to;
  PGresult *res;

  dps_filter_get_period (filter, &from, &to);
  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  dps_sql_build_period_counts (&b, from, to);

  res = run_built (self, &b, error, _("count rejected records"));
  if (res == NULL)
    return FALSE;
  *rejected = get_int (res, 0, 0);
  *duplicates = get_int (res, 0, 1);
  PQclear (res);
  return TRUE;
}

static gboolean
query_kpis (DpsPostgresRepository  *self,
            DpsFilter              *filter,
            DpsKpis                *kpis,
            gboolean                with_rejects,
            GError                **error)
{
  const DpsRollupSpec *rollup = dps_rollup_choose (filter, DPS_DIMENSION_NONE, DPS_DIMENSION_NONE);
  g_auto(DpsSqlBuilder) b = { 0 };
  PGresult *res;

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  dps_sql_build_kpis (&b, filter, rollup);

  res = run_built (self, &b, error, _("compute the key figures"));
  if (res == NULL)
    return FALSE;
  aggregate_from_result (res, 0, 0, &kpis->total);
  if (!PQgetisnull (res, 0, 4))
    {
      kpis->first_event = get_int (res, 0, 4);
      kpis->last_event = get_int (res, 0, 5);
    }
  PQclear (res);

  kpis->from_rollup = rollup != NULL;
  if (!with_rejects)
    return TRUE;
  return count_rejects_in_period (self, filter, &kpis->rejected, &kpis->duplicates, error);
}

static gboolean
dps_postgres_repository_query_kpis (DpsRepository  *repository,
                                    DpsFilter      *filter,
                                    DpsKpis        *kpis,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  WITH_CANCELLABLE (self, cancellable);

  return query_kpis (self, filter, kpis, TRUE, error);
}


static char *
key_from_result (const PGresult *res,
                 int             r,
                 int             column,
                 DpsDimension    dimension)
{
  const char *text = PQgetisnull (res, r, column) ? NULL : PQgetvalue (res, r, column);

  return dps_sql_dimension_key (dimension, text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0,
                                text);
}

static DpsBreakdown *
dps_postgres_repository_query_breakdown (DpsRepository      *repository,
                                         DpsFilter          *filter,
                                         DpsDimension        dimension,
                                         DpsDimension        dimension2,
                                         DpsBreakdownOrder   order,
                                         guint               limit,
                                         GCancellable       *cancellable,
                                         GError            **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  const DpsRollupSpec *rollup = dps_rollup_choose (filter, dimension, dimension2);
  gboolean two = dimension2 != DPS_DIMENSION_NONE;
  g_auto(DpsBreakdownBuilder) builder = { 0 };
  gboolean merges;
  g_auto(DpsSqlBuilder) b = { 0 };
  PGresult *res;
  WITH_CANCELLABLE (self, cancellable);

  dps_breakdown_builder_init (&builder, dimension, dimension2, order, limit);
  merges = dps_breakdown_builder_merges (&builder);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  dps_sql_build_breakdown (&b, filter, rollup, dimension, dimension2, order, limit, merges);

  res = run_built (self, &b, error, _("compute a breakdown"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsAggregate agg;
      g_autofree char *key = key_from_result (res, r, 0, dimension);
      g_autofree char *key2 = two ? key_from_result (res, r, 1, dimension2) : NULL;

      aggregate_from_result (res, r, 2, &agg);
      dps_breakdown_builder_add (&builder, key, key2, &agg);
    }
  PQclear (res);

  return dps_breakdown_builder_finish (&builder, rollup != NULL);
}

static gboolean
dps_postgres_repository_count_rows (DpsRepository  *repository,
                                    DpsFilter      *filter,
                                    guint64        *out_count,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  DpsKpis kpis = { 0 };
  WITH_CANCELLABLE (self, cancellable);

  /* The KPI query answers from rollups when it can. */
  if (!query_kpis (self, filter, &kpis, FALSE, error))
    return FALSE;
  *out_count = (guint64) kpis.total.count;
  return TRUE;
}

/* The base table's column for a sort key: ids sort by their uuid, which
 * orders like SQLite's integer key of their first bytes. */
static const char *
sort_column (DpsSortKey key)
{
  if (key == DPS_SORT_TRANSACTION_ID)
    return "tx_uuid";
  return dps_sql_sort_column (key);
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
    case DPS_SORT_TRANSACTION_ID: dps_sql_param_blob (b, tx->id, 16); break;
    default:
      g_assert_not_reached ();
    }
}

/* SELECT … FROM transactions WHERE <filter> [keyset]
 * ORDER BY <key> <dir>, id <dir>. */
static void
build_row_query (DpsSqlBuilder        *b,
                 DpsFilter            *filter,
                 const DpsSort        *sort,
                 const DpsRow         *after,
                 gboolean              backwards)
{
  const char *column = sort_column (sort->key);
  gboolean descending = sort->descending != backwards;
  const char *dir = descending ? "DESC" : "ASC";

  dps_sql_append (b, "SELECT " ROW_COLUMNS " FROM transactions WHERE TRUE");
  dps_sql_append_filter (b, filter, DPS_SQL_TARGET_BASE);

  if (after != NULL)
    {
      if (sort->key == DPS_SORT_INGESTED_AT)
        {
          dps_sql_append_printf (b, " AND id %s ", descending ? "<" : ">");
          dps_sql_param_int (b, after->row_id);
        }
      else
        {
          dps_sql_append_printf (b, " AND (%s, id) %s (", column, descending ? "<" : ">");
          bind_sort_value (b, sort->key, after);
          dps_sql_append (b, ", ");
          dps_sql_param_int (b, after->row_id);
          dps_sql_append (b, ")");
        }
    }

  if (sort->key == DPS_SORT_INGESTED_AT)
    dps_sql_append_printf (b, " ORDER BY id %s", dir);
  else
    dps_sql_append_printf (b, " ORDER BY %s %s, id %s", column, dir, dir);
}

static GPtrArray *
dps_postgres_repository_query_page (DpsRepository         *repository,
                                    DpsFilter             *filter,
                                    const DpsSort         *sort,
                                    const DpsPageRequest  *request,
                                    GCancellable          *cancellable,
                                    GError               **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_row_free);
  g_auto(DpsSqlBuilder) b = { 0 };
  PGresult *res;
  WITH_CANCELLABLE (self, cancellable);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  build_row_query (&b, filter, sort, request->after, request->backwards);
  dps_sql_append (&b, " LIMIT ");
  dps_sql_param_int (&b, request->limit > 0 ? request->limit : 100);
  if (request->after == NULL && request->offset > 0)
    {
      dps_sql_append (&b, " OFFSET ");
      dps_sql_param_int (&b, (gint64) request->offset);
    }

  res = run_built (self, &b, error, _("read transactions"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsRow *row = dps_row_new ();

      row_from_result (res, r, row);
      g_ptr_array_add (rows, row);
    }
  PQclear (res);

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

/* Streams the rows of a prepared statement one at a time (single-row
 * mode), so millions of rows never sit in memory at once. @func returns
 * FALSE to stop: the rest is cancelled and drained. */
typedef gboolean (*ResultRowFunc) (const PGresult *res,
                                   gpointer        user_data,
                                   GError        **error);

static gboolean
stream_rows (DpsPostgresRepository  *self,
             const char             *sql,
             Params                 *p,
             ResultRowFunc           func,
             gpointer                user_data,
             GError                **error,
             const char             *doing)
{
  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean ok = TRUE, delivered = FALSE, stopped = FALSE;
      const char *name;
      PGresult *res;

      if (!ensure_connected (self, self->cancellable, error))
        return FALSE;
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      name = statement_for (self, sql, p, &local_error);
      if (name == NULL ||
          PQsendQueryPrepared (self->conn, name, (int) p->values->len,
                               (const char *const *) p->values->pdata, NULL, NULL, 0) != 1)
        {
          if (local_error == NULL)
            set_error (self, NULL, &local_error, doing);
          if (attempt == 0 && should_retry_read (self, &local_error))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      PQsetSingleRowMode (self->conn);

      while ((res = PQgetResult (self->conn)) != NULL)
        {
          ExecStatusType st = PQresultStatus (res);

          if (st == PGRES_SINGLE_TUPLE && ok && !stopped)
            {
              delivered = TRUE;
              if (!func (res, user_data, &local_error))
                {
                  ok = FALSE;
                  stopped = TRUE;
                  /* Stop the server sending the rest. */
                  cancelled_cb (NULL, self);
                }
            }
          else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && ok)
            {
              set_error (self, res, &local_error, doing);
              ok = FALSE;
            }
          PQclear (res);
          if (PQstatus (self->conn) == CONNECTION_BAD)
            {
              if (ok)
                set_error (self, NULL, &local_error, doing);
              ok = FALSE;
              break;
            }
        }

      if (ok)
        return TRUE;
      /* Nothing was shown yet: a lost connection may be tried again. */
      if (!delivered && attempt == 0 && should_retry_read (self, &local_error))
        continue;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
}

typedef struct {
  DpsPostgresRepository *self;
  DpsRowFunc             func;
  gpointer               user_data;
  DpsRow                 row;
  guint                  n;
} ForeachRow;

static gboolean
foreach_row_cb (const PGresult *res,
                gpointer        user_data,
                GError        **error)
{
  ForeachRow *state = user_data;

  row_from_result (res, 0, &state->row);
  if (!state->func (&state->row, state->user_data, error))
    return FALSE;
  if (++state->n % 4096 == 0 && g_cancellable_set_error_if_cancelled (state->self->cancellable, error))
    return FALSE;
  return TRUE;
}

static gboolean
dps_postgres_repository_foreach_row (DpsRepository  *repository,
                                     DpsFilter      *filter,
                                     const DpsSort  *sort,
                                     DpsRowFunc      func,
                                     gpointer        user_data,
                                     GCancellable   *cancellable,
                                     GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_auto(DpsSqlBuilder) b = { 0 };
  g_auto(Params) p = { 0 };
  ForeachRow state = { self, func, user_data, { 0 }, 0 };
  gboolean ok;
  WITH_CANCELLABLE (self, cancellable);

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  build_row_query (&b, filter, sort, NULL, FALSE);
  params_init (&p);
  params_from_builder (&p, &b);
  ok = stream_rows (self, b.sql->str, &p, foreach_row_cb, &state, error, _("read transactions"));
  dps_row_clear (&state.row);
  return ok;
}

static gboolean
dps_postgres_repository_get_row (DpsRepository  *repository,
                                 const guint8    id[16],
                                 DpsRow        **out,
                                 GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_auto(Params) p = { 0 };
  PGresult *res;

  params_init (&p);
  params_uuid (&p, id);
  res = run_read (self,
                  "SELECT t.id, t.tx_uuid, t.event_ts, t.event_date, t.event_hour, t.event_dow, "
                  "t.user_id, t.amount_cents, t.amount_bucket, t.merchant, t.category, t.city, "
                  "t.status, t.payment_method, t.currency, t.ingested_at, "
                  "t.payload, s.source_key, t.source_offset, t.source_line, t.source_partition "
                  "FROM transactions t LEFT JOIN sources s ON s.id = t.source_id "
                  "WHERE t.tx_uuid = $1", &p, error, _("read a transaction"));
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) > 0)
    {
      DpsRow *row = dps_row_new ();

      row_from_result (res, 0, row);
      row->tx.payload = get_text (res, 0, 16);
      row->source = get_text (res, 0, 17);
      row->source_offset = PQgetisnull (res, 0, 18) ? -1 : get_int (res, 0, 18);
      row->source_line = PQgetisnull (res, 0, 19) ? -1 : get_int (res, 0, 19);
      row->source_partition = PQgetisnull (res, 0, 20) ? -1 : (gint32) get_int (res, 0, 20);
      *out = row;
    }
  PQclear (res);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* data quality                                                           */

static gboolean
dps_postgres_repository_count_rejects (DpsRepository         *repository,
                                       const DpsRejectQuery  *query,
                                       gint64                *by_reason,
                                       GError               **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_auto(DpsSqlBuilder) b = { 0 };
  PGresult *res;

  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  dps_sql_append (&b, "SELECT r.reason, count(*) FROM rejected_transactions r WHERE TRUE");
  dps_sql_append_reject_query (&b, query);
  dps_sql_append (&b, " GROUP BY r.reason");
  res = run_built (self, &b, error, _("count rejected records"));
  if (res == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsRejectReason reason;

      if (dps_reject_reason_from_string (PQgetvalue (res, r, 0), &reason))
        by_reason[reason] += get_int (res, r, 1);
    }
  PQclear (res);
  return TRUE;
}

#define REJECT_COLUMNS \
  "r.id, dps_usec(r.rejected_at), r.run_id, s.source_key, r.source_partition, r.source_offset, " \
  "r.source_line, r.reason, r.field, r.detail, r.raw, r.raw_length, dps_usec(r.event_ts), " \
  "r.transaction_id"

static void
reject_from_result (const PGresult  *res,
                    int              r,
                    DpsStoredReject *out)
{
  DpsReject *reject = &out->reject;
  DpsRejectReason reason = DPS_REJECT_MALFORMED_JSON;
  size_t raw_size = 0;
  guint8 *raw = NULL;

  g_free (out->source);
  dps_reject_clear (reject);
  out->id = get_int (res, r, 0);
  out->rejected_at = get_int (res, r, 1);
  out->run_id = get_int (res, r, 2);
  out->source = get_text (res, r, 3);
  reject->position.partition = (gint32) get_int (res, r, 4);
  reject->position.offset = get_int (res, r, 5);
  reject->position.line = get_int (res, r, 6);
  dps_reject_reason_from_string (PQgetvalue (res, r, 7), &reason);
  reject->reason = reason;
  reject->field = get_text (res, r, 8);
  reject->detail = get_text (res, r, 9);
  if (!PQgetisnull (res, r, 10))
    raw = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, r, 10), &raw_size);
  dps_reject_set_raw (reject, raw != NULL ? (const char *) raw : NULL, raw_size);
  if (raw != NULL)
    PQfreemem (raw);
  reject->raw_length = (gsize) get_int (res, r, 11);
  reject->event_ts = PQgetisnull (res, r, 12) ? G_MININT64 : get_int (res, r, 12);
  reject->transaction_id = get_text (res, r, 13);
}

static void
build_reject_listing (const DpsRejectQuery  *query,
                      DpsSqlBuilder         *b)
{
  dps_sql_builder_init (b, DPS_SQL_DIALECT_POSTGRES);
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
}

static GPtrArray *
dps_postgres_repository_list_rejects (DpsRepository         *repository,
                                      const DpsRejectQuery  *query,
                                      GError               **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_stored_reject_free);
  g_auto(DpsSqlBuilder) b = { 0 };
  PGresult *res;

  build_reject_listing (query, &b);
  res = run_built (self, &b, error, _("read rejected records"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsStoredReject *stored = g_new0 (DpsStoredReject, 1);

      dps_reject_clear (&stored->reject);
      reject_from_result (res, r, stored);
      g_ptr_array_add (list, stored);
    }
  PQclear (res);
  return g_steal_pointer (&list);
}

typedef struct {
  DpsRejectFunc    func;
  gpointer         user_data;
  DpsStoredReject  stored;
} ForeachReject;

static gboolean
foreach_reject_cb (const PGresult *res,
                   gpointer        user_data,
                   GError        **error)
{
  ForeachReject *state = user_data;

  reject_from_result (res, 0, &state->stored);
  return state->func (&state->stored, state->user_data, error);
}

static gboolean
dps_postgres_repository_foreach_reject (DpsRepository         *repository,
                                        const DpsRejectQuery  *query,
                                        DpsRejectFunc          func,
                                        gpointer               user_data,
                                        GCancellable          *cancellable,
                                        GError               **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_auto(DpsSqlBuilder) b = { 0 };
  g_auto(Params) p = { 0 };
  ForeachReject state = { func, user_data, { 0 } };
  gboolean ok;
  WITH_CANCELLABLE (self, cancellable);

  dps_reject_clear (&state.stored.reject);
  build_reject_listing (query, &b);
  params_init (&p);
  params_from_builder (&p, &b);
  ok = stream_rows (self, b.sql->str, &p, foreach_reject_cb, &state, error,
                    _("read rejected records"));
  g_free (state.stored.source);
  dps_reject_clear (&state.stored.reject);
  return ok;
}

static DpsBreakdown *
dps_postgres_repository_reject_series (DpsRepository         *repository,
                                       const DpsRejectQuery  *query,
                                       GError               **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autoptr(DpsBreakdown) series = dps_breakdown_new (DPS_DIMENSION_DAY, DPS_DIMENSION_NONE);
  g_auto(DpsSqlBuilder) b = { 0 };
  PGresult *res;

  /* Day numbers as SQLite computes them (integer division). */
  dps_sql_builder_init (&b, DPS_SQL_DIALECT_POSTGRES);
  dps_sql_append_printf (&b, "SELECT dps_usec(r.event_time) / %" G_GINT64_FORMAT " AS day, "
                             "r.reason COLLATE \"C\" AS reason, count(*) "
                             "FROM rejected_transactions r WHERE TRUE", DPS_USEC_PER_DAY);
  dps_sql_append_reject_query (&b, query);
  dps_sql_append (&b, " GROUP BY 1, 2 ORDER BY 1, 2");
  res = run_built (self, &b, error, _("read rejected records"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsAggregate agg = { get_int (res, r, 2), 0, 0, 0 };
      g_autofree char *day = dps_format_date ((gint32) get_int (res, r, 0));

      dps_breakdown_add (series, day, PQgetvalue (res, r, 1), &agg);
    }
  PQclear (res);
  return g_steal_pointer (&series);
}

static GPtrArray *
dps_postgres_repository_list_duplicates (DpsRepository  *repository,
                                         guint           limit,
                                         GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dps_duplicate_info_free);
  g_auto(Params) p = { 0 };
  PGresult *res;

  params_init (&p);
  if (limit > 0)
    params_int (&p, limit);
  else
    params_null (&p, OID_INT8);
  res = run_read (self,
                  "SELECT d.tx_uuid, d.arrivals, dps_usec(d.first_seen), dps_usec(d.last_seen), "
                  "s.source_key FROM duplicate_transactions d "
                  "LEFT JOIN sources s ON s.id = d.last_source_id "
                  "ORDER BY d.arrivals DESC, d.last_seen DESC, d.tx_uuid LIMIT $1",
                  &p, error, _("read duplicates"));
  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      DpsDuplicateInfo *info = g_new0 (DpsDuplicateInfo, 1);

      dps_uuid_from_string (PQgetvalue (res, r, 0), info->id);
      info->arrivals = get_int (res, r, 1);
      info->first_seen = get_int (res, r, 2);
      info->last_seen = get_int (res, r, 3);
      info->last_source = get_text (res, r, 4);
      g_ptr_array_add (list, info);
    }
  PQclear (res);
  return g_steal_pointer (&list);
}

/* ---------------------------------------------------------------------- */
/* checks and info                                                        */

static gboolean
dps_postgres_repository_check_rollups (DpsRepository  *repository,
                                       gint32          day_from,
                                       gint32          day_to,
                                       gboolean       *out_equal,
                                       char          **out_detail,
                                       GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);

  *out_equal = TRUE;
  for (guint i = 0; i < n_specs; i++)
    {
      g_autofree char *sql = NULL;
      g_auto(Params) p = { 0 };
      gint64 differences;
      PGresult *res;

      /* Symmetric difference between the rollup and a fresh aggregate. */
      sql = g_strdup_printf ("WITH fresh AS (SELECT event_date, %s, count(*)::bigint AS tx_count, "
                             "sum(amount_cents)::bigint AS amount_cents FROM transactions "
                             "WHERE event_date BETWEEN $1 AND $2 GROUP BY event_date, %s), "
                             "kept AS (SELECT event_date, %s, tx_count, amount_cents FROM %s "
                             "WHERE event_date BETWEEN $1 AND $2) "
                             "SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept) a) + "
                             "(SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh) b)",
                             specs[i].columns, specs[i].columns, specs[i].columns, specs[i].table);
      params_init (&p);
      params_int (&p, day_from);
      params_int (&p, day_to);
      res = run_read (self, sql, &p, error, _("check the summaries"));
      if (res == NULL)
        return FALSE;
      differences = get_int (res, 0, 0);
      PQclear (res);

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
dps_postgres_repository_rebuild_rollups (DpsRepository  *repository,
                                         GCancellable   *cancellable,
                                         GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  guint n_specs;
  const DpsRollupSpec *specs = dps_rollup_get_specs (&n_specs);
  const char *doing = _("rebuild the summaries");
  WITH_CANCELLABLE (self, cancellable);

  if (!ensure_connected (self, cancellable, error) ||
      !exec_simple (self, "BEGIN", error, doing))
    return FALSE;
  for (guint i = 0; i < n_specs; i++)
    {
      g_autofree char *clear = g_strdup_printf ("DELETE FROM %s", specs[i].table);
      g_autofree char *fill = g_strdup_printf ("INSERT INTO %s (event_date, %s, tx_count, amount_cents) "
                                               "SELECT event_date, %s, count(*), sum(amount_cents) "
                                               "FROM transactions GROUP BY event_date, %s",
                                               specs[i].table, specs[i].columns, specs[i].columns,
                                               specs[i].columns);

      if (!exec_simple (self, clear, error, doing) ||
          !exec_simple (self, fill, error, doing))
        {
          rollback (self);
          return FALSE;
        }
    }
  if (!exec_simple (self, "COMMIT", error, doing))
    {
      rollback (self);
      return FALSE;
    }
  summary_changed (self, TRUE);
  return TRUE;
}

static gboolean
dps_postgres_repository_get_info (DpsRepository      *repository,
                                  DpsRepositoryInfo  *info,
                                  GError            **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  guint n_migrations;
  PGresult *res;
  gint64 version = 0;

  dps_postgres_schema_get_migrations (&n_migrations);
  info->backend = g_strdup ("PostgreSQL");
  info->display_name = g_strdup (dps_repository_get_display_name (repository));
  info->location = g_strdup (self->location);
  info->latest_version = (gint) n_migrations;
  info->first_event = G_MININT64;
  info->last_event = G_MININT64;
  info->size_bytes = -1;

  res = run_read (self,
                  "SELECT to_regclass('schema_migrations') IS NOT NULL, "
                  "(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                  " WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
                  " AND c.relkind IN ('r', 'm'))", NULL, error, _("read the database summary"));
  if (res == NULL)
    return FALSE;
  info->size_bytes = get_int (res, 0, 1);
  if (!get_bool (res, 0, 0))
    {
      PQclear (res);
      return TRUE;
    }
  PQclear (res);

  res = run_read (self, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL, error,
                  _("read the database summary"));
  if (res == NULL)
    return FALSE;
  version = get_int (res, 0, 0);
  PQclear (res);
  info->schema_version = (gint) version;
  if (version < 1)
    return TRUE;

  res = run_read (self,
                  "SELECT (SELECT coalesce(sum(tx_count), 0) FROM rollup_daily), "
                  "(SELECT count(*) FROM rejected_transactions), "
                  "(SELECT coalesce(sum(arrivals - 1), 0) FROM duplicate_transactions), "
                  "(SELECT count(*) FROM pipeline_runs), "
                  "(SELECT min(event_ts) FROM transactions), "
                  "(SELECT max(event_ts) FROM transactions)", NULL, error,
                  _("read the database summary"));
  if (res == NULL)
    return FALSE;
  info->rows = get_int (res, 0, 0);
  info->rejects = get_int (res, 0, 1);
  info->duplicates = get_int (res, 0, 2);
  info->runs = get_int (res, 0, 3);
  if (!PQgetisnull (res, 0, 4))
    {
      info->first_event = get_int (res, 0, 4);
      info->last_event = get_int (res, 0, 5);
    }
  PQclear (res);
  return TRUE;
}

static gboolean
dps_postgres_repository_count_null_keys (DpsRepository  *repository,
                                         gint64         *out_count,
                                         GError        **error)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (repository);
  PGresult *res;

  res = run_read (self, "SELECT count(*) FROM transactions WHERE tx_uuid IS NULL OR event_ts IS NULL",
                  NULL, error, _("check the transactions"));
  if (res == NULL)
    return FALSE;
  *out_count = get_int (res, 0, 0);
  PQclear (res);
  return TRUE;
}

/* ---------------------------------------------------------------------- */

static void
dps_postgres_repository_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL:
      g_value_set_uint (value, dps_postgres_repository_get_refresh_interval (DPS_REPOSITORY (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_postgres_repository_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL:
      dps_postgres_repository_set_refresh_interval (DPS_REPOSITORY (self), g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_postgres_repository_finalize (GObject *object)
{
  DpsPostgresRepository *self = DPS_POSTGRES_REPOSITORY (object);

  /* The last changes are refreshed before the refresher goes. */
  stop_refresher (self);

  if (self->wrote_receipt && self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK &&
      !in_transaction (self))
    {
      g_auto(Params) p = { 0 };

      params_init (&p);
      params_add (&p, g_strdup (self->writer_id), OID_UUID);
      PQclear (run (self, "DELETE FROM batch_receipts WHERE writer = $1", &p, NULL, ""));
    }

  g_mutex_lock (&self->cancel_lock);
  g_clear_pointer (&self->cancel, PQfreeCancel);
  g_mutex_unlock (&self->cancel_lock);
  g_clear_pointer (&self->conn, PQfinish);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->source_ids, g_hash_table_unref);
  g_clear_pointer (&self->rollups, dps_rollup_accumulator_free);
  g_clear_pointer (&self->copy.data, g_free);
  if (self->secret != NULL)
    memset (self->secret, 0, strlen (self->secret));
  if (self->conninfo != NULL)
    memset (self->conninfo, 0, strlen (self->conninfo));
  g_free (self->secret);
  g_free (self->conninfo);
  g_free (self->location);
  g_free (self->writer_id);
  g_mutex_clear (&self->cancel_lock);
  g_mutex_clear (&self->refresh_lock);
  g_mutex_clear (&self->refresh_conn_lock);
  g_cond_clear (&self->refresh_wake);

  G_OBJECT_CLASS (dps_postgres_repository_parent_class)->finalize (object);
}

static void
dps_postgres_repository_class_init (DpsPostgresRepositoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DpsRepositoryClass *repository_class = DPS_REPOSITORY_CLASS (klass);

  object_class->finalize = dps_postgres_repository_finalize;
  object_class->get_property = dps_postgres_repository_get_property;
  object_class->set_property = dps_postgres_repository_set_property;

  repository_class->migrate = dps_postgres_repository_migrate;
  repository_class->get_info = dps_postgres_repository_get_info;
  repository_class->ensure_source = dps_postgres_repository_ensure_source;
  repository_class->write_batch = dps_postgres_repository_write_batch;
  repository_class->load_checkpoint = dps_postgres_repository_load_checkpoint;
  repository_class->list_checkpoints = dps_postgres_repository_list_checkpoints;
  repository_class->begin_run = dps_postgres_repository_begin_run;
  repository_class->update_run = dps_postgres_repository_update_run;
  repository_class->list_runs = dps_postgres_repository_list_runs;
  repository_class->query_kpis = dps_postgres_repository_query_kpis;
  repository_class->query_breakdown = dps_postgres_repository_query_breakdown;
  repository_class->count_rows = dps_postgres_repository_count_rows;
  repository_class->query_page = dps_postgres_repository_query_page;
  repository_class->foreach_row = dps_postgres_repository_foreach_row;
  repository_class->get_row = dps_postgres_repository_get_row;
  repository_class->count_rejects = dps_postgres_repository_count_rejects;
  repository_class->list_rejects = dps_postgres_repository_list_rejects;
  repository_class->foreach_reject = dps_postgres_repository_foreach_reject;
  repository_class->reject_series = dps_postgres_repository_reject_series;
  repository_class->list_duplicates = dps_postgres_repository_list_duplicates;
  repository_class->check_rollups = dps_postgres_repository_check_rollups;
  repository_class->rebuild_rollups = dps_postgres_repository_rebuild_rollups;
  repository_class->count_null_keys = dps_postgres_repository_count_null_keys;

  /**
   * DpsPostgresRepository:refresh-interval:
   *
   * Seconds between two refreshes of daily_summary while loading.
   */
  properties[PROP_REFRESH_INTERVAL] =
    g_param_spec_uint ("refresh-interval", NULL, NULL,
                       0, 24 * 3600, DPS_POSTGRES_DEFAULT_REFRESH_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_postgres_repository_init (DpsPostgresRepository *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->source_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rollups = dps_rollup_accumulator_new ();
  self->writer_id = g_uuid_string_random ();
  self->refresh_interval = DPS_POSTGRES_DEFAULT_REFRESH_INTERVAL;
  self->connect_timeout = 10;
  g_mutex_init (&self->cancel_lock);
  g_mutex_init (&self->refresh_lock);
  g_mutex_init (&self->refresh_conn_lock);
  g_cond_init (&self->refresh_wake);
}

DpsRepository *
dps_postgres_repository_open (const char          *conninfo,
                              DpsRepositoryFlags   flags,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(DpsPostgresRepository) self = NULL;
  g_autofree char *display_name = NULL;
  PQconninfoOption *options;
  char *parse_error = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DPS_TYPE_POSTGRES_REPOSITORY, NULL);
  self->flags = flags;
  self->conninfo = g_strdup (conninfo);
  self->location = dps_repository_uri_redact (conninfo);

  options = PQconninfoParse (conninfo, &parse_error);
  if (options == NULL)
    {
      /* libpq's message may quote the text around a mistake: show it only
       * when no password was written in it. */
      gboolean has_password = g_strcmp0 (self->location, conninfo) != 0;

      g_set_error (error, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_INVALID_URI,
                   _("“%s” is not a valid PostgreSQL address: %s"), self->location,
                   parse_error != NULL && !has_password ? g_strstrip (parse_error)
                                                        : _("check its syntax"));
      PQfreemem (parse_error);
      return NULL;
    }
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password") && o->val[0] != '\0')
        self->secret = g_strdup (o->val);
      else if (g_str_equal (o->keyword, "connect_timeout"))
        self->connect_timeout = MAX (2, atoi (o->val));
    }
  display_name = make_display_name (options);
  PQconninfoFree (options);
  dps_repository_set_display_name (DPS_REPOSITORY (self), display_name);

  if (!ensure_connected (self, cancellable, error))
    return NULL;
  return DPS_REPOSITORY (g_steal_pointer (&self));
}

void
dps_postgres_repository_set_refresh_interval (DpsRepository *repository,
                                              guint          seconds)
{
  DpsPostgresRepository *self;
  gboolean changed;

  g_return_if_fail (DPS_IS_POSTGRES_REPOSITORY (repository));
  self = DPS_POSTGRES_REPOSITORY (repository);

  g_mutex_lock (&self->refresh_lock);
  changed = self->refresh_interval != seconds;
  self->refresh_interval = seconds;
  g_cond_signal (&self->refresh_wake);
  g_mutex_unlock (&self->refresh_lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_INTERVAL]);
}

guint
dps_postgres_repository_get_refresh_interval (DpsRepository *repository)
{
  DpsPostgresRepository *self;
  guint seconds;

  g_return_val_if_fail (DPS_IS_POSTGRES_REPOSITORY (repository), 0);
  self = DPS_POSTGRES_REPOSITORY (repository);

  g_mutex_lock (&self->refresh_lock);
  seconds = self->refresh_interval;
  g_mutex_unlock (&self->refresh_lock);
  return seconds;
}

gboolean
dps_postgres_repository_refresh_summary (DpsRepository  *repository,
                                         GCancellable   *cancellable,
                                         GError        **error)
{
  DpsPostgresRepository *self;
  gboolean ok;

  g_return_val_if_fail (DPS_IS_POSTGRES_REPOSITORY (repository), FALSE);
  self = DPS_POSTGRES_REPOSITORY (repository);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* What is pending is covered by this refresh. */
  g_mutex_lock (&self->refresh_lock);
  self->refresh_dirty = FALSE;
  self->refresh_now = FALSE;
  g_mutex_unlock (&self->refresh_lock);

  ok = refresh_summary (self, cancellable, error);

  g_mutex_lock (&self->refresh_lock);
  self->last_refresh = g_get_monotonic_time ();
  g_mutex_unlock (&self->refresh_lock);
  return ok;
}
