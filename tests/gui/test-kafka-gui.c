/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dps-generate-dialog.h"
#include "dps-gui-test.h"
#include "dps-pipeline-page.h"
#include "dps-preferences-window.h"
#include "dps-run-item.h"

#if HAVE_KAFKA

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "dps-kafka-settings.h"
#include "dps-test-kafka-mock.h"

/* Liveness bound of every wait: never reached unless something is broken. */
#define PATIENCE_MS 90000

/* ---------------------------------------------------------------------- */
/* a mock cluster                                                          */

/* The mock cluster with @topic of @partitions partitions. */
static DpsTestKafkaMock *
mock_new (const char *topic,
          int         partitions)
{
  DpsTestKafkaMock *mock = dps_test_kafka_mock_new ();

  dps_test_kafka_mock_create_topic (mock, topic, partitions);
  return mock;
}

/* The application's Kafka settings, pointing at @mock. The group
 * settles quickly on the mock with these timeouts. */
static GSettings *
kafka_settings (DpsTestKafkaMock *mock,
                const char       *topic,
                const char       *group)
{
  GSettings *settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;

  g_settings_set_string (settings, "kafka-brokers", mock->bootstraps);
  g_settings_set_string (settings, "kafka-topic", topic);
  g_settings_set_string (settings, "kafka-group", group);
  g_assert_true (dps_kafka_settings_set_property (settings, "session.timeout.ms", "3000", &error));
  g_assert_no_error (error);
  g_assert_true (dps_kafka_settings_set_property (settings, "heartbeat.interval.ms", "500", &error));
  g_assert_no_error (error);
  return settings;
}

/* Produces @rows valid records (seeded) to @topic; returns when every
 * one is delivered. */
