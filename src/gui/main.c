/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dps-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DpsApplication) application = NULL;
  const char *localedir = g_getenv ("DPS_TEST_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* The catalogs are installed under the prefix; a build tree can point
   * at its own (meson builds them in po/ of the build folder). */
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Data Pipeline Streaming"));
  application = dps_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
