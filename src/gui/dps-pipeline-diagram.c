/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "dps-format.h"
#include "dps-gui-style.h"
#include "dps-pipeline-diagram.h"

#define MARGIN        12.0
#define NODE_HEIGHT   120.0
#define REJECT_HEIGHT 100.0
#define DOT_SPACING   26.0
#define DOT_RADIUS    3.5
#define FRAME_US      (G_USEC_PER_SEC / 30)   /* the dots move at 30 frames a second */
#define GAUGE_WIDTH   64.0
#define GAUGE_HEIGHT  8.0
#define RATE_POINTS   4       /* rates span the last three samples: batches land in steps */

typedef struct {
  double x, y, width, height;
} Box;

/* A cubic Bézier from p0 to p3. */
typedef struct {
  double x0, y0, x1, y1, x2, y2, x3, y3;
  double length;      /* approximated */
} Path;

typedef struct {
  double elapsed;
  gint64 counts[DPS_N_PIPELINE_STAGES];
} RatePoint;

typedef struct {
  Box  nodes[DPS_N_PIPELINE_STAGES];
  Path links[DPS_N_PIPELINE_LINKS];
} Layout;

struct _DpsPipelineDiagram
{
  GtkWidget         parent_instance;

  /* What is shown. */
  DpsEngineMetrics  metrics;
  char             *source_kind;
  char             *source_description;
  char             *database_name;
  gboolean          has_data;
  gboolean          live;
  gint64            finished_at;         /* real time, for a run from the history; 0 if unknown */
  DpsRunStatus      status;              /* of a still run */
  char             *error;               /* of a still run, first line */
  double            rates[DPS_N_PIPELINE_STAGES];
  double            link_rates[DPS_N_PIPELINE_LINKS];

  /* Recent live samples, oldest first, for rates. */
  RatePoint         points[RATE_POINTS];
  guint             n_points;

  /* Animation. */
  guint             tick_id;
  gint64            last_frame;          /* frame clock time of the last tick */
  gint64            last_draw;
  double            phase[DPS_N_PIPELINE_LINKS];

  /* The still part of the drawing, kept while nothing it shows changes. */
  GskRenderNode    *static_node;
  int               cached_width;
  int               cached_height;
  GdkRGBA           cached_fg;

  char             *description;
};

G_DEFINE_FINAL_TYPE (DpsPipelineDiagram, dps_pipeline_diagram, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LIVE,
  PROP_ANIMATING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* geometry                                                               */

static void
path_point (const Path *p,
            double      t,
            double     *x,
            double     *y)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

  *x = a * p->x0 + b * p->x1 + c * p->x2 + d * p->x3;
  *y = a * p->y0 + b * p->y1 + c * p->y2 + d * p->y3;
}

static void
path_init (Path   *p,
           double  x0, double y0,
           double  x1, double y1,
           double  x2, double y2,
           double  x3, double y3)
{
  double px = x0, py = y0;

  *p = (Path) { x0, y0, x1, y1, x2, y2, x3, y3, 0 };
  for (int i = 1; i <= 32; i++)
    {
      double x, y;

      path_point (p, i / 32.0, &x, &y);
      p->length += hypot (x - px, y - py);
      px = x;
      py = y;
    }
}

static void
path_line (Path   *p,
           double  x0, double y0,
           double  x3, double y3)
{
  path_init (p, x0, y0, x0 + (x3 - x0) / 3, y0 + (y3 - y0) / 3,
             x0 + 2 * (x3 - x0) / 3, y0 + 2 * (y3 - y0) / 3, x3, y3);
}

static void
compute_layout (double  width,
                double  height,
                Layout *l)
{
  double node_width = CLAMP ((width - 2 * MARGIN - 2 * 96) / 3, 140, 250);
  double top = MARGIN;
  double reject_top = MAX (height - MARGIN - REJECT_HEIGHT, top + NODE_HEIGHT + 40);
  Box *source = &l->nodes[DPS_PIPELINE_STAGE_SOURCE];
  Box *transform = &l->nodes[DPS_PIPELINE_STAGE_TRANSFORM];
  Box *database = &l->nodes[DPS_PIPELINE_STAGE_DATABASE];
  Box *rejects = &l->nodes[DPS_PIPELINE_STAGE_REJECTS];
  double row_y = top + NODE_HEIGHT / 2;
  double from_x, from_y, to_x, to_y;

  *source = (Box) { MARGIN, top, node_width, NODE_HEIGHT };
  *transform = (Box) { floor ((width - node_width) / 2), top, node_width, NODE_HEIGHT };
  *database = (Box) { width - MARGIN - node_width, top, node_width, NODE_HEIGHT };
  *rejects = (Box) { database->x, reject_top, node_width, REJECT_HEIGHT };

  path_line (&l->links[DPS_PIPELINE_LINK_RAW],
             source->x + source->width, row_y, transform->x, row_y);
  path_line (&l->links[DPS_PIPELINE_LINK_PARSED],
             transform->x + transform->width, row_y, database->x, row_y);

  /* Down from under the transform box, then right into the rejects. */
  from_x = transform->x + transform->width * 0.5;
  from_y = transform->y + transform->height;
  to_x = rejects->x;
  to_y = rejects->y + rejects->height / 2;
  path_init (&l->links[DPS_PIPELINE_LINK_REJECTS], from_x, from_y,
             from_x, to_y, from_x + (to_x - from_x) * 0.25, to_y, to_x, to_y);
}

