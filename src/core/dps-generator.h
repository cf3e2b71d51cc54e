/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dps-enums.h"

G_BEGIN_DECLS

#define DPS_GENERATOR_ERROR (dps_generator_error_quark ())
typedef enum {
  DPS_GENERATOR_ERROR_FAILED,
  DPS_GENERATOR_ERROR_INVALID_OPTION,
} DpsGeneratorError;
GQuark dps_generator_error_quark (void);

typedef struct {
  guint64  seed;
  guint64  rows;           /* lines to write; 0 = unbounded (live) */
  gboolean live;           /* timestamps are "now" instead of spread */
  gint64   start;          /* spread: first instant, microseconds UTC */
  guint    days;           /* spread: length of the period in days (>= 1) */
  double   dirty_ratio;    /* 0..1: share of lines that are bad or duplicates */
  gsize    max_line_length;/* the parser's limit, to make line_too_long lines */
} DpsGeneratorOptions;

/* seed 0, rows 1000, spread over the 30 days before today (UTC), no dirty
 * lines, max_line_length DPS_DEFAULT_MAX_LINE_LENGTH. */
void     dps_generator_options_init     (DpsGeneratorOptions        *options);
/* FALSE with DPS_GENERATOR_ERROR_INVALID_OPTION when dps_generator_new()
 * would refuse @options: dirty_ratio outside 0..1, max_line_length below
 * 1024 with dirty lines, or in spread mode (not live, rows > 0) a period
 * of 0 days or outside the years 1-9999. */
gboolean dps_generator_options_validate (const DpsGeneratorOptions  *options,
                                         GError                    **error);

/* What a generated line is. */
typedef enum {
  DPS_GENERATED_VALID     = 0,
  DPS_GENERATED_DUPLICATE = 1,   /* repeats the transaction_id of an earlier valid line */
  DPS_GENERATED_REJECT    = 2,   /* breaks exactly one rule; the reason says which */
} DpsGeneratedKind;

/* Counts of what was generated so far. */
typedef struct {
  guint64 lines;
  guint64 valid;
  guint64 duplicates;
  guint64 rejects;
  guint64 rejects_by_reason[DPS_N_REJECT_REASONS];   /* the DUPLICATE slot stays 0 */
  gint64  valid_amount_cents;   /* sum over valid lines */
} DpsGeneratorManifest;

typedef void (*DpsGeneratorProgressFunc) (guint64  lines_written,
                                          guint64  bytes_written,
                                          gpointer user_data);

#define DPS_TYPE_GENERATOR (dps_generator_get_type ())
G_DECLARE_FINAL_TYPE (DpsGenerator, dps_generator, DPS, GENERATOR, GObject)

/* @options must pass dps_generator_options_validate(). */
DpsGenerator     *dps_generator_new            (const DpsGeneratorOptions *options);
const DpsGeneratorOptions *
                  dps_generator_get_options    (DpsGenerator             *self);

/* Appends the next line, without its line end, to @out. The same options
 * (seed included) give the same bytes, except timestamps in live mode.
 * In spread mode, line n of options->rows falls between the quantiles
 * n / rows and (n + 1) / rows of the period under a daily activity
 * profile, so times never decrease; lines past rows stay at its end. @out_reason (may be NULL) is set
 * for duplicates (DPS_REJECT_DUPLICATE) and rejects. */
DpsGeneratedKind  dps_generator_next           (DpsGenerator             *self,
                                                GString                  *out,
                                                DpsRejectReason          *out_reason);

/* Writes lines to @stream until the generator has made options->rows in
 * all (forever when 0, until cancelled), each ended by '\n', at @rate lines
 * per second (0 = as fast as possible). @progress is called from this
 * thread at most ~10 times a second, and once at the end. When cancelled,
 * the lines already made are still written, so the manifest matches the
 * stream; then it fails with G_IO_ERROR_CANCELLED. */
gboolean          dps_generator_write          (DpsGenerator             *self,
                                                GOutputStream            *stream,
                                                double                    rate,
                                                DpsGeneratorProgressFunc  progress,
                                                gpointer                  user_data,
                                                GCancellable             *cancellable,
                                                GError                  **error);

const DpsGeneratorManifest *
                  dps_generator_get_manifest   (DpsGenerator             *self);
/* The manifest as a JSON document (options, counts by kind and reason). */
char             *dps_generator_manifest_to_json (DpsGenerator           *self);
gboolean          dps_generator_write_manifest (DpsGenerator             *self,
                                                const char               *path,
                                                GError                  **error);

G_END_DECLS
