/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "dps-reject-item.h"
#include "dps-reject-list.h"

#define PAGE_SIZE   200
#define PREFETCH    60      /* items before the end that ask for the next page */

struct _DpsRejectList
{
  GObject         parent_instance;

  /* Owned. */
  DpsSession     *session;
  GPtrArray      *items;          /* DpsRejectItem* */
  GCancellable   *cancellable;    /* the page being read */

  DpsRejectQuery  query;
  gint64          last_id;
  gboolean        loading;
  gboolean        complete;
  gboolean        again;          /* more asked for while loading */
};

static void dps_reject_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpsRejectList, dps_reject_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, dps_reject_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COMPLETE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  DpsSession     *session;
  DpsRejectQuery  query;
} PageJob;

static void
page_job_free (gpointer data)
{
  PageJob *job = data;

  g_object_unref (job->session);
  g_free (job);
}

static void
set_loading (DpsRejectList *self,
             gboolean       loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_complete (DpsRejectList *self,
              gboolean       complete)
{
  if (self->complete == complete)
    return;
  self->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

static void
read_page_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  PageJob *job = task_data;
  DpsRepository *repository = dps_session_get_repository (job->session);
  GError *error = NULL;
  GPtrArray *page;

  if (repository == NULL)
    {
      g_task_return_new_error (task, DPS_REPOSITORY_ERROR, DPS_REPOSITORY_ERROR_NOT_FOUND,
                               _("No database is open"));
      return;
    }
  page = dps_repository_list_rejects (repository, &job->query, &error);
  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) g_ptr_array_unref);
}

static void
page_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DpsRejectList *self = DPS_REJECT_LIST (object);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  page = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);

  if (page == NULL)
    {
      g_warning ("Could not read rejected records: %s", error->message);
      return;
    }

  position = self->items->len;
  g_ptr_array_set_free_func (page, NULL);   /* the items take the rejects */
  for (guint i = 0; i < page->len; i++)
    {
      DpsStoredReject *reject = g_ptr_array_index (page, i);

      self->last_id = MAX (self->last_id, reject->id);
      g_ptr_array_add (self->items, dps_reject_item_new (reject));
    }
  set_complete (self, page->len < PAGE_SIZE);
  if (page->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, page->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  if (self->again)
    {
      self->again = FALSE;
      dps_reject_list_load_more (self);
    }
}

static gboolean
load_more_idle_cb (gpointer user_data)
{
  DpsRejectList *self = user_data;

  if (!self->complete && !self->loading)
    dps_reject_list_load_more (self);
  return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------------- */

static GType
dps_reject_list_get_item_type (GListModel *model)
{
  return DPS_TYPE_REJECT_ITEM;
}

static guint
dps_reject_list_get_n_items (GListModel *model)
{
  return DPS_REJECT_LIST (model)->items->len;
}

static gpointer
dps_reject_list_get_item (GListModel *model,
                          guint       position)
{
  DpsRejectList *self = DPS_REJECT_LIST (model);

  if (position >= self->items->len)
    return NULL;
  /* The view nears the end of what is loaded: read on. */
  if (!self->complete && !self->loading && position + PREFETCH >= self->items->len)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_more_idle_cb, g_object_ref (self), g_object_unref);
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
dps_reject_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dps_reject_list_get_item_type;
  iface->get_n_items = dps_reject_list_get_n_items;
  iface->get_item = dps_reject_list_get_item;
}

static void
dps_reject_list_dispose (GObject *object)
{
  DpsRejectList *self = DPS_REJECT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dps_reject_list_parent_class)->dispose (object);
}

static void
dps_reject_list_finalize (GObject *object)
{
  DpsRejectList *self = DPS_REJECT_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (dps_reject_list_parent_class)->finalize (object);
}

static void
dps_reject_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DpsRejectList *self = DPS_REJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_reject_list_class_init (DpsRejectListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dps_reject_list_dispose;
  object_class->finalize = dps_reject_list_finalize;
  object_class->get_property = dps_reject_list_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_reject_list_init (DpsRejectList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  dps_reject_query_init (&self->query);
}

DpsRejectList *
dps_reject_list_new (DpsSession *session)
{
  DpsRejectList *self;

  g_return_val_if_fail (DPS_IS_SESSION (session), NULL);

  self = g_object_new (DPS_TYPE_REJECT_LIST, NULL);
  self->session = g_object_ref (session);
  return self;
}

void
dps_reject_list_set_query (DpsRejectList        *self,
                           const DpsRejectQuery *query)
{
  guint removed;

  g_return_if_fail (DPS_IS_REJECT_LIST (self));
  g_return_if_fail (query != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  self->again = FALSE;

  self->query = *query;
  self->query.after_id = 0;
  self->query.limit = PAGE_SIZE;
  self->last_id = 0;
  set_complete (self, FALSE);

  removed = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  dps_reject_list_load_more (self);
}

void
dps_reject_list_get_query (DpsRejectList  *self,
                           DpsRejectQuery *query)
{
  g_return_if_fail (DPS_IS_REJECT_LIST (self));
  g_return_if_fail (query != NULL);

  *query = self->query;
  query->after_id = 0;
  query->limit = 0;
}

void
dps_reject_list_load_more (DpsRejectList *self)
{
  g_autoptr(GTask) task = NULL;
  PageJob *job;

  g_return_if_fail (DPS_IS_REJECT_LIST (self));

  if (self->loading)
    {
      self->again = TRUE;
      return;
    }
  if (dps_session_get_uri (self->session) == NULL)
    return;

  job = g_new0 (PageJob, 1);
  job->session = g_object_ref (self->session);
  job->query = self->query;
  job->query.after_id = self->last_id;
  job->query.limit = PAGE_SIZE;

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  task = g_task_new (self, self->cancellable, page_read_cb, NULL);
  g_task_set_source_tag (task, dps_reject_list_load_more);
  g_task_set_task_data (task, job, page_job_free);
  g_task_run_in_thread (task, read_page_in_thread);
}

gboolean
dps_reject_list_get_loading (DpsRejectList *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_LIST (self), FALSE);
  return self->loading;
}

gboolean
dps_reject_list_get_complete (DpsRejectList *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_LIST (self), FALSE);
  return self->complete;
}