/* ---------------------------------------------------------------------- */
/* text                                                                   */

static gint64
stage_count (const DpsEngineMetrics *m,
             DpsPipelineStage        stage)
{
  switch (stage)
    {
    case DPS_PIPELINE_STAGE_SOURCE:
      return m->rows_read;
    case DPS_PIPELINE_STAGE_TRANSFORM:
      return m->rows_loaded + m->rows_duplicate + m->rows_rejected;
    case DPS_PIPELINE_STAGE_DATABASE:
      return m->rows_loaded;
    case DPS_PIPELINE_STAGE_REJECTS:
      return m->rows_rejected;
    default:
      g_assert_not_reached ();
    }
}

static double
queue_fill (const DpsEngineMetrics *m,
            DpsPipelineLink         link)
{
  switch (link)
    {
    case DPS_PIPELINE_LINK_RAW:
      return m->raw_queue_capacity > 0
             ? MIN ((double) m->raw_queue_length / m->raw_queue_capacity, 1.0) : 0.0;
    case DPS_PIPELINE_LINK_PARSED:
      return m->parsed_queue_capacity > 0
             ? MIN ((double) m->parsed_queue_length / m->parsed_queue_capacity, 1.0) : 0.0;
    case DPS_PIPELINE_LINK_REJECTS:
    default:
      return 0.0;
    }
}

static const char *
source_title (const char *kind)
{
  if (g_strcmp0 (kind, "follow") == 0 || g_strcmp0 (kind, "import") == 0)
    return _("File");
  if (g_strcmp0 (kind, "folder") == 0)
    return _("Folder");
  if (g_strcmp0 (kind, "kafka") == 0)
    return _("Kafka topic");
  if (g_strcmp0 (kind, "generator") == 0)
    return _("Generator");
  return _("Source");
}

static char *
lag_text (DpsPipelineDiagram *self)
{
  g_autofree char *amount = NULL;

  if (!self->live || self->metrics.lag < 0)
    return NULL;
  if (g_strcmp0 (self->source_kind, "kafka") == 0)
    {
      amount = dps_format_count (self->metrics.lag);
      /* TRANSLATORS: how many records the pipeline is behind a Kafka topic */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Lag: %s record", "Lag: %s records",
                                           (gulong) MIN (self->metrics.lag, G_MAXLONG)), amount);
    }
  if (g_strcmp0 (self->source_kind, "generator") == 0)
    return NULL;
  amount = dps_format_size (self->metrics.lag);
  /* TRANSLATORS: how far behind the end of the file the pipeline is, in bytes */
  return g_strdup_printf (_("Lag: %s"), amount);
}

static char *
rate_text (DpsPipelineDiagram *self,
           double              rate)
{
  g_autofree char *value = dps_format_rate (rate);

  if (self->live)
    return g_steal_pointer (&value);
  /* TRANSLATORS: an average rate over a whole run, like "avg 1,000/s" */
  return g_strdup_printf (_("avg %s"), value);
}

static char *
status_text (DpsPipelineDiagram *self)
{
  g_autofree char *duration = dps_format_duration (self->metrics.elapsed_seconds);

  if (!self->has_data)
    return g_strdup (_("No run yet. Follow a file or a folder, or start the generator."));

  if (self->live)
    {
      /* A paced source waits between lines: only a still one is "waiting". */
      if (self->metrics.state == DPS_ENGINE_STATE_WAITING && self->metrics.waiting_reason[0] != '\0' &&
          self->rates[DPS_PIPELINE_STAGE_SOURCE] < 0.5)
        /* TRANSLATORS: the run's state and how long it has been going */
        return g_strdup_printf (_("%s · running for %s"), self->metrics.waiting_reason, duration);
      return g_strdup_printf (_("Running for %s"), duration);
    }

  if (self->finished_at > 0)
    {
      g_autofree char *when = dps_format_local_date_time (self->finished_at);

      /* TRANSLATORS: "Last run: Succeeded at 2026-11-20 14:45:12, in 3 min 12 s" */
      return g_strdup_printf (_("Last run: %s at %s, in %s"),
                              dps_run_status_get_label (self->status), when, duration);
    }
  /* TRANSLATORS: "Last run: Succeeded, in 3 min 12 s" */
  return g_strdup_printf (_("Last run: %s, in %s"), dps_run_status_get_label (self->status), duration);
}

