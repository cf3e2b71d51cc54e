/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <string.h>

#include "dps-duplicate-item.h"
#include "dps-format.h"

struct _DpsDuplicateItem
{
  GObject           parent_instance;

  DpsDuplicateInfo *info;
};

G_DEFINE_FINAL_TYPE (DpsDuplicateItem, dps_duplicate_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID_TEXT,
  PROP_ARRIVALS_TEXT,
  PROP_FIRST_SEEN_TEXT,
  PROP_LAST_SEEN_TEXT,
  PROP_SOURCE_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dps_duplicate_item_finalize (GObject *object)
{
  DpsDuplicateItem *self = DPS_DUPLICATE_ITEM (object);

  g_clear_pointer (&self->info, dps_duplicate_info_free);

  G_OBJECT_CLASS (dps_duplicate_item_parent_class)->finalize (object);
}

static void
dps_duplicate_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DpsDuplicateItem *self = DPS_DUPLICATE_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID_TEXT:
      {
        char text[DPS_UUID_TEXT_LEN + 1];

        dps_uuid_to_string (self->info->id, text);
        g_value_set_string (value, text);
      }
      break;
    case PROP_ARRIVALS_TEXT:
      g_value_take_string (value, dps_format_count (self->info->arrivals));
      break;
    case PROP_FIRST_SEEN_TEXT:
      g_value_take_string (value, dps_format_local_date_time (self->info->first_seen));
      break;
    case PROP_LAST_SEEN_TEXT:
      g_value_take_string (value, dps_format_local_date_time (self->info->last_seen));
      break;
    case PROP_SOURCE_TEXT:
      {
        const char *source = self->info->last_source != NULL ? self->info->last_source : "";

        if (g_str_has_prefix (source, "file:"))
          source += strlen ("file:");
        g_value_set_string (value, source);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_duplicate_item_class_init (DpsDuplicateItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dps_duplicate_item_finalize;
  object_class->get_property = dps_duplicate_item_get_property;

  properties[PROP_ID_TEXT] = g_param_spec_string ("id-text", NULL, NULL, NULL, flags);
  properties[PROP_ARRIVALS_TEXT] = g_param_spec_string ("arrivals-text", NULL, NULL, NULL, flags);
  properties[PROP_FIRST_SEEN_TEXT] = g_param_spec_string ("first-seen-text", NULL, NULL, NULL, flags);
  properties[PROP_LAST_SEEN_TEXT] = g_param_spec_string ("last-seen-text", NULL, NULL, NULL, flags);
  properties[PROP_SOURCE_TEXT] = g_param_spec_string ("source-text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_duplicate_item_init (DpsDuplicateItem *self)
{
}

DpsDuplicateItem *
dps_duplicate_item_new (DpsDuplicateInfo *info)
{
  DpsDuplicateItem *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (DPS_TYPE_DUPLICATE_ITEM, NULL);
  self->info = info;
  return self;
}

const DpsDuplicateInfo *
dps_duplicate_item_get_info (DpsDuplicateItem *self)
{
  g_return_val_if_fail (DPS_IS_DUPLICATE_ITEM (self), NULL);
  return self->info;
}