static void
produce (DpsTestKafkaMock *mock,
         const char       *topic,
         guint64           seed,
         guint64           rows)
{
  g_autoptr(DpsKafkaProducer) producer = NULL;
  g_autoptr(DpsGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  DpsKafkaProducerProgress progress;
  DpsGeneratorOptions options;

  dps_generator_options_init (&options);
  options.seed = seed;
  options.rows = rows;
  options.dirty_ratio = 0;
  generator = dps_generator_new (&options);
  producer = dps_kafka_producer_new (mock->bootstraps, topic, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dps_kafka_producer_send_generated (producer, generator, 0, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  dps_kafka_producer_get_progress (producer, &progress);
  g_assert_cmpuint (progress.delivered, ==, rows);
  g_assert_cmpuint (progress.failed, ==, 0);
}

/* Reads every partition of @topic from its start to its end, outside
 * any group, and counts the records. */
static guint64
count_records (DpsTestKafkaMock *mock,
               const char       *topic,
               int               partitions)
{
  rd_kafka_conf_t *conf = rd_kafka_conf_new ();
  rd_kafka_topic_partition_list_t *assignment;
  g_autofree gboolean *at_end = g_new0 (gboolean, partitions);
  gint64 deadline = g_get_monotonic_time () + (gint64) PATIENCE_MS * 1000;
  int ended = 0;
  guint64 count = 0;
  char errstr[256];
  rd_kafka_t *rk;

  g_assert_cmpint (rd_kafka_conf_set (conf, "bootstrap.servers", mock->bootstraps, errstr, sizeof errstr),
                   ==, RD_KAFKA_CONF_OK);
  g_assert_cmpint (rd_kafka_conf_set (conf, "group.id", "counter", errstr, sizeof errstr), ==, RD_KAFKA_CONF_OK);
  g_assert_cmpint (rd_kafka_conf_set (conf, "enable.partition.eof", "true", errstr, sizeof errstr),
                   ==, RD_KAFKA_CONF_OK);
  g_assert_cmpint (rd_kafka_conf_set (conf, "enable.auto.commit", "false", errstr, sizeof errstr),
                   ==, RD_KAFKA_CONF_OK);
  rk = rd_kafka_new (RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  g_assert_nonnull (rk);
  rd_kafka_poll_set_consumer (rk);

  assignment = rd_kafka_topic_partition_list_new (partitions);
  for (int p = 0; p < partitions; p++)
    rd_kafka_topic_partition_list_add (assignment, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  g_assert_cmpint (rd_kafka_assign (rk, assignment), ==, RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy (assignment);

  while (ended < partitions)
    {
      rd_kafka_message_t *message = rd_kafka_consumer_poll (rk, 200);

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (message == NULL)
        continue;
      if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
        {
          g_assert_cmpint (message->partition, <, partitions);
          if (!at_end[message->partition])
            ended++;
          at_end[message->partition] = TRUE;
        }
      else if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR)
        g_error ("Counting the records of %s: %s", topic, rd_kafka_message_errstr (message));
      else
        count++;
      rd_kafka_message_destroy (message);
    }
  rd_kafka_consumer_close (rk);
  rd_kafka_destroy (rk);
  return count;
}

static gint64
stored_rows (DpsSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpsRepository) repository = dps_session_open_reader (session, &error);
  DpsRepositoryInfo info = { 0 };
  gint64 rows;

  g_assert_no_error (error);
  g_assert_true (dps_repository_get_info (repository, &info, &error));
  g_assert_no_error (error);
  rows = info.rows;
  dps_repository_info_clear (&info);
  return rows;
}

/* ---------------------------------------------------------------------- */
/* consuming from the Pipeline view                                       */

typedef struct {
  DpsPipelinePage *page;
  DpsSession      *session;
  int              partitions;
  gint64           records;      /* in the topic */
  const char      *status;       /* text the partition list shows */
} Consume;

/* Every partition listed, assigned, and read to its end into the
 * database, which holds every record. */
static gboolean
caught_up (gpointer user_data)
{
  Consume *c = user_data;
  g_autoptr(GArray) lags = dps_pipeline_page_dup_partition_lag (c->page);
  gint64 high = 0;

  if (lags->len != (guint) c->partitions)
    return FALSE;
  for (guint i = 0; i < lags->len; i++)
    {
      const DpsKafkaPartitionLag *lag = &g_array_index (lags, DpsKafkaPartitionLag, i);

      if (!lag->assigned || lag->lag != 0 || lag->committed != lag->high_watermark)
        return FALSE;
      high += lag->high_watermark;
    }
  return high == c->records && stored_rows (c->session) == c->records;
}

/* The diagram's source box, sampled again, shows no lag: the engine's
 * own lag figure follows the partition list within a moment. */
static gboolean
diagram_caught_up (gpointer user_data)
{
  Consume *c = user_data;
  DpsPipelineDiagram *diagram = dps_pipeline_page_get_diagram (c->page);

  dps_pipeline_page_sample (c->page);
  return strstr (dps_pipeline_diagram_get_description (diagram), "Lag: 0 records") != NULL;
}

/* In the partition list, the diagram's labels or a toast. */
static gboolean
status_shown (gpointer user_data)
{
  Consume *c = user_data;

  return dps_gui_test_find_label (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (c->page))), c->status) != NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
diagram_waits_for_broker (gpointer user_data)
{
  return strstr (dps_pipeline_diagram_get_description (user_data), "Waiting for the Kafka broker at") != NULL;
}

static gboolean
stopped_and_listed (gpointer user_data)
{
  Consume *c = user_data;
  GListModel *history = dps_pipeline_page_get_history (c->page);
  g_autoptr(DpsRunItem) item = NULL;

  if (g_list_model_get_n_items (dps_session_get_runs (c->session)) > 0 ||
      g_list_model_get_n_items (history) == 0)
    return FALSE;
  item = g_list_model_get_item (history, 0);
  return dps_run_item_get_record (item)->status != DPS_RUN_STATUS_RUNNING;
}

static void
test_consume (void)
{
  const char *topic = "gui-consume";
  const int partitions = 4;
  g_autoptr(DpsTestKafkaMock) mock = mock_new (topic, partitions);
  g_autoptr(GSettings) settings = kafka_settings (mock, topic, "gui");
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("kafka.db");
  g_autoptr(DpsRepository) repository = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GArray) lags = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  DpsPipelineController *controller;
  DpsPipelineDiagram *diagram;
  const DpsRunRecord *run;
  GtkWindow *window;
  GtkWidget *page;
  Consume c = { 0 };

  produce (mock, topic, 41, 600);

  page = dps_pipeline_page_new (session);
  window = dps_gui_test_show_in_window (page, 1280, 900);
  c.page = DPS_PIPELINE_PAGE (page);
  c.session = session;
  c.partitions = partitions;
  c.records = 600;
  diagram = dps_pipeline_page_get_diagram (c.page);
  controller = dps_pipeline_controller_get_for_session (session);

  /* Nothing read yet: no partition list. */
  lags = dps_pipeline_page_dup_partition_lag (c.page);
  g_assert_cmpuint (lags->len, ==, 0);
  g_clear_pointer (&lags, g_array_unref);

  /* Through the page's action, as its button does. */
  g_assert_true (gtk_widget_activate_action (page, "pipeline.consume-kafka", NULL));
  g_assert_true (dps_gui_test_wait_until (caught_up, &c, PATIENCE_MS));

  /* The list names the topic; the diagram's source box shows the topic
   * and the total lag; the status line says what is consumed. */
  heading = g_strdup_printf ("Partitions of “%s”", topic);
  g_assert_nonnull (dps_gui_test_find_label (page, heading));
  g_assert_true (dps_gui_test_wait_until (diagram_caught_up, &c, PATIENCE_MS));
  g_assert_true (dps_pipeline_diagram_get_live (diagram));
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_DATABASE), ==, 600);
  g_assert_nonnull (strstr (dps_pipeline_diagram_get_description (diagram), "Kafka topic gui-consume (group gui)"));
  g_assert_nonnull (strstr (dps_pipeline_controller_get_status (controller),
                            "Consuming the Kafka topic “gui-consume”"));

  /* A second run of the same topic and group is refused. */
  g_assert_true (gtk_widget_activate_action (page, "pipeline.consume-kafka", NULL));
  c.status = "is already being consumed";
  g_assert_true (dps_gui_test_wait_until (status_shown, &c, PATIENCE_MS));
  g_assert_cmpuint (g_list_model_get_n_items (dps_session_get_runs (session)), ==, 1);

  /* The brokers go away: the run waits, and says so. */
  dps_test_kafka_mock_set_brokers_up (mock, FALSE);
  c.status = "Waiting for the Kafka broker at";
  g_assert_true (dps_gui_test_wait_until (status_shown, &c, PATIENCE_MS));
  /* The diagram too, once the reading has come to rest. */
  g_assert_true (dps_gui_test_wait_until (diagram_waits_for_broker, diagram, PATIENCE_MS));
  dps_test_kafka_mock_set_brokers_up (mock, TRUE);

  /* They come back with more records: the run carries on. */
  produce (mock, topic, 42, 400);
  c.records = 1000;
  g_assert_true (dps_gui_test_wait_until (caught_up, &c, PATIENCE_MS));

  /* Stop: the run ends, recorded with what it loaded. */
  g_assert_true (gtk_widget_activate_action (page, "pipeline.stop", NULL));
  g_assert_true (dps_gui_test_wait_until (stopped_and_listed, &c, PATIENCE_MS));

  repository = dps_session_open_reader (session, &error);
  g_assert_no_error (error);
  runs = dps_repository_list_runs (repository, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpstr (run->kind, ==, "kafka");
  g_assert_cmpint (run->status, ==, DPS_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (run->rows_loaded, ==, 1000);
  g_assert_cmpint (run->rows_read, ==, 1000);
  g_assert_cmpint (run->rows_rejected, ==, 0);
  g_assert_cmpint (run->rows_duplicate, ==, 0);
  g_assert_nonnull (strstr (run->source, topic));

  /* The list stays, with where each partition stopped. */
  lags = dps_pipeline_page_dup_partition_lag (c.page);
  g_assert_cmpuint (lags->len, ==, (guint) partitions);
  {
    gint64 committed = 0;

    for (guint i = 0; i < lags->len; i++)
      {
        const DpsKafkaPartitionLag *lag = &g_array_index (lags, DpsKafkaPartitionLag, i);

        g_assert_cmpint (lag->partition, ==, (gint32) i);
        committed += lag->committed;
      }
    g_assert_cmpint (committed, ==, 1000);
  }
  g_assert_nonnull (dps_gui_test_find_label (page, "Where the run stopped"));
  g_assert_false (dps_pipeline_diagram_get_live (diagram));
  g_assert_cmpint (dps_pipeline_diagram_get_count (diagram, DPS_PIPELINE_STAGE_DATABASE), ==, 1000);

  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (window), "kafka-pipeline-page"));
  gtk_window_destroy (window);
}

