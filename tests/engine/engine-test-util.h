/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"
#include "dps-test-db.h"

G_BEGIN_DECLS

/* Lines longer than this are rejected, in the generator and the engine
 * alike: long enough for every record, short enough to keep files small. */
#define TEST_MAX_LINE_LENGTH 4096

/* A fresh folder under the temporary folder, and its removal. */

/* sqlite://DIR/NAME, created and migrated. */
DpsRepository   *test_open_db              (const char                 *dir,
                                            const char                 *name);

/* Writes @rows generated lines to @path (replacing it). Spread over the
 * week before a fixed day unless @live (stamped now). */
void             test_generate_file        (const char                 *path,
                                            guint64                     rows,
                                            guint64                     seed,
                                            double                      dirty,
                                            gboolean                    live,
                                            DpsGeneratorManifest       *out_manifest);

/* The same lines as text, each ended by '\n'. */
GString         *test_generate_text        (guint64                     rows,
                                            guint64                     seed,
                                            double                      dirty,
                                            gboolean                    live,
                                            DpsGeneratorManifest       *out_manifest);
/* Appends @length bytes to @path (created when missing) in one write. */
void             test_append               (const char                 *path,
                                            const char                 *data,
                                            gsize                       length);
/* The file source's checkpoint key of @path. */
char            *test_file_key             (const char                 *path);

/* What a database holds, read through the public API. */
typedef struct {
  gint64  rows;                       /* base table */
  gint64  amount_cents;               /* base table */
  char   *ids_checksum;               /* SHA-256 of the sorted 16-byte ids */
  gint64  rejects;
  gint64  rejects_by_reason[DPS_N_REJECT_REASONS];
  gint64  duplicates;                 /* duplicate arrivals */
  gint64  kpi_count;                  /* as the dashboard sees them (rollups) */
  gint64  kpi_amount_cents;
  gboolean rollups_equal;
} TestSnapshot;

void             test_snapshot             (DpsRepository              *repository,
                                            TestSnapshot               *snapshot);
void             test_snapshot_clear       (TestSnapshot               *snapshot);
void             test_assert_snapshots_equal (const TestSnapshot       *a,
                                            const TestSnapshot         *b);
/* The database holds exactly what the generator wrote, once. */
void             test_assert_snapshot_is_manifest (const TestSnapshot *snapshot,
                                            const DpsGeneratorManifest *manifest);
/* The ids stored, sorted (16 bytes each). */
GByteArray      *test_dup_ids              (DpsRepository              *repository);
/* SHA-256 over sorted 16-byte ids (sorts @ids in place). */
char            *test_ids_checksum         (GByteArray                 *ids);

/* Byte offset just after the first @lines lines of @path. */
gint64           test_offset_after_lines   (const char                 *path,
                                            gint64                      lines);

/* dps_engine_run() on a thread of its own. */
typedef struct _TestRun TestRun;
TestRun         *test_run_start            (DpsEngine                  *engine,
                                            GCancellable               *cancellable);
gboolean         test_run_is_done          (TestRun                    *run);
/* Joins the thread and frees @run; returns what dps_engine_run() did. */
gboolean         test_run_join             (TestRun                    *run,
                                            GError                    **error);

/* Calls @condition every few milliseconds until it holds (TRUE) or
 * @seconds pass (FALSE). */
typedef gboolean (*TestCondition) (gpointer user_data);
gboolean         test_wait_for             (TestCondition               condition,
                                            gpointer                    user_data,
                                            double                      seconds);

/* Options for fast test runs: small batches and chunks. */
void             test_engine_options       (DpsEngineOptions           *options,
                                            guint                       transform_threads);
/* The chunks that @rows lines fill, as the engine counts its room. */
guint            test_chunks_for           (const DpsEngineOptions     *options,
                                            guint                       rows);
/* The parsed queue's capacity, and the lines read but not committed at
 * most, where no backlog is written together. */
guint            test_parsed_queue_capacity(const DpsEngineOptions     *options);
gint64           test_in_flight_bound      (const DpsEngineOptions     *options);
/* Lines the engine reported committed: loaded, rejected or duplicates. */
gint64           test_committed_lines      (const DpsEngineMetrics     *metrics);

G_END_DECLS
