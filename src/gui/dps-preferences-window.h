/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPS_TYPE_PREFERENCES_WINDOW (dps_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DpsPreferencesWindow, dps_preferences_window, DPS, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Database, Pipeline, Kafka (in builds with Kafka) and Appearance
 * settings, bound to @settings. A database chosen here opens in @parent
 * (win.open-uri). A Kafka property holding a secret is refused, with
 * where secrets go instead. */
GtkWidget *dps_preferences_window_new (GtkWindow *parent,
                                       GSettings *settings);

G_END_DECLS
