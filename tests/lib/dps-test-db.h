/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"

G_BEGIN_DECLS

/* Test databases filled through the same path as a real import: the
 * generator writes lines, the record parser validates them and
 * dps_repository_write_batch() stores them, 50 000 rows per batch. */

/* Creates (replacing) a SQLite database at @path with @rows transactions
 * of generator seed @seed spread over @days days from @start (microseconds
 * UTC). Returns the open repository. */
DpsRepository *dps_test_db_create        (const char  *path,
                                          guint64      rows,
                                          guint64      seed,
                                          gint64       start,
                                          guint        days,
                                          GError     **error);
/* Adds @rows generated lines of seed @seed over @days days from @start
 * to @repository as an import of the source @source_name would, file
 * positions included: with @dirty_ratio of the lines faulty, the rows,
 * the rejects and the duplicates. */
gboolean       dps_test_db_load          (DpsRepository *repository,
                                          const char    *source_name,
                                          guint64        rows,
                                          guint64        seed,
                                          gint64         start,
                                          guint          days,
                                          double         dirty_ratio,
                                          GError       **error);
/* Appends the lines of a generator made with @options (a number of
 * rows, not 0) to the file at @path, created when missing: a JSON Lines
 * file to import. What the lines hold goes to @manifest unless NULL. */
gboolean       dps_test_db_write_jsonl   (const char                *path,
                                          const DpsGeneratorOptions *options,
                                          DpsGeneratorManifest      *manifest,
                                          GError                   **error);
/* @n generated lines of seed @seed over @days days from 2026-01-01,
 * parsed: DpsTransaction*, every line valid. */
GPtrArray     *dps_test_db_parsed_rows   (guint        n,
                                          guint        days,
                                          guint64      seed);
/* Stores one more row built from @json (a record line). */
gboolean       dps_test_db_insert_line   (DpsRepository *repository,
                                          const char    *json,
                                          GError       **error);
/* The number of rows asked for by DPS_TEST_ROWS, or @fallback. */
guint64        dps_test_db_rows_from_env (guint64      fallback);
/* The "sqlite://" URI of @path. */
char          *dps_test_db_uri           (const char  *path);
/* A fresh temporary folder, removed with its content by
 * dps_test_tmpdir_remove() (which takes NULL too). */
char          *dps_test_tmpdir_new       (void);
void           dps_test_tmpdir_remove    (const char  *path);

G_END_DECLS
