/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include "dps-transaction-item.h"

struct _DpsTransactionItem
{
  GObject  parent_instance;

  /* Owned; NULL while the page holding this row is being read. */
  DpsRow  *row;
};

G_DEFINE_FINAL_TYPE (DpsTransactionItem, dps_transaction_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROW,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dps_transaction_item_finalize (GObject *object)
{
  DpsTransactionItem *self = DPS_TRANSACTION_ITEM (object);

  g_clear_pointer (&self->row, dps_row_free);

  G_OBJECT_CLASS (dps_transaction_item_parent_class)->finalize (object);
}

static void
dps_transaction_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DpsTransactionItem *self = DPS_TRANSACTION_ITEM (object);

  switch (prop_id)
    {
    case PROP_ROW:
      g_value_set_boxed (value, self->row);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->row != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_transaction_item_class_init (DpsTransactionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_transaction_item_finalize;
  object_class->get_property = dps_transaction_item_get_property;

  /**
   * DpsTransactionItem:row: (nullable)
   *
   * The stored transaction, or %NULL while its page is being read.
   */
  properties[PROP_ROW] =
    g_param_spec_boxed ("row", NULL, NULL, DPS_TYPE_ROW,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DpsTransactionItem:loaded:
   *
   * Whether the row arrived.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dps_transaction_item_init (DpsTransactionItem *self)
{
}

DpsTransactionItem *
dps_transaction_item_new (void)
{
  return g_object_new (DPS_TYPE_TRANSACTION_ITEM, NULL);
}

DpsTransactionItem *
dps_transaction_item_new_for_row (DpsRow *row)
{
  DpsTransactionItem *self = dps_transaction_item_new ();

  self->row = row;
  return self;
}

const DpsRow *
dps_transaction_item_get_row (DpsTransactionItem *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_ITEM (self), NULL);
  return self->row;
}

gboolean
dps_transaction_item_is_loaded (DpsTransactionItem *self)
{
  g_return_val_if_fail (DPS_IS_TRANSACTION_ITEM (self), FALSE);
  return self->row != NULL;
}

void
dps_transaction_item_set_row (DpsTransactionItem *self,
                              DpsRow             *row)
{
  gboolean was_loaded;

  g_return_if_fail (DPS_IS_TRANSACTION_ITEM (self));

  if (row == self->row)
    return;
  was_loaded = self->row != NULL;
  g_clear_pointer (&self->row, dps_row_free);
  self->row = row;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW]);
  if (was_loaded != (row != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  g_object_thaw_notify (G_OBJECT (self));
}
