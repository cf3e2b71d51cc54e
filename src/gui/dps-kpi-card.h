/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DPS_TYPE_KPI_CARD (dps_kpi_card_get_type ())
G_DECLARE_FINAL_TYPE (DpsKpiCard, dps_kpi_card, DPS, KPI_CARD, GtkWidget)

/* One key figure on a card: its title, its value, and how it changed
 * against a comparison period (green when the change is good news, red
 * when bad, grey when there is none); the tooltip says what is compared. */
GtkWidget  *dps_kpi_card_new         (const char  *title);
const char *dps_kpi_card_get_title   (DpsKpiCard  *self);
void        dps_kpi_card_set_title   (DpsKpiCard  *self,
                                      const char  *title);
const char *dps_kpi_card_get_value   (DpsKpiCard  *self);
void        dps_kpi_card_set_value   (DpsKpiCard  *self,
                                      const char  *value);
const char *dps_kpi_card_get_change  (DpsKpiCard  *self);
/* @direction: below, at or above zero for down, flat or up; @good: whether
 * the change is welcome (more sales, fewer rejects). */
void        dps_kpi_card_set_change  (DpsKpiCard  *self,
                                      const char  *change,
                                      int          direction,
                                      gboolean     good);

G_END_DECLS
