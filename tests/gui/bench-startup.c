/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <stdlib.h>

#include "dps-core.h"
#include "dps-gui-test.h"

/* Start-up of the application on a database with many rows: time from
 * launch to the first painted frame and to the first frame showing the
 * data, then the memory of the idle window.
 *
 *   DPS_BENCH_DB=sqlite:///path/1m.db   database to open (else one is
 *                                       generated with DPS_BENCH_ROWS rows)
 *   DPS_BENCH_APP=path                  the data-pipeline-streaming binary */

static gint64
monotonic_from_line (const char *line,
                     const char *tag)
{
  const char *p = strstr (line, tag);

  return p != NULL ? g_ascii_strtoll (p + strlen (tag), NULL, 10) : -1;
}

static char *
make_database (guint64 rows)
{
  g_autofree char *path = dps_gui_test_tmp_path ("bench.db");
  char *uri = g_strconcat ("sqlite://", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(DpsSource) source = NULL;
  g_autoptr(DpsEngine) engine = NULL;
  DpsGeneratorOptions options;
  DpsEngineOptions engine_options;

  repository = dps_repository_open (uri, DPS_REPOSITORY_FLAGS_CREATE, NULL, &error);
  g_assert_no_error (error);
  dps_generator_options_init (&options);
  options.rows = rows;
  options.seed = 7;
  options.dirty_ratio = 0.02;
  source = dps_generator_source_new (&options, 0);
  dps_engine_options_init (&engine_options);
  engine = dps_engine_new (repository, source, &engine_options);
  if (!dps_engine_run (engine, NULL, &error))
    g_error ("Could not fill the benchmark database: %s", error->message);
  return uri;
}

static gint64
rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

int
main (int   argc,
      char *argv[])
{
  const char *app = g_getenv ("DPS_BENCH_APP");
  const char *rows_text = g_getenv ("DPS_BENCH_ROWS");
  g_autofree char *uri = g_strdup (g_getenv ("DPS_BENCH_DB"));
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  gint64 launched, first = -1, content = -1;
  char *line;

  dps_gui_test_setup_environment ();
  if (app == NULL)
    g_error ("Set DPS_BENCH_APP to the data-pipeline-streaming binary");
  if (uri == NULL)
    {
      guint64 rows = rows_text != NULL ? g_ascii_strtoull (rows_text, NULL, 10) : 200000;

      g_print ("generating %" G_GUINT64_FORMAT " rows…\n", rows);
      uri = make_database (rows);
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DPS_DEBUG_FRAMES", "1", TRUE);
  launched = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawn (launcher, &error, app, "--db", uri, NULL);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));

  while ((line = g_data_input_stream_read_line_utf8 (input, NULL, NULL, &error)) != NULL)
    {
      if (first < 0 && strstr (line, "first-frame ") != NULL)
        first = monotonic_from_line (line, "first-frame ");
      if (strstr (line, "content-frame ") != NULL)
        {
          content = monotonic_from_line (line, "content-frame ");
          g_print ("%s\n", line);
          g_free (line);
          break;
        }
      g_free (line);
    }
  if (first < 0 || content < 0)
    g_error ("The application printed no frame times");

  /* Idle for a while, then measure what the window holds. */
  g_usleep (3 * G_USEC_PER_SEC);
  g_print ("database: %s\n", uri);
  g_print ("launch to first frame: %.0f ms\n", (double) (first - launched) / 1000.0);
  g_print ("launch to first frame with data: %.0f ms\n", (double) (content - launched) / 1000.0);
  g_print ("idle RSS: %.1f MiB\n",
           (double) rss_kib ((GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10)) / 1024.0);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  return EXIT_SUCCESS;
}
