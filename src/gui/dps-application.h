/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPS_TYPE_APPLICATION (dps_application_get_type ())
G_DECLARE_FINAL_TYPE (DpsApplication, dps_application, DPS, APPLICATION, AdwApplication)

/* The application: one main window on the default database (or the one
 * given with --db), JSONL files given on the command line or by the
 * file manager imported into it, and the app actions (preferences,
 * style, shortcuts, about, quit). */
DpsApplication *dps_application_new (void);

G_END_DECLS
