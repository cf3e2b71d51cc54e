/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-enums.h"

G_BEGIN_DECLS

/* Where a record came from inside its source. */
typedef struct {
  guint32  source_id;     /* from dps_repository_ensure_source(); 0 = unknown */
  gint32   partition;     /* Kafka partition, -1 for files and the generator */
  gint64   offset;        /* byte offset of the line, or Kafka offset */
  gint64   line;          /* 1-based line number, -1 when not a file */
} DpsPosition;

#define DPS_POSITION_INIT { 0, -1, -1, -1 }

/* Raw text kept for a reject is cut at this many bytes; raw_length keeps
 * the original size. */
#define DPS_REJECT_RAW_MAX (64 * 1024)

/* A record that broke a rule of the contract: never dropped, stored with
 * what is needed to find and understand it. */
typedef struct {
  DpsRejectReason  reason;
  char            *detail;          /* English, technical: "amount must be > 0" */
  char            *field;           /* offending field, or NULL */
  guint8          *raw;             /* raw bytes (may be invalid UTF-8) */
  gsize            raw_size;        /* bytes held in raw */
  gsize            raw_length;      /* length of the original line */
  gint64           event_ts;        /* when the record said it happened; G_MININT64 if unknown */
  char            *transaction_id;  /* as written, when readable; else NULL */
  DpsPosition      position;
} DpsReject;

GType        dps_reject_get_type      (void) G_GNUC_CONST;
#define DPS_TYPE_REJECT (dps_reject_get_type ())

DpsReject   *dps_reject_new           (void);
DpsReject   *dps_reject_copy          (const DpsReject *self);
void         dps_reject_free          (DpsReject       *self);
void         dps_reject_clear         (DpsReject       *self);
/* Copies at most DPS_REJECT_RAW_MAX bytes of @raw. */
void         dps_reject_set_raw       (DpsReject       *self,
                                       const char      *raw,
                                       gsize            length);
/* The raw text made printable (invalid UTF-8 replaced), for display. */
char        *dps_reject_dup_raw_text  (const DpsReject *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsReject, dps_reject_free)

G_END_DECLS
