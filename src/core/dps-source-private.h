/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Only libdps-core includes this: the contract between the engine and the
 * sources it reads. */

#include "dps-source.h"

G_BEGIN_DECLS

struct _DpsSourceClass
{
  GObjectClass parent_class;

  const char      *kind;

  gboolean         (*open)      (DpsSource *self, DpsRepository *repository,
                                 GCancellable *cancellable, GError **error);
  DpsSourceStatus  (*read)      (DpsSource *self, DpsChunk *chunk, guint max_lines,
                                 GCancellable *cancellable, GError **error);
  gint64           (*get_lag)   (DpsSource *self);
  void             (*committed) (DpsSource *self, const GPtrArray *checkpoints);
  void             (*close)     (DpsSource *self);
};

/* For subclasses. */
void dps_source_set_kind          (DpsSource  *self,
                                   const char *kind);
void dps_source_set_description   (DpsSource  *self,
                                   const char *description);
void dps_source_set_poll_interval (DpsSource  *self,
                                   guint       milliseconds);
/* Any thread; NULL clears it. */
void dps_source_set_status_text   (DpsSource  *self,
                                   const char *text);

G_END_DECLS
