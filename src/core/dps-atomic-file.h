/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes the whole content to @stream; FALSE with @error set on failure
 * or cancellation. */
typedef gboolean (*DpsAtomicWriteFunc) (GOutputStream  *stream,
                                        gpointer        user_data,
                                        GCancellable   *cancellable,
                                        GError        **error);

/* Writes the file at @path through @write, under a hidden temporary name
 * in the same folder that is renamed to @path only once @write succeeded
 * and the file is closed: a failed or cancelled write leaves nothing
 * under @path, and an older file there intact. Errors name the file
 * ("Cannot write “…”: reason", G_IO_ERROR codes from errno). */
gboolean dps_atomic_file_write (const char          *path,
                                DpsAtomicWriteFunc   write,
                                gpointer             user_data,
                                GCancellable        *cancellable,
                                GError             **error);

G_END_DECLS