static void
test_consume_unset (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpsSession) session = dps_gui_test_open_session ("unset.db");
  GtkWindow *window;
  GtkWidget *page;
  Consume c = { 0 };

  /* No broker set: nothing starts, and the page says where to set it. */
  g_settings_set_string (settings, "kafka-brokers", "");
  page = dps_pipeline_page_new (session);
  window = dps_gui_test_show_in_window (page, 1280, 900);
  c.page = DPS_PIPELINE_PAGE (page);
  c.session = session;
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (find_button (page, "Consume _Kafka")),
                            "Set its brokers and name in Preferences first"));
  g_assert_true (gtk_widget_activate_action (page, "pipeline.consume-kafka", NULL));
  c.status = "enter the bootstrap servers in Preferences";
  g_assert_true (dps_gui_test_wait_until (status_shown, &c, PATIENCE_MS));
  g_assert_cmpuint (g_list_model_get_n_items (dps_session_get_runs (session)), ==, 0);
  gtk_window_destroy (window);
}

/* ---------------------------------------------------------------------- */
/* the Generate dialog                                                    */

typedef struct {
  gboolean  done;
  guint64   delivered;
  guint64   failed;
  GError   *error;
} Produced;

static void
produced_cb (DpsGenerateDialog *dialog,
             guint64            delivered,
             guint64            failed,
             const GError      *error,
             Produced          *produced)
{
  produced->done = TRUE;
  produced->delivered = delivered;
  produced->failed = failed;
  produced->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
generate_to_database_cb (DpsGenerateDialog *dialog,
                         gpointer           user_data)
{
  g_error ("The records were to go to Kafka, not through the database");
}

static gboolean
produced_done (gpointer user_data)
{
  return ((Produced *) user_data)->done;
}

static void
test_generate (void)
{
  const char *topic = "gui-generate";
  g_autoptr(DpsTestKafkaMock) mock = mock_new (topic, 3);
  g_autoptr(GSettings) settings = kafka_settings (mock, topic, "gui");
  DpsGenerateDialog *dialog;
  Produced produced = { 0 };

  /* 1,500 records spread over the last days, some of them faulty: all
   * go to the topic, as fast as it takes them. */
  g_settings_set_uint (settings, "generator-rows", 1500);
  g_settings_set_uint (settings, "generator-seed", 7);
  g_settings_set_double (settings, "generator-dirty-ratio", 0.05);

  dialog = dps_generate_dialog_new (NULL, settings);
  g_assert_cmpint (dps_generate_dialog_get_destination (dialog), ==, DPS_GENERATE_DESTINATION_DATABASE);
  dps_generate_dialog_set_destination (dialog, DPS_GENERATE_DESTINATION_KAFKA);
  g_assert_cmpint (dps_generate_dialog_get_destination (dialog), ==, DPS_GENERATE_DESTINATION_KAFKA);
  g_signal_connect (dialog, "produced", G_CALLBACK (produced_cb), &produced);
  g_signal_connect (dialog, "generate", G_CALLBACK (generate_to_database_cb), NULL);
  dps_gui_test_show_window (GTK_WINDOW (dialog));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (dialog), "“gui-generate” on "));
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (dialog), "kafka-generate-options"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.generate", NULL));
  g_assert_true (dps_gui_test_wait_until (produced_done, &produced, PATIENCE_MS));
  g_assert_no_error (produced.error);
  g_assert_cmpuint (produced.delivered, ==, 1500);
  g_assert_cmpuint (produced.failed, ==, 0);

  /* The dialog stays open with the outcome and the counts. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (dps_generate_dialog_get_outcome (dialog), ==, "1,500 records were delivered to “gui-generate”.");
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (dialog), "1,500 records were delivered"));
  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (dialog), "kafka-generate-dialog"));

  /* A consumer finds them all in the topic. */
  g_assert_cmpuint (count_records (mock, topic, 3), ==, 1500);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.cancel", NULL));
  dps_gui_test_drain ();
}