static void
update_description (DpsPipelineDiagram *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *status = status_text (self);

  g_string_append (text, status);
  if (self->has_data)
    {
      g_autofree char *read = dps_format_count (self->metrics.rows_read);
      g_autofree char *read_rate = dps_format_rate (self->rates[DPS_PIPELINE_STAGE_SOURCE]);
      g_autofree char *checked = dps_format_count (stage_count (&self->metrics, DPS_PIPELINE_STAGE_TRANSFORM));
      g_autofree char *loaded = dps_format_count (self->metrics.rows_loaded);
      g_autofree char *load_rate = dps_format_rate (self->rates[DPS_PIPELINE_STAGE_DATABASE]);
      g_autofree char *duplicates = dps_format_count (self->metrics.rows_duplicate);
      g_autofree char *rejected = dps_format_count (self->metrics.rows_rejected);
      g_autofree char *lag = lag_text (self);

      g_string_append (text, ". ");
      /* TRANSLATORS: read out by screen readers; the source, its count and rate */
      g_string_append_printf (text, _("%s %s: %s lines read, %s."),
                              source_title (self->source_kind),
                              self->source_description != NULL ? self->source_description : "",
                              read, read_rate);
      if (lag != NULL)
        g_string_append_printf (text, " %s.", lag);
      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Parse, validate and enrich: %s lines checked."), checked);
      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Database: %s rows loaded, %s, %s duplicates."),
                              loaded, load_rate, duplicates);
      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Rejects: %s."), rejected);
      if (self->live && self->metrics.raw_queue_capacity > 0)
        {
          g_string_append_c (text, ' ');
          g_string_append_printf (text, _("Raw queue %u of %u, parsed queue %u of %u."),
                                  self->metrics.raw_queue_length, self->metrics.raw_queue_capacity,
                                  self->metrics.parsed_queue_length, self->metrics.parsed_queue_capacity);
        }
    }

  if (g_strcmp0 (text->str, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

/* ---------------------------------------------------------------------- */
/* drawing                                                                */

typedef enum {
  TEXT_TITLE,
  TEXT_SUBTITLE,        /* ellipsized at the start: a file name keeps its end */
  TEXT_SUBTITLE_TEXT,   /* the same, ellipsized at the end: words */
  TEXT_COUNT,
  TEXT_DETAIL,
} TextStyle;

/* Draws one line clipped to @width; returns its height. */
static double
draw_line (GtkWidget     *widget,
           cairo_t       *cr,
           const char    *text,
           TextStyle      style,
           double         x,
           double         y,
           double         width,
           double         align,
           const GdkRGBA *color,
           double         alpha)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int text_width, text_height;

  switch (style)
    {
    case TEXT_TITLE:
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      break;
    case TEXT_SUBTITLE:
    case TEXT_SUBTITLE_TEXT:
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      break;
    case TEXT_COUNT:
      pango_attr_list_insert (attrs, pango_attr_scale_new (1.6));
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      break;
    case TEXT_DETAIL:
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      break;
    default:
      break;
    }
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, style == TEXT_SUBTITLE ? PANGO_ELLIPSIZE_START : PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  cairo_move_to (cr, x + (width - text_width) * align, y);
  dps_gui_style_set_source (cr, color, alpha);
  pango_cairo_show_layout (cr, layout);
  return text_height;
}

static void
rounded_rect (cairo_t   *cr,
              const Box *b,
              double     radius)
{
  double x = b->x + 0.5, y = b->y + 0.5, w = b->width - 1, h = b->height - 1;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

typedef struct {
  GdkRGBA fg, card, accent, success, warning, error;
} Palette;

static void
get_palette (DpsPipelineDiagram *self,
             Palette            *p)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean dark;

  dps_gui_style_get_foreground (widget, &p->fg);
  dark = dps_gui_style_is_dark (widget);
  dps_gui_style_lookup_color (widget, "card_bg_color", dark ? "#363636" : "#ffffff", &p->card);
  dps_gui_style_lookup_color (widget, "accent_color", dark ? "#78aeed" : "#1c71d8", &p->accent);
  dps_gui_style_lookup_color (widget, "success_color", dark ? "#8ff0a4" : "#1b8553", &p->success);
  dps_gui_style_lookup_color (widget, "warning_color", dark ? "#f8e45c" : "#9c6e03", &p->warning);
  dps_gui_style_lookup_color (widget, "error_color", dark ? "#ff7b63" : "#c01c28", &p->error);
}

static void
draw_node (DpsPipelineDiagram *self,
           cairo_t            *cr,
           const Palette      *p,
           const Box          *box,
           const GdkRGBA      *tone,       /* border and title colour when active */
           gboolean            active,
           const char         *title,
           const char         *subtitle,
           TextStyle           subtitle_style,
           const char         *count,
           const char         *detail1,
           const char         *detail2)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double pad = 10, x = box->x + pad, y = box->y + 8, width = box->width - 2 * pad;

  rounded_rect (cr, box, 10);
  dps_gui_style_set_source (cr, &p->card, 1.0);
  cairo_fill_preserve (cr);
  if (active)
    {
      dps_gui_style_set_source (cr, tone, 0.08);
      cairo_fill_preserve (cr);
      dps_gui_style_set_source (cr, tone, 0.9);
      cairo_set_line_width (cr, 2);
    }
  else
    {
      dps_gui_style_set_source (cr, &p->fg, 0.15);
      cairo_set_line_width (cr, 1);
    }
  cairo_stroke (cr);

  cairo_save (cr);
  cairo_rectangle (cr, box->x, box->y, box->width, box->height);
  cairo_clip (cr);
  y += draw_line (widget, cr, title, TEXT_TITLE, x, y, width, 0, active ? tone : &p->fg, 1.0);
  if (subtitle != NULL)
    y += draw_line (widget, cr, subtitle, subtitle_style, x, y, width, 0, &p->fg, 0.65);
  y += 2;
  y += draw_line (widget, cr, count, TEXT_COUNT, x, y, width, 0, &p->fg, 1.0);
  if (detail1 != NULL)
    y += draw_line (widget, cr, detail1, TEXT_DETAIL, x, y, width, 0, &p->fg, 0.7);
  if (detail2 != NULL)
    draw_line (widget, cr, detail2, TEXT_DETAIL, x, y, width, 0, &p->fg, 0.7);
  cairo_restore (cr);
}

