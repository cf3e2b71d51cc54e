/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-format.h"
#include "dps-run-item.h"

typedef struct {
  char     *name;
  gboolean  passed;
  char     *detail;
} Check;

struct _DpsRunItem
{
  GObject       parent_instance;

  DpsRunRecord *run;
  GArray       *checks;        /* Check */
};

G_DEFINE_FINAL_TYPE (DpsRunItem, dps_run_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_STATUS_LABEL,
  PROP_STATUS_CLASSES,
  PROP_SOURCE_TEXT,
  PROP_STARTED_TEXT,
  PROP_DURATION_TEXT,
  PROP_LOADED_TEXT,
  PROP_REJECTED_TEXT,
  PROP_DUPLICATES_TEXT,
  PROP_CHECKS_TEXT,
  PROP_CHECKS_CLASSES,
  PROP_ERROR_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
check_clear (gpointer data)
{
  Check *check = data;

  g_free (check->name);
  g_free (check->detail);
}

/* [{name, passed, detail}]; anything else is ignored. */
static void
parse_checks (DpsRunItem *self)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonArray *array;

  g_array_set_size (self->checks, 0);
  if (self->run->quality_checks == NULL || self->run->quality_checks[0] == '\0')
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, self->run->quality_checks, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return;
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      Check check = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      check.name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
      check.passed = json_object_get_boolean_member_with_default (object, "passed", FALSE);
      check.detail = g_strdup (json_object_get_string_member_with_default (object, "detail", ""));
      g_array_append_val (self->checks, check);
    }
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "follow") == 0)
    return _("Follow");
  if (g_strcmp0 (kind, "import") == 0)
    return _("Import");
  if (g_strcmp0 (kind, "folder") == 0)
    return _("Folder");
  if (g_strcmp0 (kind, "generator") == 0)
    return _("Generator");
  if (g_strcmp0 (kind, "kafka") == 0)
    return _("Kafka");
  return kind != NULL ? kind : "";
}

static char *
duration_text (const DpsRunRecord *run)
{
  gint64 end = run->finished_at > 0 ? run->finished_at : g_get_real_time ();

  if (run->started_at <= 0)
    return g_strdup ("–");
  return dps_format_duration ((double) MAX (end - run->started_at, (gint64) 0) / G_USEC_PER_SEC);
}

static const char *
status_class (DpsRunStatus status)
{
  switch (status)
    {
    case DPS_RUN_STATUS_SUCCEEDED:
      return "success";
    case DPS_RUN_STATUS_FAILED:
      return "error";
    case DPS_RUN_STATUS_RUNNING:
      return "accent";
    case DPS_RUN_STATUS_CANCELLED:
    case DPS_RUN_STATUS_INTERRUPTED:
    default:
      return "warning";
    }
}

static void
dps_run_item_finalize (GObject *object)
{
  DpsRunItem *self = DPS_RUN_ITEM (object);

  g_clear_pointer (&self->run, dps_run_record_free);
  g_clear_pointer (&self->checks, g_array_unref);

  G_OBJECT_CLASS (dps_run_item_parent_class)->finalize (object);
}