static void
test_generate_missing_topic (void)
{
  g_autoptr(DpsTestKafkaMock) mock = mock_new ("other", 1);
  g_autoptr(GSettings) settings = kafka_settings (mock, "no-such-topic", "gui");
  DpsGenerateDialog *dialog;
  Produced produced = { 0 };

  /* The mock creates topics on demand; a real cluster without
   * auto-creation answers this. */
  rd_kafka_mock_topic_set_error (mock->cluster, "no-such-topic", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  g_settings_set_uint (settings, "generator-rows", 100);

  dialog = dps_generate_dialog_new (NULL, settings);
  dps_generate_dialog_set_destination (dialog, DPS_GENERATE_DESTINATION_KAFKA);
  g_signal_connect (dialog, "produced", G_CALLBACK (produced_cb), &produced);
  dps_gui_test_show_window (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "generate.generate", NULL));
  g_assert_true (dps_gui_test_wait_until (produced_done, &produced, PATIENCE_MS));
  g_assert_error (produced.error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_NOT_FOUND);
  g_assert_cmpuint (produced.delivered, ==, 0);
  /* Said in the dialog, naming the topic. */
  g_assert_nonnull (strstr (dps_generate_dialog_get_outcome (dialog), "no-such-topic"));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (dialog), "The Records Could Not Be Sent"));
  g_clear_error (&produced.error);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------------- */