static void
draw_link (DpsPipelineDiagram *self,
           cairo_t            *cr,
           const Palette      *p,
           const Path         *path,
           const GdkRGBA      *color,
           gboolean            active)
{
  double ax, ay, bx, by, angle;

  cairo_move_to (cr, path->x0, path->y0);
  cairo_curve_to (cr, path->x1, path->y1, path->x2, path->y2, path->x3, path->y3);
  dps_gui_style_set_source (cr, active ? color : &p->fg, active ? 0.55 : 0.25);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);

  /* Arrow head along the last segment. */
  path_point (path, 0.97, &ax, &ay);
  bx = path->x3;
  by = path->y3;
  angle = atan2 (by - ay, bx - ax);
  cairo_move_to (cr, bx, by);
  cairo_line_to (cr, bx - 9 * cos (angle - 0.45), by - 9 * sin (angle - 0.45));
  cairo_line_to (cr, bx - 9 * cos (angle + 0.45), by - 9 * sin (angle + 0.45));
  cairo_close_path (cr);
  dps_gui_style_set_source (cr, active ? color : &p->fg, active ? 0.9 : 0.35);
  cairo_fill (cr);
}

/* The queue of a link: a gauge that fills and turns from green to
 * yellow to red as the next stage falls behind (back-pressure). */
static void
draw_gauge (DpsPipelineDiagram *self,
            cairo_t            *cr,
            const Palette      *p,
            const Path         *path,
            guint               length,
            guint               capacity)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double mid_x = (path->x0 + path->x3) / 2;
  double gx = mid_x - GAUGE_WIDTH / 2, gy = path->y0 - 24;
  double fill = capacity > 0 ? MIN ((double) length / capacity, 1.0) : 0.0;
  const GdkRGBA *color = fill < 0.5 ? &p->success : fill < 0.85 ? &p->warning : &p->error;
  g_autofree char *label = NULL;
  Box frame = { gx, gy, GAUGE_WIDTH, GAUGE_HEIGHT };

  if (self->live && capacity > 0)
    /* TRANSLATORS: chunks waiting in the queue between two stages, of its capacity */
    label = g_strdup_printf (_("Queue %u/%u"), length, capacity);
  else
    label = g_strdup (_("Queue"));

  rounded_rect (cr, &frame, GAUGE_HEIGHT / 2);
  dps_gui_style_set_source (cr, &p->fg, 0.1);
  cairo_fill (cr);
  if (self->live && fill > 0)
    {
      Box filled = { gx, gy, MAX (GAUGE_HEIGHT, GAUGE_WIDTH * fill), GAUGE_HEIGHT };

      rounded_rect (cr, &filled, GAUGE_HEIGHT / 2);
      dps_gui_style_set_source (cr, color, 1.0);
      cairo_fill (cr);
    }
  draw_line (widget, cr, label, TEXT_DETAIL, mid_x - 60, path->y0 + 8, 120, 0.5, &p->fg, 0.7);
}

