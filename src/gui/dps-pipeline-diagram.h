/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dps-core.h"

G_BEGIN_DECLS

/* The boxes of the diagram. */
typedef enum {
  DPS_PIPELINE_STAGE_SOURCE,      /* lines read */
  DPS_PIPELINE_STAGE_TRANSFORM,   /* lines parsed, validated and enriched */
  DPS_PIPELINE_STAGE_DATABASE,    /* rows loaded */
  DPS_PIPELINE_STAGE_REJECTS,     /* lines rejected */
} DpsPipelineStage;
#define DPS_N_PIPELINE_STAGES 4

/* The links between them. */
typedef enum {
  DPS_PIPELINE_LINK_RAW,          /* source → transform: the raw queue */
  DPS_PIPELINE_LINK_PARSED,       /* transform → database: the parsed queue */
  DPS_PIPELINE_LINK_REJECTS,      /* transform → rejects */
} DpsPipelineLink;
#define DPS_N_PIPELINE_LINKS 3

#define DPS_TYPE_PIPELINE_DIAGRAM (dps_pipeline_diagram_get_type ())
G_DECLARE_FINAL_TYPE (DpsPipelineDiagram, dps_pipeline_diagram, DPS, PIPELINE_DIAGRAM, GtkWidget)

/* The pipeline drawn as it runs: source → parse/validate/enrich →
 * database, with a branch to the rejects; counts and rates on every
 * stage, queue gauges on the links, the source's lag. Dots move along
 * the links at a speed that follows the rate while data flows; idle, it
 * stands still with the last run's totals. Fed with metrics snapshots
 * (sampled by the caller on a timer). */
GtkWidget  *dps_pipeline_diagram_new               (void);

/* What the source is: its kind ("follow", "import", "folder",
 * "generator", "kafka") and what it reads. Starts a new run's display. */
void        dps_pipeline_diagram_set_source        (DpsPipelineDiagram     *self,
                                                    const char             *kind,
                                                    const char             *description);
/* Name of the database, for its box. */
void        dps_pipeline_diagram_set_database_name (DpsPipelineDiagram     *self,
                                                    const char             *name);
/* A new snapshot of the shown run; rates come from the change since the
 * previous one. A run that ended (finished, failed, cancelled) is shown
 * still, with its totals and average rates. */
void        dps_pipeline_diagram_update            (DpsPipelineDiagram     *self,
                                                    const DpsEngineMetrics *metrics);
/* A run from the history, shown still (the last run, before any runs
 * in this session). */
void        dps_pipeline_diagram_show_run          (DpsPipelineDiagram     *self,
                                                    const DpsRunRecord     *run);
/* Nothing ran yet. */
void        dps_pipeline_diagram_clear             (DpsPipelineDiagram     *self);

/* What is drawn now, for tests and the page's labels. */
gint64      dps_pipeline_diagram_get_count         (DpsPipelineDiagram     *self,
                                                    DpsPipelineStage        stage);
/* Lines per second (averages when still). */
double      dps_pipeline_diagram_get_rate          (DpsPipelineDiagram     *self,
                                                    DpsPipelineStage        stage);
/* Fill of a link's queue, 0..1 (0 for the rejects link). */
double      dps_pipeline_diagram_get_queue_fill    (DpsPipelineDiagram     *self,
                                                    DpsPipelineLink         link);
gint64      dps_pipeline_diagram_get_duplicates    (DpsPipelineDiagram     *self);
/* TRUE while it shows a run in progress. */
gboolean    dps_pipeline_diagram_get_live          (DpsPipelineDiagram     *self);
/* TRUE while the dots move (a tick callback is installed). */
gboolean    dps_pipeline_diagram_get_animating     (DpsPipelineDiagram     *self);
/* The text given to assistive technologies. */
const char *dps_pipeline_diagram_get_description   (DpsPipelineDiagram     *self);

G_END_DECLS
