/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-core.h"

G_BEGIN_DECLS

#define DPS_TYPE_RUN_ITEM (dps_run_item_get_type ())
G_DECLARE_FINAL_TYPE (DpsRunItem, dps_run_item, DPS, RUN_ITEM, GObject)

/* One row of the run history: a pipeline_runs record with its texts
 * ready for the cells (properties notify when a refresh changes them)
 * and its quality checks parsed from JSON. */
DpsRunItem         *dps_run_item_new          (const DpsRunRecord *run);
const DpsRunRecord *dps_run_item_get_record   (DpsRunItem         *self);
/* Replaces the record (same id, newer state). */
void                dps_run_item_set_record   (DpsRunItem         *self,
                                               const DpsRunRecord *run);
gint64              dps_run_item_get_id       (DpsRunItem         *self);

/* The quality checks recorded with the run, in their order. */
guint               dps_run_item_get_n_checks (DpsRunItem         *self);
void                dps_run_item_get_check    (DpsRunItem         *self,
                                               guint               index,
                                               const char        **name,
                                               gboolean           *passed,
                                               const char        **detail);
guint               dps_run_item_get_n_failed_checks (DpsRunItem  *self);
/* A translated label for a check's name ("Reject rate"); unknown names
 * are returned as they are. */
const char         *dps_run_item_check_label  (const char         *name);

G_END_DECLS