static void
draw_static (DpsPipelineDiagram *self,
             cairo_t            *cr,
             double              width,
             double              height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const DpsEngineMetrics *m = &self->metrics;
  Palette p;
  Layout l;
  g_autofree char *read = dps_format_count (m->rows_read);
  g_autofree char *checked = dps_format_count (stage_count (m, DPS_PIPELINE_STAGE_TRANSFORM));
  g_autofree char *loaded = dps_format_count (m->rows_loaded);
  g_autofree char *rejected = dps_format_count (m->rows_rejected);
  g_autofree char *source_rate = rate_text (self, self->rates[DPS_PIPELINE_STAGE_SOURCE]);
  g_autofree char *transform_rate = rate_text (self, self->rates[DPS_PIPELINE_STAGE_TRANSFORM]);
  g_autofree char *database_rate = rate_text (self, self->rates[DPS_PIPELINE_STAGE_DATABASE]);
  g_autofree char *reject_rate = rate_text (self, self->rates[DPS_PIPELINE_STAGE_REJECTS]);
  g_autofree char *lag = lag_text (self);
  g_autofree char *duplicates = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *share = NULL;
  g_autofree char *share_text = NULL;
  g_autofree char *source_name = NULL;
  g_autofree char *status = status_text (self);
  g_autofree char *source_heading = NULL;
  const GdkRGBA *status_color;

  get_palette (self, &p);
  compute_layout (width, height, &l);

  {
    g_autofree char *count = dps_format_count (m->rows_duplicate);

    /* TRANSLATORS: rows that repeated a transaction id already stored */
    duplicates = g_strdup_printf (_("Duplicates: %s"), count);
  }
  if (m->batches > 0)
    {
      g_autofree char *rows = dps_format_count (m->last_batch_rows);

      /* TRANSLATORS: the last batch written: its rows and commit time */
      batch = g_strdup_printf (_("Batch: %s rows in %.0f ms"), rows, m->last_batch_ms);
    }
  share = dps_format_share (m->rows_rejected, stage_count (m, DPS_PIPELINE_STAGE_TRANSFORM));
  /* TRANSLATORS: the share of lines rejected, like "1.2 % of lines" */
  share_text = g_strdup_printf (_("%s of lines"), share);
  if (self->source_description != NULL)
    {
      if (g_str_has_prefix (self->source_description, "/"))
        source_name = g_path_get_basename (self->source_description);
      else
        source_name = g_strdup (self->source_description);
    }
  /* TRANSLATORS: the first box of the diagram, like "Source · File" */
  source_heading = g_strdup_printf (_("Source · %s"), source_title (self->source_kind));

  /* Links under the boxes. */
  draw_link (self, cr, &p, &l.links[DPS_PIPELINE_LINK_RAW], &p.accent,
             self->live && self->link_rates[DPS_PIPELINE_LINK_RAW] > 0);
  draw_link (self, cr, &p, &l.links[DPS_PIPELINE_LINK_PARSED], &p.accent,
             self->live && self->link_rates[DPS_PIPELINE_LINK_PARSED] > 0);
  draw_link (self, cr, &p, &l.links[DPS_PIPELINE_LINK_REJECTS], &p.error,
             self->live && self->link_rates[DPS_PIPELINE_LINK_REJECTS] > 0);
  draw_gauge (self, cr, &p, &l.links[DPS_PIPELINE_LINK_RAW],
              m->raw_queue_length, m->raw_queue_capacity);
  draw_gauge (self, cr, &p, &l.links[DPS_PIPELINE_LINK_PARSED],
              m->parsed_queue_length, m->parsed_queue_capacity);

  draw_node (self, cr, &p, &l.nodes[DPS_PIPELINE_STAGE_SOURCE], &p.accent,
             self->live && self->rates[DPS_PIPELINE_STAGE_SOURCE] > 0,
             source_heading, source_name != NULL ? source_name : "–",
             /* A topic's description starts with its name. */
             g_strcmp0 (self->source_kind, "kafka") == 0 ? TEXT_SUBTITLE_TEXT : TEXT_SUBTITLE,
             read, source_rate, lag);
  draw_node (self, cr, &p, &l.nodes[DPS_PIPELINE_STAGE_TRANSFORM], &p.accent,
             self->live && self->rates[DPS_PIPELINE_STAGE_TRANSFORM] > 0,
             _("Parse · Validate · Enrich"), _("lines checked"), TEXT_SUBTITLE,
             checked, transform_rate, NULL);
  draw_node (self, cr, &p, &l.nodes[DPS_PIPELINE_STAGE_DATABASE], &p.success,
             self->live && self->rates[DPS_PIPELINE_STAGE_DATABASE] > 0,
             self->database_name != NULL ? self->database_name : _("Database"), _("rows loaded"), TEXT_SUBTITLE,
             loaded, database_rate, batch != NULL ? batch : duplicates);
  draw_node (self, cr, &p, &l.nodes[DPS_PIPELINE_STAGE_REJECTS], &p.error,
             m->rows_rejected > 0,
             _("Rejects"), share_text, TEXT_SUBTITLE, rejected, reject_rate, NULL);

  /* Under the source: the state of the run and the duplicates. */
  status_color = &p.fg;
  if (self->has_data && !self->live)
    status_color = self->status == DPS_RUN_STATUS_SUCCEEDED ? &p.success
                 : self->status == DPS_RUN_STATUS_FAILED ? &p.error : &p.warning;
  {
    const Box *source = &l.nodes[DPS_PIPELINE_STAGE_SOURCE];
    const Box *rejects = &l.nodes[DPS_PIPELINE_STAGE_REJECTS];
    double text_width = l.nodes[DPS_PIPELINE_STAGE_TRANSFORM].x + l.nodes[DPS_PIPELINE_STAGE_TRANSFORM].width / 2 - 16 - source->x;
    double y = rejects->y + 8;

    y += draw_line (widget, cr, status, TEXT_TITLE, source->x, y, text_width, 0, status_color, 1.0);
    if (self->has_data && batch != NULL)
      y += draw_line (widget, cr, duplicates, TEXT_DETAIL, source->x, y, text_width, 0, &p.fg, 0.7);
    if (self->has_data && !self->live && self->error != NULL)
      draw_line (widget, cr, self->error, TEXT_DETAIL, source->x, y, text_width, 0, &p.error, 1.0);
  }
}

