/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <stdio.h>

#include "dps-generator.h"

/* Lines per second of dps_generator_write() at rate 0, to /dev/null.
 * Usage: bench-generator [ROWS [DIRTY_RATIO]] */
int
main (int   argc,
      char *argv[])
{
  DpsGeneratorOptions options;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed;
  int fd;

  dps_generator_options_init (&options);
  options.seed = 1;
  options.rows = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 2000000;
  options.dirty_ratio = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 0.0;
  if (!dps_generator_options_validate (&options, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return 1;
  stream = g_unix_output_stream_new (fd, TRUE);
  generator = dps_generator_new (&options);

  started = g_get_monotonic_time ();
  if (!dps_generator_write (generator, stream, 0, NULL, NULL, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  elapsed = MAX (g_get_monotonic_time () - started, 1);

  printf ("%" G_GUINT64_FORMAT " lines (dirty ratio %g) in %.3f s: %.0f lines/s\n",
          options.rows, options.dirty_ratio, elapsed / 1e6,
          (double) options.rows * G_USEC_PER_SEC / (double) elapsed);
  return 0;
}
