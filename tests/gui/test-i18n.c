/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "dps-format.h"
#include "dps-gui-test.h"
#include "dps-window.h"

#define TIMEOUT_MS 60000

static void
collect_menu_labels (GMenuModel *model,
                     GPtrArray  *labels)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        g_ptr_array_add (labels, g_steal_pointer (&label));
      if (submenu != NULL)
        collect_menu_labels (submenu, labels);
      if (section != NULL)
        collect_menu_labels (section, labels);
    }
}

/* The window in French: view titles, menus, the empty state. */
static void
test_french_window (void)
{
  g_autofree char *db = dps_gui_test_tmp_path ("transactions.db");
  g_autoptr(DpsWindow) window = NULL;
  g_autoptr(GPtrArray) menu_labels = g_ptr_array_new_with_free_func (g_free);
  GtkPopoverMenuBar *bar;
  AdwViewStack *stack;
  GListModel *pages;
  const char * const titles[] = { "Tableau de bord", "Transactions", "Qualité des données", "Pipeline" };
  const char * const menu_items[] = {
    "_Fichier", "_Affichage", "Aid_e", "_Importer du JSONL…", "_Quitter",
    "Suivre un fichier ou un d_ossier…", "Raccourcis _clavier",
  };

  window = dps_gui_test_open_window (db);
  g_assert_cmpstr (dps_window_get_content_state (window), ==, "empty");

  stack = ADW_VIEW_STACK (dps_gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  pages = G_LIST_MODEL (adw_view_stack_get_pages (stack));
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (pages, i);

      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, titles[i]);
    }
  g_object_unref (pages);

  /* The menu bar shows the French menus. */
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "Fichier"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "Affichage"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "Aide"));
  bar = GTK_POPOVER_MENU_BAR (dps_gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_POPOVER_MENU_BAR));
  collect_menu_labels (gtk_popover_menu_bar_get_menu_model (bar), menu_labels);
  for (guint i = 0; i < G_N_ELEMENTS (menu_items); i++)
    if (!g_ptr_array_find_with_equal_func (menu_labels, menu_items[i], g_str_equal, NULL))
      g_error ("The menus have no “%s”", menu_items[i]);

  /* The empty state. */
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "Aucune transaction pour l’instant"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "Importer du JSONL…"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "Générer des données d’exemple…"));

  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (window), "window-fr"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Amounts follow the French conventions. */
static void
test_french_amount (void)
{
  g_autofree char *amount = NULL;

  /* gtk_test_init() runs the tests in en_US: switch to the user's locale. */
  g_assert_nonnull (setlocale (LC_ALL, "fr_FR.UTF-8"));
  amount = dps_format_amount (123450);
  g_assert_cmpstr (amount, ==, "1\u202f234,50\u00a0€");
  setlocale (LC_ALL, "en_US.UTF-8");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "fr_FR.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "fr", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    {
      g_printerr ("fr_FR.UTF-8 is not available (install locales-all): skipped\n");
      return 77;
    }

  dps_gui_test_init (&argc, &argv);
  g_test_add_func ("/dps/gui/i18n/french-window", test_french_window);
  g_test_add_func ("/dps/gui/i18n/french-amount", test_french_amount);
  return g_test_run ();
}