static void
draw_dots (DpsPipelineDiagram *self,
           cairo_t            *cr,
           double              width,
           double              height)
{
  Palette p;
  Layout l;

  get_palette (self, &p);
  compute_layout (width, height, &l);

  for (guint i = 0; i < DPS_N_PIPELINE_LINKS; i++)
    {
      const Path *path = &l.links[i];
      const GdkRGBA *color = i == DPS_PIPELINE_LINK_REJECTS ? &p.error : &p.accent;

      if (self->link_rates[i] <= 0 || path->length < DOT_SPACING)
        continue;
      dps_gui_style_set_source (cr, color, 1.0);
      for (double d = fmod (self->phase[i], DOT_SPACING); d < path->length - 6; d += DOT_SPACING)
        {
          double x, y;

          path_point (path, d / path->length, &x, &y);
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, DOT_RADIUS, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
}

static void
invalidate (DpsPipelineDiagram *self)
{
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
dps_pipeline_diagram_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  DpsPipelineDiagram *self = DPS_PIPELINE_DIAGRAM (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;

  if (width <= 0 || height <= 0)
    return;

  /* The still part is drawn again only when what it shows changed
   * (a new sample, a new size, another style): frames that only move
   * the dots reuse it. */
  dps_gui_style_get_foreground (widget, &fg);
  if (self->static_node == NULL || width != self->cached_width || height != self->cached_height ||
      !gdk_rgba_equal (&fg, &self->cached_fg))
    {
      GtkSnapshot *still = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (still, &GRAPHENE_RECT_INIT (0, 0, width, height));

      draw_static (self, cr, width, height);
      cairo_destroy (cr);
      g_clear_pointer (&self->static_node, gsk_render_node_unref);
      self->static_node = gtk_snapshot_free_to_node (still);
      self->cached_width = width;
      self->cached_height = height;
      self->cached_fg = fg;
    }
  if (self->static_node != NULL)
    gtk_snapshot_append_node (snapshot, self->static_node);

  if (self->tick_id != 0)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

      draw_dots (self, cr, width, height);
      cairo_destroy (cr);
    }
}

/* ---------------------------------------------------------------------- */
/* animation                                                              */

/* Pixels per second of the dots for a rate in lines per second: grows
 * with the order of magnitude, so 10/s and 100,000/s both read. */
static double
dot_speed (double rate)
{
  if (rate <= 0)
    return 0;
  return CLAMP (30.0 + 35.0 * log10 (1.0 + rate), 30.0, 240.0);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  DpsPipelineDiagram *self = DPS_PIPELINE_DIAGRAM (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double dt;

  if (self->last_frame == 0)
    self->last_frame = now;
  dt = (double) (now - self->last_frame) / G_USEC_PER_SEC;
  self->last_frame = now;
  dt = MIN (dt, 0.25);

  for (guint i = 0; i < DPS_N_PIPELINE_LINKS; i++)
    self->phase[i] = fmod (self->phase[i] + dt * dot_speed (self->link_rates[i]), 1e6);

  if (now - self->last_draw >= FRAME_US)
    {
      self->last_draw = now;
      gtk_widget_queue_draw (widget);
    }
  return G_SOURCE_CONTINUE;
}

static void
update_animation (DpsPipelineDiagram *self)
{
  gboolean flowing = FALSE;

  for (guint i = 0; i < DPS_N_PIPELINE_LINKS; i++)
    flowing |= self->link_rates[i] > 0;
  flowing &= self->live;

  if (flowing && self->tick_id == 0)
    {
      self->last_frame = 0;
      self->last_draw = 0;
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANIMATING]);
    }
  else if (!flowing && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANIMATING]);
    }
}

static void
set_live (DpsPipelineDiagram *self,
          gboolean            live)
{
  if (self->live == live)
    return;
  self->live = live;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
}

static void
shown_changed (DpsPipelineDiagram *self)
{
  for (guint i = 0; i < DPS_N_PIPELINE_LINKS; i++)
    self->link_rates[i] = 0;
  if (self->live)
    {
      self->link_rates[DPS_PIPELINE_LINK_RAW] = self->rates[DPS_PIPELINE_STAGE_SOURCE];
      self->link_rates[DPS_PIPELINE_LINK_PARSED] = MAX (self->rates[DPS_PIPELINE_STAGE_TRANSFORM] -
                                                        self->rates[DPS_PIPELINE_STAGE_REJECTS], 0);
      self->link_rates[DPS_PIPELINE_LINK_REJECTS] = self->rates[DPS_PIPELINE_STAGE_REJECTS];
      /* Below one line every few seconds, nothing visibly flows. */
      for (guint i = 0; i < DPS_N_PIPELINE_LINKS; i++)
        if (self->link_rates[i] < 0.2)
          self->link_rates[i] = 0;
    }
  update_animation (self);
  update_description (self);
  invalidate (self);
}

/* ---------------------------------------------------------------------- */

static void
dps_pipeline_diagram_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) (2 * MARGIN + 3 * 140 + 2 * 60);
      *natural = (int) (2 * MARGIN + 3 * 220 + 2 * 120);
    }
  else
    {
      *minimum = (int) (2 * MARGIN + NODE_HEIGHT + 40 + REJECT_HEIGHT);
      *natural = *minimum + 20;
    }
}

