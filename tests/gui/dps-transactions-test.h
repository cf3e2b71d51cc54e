/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dps-session.h"

G_BEGIN_DECLS

/* Shared by the Transactions view's GUI tests (header-only: each
 * program includes it once). */

/* The GUI's resources live in a static library: referencing them links
 * them in, and their constructor registers them. */
GResource *dps_get_resource (void);

static inline void
dps_tx_test_init (int    *argc,
                   char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_assert_nonnull (dps_get_resource ());
}

static gboolean
dps_tx_test_timed_out_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Spins the main context until @cond holds (a minute at most). */
#define dps_tx_test_wait_until(cond)                                         \
  G_STMT_START {                                                              \
    guint timeout_id_ = g_timeout_add_seconds (60, dps_tx_test_timed_out_cb, \
                                               (gpointer) #cond);             \
    while (!(cond))                                                           \
      g_main_context_iteration (NULL, TRUE);                                  \
    g_source_remove (timeout_id_);                                            \
  } G_STMT_END

/* Lets pending idles and timeouts of less than @ms run. */
static inline void
dps_tx_test_drain (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
dps_tx_test_opened_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (dps_session_open_finish (DPS_SESSION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* A session on the SQLite file at @path, opened. */
static inline DpsSession *
dps_tx_test_open_session (const char *path)
{
  DpsSession *session = dps_session_new ();
  g_autofree char *uri = g_strconcat ("sqlite://", path, NULL);
  gboolean done = FALSE;

  dps_session_open_async (session, uri, FALSE, NULL, dps_tx_test_opened_cb, &done);
  dps_tx_test_wait_until (done);
  return session;
}

G_END_DECLS