/* Preferences                                                            */

/* Rows the user can see now: those of the page shown. */
static AdwEntryRow *
find_entry_row (GtkWidget  *root,
                const char *title)
{
  return (AdwEntryRow *) dps_gui_test_find_row (root, ADW_TYPE_ENTRY_ROW, title, TRUE);
}

/* The Kafka page exists in builds with Kafka: show it. */
static void
show_kafka_page (AdwPreferencesWindow *window)
{
  GtkWidget *page = NULL;

  for (GtkWidget *w = dps_gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_PAGE); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (ADW_IS_PREFERENCES_PAGE (w) &&
        g_strcmp0 (adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (w)), "Kafka") == 0)
      page = w;
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (window, ADW_PREFERENCES_PAGE (page));
  dps_gui_test_wait_for_frame (GTK_WIDGET (window));
}

static gboolean
has_property (GSettings  *settings,
              const char *key)
{
  g_autoptr(GVariant) properties = g_settings_get_value (settings, "kafka-properties");
  const char *value;

  return g_variant_lookup (properties, key, "&s", &value);
}

typedef struct {
  GtkWidget  *window;
  const char *title;
} FindRow;

static gboolean
row_shown (gpointer user_data)
{
  FindRow *f = user_data;

  return find_entry_row (f->window, f->title) != NULL;
}

static gboolean
label_shown (gpointer user_data)
{
  FindRow *f = user_data;

  return dps_gui_test_find_label (f->window, f->title) != NULL;
}