static void
dps_run_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DpsRunItem *self = DPS_RUN_ITEM (object);
  const DpsRunRecord *run = self->run;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, run->id);
      break;
    case PROP_STATUS_LABEL:
      g_value_set_string (value, dps_run_status_get_label (run->status));
      break;
    case PROP_STATUS_CLASSES:
      {
        const char *classes[] = { status_class (run->status), "heading", NULL };

        g_value_set_boxed (value, classes);
      }
      break;
    case PROP_SOURCE_TEXT:
      if (g_strcmp0 (run->kind, "generator") == 0)
        /* Its description says it already: "Generator, 1000 events/s". */
        g_value_set_string (value, run->source != NULL ? run->source : kind_label (run->kind));
      else
        /* TRANSLATORS: the kind of a run and what it read, like "Follow · /data/tx.jsonl" */
        g_value_take_string (value, g_strdup_printf (_("%s · %s"), kind_label (run->kind),
                                                     run->source != NULL ? run->source : ""));
      break;
    case PROP_STARTED_TEXT:
      g_value_take_string (value, dps_format_local_date_time (run->started_at));
      break;
    case PROP_DURATION_TEXT:
      g_value_take_string (value, duration_text (run));
      break;
    case PROP_LOADED_TEXT:
      g_value_take_string (value, dps_format_count (run->rows_loaded));
      break;
    case PROP_REJECTED_TEXT:
      g_value_take_string (value, dps_format_count (run->rows_rejected));
      break;
    case PROP_DUPLICATES_TEXT:
      g_value_take_string (value, dps_format_count (run->rows_duplicate));
      break;
    case PROP_CHECKS_TEXT:
      if (self->checks->len == 0)
        g_value_set_string (value, "–");
      else
        {
          guint failed = dps_run_item_get_n_failed_checks (self);

          if (failed == 0)
            /* TRANSLATORS: every quality check of a run passed */
            g_value_take_string (value, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                      "%u passed", "All %u passed",
                                                                      self->checks->len),
                                                         self->checks->len));
          else
            /* TRANSLATORS: some quality checks of a run failed */
            g_value_take_string (value, g_strdup_printf (_("%u of %u failed"), failed, self->checks->len));
        }
      break;
    case PROP_CHECKS_CLASSES:
      {
        const char *classes[] = { NULL, NULL };

        if (self->checks->len > 0)
          classes[0] = dps_run_item_get_n_failed_checks (self) > 0 ? "error" : "success";
        g_value_set_boxed (value, classes);
      }
      break;
    case PROP_ERROR_TEXT:
      if (run->error == NULL)
        g_value_set_string (value, "");
      else
        {
          const char *end = strchr (run->error, '\n');

          g_value_take_string (value, end != NULL ? g_strndup (run->error, end - run->error)
                                                  : g_strdup (run->error));
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_run_item_class_init (DpsRunItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dps_run_item_finalize;
  object_class->get_property = dps_run_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_STATUS_LABEL] = g_param_spec_string ("status-label", NULL, NULL, NULL, flags);
  properties[PROP_STATUS_CLASSES] = g_param_spec_boxed ("status-classes", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_SOURCE_TEXT] = g_param_spec_string ("source-text", NULL, NULL, NULL, flags);
  properties[PROP_STARTED_TEXT] = g_param_spec_string ("started-text", NULL, NULL, NULL, flags);
  properties[PROP_DURATION_TEXT] = g_param_spec_string ("duration-text", NULL, NULL, NULL, flags);
  properties[PROP_LOADED_TEXT] = g_param_spec_string ("loaded-text", NULL, NULL, NULL, flags);
  properties[PROP_REJECTED_TEXT] = g_param_spec_string ("rejected-text", NULL, NULL, NULL, flags);
  properties[PROP_DUPLICATES_TEXT] = g_param_spec_string ("duplicates-text", NULL, NULL, NULL, flags);
  properties[PROP_CHECKS_TEXT] = g_param_spec_string ("checks-text", NULL, NULL, NULL, flags);
  properties[PROP_CHECKS_CLASSES] = g_param_spec_boxed ("checks-classes", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_ERROR_TEXT] = g_param_spec_string ("error-text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_run_item_init (DpsRunItem *self)
{
  self->checks = g_array_new (FALSE, TRUE, sizeof (Check));
  g_array_set_clear_func (self->checks, check_clear);
}

DpsRunItem *
dps_run_item_new (const DpsRunRecord *run)
{
  DpsRunItem *self;

  g_return_val_if_fail (run != NULL, NULL);

  self = g_object_new (DPS_TYPE_RUN_ITEM, NULL);
  self->run = dps_run_record_copy (run);
  parse_checks (self);
  return self;
}

const DpsRunRecord *
dps_run_item_get_record (DpsRunItem *self)
{
  g_return_val_if_fail (DPS_IS_RUN_ITEM (self), NULL);
  return self->run;
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

void
dps_run_item_set_record (DpsRunItem         *self,
                         const DpsRunRecord *run)
{
  DpsRunRecord *old;

  g_return_if_fail (DPS_IS_RUN_ITEM (self));
  g_return_if_fail (run != NULL);

  old = self->run;
  self->run = dps_run_record_copy (run);
  if (!same_text (old->quality_checks, run->quality_checks))
    parse_checks (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (old->status != run->status)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_LABEL]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_CLASSES]);
    }
  if (!same_text (old->kind, run->kind) || !same_text (old->source, run->source))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_TEXT]);
  if (old->started_at != run->started_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_TEXT]);
  if (old->started_at != run->started_at || old->finished_at != run->finished_at ||
      run->finished_at == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_TEXT]);
  if (old->rows_loaded != run->rows_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED_TEXT]);
  if (old->rows_rejected != run->rows_rejected)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTED_TEXT]);
  if (old->rows_duplicate != run->rows_duplicate)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUPLICATES_TEXT]);
  if (!same_text (old->quality_checks, run->quality_checks))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKS_TEXT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKS_CLASSES]);
    }
  if (!same_text (old->error, run->error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_TEXT]);
  g_object_thaw_notify (G_OBJECT (self));

  dps_run_record_free (old);
}

gint64
dps_run_item_get_id (DpsRunItem *self)
{
  g_return_val_if_fail (DPS_IS_RUN_ITEM (self), 0);
  return self->run->id;
}

guint
dps_run_item_get_n_checks (DpsRunItem *self)
{
  g_return_val_if_fail (DPS_IS_RUN_ITEM (self), 0);
  return self->checks->len;
}

void
dps_run_item_get_check (DpsRunItem  *self,
                        guint        index,
                        const char **name,
                        gboolean    *passed,
                        const char **detail)
{
  const Check *check;

  g_return_if_fail (DPS_IS_RUN_ITEM (self));
  g_return_if_fail (index < self->checks->len);

  check = &g_array_index (self->checks, Check, index);
  if (name != NULL)
    *name = check->name;
  if (passed != NULL)
    *passed = check->passed;
  if (detail != NULL)
    *detail = check->detail;
}

guint
dps_run_item_get_n_failed_checks (DpsRunItem *self)
{
  guint failed = 0;

  g_return_val_if_fail (DPS_IS_RUN_ITEM (self), 0);

  for (guint i = 0; i < self->checks->len; i++)
    failed += !g_array_index (self->checks, Check, i).passed;
  return failed;
}

const char *
dps_run_item_check_label (const char *name)
{
  if (g_strcmp0 (name, "rows_last_day") == 0)
    return _("Fresh data");
  if (g_strcmp0 (name, "no_null_keys") == 0)
    return _("No missing keys");
  if (g_strcmp0 (name, "reject_rate") == 0)
    return _("Reject rate");
  if (g_strcmp0 (name, "rollups_consistent") == 0)
    return _("Summaries consistent");
  return name;
}