static void
dps_pipeline_diagram_unmap (GtkWidget *widget)
{
  DpsPipelineDiagram *self = DPS_PIPELINE_DIAGRAM (widget);

  GTK_WIDGET_CLASS (dps_pipeline_diagram_parent_class)->unmap (widget);
  /* Tick callbacks do not run unmapped; start again cleanly when shown. */
  self->last_frame = 0;
}

static void
dps_pipeline_diagram_dispose (GObject *object)
{
  DpsPipelineDiagram *self = DPS_PIPELINE_DIAGRAM (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_pointer (&self->static_node, gsk_render_node_unref);

  G_OBJECT_CLASS (dps_pipeline_diagram_parent_class)->dispose (object);
}

static void
dps_pipeline_diagram_finalize (GObject *object)
{
  DpsPipelineDiagram *self = DPS_PIPELINE_DIAGRAM (object);

  g_free (self->source_kind);
  g_free (self->source_description);
  g_free (self->database_name);
  g_free (self->error);
  g_free (self->description);

  G_OBJECT_CLASS (dps_pipeline_diagram_parent_class)->finalize (object);
}

static void
dps_pipeline_diagram_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DpsPipelineDiagram *self = DPS_PIPELINE_DIAGRAM (object);

  switch (prop_id)
    {
    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;
    case PROP_ANIMATING:
      g_value_set_boolean (value, self->tick_id != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dps_pipeline_diagram_class_init (DpsPipelineDiagramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dps_pipeline_diagram_dispose;
  object_class->finalize = dps_pipeline_diagram_finalize;
  object_class->get_property = dps_pipeline_diagram_get_property;

  widget_class->snapshot = dps_pipeline_diagram_snapshot;
  widget_class->measure = dps_pipeline_diagram_measure;
  widget_class->unmap = dps_pipeline_diagram_unmap;

  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANIMATING] =
    g_param_spec_boolean ("animating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "pipelinediagram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dps_pipeline_diagram_init (DpsPipelineDiagram *self)
{
  self->metrics.lag = -1;
  self->metrics.source_size = -1;
  self->status = DPS_RUN_STATUS_SUCCEEDED;
  update_description (self);
}

/* ---------------------------------------------------------------------- */
/* public API                                                             */

GtkWidget *
dps_pipeline_diagram_new (void)
{
  return g_object_new (DPS_TYPE_PIPELINE_DIAGRAM, NULL);
}

void
dps_pipeline_diagram_set_source (DpsPipelineDiagram *self,
                                 const char         *kind,
                                 const char         *description)
{
  g_return_if_fail (DPS_IS_PIPELINE_DIAGRAM (self));

  g_free (self->source_kind);
  self->source_kind = g_strdup (kind);
  g_free (self->source_description);
  self->source_description = g_strdup (description);

  /* A new run: no previous sample, nothing counted yet. */
  memset (&self->metrics, 0, sizeof self->metrics);
  self->metrics.lag = -1;
  self->metrics.source_size = -1;
  memset (self->rates, 0, sizeof self->rates);
  /* The run starts from nothing. */
  memset (self->points, 0, sizeof self->points);
  self->n_points = 1;
  self->finished_at = 0;
  g_clear_pointer (&self->error, g_free);
  self->has_data = TRUE;
  set_live (self, TRUE);
  shown_changed (self);
}

void
dps_pipeline_diagram_set_database_name (DpsPipelineDiagram *self,
                                        const char         *name)
{
  g_return_if_fail (DPS_IS_PIPELINE_DIAGRAM (self));

  if (g_strcmp0 (name, self->database_name) == 0)
    return;
  g_free (self->database_name);
  self->database_name = g_strdup (name);
  invalidate (self);
}

void
dps_pipeline_diagram_update (DpsPipelineDiagram     *self,
                             const DpsEngineMetrics *metrics)
{
  gboolean live;

  g_return_if_fail (DPS_IS_PIPELINE_DIAGRAM (self));
  g_return_if_fail (metrics != NULL);

  live = metrics->state == DPS_ENGINE_STATE_RUNNING || metrics->state == DPS_ENGINE_STATE_WAITING ||
         metrics->state == DPS_ENGINE_STATE_IDLE;
  self->metrics = *metrics;
  self->has_data = TRUE;

  if (live)
    {
      const RatePoint *last = self->n_points > 0 ? &self->points[self->n_points - 1] : NULL;

      if (last == NULL || metrics->elapsed_seconds - last->elapsed > 0.05)
        {
          RatePoint *point;

          if (self->n_points == RATE_POINTS)
            {
              memmove (&self->points[0], &self->points[1], sizeof (RatePoint) * (RATE_POINTS - 1));
              self->n_points--;
            }
          point = &self->points[self->n_points++];
          point->elapsed = metrics->elapsed_seconds;
          for (guint i = 0; i < DPS_N_PIPELINE_STAGES; i++)
            point->counts[i] = stage_count (metrics, i);

          if (self->n_points >= 2)
            {
              const RatePoint *first = &self->points[0];
              double span = point->elapsed - first->elapsed;

              for (guint i = 0; i < DPS_N_PIPELINE_STAGES; i++)
                self->rates[i] = span > 0 ? (double) MAX (point->counts[i] - first->counts[i], (gint64) 0) / span
                                          : 0;
            }
        }
    }
  else
    {
      double wall = metrics->elapsed_seconds;

      for (guint i = 0; i < DPS_N_PIPELINE_STAGES; i++)
        self->rates[i] = wall > 0 ? (double) stage_count (metrics, i) / wall : 0;
      self->status = metrics->state == DPS_ENGINE_STATE_FAILED ? DPS_RUN_STATUS_FAILED
                   : metrics->state == DPS_ENGINE_STATE_CANCELLED ? DPS_RUN_STATUS_CANCELLED
                   : DPS_RUN_STATUS_SUCCEEDED;
      self->finished_at = g_get_real_time ();
    }
  set_live (self, live);
  shown_changed (self);
}

void
dps_pipeline_diagram_show_run (DpsPipelineDiagram *self,
                               const DpsRunRecord *run)
{
  DpsEngineMetrics *m;
  double wall;

  g_return_if_fail (DPS_IS_PIPELINE_DIAGRAM (self));
  g_return_if_fail (run != NULL);

  g_free (self->source_kind);
  self->source_kind = g_strdup (run->kind);
  g_free (self->source_description);
  self->source_description = g_strdup (run->source);

  m = &self->metrics;
  memset (m, 0, sizeof *m);
  m->run_id = run->id;
  m->rows_read = run->rows_read;
  m->rows_loaded = run->rows_loaded;
  m->rows_rejected = run->rows_rejected;
  m->rows_duplicate = run->rows_duplicate;
  m->bytes_read = run->bytes_read;
  memcpy (m->rejected_by_reason, run->rejected_by_reason, sizeof m->rejected_by_reason);
  m->lag = -1;
  m->source_size = -1;
  m->state = run->status == DPS_RUN_STATUS_FAILED ? DPS_ENGINE_STATE_FAILED
           : run->status == DPS_RUN_STATUS_CANCELLED || run->status == DPS_RUN_STATUS_INTERRUPTED
             ? DPS_ENGINE_STATE_CANCELLED
           : DPS_ENGINE_STATE_FINISHED;
  wall = run->finished_at > run->started_at
         ? (double) (run->finished_at - run->started_at) / G_USEC_PER_SEC : 0;
  m->elapsed_seconds = wall;
  for (guint i = 0; i < DPS_N_PIPELINE_STAGES; i++)
    self->rates[i] = wall > 0 ? (double) stage_count (m, i) / wall : 0;

  self->status = run->status;
  self->finished_at = run->finished_at;
  g_clear_pointer (&self->error, g_free);
  if (run->error != NULL)
    {
      const char *end = strchr (run->error, '\n');

      self->error = end != NULL ? g_strndup (run->error, end - run->error) : g_strdup (run->error);
    }
  self->has_data = TRUE;
  self->n_points = 0;
  set_live (self, FALSE);
  shown_changed (self);
}

void
dps_pipeline_diagram_clear (DpsPipelineDiagram *self)
{
  g_return_if_fail (DPS_IS_PIPELINE_DIAGRAM (self));

  memset (&self->metrics, 0, sizeof self->metrics);
  self->metrics.lag = -1;
  self->metrics.source_size = -1;
  memset (self->rates, 0, sizeof self->rates);
  g_clear_pointer (&self->source_kind, g_free);
  g_clear_pointer (&self->source_description, g_free);
  g_clear_pointer (&self->error, g_free);
  self->has_data = FALSE;
  self->n_points = 0;
  self->finished_at = 0;
  set_live (self, FALSE);
  shown_changed (self);
}

gint64
dps_pipeline_diagram_get_count (DpsPipelineDiagram *self,
                                DpsPipelineStage    stage)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), 0);
  g_return_val_if_fail ((guint) stage < DPS_N_PIPELINE_STAGES, 0);
  return stage_count (&self->metrics, stage);
}

double
dps_pipeline_diagram_get_rate (DpsPipelineDiagram *self,
                               DpsPipelineStage    stage)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), 0);
  g_return_val_if_fail ((guint) stage < DPS_N_PIPELINE_STAGES, 0);
  return self->rates[stage];
}

double
dps_pipeline_diagram_get_queue_fill (DpsPipelineDiagram *self,
                                     DpsPipelineLink     link)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), 0);
  g_return_val_if_fail ((guint) link < DPS_N_PIPELINE_LINKS, 0);
  return queue_fill (&self->metrics, link);
}

gint64
dps_pipeline_diagram_get_duplicates (DpsPipelineDiagram *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), 0);
  return self->metrics.rows_duplicate;
}

gboolean
dps_pipeline_diagram_get_live (DpsPipelineDiagram *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), FALSE);
  return self->live;
}

gboolean
dps_pipeline_diagram_get_animating (DpsPipelineDiagram *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), FALSE);
  return self->tick_id != 0;
}

const char *
dps_pipeline_diagram_get_description (DpsPipelineDiagram *self)
{
  g_return_val_if_fail (DPS_IS_PIPELINE_DIAGRAM (self), NULL);
  return self->description;
}