static void
test_preferences (void)
{
  const char *topic = "gui-preferences";
  g_autoptr(DpsTestKafkaMock) mock = mock_new (topic, 2);
  g_autoptr(GSettings) settings = kafka_settings (mock, topic, "gui");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autofree char *answer = NULL;
  AdwPreferencesWindow *window;
  AdwEntryRow *add_row;
  GtkLabel *refusal;
  FindRow f;

  window = ADW_PREFERENCES_WINDOW (dps_preferences_window_new (NULL, settings));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 900);
  dps_gui_test_show_window (GTK_WINDOW (window));
  show_kafka_page (window);

  /* The rows show the settings. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (window),
                                                                        "_Bootstrap servers (host:port, …)"))),
                   ==, mock->bootstraps);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (window), "_Topic"))), ==, topic);
  g_assert_nonnull (find_entry_row (GTK_WIDGET (window), "session.timeout.ms"));

  /* A password typed as a property is refused, not stored, and the
   * window says where it goes instead; what was typed is cleared. */
  add_row = find_entry_row (GTK_WIDGET (window), "_Add a property (name=value)");
  g_assert_nonnull (add_row);
  gtk_editable_set_text (GTK_EDITABLE (add_row), "sasl.password=hunter2");
  g_signal_emit_by_name (add_row, "apply");
  g_assert_false (has_property (settings, "sasl.password"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (add_row)), ==, "");
  refusal = dps_gui_test_find_label (GTK_WIDGET (window), "“sasl.password” holds a secret and is not saved");
  g_assert_nonnull (refusal);
  g_assert_nonnull (strstr (gtk_label_get_label (refusal), "environment variable DPS_KAFKA_SASL_PASSWORD"));
  g_assert_null (dps_gui_test_find_label (GTK_WIDGET (window), "hunter2"));

  /* So is any other secret, through the settings API too. */
  g_assert_false (dps_kafka_settings_set_property (settings, "ssl.key.password", "x", &error));
  g_assert_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "DPS_KAFKA_SSL_KEY_PASSWORD"));
  g_clear_error (&error);
  g_assert_false (dps_kafka_settings_set_property (settings, "sasl.oauthbearer.client.secret", "x", &error));
  g_assert_error (error, DPS_KAFKA_ERROR, DPS_KAFKA_ERROR_INVALID);
  g_clear_error (&error);

  /* A plain property is kept, listed, and the refusal goes away. */
  gtk_editable_set_text (GTK_EDITABLE (add_row), "sasl.username=loader");
  g_signal_emit_by_name (add_row, "apply");
  g_assert_true (has_property (settings, "sasl.username"));
  f.window = GTK_WIDGET (window);
  f.title = "sasl.username";
  g_assert_true (dps_gui_test_wait_until (row_shown, &f, PATIENCE_MS));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (refusal)));
  g_assert_null (dps_gui_test_find_label (GTK_WIDGET (window), "holds a secret"));

  /* Its value is edited in place. */
  gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (window), "sasl.username")), "reader");
  g_signal_emit_by_name (find_entry_row (GTK_WIDGET (window), "sasl.username"), "apply");
  properties = g_settings_get_value (settings, "kafka-properties");
  {
    const char *value = NULL;

    g_assert_true (g_variant_lookup (properties, "sasl.username", "&s", &value));
    g_assert_cmpstr (value, ==, "reader");
  }

  /* Without '=': refused with the form it takes. */
  gtk_editable_set_text (GTK_EDITABLE (add_row), "no-equals-sign");
  g_signal_emit_by_name (add_row, "apply");
  g_assert_false (has_property (settings, "no-equals-sign"));
  f.title = "A Kafka property must be written KEY=VALUE";
  g_assert_true (dps_gui_test_wait_until (label_shown, &f, PATIENCE_MS));

  /* Test Connection asks the mock for the topic. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "prefs.test-kafka", NULL));
  answer = g_strdup_printf ("Connected: “%s” is ready on %s.", topic, mock->bootstraps);
  f.title = answer;
  g_assert_true (dps_gui_test_wait_until (label_shown, &f, PATIENCE_MS));

  /* No broker: said at once, without a connection. */
  g_settings_set_string (settings, "kafka-brokers", "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "prefs.test-kafka", NULL));
  f.title = "No Kafka broker is set";
  g_assert_true (dps_gui_test_wait_until (label_shown, &f, PATIENCE_MS));

  g_free (dps_gui_test_save_screenshot (GTK_WIDGET (window), "kafka-preferences"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_secret_in_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpsKafkaSettings) kafka = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  GtkWindow *window;
  FindRow f;

  /* Written by another program: never used, and shown as unused. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&builder, "{ss}", "sasl.password", "hunter2");
  g_variant_builder_add (&builder, "{ss}", "security.protocol", "SASL_SSL");
  g_settings_set_value (settings, "kafka-properties", g_variant_builder_end (&builder));
  g_settings_set_string (settings, "kafka-brokers", "localhost:9092");
  g_settings_set_string (settings, "kafka-topic", "t");

  g_test_expect_message ("dps-gui", G_LOG_LEVEL_WARNING, "*Ignoring the Kafka property “sasl.password”*");
  kafka = dps_kafka_settings_load (settings, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (kafka->properties), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (kafka->properties, "security.protocol"), ==, "SASL_SSL");
  g_assert_null (g_hash_table_lookup (kafka->properties, "sasl.password"));
  g_assert_cmpstr (kafka->group, ==, "dps");

  window = GTK_WINDOW (dps_preferences_window_new (NULL, settings));
  dps_gui_test_show_window (window);
  show_kafka_page (ADW_PREFERENCES_WINDOW (window));
  f.window = GTK_WIDGET (window);
  f.title = "Not used: secrets are read from the environment only";
  g_assert_true (dps_gui_test_wait_until (label_shown, &f, PATIENCE_MS));
  g_assert_nonnull (dps_gui_test_find_label (GTK_WIDGET (window), "sasl.password"));
  g_assert_null (dps_gui_test_find_label (GTK_WIDGET (window), "hunter2"));
  gtk_window_destroy (window);
}

#else /* !HAVE_KAFKA */

static void
test_unavailable (void)
{
  g_test_skip ("built without librdkafka");
}

#endif

int
main (int    argc,
      char **argv)
{
  dps_gui_test_init (&argc, &argv);

#if HAVE_KAFKA
  g_test_add_func ("/dps/kafka-gui/consume", test_consume);
  g_test_add_func ("/dps/kafka-gui/consume-unset", test_consume_unset);
  g_test_add_func ("/dps/kafka-gui/generate", test_generate);
  g_test_add_func ("/dps/kafka-gui/generate-missing-topic", test_generate_missing_topic);
  g_test_add_func ("/dps/kafka-gui/preferences", test_preferences);
  g_test_add_func ("/dps/kafka-gui/secret-in-settings", test_secret_in_settings);
#else
  g_test_add_func ("/dps/kafka-gui/unavailable", test_unavailable);
#endif
  return g_test_run ();
}
