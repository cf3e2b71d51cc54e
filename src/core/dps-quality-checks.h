/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-repository.h"

G_BEGIN_DECLS

/* Checks run after each scheduled load, recorded with its run (what the
 * original project's Airflow DAG checked, and more). */
typedef struct {
  double  max_reject_rate;    /* 0..1 */
  gint32  day_from;           /* days of the last batch, for the rollup check; */
  gint32  day_to;             /* day_from > day_to skips it */
} DpsQualityCheckOptions;

/* Runs every check on @run's results and stores them as JSON in
 * run->quality_checks. Returns FALSE only when a check could not run;
 * *out_passed tells whether all passed. */
gboolean dps_quality_checks_run (DpsRepository                *repository,
                                 DpsRunRecord                 *run,
                                 const DpsQualityCheckOptions *options,
                                 gboolean                     *out_passed,
                                 GError                      **error);

G_END_DECLS
