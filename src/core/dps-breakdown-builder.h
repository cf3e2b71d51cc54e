/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to libdps-core: how the backends turn grouped SQL rows into a
 * DpsBreakdown. Week and month groups come out of SQL as days; the
 * builder merges them into their period, then sorts and cuts the result
 * the way the caller asked. */

#include "dps-query.h"

G_BEGIN_DECLS

typedef struct {
  DpsBreakdown      *breakdown;
  GHashTable        *index;       /* "key\x1fkey2" → position, when merging */
  gboolean           merges;
  DpsBreakdownOrder  order;
  guint              limit;
} DpsBreakdownBuilder;

void          dps_breakdown_builder_init   (DpsBreakdownBuilder *self,
                                            DpsDimension         dimension,
                                            DpsDimension         dimension2,
                                            DpsBreakdownOrder    order,
                                            guint                limit);
/* Whether the SQL must leave ordering and limits to the builder. */
gboolean      dps_breakdown_builder_merges (DpsBreakdownBuilder *self);
void          dps_breakdown_builder_add    (DpsBreakdownBuilder *self,
                                            const char          *key,
                                            const char          *key2,
                                            const DpsAggregate  *agg);
DpsBreakdown *dps_breakdown_builder_finish (DpsBreakdownBuilder *self,
                                            gboolean             from_rollup);
void          dps_breakdown_builder_clear  (DpsBreakdownBuilder *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DpsBreakdownBuilder, dps_breakdown_builder_clear)

G_END_DECLS
