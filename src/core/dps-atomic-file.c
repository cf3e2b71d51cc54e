/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dps-atomic-file.h"

static void
set_errno_error (GError     **error,
                 int          saved,
                 const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Cannot write “%s”: %s"), display, g_strerror (saved));
}

gboolean
dps_atomic_file_write (const char          *path,
                       DpsAtomicWriteFunc   write,
                       gpointer             user_data,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *temp_path = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (write != NULL, FALSE);

  folder = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  temp_path = g_strdup_printf ("%s/.%s.XXXXXX", folder, name);
  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_errno_error (error, errno, path);
      return FALSE;
    }

  stream = g_unix_output_stream_new (fd, TRUE);
  ok = write (stream, user_data, cancellable, error);
  if (ok)
    ok = g_output_stream_close (stream, NULL, error);
  else
    g_output_stream_close (stream, NULL, NULL);

  if (ok && g_rename (temp_path, path) != 0)
    {
      set_errno_error (error, errno, path);
      ok = FALSE;
    }
  if (!ok)
    g_unlink (temp_path);
  return ok;
}
