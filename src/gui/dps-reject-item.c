/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dps-format.h"
#include "dps-reject-item.h"

#define PREVIEW_CHARS 160

struct _DpsRejectItem
{
  GObject          parent_instance;

  DpsStoredReject *reject;
};

G_DEFINE_FINAL_TYPE (DpsRejectItem, dps_reject_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TIME_TEXT,
  PROP_SOURCE_TEXT,
  PROP_POSITION_TEXT,
  PROP_REASON_LABEL,
  PROP_FIELD_TEXT,
  PROP_DETAIL_TEXT,
  PROP_RAW_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One line for the cell: control characters shown, long text cut. */
static char *
raw_preview (const DpsReject *reject)
{
  g_autofree char *text = dps_reject_dup_raw_text (reject);
  GString *preview = g_string_sized_new (PREVIEW_CHARS + 8);
  guint chars = 0;

  for (const char *p = text; *p != '\0' && chars < PREVIEW_CHARS; p = g_utf8_next_char (p), chars++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (preview, "⏎");
      else if (c == '\t')
        g_string_append_c (preview, ' ');
      else if (g_unichar_iscntrl (c))
        g_string_append (preview, "·");
      else
        g_string_append_unichar (preview, c);
    }
  if (chars >= PREVIEW_CHARS || reject->raw_size < reject->raw_length)
    g_string_append (preview, "…");
  return g_string_free (preview, FALSE);
}

static void
dps_reject_item_finalize (GObject *object)
{
  DpsRejectItem *self = DPS_REJECT_ITEM (object);

  g_clear_pointer (&self->reject, dps_stored_reject_free);

  G_OBJECT_CLASS (dps_reject_item_parent_class)->finalize (object);
}

static void
dps_reject_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DpsRejectItem *self = DPS_REJECT_ITEM (object);
  const DpsReject *reject = &self->reject->reject;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->reject->id);
      break;
    case PROP_TIME_TEXT:
      g_value_take_string (value, dps_format_local_date_time (self->reject->rejected_at));
      break;
    case PROP_SOURCE_TEXT:
      g_value_set_string (value, dps_reject_item_get_source (self));
      break;
    case PROP_POSITION_TEXT:
      g_value_take_string (value, dps_reject_item_dup_position (self));
      break;
    case PROP_REASON_LABEL:
      g_value_set_string (value, dps_reject_reason_get_label (reject->reason));
      break;
    case PROP_FIELD_TEXT:
      g_value_set_string (value, reject->field != NULL ? reject->field : "");
      break;
    case PROP_DETAIL_TEXT:
      g_value_set_string (value, reject->detail != NULL ? reject->detail : "");
      break;
    case PROP_RAW_PREVIEW:
      g_value_take_string (value, raw_preview (reject));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_reject_item_class_init (DpsRejectItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dps_reject_item_finalize;
  object_class->get_property = dps_reject_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TIME_TEXT] = g_param_spec_string ("time-text", NULL, NULL, NULL, flags);
  properties[PROP_SOURCE_TEXT] = g_param_spec_string ("source-text", NULL, NULL, NULL, flags);
  properties[PROP_POSITION_TEXT] = g_param_spec_string ("position-text", NULL, NULL, NULL, flags);
  properties[PROP_REASON_LABEL] = g_param_spec_string ("reason-label", NULL, NULL, NULL, flags);
  properties[PROP_FIELD_TEXT] = g_param_spec_string ("field-text", NULL, NULL, NULL, flags);
  properties[PROP_DETAIL_TEXT] = g_param_spec_string ("detail-text", NULL, NULL, NULL, flags);
  properties[PROP_RAW_PREVIEW] = g_param_spec_string ("raw-preview", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_reject_item_init (DpsRejectItem *self)
{
}

DpsRejectItem *
dps_reject_item_new (DpsStoredReject *reject)
{
  DpsRejectItem *self;

  g_return_val_if_fail (reject != NULL, NULL);

  self = g_object_new (DPS_TYPE_REJECT_ITEM, NULL);
  self->reject = reject;
  return self;
}

const DpsStoredReject *
dps_reject_item_get_reject (DpsRejectItem *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_ITEM (self), NULL);
  return self->reject;
}

gint64
dps_reject_item_get_id (DpsRejectItem *self)
{
  g_return_val_if_fail (DPS_IS_REJECT_ITEM (self), 0);
  return self->reject->id;
}

char *
dps_reject_item_dup_position (DpsRejectItem *self)
{
  const DpsPosition *position;
  g_autofree char *offset = NULL;
  g_autofree char *line = NULL;

  g_return_val_if_fail (DPS_IS_REJECT_ITEM (self), NULL);

  position = &self->reject->reject.position;
  offset = g_strdup_printf ("%" G_GINT64_FORMAT, position->offset);
  line = g_strdup_printf ("%" G_GINT64_FORMAT, position->line);
  if (position->partition >= 0)
    /* TRANSLATORS: where a Kafka record was: its partition and offset */
    return g_strdup_printf (_("partition %d · offset %s"), position->partition, offset);
  if (position->line > 0 && position->offset >= 0)
    /* TRANSLATORS: where a line was in its file: line number and byte offset */
    return g_strdup_printf (_("line %s · byte %s"), line, offset);
  if (position->line > 0)
    return g_strdup_printf (_("line %s"), line);
  if (position->offset >= 0)
    /* TRANSLATORS: the position of a record in a source without lines */
    return g_strdup_printf (_("record %s"), offset);
  return g_strdup ("–");
}

const char *
dps_reject_item_get_source (DpsRejectItem *self)
{
  const char *source;

  g_return_val_if_fail (DPS_IS_REJECT_ITEM (self), NULL);

  source = self->reject->source;
  if (source == NULL)
    return "";
  if (g_str_has_prefix (source, "file:"))
    return source + strlen ("file:");
  return source;
}
