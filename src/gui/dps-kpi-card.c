/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include "dps-kpi-card.h"

struct _DpsKpiCard
{
  GtkWidget  parent_instance;

  /* Template children. */
  GtkLabel  *title_label;
  GtkLabel  *value_label;
  GtkLabel  *change_label;
};

G_DEFINE_FINAL_TYPE (DpsKpiCard, dps_kpi_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dps_kpi_card_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), DPS_TYPE_KPI_CARD);
  /* The template's unnamed children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (dps_kpi_card_parent_class)->dispose (object);
}

static void
dps_kpi_card_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DpsKpiCard *self = DPS_KPI_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, dps_kpi_card_get_title (self));
      break;
    case PROP_VALUE:
      g_value_set_string (value, dps_kpi_card_get_value (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_kpi_card_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DpsKpiCard *self = DPS_KPI_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      dps_kpi_card_set_title (self, g_value_get_string (value));
      break;
    case PROP_VALUE:
      dps_kpi_card_set_value (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_kpi_card_class_init (DpsKpiCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_kpi_card_dispose;
  object_class->get_property = dps_kpi_card_get_property;
  object_class->set_property = dps_kpi_card_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/dps-kpi-card.ui");
  gtk_widget_class_bind_template_child (widget_class, DpsKpiCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, DpsKpiCard, value_label);
  gtk_widget_class_bind_template_child (widget_class, DpsKpiCard, change_label);
  gtk_widget_class_set_css_name (widget_class, "kpicard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
dps_kpi_card_init (DpsKpiCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
dps_kpi_card_new (const char *title)
{
  return g_object_new (DPS_TYPE_KPI_CARD, "title", title, NULL);
}

const char *
dps_kpi_card_get_title (DpsKpiCard *self)
{
  g_return_val_if_fail (DPS_IS_KPI_CARD (self), NULL);
  return gtk_label_get_label (self->title_label);
}

void
dps_kpi_card_set_title (DpsKpiCard *self,
                        const char *title)
{
  g_return_if_fail (DPS_IS_KPI_CARD (self));

  if (g_strcmp0 (title, gtk_label_get_label (self->title_label)) == 0)
    return;
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title != NULL ? title : "",
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
dps_kpi_card_get_value (DpsKpiCard *self)
{
  g_return_val_if_fail (DPS_IS_KPI_CARD (self), NULL);
  return gtk_label_get_label (self->value_label);
}

void
dps_kpi_card_set_value (DpsKpiCard *self,
                        const char *value)
{
  g_return_if_fail (DPS_IS_KPI_CARD (self));

  if (g_strcmp0 (value, gtk_label_get_label (self->value_label)) == 0)
    return;
  gtk_label_set_label (self->value_label, value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

const char *
dps_kpi_card_get_change (DpsKpiCard *self)
{
  g_return_val_if_fail (DPS_IS_KPI_CARD (self), NULL);
  return gtk_label_get_label (self->change_label);
}

void
dps_kpi_card_set_change (DpsKpiCard *self,
                         const char *change,
                         int         direction,
                         gboolean    good)
{
  GtkWidget *label;

  g_return_if_fail (DPS_IS_KPI_CARD (self));

  label = GTK_WIDGET (self->change_label);
  gtk_label_set_label (self->change_label, change != NULL ? change : "");
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "dim-label");
  if (direction == 0)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_add_css_class (label, good ? "success" : "error");
}
