/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Pipeline view's own cost while the live generator runs at 1,000
 * events per second: the page is shown in a window (diagram animating,
 * metrics sampled every second), and the CPU time of the main thread —
 * the one that lays out, draws and samples — is divided by the wall
 * time. The engine's threads are not counted; the process total is
 * printed beside it for context.
 *
 *   xvfb-run -a meson test -C build --benchmark --suite gui -v
 *   bench-pipeline-page [SECONDS] [RATE]
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dps-pipeline-page.h"
#include "dps-gui-test.h"

/* utime + stime of one thread, in seconds. */
static double
thread_cpu_seconds (pid_t tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/stat", (int) tid);
  g_autofree char *contents = NULL;
  unsigned long long utime = 0, stime = 0;
  const char *after_name;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    g_error ("Cannot read %s", path);
  /* Fields after the command name, which may hold spaces: state is
   * field 3, utime 14, stime 15. */
  after_name = strrchr (contents, ')');
  g_assert_nonnull (after_name);
  if (sscanf (after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
              &utime, &stime) != 2)
    g_error ("Cannot parse %s", path);
  return (double) (utime + stime) / (double) sysconf (_SC_CLK_TCK);
}

static double
process_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static gboolean
animating (gpointer user_data)
{
  return dps_pipeline_diagram_get_animating (DPS_PIPELINE_DIAGRAM (user_data));
}

static gboolean
time_passed (gpointer user_data)
{
  return g_get_monotonic_time () >= *(gint64 *) user_data;
}

static gboolean
no_runs (gpointer user_data)
{
  return g_list_model_get_n_items (dps_session_get_runs (DPS_SESSION (user_data))) == 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(DpsSession) session = NULL;
  DpsPipelineDiagram *diagram;
  GtkWidget *page;
  GtkWindow *window;
  double seconds = 30, rate = 1000;
  double main_start, process_start, main_cpu, process_cpu, wall;
  gint64 start, until, frames_start = 0;
  gint64 loaded_start, loaded_end;
  GdkFrameClock *clock;
  pid_t main_tid = getpid ();

  dps_gui_test_init (&argc, &argv);
  if (argc > 1)
    seconds = g_ascii_strtod (argv[1], NULL);
  if (argc > 2)
    rate = g_ascii_strtod (argv[2], NULL);

  session = dps_gui_test_open_session ("bench.db");
  page = dps_pipeline_page_new (session);
  window = dps_gui_test_show_in_window (page, 1280, 900);
  diagram = dps_pipeline_page_get_diagram (DPS_PIPELINE_PAGE (page));
  clock = gtk_widget_get_frame_clock (page);

  gtk_adjustment_set_value (GTK_ADJUSTMENT (gtk_widget_get_template_child (page, DPS_TYPE_PIPELINE_PAGE,
                                                                           "rate_adjustment")), rate);
  g_assert_true (gtk_widget_activate_action (page, "pipeline.start-generator", NULL));
  g_assert_true (dps_gui_test_wait_until (animating, diagram, 60000));

  /* Let the first batches land, then measure the steady state. */
  until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  dps_gui_test_wait_until (time_passed, &until, 10000);

  start = g_get_monotonic_time ();
  main_start = thread_cpu_seconds (main_tid);
  process_start = process_cpu_seconds ();
  loaded_start = dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_TRANSFORM);
  frames_start = gdk_frame_clock_get_frame_counter (clock);

  until = start + (gint64) (seconds * G_USEC_PER_SEC);
  dps_gui_test_wait_until (time_passed, &until, ((guint) seconds + 10) * 1000);

  wall = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  main_cpu = thread_cpu_seconds (main_tid) - main_start;
  process_cpu = process_cpu_seconds () - process_start;
  loaded_end = dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_TRANSFORM);
  g_free (dps_gui_test_save_screenshot (page, "bench-pipeline-live"));

  g_print ("pipeline view, generator at %.0f events/s for %.1f s (window 1280x900, GSK_RENDERER=%s):\n",
           rate, wall, g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default");
  g_print ("  lines through the pipeline: %" G_GINT64_FORMAT " (%.0f/s)\n",
           loaded_end - loaded_start, (double) (loaded_end - loaded_start) / wall);
  g_print ("  frames drawn: %" G_GINT64_FORMAT " (%.1f/s)\n",
           gdk_frame_clock_get_frame_counter (clock) - frames_start,
           (double) (gdk_frame_clock_get_frame_counter (clock) - frames_start) / wall);
  g_print ("  main (UI) thread CPU: %.2f s = %.1f %% of one core\n", main_cpu, 100.0 * main_cpu / wall);
  g_print ("  whole process CPU (engine and generator included): %.2f s = %.1f %% of one core\n",
           process_cpu, 100.0 * process_cpu / wall);

  g_assert_true (gtk_widget_activate_action (page, "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (no_runs, session, 60000));
  gtk_window_destroy (window);
  return 0;
}
